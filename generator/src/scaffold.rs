//! Writes the files around the generated modules: the crate's `Cargo.toml`, `README.md` and
//! `src/lib.rs`, with metadata from the spec and dependency versions from the workspace.

use serde_json::Value;

use crate::format::GENERATED_MARKER;

/// What the scaffold needs to know about one crate.
pub struct CrateInfo<'a> {
    /// The package name, for example `ontap-client`.
    pub name: &'a str,
    /// The spec's workspace-relative path, for example `specs/ontap.yaml`.
    pub spec: &'a str,
    /// The spec's `info.title`.
    pub title: &'a str,
    /// The spec's `info.description`, if any.
    pub description: Option<&'a str>,
    /// The spec's `info.version`.
    pub api_version: &'a str,
    /// The first server URL with its variables' defaults filled in.
    pub base_url: String,
    /// A call of the spec's first operation, as the usage example shows it.
    pub example_call: String,
    /// The stream call of the first paginated operation, if any.
    pub stream_call: Option<String>,
    /// The first kind of credentials: variant name and fields (name, secret).
    pub credentials: Option<(String, Vec<(String, bool)>)>,
}

impl<'a> CrateInfo<'a> {
    /// Reads the crate facts from a spec document.
    pub fn new(name: &'a str, spec: &'a str, document: &'a Value) -> Self {
        let info = &document["info"];
        CrateInfo {
            name,
            spec,
            title: info["title"].as_str().unwrap_or(name),
            description: info["description"].as_str(),
            api_version: info["version"].as_str().unwrap_or_default(),
            base_url: base_url(document),
            example_call: example_call(document),
            stream_call: stream_call(document),
            credentials: first_credentials(document),
        }
    }

    fn library_name(&self) -> String {
        self.name.replace('-', "_")
    }
}

fn base_url(document: &Value) -> String {
    let server = &document["servers"][0];
    let mut url = server["url"]
        .as_str()
        .unwrap_or("https://appliance.example.com")
        .to_string();
    for (name, variable) in server["variables"].as_object().into_iter().flatten() {
        url = url.replace(
            &format!("{{{name}}}"),
            variable["default"].as_str().unwrap_or_default(),
        );
    }
    url
}

/// `client.operation().required_parameter(example)...send().await?` for the first operation.
fn example_call(document: &Value) -> String {
    let Some(operation) = crate::walk::operations(document).into_iter().next() else {
        return String::new();
    };
    let mut call = format!(
        "client.{}()",
        crate::rust_names::method_ident(operation.id().unwrap_or_default())
    );
    for (_, parameter) in operation.parameters(document) {
        if parameter["required"] == Value::Bool(true) {
            let name = parameter["name"].as_str().unwrap_or_default();
            let example = parameter["example"].as_str().unwrap_or("...");
            call.push_str(&format!(
                "\n    .{}({example:?})",
                crate::rust_names::field_ident(name)
            ));
        }
    }
    if operation
        .object
        .get("requestBody")
        .is_some_and(|body| body["required"] == Value::Bool(true))
    {
        call.push_str("\n    .body(Default::default())");
    }
    call.push_str("\n    .send()\n    .await?");
    call
}

/// `client.operation_stream(|request| request...)` for the first paginated operation.
fn stream_call(document: &Value) -> Option<String> {
    let operation = crate::walk::operations(document)
        .into_iter()
        .find(|o| o.object.contains_key("x-pagination"))?;
    let mut configure = String::from("|request| request");
    for (_, parameter) in operation.parameters(document) {
        if parameter["required"] == Value::Bool(true) {
            let example = parameter["example"].as_str().unwrap_or("...");
            configure.push_str(&format!(
                ".{}({example:?})",
                crate::rust_names::field_ident(parameter["name"].as_str().unwrap_or_default())
            ));
        }
    }
    Some(format!(
        "client.{}_stream({configure})",
        crate::rust_names::method_ident(operation.id().unwrap_or_default())
    ))
}

/// The first `Credentials` variant the generated `auth.rs` will have, for the usage example.
fn first_credentials(document: &Value) -> Option<(String, Vec<(String, bool)>)> {
    let managed = document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, scheme)| {
            scheme.get("x-csrf").map(|csrf| {
                [
                    name.clone(),
                    csrf["cookieScheme"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                ]
            })
        })
        .flatten()
        .collect();
    let first = crate::emit_auth::alternatives(document, &managed)
        .into_iter()
        .next()?;
    Some((
        first.variant.to_string(),
        first
            .fields
            .into_iter()
            .map(|(field, secret, _)| (field.to_string(), secret))
            .collect(),
    ))
}

/// Crates the generated code may name, with the text that shows it does. Each comes from the
/// workspace's `[workspace.dependencies]`, the one place versions are set.
const OPTIONAL_DEPENDENCIES: [(&str, &str); 3] = [
    ("chrono", "::chrono::"),
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
version.workspace = true
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
        title = toml_escape(info.title),
        api_version = toml_escape(info.api_version),
    )
}

fn toml_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The usage example that opens the crate docs and the README: connect with the first kind
/// of credentials the spec accepts, then list with the first paginated operation's stream, or
/// call the first operation.
fn usage_example(info: &CrateInfo<'_>) -> Vec<String> {
    let library = info.library_name();
    let env_prefix = info
        .name
        .trim_end_matches("-client")
        .replace('-', "_")
        .to_uppercase();
    let mut lines = vec![format!("use {library}::{{Client, Credentials}};")];
    if info.stream_call.is_some() {
        lines.push(format!("use {library}::futures::TryStreamExt;"));
    }
    lines.push(String::new());
    let credentials = match &info.credentials {
        Some((variant, fields)) if !fields.is_empty() => {
            let mut text = format!("Credentials::{variant} {{\n");
            for (field, secret) in fields {
                let value = if *secret {
                    format!(
                        "std::env::var(\"{env_prefix}_{}\")?.into()",
                        field.to_uppercase()
                    )
                } else {
                    "\"admin\".into()".to_string()
                };
                text.push_str(&format!("        {field}: {value},\n"));
            }
            text.push_str("    }");
            text
        }
        Some((variant, _)) => format!("Credentials::{variant}"),
        None => "Credentials::None".to_string(),
    };
    lines.push(format!(
        "let client = Client::connect(\n    \"{}\",\n    {credentials},\n)?;",
        info.base_url
    ));
    match &info.stream_call {
        Some(stream) => {
            lines.push(format!("let mut items = std::pin::pin!({stream});"));
            lines.push("while let Some(item) = items.try_next().await? {".to_string());
            lines.push("    println!(\"{item:?}\");".to_string());
            lines.push("}".to_string());
        }
        None => {
            lines.push(format!("let response = {};", info.example_call));
            lines.push("println!(\"{:?}\", response.into_inner());".to_string());
        }
    }
    lines
        .iter()
        .flat_map(|line| line.split('\n').map(str::to_string).collect::<Vec<_>>())
        .collect()
}

/// `README.md`: what the crate is, how to use it, and how it is regenerated.
pub fn readme(info: &CrateInfo<'_>) -> String {
    let example = usage_example(info).join("\n");
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

## Generated code

This crate is generated from `{spec}` by `cargo xtask regen` in the storage-jobs-sdk workspace.
Change the spec or the generator and regenerate; never edit these files by hand.
"#,
        spec = info.spec,
        name = info.name,
        title = info.title,
        api_version = info.api_version,
        description = info.description.unwrap_or_default().trim(),
    )
}

/// `src/lib.rs`: crate docs (with a compiled usage example), the module declarations and the
/// re-exports.
///
/// The modules are declared `#[rustfmt::skip]`: their text is prettyplease's, and `cargo fmt`
/// must not reformat it, or `cargo xtask regen --check` and `cargo fmt --check` would disagree.
/// This file itself is written the way rustfmt prints it.
pub fn lib_rs(info: &CrateInfo<'_>) -> String {
    let doc_lines = |text: &str| -> String {
        text.lines()
            .map(|line| {
                if line.trim().is_empty() {
                    "//!\n".to_string()
                } else {
                    format!("//! {}\n", line.trim_end())
                }
            })
            .collect()
    };
    let description = doc_lines(info.description.unwrap_or_default().trim());
    let mut example = String::from(
        "//! ```no_run\n//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {\n",
    );
    example.push_str(&doc_lines(&usage_example(info).join("\n")));
    example.push_str("//! # Ok(())\n//! # }\n//! ```\n");
    let (pagination_module, pagination_doc) = if info.stream_call.is_some() {
        (
            "\n/// `<method>_stream` methods for the operations the spec pages through.\n#[rustfmt::skip]\nmod pagination;\n",
            "//! - `<method>_stream` methods on [`Client`]: every item of a paged listing, fetched lazily.\n",
        )
    } else {
        ("", "")
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
//! - `mock` (feature `mock`): typed `httpmock` helpers for testing code that uses this crate.
//! - [`Error`] and [`ResponseValue`]: what `send()` returns; [`ApiError`] wraps an error
//!   with the vendor's code and message for display (`ApiError::from(error)`).
//!
//! Generated from `{spec}` by `cargo xtask regen`; change the spec or the generator, not this crate.

/// Credentials, connection and the hooks that authenticate every request.
#[rustfmt::skip]
mod auth;

#[rustfmt::skip]
mod client;

/// `VendorError` for the error body types.
#[rustfmt::skip]
mod errors;
{pagination_module}
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
#[allow(clippy::all)]
pub mod types;

pub use auth::{{Credentials, USER_AGENT}};
pub use client::Client;
#[allow(unused_imports)]
pub use progenitor_client::{{ByteStream, ClientInfo, Error, ResponseValue}};
#[allow(unused_imports)]
use progenitor_client::{{ClientHooks, OperationInfo, RequestBuilderExt, encode_path}};
pub use storage_jobs_runtime::futures;
pub use storage_jobs_runtime::{{
    ApiError, CommaSeparated, ConfigError, ConnectionSettings, Secret, VendorError,
}};

/// Items most callers need, for a glob import.
pub mod prelude {{
    pub use crate::{{ApiError, Client, Credentials}};
}}
"#,
        spec = info.spec,
        title = info.title,
        api_version = info.api_version,
    )
}
