//! `storage-jobs watch` over all five simulated systems for more than three simulated days,
//! with self-renewing credentials whose tokens keep expiring, throttling with `Retry-After`
//! and bursts of 503s: every round lists every job of every system, no job is lost, and the
//! scheduled VSPC copy jobs keep changing state from run to run. The
//! test prints what it took (requests, retries, renewals, peak memory), the figures the
//! README and the closing notes quote.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

use simulator::Config;
use simulator::tokens::{BLUEXP_REFRESH_TOKEN, CLIENT_ID, CLIENT_SECRET};

const JOBS: u64 = 25;
/// Simulated seconds per real second: four simulated hours a second.
const SCALE: f64 = 14_400.0;
/// Refreshes, one a second: 19 of them span more than three simulated days.
const ROUNDS: u64 = 19;
const SYSTEMS: [&str; 5] = ["nas-1", "object-1", "vspc-1", "bluexp-1", "cluster-1"];

fn config(base: &str) -> String {
    let filesystems: Vec<String> = simulator::apis::hnas::FILESYSTEMS
        .iter()
        .map(|f| format!("\"{f}\""))
        .collect();
    format!(
        r#"timeout_seconds = 60

[[system]]
name = "nas-1"
kind = "hnas"
url = "{base}"
filesystems = [{filesystems}]
credentials = {{ api_key = {{ env = "SJ_NAS_KEY" }} }}

[[system]]
name = "object-1"
kind = "vsp-object"
url = "{base}/mapi"
credentials = {{ client_id = "{CLIENT_ID}", client_secret = {{ env = "SJ_CLIENT_SECRET" }}, username = "admin", password = {{ env = "SJ_PASSWORD" }} }}

[[system]]
name = "vspc-1"
kind = "vspc"
url = "{base}/api/v3"
credentials = {{ username = "admin", password = {{ env = "SJ_PASSWORD" }} }}

[[system]]
name = "bluexp-1"
kind = "bluexp-backup"
url = "{base}"
token_url = "{base}/oauth/token"
account = "account-demo"
credentials = {{ refresh_token = {{ env = "SJ_REFRESH" }}, agent_id = {{ env = "SJ_AGENT" }} }}

[[system]]
name = "cluster-1"
kind = "ontap"
url = "{base}/api"
credentials = {{ username = "admin", password = {{ env = "SJ_PASSWORD" }} }}
"#,
        filesystems = filesystems.join(", ")
    )
}

/// The peak resident memory of process `pid` so far (`VmHWM`), in KiB.
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_runs_for_three_simulated_days_through_expiry_throttling_and_outages() {
    let (base, simulator) = simulator::spawn_on_loopback(Config {
        jobs: JOBS,
        seed: 11,
        time_scale: SCALE,
        fault_rate: 0.0,
        throttle_rate: 0.04,
        burst_every: 60,
        // Twelve simulated hours, three real seconds at this speed: a token expires every few
        // rounds, and still outlives any wait between retries (the vendors' own lifetimes,
        // 300 s to a day, would be 20 ms to 6 s here, shorter than a `Retry-After: 1`).
        token_lifetime: Some(43_200.0),
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, config(&base)).unwrap();

    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("storage-jobs"))
        .args([
            "watch",
            "--interval",
            "1",
            "--iterations",
            &ROUNDS.to_string(),
        ])
        .args(["--output", "table", "--config"])
        .arg(&path)
        .env("SJ_NAS_KEY", simulator::auth::API_KEY)
        .env("SJ_PASSWORD", simulator::auth::PASSWORD)
        .env("SJ_CLIENT_SECRET", CLIENT_SECRET)
        .env("SJ_REFRESH", BLUEXP_REFRESH_TOKEN)
        .env("SJ_AGENT", simulator::auth::AGENT_ID)
        .env("RUST_LOG", "storage_jobs_runtime=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // Both pipes are drained as they fill, or a chatty child would block on them.
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
    });
    let stderr = child.stderr.take().unwrap();
    let log = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let mut peak = 0;
    let status = loop {
        peak = peak.max(peak_kib(pid).unwrap_or(0));
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let lines = reader.join().unwrap();
    let stderr = log.join().unwrap();
    let simulated_days = simulator.clock.now() / 86_400.0;

    // Exit code 3 says some listed jobs failed; 4 would say a system could not be listed.
    assert!(
        matches!(status.code(), Some(0 | 3)),
        "{status}\n{stderr}\n{}",
        lines.join("\n")
    );
    assert!(simulated_days >= 3.0, "{simulated_days} simulated days");
    // The first round is the table: every job of every system. ONTAP alone forgets finished
    // jobs (five simulated minutes after they end, long gone at this speed), so it lists
    // whichever it still has.
    for system in SYSTEMS {
        let rows = lines
            .iter()
            .filter(|line| line.split_whitespace().next() == Some(system))
            .count() as u64;
        if system == "cluster-1" {
            assert!(rows <= JOBS, "{system}: {rows} rows");
        } else {
            assert_eq!(rows, JOBS, "{system}: {rows} rows\n{}", lines.join("\n"));
        }
    }
    // Later rounds print only changes: states moving on, never a system that failed, nor a
    // job that vanished or reappeared (ONTAP's forgotten jobs are gone before the first).
    let changes: Vec<&String> = lines
        .iter()
        .filter(|line| !SYSTEMS.contains(&line.split_whitespace().next().unwrap_or("")))
        .filter(|line| !line.starts_with("SYSTEM") && !line.trim().is_empty())
        .collect();
    for line in &changes {
        assert!(
            line.contains(" -> "),
            "a round was not complete: {line}\n{stderr}"
        );
    }

    // VSPC's copy jobs run on a schedule, so their state keeps moving for the whole run.
    let rerun = changes
        .iter()
        .filter(|line| line.contains(" vspc-1 "))
        .count();
    assert!(
        rerun >= 3,
        "scheduled VSPC runs show up as state changes: {rerun}\n{}",
        lines.join("\n")
    );

    let gate = &simulator.gate;
    let tokens = &simulator.tokens;
    let (requests, throttled, unavailable) = (
        gate.requests.load(Ordering::Relaxed),
        gate.throttled.load(Ordering::Relaxed),
        gate.unavailable.load(Ordering::Relaxed),
    );
    let (issued, expired, refreshed) = (
        tokens.issued.load(Ordering::Relaxed),
        tokens.expired.load(Ordering::Relaxed),
        tokens.refreshed.load(Ordering::Relaxed),
    );
    eprintln!(
        "long watch: {ROUNDS} rounds over {simulated_days:.1} simulated days, {requests} requests, \
         {} retries ({throttled} answered 429, {unavailable} answered 503), {issued} tokens \
         issued ({refreshed} for a refresh token), {expired} calls refused for an expired token \
         and re-sent, {} state changes, peak memory {:.1} MiB",
        throttled + unavailable,
        changes.len(),
        peak as f64 / 1024.0
    );
    assert!(
        throttled > 0 && unavailable > 0,
        "the run was throttled and had outages"
    );
    assert!(expired > 0 && issued > 6, "tokens expired and were renewed");
    assert!(refreshed > 0, "VSPC and BlueXP renewed with refresh tokens");
    assert!(peak > 0 && peak < 256 * 1024, "peak memory {peak} KiB");
}
