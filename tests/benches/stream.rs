//! Streaming every ONTAP job from the simulator through the generated pagination stream,
//! against a hand-written reqwest loop over the same pages (same page size, same decoding
//! type, links followed by hand).
//!
//! Run with `cargo bench -p tests --bench stream`; `STREAM_JOBS` sets the number of jobs
//! (default one million). docs/PERFORMANCE.md has the figures.

use std::sync::OnceLock;

use futures::TryStreamExt;
use simulator::{Config, auth};
use storage_jobs_runtime::reqwest;

fn main() {
    divan::main();
}

const PAGE: i64 = 10_000;

fn jobs() -> u64 {
    std::env::var("STREAM_JOBS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000)
}

/// One runtime and one simulator (frozen time) for every sample.
fn setup() -> &'static (tokio::runtime::Runtime, String) {
    static SETUP: OnceLock<(tokio::runtime::Runtime, String)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let base = runtime.block_on(async {
            let config = Config {
                jobs: jobs(),
                seed: 42,
                time_scale: 0.0,
                fault_rate: 0.0,
                ..simulator::Config::default()
            };
            simulator::spawn_on_loopback(config).await.unwrap().0
        });
        (runtime, base)
    })
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn generated_stream() -> usize {
    let (runtime, base) = setup();
    runtime.block_on(async {
        let client = ontap_client::Client::connect(
            &format!("{base}/api"),
            ontap_client::Credentials::BasicAuth {
                username: auth::USER.into(),
                password: auth::PASSWORD.into(),
            },
        )
        .unwrap();
        let count = client
            .get_cluster_jobs_stream(|request| request.max_records(PAGE))
            .try_fold(0usize, |n, _| async move { Ok(n + 1) })
            .await
            .unwrap();
        assert_eq!(count as u64, jobs());
        count
    })
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn hand_written_loop() -> usize {
    let (runtime, base) = setup();
    runtime.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        let mut link = format!("/api/cluster/jobs?max_records={PAGE}");
        let mut count = 0;
        loop {
            let bytes = http
                .get(format!("{base}{link}"))
                .basic_auth(auth::USER, Some(auth::PASSWORD))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let page: ontap_client::types::JobResponse = serde_json::from_slice(&bytes).unwrap();
            count += page.records.len();
            match page.links.and_then(|l| l.next).and_then(|n| n.href) {
                Some(next) => link = next,
                None => break,
            }
        }
        assert_eq!(count as u64, jobs());
        count
    })
}
