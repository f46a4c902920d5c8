//! Lowerings of a document's operations as a whole: shared parts copied in, references that
//! lead nowhere, response keys, method names, security schemes, and the last check that
//! something is left to generate.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::{Context, operations, origin, resolve};
use crate::error::{Error, escape_token};
use crate::operation_names::{self, Origin, Request};
use crate::schema_walk::{self, Path};
use crate::walk;

/// Fills in a missing `info`, `info.title` or `info.version`.
pub fn document_info(context: &mut Context<'_>) -> Result<(), Error> {
    let stem = crate::spec_stem(&context.spec.file).to_string();
    if !context.document.get("info").is_some_and(Value::is_object) {
        context.note(
            "",
            None,
            format!("the document has no `info`; its title is taken to be `{stem}`"),
        );
        context.document["info"] = json!({});
    }
    for (key, default) in [("title", stem.as_str()), ("version", "0")] {
        if !context.document["info"]
            .get(key)
            .is_some_and(Value::is_string)
        {
            let at = if context.document["info"].get(key).is_some() {
                format!("/info/{key}")
            } else {
                "/info".into()
            };
            context.note(
                &at,
                None,
                format!("`info.{key}` is missing or not text; `{default}` stands in"),
            );
            context.document["info"][key] = json!(default);
        }
    }
    Ok(())
}

/// Copies path-level and referenced parameters, referenced bodies and responses into each
/// operation, recording where each came from as `x-pointer`; path items by reference are
/// inlined. Afterwards nothing outside `components.schemas` and `securitySchemes` is referred to.
pub fn inline_operation_parts(context: &mut Context<'_>) -> Result<(), Error> {
    inline_path_item_refs(context);
    for (pointer, _, _) in operations(&context.document) {
        let item_pointer = pointer.rsplit_once('/').map(|(p, _)| p).unwrap_or_default();
        // The operation's own parts are taken out (not copied) while the shared ones are
        // resolved against the rest of the document, then put back rewritten.
        let (own, listed) = match super::operation_mut(&mut context.document, &pointer) {
            Some(operation) => (
                operation.remove("parameters"),
                operation.remove("responses"),
            ),
            None => continue,
        };
        let own = match own {
            Some(Value::Array(own)) => own,
            _ => Vec::new(),
        };
        let listed = match listed {
            Some(Value::Object(listed)) => listed,
            _ => Map::new(),
        };
        let document = &context.document;
        let no_parameters = Vec::new();
        let shared = document
            .pointer(&format!("{item_pointer}/parameters"))
            .and_then(Value::as_array)
            .unwrap_or(&no_parameters);
        let mut merged: Vec<Value> = Vec::new();
        let mut broken = None;
        let sites = shared
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("{item_pointer}/parameters/{i}"), p, false))
            .chain(
                own.iter()
                    .enumerate()
                    .map(|(i, p)| (format!("{pointer}/parameters/{i}"), p, true)),
            );
        for (site, parameter, is_own) in sites {
            match resolve(document, parameter) {
                Ok((target, value)) => {
                    let mut value = value.clone();
                    if let Some(object) = value.as_object_mut() {
                        object.insert("x-pointer".into(), json!(target.unwrap_or(site)));
                    }
                    let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
                    if is_own {
                        merged.retain(|known| key(known) != key(&value));
                    }
                    merged.push(value);
                }
                Err(reference) => {
                    broken = Some(format!("parameter reference {reference} does not resolve"));
                    break;
                }
            }
        }
        if let Some(reason) = broken {
            context.drop_operation(&pointer, &reason);
            continue;
        }
        let mut body = None;
        if let Some(request_body) = document.pointer(&format!("{pointer}/requestBody")) {
            match resolve(document, request_body) {
                Ok((Some(target), value)) => body = Some(with_pointer(value, &target)),
                Ok((None, _)) => {}
                Err(reference) => {
                    let reason = format!("request body reference {reference} does not resolve");
                    context.drop_operation(&pointer, &reason);
                    continue;
                }
            }
        }
        let mut responses = Map::new();
        let mut response_notes = Vec::new();
        for (status, response) in listed {
            let site = format!("{pointer}/responses/{}", escape_token(&status));
            let resolved = match resolve(document, &response) {
                Ok((None, _)) => Ok(with_pointer_owned(response, &site)),
                Ok((Some(target), value)) => Ok(with_pointer(value, &target)),
                Err(reference) => Err(reference),
            };
            match resolved {
                Ok(mut value) => {
                    if let Some(object) = value.as_object_mut() {
                        object.remove("headers");
                        object.remove("links");
                    }
                    responses.insert(status, value);
                }
                Err(reference) => {
                    response_notes.push((
                        site,
                        format!("response reference {reference} does not resolve; the status is read without a body"),
                    ));
                    responses.insert(status, json!({ "description": "" }));
                }
            }
        }
        for (site, message) in response_notes {
            context.note(&site, None, message);
        }
        let Some(operation) = super::operation_mut(&mut context.document, &pointer) else {
            continue;
        };
        operation.remove("parameters");
        if !merged.is_empty() {
            operation.insert("parameters".into(), Value::Array(merged));
        }
        if let Some(body) = body {
            operation.insert("requestBody".into(), body);
        }
        operation.insert("responses".into(), Value::Object(responses));
        operation.remove("callbacks");
    }
    if let Some(Value::Object(paths)) = context.document.get_mut("paths") {
        for item in paths.values_mut() {
            if let Value::Object(item) = item {
                item.remove("parameters");
            }
        }
    }
    if let Some(Value::Object(components)) = context.document.get_mut("components") {
        components.retain(|kind, _| matches!(kind.as_str(), "schemas" | "securitySchemes"));
    }
    Ok(())
}

fn with_pointer(value: &Value, pointer: &str) -> Value {
    with_pointer_owned(value.clone(), pointer)
}

fn with_pointer_owned(mut value: Value, pointer: &str) -> Value {
    if let Some(object) = value.as_object_mut() {
        object.insert("x-pointer".into(), json!(pointer));
    }
    value
}

/// A path item given by `$ref` is replaced by a copy of its target, when that is local.
fn inline_path_item_refs(context: &mut Context<'_>) {
    let Some(paths) = context.document.get("paths").and_then(Value::as_object) else {
        return;
    };
    let mut replacements = Vec::new();
    for (path, item) in paths {
        let Some(reference) = item.get("$ref").and_then(Value::as_str) else {
            continue;
        };
        let target = reference
            .strip_prefix('#')
            .and_then(|pointer| context.document.pointer(pointer))
            .filter(|target| target.is_object())
            .cloned();
        replacements.push((path.clone(), reference.to_string(), target));
    }
    for (path, reference, target) in replacements {
        let at = format!("/paths/{}", escape_token(&path));
        match target {
            Some(target) => context.document["paths"][&path] = target,
            None => {
                context.note(
                    &at,
                    None,
                    format!("path item reference {reference} does not resolve here; its operations are dropped"),
                );
                if let Some(Value::Object(paths)) = context.document.get_mut("paths") {
                    paths.remove(&path);
                }
            }
        }
    }
}

/// Every `$ref` that is not local or leads nowhere: in a schema it becomes any JSON value; in
/// an operation anywhere else, the operation is dropped.
pub fn unresolved_references(context: &mut Context<'_>) -> Result<(), Error> {
    let mut broken = Vec::new();
    broken_references(
        &context.document,
        &context.document,
        &Path::ROOT,
        &mut broken,
    );
    if broken.is_empty() {
        return Ok(());
    }
    let schema_pointers: BTreeSet<String> = schema_walk::schema_pointers(&context.document)
        .into_iter()
        .collect();
    for (pointer, reference) in broken {
        let what = if reference.starts_with('#') {
            format!("reference {reference} does not resolve")
        } else {
            format!("reference {reference} is not in this file")
        };
        if schema_pointers.contains(&pointer) {
            let at = origin(&context.document, &pointer).unwrap_or(pointer.clone());
            context.note(&at, None, format!("{what}; read as any JSON value"));
            if let Some(node) = context.document.pointer_mut(&pointer) {
                *node = json!({});
            }
        } else if let Some(operation) = operation_of(&pointer) {
            if context.document.pointer(&operation).is_some() {
                context.drop_operation(&operation, &what);
            }
        } else {
            context.note(&pointer, None, format!("{what}; ignored"));
        }
    }
    Ok(())
}

/// Every `$ref` under `value` (leaving out examples and extensions, which are data) that does
/// not resolve in `document`, with its pointer.
fn broken_references(
    document: &Value,
    value: &Value,
    path: &Path<'_>,
    found: &mut Vec<(String, String)>,
) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                let resolves = reference
                    .strip_prefix('#')
                    .is_some_and(|target| document.pointer(target).is_some());
                if !resolves {
                    found.push((path.pointer(), reference.clone()));
                }
            }
            for (key, child) in object {
                if matches!(key.as_str(), "example" | "examples") || key.starts_with("x-") {
                    continue;
                }
                if child.is_object() || child.is_array() {
                    broken_references(document, child, &path.child(key), found);
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                if child.is_object() || child.is_array() {
                    let index = index.to_string();
                    broken_references(document, child, &path.child(&index), found);
                }
            }
        }
        _ => {}
    }
}

/// The pointer of the operation that `pointer` lies in, if it lies in one.
fn operation_of(pointer: &str) -> Option<String> {
    let mut parts = pointer.splitn(5, '/');
    let (_, paths, path, method) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    (paths == "paths" && walk::METHODS.contains(&method)).then(|| format!("/paths/{path}/{method}"))
}

fn is_status(status: &str) -> bool {
    status == "default"
        || (status.len() == 3
            && (status.bytes().all(|c| c.is_ascii_digit())
                || (matches!(status.as_bytes()[0], b'1'..=b'5')
                    && status[1..].eq_ignore_ascii_case("xx"))))
}

/// Response keys that are not statuses are dropped; `2xx` is read as `2XX`.
pub fn status_codes(context: &mut Context<'_>) -> Result<(), Error> {
    for (pointer, _, _) in operations(&context.document) {
        let label = super::operation_label(&context.document, &pointer);
        let keys: Vec<String> = context
            .document
            .pointer(&format!("{pointer}/responses"))
            .and_then(Value::as_object)
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default();
        for key in keys {
            let at = format!("{pointer}/responses/{}", escape_token(&key));
            if key.starts_with("x-") {
                continue;
            }
            if !is_status(&key) {
                context.note(
                    &at,
                    label.as_deref(),
                    format!(
                        "`{key}` is not a status code, a range such as 4XX, or default; dropped"
                    ),
                );
            }
            let Some(Value::Object(responses)) = context
                .document
                .pointer_mut(&format!("{pointer}/responses"))
            else {
                continue;
            };
            if !is_status(&key) {
                responses.remove(&key);
            } else if (key.ends_with("xx") || key.ends_with("xX") || key.ends_with("Xx"))
                && let Some(response) = responses.remove(&key)
            {
                responses.insert(key.to_ascii_uppercase(), response);
            }
        }
    }
    Ok(())
}

/// Gives every operation its final method name as its `operationId` (the one it had, if any,
/// stays as `x-operation-id` for messages).
pub fn operation_names(context: &mut Context<'_>) -> Result<(), Error> {
    let operations = operations(&context.document);
    let ids: Vec<Option<String>> = operations
        .iter()
        .map(|(pointer, _, _)| {
            let id = context
                .document
                .pointer(&format!("{pointer}/operationId"))?;
            match id.as_str() {
                Some(text) if text.chars().any(char::is_alphabetic) => Some(text.to_string()),
                _ => None,
            }
        })
        .collect();
    let requests: Vec<Request<'_>> = operations
        .iter()
        .zip(&ids)
        .map(|((_, path, method), id)| Request {
            method,
            path,
            operation_id: id.as_deref(),
        })
        .collect();
    let names = operation_names::assign(&requests);
    let mut notes = Vec::new();
    for (((pointer, path, method), id), (name, how)) in operations.iter().zip(&ids).zip(names) {
        let written = context
            .document
            .pointer(&format!("{pointer}/operationId"))
            .cloned();
        match (&how, &written) {
            (Origin::Derived, Some(bad)) => notes.push((
                format!("{pointer}/operationId"),
                format!("operationId {bad} has no letter to make a name of; named `{name}` after {} {path}", method.to_uppercase()),
            )),
            (Origin::Derived, None) => notes.push((
                pointer.clone(),
                format!("no operationId; named `{name}` after {} {path}", method.to_uppercase()),
            )),
            (Origin::Renamed(why), _) => notes.push((
                pointer.clone(),
                format!("named `{name}`: {why}"),
            )),
            (Origin::OperationId, _) => {}
        }
        let Some(operation) = super::operation_mut(&mut context.document, pointer) else {
            continue;
        };
        if let Some(id) = id {
            operation.insert("x-operation-id".into(), json!(id));
        }
        operation.insert("operationId".into(), json!(name));
    }
    for (at, message) in notes {
        context.note(&at, None, message);
    }
    Ok(())
}

/// The operations and tags `x-select` names, if the document has it.
fn selection(document: &Value) -> Option<(BTreeSet<String>, BTreeSet<String>)> {
    let select = document.get("x-select")?;
    let names = |key: &str| -> BTreeSet<String> {
        select
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    Some((names("operations"), names("tags")))
}

/// With `x-select`, keeps only the operations it names (by operationId or Rust name) or that
/// carry a tag it names; one note says how many were left out.
pub fn selected_operations(context: &mut Context<'_>) -> Result<(), Error> {
    let Some((names, tags)) = selection(&context.document) else {
        return Ok(());
    };
    let mut left_out = Vec::new();
    for (pointer, _, _) in operations(&context.document) {
        let Some(operation) = context.document.pointer(&pointer) else {
            continue;
        };
        let named = ["operationId", "x-operation-id"]
            .iter()
            .filter_map(|key| operation.get(*key).and_then(Value::as_str))
            .any(|name| names.contains(name));
        let tagged = operation
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(|tag| tags.contains(tag));
        if !named && !tagged {
            left_out.push(pointer);
        }
    }
    let total = operations(&context.document).len();
    for pointer in &left_out {
        let (item, method) = pointer.rsplit_once('/').unwrap_or_default();
        if let Some(Value::Object(item)) = context.document.pointer_mut(item) {
            item.remove(method);
        }
    }
    // What was said about an operation left out no longer concerns the crate.
    context.notes.retain(|note| {
        !note
            .location
            .pointer
            .as_ref()
            .is_some_and(|at| left_out.iter().any(|out| at.starts_with(out.as_str())))
    });
    context.note(
        "/x-select",
        None,
        format!(
            "`x-select` keeps {} of {total} operations; the other {} are left out",
            total - left_out.len(),
            left_out.len()
        ),
    );
    Ok(())
}

/// With `x-select`, drops the component schemas no kept operation reaches.
pub fn unreachable_schemas(context: &mut Context<'_>) -> Result<(), Error> {
    if selection(&context.document).is_none() {
        return Ok(());
    }
    let mut reached = BTreeSet::new();
    let mut pending: Vec<Value> = operations(&context.document)
        .iter()
        .filter_map(|(pointer, _, _)| context.document.pointer(pointer).cloned())
        .collect();
    while let Some(value) = pending.pop() {
        let mut references = Vec::new();
        collect_schema_refs(&value, &mut references);
        for name in references {
            let at = format!("/components/schemas/{}", escape_token(&name));
            if reached.insert(name)
                && let Some(schema) = context.document.pointer(&at)
            {
                pending.push(schema.clone());
            }
        }
    }
    let Some(Value::Object(schemas)) = context.document.pointer_mut("/components/schemas") else {
        return Ok(());
    };
    let before = schemas.len();
    schemas.retain(|name, _| reached.contains(name));
    let dropped = before - schemas.len();
    if dropped > 0 {
        context.note(
            "/x-select",
            None,
            match dropped {
                1 => "1 schema no kept operation reaches is left out".to_string(),
                _ => format!("{dropped} schemas no kept operation reaches are left out"),
            },
        );
    }
    Ok(())
}

fn collect_schema_refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(name) = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(super::component_name)
            {
                found.push(name);
            }
            object.values().for_each(|v| collect_schema_refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_schema_refs(v, found)),
        _ => {}
    }
}

/// What the clients can send for a security scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// HTTP basic.
    Basic,
    /// A bearer token: HTTP bearer, OAuth 2, OpenID Connect.
    Bearer,
    /// An API key in a header, query parameter or cookie.
    ApiKey,
}

/// How the clients send `scheme`, or `None` if they cannot.
pub fn scheme_kind(scheme: &Value) -> Option<SchemeKind> {
    match scheme.get("type").and_then(Value::as_str)? {
        "apiKey" => matches!(
            scheme.get("in").and_then(Value::as_str),
            Some("header" | "cookie" | "query")
        )
        .then_some(SchemeKind::ApiKey),
        "http" => match scheme
            .get("scheme")
            .and_then(Value::as_str)?
            .to_ascii_lowercase()
            .as_str()
        {
            "basic" => Some(SchemeKind::Basic),
            "bearer" => Some(SchemeKind::Bearer),
            _ => None,
        },
        "oauth2" | "openIdConnect" => Some(SchemeKind::Bearer),
        _ => None,
    }
}

/// Schemes the clients cannot send are dropped, with the requirement alternatives that need
/// them; an OAuth 2 or OpenID Connect token is sent as a bearer token.
pub fn security_schemes(context: &mut Context<'_>) -> Result<(), Error> {
    let schemes = context
        .document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut usable = BTreeSet::new();
    for (name, scheme) in &schemes {
        let at = format!("/components/securitySchemes/{}", escape_token(name));
        match scheme_kind(scheme) {
            Some(_) => {
                usable.insert(name.clone());
            }
            None => {
                let kind = [scheme.get("type"), scheme.get("scheme")]
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" ");
                context.note(
                    &at,
                    None,
                    format!("security scheme `{name}` ({kind}) is not one the clients can send (basic, bearer, OAuth 2 or OpenID Connect token, API key); requirements that need it are dropped"),
                );
            }
        }
    }
    if let Some(Value::Object(schemes)) =
        context.document.pointer_mut("/components/securitySchemes")
    {
        schemes.retain(|name, _| usable.contains(name));
    }
    let mut sites = vec!["/security".to_string()];
    sites.extend(
        operations(&context.document)
            .into_iter()
            .map(|(pointer, _, _)| format!("{pointer}/security")),
    );
    for site in sites {
        let Some(Value::Array(requirements)) = context.document.pointer(&site).cloned() else {
            continue;
        };
        let mut kept = Vec::new();
        for (index, requirement) in requirements.iter().enumerate() {
            let names: Vec<&String> = requirement
                .as_object()
                .map(|r| r.keys().collect())
                .unwrap_or_default();
            match names.iter().find(|name| !usable.contains(**name)) {
                Some(name) if !schemes.contains_key(*name) => context.note(
                    &format!("{site}/{index}"),
                    None,
                    format!("security requirement names `{name}`, which is not in components.securitySchemes; dropped"),
                ),
                Some(_) => {}
                None => kept.push(requirement.clone()),
            }
        }
        let emptied = kept.is_empty() && !requirements.is_empty();
        if let Some(node) = context.document.pointer_mut(&site) {
            *node = Value::Array(kept);
        }
        if emptied {
            // No alternative is left that the client can send: send none rather than claim the
            // operation needs no credentials.
            if let Some((parent, _)) = site.rsplit_once('/')
                && let Some(Value::Object(object)) = context
                    .document
                    .pointer_mut(if parent.is_empty() { "" } else { parent })
            {
                object.remove("security");
            }
        }
    }
    Ok(())
}

/// Refuses a document with nothing left to generate.
pub fn no_operations_left(context: &mut Context<'_>) -> Result<(), Error> {
    if !operations(&context.document).is_empty() {
        return Ok(());
    }
    let dropped: Vec<&str> = context
        .notes
        .iter()
        .filter_map(|n| n.message.strip_prefix("operation dropped: "))
        .collect();
    let message = match dropped.as_slice() {
        [] => "the spec has no operations".to_string(),
        [only] => format!("no operation can be generated: the only one was dropped: {only}"),
        [first, ..] => format!(
            "no operation can be generated: all {} were dropped, the first because {first}",
            dropped.len()
        ),
    };
    Err(context.spec.error_at("/paths", None, message))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{HEAD, lowered_through, messages};
    use serde_json::json;

    #[test]
    fn operation_parameters_override_path_ones_and_refs_are_copied() {
        let (document, notes) = lowered_through(
            "inline_operation_parts",
            &format!(
                "{HEAD}paths:\n  /key:\n    parameters:\n      - $ref: '#/components/parameters/key'\n      - {{name: other, in: query, schema: {{type: string}}}}\n    get:\n      operationId: key.get\n      parameters:\n        - {{name: key, in: query, schema: {{type: boolean}}}}\n      responses:\n        '200': {{$ref: '#/components/responses/ok'}}\ncomponents:\n  parameters:\n    key: {{name: key, in: query, schema: {{type: string}}}}\n  responses:\n    ok: {{description: ok}}\n"
            ),
        );
        assert!(notes.is_empty(), "{notes:?}");
        let parameters = document.pointer("/paths/~1key/get/parameters").unwrap();
        assert_eq!(parameters.as_array().unwrap().len(), 2);
        assert_eq!(parameters[0]["name"], "other");
        assert_eq!(parameters[1]["schema"]["type"], "boolean");
        assert_eq!(parameters[1]["x-pointer"], "/paths/~1key/get/parameters/0");
        assert_eq!(
            document
                .pointer("/paths/~1key/get/responses/200/x-pointer")
                .unwrap(),
            "/components/responses/ok"
        );
        assert!(document.pointer("/paths/~1key/parameters").is_none());
        assert!(document.pointer("/components/parameters").is_none());
    }

    #[test]
    fn broken_references_degrade_locally() {
        let (document, notes) = lowered_through(
            "unresolved_references",
            &format!(
                "{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{{$ref: '#/components/parameters/nope'}}]\n      responses: {{'200': {{description: ok}}}}\n  /b:\n    get:\n      operationId: b\n      responses:\n        '200':\n          description: ok\n          content: {{application/json: {{schema: {{$ref: 'other.yaml#/X'}}}}}}\n"
            ),
        );
        assert!(document.pointer("/paths/~1a/get").is_none());
        assert_eq!(
            document
                .pointer("/paths/~1b/get/responses/200/content/application~1json/schema")
                .unwrap(),
            &json!({})
        );
        assert_eq!(
            messages(&notes),
            [
                "operation dropped: parameter reference #/components/parameters/nope does not resolve",
                "reference other.yaml#/X is not in this file; read as any JSON value",
            ]
        );
    }

    #[test]
    fn operations_without_ids_are_named_and_noted() {
        let (document, notes) = lowered_through(
            "operation_names",
            &format!(
                "{HEAD}paths:\n  /arrays/{{id}}/volumes:\n    get:\n      parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n      responses: {{'200': {{description: ok}}}}\n"
            ),
        );
        assert_eq!(
            document
                .pointer("/paths/~1arrays~1{id}~1volumes/get/operationId")
                .unwrap(),
            "get_array_volumes"
        );
        assert_eq!(
            messages(&notes),
            ["no operationId; named `get_array_volumes` after GET /arrays/{id}/volumes"]
        );
    }
}
