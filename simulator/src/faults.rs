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
