//! Veeam Service Provider Console: `GET /api/v3/infrastructure/backupServers/jobs/fileShareCopyJobs`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use crate::Simulator;
use crate::faults::{answer, json};
use crate::population::{Life, Outcome, Phase, Rng};
use crate::tokens::{Issuer, Verdict};

const API: u64 = 3;

/// The routes.
pub fn routes() -> Router<Arc<Simulator>> {
    Router::new().route(
        "/api/v3/infrastructure/backupServers/jobs/fileShareCopyJobs",
        get(copy_jobs),
    )
}

/// Copy job `index`: a configuration; with `expand`, its backup server job and the state of
/// that job's last run, on the simulated clock (the job runs again every few hours).
pub fn job(simulator: &Simulator, index: u64, expand: bool) -> Value {
    let mut rng = Rng::for_job(simulator.config.seed, API, index);
    let mut job = json!({
        "instanceUid": rng.uuid(),
        "sourceFileShareJobUid": rng.uuid(),
        "targetRepositoryUid": rng.uuid(),
        "retention": *rng.pick(&[7, 14, 28, 30, 90]),
        "retentionUnit": *rng.pick(&["Days", "Days", "Weeks", "Months"]),
    });
    // Drawn after the fields above, so that those stay as they were.
    job["uniqueUid"] = json!(rng.uuid());
    job["sourceFileShareJobUniqueUid"] = json!(rng.uuid());
    job["sourceSize"] = if index % 4 == 3 {
        Value::Null
    } else {
        json!(rng.next_u64() % (1 << 40))
    };
    let first = Life::draw(&mut rng, -240.0, 0.0);
    // A copy job runs on a schedule, every six hours to a day; each run has its own outcome.
    let period = rng.range(6.0 * 3600.0, 24.0 * 3600.0);
    if expand {
        let t = simulator.clock.now();
        let seed = simulator.config.seed;
        let life = first.run_at(period, t, |run| {
            Rng::for_job(seed.wrapping_add(run), API, index)
        });
        let (status, failure) = match life.phase(t) {
            Phase::Queued => ("WaitingRepository", None),
            Phase::Running(_) => ("Running", None),
            Phase::Done(Outcome::Success) => ("Success", None),
            Phase::Done(Outcome::Failure) => {
                ("Failed", Some("the target repository is out of space"))
            }
            Phase::Done(Outcome::Cancelled) => ("Warning", None),
        };
        let started = (t >= life.started).then(|| simulator.clock.at(life.started).to_rfc3339());
        let done = matches!(life.phase(t), Phase::Done(_));
        job["_embedded"] = json!({"backupServerJob": {
            "instanceUid": job["sourceFileShareJobUid"].clone(),
            "name": format!("File share copy {index}"),
            "status": status,
            "lastRun": started,
            "lastEndTime": done.then(|| simulator.clock.at(life.finished).to_rfc3339()),
            "lastDuration": done.then(|| (life.finished - life.started).max(0.0) as i64),
            "failureMessage": failure,
            "isEnabled": true,
        }});
    }
    job
}

/// VSPC's error body.
fn error(status: StatusCode, message: &str) -> Response {
    json(
        status,
        &json!({"errors": [{"message": message, "type": "logical", "code": status.as_u16()}]}),
    )
}

/// A numeric query parameter, or the reason it is not one.
fn number(query: &HashMap<String, String>, name: &str, default: i32) -> Result<i32, String> {
    match query.get(name) {
        None => Ok(default),
        Some(text) => text
            .parse()
            .map_err(|_| format!("{name} must be a 32-bit integer")),
    }
}

async fn copy_jobs(
    State(simulator): State<Arc<Simulator>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match simulator
        .tokens
        .bearer(Issuer::Vspc, &headers, simulator.clock.now())
    {
        Verdict::Valid => {}
        Verdict::Expired => {
            return error(StatusCode::UNAUTHORIZED, "the access token has expired");
        }
        Verdict::Invalid => {
            return error(
                StatusCode::UNAUTHORIZED,
                "the access token is missing or invalid",
            );
        }
    }
    let (limit, offset) = match (number(&query, "limit", 100), number(&query, "offset", 0)) {
        (Ok(limit), Ok(offset)) => (limit, offset),
        (Err(why), _) | (_, Err(why)) => return error(StatusCode::BAD_REQUEST, &why),
    };
    if !(1..=500).contains(&limit) {
        return error(StatusCode::BAD_REQUEST, "limit must be between 1 and 500");
    }
    if offset < 0 {
        return error(StatusCode::BAD_REQUEST, "offset must not be negative");
    }
    let mut expand = false;
    for value in query.get("expand").into_iter().flat_map(|v| v.split(',')) {
        match value {
            "BackupServerJob" => expand = true,
            "" => {}
            other => {
                return error(
                    StatusCode::BAD_REQUEST,
                    &format!("expand: `{other}` is not a resource to embed"),
                );
            }
        }
    }
    let total = simulator.config.jobs;
    let from = (offset as u64).min(total);
    let to = (from + limit as u64).min(total);
    let data: Vec<Value> = (from..to).map(|i| job(&simulator, i, expand)).collect();
    let body = json!({"meta": {"pagingInfo": {"total": total, "count": data.len(), "offset": offset}}, "data": data});
    answer(&simulator.faults, body, None).await
}
