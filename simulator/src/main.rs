//! `cargo run -p simulator -- --help`: serves all five APIs until Ctrl-C.

use anyhow::Context;
use clap::Parser;

/// Serve simulated Hitachi NAS, VSP One Object, Veeam Service Provider Console, BlueXP backup
/// and ONTAP job APIs over HTTP, at each vendor's own paths on one port.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Jobs per API (a handful to a million).
    #[arg(long, default_value_t = 1000)]
    jobs: u64,
    /// Seed of the job population; the same seed gives the same jobs.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Simulated seconds per real second (0 freezes time; 60 runs an hour a minute).
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
    /// Fraction of requests (0 to 1) answered with a server error, slowly, or with a cut body.
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Fraction of requests (0 to 1) answered 429 Too Many Requests with a Retry-After.
    #[arg(long, default_value_t = 0.0)]
    throttle_rate: f64,
    /// After every this many requests, answer the next two with 503 (0: never).
    #[arg(long, default_value_t = 0)]
    burst_every: u64,
    /// Simulated seconds every access token lives (default: each vendor's own: VSPC 3600,
    /// BlueXP 86400, VSP One Object 300).
    #[arg(long)]
    token_lifetime: Option<f64>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.fault_rate),
        "--fault-rate must be between 0 and 1, not {}",
        args.fault_rate
    );
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.throttle_rate),
        "--throttle-rate must be between 0 and 1, not {}",
        args.throttle_rate
    );
    anyhow::ensure!(
        args.token_lifetime.is_none_or(|t| t > 0.0),
        "--token-lifetime must be above 0"
    );
    anyhow::ensure!(
        args.time_scale >= 0.0,
        "--time-scale must not be negative, not {}",
        args.time_scale
    );
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let address = listener.local_addr().context("reading the bound address")?;
    let config = simulator::Config {
        jobs: args.jobs,
        seed: args.seed,
        time_scale: args.time_scale,
        fault_rate: args.fault_rate,
        throttle_rate: args.throttle_rate,
        burst_every: args.burst_every,
        token_lifetime: args.token_lifetime,
    };
    println!(
        "storage-jobs simulator on http://{address}: {} jobs per API, seed {}, time x{}, faults {}%",
        config.jobs,
        config.seed,
        config.time_scale,
        config.fault_rate * 100.0
    );
    for (name, prefix, credentials) in simulator::endpoints() {
        println!("  {name:<14} http://{address}{prefix:<8} {credentials}");
    }
    println!("Ctrl-C stops it.");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        println!("stopping");
    };
    simulator::serve(listener, simulator::Simulator::new(config), shutdown)
        .await
        .context("serving")
}
