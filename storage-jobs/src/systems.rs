//! Turns configured systems into job sources: credentials read from their sources, TLS
//! settings applied, the right generated client connected. A misconfigured system becomes an
//! error for its own row, never a failure of the whole run.

use std::time::Duration;

use jobs::{
    BluexpBackupSource, HnasSource, JobSource, OntapSource, Vendor, VspObjectSource, VspcSource,
};
use ontap_client::ConnectionSettings;

use crate::config::{Credentials, Source, SystemConfig};

/// One system, ready to query (or the reason it is not).
pub struct Prepared {
    /// The configured name.
    pub name: String,
    /// Which API it speaks, if the kind is known.
    pub vendor: Option<Vendor>,
    /// How long it may take.
    pub timeout: Duration,
    /// The source, or why it could not be built.
    pub source: Result<Box<dyn JobSource>, String>,
}

/// What each system may use: its timeout, and its share of the memory limit, split between
/// response bodies and the jobs it lists.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Seconds the system may take (the file's `timeout_seconds` unless it has its own).
    pub default_timeout: u64,
    /// The most bytes one response body may have.
    pub max_response_bytes: usize,
    /// The most jobs one listing may yield.
    pub max_jobs: u64,
}

/// About what one listed job takes in memory (its fields and the vendor's record as text),
/// measured in `docs/PERFORMANCE.md`, with room to spare.
const BYTES_PER_JOB: u64 = 1024;

impl Budget {
    /// Each of `systems` systems gets an equal share of `memory_limit_mib`: a quarter for one
    /// response body (never more than the runtime's own cap), half for its jobs.
    pub fn new(memory_limit_mib: u64, systems: usize, default_timeout: u64) -> Budget {
        let share = memory_limit_mib.saturating_mul(1024 * 1024) / systems.max(1) as u64;
        let body = (share / 4).min(storage_jobs_runtime::DEFAULT_MAX_RESPONSE_BYTES as u64);
        Budget {
            default_timeout,
            max_response_bytes: usize::try_from(body.max(64 * 1024)).unwrap_or(usize::MAX),
            max_jobs: (share / 2 / BYTES_PER_JOB).max(1000),
        }
    }
}

/// Prepares every configured system.
pub fn prepare(systems: &[SystemConfig], budget: Budget) -> Vec<Prepared> {
    systems
        .iter()
        .map(|system| Prepared {
            name: system.name.clone(),
            vendor: Vendor::from_name(&system.kind),
            timeout: system.timeout(budget.default_timeout),
            source: build(system, budget).map_err(|reason| format!("misconfigured: {reason}")),
        })
        .collect()
}

fn settings(system: &SystemConfig, budget: Budget) -> Result<ConnectionSettings, String> {
    let mut settings = ConnectionSettings::new()
        .timeout(system.timeout(budget.default_timeout))
        .max_response_bytes(budget.max_response_bytes)
        .max_items(budget.max_jobs);
    if let Some(ca_file) = &system.tls.ca_file {
        let pem = crate::files::read_bounded(ca_file, crate::files::PEM_LIMIT)
            .map_err(|e| format!("tls.ca_file {e}"))?;
        settings = settings
            .add_root_certificates_pem(&pem)
            .map_err(|e| format!("tls.ca_file {}: {e}", ca_file.display()))?;
    }
    if system.tls.danger_accept_invalid_certificates {
        settings = settings.danger_accept_invalid_certificates();
    }
    if let Some(url) = &system.token_url {
        storage_jobs_runtime::check_base_url(url).map_err(|e| format!("token_url: {e}"))?;
        settings = settings.token_url(url.clone());
    }
    Ok(settings)
}

fn field(value: &Option<Source>, name: &str, secret: bool) -> Result<Option<String>, String> {
    value
        .as_ref()
        .map(|source| source.read(name, secret))
        .transpose()
}

fn required(value: &Option<Source>, name: &str, secret: bool) -> Result<String, String> {
    field(value, name, secret)?.ok_or_else(|| format!("credentials need `{name}`"))
}

/// Builds the source of one system.
pub fn build(system: &SystemConfig, budget: Budget) -> Result<Box<dyn JobSource>, String> {
    let settings = settings(system, budget)?;
    let c: &Credentials = &system.credentials;
    let name = system.name.clone();
    let url = system.url.as_str();
    let source: Box<dyn JobSource> = match Vendor::from_name(&system.kind)
        .ok_or_else(|| format!("unknown kind `{}`", system.kind))?
    {
        Vendor::Hnas => {
            use hnas_client::Credentials as C;
            let credentials = if let Some(key) = field(&c.api_key, "api_key", true)? {
                C::ApiKey {
                    api_key: key.into(),
                }
            } else if c.username.is_some() {
                C::BasicAuth {
                    username: required(&c.username, "username", false)?,
                    password: required(&c.password, "password", true)?.into(),
                }
            } else if c.subsystem_user.is_some() {
                C::XSubsystemUserAndXSubsystemPassword {
                    x_subsystem_user: required(&c.subsystem_user, "subsystem_user", true)?.into(),
                    x_subsystem_password: required(
                        &c.subsystem_password,
                        "subsystem_password",
                        true,
                    )?
                    .into(),
                }
            } else {
                return Err("credentials need `api_key`, or `username` and `password`, or `subsystem_user` and `subsystem_password`".into());
            };
            if system.filesystems.is_empty() {
                return Err(
                    "hnas needs `filesystems`, the file system IDs whose clone jobs to list".into(),
                );
            }
            let client = hnas_client::Client::connect_with(url, credentials, &settings)
                .map_err(|e| storage_jobs_runtime::cause_chain(&e))?;
            Box::new(HnasSource {
                system: name,
                client,
                filesystems: system.filesystems.clone(),
            })
        }
        Vendor::VspObject => {
            use vsp_object_client::Credentials as C;
            let credentials = if let Some(token) = field(&c.token, "token", true)? {
                C::BearerAuth {
                    token: token.into(),
                }
            } else if c.client_id.is_some() || c.username.is_some() {
                C::Password {
                    client_id: required(&c.client_id, "client_id", false)?,
                    client_secret: required(&c.client_secret, "client_secret", true)?.into(),
                    username: required(&c.username, "username", false)?,
                    password: required(&c.password, "password", true)?.into(),
                }
            } else {
                return Err("credentials need `token`, or `client_id`, `client_secret`, `username` and `password` for the identity provider".into());
            };
            let client = vsp_object_client::Client::connect_with(url, credentials, &settings)
                .map_err(|e| storage_jobs_runtime::cause_chain(&e))?;
            Box::new(VspObjectSource {
                system: name,
                client,
            })
        }
        Vendor::Vspc => {
            use vspc_client::Credentials as C;
            let credentials = if let Some(token) = field(&c.token, "token", true)? {
                C::BearerAuth {
                    token: token.into(),
                }
            } else if let Some(refresh) = field(&c.refresh_token, "refresh_token", true)? {
                C::RefreshToken {
                    refresh_token: refresh.into(),
                }
            } else if c.username.is_some() {
                C::Password {
                    username: required(&c.username, "username", false)?,
                    password: required(&c.password, "password", true)?.into(),
                }
            } else {
                return Err(
                    "credentials need `token`, `refresh_token`, or `username` and `password`"
                        .into(),
                );
            };
            let client = vspc_client::Client::connect_with(url, credentials, &settings)
                .map_err(|e| storage_jobs_runtime::cause_chain(&e))?;
            Box::new(VspcSource {
                system: name,
                client,
            })
        }
        Vendor::BluexpBackup => {
            use bluexp_backup_client::Credentials as C;
            let agent_id = required(&c.agent_id, "agent_id", true)?.into();
            let credentials = if let Some(token) = field(&c.token, "token", true)? {
                let user_token = if token.starts_with("Bearer ") {
                    token
                } else {
                    format!("Bearer {token}")
                };
                C::UserTokenAndAgentId {
                    user_token: user_token.into(),
                    agent_id,
                }
            } else if let Some(refresh) = field(&c.refresh_token, "refresh_token", true)? {
                C::RefreshTokenAndAgentId {
                    refresh_token: refresh.into(),
                    agent_id,
                }
            } else if c.client_id.is_some() {
                C::ClientCredentialsAndAgentId {
                    client_id: required(&c.client_id, "client_id", false)?,
                    client_secret: required(&c.client_secret, "client_secret", true)?.into(),
                    agent_id,
                }
            } else {
                return Err("credentials need `token`, `refresh_token`, or `client_id` and `client_secret` (a service account)".into());
            };
            let account = system
                .account
                .clone()
                .ok_or("bluexp-backup needs `account`, the BlueXP account ID")?;
            let client = bluexp_backup_client::Client::connect_with(url, credentials, &settings)
                .map_err(|e| storage_jobs_runtime::cause_chain(&e))?;
            Box::new(BluexpBackupSource {
                system: name,
                client,
                account,
            })
        }
        Vendor::Ontap => {
            let credentials = ontap_client::Credentials::BasicAuth {
                username: required(&c.username, "username", false)?,
                password: required(&c.password, "password", true)?.into(),
            };
            let client = ontap_client::Client::connect_with(url, credentials, &settings)
                .map_err(|e| storage_jobs_runtime::cause_chain(&e))?;
            Box::new(OntapSource {
                system: name,
                client,
            })
        }
    };
    Ok(source)
}
