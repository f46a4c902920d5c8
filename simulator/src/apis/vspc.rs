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
use crate::auth;
use crate::faults::{answer, json};
use crate::population::Rng;

const API: u64 = 3;

/// The routes.
pub fn routes() -> Router<Arc<Simulator>> {
    Router::new().route(
        "/api/v3/infrastructure/backupServers/jobs/fileShareCopyJobs",
        get(copy_jobs),
    )
}

/// Copy job `index`: a configuration, without a state.
pub fn job(simulator: &Simulator, index: u64) -> Value {
    let mut rng = Rng::for_job(simulator.config.seed, API, index);
    json!({
        "instanceUid": rng.uuid(),
        "sourceFileShareJobUid": rng.uuid(),
        "targetRepositoryUid": rng.uuid(),
        "retention": *rng.pick(&[7, 14, 28, 30, 90]),
        "retentionUnit": *rng.pick(&["days", "days", "weeks", "months"]),
    })
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
    if !auth::bearer(&headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "the access token is missing or invalid",
        );
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
    let total = simulator.config.jobs;
    let from = (offset as u64).min(total);
    let to = (from + limit as u64).min(total);
    let data: Vec<Value> = (from..to).map(|i| job(&simulator, i)).collect();
    let body = json!({"meta": {"pagingInfo": {"total": total, "count": data.len(), "offset": offset}}, "data": data});
    answer(&simulator.faults, body, None).await
}
