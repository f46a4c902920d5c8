//! Walks a spec document: its operations with their pointers, and local `$ref` resolution.

use serde_json::{Map, Value};

use crate::error::escape_token;

/// The HTTP methods a path item may hold, in the order OpenAPI lists them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of a spec.
pub struct Operation<'a> {
    /// The path template, for example `/cluster/jobs`.
    pub path: &'a str,
    /// The lowercase HTTP method.
    pub method: &'a str,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// The operation object.
    pub object: &'a Map<String, Value>,
    /// Parameters declared on the path item, shared by its operations.
    pub path_parameters: &'a [Value],
}

impl Operation<'_> {
    /// The `operationId`, if the operation has a usable one.
    pub fn id(&self) -> Option<&str> {
        self.object.get("operationId").and_then(Value::as_str)
    }

    /// Every parameter of the operation (path-item ones first) with its pointer, `$ref`s resolved.
    pub fn parameters<'d>(&'d self, document: &'d Value) -> Vec<(String, &'d Value)> {
        let path_item = self
            .pointer
            .rsplit_once('/')
            .map(|(parent, _)| parent)
            .unwrap_or_default();
        let shared = self
            .path_parameters
            .iter()
            .enumerate()
            .map(move |(index, p)| (format!("{path_item}/parameters/{index}"), p));
        let own = self
            .object
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(index, p)| (format!("{}/parameters/{index}", self.pointer), p));
        shared
            .chain(own)
            .map(|(pointer, parameter)| match resolve(document, parameter) {
                Some((target, resolved)) => (target, resolved),
                None => (pointer, parameter),
            })
            .collect()
    }
}

/// Every operation in document order.
pub fn operations(document: &Value) -> Vec<Operation<'_>> {
    let mut found = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        let path_parameters = item
            .get("parameters")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for method in METHODS {
            if let Some(Value::Object(object)) = item.get(method) {
                found.push(Operation {
                    path,
                    method,
                    pointer: format!("/paths/{}/{method}", escape_token(path)),
                    object,
                    path_parameters,
                });
            }
        }
    }
    found
}

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
