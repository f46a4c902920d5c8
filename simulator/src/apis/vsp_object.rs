//! Hitachi VSP One Object: `GET /mapi/v1/csrf` and `POST /mapi/v1/jobs/list` (page token in
//! the body), under `/mapi` as deployments mount the API.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::Simulator;
use crate::faults::{answer, json};
use crate::population::{Life, Outcome, Phase, Rng};
use crate::tokens::{Issuer, Verdict};

const API: u64 = 2;
const DEFAULT_PAGE_SIZE: u64 = 100;
const MAX_PAGE_SIZE: u64 = 10_000;
const STATES: [&str; 4] = [
    "BATCH_REPLICATE",
    "LIFECYCLE_UPDATE",
    "METRIC_RECONCILIATION",
    "TRIGGER_RECONCILIATION",
];

/// The routes.
pub fn routes() -> Router<Arc<Simulator>> {
    Router::new()
        .route("/mapi/v1/csrf", get(csrf))
        .route("/mapi/v1/jobs/list", post(list))
}

/// Job `index` at simulated second `t`; its bucket is `bucket-{index % 10}`, its owner user
/// `index % 3`.
pub fn job(simulator: &Simulator, index: u64, t: f64) -> Value {
    let mut rng = Rng::for_job(simulator.config.seed, API, index);
    let life = Life::draw(&mut rng, -3600.0, 0.0);
    let objects = rng.range(100.0, 1_000_000.0) as i64;
    let job_type = *rng.pick(&STATES);
    let (state, done) = match life.phase(t) {
        Phase::Queued => ("EXAMINING", 0.0),
        Phase::Running(fraction) if fraction < 0.5 => ("PROCESSING", fraction),
        Phase::Running(fraction) => ("EXECUTING", fraction),
        Phase::Done(Outcome::Success) => ("COMPLETE", 1.0),
        Phase::Done(Outcome::Failure) => ("FAILED", 0.7),
        Phase::Done(Outcome::Cancelled) => ("CANCELLED", 0.2),
    };
    // Real systems send epoch seconds with a fraction, the page documents RFC 3339 text: odd
    // jobs get the one, even jobs the other.
    let time = |at: chrono::DateTime<chrono::Utc>| {
        if index % 2 == 1 {
            json!(at.timestamp_millis() as f64 / 1000.0)
        } else {
            json!(at.to_rfc3339())
        }
    };
    let mut body = json!({
        "jobId": {"id": index},
        "jobState": state,
        "jobType": job_type,
        "startTime": time(simulator.clock.at(life.started)),
        "jobParams": {"priority": if index.is_multiple_of(5) { "high" } else { "normal" }, "user": (index % 3).to_string()},
        "jobStats": {"processed": (objects as f64 * done) as i64, "failed": if state == "FAILED" { 1 + objects / 1000 } else { 0 }},
        "bucketName": format!("bucket-{}", index % 10),
    });
    if matches!(life.phase(t), Phase::Done(_)) {
        body["completeTime"] = time(simulator.clock.at(life.finished));
    }
    body
}

fn invalid(message: &str) -> Response {
    json(
        StatusCode::BAD_REQUEST,
        &json!({"code": "InvalidRequest", "message": message, "details": ""}),
    )
}

/// The first field of the request body whose type is not the spec's (`null` included: the
/// spec makes none of them nullable), described.
fn type_problem(request: &Value) -> Option<String> {
    let wrong = |field: &str, expected: &str, ok: fn(&Value) -> bool| {
        request
            .get(field)
            .filter(|v| !ok(v))
            .map(|_| format!("{field} must be {expected}"))
    };
    wrong("bucketName", "a string", Value::is_string)
        .or_else(|| wrong("pageToken", "a string", Value::is_string))
        .or_else(|| wrong("pageSize", "an integer", |v| v.is_i64() || v.is_u64()))
        .or_else(|| {
            wrong("userId", "an object with a 32-bit integer id", |v| {
                v.get("id")
                    .and_then(Value::as_i64)
                    .is_some_and(|id| i32::try_from(id).is_ok())
            })
        })
}

async fn csrf(State(simulator): State<Arc<Simulator>>) -> Response {
    let token = simulator.csrf.issue();
    // `AppendHeaders`: a plain header array would keep only the last `Set-Cookie`.
    (
        StatusCode::OK,
        AppendHeaders([
            (
                header::SET_COOKIE,
                format!("XSRF-TOKEN={token}; Path=/mapi"),
            ),
            (
                header::SET_COOKIE,
                format!("vertx-web.session=s-{token}; Path=/mapi; HttpOnly"),
            ),
        ]),
    )
        .into_response()
}

async fn list(
    State(simulator): State<Arc<Simulator>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let token = simulator
        .tokens
        .bearer(Issuer::VspObject, &headers, simulator.clock.now());
    if token != Verdict::Valid || !simulator.csrf.accepts(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    // The body is required (vsp-object-4); `{}` lists everything. The page documents the body
    // as `*/*`, so YAML is read too (a superset of JSON, so one parser reads both).
    let request: Value = match serde_yaml::from_str(&body) {
        Ok(value @ Value::Object(_)) => value,
        _ => return invalid("the request body must be a JSON object"),
    };
    // A page size of 0 (or none) means the server's default, as the page's own example uses.
    let page_size = match request.get("pageSize") {
        None | Some(Value::Null) => DEFAULT_PAGE_SIZE,
        Some(size) => match size.as_i64() {
            Some(0) => DEFAULT_PAGE_SIZE,
            Some(size @ 1..) => (size as u64).min(MAX_PAGE_SIZE),
            _ => return invalid("pageSize must not be negative"),
        },
    };
    if let Some(problem) = type_problem(&request) {
        return invalid(&problem);
    }
    // A token this server did not issue lists nothing: an empty last page, as after the end of
    // whatever listing it came from.
    let start = match request.get("pageToken").and_then(Value::as_str) {
        None | Some("") => 0,
        Some(token) => token
            .strip_prefix('n')
            .and_then(|n| u64::from_str_radix(n, 16).ok())
            .unwrap_or(simulator.config.jobs),
    };
    let bucket = request.get("bucketName").and_then(Value::as_str);
    let user = request.pointer("/userId/id").and_then(Value::as_u64);
    let t = simulator.clock.now();
    let mut jobs = Vec::new();
    let mut index = start;
    while index < simulator.config.jobs && (jobs.len() as u64) < page_size {
        let bucket_matches = bucket.is_none_or(|b| b == format!("bucket-{}", index % 10));
        let user_matches = user.is_none_or(|u| u == index % 3);
        if bucket_matches && user_matches {
            jobs.push(job(&simulator, index, t));
        }
        index += 1;
    }
    // The last page carries no token at all, as real systems answer.
    let mut page = json!({"jobs": jobs});
    if index < simulator.config.jobs {
        page["pageToken"] = json!(format!("n{index:x}"));
    }
    answer(&simulator.faults, page, None).await
}
