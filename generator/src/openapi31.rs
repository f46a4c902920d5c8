//! Lowers an OpenAPI 3.1 (or 3.2) document to 3.0.3 in memory: JSON Schema 2020-12 keywords
//! become their 3.0 forms where one exists (type arrays with `null`, `const`, `examples`,
//! numeric `exclusiveMinimum`, boolean schemas, `$ref` with siblings), and what a client
//! cannot use is dropped with a located note (webhooks, `propertyNames`, `if`/`then`/`else`).
//! Nothing is discarded silently: `openapiv3` would drop several of these without a word, so
//! this reads the raw document.

use serde_json::{Map, Value, json};

use crate::error::{Error, Note};
use crate::load::LoadedSpec;
use crate::schema_walk;

/// Schema keywords with no 3.0 form and no effect on what a client sends or decodes.
const VALIDATION_ONLY: [&str; 12] = [
    "propertyNames",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
    "$defs",
    "$anchor",
];

/// Keywords that only annotate a schema; beside a `$ref` they cannot change what it decodes.
const ANNOTATIONS: [&str; 9] = [
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
];

/// The 3.0.3 form of a 3.1 document.
pub fn lower(spec: &LoadedSpec, notes: &mut Vec<Note>) -> Result<Value, Error> {
    let mut document = spec.document.clone();
    let Some(root) = document.as_object_mut() else {
        return Err(spec.error_at("", None, "a spec must be a mapping"));
    };
    root.insert("openapi".into(), json!("3.0.3"));
    for (key, what) in [
        (
            "webhooks",
            "webhooks are requests the API sends, not calls a client makes; dropped",
        ),
        (
            "jsonSchemaDialect",
            "`jsonSchemaDialect` has no 3.0 form; schemas are read as OpenAPI's dialect",
        ),
    ] {
        if root.remove(key).is_some() {
            notes.push(spec.note_at(&format!("/{key}"), None, what));
        }
    }
    if !root.contains_key("paths") {
        root.insert("paths".into(), json!({}));
    }
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        if info.remove("summary").is_some() {
            notes.push(spec.note_at(
                "/info/summary",
                None,
                "`info.summary` has no 3.0 form; dropped (the description is kept)",
            ));
        }
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut)
            && let Some(identifier) = license.remove("identifier")
        {
            notes.push(spec.note_at(
                "/info/license/identifier",
                None,
                format!("`license.identifier` {identifier} has no 3.0 form; dropped"),
            ));
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut)
        && components.remove("pathItems").is_some()
    {
        notes.push(spec.note_at(
            "/components/pathItems",
            None,
            "`components.pathItems` has no 3.0 form; path items that refer to them are dropped",
        ));
    }
    schema_walk::for_each_schema_mut(&mut document, &mut |path, schema| {
        lower_schema(spec, path, schema, notes);
    });
    Ok(document)
}

/// Rewrites one schema (its subschemas are already lowered).
fn lower_schema(
    spec: &LoadedSpec,
    path: &schema_walk::Path<'_>,
    schema: &mut Value,
    notes: &mut Vec<Note>,
) {
    let mut note = |message: String| notes.push(spec.note_at(&path.pointer(), None, message));
    match schema {
        Value::Bool(true) => {
            *schema = json!({});
            return;
        }
        Value::Bool(false) => {
            // Nothing matches `false`: where it is a property, the property can never be sent.
            *schema = json!({ "not": {} });
            return;
        }
        _ => {}
    }
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    for keyword in VALIDATION_ONLY {
        if object.remove(keyword).is_some() {
            note(format!(
                "`{keyword}` only validates and has no 3.0 form; dropped"
            ));
        }
    }
    if let Some(value) = object.remove("const") {
        object.insert("enum".into(), json!([value]));
    }
    if let Some(Value::Array(examples)) = object.remove("examples")
        && let Some(first) = examples.into_iter().next()
        && !object.contains_key("example")
    {
        object.insert("example".into(), first);
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(limit @ Value::Number(_)) = object.get(exclusive).cloned() {
            object.insert(bound.into(), limit);
            object.insert(exclusive.into(), Value::Bool(true));
        }
    }
    match object.remove("contentEncoding") {
        Some(Value::String(encoding)) if matches!(encoding.as_str(), "base64" | "base64url") => {
            object.entry("format").or_insert(json!("byte"));
        }
        Some(other) => note(format!(
            "`contentEncoding` {other} has no 3.0 form; the value is kept as text"
        )),
        None => {}
    }
    if object.remove("contentMediaType").is_some() {
        note("`contentMediaType` has no 3.0 form; the value is kept as text".into());
    }
    if let Some(unevaluated) = object.remove("unevaluatedProperties") {
        if object.contains_key("additionalProperties") {
            note(
                "`unevaluatedProperties` beside `additionalProperties` has no 3.0 form; dropped"
                    .into(),
            );
        } else {
            object.insert("additionalProperties".into(), unevaluated);
        }
    }
    if let Some(prefix) = object.remove("prefixItems") {
        let items = object.remove("items");
        let members = prefix.as_array().cloned().unwrap_or_default();
        let same = members.windows(2).all(|pair| pair[0] == pair[1]);
        let item = match (members.first(), same, items) {
            (Some(first), true, None | Some(Value::Object(_))) if members.len() == 1 => {
                first.clone()
            }
            (Some(first), true, Some(Value::Object(rest)))
                if Value::Object(rest.clone()) == *first =>
            {
                first.clone()
            }
            (Some(first), true, None) => first.clone(),
            _ => json!({}),
        };
        note("`prefixItems` (a tuple) has no 3.0 form; the items are read as a list".into());
        object.insert("items".into(), item);
    }
    type_array(object, &mut note);
    null_members(object);
    ref_with_siblings(object, &mut note);
}

/// `type: [T, "null"]` is `type: T` with `nullable`; several types become an `anyOf`.
fn type_array(object: &mut Map<String, Value>, note: &mut impl FnMut(String)) {
    let Some(Value::Array(types)) = object.get("type").cloned() else {
        return;
    };
    let nullable = types.iter().any(|t| t == "null");
    let others: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
    match others.as_slice() {
        [] => {
            object.remove("type");
        }
        [one] => {
            object.insert("type".into(), one.clone());
        }
        several => {
            object.remove("type");
            let members: Vec<Value> = several.iter().map(|t| json!({ "type": t })).collect();
            note(format!(
                "a value of several types ({}) is read as any of them",
                several
                    .iter()
                    .map(|t| t.as_str().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            object.insert("anyOf".into(), Value::Array(members));
        }
    }
    if nullable {
        object.insert("nullable".into(), Value::Bool(true));
    }
}

/// A `{type: "null"}` member of `oneOf`/`anyOf` becomes progenitor's spelling of null, which
/// typify reads as `Option` of the other member.
fn null_members(object: &mut Map<String, Value>) {
    for keyword in ["oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = object.get_mut(keyword) {
            for member in members.iter_mut() {
                if member.get("type") == Some(&json!("null"))
                    || (member.get("nullable") == Some(&Value::Bool(true))
                        && member.as_object().is_some_and(|m| m.len() == 1))
                {
                    *member = json!({ "enum": [null] });
                }
            }
        }
    }
}

/// In 3.1 the keywords beside a `$ref` apply; in 3.0 they are ignored. Annotations go (with a
/// note); anything that changes the value wraps the reference in an `allOf`.
fn ref_with_siblings(object: &mut Map<String, Value>, note: &mut impl FnMut(String)) {
    let Some(reference) = object.get("$ref").cloned() else {
        return;
    };
    if object.len() == 1 {
        return;
    }
    let (annotations, constraints): (Vec<String>, Vec<String>) = object
        .keys()
        .filter(|k| *k != "$ref" && !k.starts_with("x-"))
        .cloned()
        .partition(|k| ANNOTATIONS.contains(&k.as_str()));
    if !constraints.is_empty() {
        object.remove("$ref");
        let mut all_of = vec![json!({ "$ref": reference })];
        if let Some(Value::Array(existing)) = object.remove("allOf") {
            all_of.extend(existing);
        }
        object.insert("allOf".into(), Value::Array(all_of));
    } else if !annotations.is_empty() {
        for key in &annotations {
            object.remove(key);
        }
        note(format!(
            "{} beside `$ref` only annotate; dropped, as 3.0 ignores them",
            annotations
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::load::load;
    use serde_json::json;

    #[test]
    fn lowers_schema_keywords_and_notes_what_it_drops() {
        let yaml = r##"
openapi: 3.1.0
info: {title: t, version: "1", summary: s, license: {name: MIT, identifier: MIT}}
webhooks: {newJob: {}}
paths: {}
components:
  schemas:
    A:
      type: object
      properties:
        name: {type: [string, "null"]}
        kind: {const: job}
        size: {type: integer, exclusiveMinimum: 0, examples: [5]}
        either: {type: [string, integer]}
        maybe: {oneOf: [{$ref: "#/components/schemas/B"}, {type: "null"}]}
        keys: {type: object, propertyNames: {pattern: "^a"}}
        never: false
        ref: {$ref: "#/components/schemas/B", description: d}
        tuple: {type: array, prefixItems: [{type: string}, {type: string}]}
    B: {type: object}
"##;
        let (spec, mut notes) = load("t.yaml", yaml).unwrap();
        spec.locate_notes(&mut notes);
        let a = &spec.document["components"]["schemas"]["A"]["properties"];
        assert_eq!(a["name"], json!({"type": "string", "nullable": true}));
        assert_eq!(a["kind"], json!({"enum": ["job"]}));
        assert_eq!(
            a["size"],
            json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0, "example": 5})
        );
        assert_eq!(
            a["either"]["anyOf"],
            json!([{"type": "string"}, {"type": "integer"}])
        );
        assert_eq!(a["never"], json!({"not": {}}));
        assert_eq!(a["ref"], json!({"$ref": "#/components/schemas/B"}));
        assert_eq!(a["tuple"]["items"], json!({"type": "string"}));
        assert_eq!(spec.document["openapi"], "3.0.3");
        assert!(spec.document.get("webhooks").is_none());
        let messages: Vec<String> = notes.iter().map(ToString::to_string).collect();
        for expected in [
            "t.yaml:4:1: note: webhooks are requests",
            "t.yaml:3:32: note: `info.summary` has no 3.0 form",
            "note: `license.identifier` \"MIT\" has no 3.0 form",
            "note: `propertyNames` only validates",
            "note: a value of several types (string, integer) is read as any of them",
            "note: `description` beside `$ref` only annotate",
            "note: `prefixItems` (a tuple) has no 3.0 form",
        ] {
            assert!(
                messages.iter().any(|m| m.contains(expected)),
                "no note containing {expected:?} in {messages:#?}"
            );
        }
    }
}
