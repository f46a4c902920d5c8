//! The suite of spec changes a reviewer meets, each applied to one of our specs with the verdict,
//! version and report lines it must get: the oracle the change report is tested against.

use serde_json::{Value, json};

use generator::changes::Verdict;

/// One kind of spec change.
pub struct Case {
    /// A short name, also the snapshot's heading.
    pub name: &'static str,
    /// The spec it changes, under `specs/`.
    pub spec: &'static str,
    /// The change, applied to the parsed spec.
    pub change: fn(&mut Value),
    /// The verdict the report must give.
    pub verdict: Option<Verdict>,
    /// The version after it, from release 0.1.0.
    pub version: &'static str,
    /// Text each of which some report line must contain.
    pub lines: &'static [&'static str],
    /// When `cargo-semver-checks` may not see the break, why: it reads the Rust surface only
    /// (a new requirement or a wire-level change), and does not compare every type.
    pub semver_blind: Option<&'static str>,
}

fn at<'v>(spec: &'v mut Value, pointer: &str) -> &'v mut Value {
    spec.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the spec has no `{pointer}`"))
}

fn parameters<'v>(spec: &'v mut Value, pointer: &str) -> &'v mut Vec<Value> {
    at(spec, pointer).as_array_mut().expect("a parameter list")
}

fn parameter<'v>(spec: &'v mut Value, pointer: &str, name: &str) -> &'v mut Value {
    parameters(spec, pointer)
        .iter_mut()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no parameter `{name}` at `{pointer}`"))
}

const JOBS: &str = "/paths/~1cluster~1jobs/get/parameters";
const JOB: &str = "/components/schemas/job/properties";

/// Every case.
pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "nothing changes",
            spec: "ontap.yaml",
            change: |_| {},
            verdict: None,
            version: "0.1.0",
            lines: &[],
            semver_blind: None,
        },
        Case {
            name: "a query parameter is removed",
            spec: "ontap.yaml",
            change: |spec| parameters(spec, JOBS).retain(|p| p["name"] != "code"),
            verdict: Some(Verdict::Breaking),
            version: "0.2.0",
            lines: &[
                "breaking (wire and Rust): query parameter `code` of operation `GET /cluster/jobs` (`Client::get_cluster_jobs`) removed (builder method `.code()`)",
            ],
            semver_blind: None,
        },
        Case {
            name: "an optional query parameter is added",
            spec: "ontap.yaml",
            change: |spec| {
                parameters(spec, JOBS).push(json!({
                    "name": "priority", "in": "query", "required": false,
                    "description": "Filter by priority.", "schema": {"type": "string"}
                }))
            },
            verdict: Some(Verdict::Additive),
            version: "0.1.1",
            lines: &[
                "additive (wire and Rust): optional query parameter `priority` of operation `GET /cluster/jobs` (`Client::get_cluster_jobs`) added (`.priority()`, `String`)",
            ],
            semver_blind: None,
        },
        Case {
            name: "a query parameter becomes required",
            spec: "ontap.yaml",
            change: |spec| parameter(spec, JOBS, "state")["required"] = json!(true),
            verdict: Some(Verdict::Breaking),
            version: "0.2.0",
            lines: &[
                "breaking (wire): query parameter `state` of operation `GET /cluster/jobs` (`Client::get_cluster_jobs`) (`.state()`) is now required; the Rust signature is unchanged, but a call that does not set it fails at `send()`",
            ],
            semver_blind: Some(
                "a call that does not set the parameter compiles and fails at `send()`",
            ),
        },
        Case {
            name: "a response field is added",
            spec: "ontap.yaml",
            change: |spec| {
                at(spec, JOB).as_object_mut().unwrap().insert(
                    "priority".into(),
                    json!({"type": "string", "description": "How urgent the job is."}),
                );
            },
            verdict: Some(Verdict::Additive),
            version: "0.1.1",
            lines: &[
                "additive (wire and Rust): schema `job` (`types::Job`): optional field `priority` (`.priority`, `Option<String>`) added",
            ],
            semver_blind: None,
        },
        Case {
            name: "a response field is removed",
            spec: "ontap.yaml",
            change: |spec| {
                at(spec, JOB)
                    .as_object_mut()
                    .unwrap()
                    .shift_remove("description");
            },
            verdict: Some(Verdict::Breaking),
            version: "0.2.0",
            lines: &[
                "breaking (Rust): schema `job` (`types::Job`): field `description` (`.description`) removed",
            ],
            semver_blind: None,
        },
        Case {
            name: "a response field changes type",
            spec: "ontap.yaml",
            change: |spec| {
                at(spec, JOB)["description"] = json!({"type": "integer", "format": "int64"});
            },
            verdict: Some(Verdict::Breaking),
            version: "0.2.0",
            lines: &[
                "breaking (wire and Rust): schema `job` (`types::Job`): field `description` (`.description`) changed type from `Option<String>` to `Option<i64>`; values the server sends in the new type no longer decode into the old one",
            ],
            semver_blind: Some(
                "old clients fail to decode the new values (cargo-semver-checks does not compare field types)",
            ),
        },
        Case {
            name: "a response enum gains a value",
            spec: "ontap.yaml",
            change: |spec| {
                at(spec, &format!("{JOB}/state/enum"))
                    .as_array_mut()
                    .unwrap()
                    .push(json!("cancelled"))
            },
            verdict: Some(Verdict::Additive),
            version: "0.1.1",
            lines: &[
                "additive (wire and Rust): type `types::JobState`: value `cancelled` (`JobState::Cancelled`) added",
                "behaviour: `cancelled` used to arrive as `JobState::Unknown(\"cancelled\")` and now arrives as `JobState::Cancelled`",
            ],
            semver_blind: None,
        },
        Case {
            name: "an operation is added",
            spec: "ontap.yaml",
            change: |spec| {
                let get = at(spec, "/paths/~1cluster~1jobs~1{uuid}/get").clone();
                let mut history = get;
                history["operationId"] = json!("getClusterJobHistory");
                history["summary"] = json!("Read a job's history");
                at(spec, "/paths")
                    .as_object_mut()
                    .unwrap()
                    .insert("/cluster/jobs/{uuid}/history".into(), json!({
                        "parameters": [{"name": "uuid", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                        "get": history
                    }));
            },
            verdict: Some(Verdict::Additive),
            version: "0.1.1",
            lines: &[
                "additive (wire and Rust): operation `GET /cluster/jobs/{uuid}/history` (`Client::get_cluster_job_history`) added",
            ],
            semver_blind: None,
        },
        Case {
            name: "an operation is removed",
            spec: "ontap.yaml",
            change: |spec| {
                at(spec, "/paths/~1cluster~1jobs~1{uuid}")
                    .as_object_mut()
                    .unwrap()
                    .shift_remove("patch");
            },
            verdict: Some(Verdict::Breaking),
            version: "0.2.0",
            lines: &[
                "breaking (wire and Rust): operation `PATCH /cluster/jobs/{uuid}` (`Client::modify_cluster_job`) removed",
            ],
            semver_blind: None,
        },
        Case {
            name: "a schema is renamed",
            spec: "ontap.yaml",
            change: |spec| {
                let schemas = at(spec, "/components/schemas").as_object_mut().unwrap();
                let node = schemas.shift_remove("job_node").unwrap();
                schemas.insert("node_reference".into(), node);
                at(spec, JOB)["node"] = json!({"$ref": "#/components/schemas/node_reference"});
            },
            verdict: Some(Verdict::Breaking),
            version: "0.2.0",
            lines: &[
                "breaking (Rust): schema `job_node` (`types::JobNode`) renamed to schema `node_reference` (`types::NodeReference`); the wire is unchanged",
            ],
            semver_blind: None,
        },
        Case {
            name: "a required request-body field is added",
            spec: "vsp-object.yaml",
            change: |spec| {
                let request = at(spec, "/components/schemas/JobListRequest");
                request["properties"]["region"] =
                    json!({"type": "string", "description": "The region to list."});
                request["required"] = json!(["region"]);
            },
            verdict: Some(Verdict::Breaking),
            version: "0.2.0",
            lines: &[
                "breaking (wire): schema `JobListRequest` (`types::JobListRequest`): required field `region` (`.region`, `String`) added to a request",
            ],
            semver_blind: Some(
                "a body built without the field compiles and fails to build at run time; the server refuses requests without it",
            ),
        },
        Case {
            name: "a documented error status is added",
            spec: "ontap.yaml",
            change: |spec| {
                at(spec, "/paths/~1cluster~1jobs~1{uuid}/get/responses")
                    .as_object_mut()
                    .unwrap()
                    .insert("404".into(), json!({
                        "description": "No job has this UUID.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/error_response"}}}
                    }));
            },
            verdict: Some(Verdict::Additive),
            version: "0.1.1",
            lines: &[
                "additive (wire and Rust): operation `GET /cluster/jobs/{uuid}` (`Client::get_cluster_job`): documented status `404` added (body `ErrorResponse`)",
                "behaviour: a `404` answer now arrives as its own variant of the operation's error type instead of as the `default` variant",
            ],
            semver_blind: None,
        },
        Case {
            name: "only documentation changes",
            spec: "ontap.yaml",
            change: |spec| {
                at(spec, JOB)["description"]["description"] = json!("What the job is for.");
                at(spec, "/paths/~1cluster~1jobs/get")["summary"] = json!("List the jobs");
                at(spec, "/info")["description"] = json!("The jobs of an ONTAP cluster.");
            },
            verdict: Some(Verdict::Documentation),
            version: "0.1.1",
            lines: &[
                "documentation (Rust): schema `job` (`types::Job`): field `description` (`.description`): description changed",
                "documentation (Rust): operation `GET /cluster/jobs` (`Client::get_cluster_jobs`): summary changed",
                "documentation (Rust): the API's title, version or description changed",
            ],
            semver_blind: None,
        },
        Case {
            name: "a parameter changes type",
            spec: "ontap.yaml",
            change: |spec| parameter(spec, JOBS, "code")["schema"] = json!({"type": "string"}),
            verdict: Some(Verdict::Breaking),
            version: "0.2.0",
            lines: &[
                "breaking (wire and Rust): query parameter `code` of operation `GET /cluster/jobs` (`Client::get_cluster_jobs`) (`.code()`) changed type from `i64` to `String`",
            ],
            semver_blind: Some(
                "the builder's generic setter still compiles for callers whose value converts to both types",
            ),
        },
        Case {
            name: "a request enum is widened",
            spec: "ontap.yaml",
            change: |spec| {
                parameter(
                    spec,
                    "/paths/~1cluster~1jobs~1{uuid}/patch/parameters",
                    "action",
                )["schema"]["enum"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!("abort"))
            },
            verdict: Some(Verdict::Additive),
            version: "0.1.1",
            lines: &[
                "additive (wire and Rust): schema `ModifyClusterJobAction` (`types::ModifyClusterJobAction`): value `abort` (`ModifyClusterJobAction::Abort`) added",
            ],
            semver_blind: None,
        },
        Case {
            name: "a required path parameter is added",
            spec: "ontap.yaml",
            change: |spec| {
                let paths = at(spec, "/paths").as_object_mut().unwrap();
                let mut item = paths.shift_remove("/cluster/jobs/{uuid}").unwrap();
                item["parameters"].as_array_mut().unwrap().push(json!({
                    "name": "cluster", "in": "path", "required": true,
                    "description": "The cluster.", "schema": {"type": "string"}
                }));
                paths.insert("/clusters/{cluster}/jobs/{uuid}".into(), item);
            },
            verdict: Some(Verdict::Breaking),
            version: "0.2.0",
            lines: &[
                "breaking (wire): operation `GET /clusters/{cluster}/jobs/{uuid}` (`Client::get_cluster_job`) moved from `GET /cluster/jobs/{uuid}`",
                "breaking (wire): required path parameter `cluster` of operation `GET /clusters/{cluster}/jobs/{uuid}` (`Client::get_cluster_job`) added (`.cluster()`, `String`); existing calls compile but fail at `send()` until they set it",
            ],
            semver_blind: Some(
                "calls that do not set the new path parameter compile and fail at `send()`",
            ),
        },
        Case {
            name: "a response field becomes required",
            spec: "ontap.yaml",
            change: |spec| at(spec, "/components/schemas/job")["required"] = json!(["uuid"]),
            verdict: Some(Verdict::Breaking),
            version: "0.2.0",
            lines: &[
                "breaking (Rust): schema `job` (`types::Job`) no longer implements `Default` (a required field has no default): `Type::default()` stops compiling; build it with `Type::builder()`",
                "breaking (Rust): schema `job` (`types::Job`): field `uuid` (`.uuid`) is now required (type `Uuid` was `Option<Uuid>`); behaviour: answers without it (from servers older than the spec) no longer decode",
            ],
            semver_blind: Some(
                "the field's type changes and `Job::default()` goes away, neither of which cargo-semver-checks 0.51 reports; answers without the field no longer decode",
            ),
        },
        Case {
            name: "a second success body changes what send returns",
            spec: "ontap.yaml",
            change: |spec| {
                at(spec, "/paths/~1cluster~1jobs~1{uuid}/get/responses")
                    .as_object_mut()
                    .unwrap()
                    .insert("202".into(), json!({
                        "description": "The job is still being read.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/error_response"}}}
                    }));
            },
            verdict: Some(Verdict::Breaking),
            version: "0.2.0",
            lines: &[
                "breaking (wire and Rust): operation `GET /cluster/jobs/{uuid}` (`Client::get_cluster_job`): `send()` now returns `GetClusterJobResponse` instead of `Job`",
                "behaviour: a `202` answer now decodes as a documented success of `get_cluster_job`",
            ],
            semver_blind: Some(
                "`send()` returns another type, which cargo-semver-checks does not compare; code that reads a `Job` from it stops compiling",
            ),
        },
        Case {
            name: "a listing is no longer paged",
            spec: "ontap.yaml",
            change: |spec| {
                at(spec, "/paths/~1cluster~1jobs/get")
                    .as_object_mut()
                    .unwrap()
                    .shift_remove("x-pagination");
            },
            verdict: Some(Verdict::Breaking),
            version: "0.2.0",
            lines: &[
                "breaking (Rust): operation `GET /cluster/jobs` (`Client::get_cluster_jobs`): `Client::get_cluster_jobs_stream` removed (the spec no longer pages it)",
            ],
            semver_blind: None,
        },
        Case {
            name: "the credentials change",
            spec: "ontap.yaml",
            change: |spec| {
                at(spec, "/components/securitySchemes")["basicAuth"] =
                    json!({"type": "http", "scheme": "bearer"});
            },
            verdict: Some(Verdict::Breaking),
            version: "0.2.0",
            lines: &[
                "breaking (wire and Rust): credentials `Credentials::BasicAuth` now take { token: Secret } instead of { username: String, password: Secret }",
            ],
            semver_blind: None,
        },
    ]
}
