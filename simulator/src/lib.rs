//! A simulator of the five storage job APIs over real HTTP, for people without the appliances
//! and for this workspace's own end-to-end tests and benchmarks.
//!
//! Each API is served at its vendor's own paths on one listener (they do not overlap), checks
//! its documented credentials, answers its documented errors, and lists a seeded population of
//! jobs that move through their states as simulated time passes.

pub mod apis;
pub mod auth;
pub mod clock;
pub mod faults;
pub mod population;
pub mod tokens;

use std::future::Future;
use std::sync::Arc;

use axum::Router;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct Config {
    /// Jobs per API.
    pub jobs: u64,
    /// Seed of the population (and of tokens and faults).
    pub seed: u64,
    /// Simulated seconds per real second; 0 freezes time.
    pub time_scale: f64,
    /// Fraction of requests that get a fault.
    pub fault_rate: f64,
    /// Fraction of requests answered 429 with `Retry-After`.
    pub throttle_rate: f64,
    /// After every this many requests, a burst of 503s (0: none).
    pub burst_every: u64,
    /// Simulated seconds every issued access token lives; `None`: each vendor's own.
    pub token_lifetime: Option<f64>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            jobs: 1000,
            seed: 42,
            time_scale: 1.0,
            fault_rate: 0.0,
            throttle_rate: 0.0,
            burst_every: 0,
            token_lifetime: None,
        }
    }
}

/// The simulator's state, shared by every request.
#[derive(Debug)]
pub struct Simulator {
    /// What it simulates.
    pub config: Config,
    /// Simulated time.
    pub clock: clock::Clock,
    /// VSP One Object's issued CSRF tokens.
    pub csrf: auth::CsrfTokens,
    /// Fault injection.
    pub faults: faults::Faults,
    /// Throttling and bursts of outages, and the count of requests.
    pub gate: faults::Gate,
    /// Access tokens issued by the token calls.
    pub tokens: tokens::Tokens,
    /// ONTAP jobs paused or cancelled through `PATCH /api/cluster/jobs/{uuid}`.
    pub ontap_actions: apis::ontap::Actions,
}

impl Simulator {
    /// A simulator whose clock starts now.
    pub fn new(config: Config) -> Arc<Self> {
        Arc::new(Simulator {
            clock: clock::Clock::new(config.time_scale),
            csrf: auth::CsrfTokens::new(config.seed),
            faults: faults::Faults::new(config.fault_rate, config.seed),
            gate: faults::Gate::new(config.throttle_rate, config.burst_every, config.seed),
            tokens: tokens::Tokens::new(config.seed),
            ontap_actions: Default::default(),
            config,
        })
    }
}

/// Every API's routes.
pub fn router(simulator: Arc<Simulator>) -> Router {
    Router::new()
        .merge(apis::hnas::routes())
        .merge(apis::vsp_object::routes())
        .merge(apis::vspc::routes())
        .merge(apis::bluexp::routes())
        .merge(apis::ontap::routes())
        .merge(tokens::routes())
        .layer(axum::middleware::from_fn_with_state(
            simulator.clone(),
            faults::gate,
        ))
        .with_state(simulator)
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    simulator: Arc<Simulator>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(simulator))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Starts a simulator on a free loopback port, served on the current tokio runtime until
/// that ends, and returns its base URL and state: how tests, benchmarks and
/// `storage-jobs demo` embed it.
pub async fn spawn_on_loopback(config: Config) -> std::io::Result<(String, Arc<Simulator>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let simulator = Simulator::new(config);
    tokio::spawn(serve(listener, simulator.clone(), std::future::pending()));
    Ok((base, simulator))
}

/// Where each API is, relative to the server's root, with its demo credentials, as the
/// simulator prints them on start.
pub fn endpoints() -> [(&'static str, &'static str, String); 5] {
    use auth::*;
    [
        (
            "hnas",
            "",
            format!(
                "X-Api-Key: {API_KEY} (or basic {USER}/{PASSWORD}); file systems {}",
                apis::hnas::FILESYSTEMS.join(", ")
            ),
        ),
        (
            "vsp-object",
            "/mapi",
            format!(
                "Authorization: Bearer {TOKEN} (or Keycloak password grant, client {} / {}, user {USER}/{PASSWORD}); GET /mapi/v1/csrf for the CSRF token",
                tokens::CLIENT_ID,
                tokens::CLIENT_SECRET
            ),
        ),
        (
            "vspc",
            "/api/v3",
            format!(
                "Authorization: Bearer {TOKEN} (or POST /api/v3/token, user {USER}/{PASSWORD})"
            ),
        ),
        (
            "bluexp-backup",
            "",
            format!(
                "authorization: Bearer {TOKEN} (or POST /oauth/token, refresh token {}), x-agent-id: {AGENT_ID}; account {ACCOUNT}",
                tokens::BLUEXP_REFRESH_TOKEN
            ),
        ),
        ("ontap", "/api", format!("basic {USER}/{PASSWORD}")),
    ]
}
