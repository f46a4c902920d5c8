//! Emits `src/mock.rs` of a generated crate (feature `mock`): typed `httpmock` helpers, one
//! `When` and one `Then` wrapper per operation and a sealed `MockServerExt` with a method per
//! operation. It is written as text from the operation model: the module is large for large
//! APIs, and it needs no parsing to be formatted.

use std::fmt::Write;

use crate::model::{Api, Location, Operation, Payload, Status};
use crate::rust_names::{Case, progenitor_name};

/// Names the `When` wrapper defines itself; a parameter of the same name gets `_parameter`.
const WHEN_METHODS: [&str; 3] = ["new", "into_inner", "body"];

/// The whole `src/mock.rs`, after its header.
pub fn emit(api: &Api) -> String {
    let mut out = String::new();
    out.push_str("//! The `When` and `Then` wrappers of each operation, and `MockServerExt`.\n\n");
    out.push_str("/// [`When`](::httpmock::When) and [`Then`](::httpmock::Then) wrappers for each operation.\n");
    out.push_str("/// `into_inner()` gives the wrapped value, to match or answer anything else.\n");
    out.push_str("pub mod operations {\n");
    out.push_str("    #[allow(unused_imports)]\n    use crate::types;\n");
    for operation in &api.operations {
        when(&mut out, operation);
        then(&mut out, operation);
    }
    out.push_str("}\n\n");
    out.push_str("mod sealed {\n    /// Only `MockServer` implements `MockServerExt`, so adding an operation breaks no one.\n");
    out.push_str("    pub trait Sealed {}\n\n    impl Sealed for ::httpmock::MockServer {}\n}\n\n");
    out.push_str(
        "/// One method per operation on [`MockServer`](::httpmock::MockServer): the typed\n",
    );
    out.push_str(
        "/// equivalent of [`mock()`](::httpmock::MockServer::mock). Sealed: only `MockServer`\n",
    );
    out.push_str("/// implements it.\n");
    out.push_str("pub trait MockServerExt: sealed::Sealed {\n");
    for (index, operation) in api.operations.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let (name, when, then) = names(operation);
        let _ = writeln!(
            out,
            "    /// Mocks [`Client::{name}`](crate::Client::{name}): `{} {}`.",
            operation.method.to_uppercase(),
            operation.path
        );
        let _ = writeln!(
            out,
            "    fn {name}<F>(&self, config: F) -> ::httpmock::Mock<'_>\n    where\n        F: FnOnce(operations::{when}, operations::{then});"
        );
    }
    out.push_str("}\n\nimpl MockServerExt for ::httpmock::MockServer {\n");
    for (index, operation) in api.operations.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let (name, when, then) = names(operation);
        let _ = writeln!(
            out,
            "    fn {name}<F>(&self, config: F) -> ::httpmock::Mock<'_>\n    where\n        F: FnOnce(operations::{when}, operations::{then}),\n    {{\n        self.mock(|when, then| {{\n            config(operations::{when}::new(when), operations::{then}::new(then))\n        }})\n    }}"
        );
    }
    out.push_str("}\n");
    out
}

/// The operation's method name and its `When` and `Then` wrappers.
fn names(operation: &Operation) -> (String, String, String) {
    let name = progenitor_name(&operation.name, Case::Snake);
    let builder = operation.builder();
    (name, format!("{builder}When"), format!("{builder}Then"))
}

/// A Rust string literal.
fn literal(text: &str) -> String {
    format!("{text:?}")
}

/// The path template as a regex: literal parts escaped, each parameter `[^/]*`, or the given
/// parameter a `{}` slot for `format!` (with the literal braces doubled).
fn path_regex(path: &str, slot: Option<&str>) -> String {
    let mut regex = String::from("^");
    let mut rest = path;
    while !rest.is_empty() {
        match rest.find('{') {
            Some(start) => {
                regex.push_str(&escape(&rest[..start], slot.is_some()));
                let end = rest[start..]
                    .find('}')
                    .map_or(rest.len(), |e| start + e + 1);
                let name = &rest[start + 1..end.saturating_sub(1).max(start + 1)];
                regex.push_str(if Some(name) == slot { "{}" } else { "[^/]*" });
                rest = &rest[end..];
            }
            None => {
                regex.push_str(&escape(rest, slot.is_some()));
                rest = "";
            }
        }
    }
    regex.push('$');
    regex
}

/// Escapes regex metacharacters (and, for a `format!` string, braces).
fn escape(text: &str, for_format: bool) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
        if for_format && (c == '{' || c == '}') {
            out.push(c);
        }
    }
    out
}

fn when(out: &mut String, operation: &Operation) {
    let (name, when, _) = names(operation);
    let method = operation.method.to_uppercase();
    let _ = writeln!(
        out,
        "\n    /// Matches a request to [`Client::{name}`](crate::Client::{name}): `{method} {}`.",
        operation.path
    );
    let _ = writeln!(out, "    pub struct {when}(::httpmock::When);\n");
    let _ = writeln!(out, "    impl {when} {{");
    let _ = writeln!(
        out,
        "        /// Matches the operation's method and path.\n        pub fn new(inner: ::httpmock::When) -> Self {{\n            Self(inner.method(::httpmock::Method::{method}).path_matches({}))\n        }}",
        literal(&path_regex(&operation.path, None))
    );
    out.push_str("\n        /// The wrapped `When`.\n        pub fn into_inner(self) -> ::httpmock::When {\n            self.0\n        }\n");
    for parameter in &operation.parameters {
        let mut method = parameter.method.clone();
        if WHEN_METHODS.contains(&method.as_str()) {
            method.push_str("_parameter");
        }
        let wire = literal(&parameter.name);
        let (what, present, absent) = match parameter.location {
            Location::Path => {
                let regex = literal(&path_regex(&operation.path, Some(&parameter.name)));
                let _ = writeln!(
                    out,
                    "\n        /// Matches path parameter `{}` (its text as sent).\n        pub fn {method}(self, value: impl ::std::string::ToString) -> Self {{\n            Self(self.0.path_matches(format!({regex}, ::regex::escape(&value.to_string()))))\n        }}",
                    parameter.name
                );
                continue;
            }
            Location::Query => ("query parameter", "query_param", "query_param_missing"),
            Location::Header => ("header", "header", "header_missing"),
        };
        let _ = writeln!(
            out,
            "\n        /// Matches {what} `{}` (its text as sent).\n        pub fn {method}(self, value: impl ::std::string::ToString) -> Self {{\n            Self(self.0.{present}({wire}, value.to_string()))\n        }}",
            parameter.name
        );
        if !parameter.required {
            let _ = writeln!(
                out,
                "\n        /// Matches a request without {what} `{}`.\n        pub fn {}_absent(self) -> Self {{\n            Self(self.0.{absent}({wire}))\n        }}",
                parameter.name,
                method.trim_end_matches('_'),
            );
        }
    }
    if let Some(body) = &operation.body {
        use crate::lower::bodies::MediaKind;
        match body.kind {
            MediaKind::Json => out.push_str("\n        /// Matches the JSON body.\n        pub fn body<T: ::serde::Serialize>(self, value: &T) -> Self {\n            Self(self.0.json_body_obj(value))\n        }\n"),
            MediaKind::Text => out.push_str("\n        /// Matches the text body.\n        pub fn body(self, value: &str) -> Self {\n            Self(self.0.body(value))\n        }\n"),
            _ => {}
        }
    }
    out.push_str("    }\n");
}

/// The `Then` method name for a documented status.
fn then_method(status: Status) -> String {
    match status {
        Status::Code(code) => http::StatusCode::from_u16(code)
            .ok()
            .and_then(|s| s.canonical_reason())
            .map(|reason| progenitor_name(reason, Case::Snake))
            .unwrap_or_else(|| format!("status_{code}")),
        Status::Range(1) => "informational".into(),
        Status::Range(2) => "success".into(),
        Status::Range(3) => "redirect".into(),
        Status::Range(4) => "client_error".into(),
        Status::Range(5) => "server_error".into(),
        Status::Range(other) => format!("status_{other}xx"),
        Status::Default => "default_response".into(),
    }
}

fn then(out: &mut String, operation: &Operation) {
    let (name, _, then) = names(operation);
    let _ = writeln!(
        out,
        "\n    /// Answers a request to [`Client::{name}`](crate::Client::{name}).\n    pub struct {then}(::httpmock::Then);\n"
    );
    let _ = writeln!(out, "    impl {then} {{");
    out.push_str("        /// Wraps a `Then`.\n        pub fn new(inner: ::httpmock::Then) -> Self {\n            Self(inner)\n        }\n");
    out.push_str("\n        /// The wrapped `Then`.\n        pub fn into_inner(self) -> ::httpmock::Then {\n            self.0\n        }\n");
    for response in &operation.responses {
        let method = then_method(response.status);
        let mut parameters = vec!["self".to_string()];
        let (status_value, check) = match response.status {
            Status::Code(code) => (code.to_string(), String::new()),
            Status::Range(range) => {
                parameters.push("status: u16".into());
                (
                    "status".to_string(),
                    format!(
                        "            assert_eq!(status / 100, {range}, \"a {range}XX status\");\n"
                    ),
                )
            }
            Status::Default => {
                parameters.push("status: u16".into());
                ("status".to_string(), String::new())
            }
        };
        let (value, answer) = match &response.payload {
            Payload::Empty => (String::new(), String::new()),
            Payload::Json(ty) => (
                format!("value: &{}", crate::model::type_text(ty)),
                ".header(\"content-type\", \"application/json\").json_body_obj(value)".to_string(),
            ),
            Payload::Text => (
                "value: &str".to_string(),
                ".header(\"content-type\", \"text/plain\").body(value)".to_string(),
            ),
            Payload::Binary => (
                "value: &[u8]".to_string(),
                ".header(\"content-type\", \"application/octet-stream\").body(value)".to_string(),
            ),
        };
        if !value.is_empty() {
            parameters.push(value);
        }
        let description = response
            .description
            .lines()
            .next()
            .unwrap_or_default()
            .trim();
        let _ = writeln!(
            out,
            "\n        /// `{}`: {description}\n        pub fn {method}({}) -> Self {{\n{check}            Self(self.0.status({status_value}){answer})\n        }}",
            response.status.spec_key(),
            parameters.join(", "),
        );
    }
    out.push_str("    }\n");
}

#[cfg(test)]
mod tests {
    use super::path_regex;

    #[test]
    fn paths_become_regexes() {
        assert_eq!(path_regex("/jobs/{id}.json", None), "^/jobs/[^/]*\\.json$");
        assert_eq!(path_regex("/a/{x}/b/{y}", Some("y")), "^/a/[^/]*/b/{}$");
        assert_eq!(path_regex("/a{b}/{c}", Some("c")), "^/a[^/]*/{}$");
        assert_eq!(path_regex("/x-{y}", Some("y")), "^/x\\-{}$");
    }
}
