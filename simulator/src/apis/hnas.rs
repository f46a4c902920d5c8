//! Hitachi NAS Platform: `GET /v9/storage/filesystems/{filesystemId}/clone-jobs`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::Simulator;
use crate::auth::{self, API_KEY, PASSWORD, USER, header};
use crate::faults::{answer, json};
use crate::population::{Life, Outcome, Phase, Rng};

const API: u64 = 1;

/// The simulated file systems; job `i` belongs to `FILESYSTEMS[i % 4]`. The first is the
/// document's example ID.
pub const FILESYSTEMS: [&str; 4] = [
    "7B263DFD1D71E65A0000000000000000",
    "7B263DFD1D71E65A0000000000000001",
    "7B263DFD1D71E65A0000000000000002",
    "7B263DFD1D71E65A0000000000000003",
];

/// The routes.
pub fn routes() -> Router<Arc<Simulator>> {
    Router::new().route(
        "/v9/storage/filesystems/{filesystem_id}/clone-jobs",
        get(clone_jobs),
    )
}

/// One of the three documented ways to authenticate.
fn authorized(headers: &HeaderMap) -> bool {
    header(headers, "x-api-key") == Some(API_KEY)
        || auth::basic(headers)
        || (header(headers, "x-subsystem-user") == Some(USER)
            && header(headers, "x-subsystem-password") == Some(PASSWORD))
}

fn detailed_error(code: i64, message: &str, reason: &str) -> Value {
    json!({
        "errorCode": code,
        "errorDetail": {"detail": "", "fault": "", "fileName": "RestApiFilesystems.cpp", "function": "getCloneJobs", "lineNumber": 0, "message": reason, "reason": reason, "returnedValue": 0, "subCode": 0},
        "errorMsg": message
    })
}

/// Job `index` at simulated second `t`.
pub fn job(simulator: &Simulator, index: u64, t: f64) -> Value {
    let mut rng = Rng::for_job(simulator.config.seed, API, index);
    let life = Life::draw(&mut rng, -3600.0, 0.0);
    let files = (rng.range(10.0, 100_000.0)) as i64;
    let bytes = files * rng.range(4096.0, 1_048_576.0) as i64;
    let (state, done, return_code) = match life.phase(t) {
        Phase::Queued => ("QUEUED", 0.0, 0),
        Phase::Running(fraction) => ("RUNNING", fraction, 0),
        Phase::Done(Outcome::Success) => ("FINISHED", 1.0, 0),
        Phase::Done(Outcome::Failure) => ("ERRORED", 0.5, 1_081_361),
        Phase::Done(Outcome::Cancelled) => ("ABORTED", 0.3, 1_081_362),
    };
    let start = if t >= life.started {
        simulator.clock.at(life.started).timestamp()
    } else {
        0
    };
    let end = if matches!(life.phase(t), Phase::Done(_)) {
        simulator.clock.at(life.finished).timestamp()
    } else {
        0
    };
    let (details, message) = match state {
        "ERRORED" => (
            "destination directory became read-only",
            "The clone operation failed",
        ),
        "ABORTED" => (
            "aborted by an administrator",
            "The clone operation was aborted",
        ),
        _ => ("", ""),
    };
    json!({
        "dataBytesCloned": (bytes as f64 * done) as i64,
        "directoriesMissing": 0,
        "directoriesProcessed": ((files / 50) as f64 * done) as i64,
        "dstDirectory": format!("/clones/clone-{index}"),
        "endTime": end,
        "ensureCreate": index.is_multiple_of(2),
        "errorDetails": details,
        "filesCloned": (files as f64 * done) as i64,
        "filesMissing": 0,
        "filesSkipped": 0,
        "filesystemId": FILESYSTEMS[(index % 4) as usize],
        "jobId": rng.uuid(),
        "jobState": state,
        "returnCode": return_code,
        "returnCodeMessage": message,
        "skipInfo": "",
        "srcDirectory": format!("/projects/project-{}", index % 97),
        "startTime": start,
        "virtualServerId": 1 + (index % 3) as i64,
    })
}

async fn clone_jobs(
    State(simulator): State<Arc<Simulator>>,
    Path(filesystem_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Some(slot) = FILESYSTEMS.iter().position(|id| *id == filesystem_id) else {
        let body = detailed_error(
            1_081_345,
            "Cannot find the object of the operation on the device",
            "The file system does not exist",
        );
        return json(StatusCode::NOT_FOUND, &body);
    };
    let t = simulator.clock.now();
    let jobs: Vec<Value> = (slot as u64..simulator.config.jobs)
        .step_by(FILESYSTEMS.len())
        .map(|i| job(&simulator, i, t))
        .collect();
    let error = detailed_error(
        0,
        "Failed to list clone jobs",
        "The NAS server did not answer in time",
    );
    answer(
        &simulator.faults,
        json!({"treeCloneJobs": jobs}),
        Some(error),
    )
    .await
}
