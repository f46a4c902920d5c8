//! Walks a spec document: every mapping with its pointer, and local `$ref` resolution.

use serde_json::{Map, Value};

use crate::error::escape_token;

/// The HTTP methods a path item may hold, in the order OpenAPI lists them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Follows a local `$ref` (one hop at a time, until a non-reference), returning the target's
/// pointer and value; `None` if `value` is not a reference.
pub fn resolve<'d>(document: &'d Value, value: &'d Value) -> Option<(String, &'d Value)> {
    let mut current = value;
    let mut target = None;
    for _ in 0..32 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let pointer = reference.strip_prefix('#')?;
        current = document.pointer(pointer)?;
        target = Some(pointer.to_string());
    }
    target.map(|pointer| (pointer, current))
}

/// The schema a value refers to, through any chain of local `$ref`s.
pub fn resolved<'d>(document: &'d Value, value: &'d Value) -> &'d Value {
    resolve(document, value).map_or(value, |(_, target)| target)
}

/// Every mapping in the document with its pointer, in document order, leaving out examples
/// and vendor extensions (their contents are data, not spec).
pub fn mappings(document: &Value) -> Vec<(String, &Map<String, Value>)> {
    let mut found = Vec::new();
    collect_mappings(document, String::new(), &mut found);
    found
}

fn collect_mappings<'d>(
    value: &'d Value,
    pointer: String,
    found: &mut Vec<(String, &'d Map<String, Value>)>,
) {
    match value {
        Value::Object(object) => {
            found.push((pointer.clone(), object));
            for (key, child) in object {
                if matches!(key.as_str(), "example" | "examples") || key.starts_with("x-") {
                    continue;
                }
                collect_mappings(child, format!("{pointer}/{}", escape_token(key)), found);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_mappings(child, format!("{pointer}/{index}"), found);
            }
        }
        _ => {}
    }
}
