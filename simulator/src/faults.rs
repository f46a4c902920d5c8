//! Fault injection for robustness tests (`--fault-rate`): a server error with the API's error
//! body, a slow answer, or a body cut in half.

use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::population::Rng;

/// How long a slow answer waits.
pub const SLOW: Duration = Duration::from_secs(3);

/// One kind of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `500` with the API's error body (or none).
    ServerError,
    /// The normal answer, after [`SLOW`].
    Slow,
    /// The normal answer with only the first half of its body.
    Truncated,
}

/// Decides, request by request, whether to inject a fault.
#[derive(Debug)]
pub struct Faults {
    rate: f64,
    rng: Mutex<Rng>,
}

impl Faults {
    /// Faults on a fraction `rate` (0 to 1) of requests, drawn from `seed`.
    pub fn new(rate: f64, seed: u64) -> Self {
        Faults {
            rate,
            rng: Mutex::new(Rng::for_job(seed, 77, 0)),
        }
    }

    /// The fault for this request, if any.
    pub fn draw(&self) -> Option<Fault> {
        if self.rate <= 0.0 {
            return None;
        }
        let mut rng = self.rng.lock().expect("fault rng");
        if rng.range(0.0, 1.0) >= self.rate {
            return None;
        }
        Some(*rng.pick(&[Fault::ServerError, Fault::Slow, Fault::Truncated]))
    }
}

/// A JSON response.
pub fn json(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// The normal `200` answer `body`, or a fault; `error_body` is what the API sends with a 500.
pub async fn answer(faults: &Faults, body: Value, error_body: Option<Value>) -> Response {
    match faults.draw() {
        None => json(StatusCode::OK, &body),
        Some(Fault::ServerError) => match error_body {
            Some(error) => json(StatusCode::INTERNAL_SERVER_ERROR, &error),
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Some(Fault::Slow) => {
            tokio::time::sleep(SLOW).await;
            json(StatusCode::OK, &body)
        }
        Some(Fault::Truncated) => {
            let text = body.to_string();
            let half = text.len() / 2;
            let mut response = Response::new(Body::from(text[..half].to_string()));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                "application/json".parse().expect("a header value"),
            );
            response
        }
    }
}

/// How many requests in a row a burst of outages answers 503.
pub const BURST: u64 = 2;

/// Throttling and outages in front of every API (`--throttle-rate`, `--burst-every`): a
/// fraction of requests answered `429` with `Retry-After`, and every so many requests a
/// burst of `503`s; with counts of each, for long-running tests.
#[derive(Debug)]
pub struct Gate {
    throttle_rate: f64,
    burst_every: u64,
    rng: Mutex<Rng>,
    /// Requests seen.
    pub requests: std::sync::atomic::AtomicU64,
    /// Requests answered 429.
    pub throttled: std::sync::atomic::AtomicU64,
    /// Requests answered 503.
    pub unavailable: std::sync::atomic::AtomicU64,
}

impl Gate {
    /// Throttles a fraction `throttle_rate` of requests, and answers [`BURST`] requests with
    /// 503 after every `burst_every` (0: never).
    pub fn new(throttle_rate: f64, burst_every: u64, seed: u64) -> Self {
        Gate {
            throttle_rate,
            burst_every,
            rng: Mutex::new(Rng::for_job(seed, 78, 0)),
            requests: Default::default(),
            throttled: Default::default(),
            unavailable: Default::default(),
        }
    }

    /// The answer in place of the API's, if this request is throttled or falls in a burst.
    pub fn decide(&self) -> Option<Response> {
        use std::sync::atomic::Ordering::Relaxed;
        let n = self.requests.fetch_add(1, Relaxed) + 1;
        if self.burst_every > 0 && n > self.burst_every && n % self.burst_every < BURST {
            self.unavailable.fetch_add(1, Relaxed);
            return Some(StatusCode::SERVICE_UNAVAILABLE.into_response());
        }
        if self.throttle_rate > 0.0 {
            let mut rng = self.rng.lock().expect("gate rng");
            if rng.range(0.0, 1.0) < self.throttle_rate {
                // Sometimes right away, sometimes after a second, as servers ask.
                let after = if rng.range(0.0, 1.0) < 0.5 { "0" } else { "1" };
                self.throttled.fetch_add(1, Relaxed);
                return Some(
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        [(header::RETRY_AFTER, after)],
                    )
                        .into_response(),
                );
            }
        }
        None
    }
}

/// The middleware that puts the [`Gate`] in front of every route.
pub async fn gate(
    axum::extract::State(simulator): axum::extract::State<std::sync::Arc<crate::Simulator>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    match simulator.gate.decide() {
        Some(refused) => refused,
        None => next.run(request).await,
    }
}
