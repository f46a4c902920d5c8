//! NetApp ONTAP: `GET /api/cluster/jobs` with ONTAP's query language (field filters with `|`,
//! `!`, `*`, `<`, `>`), `fields`, `order_by`, `max_records`, `return_records` and
//! `_links.next`; `GET` and `PATCH ?action=pause|resume|cancel` on `/api/cluster/jobs/{uuid}`.
//! A finished job is forgotten 300 simulated seconds after it ends.

use std::cmp::Ordering;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::Simulator;
use crate::auth;
use crate::faults::{answer, json};
use crate::population::{Life, Outcome, Phase, Rng};

const API: u64 = 5;
/// How long ONTAP keeps a finished job, in seconds.
pub const RETENTION: f64 = 300.0;
/// Records per page when the caller sets no `max_records` (ONTAP cuts a page at its return timeout).
pub const DEFAULT_PAGE: usize = 10_000;
const FILTERABLE: [&str; 12] = [
    "state",
    "start_time",
    "end_time",
    "code",
    "uuid",
    "description",
    "message",
    "error.code",
    "error.message",
    "node.name",
    "svm.name",
    "svm.uuid",
];
const DEFAULT_FIELDS: [&str; 3] = ["uuid", "description", "state"];
const DESCRIPTIONS: [&str; 5] = [
    "Volume Move",
    "Snapshot Create",
    "SnapMirror Transfer",
    "Volume Clone Split",
    "App Snapshot Job",
];

/// The routes.
pub fn routes() -> Router<Arc<Simulator>> {
    Router::new()
        .route("/api/cluster/jobs", get(jobs))
        .route("/api/cluster/jobs/{uuid}", get(one_job).patch(act))
}

/// What an administrator did to a job, and when (simulated seconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    /// Paused at this second.
    Paused(f64),
    /// Cancelled at this second.
    Cancelled(f64),
}

/// The actions taken on jobs, by index.
pub type Actions = std::sync::Mutex<std::collections::HashMap<u64, Action>>;

/// The lifecycle of job `index`: created in the last four minutes, so every job is still
/// remembered when the simulator starts.
fn life(simulator: &Simulator, index: u64) -> (Life, Rng) {
    let mut rng = Rng::for_job(simulator.config.seed, API, index);
    (Life::draw(&mut rng, -240.0, 0.0), rng)
}

/// Whether ONTAP still lists job `index` at simulated second `t`.
pub fn visible(simulator: &Simulator, index: u64, t: f64) -> bool {
    let (life, _) = life(simulator, index);
    life.finished + RETENTION > t
}

/// Every field of job `index` at simulated second `t`.
pub fn job(simulator: &Simulator, index: u64, t: f64) -> Map<String, Value> {
    let (life, mut rng) = life(simulator, index);
    let uuid = rng.uuid();
    let description = *rng.pick(&DESCRIPTIONS);
    let (state, code, message) = match life.phase(t) {
        Phase::Queued => ("queued", 0, "Queued".to_string()),
        Phase::Running(fraction) if index.is_multiple_of(20) && fraction > 0.5 => {
            ("paused", 0, "Paused by an administrator".to_string())
        }
        Phase::Running(fraction) => (
            "running",
            0,
            format!("Running: {}% complete", (fraction * 100.0) as u32),
        ),
        Phase::Done(Outcome::Success) => ("success", 0, "Complete: Successful".to_string()),
        Phase::Done(Outcome::Failure) => (
            "failure",
            917_927,
            "Failed: the destination aggregate is out of space".to_string(),
        ),
        Phase::Done(Outcome::Cancelled) => (
            "failure",
            1_638_555,
            "Failed: the job was cancelled".to_string(),
        ),
    };
    let action = simulator
        .ontap_actions
        .lock()
        .expect("ontap actions")
        .get(&index)
        .copied();
    let (state, code, message) = match (action, life.phase(t)) {
        (Some(Action::Cancelled(_)), _) => (
            "failure",
            1_638_555,
            "Failed: the job was cancelled".to_string(),
        ),
        (Some(Action::Paused(_)), Phase::Running(_)) => {
            ("paused", 0, "Paused by an administrator".to_string())
        }
        _ => (state, code, message),
    };
    let mut record = Map::new();
    record.insert("uuid".into(), json!(uuid));
    record.insert("description".into(), json!(description));
    record.insert("state".into(), json!(state));
    record.insert("message".into(), json!(message));
    record.insert("code".into(), json!(code));
    if t >= life.started {
        record.insert(
            "start_time".into(),
            json!(simulator.clock.at(life.started).to_rfc3339()),
        );
    }
    if let Some(Action::Cancelled(at)) = action {
        record.insert(
            "end_time".into(),
            json!(simulator.clock.at(at.min(life.finished)).to_rfc3339()),
        );
    } else if matches!(life.phase(t), Phase::Done(_)) {
        record.insert(
            "end_time".into(),
            json!(simulator.clock.at(life.finished).to_rfc3339()),
        );
    }
    // What ONTAP 9.10 and later add: the node, the storage VM, and for a failed job its error.
    let svm = index % 3;
    record.insert(
        "node".into(),
        json!({"name": format!("node{}", index % 4 + 1)}),
    );
    record.insert(
        "svm".into(),
        json!({
            "name": format!("svm{svm}"),
            "uuid": format!("02c9e252-41be-11e9-81d5-00a0986138f{svm}"),
            "_links": {"self": {"href": format!("/api/svm/svms/02c9e252-41be-11e9-81d5-00a0986138f{svm}")}},
        }),
    );
    if state == "failure" {
        record.insert(
            "error".into(),
            json!({"code": code.to_string(), "message": message, "arguments": []}),
        );
    }
    record.insert(
        "_links".into(),
        json!({"self": {"href": format!("/api/cluster/jobs/{uuid}")}}),
    );
    record
}

/// A field of a record by its ONTAP name, dotted for nested fields (`svm.name`).
fn field<'r>(record: &'r Map<String, Value>, name: &str) -> Option<&'r Value> {
    let mut parts = name.split('.');
    let mut value = record.get(parts.next()?)?;
    for part in parts {
        value = value.get(part)?;
    }
    Some(value)
}

/// ONTAP's error body.
fn error(status: StatusCode, code: &str, message: &str, target: Option<&str>) -> Response {
    let mut body = json!({"error": {"code": code, "message": message}});
    if let Some(target) = target {
        body["error"]["target"] = json!(target);
    }
    json(status, &body)
}

/// Whether `value` (a record's field) matches an ONTAP query `pattern`: alternatives joined by
/// `|`, each optionally negated by `!`, compared with `<`, `>`, `<=`, `>=`, or matched with `*`
/// wildcards; numbers compare as numbers.
pub fn matches(value: Option<&Value>, pattern: &str) -> bool {
    let text = match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    pattern.split('|').any(|alternative| {
        let (negated, alternative) = match alternative.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, alternative),
        };
        let hit = if let Some(bound) = alternative.strip_prefix("<=") {
            compare(&text, bound) != Ordering::Greater
        } else if let Some(bound) = alternative.strip_prefix(">=") {
            compare(&text, bound) != Ordering::Less
        } else if let Some(bound) = alternative.strip_prefix('<') {
            compare(&text, bound) == Ordering::Less
        } else if let Some(bound) = alternative.strip_prefix('>') {
            compare(&text, bound) == Ordering::Greater
        } else {
            wildcard(&text.to_lowercase(), &alternative.to_lowercase())
        };
        hit != negated
    })
}

fn compare(text: &str, bound: &str) -> Ordering {
    match (text.parse::<f64>(), bound.parse::<f64>()) {
        (Ok(a), Ok(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
        _ => text.cmp(bound),
    }
}

fn wildcard(text: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return text == pattern;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(after) = rest.strip_prefix(part) else {
                return false;
            };
            rest = after;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else {
                return false;
            };
            rest = &rest[at + part.len()..];
        }
    }
    true
}

/// The parsed query.
struct Request {
    filters: Vec<(String, String)>,
    fields: Option<Vec<String>>,
    order_by: Vec<(String, bool)>,
    max_records: usize,
    max_records_given: Option<usize>,
    return_records: bool,
    start: usize,
    passthrough: Vec<(String, String)>,
}

/// Reads the query; a rejected parameter comes back as `(name, why)`.
fn parse(query: Vec<(String, String)>) -> Result<Request, (String, String)> {
    let bad = |name: &str, why: &str| (name.to_string(), why.to_string());
    let mut request = Request {
        filters: Vec::new(),
        fields: None,
        order_by: Vec::new(),
        max_records: DEFAULT_PAGE,
        max_records_given: None,
        return_records: true,
        start: 0,
        passthrough: Vec::new(),
    };
    for (name, value) in query {
        match name.as_str() {
            "fields" => {
                request.fields = Some(
                    value
                        .split(',')
                        .map(|f| f.trim().to_string())
                        .filter(|f| !f.is_empty())
                        .collect(),
                )
            }
            "order_by" => {
                // Clauses naming a field jobs do not have are ignored, as are unknown
                // directions (ascending is the default): the spec allows any strings here.
                for clause in value.split(',').filter(|c| !c.trim().is_empty()) {
                    let mut words = clause.split_whitespace();
                    let field = words.next().unwrap_or_default().to_string();
                    let descending = words.next() == Some("desc");
                    if FILTERABLE.contains(&field.as_str()) {
                        request.order_by.push((field, descending));
                    }
                }
            }
            "max_records" => {
                // Any integer is valid; fewer than one record per page means one.
                let n: i64 = value
                    .parse()
                    .map_err(|_| bad("max_records", "not a number"))?;
                let n = usize::try_from(n.max(1)).unwrap_or(usize::MAX);
                request.max_records = n;
                request.max_records_given = Some(n);
                continue;
            }
            "return_records" => {
                request.return_records = value
                    .parse()
                    .map_err(|_| bad("return_records", "must be true or false"))?
            }
            "return_timeout" => {
                let seconds: i64 = value
                    .parse()
                    .map_err(|_| bad("return_timeout", "not a number"))?;
                if !(0..=120).contains(&seconds) {
                    return Err(bad("return_timeout", "must be between 0 and 120"));
                }
            }
            "start.index" => {
                request.start = value
                    .parse()
                    .map_err(|_| bad("start.index", "not a number"))?;
                continue;
            }
            "code" => {
                if !value.split('|').all(|v| {
                    v.trim_start_matches(['!', '<', '>', '='])
                        .parse::<i64>()
                        .is_ok()
                }) {
                    return Err(bad("code", "not an integer"));
                }
                request.filters.push((name.clone(), value.clone()));
            }
            name if FILTERABLE.contains(&name) => {
                request.filters.push((name.to_string(), value.clone()))
            }
            _ => return Err(bad(&name, "not a parameter of this operation")),
        }
        request.passthrough.push((name, value));
    }
    Ok(request)
}

fn project(record: &Map<String, Value>, fields: &Option<Vec<String>>) -> Value {
    match fields {
        Some(fields) if fields.iter().any(|f| f == "*" || f == "**") => {
            Value::Object(record.clone())
        }
        Some(fields) => {
            let mut out = Map::new();
            for (key, value) in record {
                if key == "uuid" || key == "_links" || fields.iter().any(|f| f == key) {
                    out.insert(key.clone(), value.clone());
                }
            }
            Value::Object(out)
        }
        None => Value::Object(
            record
                .iter()
                .filter(|(k, _)| DEFAULT_FIELDS.contains(&k.as_str()) || *k == "_links")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
    }
}

fn link(passthrough: &[(String, String)], extra: &[(String, String)]) -> String {
    let pairs: Vec<String> = passthrough
        .iter()
        .chain(extra)
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    if pairs.is_empty() {
        "/api/cluster/jobs".to_string()
    } else {
        format!("/api/cluster/jobs?{}", pairs.join("&"))
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b','
            | b'*'
            | b'|'
            | b'!' => (b as char).to_string(),
            b' ' => "+".to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

async fn jobs(
    State(simulator): State<Arc<Simulator>>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    if !auth::basic(&headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "6",
            "not authorized for that command",
            None,
        );
    }
    let request = match parse(query) {
        Ok(request) => request,
        Err((name, why)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "262179",
                &format!("Unexpected argument \"{name}\": {why}"),
                Some(&name),
            );
        }
    };
    let t = simulator.clock.now();
    let wanted = |record: &Map<String, Value>| {
        request
            .filters
            .iter()
            .all(|(name, pattern)| matches(field(record, name), pattern))
    };
    let mut page = Vec::new();
    let mut next = None;
    let total = simulator.config.jobs as usize;
    if request.order_by.is_empty() {
        // Scan from the cursor; a page ends when it is full or the jobs run out.
        let mut index = request.start;
        while index < total {
            if visible(&simulator, index as u64, t) {
                let record = job(&simulator, index as u64, t);
                if wanted(&record) {
                    if page.len() == request.max_records {
                        next = Some(index);
                        break;
                    }
                    page.push(record);
                }
            }
            index += 1;
        }
    } else {
        let mut all: Vec<Map<String, Value>> = (0..total as u64)
            .filter(|&i| visible(&simulator, i, t))
            .map(|i| job(&simulator, i, t))
            .filter(|r| wanted(r))
            .collect();
        all.sort_by(|a, b| {
            request
                .order_by
                .iter()
                .fold(Ordering::Equal, |order, (field, descending)| {
                    order.then_with(|| {
                        let (x, y) = (
                            a.get(field).map(Value::to_string).unwrap_or_default(),
                            b.get(field).map(Value::to_string).unwrap_or_default(),
                        );
                        let o = compare(x.trim_matches('"'), y.trim_matches('"'));
                        if *descending { o.reverse() } else { o }
                    })
                })
        });
        let end = (request.start + request.max_records).min(all.len());
        if end < all.len() {
            next = Some(end);
        }
        page = all
            .into_iter()
            .skip(request.start)
            .take(end.saturating_sub(request.start))
            .collect();
    }
    let mut links = json!({"self": {"href": link(&request.passthrough, &[])}});
    if let Some(start) = next {
        let max = request
            .max_records_given
            .unwrap_or(DEFAULT_PAGE)
            .max(1)
            .to_string();
        links["next"] = json!({"href": link(&request.passthrough, &[("max_records".into(), max), ("start.index".into(), start.to_string())])});
    }
    let mut body = json!({"num_records": page.len(), "_links": links});
    if request.return_records {
        body["records"] = Value::Array(
            page.iter()
                .map(|record| project(record, &request.fields))
                .collect(),
        );
    }
    let failure = json!({"error": {"code": "2", "message": "An internal error occurred. Wait a few minutes and try the operation again."}});
    answer(&simulator.faults, body, Some(failure)).await
}

/// The index of the visible job with `uuid`.
fn find(simulator: &Simulator, uuid: &str, t: f64) -> Option<u64> {
    (0..simulator.config.jobs).find(|&index| {
        let (_, mut rng) = life(simulator, index);
        rng.uuid() == uuid && visible(simulator, index, t)
    })
}

fn refused() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "6",
        "not authorized for that command",
        None,
    )
}

fn missing(uuid: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "4",
        "entry doesn't exist",
        Some(uuid),
    )
}

async fn one_job(
    State(simulator): State<Arc<Simulator>>,
    Path(uuid): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !auth::basic(&headers) {
        return refused();
    }
    let t = simulator.clock.now();
    match find(&simulator, &uuid, t) {
        Some(index) => {
            answer(
                &simulator.faults,
                Value::Object(job(&simulator, index, t)),
                None,
            )
            .await
        }
        None => missing(&uuid),
    }
}

async fn act(
    State(simulator): State<Arc<Simulator>>,
    Path(uuid): Path<String>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    if !auth::basic(&headers) {
        return refused();
    }
    let action = query
        .iter()
        .find(|(name, _)| name == "action")
        .map(|(_, value)| value.as_str());
    let t = simulator.clock.now();
    let Some(index) = find(&simulator, &uuid, t) else {
        return missing(&uuid);
    };
    let state = job(&simulator, index, t)["state"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let next = match (action, state.as_str()) {
        (Some("pause"), "running") => Some(Action::Paused(t)),
        (Some("resume"), "paused") => None,
        (Some("cancel"), "queued" | "running" | "paused") => Some(Action::Cancelled(t)),
        (Some(action @ ("pause" | "resume" | "cancel")), state) => {
            // The job is there but its state does not allow the action: a conflict.
            return error(
                StatusCode::CONFLICT,
                "458753",
                &format!("a {state} job cannot take the action {action}"),
                Some("action"),
            );
        }
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "262179",
                "Unexpected argument \"action\": pause, resume or cancel",
                Some("action"),
            );
        }
    };
    let mut actions = simulator.ontap_actions.lock().expect("ontap actions");
    match next {
        Some(action) => actions.insert(index, action),
        None => actions.remove(&index),
    };
    axum::response::IntoResponse::into_response(StatusCode::OK)
}

#[cfg(test)]
mod tests {
    use super::matches;
    use serde_json::json;

    #[test]
    fn ontap_query_patterns() {
        assert!(matches(Some(&json!("failure")), "failure|success"));
        assert!(!matches(Some(&json!("running")), "failure|success"));
        assert!(matches(Some(&json!("running")), "!failure"));
        assert!(matches(Some(&json!("Volume Move")), "volume*"));
        assert!(matches(Some(&json!("Volume Move")), "*move"));
        assert!(matches(Some(&json!(917927)), ">0"));
        assert!(!matches(Some(&json!(0)), ">0"));
        assert!(matches(
            Some(&json!("2026-11-01T12:00:00+00:00")),
            ">2026-11-01T11:00:00+00:00"
        ));
    }
}
