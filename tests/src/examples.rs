//! Finds every example in a spec and validates it against its schema with the `jsonschema` crate.
//!
//! OpenAPI 3.0 schema objects are a dialect of early JSON Schema (plus keywords such as
//! `example` that a validator ignores), so the spec document itself serves as the schema
//! resource: the validator starts at a `$ref` to the schema that governs the example and
//! resolves every other `$ref` inside the same document.
//!
//! The validator runs as draft 2020-12: the keywords our specs use (`type`, `properties`,
//! `required`, `items`, `additionalProperties`, `enum`, `minimum`, `maximum`, `format`) mean
//! the same there as in OpenAPI 3.0, and 2020-12 is the draft whose format vocabulary knows
//! `uuid` as well as `date-time`. A spec keyword whose meaning differs between the two
//! (`nullable`, boolean `exclusiveMinimum`) is refused rather than misread.

use serde_json::{Map, Value};

/// One example found in a spec.
#[derive(Debug, Clone)]
pub struct Example {
    /// JSON pointer of the example value in the spec.
    pub pointer: String,
    /// JSON pointer of the schema the example must satisfy.
    pub schema_pointer: String,
    /// The example itself.
    pub value: Value,
    /// For an example kept as the page printed it (`x-printed-example`), the deviations that correct it.
    pub printed_for: Option<Vec<String>>,
}

/// Every example in the spec, in document order: `example`, each `examples.*.value`, and each
/// `x-printed-example.value` (the page's own example where a deviation corrected it).
pub fn collect(spec: &Value) -> Vec<Example> {
    let mut found = Vec::new();
    walk(spec, "", false, &mut found);
    found
}

fn walk(value: &Value, pointer: &str, is_name_map: bool, found: &mut Vec<Example>) {
    match value {
        Value::Object(object) => {
            if !is_name_map {
                collect_here(object, pointer, found);
            }
            for (key, child) in object {
                if matches!(key.as_str(), "example" | "examples" | "x-printed-example")
                    && !is_name_map
                {
                    continue;
                }
                let child_is_name_map = !is_name_map && key == "properties";
                walk(
                    child,
                    &format!("{pointer}/{}", escape(key)),
                    child_is_name_map,
                    found,
                );
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                walk(child, &format!("{pointer}/{index}"), false, found);
            }
        }
        _ => {}
    }
}

/// Examples attached to this object. An object with a `schema` member (media type, parameter,
/// header) is validated against that schema; any other object carrying `example` is a schema.
fn collect_here(object: &Map<String, Value>, pointer: &str, found: &mut Vec<Example>) {
    let schema_pointer = if object.contains_key("schema") {
        format!("{pointer}/schema")
    } else {
        pointer.to_string()
    };
    let mut push = |at: String, value: &Value, printed_for: Option<Vec<String>>| {
        found.push(Example {
            pointer: at,
            schema_pointer: schema_pointer.clone(),
            value: value.clone(),
            printed_for,
        });
    };
    if let Some(example) = object.get("example") {
        push(format!("{pointer}/example"), example, None);
    }
    if let Some(Value::Object(named)) = object.get("examples") {
        for (name, entry) in named {
            if let Some(value) = entry.get("value") {
                push(
                    format!("{pointer}/examples/{}/value", escape(name)),
                    value,
                    None,
                );
            }
        }
    }
    if let Some(printed) = object.get("x-printed-example") {
        let deviations = printed
            .get("deviations")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let value = printed.get("value").cloned().unwrap_or(Value::Null);
        push(
            format!("{pointer}/x-printed-example/value"),
            &value,
            Some(deviations),
        );
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Validates `example` against its schema and returns the validator's messages, empty when valid.
///
/// Validation is stricter than the spec in one way: an object schema that lists `properties`
/// and says nothing about `additionalProperties` is closed, so an example that misspells or
/// invents a field fails instead of passing unnoticed.
pub fn validate(spec: &Value, example: &Example) -> Vec<String> {
    let mut document = spec.clone();
    close_objects(&mut document, false);
    let root = document.as_object_mut().expect("a spec is a mapping");
    root.insert(
        "$ref".into(),
        Value::String(format!("#{}", fragment(&example.schema_pointer))),
    );
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&document)
        .unwrap_or_else(|e| panic!("schema at {} does not compile: {e}", example.schema_pointer));
    validator
        .iter_errors(&example.value)
        .map(|error| {
            let at = error.instance_path().to_string();
            let at = if at.is_empty() { "/".to_string() } else { at };
            format!("{at}: {error}")
        })
        .collect()
}

/// A JSON pointer as a URI fragment: characters a fragment may not hold are percent-encoded.
fn fragment(pointer: &str) -> String {
    let mut encoded = String::with_capacity(pointer.len());
    for byte in pointer.bytes() {
        let allowed = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&byte);
        if allowed {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

fn close_objects(value: &mut Value, is_name_map: bool) {
    match value {
        Value::Object(object) => {
            if !is_name_map && let Some(nullable) = object.remove("nullable") {
                // OpenAPI 3.0's `nullable: true` is JSON Schema's `null` as a second type.
                match (nullable, object.get_mut("type")) {
                    (Value::Bool(false), _) => {}
                    (Value::Bool(true), Some(Value::String(kind))) => {
                        let kind = kind.clone();
                        object.insert("type".into(), serde_json::json!([kind, "null"]));
                        if let Some(Value::Array(values)) = object.get_mut("enum") {
                            values.push(Value::Null);
                        }
                    }
                    _ => panic!(
                        "`nullable` without a single `type`; teach the example check about it"
                    ),
                }
            }
            if !is_name_map {
                for keyword in ["exclusiveMinimum", "exclusiveMaximum"] {
                    assert!(
                        !object.contains_key(keyword),
                        "`{keyword}` differs between OpenAPI 3.0 and JSON Schema 2020-12; teach the example check about it"
                    );
                }
            }
            if !is_name_map
                && object.contains_key("properties")
                && !object.contains_key("additionalProperties")
            {
                object.insert("additionalProperties".into(), Value::Bool(false));
            }
            for (key, child) in object.iter_mut() {
                if !is_name_map
                    && matches!(key.as_str(), "example" | "examples" | "x-printed-example")
                {
                    continue;
                }
                close_objects(child, !is_name_map && key == "properties");
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| close_objects(item, false)),
        _ => {}
    }
}
