//! Every generated client against the simulator: authenticate, list everything through the
//! pagination streams, and compare with the simulator's ground truth: every job exactly once,
//! none missing, none doubled, also while simulated time moves the jobs along.

use std::collections::BTreeSet;
use std::sync::Arc;

use futures::TryStreamExt;
use simulator::apis::{bluexp, hnas, ontap, vsp_object, vspc};
use simulator::{Config, Simulator, auth};

/// Starts a simulator on an ephemeral loopback port; it runs until the test's runtime ends.
async fn start(config: Config) -> (String, Arc<Simulator>) {
    simulator::spawn_on_loopback(config).await.unwrap()
}

/// The ONTAP client with the simulator's demo credentials.
fn ontap(base: &str) -> ontap_client::Client {
    let credentials = ontap_client::Credentials::BasicAuth {
        username: auth::USER.into(),
        password: auth::PASSWORD.into(),
    };
    ontap_client::Client::connect(&format!("{base}/api"), credentials).unwrap()
}

/// The VSP One Object client with the simulator's demo token.
fn vsp_object(base: &str) -> vsp_object_client::Client {
    vsp_object_client::Client::connect(
        &format!("{base}/mapi"),
        vsp_object_client::Credentials::BearerAuth {
            token: auth::TOKEN.into(),
        },
    )
    .unwrap()
}

/// The HNAS client with the simulator's demo API key.
fn hnas(base: &str) -> hnas_client::Client {
    hnas_client::Client::connect(
        base,
        hnas_client::Credentials::ApiKey {
            api_key: auth::API_KEY.into(),
        },
    )
    .unwrap()
}

fn frozen(jobs: u64) -> Config {
    Config {
        jobs,
        seed: 7,
        time_scale: 0.0,
        fault_rate: 0.0,
        ..simulator::Config::default()
    }
}

/// Asserts that `listed` holds each of `expected` exactly once and nothing else.
fn assert_exactly_once(what: &str, listed: Vec<String>, expected: Vec<String>) {
    let unique: BTreeSet<&String> = listed.iter().collect();
    assert_eq!(unique.len(), listed.len(), "{what}: a job was listed twice");
    let expected: BTreeSet<&String> = expected.iter().collect();
    let missing: Vec<_> = expected.difference(&unique).collect();
    let extra: Vec<_> = unique.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: missing {missing:?}, unexpected {extra:?}"
    );
}

fn text(value: &serde_json::Value) -> String {
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
}

#[tokio::test]
async fn hnas_lists_every_clone_job_of_every_file_system() {
    let (base, simulator) = start(frozen(103)).await;
    let client = hnas(&base);
    let mut listed = Vec::new();
    for filesystem in hnas::FILESYSTEMS {
        let page = client
            .get_clone_jobs()
            .filesystem_id(filesystem)
            .send()
            .await
            .unwrap()
            .into_inner();
        listed.extend(
            page.tree_clone_jobs
                .into_iter()
                .map(|job| job.job_id.unwrap()),
        );
    }
    let expected = (0..103)
        .map(|i| text(&hnas::job(&simulator, i, 0.0)["jobId"]))
        .collect();
    assert_exactly_once("hnas", listed, expected);
}

#[tokio::test]
async fn vsp_object_lists_every_job_over_many_pages() {
    let (base, simulator) = start(frozen(250)).await;
    let client = vsp_object(&base);
    let jobs: Vec<_> = client
        .list_jobs_stream(|request| request.body_map(|body| body.page_size(7)))
        .try_collect()
        .await
        .unwrap();
    let listed = jobs
        .iter()
        .map(|job| job.job_id.as_ref().unwrap().id.to_string())
        .collect();
    let expected = (0..250)
        .map(|i| text(&vsp_object::job(&simulator, i, 0.0)["jobId"]["id"]))
        .collect();
    assert_exactly_once("vsp-object", listed, expected);
    let bucket: Vec<_> = client
        .list_jobs_stream(|request| {
            request.body_map(|body| body.bucket_name("bucket-3".to_string()).page_size(4))
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(bucket.len(), 25, "bucket-3 holds every tenth job");
}

#[tokio::test]
async fn vspc_lists_every_copy_job_by_offset() {
    let (base, simulator) = start(frozen(333)).await;
    let client = vspc_client::Client::connect(
        &format!("{base}/api/v3"),
        vspc_client::Credentials::BearerAuth {
            token: auth::TOKEN.into(),
        },
    )
    .unwrap();
    let jobs: Vec<_> = client
        .get_backup_server_file_share_copy_jobs_stream(|request| request.limit(40))
        .try_collect()
        .await
        .unwrap();
    let listed = jobs
        .iter()
        .map(|job| job.instance_uid.unwrap().to_string())
        .collect();
    let expected = (0..333)
        .map(|i| text(&vspc::job(&simulator, i, false)["instanceUid"]))
        .collect();
    assert_exactly_once("vspc", listed, expected);
}

#[tokio::test]
async fn bluexp_lists_every_restore_job() {
    let (base, simulator) = start(frozen(61)).await;
    let credentials = bluexp_backup_client::Credentials::UserTokenAndAgentId {
        user_token: format!("Bearer {}", auth::TOKEN).into(),
        agent_id: auth::AGENT_ID.into(),
    };
    let client = bluexp_backup_client::Client::connect(&base, credentials).unwrap();
    let status = client
        .get_restore_status()
        .account_id(auth::ACCOUNT)
        .send()
        .await
        .unwrap()
        .into_inner();
    let listed = status.job.into_iter().map(|job| job.id.unwrap()).collect();
    let expected = (0..61)
        .map(|i| text(&bluexp::job(&simulator, i, 0.0)["id"]))
        .collect();
    assert_exactly_once("bluexp-backup", listed, expected);
}

#[tokio::test]
async fn ontap_lists_every_job_following_next_links() {
    let (base, simulator) = start(frozen(500)).await;
    let client = ontap(&base);
    let jobs: Vec<_> = client
        .get_cluster_jobs_stream(|request| request.max_records(13).fields(["*"]))
        .try_collect()
        .await
        .unwrap();
    let listed = jobs
        .iter()
        .map(|job| job.uuid.unwrap().to_string())
        .collect();
    let expected = (0..500)
        .map(|i| text(&ontap::job(&simulator, i, 0.0)["uuid"]))
        .collect();
    assert_exactly_once("ontap", listed, expected);
    assert!(
        jobs.iter()
            .all(|job| job.state.as_ref().is_some_and(|s| s.is_known())),
        "every simulated state is one the spec lists"
    );

    let failed: Vec<_> = client
        .get_cluster_jobs_stream(|request| {
            request
                .state("failure")
                .max_records(5)
                .order_by(["start_time desc"])
        })
        .try_collect()
        .await
        .unwrap();
    let expected_failed = (0..500)
        .filter(|&i| ontap::job(&simulator, i, 0.0)["state"] == "failure")
        .count();
    assert_eq!(failed.len(), expected_failed);
    assert!(
        failed
            .windows(2)
            .all(|pair| pair[0].start_time >= pair[1].start_time),
        "ordered by start_time desc"
    );
}

/// While time runs, jobs change state during the listing; their identities must not waver.
#[tokio::test]
async fn listings_stay_exact_while_jobs_change_state() {
    let (base, simulator) = start(Config {
        jobs: 400,
        seed: 11,
        time_scale: 600.0,
        fault_rate: 0.0,
        ..simulator::Config::default()
    })
    .await;
    let vsp = vsp_object(&base);
    let before = simulator.clock.now();
    let states_before: Vec<_> = (0..400)
        .map(|i| vsp_object::job(&simulator, i, before)["jobState"].clone())
        .collect();
    let mut listed = Vec::new();
    let mut stream =
        std::pin::pin!(vsp.list_jobs_stream(|request| request.body_map(|body| body.page_size(10))));
    while let Some(job) = stream.try_next().await.unwrap() {
        listed.push(job.job_id.unwrap().id.to_string());
        tokio::time::sleep(std::time::Duration::from_micros(500)).await;
    }
    let after = simulator.clock.now();
    let changed = (0..400)
        .filter(|&i| vsp_object::job(&simulator, i, after)["jobState"] != states_before[i as usize])
        .count();
    assert!(
        changed > 0,
        "no job changed state during the listing ({before} to {after} simulated seconds)"
    );
    assert_exactly_once(
        "vsp-object while running",
        listed,
        (0..400).map(|i| i.to_string()).collect(),
    );

    // ONTAP forgets finished jobs: what was visible throughout must be listed, nothing twice,
    // and nothing that was never visible.
    let ontap_client = ontap(&base);
    let start = simulator.clock.now();
    let jobs: Vec<_> = ontap_client
        .get_cluster_jobs_stream(|request| request.max_records(9))
        .try_collect()
        .await
        .unwrap();
    let end = simulator.clock.now();
    let listed: Vec<String> = jobs
        .iter()
        .map(|job| job.uuid.unwrap().to_string())
        .collect();
    let unique: BTreeSet<&String> = listed.iter().collect();
    assert_eq!(unique.len(), listed.len(), "ontap listed a job twice");
    for i in 0..400 {
        let uuid = text(&ontap::job(&simulator, i, 0.0)["uuid"]);
        let throughout = ontap::visible(&simulator, i, start) && ontap::visible(&simulator, i, end);
        let ever = ontap::visible(&simulator, i, start);
        assert!(
            !throughout || unique.contains(&uuid),
            "job {i} was visible throughout but not listed"
        );
        assert!(
            ever || !unique.contains(&uuid),
            "job {i} was listed though already forgotten"
        );
    }
}

#[tokio::test]
async fn credentials_and_documented_errors_are_enforced() {
    let (base, _) = start(frozen(10)).await;
    let wrong = ontap_client::Client::connect(
        &format!("{base}/api"),
        ontap_client::Credentials::BasicAuth {
            username: "admin".into(),
            password: "wrong".into(),
        },
    )
    .unwrap();
    let error = wrong.get_cluster_jobs().send().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "401 Unauthorized: not authorized for that command (code 6)"
    );
    let hnas = hnas(&base);
    let error = hnas
        .get_clone_jobs()
        .filesystem_id("unknown")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "404 Not Found: Cannot find the object of the operation on the device (code 1081345)"
    );
    let bad_key = hnas_client::Client::connect(
        &base,
        hnas_client::Credentials::ApiKey {
            api_key: "nope".into(),
        },
    )
    .unwrap();
    let error = bad_key
        .get_clone_jobs()
        .filesystem_id(hnas::FILESYSTEMS[0])
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "401 Unauthorized");
    let ontap = ontap(&base);
    let error = ontap
        .get_cluster_jobs()
        .return_timeout(500)
        .send()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("400 Bad Request: Unexpected argument \"return_timeout\""),
        "{error}"
    );
}

#[tokio::test]
async fn vsp_object_refuses_calls_without_a_matching_token() {
    let (base, simulator) = start(frozen(5)).await;
    let http = reqwest_client();
    let response = http
        .post(format!("{base}/mapi/v1/jobs/list"))
        .bearer_auth(auth::TOKEN)
        .header("x-xsrf-token", "forged")
        .header("cookie", "XSRF-TOKEN=forged")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "a token the server never issued");
    let client = vsp_object(&base);
    client.list_jobs().send().await.unwrap();
    simulator.csrf.revoke_all();
    let page = client.list_jobs().send().await.unwrap().into_inner();
    assert_eq!(
        page.jobs.len(),
        5,
        "the client renewed its revoked token and went on"
    );
}

fn reqwest_client() -> storage_jobs_runtime::reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    storage_jobs_runtime::reqwest::Client::new()
}

/// `--fault-rate 1`: every answer is a fault, and each kind reaches the caller as a typed
/// error (a server error with the vendor's body, a cut body as a decode error) or, when slow,
/// as the normal answer.
#[tokio::test]
async fn injected_faults_reach_the_caller_as_typed_errors() {
    let (base, _) = start(Config {
        jobs: 20,
        seed: 3,
        time_scale: 0.0,
        fault_rate: 1.0,
        ..simulator::Config::default()
    })
    .await;
    let client = ontap(&base);
    let (mut server_errors, mut cut_bodies, mut slow_successes) = (0, 0, 0);
    for _ in 0..12 {
        match client.get_cluster_jobs().send().await {
            Ok(_) => slow_successes += 1,
            Err(ontap_client::Error::Documented {
                status,
                error: body,
                ..
            }) => {
                assert_eq!(status, 500);
                let ontap_client::errors::GetClusterJobsError::Default(body) = body else {
                    panic!("ONTAP documents every error as `default`")
                };
                assert!(body.error.is_some());
                server_errors += 1;
            }
            Err(ontap_client::Error::Decode { .. }) => cut_bodies += 1,
            Err(other) => panic!("unexpected error {other:?}"),
        }
        if server_errors > 0 && cut_bodies > 0 && slow_successes > 0 {
            break;
        }
    }
    assert!(
        server_errors > 0 && cut_bodies > 0 && slow_successes > 0,
        "{server_errors} {cut_bodies} {slow_successes}"
    );
}
