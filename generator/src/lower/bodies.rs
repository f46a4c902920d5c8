//! Lowerings of what operations send and receive: one request body of a kind progenitor sends
//! (JSON, form, binary, text), with the media type the spec names kept for the Content-Type
//! header; and names for the inline schemas of parameters, bodies and responses.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::{Context, add_component, operation_label, operations};
use crate::error::{Error, escape_token};
use crate::rust_names::type_name;

/// How a media type's body is sent or read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MediaKind {
    /// JSON, by any of its names (`application/json`, `*/*`, `application/hal+json`, ...).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/*`.
    Multipart,
    /// Bytes: `application/octet-stream` and every other non-text type.
    Binary,
    /// Text: `text/*`, XML.
    Text,
}

/// The kind of a media type (parameters such as `; charset=utf-8` ignored).
pub fn media_kind(media_type: &str) -> MediaKind {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "*/*" | "application/*" | "application/json" | "text/json" => MediaKind::Json,
        "application/x-www-form-urlencoded" => MediaKind::Form,
        _ if essence.ends_with("+json") || essence.ends_with("/json") => MediaKind::Json,
        _ if essence.starts_with("multipart/") => MediaKind::Multipart,
        _ if essence.starts_with("text/")
            || essence.ends_with("/xml")
            || essence.ends_with("+xml") =>
        {
            MediaKind::Text
        }
        _ => MediaKind::Binary,
    }
}

/// Picks one request media type per operation and rewrites it to one progenitor sends.
pub fn request_bodies(context: &mut Context<'_>) -> Result<(), Error> {
    for (pointer, _, _) in operations(&context.document) {
        let Some(body) = context
            .document
            .pointer(&format!("{pointer}/requestBody"))
            .cloned()
        else {
            continue;
        };
        let label = operation_label(&context.document, &pointer);
        let label = label.as_deref();
        let at = body
            .get("x-pointer")
            .and_then(Value::as_str)
            .map_or_else(|| format!("{pointer}/requestBody"), str::to_string);
        let content = body
            .get("content")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let Some((media, entry)) = content
            .iter()
            .min_by_key(|(media, _)| media_kind(media))
            .map(|(m, e)| (m.clone(), e.clone()))
        else {
            context.note(
                &at,
                label,
                "the request body lists no media type; the operation sends none",
            );
            if let Some(operation) = super::operation_mut(&mut context.document, &pointer) {
                operation.remove("requestBody");
            }
            continue;
        };
        let kind = media_kind(&media);
        if content.len() > 1 {
            let others: Vec<&str> = content
                .keys()
                .filter(|m| **m != media)
                .map(String::as_str)
                .collect();
            context.note(
                &at,
                label,
                format!("the request body is sent as {media}; its other media types ({}) are not offered", others.join(", ")),
            );
        }
        let media_at = format!("{at}/content/{}", escape_token(&media));
        let schema = entry.get("schema").cloned();
        let (progenitor_media, schema) = match kind {
            MediaKind::Json => ("application/json", schema.unwrap_or(json!({}))),
            MediaKind::Form => (
                "application/x-www-form-urlencoded",
                schema.unwrap_or(json!({ "type": "object" })),
            ),
            MediaKind::Multipart => {
                context.drop_operation(
                    &pointer,
                    &format!("its request body is {media}, which the clients do not send yet"),
                );
                continue;
            }
            MediaKind::Binary => (
                "application/octet-stream",
                json!({ "type": "string", "format": "binary" }),
            ),
            MediaKind::Text => {
                let native = matches!(media.as_str(), "text/plain" | "text/x-markdown");
                (
                    if native { media.as_str() } else { "text/plain" },
                    json!({ "type": "string" }),
                )
            }
        };
        if entry
            .get("encoding")
            .and_then(Value::as_object)
            .is_some_and(|e| !e.is_empty())
        {
            context.note(
                &media_at,
                label,
                "the request body's `encoding` is not applied; each field is sent in the form's default encoding",
            );
        }
        if kind == MediaKind::Text && !matches!(media.as_str(), "text/plain" | "text/x-markdown") {
            context.note(
                &media_at,
                label,
                format!("the {media} request body is a string: pass the encoded text"),
            );
        }
        let mut rewritten = body.clone();
        rewritten["content"] = json!({ progenitor_media: { "schema": schema } });
        let essence = media.split(';').next().unwrap_or_default().trim();
        if essence != progenitor_media && essence != "*/*" {
            rewritten["x-content-type"] = json!(media);
        }
        if let Some(operation) = super::operation_mut(&mut context.document, &pointer) {
            operation.insert("requestBody".into(), rewritten);
        }
    }
    Ok(())
}

/// Whether typify would make a named type of `schema` (an object with properties, an enum, a
/// composition, a constrained string); arrays and maps are named through their items.
pub fn needs_name(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return false;
    };
    if object.contains_key("$ref") {
        return false;
    }
    if object.contains_key("enum")
        || ["allOf", "oneOf", "anyOf", "not"]
            .iter()
            .any(|k| object.contains_key(*k))
    {
        return true;
    }
    if object
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
    {
        return true;
    }
    object.get("type").and_then(Value::as_str) == Some("string")
        && ["pattern", "minLength", "maxLength"]
            .iter()
            .any(|k| object.contains_key(*k))
}

/// Moves `schema` into the components under a free name close to `wanted`, leaving a
/// reference; for an array or map, its items or values.
fn name_schema(
    document: &mut Value,
    taken: &mut BTreeSet<String>,
    schema: &mut Value,
    wanted: &str,
) {
    if needs_name(schema) {
        let name = add_component(document, taken, wanted, schema.take());
        *schema = json!({ "$ref": format!("#/components/schemas/{}", escape_token(&name)) });
    } else if schema.get("type").and_then(Value::as_str) == Some("array") {
        if let Some(items) = schema.get_mut("items") {
            name_schema(document, taken, items, &format!("{wanted}Item"));
        }
    } else if let Some(values) = schema
        .get_mut("additionalProperties")
        .filter(|v| v.is_object())
    {
        name_schema(document, taken, values, &format!("{wanted}Value"));
    }
}

/// Gives the inline schemas of each operation's parameters, body and responses component
/// names: `{Operation}{Parameter}`, `{Operation}Body`, `{Operation}Response` (with the status
/// when an operation answers with several).
pub fn name_operation_schemas(context: &mut Context<'_>) -> Result<(), Error> {
    let mut taken = super::taken_type_names(&context.document);
    for (pointer, _, _) in operations(&context.document) {
        // The operation is taken out while its schemas move into the components, and put back.
        let Some(operation) = context.document.pointer_mut(&pointer).map(Value::take) else {
            continue;
        };
        let base = type_name(operation["operationId"].as_str().unwrap_or_default());
        let mut operation = operation;
        if let Some(Value::Array(parameters)) = operation.get_mut("parameters") {
            for parameter in parameters.iter_mut() {
                let name = type_name(parameter["name"].as_str().unwrap_or_default());
                if let Some(schema) = parameter.get_mut("schema") {
                    name_schema(
                        &mut context.document,
                        &mut taken,
                        schema,
                        &format!("{base}{name}"),
                    );
                }
            }
        }
        if let Some(Value::Object(content)) = operation.pointer_mut("/requestBody/content") {
            for entry in content.values_mut() {
                if let Some(schema) = entry.get_mut("schema") {
                    name_schema(
                        &mut context.document,
                        &mut taken,
                        schema,
                        &format!("{base}Body"),
                    );
                }
            }
        }
        let response_schemas: Vec<Value> = operation["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(_, r)| r["content"].as_object().into_iter().flatten())
            .filter(|(media, _)| media_kind(media) == MediaKind::Json)
            .filter_map(|(_, e)| e.get("schema").cloned())
            .filter(|schema| schema.get("$ref").is_none())
            .collect();
        let distinct = response_schemas
            .iter()
            .enumerate()
            .filter(|(i, s)| !response_schemas[..*i].contains(s))
            .count();
        let mut named: Vec<(Value, Value)> = Vec::new();
        if let Some(Value::Object(responses)) = operation.get_mut("responses") {
            for (status, response) in responses.iter_mut() {
                let Some(Value::Object(content)) = response.get_mut("content") else {
                    continue;
                };
                for (media, entry) in content.iter_mut() {
                    if media_kind(media) != MediaKind::Json {
                        continue;
                    }
                    let Some(schema) = entry.get_mut("schema") else {
                        continue;
                    };
                    if let Some((_, reference)) =
                        named.iter().find(|(original, _)| original == schema)
                    {
                        *schema = reference.clone();
                        continue;
                    }
                    let original = schema.clone();
                    let wanted = if distinct > 1 {
                        let status = if status == "default" {
                            "Default"
                        } else {
                            status
                        };
                        format!("{base}Response{status}")
                    } else {
                        format!("{base}Response")
                    };
                    name_schema(&mut context.document, &mut taken, schema, &wanted);
                    named.push((original, schema.clone()));
                }
            }
        }
        if let Some(node) = context.document.pointer_mut(&pointer) {
            *node = operation;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{HEAD, lowered_through, messages};
    use super::{MediaKind, media_kind};
    use serde_json::json;

    #[test]
    fn media_kinds() {
        for (media, kind) in [
            ("application/json", MediaKind::Json),
            ("application/hal+json; charset=utf-8", MediaKind::Json),
            ("*/*", MediaKind::Json),
            ("application/x-www-form-urlencoded", MediaKind::Form),
            ("multipart/form-data", MediaKind::Multipart),
            ("application/octet-stream", MediaKind::Binary),
            ("image/png", MediaKind::Binary),
            ("text/csv", MediaKind::Text),
            ("application/xml", MediaKind::Text),
        ] {
            assert_eq!(media_kind(media), kind, "{media}");
        }
    }

    #[test]
    fn one_body_of_a_kind_progenitor_sends() {
        let yaml = format!(
            "{HEAD}paths:\n  /a:\n    post:\n      operationId: a\n      requestBody:\n        content:\n          application/merge-patch+json: {{schema: {{type: object}}}}\n          text/plain: {{schema: {{type: string}}}}\n      responses: {{'200': {{description: ok}}}}\n  /b:\n    post:\n      operationId: b\n      requestBody:\n        content: {{application/zip: {{}}}}\n      responses: {{'200': {{description: ok}}}}\n  /c:\n    post:\n      operationId: c\n      requestBody:\n        content: {{multipart/form-data: {{schema: {{type: object}}}}}}\n      responses: {{'200': {{description: ok}}}}\n"
        );
        let (document, notes) = lowered_through("request_bodies", &yaml);
        let a = document.pointer("/paths/~1a/post/requestBody").unwrap();
        assert_eq!(
            a["content"],
            json!({"application/json": {"schema": {"type": "object"}}})
        );
        assert_eq!(a["x-content-type"], "application/merge-patch+json");
        let b = document.pointer("/paths/~1b/post/requestBody").unwrap();
        assert_eq!(
            b["content"]["application/octet-stream"]["schema"]["format"],
            "binary"
        );
        assert_eq!(b["x-content-type"], "application/zip");
        assert!(document.pointer("/paths/~1c/post").is_none());
        assert_eq!(
            messages(&notes),
            [
                "the request body is sent as application/merge-patch+json; its other media types (text/plain) are not offered",
                "operation dropped: its request body is multipart/form-data, which the clients do not send yet",
            ]
        );
    }

    #[test]
    fn inline_operation_schemas_get_free_names() {
        let yaml = format!(
            "{HEAD}paths:\n  /jobs:\n    get:\n      operationId: getJobs\n      parameters:\n        - {{name: state, in: query, schema: {{type: string, enum: [a, b]}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: array, items: {{type: object, properties: {{id: {{type: string}}}}}}}}\n        '404':\n          description: nf\n          content: {{application/json: {{schema: {{type: object, properties: {{m: {{type: string}}}}}}}}}}\ncomponents:\n  schemas:\n    GetJobsResponse200Item: {{type: string}}\n"
        );
        let (document, _) = lowered_through("name_operation_schemas", &yaml);
        let operation = document.pointer("/paths/~1jobs/get").unwrap();
        assert_eq!(
            operation["parameters"][0]["schema"]["$ref"],
            "#/components/schemas/GetJobsState"
        );
        assert_eq!(
            operation["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"],
            "#/components/schemas/GetJobsResponse200Item2"
        );
        assert_eq!(
            operation["responses"]["404"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/GetJobsResponse404"
        );
    }
}
