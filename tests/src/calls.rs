//! Helpers for client tests: a readable account of an operation's outcome, and the checks that
//! every request must pass whatever the operation.

use std::fmt::Debug;

use progenitor_client::ResponseValue;
use storage_jobs_runtime::{Error, VendorError};

use crate::mock::{MockServer, Recorded, Scripted, documented_responses};

/// `Ok` with the decoded value, or the error as it displays plus the operation's documented
/// error, if any.
pub fn describe<T: Debug, E: VendorError + Debug>(
    result: Result<ResponseValue<T>, Error<E>>,
) -> String {
    match result {
        Ok(value) => format!("ok {}\n{:#?}", value.status(), value.into_inner()),
        Err(error) => format!("error {error}\ndocumented: {:#?}", error.documented()),
    }
}

/// Checks every recorded request: progenitor's `api-version` header is gone, the User-Agent
/// names the crate, and no header or body carries a secret it should not.
pub fn assert_clean(requests: &[Recorded], crate_name: &str) {
    assert!(!requests.is_empty(), "no request was recorded");
    for request in requests {
        assert_eq!(request.header("api-version"), None, "{request:?}");
        let user_agent = request.header("user-agent").unwrap_or_default();
        assert!(
            user_agent.starts_with(&format!("{crate_name}/")),
            "user-agent {user_agent}"
        );
    }
}

/// Asserts that no text in `outputs` contains `secret`.
pub fn assert_secret_hidden(secret: &str, outputs: &[String]) {
    for output in outputs {
        assert!(!output.contains(secret), "the secret leaked into: {output}");
    }
}

/// Serves each documented response of an operation in turn (its example as the body, or no
/// body) and reports what `call` makes of it, one section per status.
pub async fn replay_documented<F, Fut>(
    server: &MockServer,
    spec: &serde_json::Value,
    path: &str,
    method: &str,
    mut call: F,
) -> String
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = String>,
{
    let mut report = String::new();
    for (status, example) in documented_responses(spec, path, method) {
        let code: u16 = status
            .parse()
            .unwrap_or_else(|_| panic!("status `{status}` is not a number; replay it by hand"));
        server.script([example
            .as_ref()
            .map_or(Scripted::empty(code), |body| Scripted::json(code, body))]);
        report.push_str(&format!("== documented {status}\n{}\n\n", call().await));
    }
    report
}
