//! NetApp BlueXP backup and recovery: `GET /account/{accountId}/providers/cloudmanager_cbs/api/v1/restore/status`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::Simulator;
use crate::auth::{ACCOUNT, AGENT_ID, header};
use crate::faults::answer;
use crate::population::{Life, Outcome, Phase, Rng};
use crate::tokens::{Issuer, Verdict};

const API: u64 = 4;

/// The routes.
pub fn routes() -> Router<Arc<Simulator>> {
    Router::new().route(
        "/account/{account_id}/providers/cloudmanager_cbs/api/v1/restore/status",
        get(restore_status),
    )
}

/// Restore job `index` at simulated second `t`.
pub fn job(simulator: &Simulator, index: u64, t: f64) -> Value {
    let mut rng = Rng::for_job(simulator.config.seed, API, index);
    let life = Life::draw(&mut rng, -3600.0, 0.0);
    let volume = format!("vol_{}", index % 50);
    let file_level = index.is_multiple_of(3);
    let (status, error) = match life.phase(t) {
        Phase::Queued => ("Queued", None),
        Phase::Running(_) => ("Running", None),
        Phase::Done(Outcome::Success) => ("Completed", None),
        Phase::Done(Outcome::Failure) => ("Failed", Some("the target volume is offline")),
        Phase::Done(Outcome::Cancelled) => ("Aborted", Some("aborted by the user")),
    };
    let mut restore = json!({
        "type": if file_level { "file" } else { "volume" },
        "source": {
            "working-environment-id": "VsaWorkingEnvironment-src",
            "working-environment-name": "aws-cvo-prod",
            "bucket": "netapp-backup-prod",
            "volume-id": rng.uuid(),
            "volume-name": volume,
            "snapshot": format!("daily.2026-10-{:02}_0010", 1 + index % 28),
        },
        "target": {
            "working-environment-id": "VsaWorkingEnvironment-dst",
            "working-environment-name": "aws-cvo-dr",
            "svm": "svm_dr",
            "volume-name": format!("{volume}_restore"),
            "volume-size": 107_374_182_400u64,
            "path": "/",
        },
    });
    if file_level {
        restore["file"] = json!([{"inode": 96 + index, "path": format!("/data/report-{index}.csv"), "type": "file", "size": 4096 * (1 + index % 100), "mtime": simulator.clock.at(life.created - 86_400.0).timestamp()}]);
    }
    let mut job = json!({
        "id": rng.uuid(),
        "status": status,
        "time": simulator.clock.at(life.created).timestamp_millis(),
        "data": {"restore": restore},
    });
    if let Some(error) = error {
        job["error"] = json!(error);
    }
    job
}

async fn restore_status(
    State(simulator): State<Arc<Simulator>>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let token = simulator
        .tokens
        .bearer(Issuer::Bluexp, &headers, simulator.clock.now());
    let authorized = token == Verdict::Valid && header(&headers, "x-agent-id") == Some(AGENT_ID);
    if !authorized {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    // Other accounts have no restore jobs here.
    let count = if account_id == ACCOUNT {
        simulator.config.jobs
    } else {
        0
    };
    let t = simulator.clock.now();
    let jobs: Vec<Value> = (0..count).map(|i| job(&simulator, i, t)).collect();
    answer(&simulator.faults, json!({"job": jobs}), None).await
}
