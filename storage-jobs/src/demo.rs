//! `storage-jobs demo`: the built-in simulator of all five APIs, and a system for each with the
//! simulator's demo credentials, so a new user sees the tool work with nothing set up.

use std::time::Duration;

use anyhow::{Context, Result};
use jobs::{
    BluexpBackupSource, HnasSource, JobSource, OntapSource, Vendor, VspObjectSource, VspcSource,
};
use simulator::{Config, auth};

use crate::systems::Prepared;

/// Starts the simulator on a free loopback port (it runs until the process ends) and returns
/// its base URL and one prepared system per API.
pub async fn start(jobs: u64) -> Result<(String, Vec<Prepared>)> {
    let config = Config {
        jobs,
        seed: 42,
        time_scale: 0.0,
        fault_rate: 0.0,
        ..simulator::Config::default()
    };
    let (base, _) = simulator::spawn_on_loopback(config)
        .await
        .context("starting the simulator on a loopback port")?;

    let hnas = hnas_client::Client::connect(
        &base,
        hnas_client::Credentials::ApiKey {
            api_key: auth::API_KEY.into(),
        },
    )?;
    let vsp = vsp_object_client::Client::connect(
        &format!("{base}/mapi"),
        vsp_object_client::Credentials::BearerAuth {
            token: auth::TOKEN.into(),
        },
    )?;
    let vspc = vspc_client::Client::connect(
        &format!("{base}/api/v3"),
        vspc_client::Credentials::BearerAuth {
            token: auth::TOKEN.into(),
        },
    )?;
    let bluexp = bluexp_backup_client::Client::connect(
        &base,
        bluexp_backup_client::Credentials::UserTokenAndAgentId {
            user_token: format!("Bearer {}", auth::TOKEN).into(),
            agent_id: auth::AGENT_ID.into(),
        },
    )?;
    let ontap = ontap_client::Client::connect(
        &format!("{base}/api"),
        ontap_client::Credentials::BasicAuth {
            username: auth::USER.into(),
            password: auth::PASSWORD.into(),
        },
    )?;
    let sources: Vec<(&str, Vendor, Box<dyn JobSource>)> = vec![
        (
            "demo-nas",
            Vendor::Hnas,
            Box::new(HnasSource {
                system: "demo-nas".into(),
                client: hnas,
                filesystems: simulator::apis::hnas::FILESYSTEMS
                    .iter()
                    .map(|f| f.to_string())
                    .collect(),
            }),
        ),
        (
            "demo-object",
            Vendor::VspObject,
            Box::new(VspObjectSource {
                system: "demo-object".into(),
                client: vsp,
            }),
        ),
        (
            "demo-vspc",
            Vendor::Vspc,
            Box::new(VspcSource {
                system: "demo-vspc".into(),
                client: vspc,
            }),
        ),
        (
            "demo-bluexp",
            Vendor::BluexpBackup,
            Box::new(BluexpBackupSource {
                system: "demo-bluexp".into(),
                client: bluexp,
                account: auth::ACCOUNT.into(),
            }),
        ),
        (
            "demo-ontap",
            Vendor::Ontap,
            Box::new(OntapSource {
                system: "demo-ontap".into(),
                client: ontap,
            }),
        ),
    ];
    let prepared = sources
        .into_iter()
        .map(|(name, vendor, source)| Prepared {
            name: name.to_string(),
            vendor: Some(vendor),
            timeout: Duration::from_secs(30),
            source: Ok(source),
        })
        .collect();
    Ok((base, prepared))
}
