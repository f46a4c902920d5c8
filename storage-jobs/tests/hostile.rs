//! The `storage-jobs` binary against what a hostile or broken world sends it: servers whose
//! text carries terminal escapes or odd characters, systems that start failing mid-`watch`,
//! Ctrl-C at any moment, closed pipes, secrets where they do not belong, files that never end
//! or never open, and ages beyond the calendar. Nothing may panic, hang or print a secret.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;

/// How a server answers the `n`th request (from 0): status, body, and seconds to wait first.
type Answer = fn(n: usize, path: &str) -> (u16, String, u64);

async fn server(answer: Answer) -> String {
    let count = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new().fallback(move |request: Request| {
        let count = count.clone();
        async move {
            let path = request.uri().path().to_string();
            let n = count.fetch_add(1, Ordering::SeqCst);
            let (status, body, delay) = answer(n, &path);
            tokio::time::sleep(Duration::from_secs(delay)).await;
            Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// One BlueXP system at `base` (its job ids and states are free text, so a server can put
/// anything in them).
fn bluexp_config(base: &str) -> String {
    format!(
        r#"timeout_seconds = 10

[[system]]
name = "bluexp-1"
kind = "bluexp-backup"
url = "{base}"
account = "acc"
credentials = {{ token = {{ env = "SJ_TOKEN" }}, agent_id = {{ env = "SJ_AGENT" }} }}
"#
    )
}

/// One ONTAP system at `base`, its password from `SJ_TOKEN`.
fn ontap_config(base: &str) -> String {
    format!(
        r#"[[system]]
name = "cluster-1"
kind = "ontap"
url = "{base}/api"
credentials = {{ username = "admin", password = {{ env = "SJ_TOKEN" }} }}
"#
    )
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn command(args: &[&str], config: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_storage-jobs"));
    command
        .args(args)
        .arg("--config")
        .arg(config)
        .env("SJ_TOKEN", "t")
        .env("SJ_AGENT", "a")
        .stdin(Stdio::null());
    command
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(mut command: Command) -> Run {
    let output = command.output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// No escape or other control character but newlines and tabs (nor a bidirectional
/// override) reaches the terminal, and nothing panicked.
fn assert_clean(run: &Run) {
    for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(
            !text
                .chars()
                .any(|c| (c.is_control() && c != '\n' && c != '\t')
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
            "{name} carries control characters: {text:?}"
        );
    }
    assert_ne!(run.code, Some(101), "panicked: {}", run.stderr);
}

const EVIL: &str = r"\u001b]0;owned\u0007\u001b[2J\u001b[Hall systems OK\u202e\u009b";

#[tokio::test(flavor = "multi_thread")]
async fn server_text_never_drives_the_terminal() {
    // An error message full of escapes.
    let base = server(|_, _| {
        (
            500,
            format!(r#"{{"message": "{EVIL}", "code": "{EVIL}"}}"#),
            0,
        )
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "config.toml", &bluexp_config(&base));
    let listed = run(command(&["list", "--output", "table"], &path));
    assert_clean(&listed);
    assert_eq!(listed.code, Some(4));
    assert!(listed.stderr.contains("bluexp-1:"), "{}", listed.stderr);

    // Job ids and states full of escapes, changing between refreshes of `watch`.
    let base = server(|n, _| {
        let status = if n == 0 { "Running" } else { EVIL };
        (
            200,
            format!(r#"{{"job": [{{"id": "{EVIL}", "status": "{status}", "error": "{EVIL}"}}]}}"#),
            0,
        )
    })
    .await;
    let path = write(&dir, "watch.toml", &bluexp_config(&base));
    let watched = run(command(
        &[
            "watch",
            "--interval",
            "1",
            "--iterations",
            "2",
            "--output",
            "table",
        ],
        &path,
    ));
    assert_clean(&watched);
    assert!(watched.stdout.contains(" -> "), "{}", watched.stdout);
    let table = run(command(&["list", "--output", "table"], &path));
    assert_clean(&table);
}

#[tokio::test(flavor = "multi_thread")]
async fn non_ascii_text_in_job_messages_never_crashes() {
    // ONTAP messages with a multi-byte character before a percentage, right-to-left text
    // and control characters.
    let base = server(|_, _| {
        (
            200,
            r#"{"records": [
                {"uuid": "1cd8a442-86d1-11e0-ae1c-123478563412", "state": "running", "message": "Running:\u00a040% complete"},
                {"uuid": "1cd8a442-86d1-11e0-ae1c-123478563413", "state": "running", "message": "Fortschritt ü40%"},
                {"uuid": "1cd8a442-86d1-11e0-ae1c-123478563414", "state": "running", "message": "התקדמות 7% \u202e\u0000"}
            ], "num_records": 3}"#
                .to_string(),
            0,
        )
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "config.toml", &ontap_config(&base));
    for format in ["table", "json", "ndjson"] {
        let listed = run(command(&["list", "--output", format], &path));
        assert_clean(&listed);
        assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    }
    let listed = run(command(&["list", "--output", "json"], &path));
    let document: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    let progress: Vec<_> = document["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|job| job["progress"].clone())
        .collect();
    assert_eq!(progress, [40.0, 40.0, 7.0]);
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_reports_a_system_that_starts_failing() {
    let base = server(|n, _| {
        if n == 0 {
            (
                200,
                r#"{"job": [{"id": "r1", "status": "Running"}]}"#.into(),
                0,
            )
        } else {
            (503, String::new(), 0)
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "config.toml", &bluexp_config(&base));
    let watched = run(command(
        &["watch", "--interval", "1", "--iterations", "3"],
        &path,
    ));
    assert_clean(&watched);
    assert_eq!(
        watched.code,
        Some(4),
        "a failing system makes the exit code 4"
    );
    let changes: Vec<&str> = watched.stdout.lines().skip(1).collect();
    assert_eq!(
        changes.len(),
        1,
        "reported once, not every round: {changes:?}"
    );
    assert!(
        changes[0].contains("bluexp-1: 503 Service Unavailable"),
        "{changes:?}"
    );
    assert!(
        !watched.stdout.contains("no longer listed"),
        "an outage is not jobs finishing: {}",
        watched.stdout
    );
}

/// Sends SIGINT to `child` and waits up to five seconds for it to end.
#[cfg(unix)]
fn interrupt(child: &mut std::process::Child) -> Option<std::process::ExitStatus> {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    None
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_stops_watch_in_every_phase() {
    // Each answer takes three seconds, so a refresh is under way for most of the time.
    let base = server(|_, _| {
        (
            200,
            r#"{"job": [{"id": "r1", "status": "Running"}]}"#.into(),
            3,
        )
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "config.toml", &bluexp_config(&base));
    // During the first refresh, during a later refresh, and while waiting between refreshes.
    for (phase, after) in [
        ("first refresh", 1000),
        ("later refresh", 4500),
        ("waiting", 3500),
    ] {
        let interval = if phase == "waiting" { "30" } else { "1" };
        let mut child = command(&["watch", "--interval", interval], &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(after));
        let status = interrupt(&mut child);
        let status = status.unwrap_or_else(|| panic!("Ctrl-C during the {phase} was lost"));
        assert_ne!(status.code(), Some(101), "{phase}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_pipe_ends_list_and_watch_quietly() {
    let base = server(|_, _| {
        let jobs: Vec<String> = (0..2000)
            .map(|i| format!(r#"{{"id": "r{i}", "status": "Running"}}"#))
            .collect();
        (200, format!(r#"{{"job": [{}]}}"#, jobs.join(",")), 0)
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "config.toml", &bluexp_config(&base));
    for args in [
        &["list", "--output", "ndjson"][..],
        &[
            "watch",
            "--interval",
            "1",
            "--iterations",
            "2",
            "--output",
            "table",
        ][..],
    ] {
        let mut child = command(args, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_ne!(output.status.code(), Some(101), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_in_urls_and_parse_errors_are_refused_and_never_printed() {
    let base = server(|_, _| (200, r#"{"job": []}"#.into(), 0)).await;
    let dir = tempfile::tempdir().unwrap();
    let with_userinfo = bluexp_config(&base).replace("http://", "http://monitor:hunter2@");
    let broken_url = bluexp_config("http://monitor:hunter2@[::1");
    let syntax = "[[system]]\nname = \"x\"\ncredentials = { password = \"hunter2\" \n";
    let wrong_type = "timeout_seconds = \"hunter2\"\n";
    for (name, text, exit) in [
        ("userinfo.toml", with_userinfo.as_str(), 4),
        ("broken-url.toml", broken_url.as_str(), 4),
        ("syntax.toml", syntax, 1),
        ("wrong-type.toml", wrong_type, 1),
    ] {
        let path = write(&dir, name, text);
        let listed = run(command(&["list", "--output", "json"], &path));
        assert_eq!(listed.code, Some(exit), "{name}: {}", listed.stderr);
        assert!(
            !listed.stdout.contains("hunter2") && !listed.stderr.contains("hunter2"),
            "{name}: {} {}",
            listed.stdout,
            listed.stderr
        );
        assert_clean(&listed);
    }
    let path = write(&dir, "userinfo2.toml", &with_userinfo);
    let listed = run(command(&["list", "--output", "json"], &path));
    assert!(
        listed.stderr.contains("no user name or password"),
        "{}",
        listed.stderr
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn odd_secret_and_config_files_are_refused_quickly() {
    use std::os::unix::fs::PermissionsExt;
    let base = server(|_, _| (200, r#"{"job": []}"#.into(), 0)).await;
    let dir = tempfile::tempdir().unwrap();
    let secret = |name: &str, text: &str, mode: u32| {
        let path = write(&dir, name, text);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    };
    let writable = secret("writable", "t", 0o666);
    let empty = secret("empty", "  \n", 0o600);
    let fifo = dir.path().join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for (file, expected) in [
        (writable.as_path(), "other users can write"),
        (empty.as_path(), "empty"),
        (fifo.as_path(), "not a regular file"),
        (std::path::Path::new("/dev/zero"), "not a regular file"),
    ] {
        let config = bluexp_config(&base).replace(
            r#"{ env = "SJ_TOKEN" }"#,
            &format!(r#"{{ file = "{}" }}"#, file.display()),
        );
        let path = write(&dir, "config.toml", &config);
        let started = Instant::now();
        let listed = run(command(&["list", "--output", "json"], &path));
        assert!(started.elapsed() < Duration::from_secs(5), "{file:?} hung");
        assert_eq!(listed.code, Some(4), "{file:?}: {}", listed.stderr);
        assert!(
            listed.stderr.contains(expected),
            "{file:?}: {}",
            listed.stderr
        );
    }
    for config in [std::path::Path::new("/dev/zero"), fifo.as_path()] {
        let started = Instant::now();
        let listed = run(command(&["list"], config));
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{config:?} hung"
        );
        assert_eq!(listed.code, Some(1), "{config:?}");
        assert!(
            listed.stderr.contains("not a regular file"),
            "{}",
            listed.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ages_beyond_the_calendar_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "config.toml", &bluexp_config("http://127.0.0.1:9"));
    for args in [
        ["list", "--since", "9999999999999999s"],
        ["list", "--until", "99999999999d"],
        ["list", "--since", "99999999999999999999999d"],
    ] {
        let listed = run(command(&args, &path));
        assert_eq!(listed.code, Some(2), "{args:?}: {}", listed.stderr);
        assert!(!listed.stderr.contains("panicked"), "{}", listed.stderr);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_memory_limit_is_shared_by_all_systems() {
    // Eight systems that answer 8 MiB each; with a 64 MiB limit each may read 2 MiB.
    let base = server(|_, _| (200, format!(r#"{{"job": [{}"#, " ".repeat(8 << 20)), 0)).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = "memory_limit_mib = 64\n".to_string();
    for i in 0..8 {
        config.push_str(&format!(
            "\n[[system]]\nname = \"bluexp-{i}\"\nkind = \"bluexp-backup\"\nurl = \"{base}\"\naccount = \"acc\"\ncredentials = {{ token = {{ env = \"SJ_TOKEN\" }}, agent_id = {{ env = \"SJ_AGENT\" }} }}\n"
        ));
    }
    let path = write(&dir, "config.toml", &config);
    let listed = run(command(&["list", "--output", "json"], &path));
    assert_eq!(listed.code, Some(4));
    assert_eq!(
        listed
            .stderr
            .matches("larger than the limit of 2097152 bytes")
            .count(),
        8,
        "{}",
        listed.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_name_systems_and_requests_and_no_secret() {
    let base = server(|_, _| (200, r#"{"records": [], "num_records": 0}"#.into(), 0)).await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "config.toml", &ontap_config(&base));
    let mut quiet = command(&["list", "--output", "json"], &path);
    quiet.env_remove("RUST_LOG");
    let quiet = run(quiet);
    assert_eq!(quiet.stderr, "", "nothing is logged without -v");
    let mut verbose = command(&["-vv", "list", "--output", "json"], &path);
    verbose.env("SJ_TOKEN", "hunter2").env_remove("RUST_LOG");
    let verbose = run(verbose);
    assert_eq!(verbose.code, Some(0), "{}", verbose.stderr);
    assert_clean(&verbose);
    for expected in [
        "system{name=cluster-1}",
        "request{",
        "path=/api/cluster/jobs",
        "answered",
        "status=200",
    ] {
        assert!(
            verbose.stderr.contains(expected),
            "{expected}: {}",
            verbose.stderr
        );
    }
    // The password, and its Basic encoding (`admin:hunter2`).
    for secret in ["hunter2", "YWRtaW46aHVudGVyMg"] {
        assert!(!verbose.stderr.contains(secret), "{}", verbose.stderr);
    }
}
