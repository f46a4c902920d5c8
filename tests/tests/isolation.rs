//! The generator never aborts: a child process that dies costs only the part it died on, and
//! input nested past any limit is a located error, not a stack overflow.

use generator::isolate::Isolation;

/// A spec whose schema `Doomed` makes the test child abort the way a stack overflow would.
const SPEC: &str = r##"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /jobs:
    get:
      operationId: listJobs
      responses:
        "200":
          description: Jobs.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Doomed"}
  /health:
    get:
      operationId: health
      responses:
        "204": {description: Healthy.}
components:
  schemas:
    Doomed:
      description: ABORT-THIS-CHILD
      type: object
      properties:
        id: {type: string}
"##;

#[test]
fn a_child_that_dies_costs_only_the_part_it_died_on() {
    let isolation = Isolation {
        program: env!("CARGO_BIN_EXE_generator-child").into(),
        arguments: Vec::new(),
    };
    let generated = isolation
        .generate("specs/doomed.yaml", SPEC)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.operations, ["list_jobs", "health"]);
    let notes: Vec<String> = generated.notes.iter().map(ToString::to_string).collect();
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert!(
        notes[0].starts_with("specs/doomed.yaml:20:5: note: the engine fails on this schema (the engine process died:")
            && notes[0].contains("overflowed its stack (simulated)"),
        "{}",
        notes[0]
    );
}

#[test]
fn nesting_past_any_limit_is_a_located_error() {
    let depth = 100_000;
    let json = format!(
        "{{\"openapi\": \"3.0.3\", \"x\": {}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let error = generator::generate_crate("specs/deep.json", &json).unwrap_err();
    assert!(
        error.to_string().starts_with("specs/deep.json:1:"),
        "{error}"
    );
    let yaml = format!(
        "openapi: 3.0.3\nx: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let error = generator::generate_crate("specs/deep.yaml", &yaml).unwrap_err();
    assert!(error.to_string().starts_with("specs/deep.yaml:"), "{error}");
}
