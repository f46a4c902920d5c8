//! Runs progenitor on a lowered spec, containing any panic and naming the operation that caused it.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;
use serde_json::Value;

use crate::error::Error;
use crate::load::{self, LoadedSpec};
use crate::walk;

thread_local! {
    /// Set while progenitor runs on this thread, so its panics are not printed as crashes.
    static CONTAINING: Cell<bool> = const { Cell::new(false) };
}

/// The settings every generated crate shares: the builder interface; the runtime's
/// `Session` as the client's inner value, with hooks the crate must implement (its
/// `auth.rs` does); and the runtime's list type for comma-separated parameters.
pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_derive("PartialEq")
        .with_inner_type(quote! { ::storage_jobs_runtime::Session })
        .with_hooks(HooksMode::Expected)
        .with_replacement(
            crate::lower::COMMA_SEPARATED_SCHEMA,
            "::storage_jobs_runtime::CommaSeparated",
            std::iter::empty(),
        );
    settings
}

/// Generates the client tokens for a lowered document.
pub fn generate(spec: &LoadedSpec, lowered: &Value) -> Result<TokenStream, Error> {
    let openapi = load::to_openapi(spec, lowered)?;
    match run_contained(&openapi) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(error)) => Err(spec.error_at("", None, format!("progenitor: {error}"))),
        Err(panic_message) => Err(blame_operation(spec, lowered, &panic_message)),
    }
}

/// Runs progenitor's client generator; `Err` carries the message of a panic.
fn run_contained(
    openapi: &openapiv3::OpenAPI,
) -> Result<Result<TokenStream, progenitor::Error>, String> {
    contained(|| Generator::new(&settings()).generate_tokens(openapi))
}

/// Runs `work` (a progenitor call), turning a panic into `Err` with its message.
fn contained<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    install_quiet_hook();
    CONTAINING.with(|flag| flag.set(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(work));
    CONTAINING.with(|flag| flag.set(false));
    outcome.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

/// Generates progenitor's typed `httpmock` helpers for a lowered document, for the crate's
/// `mock` feature.
pub fn generate_mock(spec: &LoadedSpec, lowered: &Value) -> Result<TokenStream, Error> {
    let openapi = load::to_openapi(spec, lowered)?;
    match contained(|| Generator::new(&settings()).httpmock(&openapi, "crate")) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(error)) => Err(spec.error_at("", None, format!("progenitor (httpmock): {error}"))),
        Err(message) => Err(spec.error_at(
            "",
            None,
            format!(
                "progenitor (httpmock) panicked: {}",
                message.lines().next().unwrap_or_default()
            ),
        )),
    }
}

/// Wraps the process's panic hook once so that panics inside progenitor stay quiet; every
/// other panic is reported as before.
fn install_quiet_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !CONTAINING.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Re-runs progenitor on parts of the spec to find what makes it panic: first each schema
/// alone (typify converts every schema before any operation), then one operation at a time.
fn blame_operation(spec: &LoadedSpec, lowered: &Value, panic_message: &str) -> Error {
    let first_line = panic_message.lines().next().unwrap_or_default();
    let mut no_paths = lowered.clone();
    no_paths["paths"] = Value::Object(serde_json::Map::new());
    let schemas = lowered
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let mut alone = no_paths.clone();
        alone["components"]["schemas"] = serde_json::json!({ name: schema });
        let Ok(openapi) = serde_json::from_value::<openapiv3::OpenAPI>(alone) else {
            continue;
        };
        if run_contained(&openapi).is_err() {
            let at = format!("/components/schemas/{}", crate::error::escape_token(name));
            return spec.error_at(
                &at,
                None,
                format!("progenitor panicked on this schema: {first_line}"),
            );
        }
    }
    for operation in walk::operations(lowered) {
        let mut alone = lowered.clone();
        let mut paths = serde_json::Map::new();
        let mut item = serde_json::Map::new();
        item.insert(
            operation.method.to_string(),
            Value::Object(operation.object.clone()),
        );
        if !operation.path_parameters.is_empty() {
            item.insert(
                "parameters".into(),
                Value::Array(operation.path_parameters.to_vec()),
            );
        }
        paths.insert(operation.path.to_string(), Value::Object(item));
        alone["paths"] = Value::Object(paths);
        let Ok(openapi) = serde_json::from_value::<openapiv3::OpenAPI>(alone) else {
            continue;
        };
        if run_contained(&openapi).is_err() {
            return spec.error_at(
                &operation.pointer,
                operation.id(),
                format!("progenitor panicked on this operation: {first_line}"),
            );
        }
    }
    spec.error_at("", None, format!("progenitor panicked: {first_line}"))
}
