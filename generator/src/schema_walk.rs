//! Visits every schema of a document where OpenAPI puts one (components, parameters, bodies,
//! responses, headers) and every subschema inside it (properties, items, compositions, ...),
//! children before parents. The walk knows the structure, so a property named `$ref` or
//! `type` is a property, not a keyword; it stops descending past [`MAX_DEPTH`], so no document
//! can exhaust the stack; and it carries each schema's place as a [`Path`] that becomes a JSON
//! pointer only when a lowering has something to say about it.

use serde_json::Value;

use crate::error::escape_token;
use crate::walk::METHODS;

/// How deep schemas may nest before the walk stops descending.
pub const MAX_DEPTH: usize = 200;

/// Keywords whose value is one subschema.
const SINGLE: [&str; 11] = [
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
];

/// Keywords whose value is a list of subschemas.
const LISTS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];

/// Keywords whose value maps names to subschemas.
const MAPS: [&str; 5] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Where a node is: its key or index under its parent's place. Made on the stack as the walk
/// descends; [`Path::pointer`] renders it.
#[derive(Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    token: &'a str,
}

impl<'a> Path<'a> {
    /// The document itself.
    pub const ROOT: Path<'static> = Path {
        parent: None,
        token: "",
    };

    /// The place of `token` under this one.
    pub fn child(&'a self, token: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            token,
        }
    }

    /// The JSON pointer of this place.
    pub fn pointer(&self) -> String {
        let mut tokens = Vec::new();
        let mut current = Some(self);
        while let Some(path) = current {
            if path.parent.is_some() {
                tokens.push(path.token);
            }
            current = path.parent;
        }
        tokens
            .iter()
            .rev()
            .map(|token| format!("/{}", escape_token(token)))
            .collect()
    }
}

/// Calls `visit` on every schema of `document`, children first. `visit` may rewrite the schema
/// in place (its children have been visited already; schemas it adds are not visited).
pub fn for_each_schema_mut(document: &mut Value, visit: &mut dyn FnMut(&Path<'_>, &mut Value)) {
    let Value::Object(root) = document else {
        return;
    };
    for (key, value) in root.iter_mut() {
        let at = Path::ROOT.child(key);
        match key.as_str() {
            "paths" | "webhooks" => {
                if let Value::Object(items) = value {
                    for (path, item) in items.iter_mut() {
                        path_item(item, &at.child(path), visit);
                    }
                }
            }
            "components" => {
                let Value::Object(components) = value else {
                    continue;
                };
                for (kind, entries) in components.iter_mut() {
                    let Value::Object(entries) = entries else {
                        continue;
                    };
                    let kind_at = at.child(kind);
                    for (name, entry) in entries.iter_mut() {
                        let entry_at = kind_at.child(name);
                        match kind.as_str() {
                            "schemas" => walk(entry, &entry_at, 0, visit),
                            "parameters" | "headers" => parameter(entry, &entry_at, visit),
                            "requestBodies" => content_of(entry, &entry_at, visit),
                            "responses" => response(entry, &entry_at, visit),
                            "pathItems" => path_item(entry, &entry_at, visit),
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The pointer of every schema of `document`, children before their parents.
pub fn schema_pointers(document: &Value) -> Vec<String> {
    let mut pointers = Vec::new();
    let mut copy = document.clone();
    for_each_schema_mut(&mut copy, &mut |path, _| pointers.push(path.pointer()));
    pointers
}

/// Calls `visit` on `schema`'s subschemas, then on `schema`.
pub fn walk(
    schema: &mut Value,
    path: &Path<'_>,
    depth: usize,
    visit: &mut dyn FnMut(&Path<'_>, &mut Value),
) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Value::Object(object) = schema {
        for (key, child) in object.iter_mut() {
            let at = path.child(key);
            if SINGLE.contains(&key.as_str()) {
                if child.is_object() || child.is_boolean() {
                    walk(child, &at, depth + 1, visit);
                }
            } else if LISTS.contains(&key.as_str()) {
                if let Value::Array(items) = child {
                    for (index, item) in items.iter_mut().enumerate() {
                        let index = index.to_string();
                        walk(item, &at.child(&index), depth + 1, visit);
                    }
                }
            } else if MAPS.contains(&key.as_str())
                && let Value::Object(entries) = child
            {
                for (name, item) in entries.iter_mut() {
                    walk(item, &at.child(name), depth + 1, visit);
                }
            }
        }
    }
    visit(path, schema);
}

fn path_item(item: &mut Value, at: &Path<'_>, visit: &mut dyn FnMut(&Path<'_>, &mut Value)) {
    let Value::Object(item) = item else {
        return;
    };
    for (key, value) in item.iter_mut() {
        let at = at.child(key);
        if key == "parameters" {
            parameter_list(value, &at, visit);
        } else if METHODS.contains(&key.as_str()) {
            operation(value, &at, visit);
        }
    }
}

fn operation(operation: &mut Value, at: &Path<'_>, visit: &mut dyn FnMut(&Path<'_>, &mut Value)) {
    let Value::Object(operation) = operation else {
        return;
    };
    for (key, value) in operation.iter_mut() {
        let at = at.child(key);
        match key.as_str() {
            "parameters" => parameter_list(value, &at, visit),
            "requestBody" => content_of(value, &at, visit),
            "responses" => {
                if let Value::Object(responses) = value {
                    for (status, entry) in responses.iter_mut() {
                        response(entry, &at.child(status), visit);
                    }
                }
            }
            _ => {}
        }
    }
}

fn parameter_list(list: &mut Value, at: &Path<'_>, visit: &mut dyn FnMut(&Path<'_>, &mut Value)) {
    if let Value::Array(parameters) = list {
        for (index, entry) in parameters.iter_mut().enumerate() {
            let index = index.to_string();
            parameter(entry, &at.child(&index), visit);
        }
    }
}

fn parameter(parameter: &mut Value, at: &Path<'_>, visit: &mut dyn FnMut(&Path<'_>, &mut Value)) {
    let Value::Object(parameter) = parameter else {
        return;
    };
    for (key, value) in parameter.iter_mut() {
        match key.as_str() {
            "schema" => walk(value, &at.child(key), 0, visit),
            "content" => media(value, &at.child(key), visit),
            _ => {}
        }
    }
}

fn content_of(body: &mut Value, at: &Path<'_>, visit: &mut dyn FnMut(&Path<'_>, &mut Value)) {
    if let Some(content) = body.get_mut("content") {
        media(content, &at.child("content"), visit);
    }
}

fn response(response: &mut Value, at: &Path<'_>, visit: &mut dyn FnMut(&Path<'_>, &mut Value)) {
    let Value::Object(response) = response else {
        return;
    };
    for (key, value) in response.iter_mut() {
        let at = at.child(key);
        match key.as_str() {
            "content" => media(value, &at, visit),
            "headers" => {
                if let Value::Object(headers) = value {
                    for (name, header) in headers.iter_mut() {
                        parameter(header, &at.child(name), visit);
                    }
                }
            }
            _ => {}
        }
    }
}

fn media(content: &mut Value, at: &Path<'_>, visit: &mut dyn FnMut(&Path<'_>, &mut Value)) {
    if let Value::Object(content) = content {
        for (media_type, entry) in content.iter_mut() {
            if let Some(schema) = entry.get_mut("schema") {
                walk(schema, &at.child(media_type).child("schema"), 0, visit);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn visits_every_schema_children_first_and_properties_as_names() {
        let document = json!({
            "paths": {"/a": {"get": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}
            }}},
            "components": {"schemas": {"A": {
                "type": "object",
                "properties": {"$ref": {"type": "string"}, "items": {"type": "array", "items": {"type": "integer"}}}
            }}}
        });
        assert_eq!(
            super::schema_pointers(&document),
            [
                "/paths/~1a/get/parameters/0/schema",
                "/paths/~1a/get/responses/200/content/application~1json/schema",
                "/components/schemas/A/properties/$ref",
                "/components/schemas/A/properties/items/items",
                "/components/schemas/A/properties/items",
                "/components/schemas/A",
            ]
        );
    }
}
