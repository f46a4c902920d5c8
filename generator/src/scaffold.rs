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
        crate::validate::snake_case(operation.id().unwrap_or_default())
    );
    for (_, parameter) in operation.parameters(document) {
        if parameter["required"] == Value::Bool(true) {
            let name = parameter["name"].as_str().unwrap_or_default();
            let example = parameter["example"].as_str().unwrap_or("...");
            call.push_str(&format!(
                "\n    .{}({example:?})",
                crate::validate::snake_case(name)
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

/// Crates the generated code may name, with the text that shows it does. Each comes from the
/// workspace's `[workspace.dependencies]`, the one place versions are set.
const OPTIONAL_DEPENDENCIES: [(&str, &str); 4] = [
    ("chrono", "::chrono::"),
    ("futures", "futures::"),
    ("regress", "::regress::"),
    ("uuid", "::uuid::"),
];

/// Crates every generated client uses.
const REQUIRED_DEPENDENCIES: [&str; 4] = ["progenitor-client", "reqwest", "serde", "serde_json"];

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
{dependency_lines}"#,
        spec = info.spec,
        name = info.name,
        title = toml_escape(info.title),
        api_version = toml_escape(info.api_version),
    )
}

fn toml_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// `README.md`: what the crate is, how to use it, and how it is regenerated.
pub fn readme(info: &CrateInfo<'_>) -> String {
    format!(
        r#"<!-- {GENERATED_MARKER} from {spec}; do not edit. -->
# {name}

Typed async Rust client for the {title} (API version {api_version}).

{description}

## Usage

```rust,ignore
let client = {library}::Client::new("{base_url}");
let response = {example_call};
println!("{{:#?}}", response.into_inner());
```

Every operation of the spec is a method on `Client` that returns a request builder; set its parameters and call `send().await`.

## Generated code

This crate is generated from `{spec}` by `cargo xtask regen` in the storage-jobs-sdk workspace.
Change the spec or the generator and regenerate; never edit these files by hand.
"#,
        spec = info.spec,
        name = info.name,
        title = info.title,
        api_version = info.api_version,
        description = info.description.unwrap_or_default().trim(),
        library = info.library_name(),
        base_url = info.base_url,
        example_call = info.example_call,
    )
}

/// `src/lib.rs`: crate docs, the module declarations and the re-exports.
///
/// The modules are declared `#[rustfmt::skip]`: their text is prettyplease's, and `cargo fmt`
/// must not reformat it, or `cargo xtask regen --check` and `cargo fmt --check` would disagree.
/// This file itself is written the way rustfmt prints it.
pub fn lib_rs(info: &CrateInfo<'_>) -> String {
    let description: String = info
        .description
        .unwrap_or_default()
        .trim()
        .lines()
        .map(|line| {
            if line.trim().is_empty() {
                "//!\n".to_string()
            } else {
                format!("//! {}\n", line.trim_end())
            }
        })
        .collect();
    format!(
        r#"// {GENERATED_MARKER} from {spec}; do not edit.

//! Typed async client for the {title} (API version {api_version}).
//!
{description}//!
//! # Crate organization
//!
//! - [`Client`]: the connection (base URL and HTTP client) and one method per operation.
//! - [`builder`]: one request builder per operation; set parameters, then `send().await`.
//! - [`types`]: the request and response types of the spec.
//! - [`Error`] and [`ResponseValue`]: what every operation returns.
//!
//! Generated from `{spec}` by `cargo xtask regen`; change the spec or the generator, not this crate.

#[rustfmt::skip]
mod client;

/// Request builders, one per operation.
#[rustfmt::skip]
#[allow(clippy::all)]
pub mod builder;

/// Types used as operation parameters and responses.
#[rustfmt::skip]
#[allow(clippy::all)]
pub mod types;

pub use client::Client;
#[allow(unused_imports)]
pub use progenitor_client::{{ByteStream, ClientInfo, Error, ResponseValue}};
#[allow(unused_imports)]
use progenitor_client::{{ClientHooks, OperationInfo, RequestBuilderExt, encode_path}};

/// Items most callers need, for a glob import.
pub mod prelude {{
    pub use crate::Client;
}}
"#,
        spec = info.spec,
        title = info.title,
        api_version = info.api_version,
    )
}
