//! Rejects, before progenitor sees a spec, every construct the pipeline cannot turn into a
//! working client, with one located error per problem.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Error, Errors, escape_token};
use crate::load::LoadedSpec;
use crate::rust_names::snake_case;
use crate::walk::{self, Operation};

/// Headers that OpenAPI says a parameter may not describe; credentials belong in `securitySchemes`.
const RESERVED_HEADERS: [&str; 3] = ["authorization", "accept", "content-type"];

/// Runs every check and returns all problems found, in document order.
pub fn validate(spec: &LoadedSpec) -> Result<(), Errors> {
    let mut errors = Vec::new();
    let document = &spec.document;
    if !document.get("paths").is_some_and(Value::is_object) {
        errors.push(spec.error_at(
            "",
            None,
            "missing `paths`: a spec needs at least one operation",
        ));
    }
    references_resolve(spec, &mut errors);
    path_items_are_inline(spec, &mut errors);
    security_is_supported(spec, &mut errors);
    names_are_distinct_in_rust(spec, &mut errors);
    let operations = walk::operations(document);
    if operations.is_empty() && errors.is_empty() {
        errors.push(spec.error_at("/paths", None, "the spec has no operations"));
    }
    operation_ids_are_unique(spec, &operations, &mut errors);
    for operation in &operations {
        let id = operation.id();
        path_parameters_match(spec, operation, id, &mut errors);
        parameters_are_supported(spec, operation, id, &mut errors);
        request_body_is_supported(spec, operation, id, &mut errors);
        responses_are_supported(spec, operation, id, &mut errors);
        if let Some(requirements) = operation.object.get("security") {
            requirements_name_schemes(
                spec,
                requirements,
                &format!("{}/security", operation.pointer),
                id,
                &mut errors,
            );
        }
    }
    errors.sort_by_key(|e| e.location.line_col);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Errors(errors))
    }
}

/// Every `$ref` is local (`#/...`) and points at something.
fn references_resolve(spec: &LoadedSpec, errors: &mut Vec<Error>) {
    for (pointer, object) in walk::mappings(&spec.document) {
        let Some(reference) = object.get("$ref") else {
            continue;
        };
        let at = format!("{pointer}/$ref");
        match reference.as_str() {
            Some(local) if local.starts_with("#/") => {
                if spec.document.pointer(&local[1..]).is_none() {
                    errors.push(spec.error_at(&at, None, format!("unresolved reference {local}")));
                }
            }
            Some(other) => errors.push(spec.error_at(
                &at,
                None,
                format!("reference {other} is not local: put the schema under #/components"),
            )),
            None => errors.push(spec.error_at(&at, None, "`$ref` must be a string")),
        }
    }
}

/// progenitor reads path items directly, so a `$ref` path item would be lost.
fn path_items_are_inline(spec: &LoadedSpec, errors: &mut Vec<Error>) {
    for (path, item) in spec
        .document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let at = format!("/paths/{}", escape_token(path));
        if !item.is_object() {
            errors.push(spec.error_at(&at, None, "a path item must be a mapping of operations"));
        } else if item.get("$ref").is_some() {
            errors.push(spec.error_at(
                &at,
                None,
                "path items by `$ref` are not supported: write the operations inline",
            ));
        }
    }
}

/// The schemes the generated clients can authenticate with: apiKey and http basic or bearer.
fn security_is_supported(spec: &LoadedSpec, errors: &mut Vec<Error>) {
    let schemes = spec
        .document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object);
    for (name, scheme) in schemes.into_iter().flatten() {
        let at = format!("/components/securitySchemes/{}", escape_token(name));
        let scheme = walk::resolved(&spec.document, scheme);
        let kind = scheme
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let supported = match kind {
            "apiKey" => matches!(
                scheme.get("in").and_then(Value::as_str),
                Some("header" | "cookie" | "query")
            ),
            "http" => matches!(
                scheme
                    .get("scheme")
                    .and_then(Value::as_str)
                    .map(str::to_ascii_lowercase)
                    .as_deref(),
                Some("basic" | "bearer")
            ),
            _ => false,
        };
        if !supported {
            errors.push(spec.error_at(
                &at,
                None,
                format!("security scheme `{name}` is not supported: use apiKey (header, cookie or query) or http basic or bearer"),
            ));
        }
    }
    if let Some(requirements) = spec.document.get("security") {
        requirements_name_schemes(spec, requirements, "/security", None, errors);
    }
}

fn requirements_name_schemes(
    spec: &LoadedSpec,
    requirements: &Value,
    at: &str,
    id: Option<&str>,
    errors: &mut Vec<Error>,
) {
    let schemes = spec
        .document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object);
    for (index, requirement) in requirements.as_array().into_iter().flatten().enumerate() {
        for name in requirement
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, _)| name)
        {
            if !schemes.is_some_and(|schemes| schemes.contains_key(name)) {
                errors.push(spec.error_at(
                    &format!("{at}/{index}/{}", escape_token(name)),
                    id,
                    format!("security requirement names `{name}`, which is not in components.securitySchemes"),
                ));
            }
        }
    }
}

/// Properties become snake_case Rust fields and string enum values PascalCase variants; names
/// that differ only in case or punctuation (`_links` and `Links`, `running` and `RUNNING`)
/// would need the same Rust name.
fn names_are_distinct_in_rust(spec: &LoadedSpec, errors: &mut Vec<Error>) {
    for (pointer, object) in walk::mappings(&spec.document) {
        if let Some(Value::Object(properties)) = object.get("properties") {
            let mut seen: BTreeMap<String, &str> = BTreeMap::new();
            for name in properties.keys() {
                let field = snake_case(name);
                if let Some(first) = seen.get(&field) {
                    errors.push(spec.error_at(
                        &format!("{pointer}/properties/{}", escape_token(name)),
                        None,
                        format!(
                            "properties `{first}` and `{name}` both become the Rust field `{field}`"
                        ),
                    ));
                } else {
                    seen.insert(field, name);
                }
            }
        }
        if let Some(Value::Array(values)) = object.get("enum") {
            let mut seen: BTreeMap<String, &str> = BTreeMap::new();
            for text in values.iter().filter_map(Value::as_str) {
                let name = crate::rust_names::type_name(text);
                if let Some(first) = seen.get(&name) {
                    errors.push(spec.error_at(
                        &format!("{pointer}/enum"),
                        None,
                        format!("enum values `{first}` and `{text}` both become the Rust variant `{name}`"),
                    ));
                } else {
                    seen.insert(name, text);
                }
            }
        }
    }
}

fn operation_ids_are_unique(
    spec: &LoadedSpec,
    operations: &[Operation<'_>],
    errors: &mut Vec<Error>,
) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for operation in operations {
        let label = format!("{} {}", operation.method.to_uppercase(), operation.path);
        match operation.object.get("operationId") {
            None => errors.push(spec.error_at(
                &operation.pointer,
                None,
                format!("{label} has no operationId"),
            )),
            Some(Value::String(id)) if id.chars().any(|c| c.is_ascii_alphabetic()) => {
                let snake = snake_case(id);
                let at = format!("{}/operationId", operation.pointer);
                if let Some(first) = seen.get(&snake) {
                    let first_id = spec
                        .document
                        .pointer(&format!("{first}/operationId"))
                        .and_then(Value::as_str);
                    let message = if first_id == Some(id.as_str()) {
                        format!(
                            "duplicate operationId `{id}`, first used by the operation at #{first}"
                        )
                    } else {
                        format!(
                            "operationId `{id}` gives the same method name `{snake}` as the operation at #{first}"
                        )
                    };
                    errors.push(spec.error_at(&at, Some(id), message));
                } else {
                    seen.insert(snake, operation.pointer.clone());
                }
            }
            Some(other) => errors.push(spec.error_at(
                &format!("{}/operationId", operation.pointer),
                None,
                format!("{label}: operationId {other} must be a string with at least one letter"),
            )),
        }
    }
}

fn path_parameters_match(
    spec: &LoadedSpec,
    operation: &Operation<'_>,
    id: Option<&str>,
    errors: &mut Vec<Error>,
) {
    let mut in_template = BTreeSet::new();
    for segment in operation.path.split('{').skip(1) {
        match segment.split_once('}') {
            Some((name, _)) if !name.is_empty() => {
                in_template.insert(name.to_string());
            }
            _ => errors.push(spec.error_at(
                &operation.pointer,
                id,
                format!("path {} has an unclosed or empty `{{}}`", operation.path),
            )),
        }
    }
    let mut declared = BTreeSet::new();
    for (at, parameter) in operation.parameters(&spec.document) {
        if parameter.get("in").and_then(Value::as_str) != Some("path") {
            continue;
        }
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !in_template.contains(name) {
            errors.push(spec.error_at(
                &at,
                id,
                format!(
                    "path parameter `{name}` does not appear in the path {}",
                    operation.path
                ),
            ));
        }
        if parameter.get("required") != Some(&Value::Bool(true)) {
            errors.push(spec.error_at(
                &at,
                id,
                format!("path parameter `{name}` must have `required: true`"),
            ));
        }
        declared.insert(name.to_string());
    }
    for missing in in_template.difference(&declared) {
        errors.push(spec.error_at(
            &operation.pointer,
            id,
            format!(
                "path {} uses `{{{missing}}}` but declares no path parameter `{missing}`",
                operation.path
            ),
        ));
    }
}

fn parameters_are_supported(
    spec: &LoadedSpec,
    operation: &Operation<'_>,
    id: Option<&str>,
    errors: &mut Vec<Error>,
) {
    let document = &spec.document;
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (at, parameter) in operation.parameters(document) {
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let method = snake_case(name);
        if let Some(first) = seen.get(&method) {
            errors.push(spec.error_at(
                &at,
                id,
                format!(
                    "parameters `{first}` and `{name}` both become the builder method `{method}`"
                ),
            ));
        } else {
            seen.insert(method, name.to_string());
        }
        let location = parameter
            .get("in")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(schema) = parameter.get("schema") else {
            errors.push(spec.error_at(
                &at,
                id,
                format!("parameter `{name}` needs a `schema` (`content` is not supported)"),
            ));
            continue;
        };
        let schema = walk::resolved(document, schema);
        let kind = schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let style = parameter.get("style").and_then(Value::as_str);
        if let Some(
            style @ ("deepObject" | "spaceDelimited" | "pipeDelimited" | "matrix" | "label"),
        ) = style
        {
            errors.push(spec.error_at(
                &format!("{at}/style"),
                id,
                format!(
                    "parameter `{name}` uses style {style}, which the generator does not support"
                ),
            ));
            continue;
        }
        match (location, kind) {
            ("header", _) if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) => {
                errors.push(spec.error_at(
                    &at,
                    id,
                    format!("header parameter `{name}` is ignored by OpenAPI: describe credentials in components.securitySchemes"),
                ));
            }
            ("header" | "path" | "cookie", "array" | "object") => {
                errors.push(spec.error_at(
                    &format!("{at}/schema"),
                    id,
                    format!("{location} parameter `{name}` must be a scalar, not {kind}"),
                ));
            }
            ("query", "object") => {
                errors.push(spec.error_at(
                    &format!("{at}/schema"),
                    id,
                    format!(
                        "query parameter `{name}` is an object, which has no agreed query encoding"
                    ),
                ));
            }
            ("query", "array") => {
                let items = schema
                    .get("items")
                    .map(|items| walk::resolved(document, items));
                let item_kind = items
                    .and_then(|items| items.get("type"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if !matches!(item_kind, "string" | "integer" | "number" | "boolean") {
                    errors.push(spec.error_at(
                        &format!("{at}/schema/items"),
                        id,
                        format!("array query parameter `{name}` must have scalar items"),
                    ));
                }
            }
            ("path" | "query" | "header" | "cookie", _) => {}
            _ => errors.push(spec.error_at(
                &at,
                id,
                format!("parameter `{name}` has an unknown location `{location}`"),
            )),
        }
    }
}

fn request_body_is_supported(
    spec: &LoadedSpec,
    operation: &Operation<'_>,
    id: Option<&str>,
    errors: &mut Vec<Error>,
) {
    let Some(body) = operation.object.get("requestBody") else {
        return;
    };
    let (at, body) = walk::resolve(&spec.document, body)
        .unwrap_or_else(|| (format!("{}/requestBody", operation.pointer), body));
    let content = body.get("content").and_then(Value::as_object);
    let media_types = content.map(|content| content.len()).unwrap_or_default();
    if media_types != 1 {
        errors.push(spec.error_at(
            &at,
            id,
            format!("the request body must have exactly one media type, found {media_types}"),
        ));
        return;
    }
    let (media_type, media) = content
        .into_iter()
        .flatten()
        .next()
        .expect("one media type");
    let media_at = format!("{at}/content/{}", escape_token(media_type));
    if !is_json(media_type) && media_type != "*/*" {
        errors.push(spec.error_at(
            &media_at,
            id,
            format!("request media type {media_type} is not supported: use application/json"),
        ));
    }
    if media.get("schema").is_none() {
        errors.push(spec.error_at(&media_at, id, "the request body needs a schema"));
    }
}

fn responses_are_supported(
    spec: &LoadedSpec,
    operation: &Operation<'_>,
    id: Option<&str>,
    errors: &mut Vec<Error>,
) {
    let at = format!("{}/responses", operation.pointer);
    let Some(responses) = operation
        .object
        .get("responses")
        .and_then(Value::as_object)
        .filter(|r| !r.is_empty())
    else {
        errors.push(spec.error_at(&operation.pointer, id, "the operation lists no responses"));
        return;
    };
    let mut success_bodies: Vec<(String, &Value)> = Vec::new();
    for (status, response) in responses {
        let status_at = format!("{at}/{}", escape_token(status));
        if !is_status(status) {
            errors.push(spec.error_at(
                &status_at,
                id,
                format!("`{status}` is not a status code, a range such as 4XX, or default"),
            ));
            continue;
        }
        let response = walk::resolved(&spec.document, response);
        let Some(content) = response
            .get("content")
            .and_then(Value::as_object)
            .filter(|c| !c.is_empty())
        else {
            continue;
        };
        if content.len() > 1 {
            errors.push(spec.error_at(
                &status_at,
                id,
                format!(
                    "response {status} has {} media types; keep one",
                    content.len()
                ),
            ));
            continue;
        }
        let (media_type, media) = content.iter().next().expect("one media type");
        let media_at = format!("{status_at}/content/{}", escape_token(media_type));
        if !is_json(media_type) {
            errors.push(spec.error_at(
                &media_at,
                id,
                format!("response media type {media_type} is not supported: use application/json"),
            ));
            continue;
        }
        let Some(schema) = media.get("schema") else {
            errors.push(spec.error_at(
                &media_at,
                id,
                format!("response {status} is JSON but has no schema"),
            ));
            continue;
        };
        if status.starts_with('2') {
            success_bodies.push((status.clone(), schema));
        }
    }
    if let Some((first_status, first)) = success_bodies.first() {
        for (status, schema) in &success_bodies[1..] {
            if schema != first {
                errors.push(spec.error_at(
                    &format!("{at}/{}", escape_token(status)),
                    id,
                    format!("responses {first_status} and {status} have different bodies; a client method returns one type"),
                ));
            }
        }
    }
}

fn is_status(status: &str) -> bool {
    status == "default"
        || (status.len() == 3
            && (status.chars().all(|c| c.is_ascii_digit())
                || (matches!(status.as_bytes()[0], b'1'..=b'5') && &status[1..] == "XX")))
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}
