//! Writes the files around the generated modules: the crate's `Cargo.toml`, `README.md` and
//! `src/lib.rs`, from the operation model, with dependency versions from the workspace and the
//! notes of what the generator dropped or rewrote.

use crate::error::Note;
use crate::format::GENERATED_MARKER;
use crate::model::{Api, Operation, Parameter};
use crate::rust_names::{method_ident, parameter_ident};

/// What the scaffold needs to know about one crate.
pub struct CrateInfo<'a> {
    /// The package name, for example `ontap-client`.
    pub name: &'a str,
    /// The spec's workspace-relative path, for example `specs/ontap.yaml`.
    pub spec: &'a str,
    /// The operation model.
    pub api: &'a Api,
    /// What the generator dropped or rewrote, for the docs.
    pub notes: &'a [Note],
    /// Whether a `pagination` module is generated.
    pub has_pagination: bool,
    /// What the crate promises, for the example of building values.
    pub surface: &'a crate::surface::Surface,
}

impl CrateInfo<'_> {
    fn library_name(&self) -> String {
        self.name.replace('-', "_")
    }
}

/// Crates the generated code may name, with the text that shows it does. Each comes from the
/// workspace's `[workspace.dependencies]`, the one place versions are set.
const OPTIONAL_DEPENDENCIES: [(&str, &str); 6] = [
    ("base64", "::base64::"),
    ("chrono", "::chrono::"),
    ("futures", "futures::"),
    ("rand", "::rand::"),
    ("regress", "::regress::"),
    ("uuid", "::uuid::"),
];

/// Crates every generated client uses.
const REQUIRED_DEPENDENCIES: [&str; 5] = [
    "progenitor-client",
    "reqwest",
    "serde",
    "serde_json",
    "storage-jobs-runtime",
];

/// `Cargo.toml`: package metadata from the spec, dependencies inherited from the workspace.
pub fn cargo_toml(info: &CrateInfo<'_>, generated_code: &str) -> String {
    let mut dependencies: Vec<&str> = REQUIRED_DEPENDENCIES.to_vec();
    dependencies.extend(
        OPTIONAL_DEPENDENCIES
            .iter()
            .filter(|(_, marker)| generated_code.contains(marker))
            .map(|(name, _)| *name),
    );
    dependencies.sort_unstable();
    let dependency_lines: String = dependencies
        .iter()
        .map(|name| format!("{name}.workspace = true\n"))
        .collect();
    format!(
        r#"# {GENERATED_MARKER} from {spec}; do not edit.
[package]
name = "{name}"
description = "Typed async client for the {title} (API {api_version}), generated from an OpenAPI spec"
version = "0.1.0"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
readme = "README.md"
documentation = "https://docs.rs/{name}"
keywords = ["openapi", "client", "storage", "jobs"]
categories = ["api-bindings", "web-programming::http-client"]

[dependencies]
{dependency_lines}httpmock = {{ workspace = true, optional = true }}
regex = {{ workspace = true, optional = true }}

[features]
# Typed httpmock helpers (`mock` module) for downstream tests; off by default.
mock = ["dep:httpmock", "dep:regex"]

[package.metadata.docs.rs]
all-features = true
"#,
        spec = info.spec,
        name = info.name,
        title = toml_escape(one_line(&info.api.title)),
        api_version = toml_escape(one_line(&info.api.version)),
    )
}

fn toml_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

fn one_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default().trim()
}

/// A value the usage example can pass for a required parameter, if it can name one that
/// compiles whatever Rust type the parameter has.
fn example_value(parameter: &Parameter) -> Option<String> {
    if parameter.comma_separated {
        return Some("[\"...\"]".into());
    }
    match parameter.kind.as_deref() {
        Some("string")
            if !matches!(
                parameter.format.as_deref(),
                Some(
                    "date-time"
                        | "date"
                        | "time"
                        | "uuid"
                        | "ipv4"
                        | "ipv6"
                        | "ip"
                        | "byte"
                        | "binary"
                        | "uri"
                        | "url"
                )
            ) =>
        {
            let example = parameter
                .example
                .as_ref()
                .and_then(|e| e.as_str())
                .filter(|_| !parameter.is_enum)
                .unwrap_or("...");
            Some(format!("{example:?}"))
        }
        Some("boolean") if !parameter.is_enum => Some("true".into()),
        _ => None,
    }
}

/// `.parameter(value)` for each required parameter, or `None` if one cannot be written.
fn required_setters(operation: &Operation) -> Option<Vec<String>> {
    let mut setters = Vec::new();
    for parameter in operation.parameters.iter().filter(|p| p.required) {
        let value = example_value(parameter)?;
        setters.push(format!(".{}({value})", parameter_ident(&parameter.name)));
    }
    if let Some(body) = operation.body.as_ref().filter(|b| b.required) {
        if !body.has_builder {
            return None;
        }
        setters.push(".body_map(|body| body)".into());
    }
    Some(setters)
}

/// The call the usage example makes: a stream for the first paged operation that can be
/// called as written, else the first such operation (a GET if there is one).
enum ExampleCall {
    Stream(String),
    Send(String),
    Builder(String),
}

fn example_call(api: &Api) -> Option<ExampleCall> {
    let callable = |operation: &&Operation| required_setters(operation).is_some();
    if let Some(operation) = api
        .operations
        .iter()
        .filter(|o| o.pagination.is_some())
        .find(callable)
    {
        let setters = required_setters(operation).unwrap_or_default().concat();
        return Some(ExampleCall::Stream(format!(
            "client.{}_stream(|request| request{setters})",
            method_ident(&operation.name)
        )));
    }
    let first = api.operations.iter().filter(callable).min_by_key(|o| {
        (
            o.method != "get",
            o.parameters.iter().filter(|p| p.required).count(),
        )
    });
    match first {
        Some(operation) => {
            let mut call = format!("client.{}()", method_ident(&operation.name));
            for setter in required_setters(operation).unwrap_or_default() {
                call.push_str(&format!("\n    {setter}"));
            }
            call.push_str("\n    .send()\n    .await?");
            Some(ExampleCall::Send(call))
        }
        None => api
            .operations
            .first()
            .map(|o| ExampleCall::Builder(format!("client.{}()", method_ident(&o.name)))),
    }
}

/// The usage example that opens the crate docs and the README: connect with the first kind
/// of credentials the spec accepts, then list with a stream or make a call.
fn usage_example(info: &CrateInfo<'_>) -> Vec<String> {
    let library = info.library_name();
    let env_prefix = info
        .name
        .trim_end_matches("-client")
        .replace('-', "_")
        .to_uppercase();
    let call = example_call(info.api);
    let mut lines = vec![format!("use {library}::{{Client, Credentials}};")];
    if matches!(call, Some(ExampleCall::Stream(_))) {
        lines.push(format!("use {library}::futures::TryStreamExt;"));
    }
    lines.push(String::new());
    let alternatives = crate::emit_auth::alternatives(info.api);
    let credentials = match alternatives.first() {
        Some(first) if !first.fields.is_empty() => {
            let mut text = format!("Credentials::{} {{\n", first.variant);
            for (field, secret, _) in &first.fields {
                let value = if *secret {
                    format!(
                        "std::env::var(\"{env_prefix}_{}\")?.into()",
                        field.to_string().trim_start_matches("r#").to_uppercase()
                    )
                } else {
                    "\"admin\".into()".to_string()
                };
                text.push_str(&format!("        {field}: {value},\n"));
            }
            text.push_str("    }");
            text
        }
        Some(first) => format!("Credentials::{}", first.variant),
        None => "Credentials::None".to_string(),
    };
    lines.push(format!(
        "let client = Client::connect(\n    {:?},\n    {credentials},\n)?;",
        info.api.base_url
    ));
    match call {
        Some(ExampleCall::Stream(stream)) => {
            lines.push(format!("let mut items = std::pin::pin!({stream});"));
            lines.push("while let Some(item) = items.try_next().await? {".to_string());
            lines.push("    println!(\"{item:?}\");".to_string());
            lines.push("}".to_string());
        }
        Some(ExampleCall::Send(call)) => {
            lines.push(format!("let response = {call};"));
            lines.push("println!(\"{}\", response.status());".to_string());
        }
        Some(ExampleCall::Builder(call)) => {
            lines.push(format!(
                "// Set the operation's parameters on the builder, then `send().await`.\nlet _request = {call};"
            ));
        }
        None => lines.push("let _ = client;".to_string()),
    }
    lines
        .iter()
        .flat_map(|line| line.split('\n').map(str::to_string).collect::<Vec<_>>())
        .collect()
}

/// The notes as Markdown list items, one line each.
fn note_items(notes: &[Note]) -> String {
    notes
        .iter()
        .map(|note| format!("- {}\n", note.without_file().replace('\n', " ")))
        .collect()
}

/// `README.md`: what the crate is, how to use it, how it is regenerated, what was changed.
pub fn readme(info: &CrateInfo<'_>) -> String {
    let example = usage_example(info).join("\n");
    let notes = if info.notes.is_empty() {
        String::new()
    } else {
        format!(
            "\n## What the generator changed\n\nThe spec could not be taken exactly as written; {} note(s), each located in `{}`:\n\n{}",
            info.notes.len(),
            info.spec,
            note_items(info.notes)
        )
    };
    format!(
        r#"<!-- {GENERATED_MARKER} from {spec}; do not edit. -->
# {name}

Typed async Rust client for the {title} (API version {api_version}).

{description}

## Usage

```rust,ignore
{example}
```

Every operation of the spec is a method on `Client` that returns a request builder; set its parameters and call `send().await`.
Operations the spec pages through also have a `<method>_stream` method that lists every item.
`Client::connect_with` takes `ConnectionSettings`: an appliance's own CA certificate, timeouts, a User-Agent.
Each operation's errors are its own type in `errors`, one variant per documented status.

## Generated code

This crate is generated from `{spec}` by `cargo xtask regen` in the storage-jobs-sdk workspace.
Change the spec or the generator and regenerate; never edit these files by hand.
{notes}"#,
        spec = info.spec,
        name = info.name,
        title = one_line(&info.api.title),
        api_version = one_line(&info.api.version),
        description = info.api.description.as_deref().unwrap_or_default().trim(),
    )
}

/// Doc comment lines (`//! ...`) for `text`.
fn doc_lines(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.trim().is_empty() {
                "//!\n".to_string()
            } else {
                format!("//! {}\n", line.trim_end())
            }
        })
        .collect()
}

/// The crate docs' section on building values of `#[non_exhaustive]` types, with a doctest on
/// the first response struct (and open enum) the crate has; empty when it has neither.
fn values_example(info: &CrateInfo<'_>) -> String {
    use crate::surface::Shape;
    let library = info.library_name();
    // The first type the first operations answer with, else the first a server sends, else any.
    let answered: Vec<String> = info
        .api
        .operations
        .iter()
        .flat_map(|operation| &operation.responses)
        .filter_map(|response| match &response.payload {
            crate::model::Payload::Json(ty) => ty.named().map(crate::rust_names::type_name),
            _ => None,
        })
        .collect();
    let first = |wanted: fn(&Shape) -> bool| {
        let types = &info.surface.types;
        answered
            .iter()
            .filter_map(|name| types.get_key_value(name))
            .chain(types.iter().filter(|(_, ty)| ty.read))
            .chain(types.iter())
            .find(|(_, ty)| wanted(&ty.shape))
            .map(|(name, ty)| (name.clone(), ty.shape.clone()))
    };
    let structure = first(|shape| matches!(shape, Shape::Struct(_)));
    let values = first(|shape| matches!(shape, Shape::Values { values, .. } if !values.is_empty()));
    if structure.is_none() && values.is_none() {
        return String::new();
    }
    let mut out = String::from(
        "//!
//! Struct literals of these types do not compile outside the crate; their builders do, and keep
//! compiling when a field is added. Match their enums with a `_` arm:
//!
//! ```
",
    );
    if let Some((name, _)) = structure {
        out.push_str(&format!(
            "//! let built: Result<{library}::types::{name}, _> = {library}::types::{name}::builder().try_into();
//! # let _ = built;
"
        ));
    }
    if let Some((name, Shape::Values { values, .. })) = values
        && let Some(variant) = values.values().next()
    {
        out.push_str(&format!(
            "//! fn describe(value: &{library}::types::{name}) -> &'static str {{
//!     match value {{
//!         {library}::types::{name}::{variant} => \"{variant}\",
//!         _ => \"something else\",
//!     }}
//! }}
//! # let _ = describe;
"
        ));
    }
    out.push_str(
        "//! ```
",
    );
    out
}

/// `src/lib.rs`: crate docs (with a compiled usage example), the module declarations and the
/// re-exports.
///
/// The modules are declared `#[rustfmt::skip]`: their text is prettyplease's, and `cargo fmt`
/// must not reformat it, or `cargo xtask regen --check` and `cargo fmt --check` would disagree.
/// This file itself is written the way rustfmt prints it.
pub fn lib_rs(info: &CrateInfo<'_>) -> String {
    let mut in_code = false;
    let description = doc_lines(
        &info
            .api
            .description
            .as_deref()
            .unwrap_or_default()
            .trim()
            .lines()
            .map(|line| crate::postprocess::code_fence(line, &mut in_code))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let mut example = String::from(
        "//! ```no_run\n//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {\n",
    );
    example.push_str(&doc_lines(&usage_example(info).join("\n")));
    example.push_str("//! # Ok(())\n//! # }\n//! ```\n");
    let (pagination_module, pagination_doc) = if info.has_pagination {
        (
            "\n/// `<method>_stream` methods for the operations the spec pages through.\n#[rustfmt::skip]\nmod pagination;\n",
            "//! - `<method>_stream` methods on [`Client`]: every item of a paged listing, fetched lazily.\n",
        )
    } else {
        ("", "")
    };
    let values = values_example(info);
    let notes = if info.notes.is_empty() {
        String::new()
    } else {
        format!(
            "//!\n//! # What the generator changed\n//!\n//! The spec could not be taken exactly as written; each note is located in `{}`:\n//!\n{}",
            info.spec,
            doc_lines(
                &note_items(info.notes)
                    .replace('[', "\\[")
                    .replace(']', "\\]")
                    .replace('<', "&lt;")
            )
        )
    };
    format!(
        r#"// {GENERATED_MARKER} from {spec}; do not edit.

//! Typed async client for the {title} (API version {api_version}).
//!
{description}//!
{example}//!
//! # Crate organization
//!
//! - [`Client`]: the connection and one method per operation; [`Client::connect`] and
//!   [`Client::connect_with`] take [`Credentials`] and [`ConnectionSettings`].
{pagination_doc}//! - [`builder`]: one request builder per operation; set parameters, then `send().await`.
//! - [`types`]: the request and response types of the spec; enums keep unknown values.
//! - [`errors`]: each operation's error type, one variant per documented error status.
//! - [`responses`]: for operations with several documented successes, an enum of them.
//! - `mock` (feature `mock`): typed `httpmock` helpers for testing code that uses this crate.
//! - [`Error`] and [`ResponseValue`]: what `send()` returns; `Error` displays the vendor's
//!   message and code and never prints a credential.
//!
//! Generated from `{spec}` by `cargo xtask regen`; change the spec or the generator, not this crate.
//!
//! # Versions
//!
//! The crate has its own version and `CHANGELOG.md`; each regeneration bumps the version by what
//! the spec change means for callers. A vendor adding a response field, an enum value, an
//! operation, an optional parameter or an error status is an additive change: the types a server
//! sends are `#[non_exhaustive]`, so downstream code never names every field or value.
{values}{notes}
/// Credentials, connection and the hooks that authenticate every request.
#[rustfmt::skip]
mod auth;

#[rustfmt::skip]
#[allow(clippy::all)]
mod client;

/// Each operation's error type, and `VendorError` for the error bodies.
#[rustfmt::skip]
#[allow(clippy::all)]
pub mod errors;
{pagination_module}
/// `send` for every operation, and the enums of operations with several documented successes.
#[rustfmt::skip]
#[allow(clippy::all)]
pub mod responses;

/// Request builders, one per operation.
#[rustfmt::skip]
#[allow(clippy::all)]
pub mod builder;

/// Typed [`httpmock`](https://docs.rs/httpmock) helpers: `MockServerExt` adds one method per
/// operation to `httpmock::MockServer`, with typed request matchers and responses.
#[cfg(feature = "mock")]
#[rustfmt::skip]
#[allow(clippy::all, missing_docs)]
pub mod mock;

/// Types used as operation parameters and responses.
#[rustfmt::skip]
#[allow(clippy::all, non_camel_case_types, irrefutable_let_patterns, unused_comparisons)]
pub mod types;

pub use auth::{{Credentials, USER_AGENT}};
pub use client::Client;
#[allow(unused_imports)]
pub use progenitor_client::{{ByteStream, ClientInfo, ResponseValue}};
#[allow(unused_imports)]
use progenitor_client::{{ClientHooks, OperationInfo, RequestBuilderExt, encode_path}};
pub use storage_jobs_runtime::futures;
pub use storage_jobs_runtime::{{
    CommaSeparated, ConfigError, ConnectionSettings, Error, Headers, RawBody, Secret, VendorError,
}};

/// Items most callers need, for a glob import.
pub mod prelude {{
    pub use crate::{{Client, Credentials, Error}};
}}
"#,
        spec = info.spec,
        title = one_line(&info.api.title),
        api_version = one_line(&info.api.version),
    )
}
