//! A generator child (see `generator::isolate`) whose engine dies the way a stack overflow kills
//! a process whenever it would have to convert a schema described `ABORT-THIS-CHILD`: on a
//! check of a document that holds it, and on a whole generation that has not set the schema
//! `Doomed` aside. Tests use it to show the generator survives a child's death.

use std::io::Read;

fn main() -> std::process::ExitCode {
    let mut input = Vec::new();
    if std::io::stdin().read_to_end(&mut input).is_err() {
        return std::process::ExitCode::FAILURE;
    }
    let request: serde_json::Value = serde_json::from_slice(&input).unwrap_or_default();
    let dies = match (request.get("Check"), request.get("Generate")) {
        (Some(check), _) => check["document"].to_string().contains("ABORT-THIS-CHILD"),
        (_, Some(generate)) => {
            generate["text"]
                .as_str()
                .unwrap_or_default()
                .contains("ABORT-THIS-CHILD")
                && !generate["drops"].to_string().contains("Doomed")
        }
        _ => false,
    };
    if dies {
        eprintln!("thread 'main' has overflowed its stack (simulated)");
        std::process::abort();
    }
    generator::isolate::serve_request(&input)
}
