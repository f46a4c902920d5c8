//! The `storage-jobs` binary against the simulator: table and JSON output, filters, exit codes,
//! `demo`, `watch`, and systems that are misconfigured, unreachable, refused or untrusted,
//! each reported on its own row while the others still list.

use std::io::Write;
use std::sync::Arc;

use assert_cmd::Command;
use simulator::Config;
use tokio::io::AsyncWriteExt;

/// A frozen simulator on a free port; it serves until the test's runtime ends.
async fn simulator(jobs: u64) -> String {
    let config = Config {
        jobs,
        seed: 42,
        time_scale: 0.0,
        fault_rate: 0.0,
        ..simulator::Config::default()
    };
    simulator::spawn_on_loopback(config).await.unwrap().0
}

/// A configuration for the five simulated systems, credentials from environment variables.
fn config(base: &str) -> String {
    format!(
        r#"timeout_seconds = 20

[[system]]
name = "nas-1"
kind = "hnas"
url = "{base}"
filesystems = ["7B263DFD1D71E65A0000000000000000", "7B263DFD1D71E65A0000000000000001"]
credentials = {{ api_key = {{ env = "SJ_NAS_KEY" }} }}

[[system]]
name = "object-1"
kind = "vsp-object"
url = "{base}/mapi"
credentials = {{ token = {{ env = "SJ_TOKEN" }} }}

[[system]]
name = "vspc-1"
kind = "vspc"
url = "{base}/api/v3"
credentials = {{ token = {{ env = "SJ_TOKEN" }} }}

[[system]]
name = "bluexp-1"
kind = "bluexp-backup"
url = "{base}"
account = "account-demo"
credentials = {{ token = {{ env = "SJ_TOKEN" }}, agent_id = {{ env = "SJ_AGENT" }} }}

[[system]]
name = "cluster-1"
kind = "ontap"
url = "{base}/api"
credentials = {{ username = "admin", password = {{ env = "SJ_ONTAP_PASSWORD" }} }}
"#
    )
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    path
}

fn storage_jobs(config: &std::path::Path) -> Command {
    let mut command = Command::cargo_bin("storage-jobs").unwrap();
    command
        .arg("list")
        .arg("--config")
        .arg(config)
        .env("SJ_NAS_KEY", simulator::auth::API_KEY)
        .env("SJ_TOKEN", simulator::auth::TOKEN)
        .env("SJ_AGENT", simulator::auth::AGENT_ID)
        .env("SJ_ONTAP_PASSWORD", simulator::auth::PASSWORD);
    command
}

fn stdout_of(command: &mut Command) -> (String, i32) {
    let output = command.output().unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        output.status.code().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_all_five_systems_as_a_table_and_as_json() {
    let base = simulator(3).await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "config.toml", &config(&base));
    let (table, code) = stdout_of(storage_jobs(&path).args(["--output", "table"]));
    assert_eq!(
        code, 3,
        "seed 42 gives object-1 a failed job, so the exit code says so:\n{table}"
    );
    insta::assert_snapshot!("table", table);
    let (json, _) = stdout_of(storage_jobs(&path).args(["--output", "json", "--sort", "started"]));
    let document: serde_json::Value = serde_json::from_str(&json).unwrap();
    let vendors: std::collections::BTreeSet<_> = document["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["vendor"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(vendors.len(), 5, "{vendors:?}");
    insta::assert_json_snapshot!("json", document, {".jobs[].raw" => "[raw]"});
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_sorting_and_the_failed_exit_code() {
    let base = simulator(40).await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "config.toml", &config(&base));
    let (ndjson, code) = stdout_of(storage_jobs(&path).args([
        "--output",
        "ndjson",
        "--state",
        "failed",
        "--vendor",
        "ontap,hnas",
        "--sort",
        "started",
        "--reverse",
    ]));
    let jobs: Vec<serde_json::Value> = ndjson
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(!jobs.is_empty(), "the seed has failed jobs");
    assert!(
        jobs.iter()
            .all(|j| j["state"] == "failed" && (j["vendor"] == "ontap" || j["vendor"] == "hnas"))
    );
    let starts: Vec<&str> = jobs
        .iter()
        .map(|j| j["started"].as_str().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert_eq!(code, 3, "a failed job among those listed");
    let (none, code) = stdout_of(storage_jobs(&path).args([
        "--output",
        "ndjson",
        "--system",
        "vspc-1",
        "--kind",
        "no such kind",
    ]));
    assert_eq!((none.as_str(), code), ("", 0));
    let (_, code) = stdout_of(storage_jobs(&path).args(["--system", "nope"]));
    assert_eq!(code, 1, "an unknown system name is a configuration error");
}

#[tokio::test(flavor = "multi_thread")]
async fn broken_systems_get_error_rows_and_the_others_still_list() {
    let base = simulator(2).await;
    let (https, _certificate) = untrusted_https().await;
    let dir = tempfile::tempdir().unwrap();
    let mut text = config(&base);
    text.push_str(&format!(
        r#"
[[system]]
name = "cluster-wrong-password"
kind = "ontap"
url = "{base}/api"
credentials = {{ username = "admin", password = {{ env = "SJ_WRONG" }} }}

[[system]]
name = "cluster-unreachable"
kind = "ontap"
url = "http://127.0.0.1:9/api"
credentials = {{ username = "admin", password = {{ env = "SJ_ONTAP_PASSWORD" }} }}

[[system]]
name = "cluster-bad-certificate"
kind = "ontap"
url = "{https}/api"
credentials = {{ username = "admin", password = {{ env = "SJ_ONTAP_PASSWORD" }} }}

[[system]]
name = "nas-missing-key"
kind = "hnas"
url = "{base}"
filesystems = ["x"]
credentials = {{ api_key = {{ env = "SJ_NOT_SET" }} }}

[[system]]
name = "nas-inline-key"
kind = "hnas"
url = "{base}"
filesystems = ["x"]
credentials = {{ api_key = "written-in-the-file" }}
"#
    ));
    let path = write(&dir, "config.toml", &text);
    let output = storage_jobs(&path)
        .args(["--output", "json"])
        .env("SJ_WRONG", "wrong")
        .env_remove("SJ_NOT_SET")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let systems: std::collections::BTreeSet<_> = document["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["system"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        systems.len(),
        5,
        "the five working systems still list: {systems:?}"
    );
    let errors: Vec<String> = document["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["system"].as_str().unwrap(),
                e["error"].as_str().unwrap()
            )
        })
        .collect();
    let port = https.rsplit(':').next().unwrap();
    let errors = errors.join("\n").replace(port, "<port>");
    insta::assert_snapshot!("errors", errors);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("cluster-unreachable:"),
        "errors also go to stderr: {stderr}"
    );
    assert!(
        !stderr.contains("written-in-the-file")
            && !String::from_utf8(output.stdout)
                .unwrap()
                .contains("written-in-the-file")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn configuration_errors_name_the_file_and_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "typo.toml",
            "[[system]]\nname = \"a\"\nkind = \"ontap\"\nurl = \"http://x\"\ncredentails = {}\n",
        ),
        (
            "kind.toml",
            "[[system]]\nname = \"a\"\nkind = \"netapp\"\nurl = \"http://x\"\n",
        ),
        ("empty.toml", "timeout_seconds = 5\n"),
        (
            "twice.toml",
            "[[system]]\nname = \"a\"\nkind = \"vspc\"\nurl = \"http://x\"\n[[system]]\nname = \"a\"\nkind = \"vspc\"\nurl = \"http://y\"\n",
        ),
    ];
    let mut report = String::new();
    for (name, text) in cases {
        let path = write(&dir, name, text);
        let output = Command::cargo_bin("storage-jobs")
            .unwrap()
            .args(["list", "--config"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8(output.stderr)
            .unwrap()
            .replace(&dir.path().display().to_string(), "<dir>");
        report.push_str(&format!("== {name}\n{stderr}\n"));
    }
    insta::assert_snapshot!("config_errors", report);
}

#[test]
fn demo_shows_jobs_from_all_five_systems() {
    let output = Command::cargo_bin("storage-jobs")
        .unwrap()
        .args(["demo", "--output", "table", "--jobs", "2"])
        .output()
        .unwrap();
    let table = String::from_utf8(output.stdout).unwrap();
    for system in [
        "demo-nas",
        "demo-object",
        "demo-vspc",
        "demo-bluexp",
        "demo-ontap",
    ] {
        assert!(table.contains(system), "{system} missing:\n{table}");
    }
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("demo: the built-in simulator serves all five APIs")
    );
    insta::assert_snapshot!("demo", table);
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_reports_state_changes() {
    let (base, _) = simulator::spawn_on_loopback(Config {
        jobs: 30,
        seed: 5,
        time_scale: 200.0,
        fault_rate: 0.0,
        ..simulator::Config::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "config.toml", &config(&base));
    let output = Command::cargo_bin("storage-jobs")
        .unwrap()
        .args([
            "watch",
            "--interval",
            "1",
            "--iterations",
            "3",
            "--vendor",
            "ontap,vsp-object",
            "--output",
            "table",
            "--config",
        ])
        .arg(&path)
        .env("SJ_TOKEN", simulator::auth::TOKEN)
        .env("SJ_ONTAP_PASSWORD", simulator::auth::PASSWORD)
        .env("SJ_NAS_KEY", simulator::auth::API_KEY)
        .env("SJ_AGENT", simulator::auth::AGENT_ID)
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("SYSTEM"),
        "the first refresh is the table:\n{text}"
    );
    assert!(
        text.lines()
            .any(|line| line.contains(" -> ") || line.contains("no longer listed")),
        "state changes are reported:\n{text}"
    );
}

/// An HTTPS server whose self-signed certificate nobody trusts; it only needs to handshake.
async fn untrusted_https() -> (String, String) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            if let Ok(mut tls) = acceptor.accept(tcp).await {
                let _ = tls.shutdown().await;
            }
        }
    });
    (format!("https://localhost:{port}"), certified.cert.pem())
}

/// `show` prints one job in full (ONTAP's node and SVM included), and `cancel` acts on an
/// ONTAP job only when confirmed; other APIs say they cannot.
#[tokio::test(flavor = "multi_thread")]
async fn show_and_cancel_one_ontap_job() {
    let base = simulator(40).await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "config.toml", &config(&base));
    let run = |args: &[&str]| {
        let mut command = Command::cargo_bin("storage-jobs").unwrap();
        command
            .args(args)
            .arg("--config")
            .arg(&path)
            .env("SJ_NAS_KEY", simulator::auth::API_KEY)
            .env("SJ_TOKEN", simulator::auth::TOKEN)
            .env("SJ_AGENT", simulator::auth::AGENT_ID)
            .env("SJ_ONTAP_PASSWORD", simulator::auth::PASSWORD)
            .output()
            .unwrap()
    };
    let listed = run(&[
        "list", "--vendor", "ontap", "--state", "running", "--output", "ndjson",
    ]);
    let first: serde_json::Value =
        serde_json::from_slice(listed.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    let id = first["id"].as_str().unwrap().to_string();

    let shown = run(&["show", "cluster-1", &id]);
    assert_eq!(shown.status.code(), Some(0));
    let job: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(job["id"], id);
    assert_eq!(job["state"], "running");
    assert!(
        job["location"].as_str().unwrap().starts_with("node node"),
        "{job}"
    );
    assert!(job["raw"]["svm"]["name"].is_string(), "{job}");

    let unconfirmed = run(&["cancel", "cluster-1", &id]);
    assert_eq!(unconfirmed.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&unconfirmed.stderr).contains("add --yes to confirm"),
        "{unconfirmed:?}"
    );
    let cancelled = run(&["cancel", "cluster-1", &id, "--yes"]);
    assert_eq!(cancelled.status.code(), Some(0), "{cancelled:?}");
    assert_eq!(
        String::from_utf8_lossy(&cancelled.stdout).trim(),
        format!("cluster-1 {id}: failed")
    );
    let again = run(&["cancel", "cluster-1", &id, "--yes"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr)
            .contains("a failure job cannot take the action cancel"),
        "{again:?}"
    );

    let vspc = run(&["list", "--vendor", "vspc", "--output", "ndjson"]);
    let vspc_id: serde_json::Value =
        serde_json::from_slice(vspc.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    let refused = run(&["pause", "vspc-1", vspc_id["id"].as_str().unwrap(), "--yes"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("the vspc API cannot pause jobs"),
        "{refused:?}"
    );
}
