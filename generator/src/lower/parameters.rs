//! Lowerings of operation parameters: headers OpenAPI ignores, cookies, parameters declared by
//! `content`, styles progenitor does not send, path parameters that do not match the path,
//! names that collide in Rust, and lists sent comma-separated.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::{Context, operation_label, operations, resolve};
use crate::error::Error;
use crate::rust_names::{Case, progenitor_name};

/// Headers that OpenAPI says a parameter may not describe.
const RESERVED_HEADERS: [&str; 3] = ["authorization", "accept", "content-type"];

/// The component schema that stands for a comma-separated list parameter; the engine maps it
/// to the runtime's `CommaSeparated` type.
pub const COMMA_SEPARATED_SCHEMA: &str = "CommaSeparatedList";

/// What became of one parameter.
enum Fate {
    Keep(Value),
    /// An object sent as its properties, each a parameter of its own.
    Split(Vec<Value>),
    Drop(String),
    DropOperation(String),
}

/// The names in a path template: `/a/{id}/b/{name}.json` has `id` and `name`.
pub fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .filter(|name| !name.is_empty())
        .collect()
}

fn kind_of<'d>(document: &'d Value, schema: &'d Value) -> (Option<&'d str>, &'d Value) {
    let schema = resolve(document, schema).map_or(schema, |(_, s)| s);
    (schema.get("type").and_then(Value::as_str), schema)
}

fn is_scalar(kind: Option<&str>) -> bool {
    matches!(kind, Some("string" | "integer" | "number" | "boolean"))
}

/// Rewrites or drops each parameter progenitor cannot send as written.
pub fn parameters(context: &mut Context<'_>) -> Result<(), Error> {
    for (pointer, path, _) in operations(&context.document) {
        let label = operation_label(&context.document, &pointer);
        let label = label.as_deref();
        let parameters = context
            .document
            .pointer(&format!("{pointer}/parameters"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let has_body = context
            .document
            .pointer(&format!("{pointer}/requestBody"))
            .is_some();
        let in_template = template_names(&path);
        let mut kept = Vec::new();
        let mut cookies = Vec::new();
        let mut methods: BTreeMap<String, String> = BTreeMap::new();
        if has_body {
            methods.insert("body".into(), "the request body".into());
        }
        let mut drop_operation = None;
        for (index, parameter) in parameters.into_iter().enumerate() {
            let at = parameter
                .get("x-pointer")
                .and_then(Value::as_str)
                .map_or_else(|| format!("{pointer}/parameters/{index}"), str::to_string);
            // A shared parameter gets one note at its definition, not one per operation.
            let label = if at.starts_with("/components/") {
                None
            } else {
                label
            };
            let name = parameter
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let location = parameter
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if location == "cookie" {
                cookies.push(json!(name));
                context.note(
                    &at,
                    label,
                    format!("cookie parameter `{name}` has no builder method: the session's cookie jar sends the cookies the server sets"),
                );
                continue;
            }
            let fate = one_parameter(
                context,
                parameter,
                &name,
                &location,
                &in_template,
                label,
                &at,
            );
            let parameters = match fate {
                Fate::Keep(parameter) => vec![parameter],
                Fate::Split(parameters) => parameters,
                Fate::Drop(reason) => {
                    context.note(&at, label, format!("parameter `{name}` dropped: {reason}"));
                    continue;
                }
                Fate::DropOperation(reason) => {
                    drop_operation = Some(reason);
                    break;
                }
            };
            for parameter in parameters {
                let name = parameter["name"].as_str().unwrap_or_default().to_string();
                let method = progenitor_name(&name, Case::Snake);
                if let Some(first) = methods.get(&method) {
                    let reason =
                        format!("it and {first} both become the builder method `{method}`");
                    if parameter.get("required") == Some(&Value::Bool(true)) {
                        drop_operation = Some(format!("required parameter `{name}`: {reason}"));
                        break;
                    }
                    context.note(&at, label, format!("parameter `{name}` dropped: {reason}"));
                    continue;
                }
                methods.insert(method, format!("parameter `{name}`"));
                kept.push(parameter);
            }
            if drop_operation.is_some() {
                break;
            }
        }
        if let Some(reason) = drop_operation {
            context.drop_operation(&pointer, &reason);
            continue;
        }
        let declared: BTreeSet<String> = kept
            .iter()
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
            .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
            .collect();
        for missing in in_template.iter().filter(|n| !declared.contains(*n)) {
            context.note(
                &pointer,
                label,
                format!("path {path} uses `{{{missing}}}` but declares no parameter for it; added as a required string"),
            );
            kept.push(json!({ "name": missing, "in": "path", "required": true, "schema": { "type": "string" } }));
        }
        let Some(operation) = super::operation_mut(&mut context.document, &pointer) else {
            continue;
        };
        operation.remove("parameters");
        if !kept.is_empty() {
            operation.insert("parameters".into(), Value::Array(kept));
        }
        if !cookies.is_empty() {
            operation.insert("x-cookie-parameters".into(), Value::Array(cookies));
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn one_parameter(
    context: &mut Context<'_>,
    mut parameter: Value,
    name: &str,
    location: &str,
    in_template: &[String],
    label: Option<&str>,
    at: &str,
) -> Fate {
    let required = parameter.get("required") == Some(&Value::Bool(true));
    let drop = |reason: String| {
        if required || location == "path" {
            Fate::DropOperation(format!("required parameter `{name}`: {reason}"))
        } else {
            Fate::Drop(reason)
        }
    };
    if name.is_empty() {
        return drop("it has no name".into());
    }
    match location {
        "path" | "query" => {}
        "header" if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) => {
            return Fate::Drop(format!(
                "OpenAPI ignores a header parameter named {name} (credentials come from securitySchemes)"
            ));
        }
        "header" => {}
        other => return drop(format!("`in: {other}` is not a parameter location")),
    }
    if location == "path" {
        if !in_template.iter().any(|n| n == name) {
            return Fate::Drop("the path has no such placeholder".into());
        }
        if !required {
            context.note(
                at,
                label,
                format!(
                    "path parameter `{name}` is not marked required; a path parameter always is"
                ),
            );
            parameter["required"] = Value::Bool(true);
        }
        // A path segment is never null, whatever the schema allows.
        if let Some(schema) = parameter.get_mut("schema").and_then(Value::as_object_mut) {
            schema.remove("nullable");
        }
    }
    if parameter.get("schema").is_none() {
        let media = parameter
            .get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.keys().next().cloned());
        match media {
            Some(media) => {
                context.note(
                    at,
                    label,
                    format!("parameter `{name}` is declared by content ({media}): it is a string, pass the encoded text"),
                );
                parameter["x-encoded-as"] = json!(media);
            }
            None => context.note(
                at,
                label,
                format!("parameter `{name}` has no schema; it is a string"),
            ),
        }
        if let Some(object) = parameter.as_object_mut() {
            object.remove("content");
        }
        parameter["schema"] = json!({ "type": "string" });
    }
    let style = parameter
        .get("style")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let (Some(style @ ("matrix" | "label" | "form")), "path" | "header") =
        (style.as_deref(), location)
    {
        context.note(
            at,
            label,
            format!("parameter `{name}` uses style {style}; it is sent in the simple style"),
        );
        strip_style(&mut parameter);
    }
    let document = &context.document;
    let (kind, schema) = kind_of(document, &parameter["schema"]);
    let kind = kind.map(str::to_string);
    let item_kind = schema
        .get("items")
        .map(|items| kind_of(document, items).0.map(str::to_string))
        .unwrap_or_default();
    match (location, style.as_deref(), kind.as_deref()) {
        ("query", Some("deepObject"), _) => {
            return drop("`style: deepObject` has no encoding the clients send".into());
        }
        ("query", Some(style @ ("spaceDelimited" | "pipeDelimited")), _) => {
            let separator = if style == "spaceDelimited" {
                "spaces"
            } else {
                "|"
            };
            context.note(
                at,
                label,
                format!("parameter `{name}` uses style {style}: it is a string, pass the items joined with {separator}"),
            );
            parameter["schema"] = json!({ "type": "string" });
            strip_style(&mut parameter);
        }
        ("path", _, Some("array" | "object")) | ("header", _, Some("object")) => {
            context.note(
                at,
                label,
                format!(
                    "{location} parameter `{name}` is an {}: it is a string, pass the encoded text",
                    kind.as_deref().unwrap_or_default()
                ),
            );
            parameter["schema"] = json!({ "type": "string" });
        }
        ("header", _, Some("array")) if !is_scalar(item_kind.as_deref()) => {
            return drop("an array header needs scalar items".into());
        }
        ("query", _, Some("array")) if !is_scalar(item_kind.as_deref()) => {
            return drop("an array query parameter needs scalar items".into());
        }
        ("query", _, Some("object")) => {
            if parameter.get("explode") == Some(&Value::Bool(false)) {
                return drop(
                    "an object sent comma-separated has no encoding the clients send".into(),
                );
            }
            return split_object(context, schema.clone(), name, required, label, at);
        }
        _ => {}
    }
    Fate::Keep(parameter)
}

/// An exploded form-style object parameter is sent as one query parameter per property; each
/// becomes a parameter of its own (required where the object and the property both are).
fn split_object(
    context: &mut Context<'_>,
    schema: Value,
    name: &str,
    required: bool,
    label: Option<&str>,
    at: &str,
) -> Fate {
    let required_properties: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut parameters = Vec::new();
    let mut skipped = Vec::new();
    for (property, property_schema) in schema["properties"].as_object().into_iter().flatten() {
        let (kind, resolved) = kind_of(&context.document, property_schema);
        let item_kind = resolved
            .get("items")
            .and_then(|items| kind_of(&context.document, items).0);
        if !(is_scalar(kind) || (kind == Some("array") && is_scalar(item_kind))) {
            skipped.push(property.clone());
            continue;
        }
        parameters.push(json!({
            "name": property,
            "in": "query",
            "required": required && required_properties.contains(&property.as_str()),
            "schema": property_schema,
            "x-pointer": at,
        }));
    }
    if parameters.is_empty() {
        let reason = "an object without scalar properties has no form encoding the clients send";
        return if required {
            Fate::DropOperation(format!("required parameter `{name}`: {reason}"))
        } else {
            Fate::Drop(reason.into())
        };
    }
    let mut message = format!(
        "query parameter `{name}` is an object sent as its properties; each is a parameter of its own"
    );
    if !skipped.is_empty() {
        message.push_str(&format!(" (not {}: not scalar)", skipped.join(", ")));
    }
    context.note(at, label, message);
    Fate::Split(parameters)
}

fn strip_style(parameter: &mut Value) {
    if let Some(object) = parameter.as_object_mut() {
        object.remove("style");
        object.remove("explode");
    }
}

/// Query arrays with `explode: false` and array headers become the runtime's comma-separated
/// list.
pub fn comma_separated_lists(context: &mut Context<'_>) -> Result<(), Error> {
    // Which parameters are lists, found first: their schemas may refer to components.
    let mut lists = Vec::new();
    for (pointer, _, _) in operations(&context.document) {
        let at = format!("{pointer}/parameters");
        let Some(Value::Array(parameters)) = context.document.pointer(&at) else {
            continue;
        };
        for (index, parameter) in parameters.iter().enumerate() {
            let location = parameter
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let unexploded = parameter.get("explode") == Some(&Value::Bool(false));
            let (kind, _) = kind_of(&context.document, &parameter["schema"]);
            if kind == Some("array")
                && ((location == "query" && unexploded) || location == "header")
            {
                lists.push(format!("{at}/{index}"));
            }
        }
    }
    for at in &lists {
        if let Some(parameter) = context.document.pointer_mut(at) {
            parameter["schema"] =
                json!({ "$ref": format!("#/components/schemas/{COMMA_SEPARATED_SCHEMA}") });
            parameter["x-comma-separated"] = Value::Bool(true);
            strip_style(parameter);
        }
    }
    if !lists.is_empty() {
        if context
            .document
            .pointer(&format!("/components/schemas/{COMMA_SEPARATED_SCHEMA}"))
            .is_some()
        {
            return Err(context.spec.error_at(
                &format!("/components/schemas/{COMMA_SEPARATED_SCHEMA}"),
                None,
                format!("schema name `{COMMA_SEPARATED_SCHEMA}` is reserved for comma-separated list parameters"),
            ));
        }
        let mut taken = super::taken_type_names(&context.document);
        let name = super::add_component(
            &mut context.document,
            &mut taken,
            COMMA_SEPARATED_SCHEMA,
            json!({ "type": "string", "description": "A list sent as one comma-separated value." }),
        );
        debug_assert_eq!(name, COMMA_SEPARATED_SCHEMA);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{HEAD, lowered_through, messages};

    #[test]
    fn parameters_are_rewritten_or_dropped_with_notes() {
        let yaml = format!(
            "{HEAD}paths:\n  /jobs/{{id}}:\n    get:\n      operationId: getJob\n      parameters:\n        - {{name: Authorization, in: header, schema: {{type: string}}}}\n        - {{name: filter, in: query, content: {{application/json: {{schema: {{type: object}}}}}}}}\n        - {{name: session, in: cookie, schema: {{type: string}}}}\n        - {{name: '+1', in: query, schema: {{type: string}}}}\n        - {{name: fooBar, in: query, schema: {{type: string}}}}\n        - {{name: foo_bar, in: header, schema: {{type: string}}}}\n        - {{name: where, in: query, style: deepObject, schema: {{type: object}}}}\n      responses: {{'200': {{description: ok}}}}\n"
        );
        let (document, notes) = lowered_through("parameters", &yaml);
        let parameters = document
            .pointer("/paths/~1jobs~1{id}/get/parameters")
            .unwrap()
            .as_array()
            .unwrap()
            .clone();
        let names: Vec<&str> = parameters
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["filter", "+1", "fooBar", "id"]);
        assert_eq!(parameters[0]["schema"]["type"], "string");
        assert_eq!(parameters[0]["x-encoded-as"], "application/json");
        assert_eq!(
            messages(&notes),
            [
                "parameter `Authorization` dropped: OpenAPI ignores a header parameter named Authorization (credentials come from securitySchemes)",
                "parameter `filter` is declared by content (application/json): it is a string, pass the encoded text",
                "cookie parameter `session` has no builder method: the session's cookie jar sends the cookies the server sets",
                "parameter `foo_bar` dropped: it and parameter `fooBar` both become the builder method `foo_bar`",
                "parameter `where` dropped: `style: deepObject` has no encoding the clients send",
                "path /jobs/{id} uses `{id}` but declares no parameter for it; added as a required string",
            ]
        );
    }

    #[test]
    fn unexploded_query_arrays_and_array_headers_become_comma_lists() {
        let yaml = format!(
            "{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      parameters:\n        - {{name: fields, in: query, explode: false, schema: {{type: array, items: {{type: string}}}}}}\n        - {{name: tags, in: query, schema: {{type: array, items: {{type: string}}}}}}\n        - {{name: X-Ids, in: header, schema: {{type: array, items: {{type: integer}}}}}}\n      responses: {{'200': {{description: ok}}}}\n"
        );
        let (document, _) = lowered_through("comma_separated_lists", &yaml);
        let parameters = document.pointer("/paths/~1a/get/parameters").unwrap();
        assert_eq!(
            parameters[0]["schema"]["$ref"],
            "#/components/schemas/CommaSeparatedList"
        );
        assert_eq!(parameters[0]["x-comma-separated"], true);
        assert_eq!(
            parameters[1]["schema"]["type"], "array",
            "exploded arrays stay"
        );
        assert_eq!(parameters[2]["x-comma-separated"], true);
        assert_eq!(
            document["components"]["schemas"]["CommaSeparatedList"]["type"],
            "string"
        );
    }
}
