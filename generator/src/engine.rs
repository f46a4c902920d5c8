//! Runs progenitor, the engine underneath, once per spec on the client view of the lowered
//! document; contains its panics; and when it fails
//! anyway, finds the one schema or operation it fails on, sets it aside with a note and runs
//! again, so a document never fails as a whole for the sake of one part.

use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{Error, Note, escape_token};
use crate::load::LoadedSpec;
use crate::lower::{COMMA_SEPARATED_SCHEMA, component_name, operations};

/// The stack progenitor runs on: typify recurses deeply on large documents.
const ENGINE_STACK: usize = 256 * 1024 * 1024;

/// How often a spec is run again after setting a failing part aside.
const MAX_RECOVERIES: usize = 64;

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
            COMMA_SEPARATED_SCHEMA,
            "::storage_jobs_runtime::CommaSeparated",
            std::iter::empty(),
        );
    settings
}

/// Why the engine produced nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Failure {
    /// It refused the document with an error.
    Error(String),
    /// It panicked; the panic's message.
    Panic(String),
    /// The process running it died (a stack overflow aborts the process).
    Crash(String),
    /// The document did not read as OpenAPI 3.0: the pointer of the first node `openapiv3`
    /// rejected, and why.
    Invalid(String, String),
    /// The engine gave more than one type each of these names (typify names inline schemas
    /// after their parents, whatever components are called already).
    NameClash(std::collections::BTreeSet<String>),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Error(message) => write!(f, "progenitor: {message}"),
            Failure::Panic(message) => write!(f, "progenitor panicked: {message}"),
            Failure::Crash(message) => write!(f, "the engine process died: {message}"),
            Failure::Invalid(_, message) => {
                write!(f, "not a valid OpenAPI 3.0 document: {message}")
            }
            Failure::NameClash(names) => {
                let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                write!(
                    f,
                    "the engine names more than one type {}",
                    names.join(", ")
                )
            }
        }
    }
}

/// The client view of a lowered document, in `openapiv3`'s model: each operation answers
/// with raw bytes under `default` (or its upgrade), so progenitor builds and sends requests
/// and the crate's own code reads every answer.
pub fn client_view(document: &Value) -> Result<openapiv3::OpenAPI, Failure> {
    let mut spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(document).map_err(|e| {
        let pointer = e
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                serde_path_to_error::Segment::Map { key } => Some(escape_token(key)),
                _ => None,
            })
            .fold(String::new(), |pointer, token| format!("{pointer}/{token}"));
        Failure::Invalid(pointer, e.inner().to_string())
    })?;
    let raw = openapiv3::Response {
        content: [(
            "application/octet-stream".to_string(),
            openapiv3::MediaType::default(),
        )]
        .into_iter()
        .collect(),
        ..openapiv3::Response::default()
    };
    for (_, item) in spec.paths.paths.iter_mut() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            let upgrade = openapiv3::StatusCode::Code(101);
            let is_upgrade = operation.responses.responses.contains_key(&upgrade)
                || operation.extensions.contains_key("x-dropshot-websocket");
            operation.responses = if is_upgrade {
                openapiv3::Responses {
                    responses: [(
                        upgrade,
                        openapiv3::ReferenceOr::Item(openapiv3::Response::default()),
                    )]
                    .into_iter()
                    .collect(),
                    ..openapiv3::Responses::default()
                }
            } else {
                openapiv3::Responses {
                    default: Some(openapiv3::ReferenceOr::Item(raw.clone())),
                    ..openapiv3::Responses::default()
                }
            };
        }
    }
    Ok(spec)
}

fn outcome<T>(result: Result<Result<T, progenitor::Error>, String>) -> Result<T, Failure> {
    match result {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(error)) => Err(Failure::Error(error.to_string())),
        Err(message) => Err(Failure::Panic(message)),
    }
}

/// Runs progenitor's client generator on the client view, turning a panic into a
/// [`Failure`]. Run it on a thread with a large stack ([`on_large_stack`]): typify recurses
/// deeply on large documents.
pub fn run_client(lowered: &Value) -> Result<TokenStream, Failure> {
    let spec = client_view(lowered)?;
    outcome(contained(move || {
        Generator::new(&settings()).generate_tokens(&spec)
    }))
}

/// Starts `work` on a scoped thread with a stack large enough for the engine.
pub fn spawn_large<'scope, 'env, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    work: impl FnOnce() -> T + Send + 'scope,
) -> Result<std::thread::ScopedJoinHandle<'scope, T>, Failure> {
    std::thread::Builder::new()
        .stack_size(ENGINE_STACK)
        .spawn_scoped(scope, work)
        .map_err(|e| Failure::Crash(format!("cannot start an engine thread: {e}")))
}

/// Runs the engine on a lowered document, for a check.
pub fn check(document: &Value) -> Result<(), Failure> {
    run_client(document).map(|_| ())
}

/// Runs `work` on a thread with a stack large enough for the engine, and waits for it.
pub fn on_large_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(ENGINE_STACK)
            .spawn_scoped(scope, work)
            .expect("the engine thread starts")
            .join()
            .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
    })
}

thread_local! {
    /// Set while progenitor runs on this thread, so its panics are not printed as crashes.
    static CONTAINING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `work` (a progenitor call), turning a panic into `Err` with its first line.
pub fn contained<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    install_quiet_hook();
    let outer = CONTAINING.with(|flag| flag.replace(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(work));
    CONTAINING.with(|flag| flag.set(outer));
    outcome.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".to_string())
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    })
}

/// Wraps the process's panic hook once so that panics inside progenitor stay quiet; every
/// other panic is reported as before.
fn install_quiet_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !CONTAINING.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
}

/// A part of a document the engine fails on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Culprit {
    /// A component schema, by name.
    Schema(String),
    /// An operation, by pointer.
    Operation(String),
}

/// Parts set aside after the engine failed on them, with the failure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drops(pub Vec<(Culprit, String)>);

impl Drops {
    /// Sets each part aside in `document`, with a note.
    pub fn apply(&self, spec: &LoadedSpec, document: &mut Value, notes: &mut Vec<Note>) {
        for (culprit, failure) in &self.0 {
            match culprit {
                Culprit::Schema(name) => {
                    let at = format!("/components/schemas/{}", escape_token(name));
                    if let Some(schema) = document.pointer_mut(&at) {
                        *schema = json!({});
                        notes.push(spec.note_at(
                            &at,
                            None,
                            format!("the engine fails on this schema ({failure}); it is read as any JSON value"),
                        ));
                    }
                }
                Culprit::Operation(pointer) => {
                    let label = crate::lower::operation_label(document, pointer);
                    let (item, method) = pointer.rsplit_once('/').unwrap_or_default();
                    if let Some(Value::Object(item)) = document.pointer_mut(item)
                        && item.remove(method).is_some()
                    {
                        notes.push(spec.note_at(
                            pointer,
                            label.as_deref(),
                            format!("operation dropped: the engine fails on it ({failure})"),
                        ));
                    }
                }
            }
        }
    }
}

/// Every component schema `value` refers to, directly or through others.
fn closure(document: &Value, value: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending = vec![value.clone()];
    while let Some(current) = pending.pop() {
        let mut references = Vec::new();
        collect_refs(&current, &mut references);
        for name in references {
            if found.insert(name.clone())
                && let Some(schema) =
                    document.pointer(&format!("/components/schemas/{}", escape_token(&name)))
            {
                pending.push(schema.clone());
            }
        }
    }
    found
}

fn collect_refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(name) = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(component_name)
            {
                found.push(name);
            }
            object.values().for_each(|v| collect_refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, found)),
        _ => {}
    }
}

/// `document` with only the named schemas and the given paths.
fn subset(document: &Value, schemas: &BTreeSet<String>, paths: Value) -> Value {
    let mut subset = document.clone();
    subset["paths"] = paths;
    if let Some(Value::Object(all)) = subset.pointer_mut("/components/schemas") {
        all.retain(|name, _| schemas.contains(name));
    }
    subset
}

/// Finds the part the engine fails on: first a schema (with the schemas it needs), then an
/// operation (with the schemas it needs). `check` runs the engine on a lowered document.
/// Parts are halved while one half alone fails, so a large document costs a few dozen checks.
pub fn blame(
    document: &Value,
    check: &dyn Fn(&Value) -> Result<(), Failure>,
) -> Option<(Culprit, Failure)> {
    let names: Vec<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    let schemas_alone = |names: &[String]| {
        let mut needed: BTreeSet<String> = BTreeSet::new();
        for name in names {
            needed.extend(closure(
                document,
                &json!({ "$ref": format!("#/components/schemas/{}", escape_token(name)) }),
            ));
            needed.insert(name.clone());
        }
        check(&subset(document, &needed, json!({})))
    };
    if let Some((index, failure)) = narrow(&names, &schemas_alone) {
        return Some((Culprit::Schema(names[index].clone()), failure));
    }
    let operations = operations(document);
    let operations_alone = |parts: &[(String, String, String)]| {
        let mut needed: BTreeSet<String> = BTreeSet::new();
        let mut paths = serde_json::Map::new();
        for (pointer, path, method) in parts {
            let operation = document.pointer(pointer).cloned().unwrap_or_default();
            needed.extend(closure(document, &operation));
            let item = paths.entry(path.clone()).or_insert_with(|| json!({}));
            item[method] = operation;
        }
        needed.insert(COMMA_SEPARATED_SCHEMA.to_string());
        check(&subset(document, &needed, Value::Object(paths)))
    };
    narrow(&operations, &operations_alone)
        .map(|(index, failure)| (Culprit::Operation(operations[index].0.clone()), failure))
}

/// The index of one part that fails alone, if the parts together fail: halves while one half
/// fails, then tries the parts one by one.
fn narrow<T>(parts: &[T], fails: &dyn Fn(&[T]) -> Result<(), Failure>) -> Option<(usize, Failure)> {
    if parts.is_empty() {
        return None;
    }
    let failure = fails(parts).err()?;
    if parts.len() == 1 {
        return Some((0, failure));
    }
    let middle = parts.len() / 2;
    let (first, second) = parts.split_at(middle);
    if let Some(found) = narrow(first, fails) {
        return Some(found);
    }
    if let Some((index, failure)) = narrow(second, fails) {
        return Some((middle + index, failure));
    }
    // Neither half fails alone: the failure needs parts of both; look at each part alone.
    (0..parts.len()).find_map(|index| {
        fails(&parts[index..=index])
            .err()
            .map(|failure| (index, failure))
    })
}

/// Runs `attempt` (the engine and what follows it) on `lowered`, setting aside each part the
/// engine fails on (with a note) until it succeeds; returns its result and the document it
/// succeeded on.
pub fn recover<T>(
    spec: &LoadedSpec,
    mut lowered: Value,
    notes: &mut Vec<Note>,
    mut attempt: impl FnMut(&Value) -> Result<T, Failure>,
) -> Result<(T, Value), Error> {
    for _ in 0..MAX_RECOVERIES {
        match attempt(&lowered) {
            Ok(output) => return Ok((output, lowered)),
            // A document openapiv3 cannot read is no engine failure to work around.
            Err(Failure::Invalid(pointer, message)) => {
                return Err(spec.error_at(
                    &pointer,
                    None,
                    format!("not a valid OpenAPI 3.0 document: {message}"),
                ));
            }
            Err(Failure::NameClash(names)) => {
                let mut context = crate::lower::Context {
                    spec,
                    document: std::mem::take(&mut lowered),
                    notes: Vec::new(),
                };
                let renamed = crate::lower::schemas::yield_type_names(&mut context, &names);
                lowered = context.document;
                notes.extend(context.notes);
                if !renamed {
                    return Err(spec.error_at("", None, Failure::NameClash(names).to_string()));
                }
            }
            Err(failure) => {
                let Some((culprit, failure)) = blame(&lowered, &check) else {
                    return Err(spec.error_at("", None, failure.to_string()));
                };
                Drops(vec![(culprit, failure.to_string())]).apply(spec, &mut lowered, notes);
                if operations(&lowered).is_empty() {
                    return Err(spec.error_at(
                        "/paths",
                        None,
                        format!("the engine fails on every operation ({failure})"),
                    ));
                }
            }
        }
    }
    Err(spec.error_at(
        "",
        None,
        format!("the engine still fails after setting {MAX_RECOVERIES} parts aside"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load;

    #[test]
    fn a_part_the_engine_fails_on_is_set_aside_and_named() {
        // A JSON request body without a schema makes progenitor refuse the whole document.
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses: {'200': {description: ok}}\n  /b:\n    post:\n      operationId: b\n      requestBody: {content: {application/json: {}}}\n      responses: {'200': {description: ok}}\n";
        let (spec, _) = load::load("t.yaml", yaml).unwrap();
        let mut notes = Vec::new();
        let (_, lowered) = recover(&spec, spec.document.clone(), &mut notes, check).unwrap();
        spec.locate_notes(&mut notes);
        assert!(lowered.pointer("/paths/~1b/post").is_none());
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].to_string().starts_with(
                "t.yaml:9:5: note: operation dropped: the engine fails on it (progenitor: "
            ),
            "{}",
            notes[0]
        );
    }
}
