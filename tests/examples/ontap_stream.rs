//! Streams every ONTAP job from a running simulator through the generated stream and prints
//! how many arrived and this process's peak resident memory, for
//! `tests/scripts/stream-memory.sh`.

use futures::TryStreamExt;

#[tokio::main]
async fn main() {
    let base = std::env::args()
        .nth(1)
        .expect("usage: ontap_stream BASE_URL");
    let client = ontap_client::Client::connect(
        &format!("{base}/api"),
        ontap_client::Credentials::BasicAuth {
            username: "admin".into(),
            password: "demo".into(),
        },
    )
    .unwrap();
    let count = client
        .get_cluster_jobs_stream(|request| request.max_records(10_000))
        .try_fold(0u64, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .unwrap_or("VmHWM: ?")
        .trim();
    println!("{count} jobs streamed; {peak}");
}
