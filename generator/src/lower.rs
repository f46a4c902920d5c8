//! Lowerings: named rewrites that turn a faithful spec into one progenitor accepts, applied to an
//! in-memory copy (the spec files stay faithful). Each says in one line why it exists.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::error::{Error, escape_token};
use crate::load::LoadedSpec;
use crate::rust_names::type_name;
use crate::walk;

/// One rewrite of the document.
pub struct Lowering {
    /// The function's name, as tests and docs refer to it.
    pub name: &'static str,
    /// Why it exists, in one line.
    pub reason: &'static str,
    /// The rewrite; it may refuse a document it cannot rewrite, with a located error.
    pub apply: fn(&LoadedSpec, &mut Value) -> Result<(), Error>,
}

/// Every lowering, in the order they run.
pub const LOWERINGS: [Lowering; 7] = [
    Lowering {
        name: "rename_colliding_schemas",
        reason: "schemas named like progenitor's own items (Error, Client, ...) or like each other break the generated crate",
        apply: rename_colliding_schemas,
    },
    Lowering {
        name: "json_for_any_request_body",
        reason: "progenitor refuses `*/*` request bodies; the clients send JSON",
        apply: json_for_any_request_body,
    },
    Lowering {
        name: "cookie_parameters_to_cookie_store",
        reason: "progenitor refuses cookie parameters; the client's cookie store sends cookies",
        apply: cookie_parameters_to_cookie_store,
    },
    Lowering {
        name: "comma_separated_query_arrays",
        reason: "progenitor ignores `explode: false` and repeats the parameter instead of joining it with commas",
        apply: comma_separated_query_arrays,
    },
    Lowering {
        name: "default_response_to_error_ranges",
        reason: "progenitor treats `default` as success and error at once and panics beside a typed 2xx",
        apply: default_response_to_error_ranges,
    },
    Lowering {
        name: "drop_bodiless_errors_beside_typed_ones",
        reason: "progenitor panics on a bodiless error status beside typed ones; it still arrives as an unexpected response with its status",
        apply: drop_bodiless_errors_beside_typed_ones,
    },
    Lowering {
        name: "merge_error_bodies",
        reason: "progenitor allows one error type per operation, so different error bodies become one superset",
        apply: merge_error_bodies,
    },
];

/// Applies every lowering to a copy of the spec's document.
pub fn lower(spec: &LoadedSpec) -> Result<Value, Error> {
    let mut document = spec.document.clone();
    for lowering in &LOWERINGS {
        (lowering.apply)(spec, &mut document)?;
    }
    Ok(document)
}

/// Names that the generated crate itself defines or glob-imports next to the types.
const RESERVED_TYPE_NAMES: [&str; 12] = [
    "Error",
    "Result",
    "Client",
    "ResponseValue",
    "ByteStream",
    "ClientInfo",
    "ClientHooks",
    "OperationInfo",
    "Option",
    "Vec",
    "String",
    "Box",
];

fn rename_colliding_schemas(_: &LoadedSpec, document: &mut Value) -> Result<(), Error> {
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(());
    };
    let mut taken: BTreeSet<String> = RESERVED_TYPE_NAMES.iter().map(|s| s.to_string()).collect();
    let mut renames = BTreeMap::new();
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in &names {
        let mut candidate = name.clone();
        let mut suffix = 1;
        while taken.contains(&type_name(&candidate)) {
            candidate = if suffix == 1 {
                format!("{name}Body")
            } else {
                format!("{name}Body{suffix}")
            };
            suffix += 1;
        }
        while names.contains(&candidate) && &candidate != name {
            candidate.push('_');
        }
        taken.insert(type_name(&candidate));
        if &candidate != name {
            renames.insert(name.clone(), candidate);
        }
    }
    if renames.is_empty() {
        return Ok(());
    }
    let schemas = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("checked above");
    let old = std::mem::take(schemas);
    for (name, schema) in old {
        let name = renames.get(&name).cloned().unwrap_or(name);
        schemas.insert(name, schema);
    }
    let targets = renames
        .into_iter()
        .map(|(from, to)| {
            (
                format!("#/components/schemas/{}", escape_token(&from)),
                format!("#/components/schemas/{}", escape_token(&to)),
            )
        })
        .collect::<BTreeMap<_, _>>();
    rewrite_refs(document, &targets);
    Ok(())
}

fn rewrite_refs(value: &mut Value, targets: &BTreeMap<String, String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get_mut("$ref")
                && let Some(to) = targets.get(reference.as_str())
            {
                *reference = to.clone();
            }
            object
                .values_mut()
                .for_each(|child| rewrite_refs(child, targets));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|child| rewrite_refs(child, targets)),
        _ => {}
    }
}

/// Every operation object of the document, mutably, with its pointer.
fn operations_mut(document: &mut Value) -> Vec<(String, &mut Map<String, Value>)> {
    let mut found = Vec::new();
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return found;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            if walk::METHODS.contains(&method.as_str())
                && let Some(operation) = operation.as_object_mut()
            {
                found.push((format!("/paths/{}/{method}", escape_token(path)), operation));
            }
        }
    }
    found
}

fn json_for_any_request_body(_: &LoadedSpec, document: &mut Value) -> Result<(), Error> {
    for (_, operation) in operations_mut(document) {
        let content = operation
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(Value::as_object_mut);
        if let Some(content) = content
            && let Some(media) = content.remove("*/*")
        {
            content.insert("application/json".into(), media);
        }
    }
    Ok(())
}

fn cookie_parameters_to_cookie_store(_: &LoadedSpec, document: &mut Value) -> Result<(), Error> {
    let snapshot = document.clone();
    for (_, operation) in operations_mut(document) {
        let Some(Value::Array(parameters)) = operation.get_mut("parameters") else {
            continue;
        };
        let mut cookies = Vec::new();
        parameters.retain(|parameter| {
            let resolved = walk::resolved(&snapshot, parameter);
            let is_cookie = resolved.get("in").and_then(Value::as_str) == Some("cookie");
            if is_cookie {
                cookies.push(resolved.get("name").cloned().unwrap_or(Value::Null));
            }
            !is_cookie
        });
        if !cookies.is_empty() {
            operation.insert("x-cookie-parameters".into(), Value::Array(cookies));
        }
    }
    Ok(())
}

/// The component schema that stands for a comma-separated list parameter; the generator maps
/// it to the runtime's `CommaSeparated` type.
pub const COMMA_SEPARATED_SCHEMA: &str = "CommaSeparatedList";

fn comma_separated_query_arrays(spec: &LoadedSpec, document: &mut Value) -> Result<(), Error> {
    let snapshot = document.clone();
    let mut lowered_any = false;
    let mut lower_one = |parameter: &mut Value| {
        let is_query = parameter.get("in").and_then(Value::as_str) == Some("query");
        let unexploded = parameter.get("explode") == Some(&Value::Bool(false));
        let Some(schema) = parameter.get("schema") else {
            return;
        };
        let schema = walk::resolved(&snapshot, schema);
        if is_query && unexploded && schema.get("type").and_then(Value::as_str) == Some("array") {
            parameter["schema"] =
                json!({ "$ref": format!("#/components/schemas/{COMMA_SEPARATED_SCHEMA}") });
            parameter["x-comma-separated"] = Value::Bool(true);
            let object = parameter.as_object_mut().expect("a parameter");
            object.remove("explode");
            object.remove("style");
            lowered_any = true;
        }
    };
    for (_, operation) in operations_mut(document) {
        if let Some(Value::Array(parameters)) = operation.get_mut("parameters") {
            parameters
                .iter_mut()
                .filter(|p| p.get("$ref").is_none())
                .for_each(&mut lower_one);
        }
    }
    if let Some(Value::Object(shared)) = document.pointer_mut("/components/parameters") {
        shared.values_mut().for_each(&mut lower_one);
    }
    if lowered_any {
        let schema =
            json!({ "type": "string", "description": "A list sent as one comma-separated value." });
        match document
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            Some(schemas) if schemas.contains_key(COMMA_SEPARATED_SCHEMA) => {
                return Err(spec.error_at(
                    &format!("/components/schemas/{COMMA_SEPARATED_SCHEMA}"),
                    None,
                    format!("schema name `{COMMA_SEPARATED_SCHEMA}` is reserved for comma-separated list parameters"),
                ));
            }
            Some(schemas) => {
                schemas.insert(COMMA_SEPARATED_SCHEMA.into(), schema);
            }
            None => document["components"]["schemas"] = json!({ COMMA_SEPARATED_SCHEMA: schema }),
        }
    }
    Ok(())
}

fn default_response_to_error_ranges(_: &LoadedSpec, document: &mut Value) -> Result<(), Error> {
    for (_, operation) in operations_mut(document) {
        let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let has_success = responses.keys().any(|status| status.starts_with('2'));
        if !has_success {
            continue;
        }
        let Some(default) = responses.remove("default") else {
            continue;
        };
        for range in ["4XX", "5XX"] {
            responses.entry(range).or_insert_with(|| default.clone());
        }
    }
    Ok(())
}

fn is_error_status(status: &str) -> bool {
    status.starts_with('4') || status.starts_with('5')
}

fn has_body(document: &Value, response: &Value) -> bool {
    walk::resolved(document, response)
        .get("content")
        .and_then(Value::as_object)
        .is_some_and(|c| !c.is_empty())
}

fn drop_bodiless_errors_beside_typed_ones(
    _: &LoadedSpec,
    document: &mut Value,
) -> Result<(), Error> {
    let snapshot = document.clone();
    for (_, operation) in operations_mut(document) {
        let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let typed = responses
            .iter()
            .any(|(status, r)| is_error_status(status) && has_body(&snapshot, r));
        if typed {
            responses.retain(|status, r| !is_error_status(status) || has_body(&snapshot, r));
        }
    }
    Ok(())
}

/// A schema without its annotations (descriptions, examples, titles, extensions), so two
/// fields that differ only in wording or example count as the same.
fn shape(schema: &Value) -> Value {
    match schema {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .filter(|(key, _)| {
                    !matches!(
                        key.as_str(),
                        "description" | "example" | "examples" | "title"
                    ) && !key.starts_with("x-")
                })
                .map(|(key, value)| (key.clone(), shape(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        other => other.clone(),
    }
}

fn merge_error_bodies(spec: &LoadedSpec, document: &mut Value) -> Result<(), Error> {
    let snapshot = document.clone();
    let mut new_schemas = Vec::new();
    for (pointer, operation) in operations_mut(document) {
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let mut bodies: Vec<(String, Value)> = Vec::new();
        for (status, response) in responses.iter() {
            if !is_error_status(status) {
                continue;
            }
            let schema =
                walk::resolved(&snapshot, response).pointer("/content/application~1json/schema");
            if let Some(schema) = schema
                && !bodies.iter().any(|(_, known)| known == schema)
            {
                bodies.push((status.clone(), schema.clone()));
            }
        }
        if bodies.len() < 2 {
            continue;
        }
        let name = format!("{}Error", type_name(&id));
        let statuses = bodies
            .iter()
            .map(|(status, _)| status.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let mut properties = Map::new();
        let mut required: Option<BTreeSet<String>> = None;
        for (status, schema) in &bodies {
            let at = format!("{pointer}/responses/{status}");
            let object = walk::resolved(&snapshot, schema);
            let Some(fields) = object.get("properties").and_then(Value::as_object) else {
                return Err(spec.error_at(&at, Some(&id), format!("cannot merge the error bodies ({statuses}): the {status} body is not an object with properties")));
            };
            for (field, field_schema) in fields {
                match properties.get(field) {
                    Some(known) if shape(known) != shape(field_schema) => {
                        return Err(spec.error_at(&at, Some(&id), format!("cannot merge the error bodies ({statuses}): field `{field}` has different schemas")));
                    }
                    _ => {
                        properties.insert(field.clone(), field_schema.clone());
                    }
                }
            }
            let this_required = object
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect::<BTreeSet<_>>();
            required = Some(match required {
                None => this_required,
                Some(so_far) => so_far.intersection(&this_required).cloned().collect(),
            });
        }
        let annotation = |key: &str| {
            bodies
                .iter()
                .find_map(|(_, schema)| walk::resolved(&snapshot, schema).get(key).cloned())
        };
        let (code, message) = (annotation("x-error-code"), annotation("x-error-message"));
        let mut merged = json!({
            "type": "object",
            "description": format!("Any error body of `{id}` (statuses {statuses}): every field of each, so one type decodes them all."),
            "properties": properties,
        });
        let required = required.unwrap_or_default();
        if !required.is_empty() {
            merged["required"] = json!(required);
        }
        // The fields that display an error carry over from the bodies that name them.
        if let Some(code) = code {
            merged["x-error-code"] = code;
        }
        if let Some(message) = message {
            merged["x-error-message"] = message;
        }
        let reference = json!({ "$ref": format!("#/components/schemas/{}", escape_token(&name)) });
        for (status, response) in responses.iter_mut() {
            if !is_error_status(status) || !has_body(&snapshot, response) {
                continue;
            }
            let mut inlined = walk::resolved(&snapshot, response).clone();
            inlined["content"]["application/json"]["schema"] = reference.clone();
            *response = inlined;
        }
        new_schemas.push((name, merged));
    }
    for (name, schema) in new_schemas {
        let schemas = document
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut);
        match schemas {
            Some(schemas) if schemas.contains_key(&name) => {
                return Err(spec.error_at(
                    &format!("/components/schemas/{}", escape_token(&name)),
                    None,
                    format!(
                        "schema `{name}` is taken, so the merged error body needs another name"
                    ),
                ));
            }
            Some(schemas) => {
                schemas.insert(name, schema);
            }
            None => {
                document["components"]["schemas"] = json!({ name: schema });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load;

    /// Loads `yaml` as a spec and applies one lowering by name, returning the document.
    fn lowered(name: &str, yaml: &str) -> Result<Value, Error> {
        let spec = load::load("t.yaml", yaml).expect("test spec loads");
        let lowering = LOWERINGS
            .iter()
            .find(|l| l.name == name)
            .expect("lowering exists");
        let mut document = spec.document.clone();
        (lowering.apply)(&spec, &mut document)?;
        Ok(document)
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn every_lowering_has_a_reason_and_a_unique_name() {
        let mut names = BTreeSet::new();
        for lowering in &LOWERINGS {
            assert!(!lowering.reason.is_empty() && !lowering.reason.ends_with('.'));
            assert!(names.insert(lowering.name));
        }
    }

    #[test]
    fn type_names_follow_typify() {
        assert_eq!(type_name("error_response"), "ErrorResponse");
        assert_eq!(type_name("_links"), "Links");
        assert_eq!(type_name("getCloneJobs"), "GetCloneJobs");
        assert_eq!(type_name("RUNNING"), "Running");
    }

    #[test]
    fn rename_colliding_schemas_renames_and_rewrites_refs() {
        let doc = lowered(
            "rename_colliding_schemas",
            &format!(
                "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    error: {{type: object}}\n    job: {{type: object}}\n    Job: {{$ref: '#/components/schemas/error'}}\n"
            ),
        )
        .unwrap();
        let names: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(names, ["errorBody", "job", "JobBody"]);
        assert_eq!(
            doc["components"]["schemas"]["JobBody"]["$ref"],
            "#/components/schemas/errorBody"
        );
    }

    #[test]
    fn json_for_any_request_body_replaces_star_star() {
        let doc = lowered(
            "json_for_any_request_body",
            &format!("{HEAD}paths:\n  /a:\n    post:\n      requestBody:\n        content:\n          '*/*': {{schema: {{type: object}}}}\n"),
        )
        .unwrap();
        let content = doc.pointer("/paths/~1a/post/requestBody/content").unwrap();
        assert_eq!(
            content.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["application/json"]
        );
    }

    #[test]
    fn cookie_parameters_move_to_an_extension() {
        let doc = lowered(
            "cookie_parameters_to_cookie_store",
            &format!(
                "{HEAD}paths:\n  /a:\n    get:\n      parameters:\n        - {{name: session, in: cookie, schema: {{type: string}}}}\n        - {{name: q, in: query, schema: {{type: string}}}}\n"
            ),
        )
        .unwrap();
        let operation = doc.pointer("/paths/~1a/get").unwrap();
        assert_eq!(operation["parameters"].as_array().unwrap().len(), 1);
        assert_eq!(operation["x-cookie-parameters"], json!(["session"]));
    }

    #[test]
    fn unexploded_query_arrays_become_strings() {
        let doc = lowered(
            "comma_separated_query_arrays",
            &format!(
                "{HEAD}paths:\n  /a:\n    get:\n      parameters:\n        - {{name: fields, in: query, explode: false, schema: {{type: array, items: {{type: string}}}}}}\n        - {{name: tags, in: query, schema: {{type: array, items: {{type: string}}}}}}\n"
            ),
        )
        .unwrap();
        let parameters = doc.pointer("/paths/~1a/get/parameters").unwrap();
        assert_eq!(
            parameters[0]["schema"]["$ref"],
            "#/components/schemas/CommaSeparatedList"
        );
        assert_eq!(parameters[0]["x-comma-separated"], true);
        assert_eq!(
            doc["components"]["schemas"]["CommaSeparatedList"]["type"],
            "string"
        );
        assert!(parameters[0].get("explode").is_none());
        assert_eq!(
            parameters[1]["schema"]["type"], "array",
            "exploded arrays stay arrays"
        );
    }

    #[test]
    fn default_becomes_error_ranges_beside_a_success() {
        let doc = lowered(
            "default_response_to_error_ranges",
            &format!("{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200': {{description: ok}}\n        '404': {{description: nf}}\n        default: {{description: err}}\n"),
        )
        .unwrap();
        let responses = doc
            .pointer("/paths/~1a/get/responses")
            .unwrap()
            .as_object()
            .unwrap();
        assert_eq!(
            responses.keys().collect::<Vec<_>>(),
            ["200", "404", "4XX", "5XX"]
        );
        let only_default = lowered(
            "default_response_to_error_ranges",
            &format!("{HEAD}paths:\n  /a:\n    get:\n      responses:\n        default: {{description: err}}\n"),
        )
        .unwrap();
        assert!(
            only_default
                .pointer("/paths/~1a/get/responses/default")
                .is_some(),
            "without a 2xx, default stays"
        );
    }

    #[test]
    fn bodiless_errors_go_only_beside_typed_ones() {
        let typed = format!(
            "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200': {{description: ok}}\n        '401': {{description: no}}\n        '404':\n          description: nf\n          content: {{application/json: {{schema: {{type: object}}}}}}\n"
        );
        let doc = lowered("drop_bodiless_errors_beside_typed_ones", &typed).unwrap();
        let responses = doc
            .pointer("/paths/~1a/get/responses")
            .unwrap()
            .as_object()
            .unwrap();
        assert_eq!(responses.keys().collect::<Vec<_>>(), ["200", "404"]);
        let untyped = format!(
            "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200': {{description: ok}}\n        '401': {{description: no}}\n"
        );
        let doc = lowered("drop_bodiless_errors_beside_typed_ones", &untyped).unwrap();
        assert!(doc.pointer("/paths/~1a/get/responses/401").is_some());
    }

    #[test]
    fn different_error_bodies_merge_into_a_superset() {
        let yaml = format!(
            "{HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200': {{description: ok}}\n        '400':\n          description: bad\n          content: {{application/json: {{schema: {{$ref: '#/components/schemas/Bad'}}}}}}\n        '404':\n          description: nf\n          content: {{application/json: {{schema: {{$ref: '#/components/schemas/Missing'}}}}}}\ncomponents:\n  schemas:\n    Bad: {{type: object, x-error-message: /msg, required: [msg, code], properties: {{msg: {{type: string, description: one}}, code: {{type: integer}}}}}}\n    Missing: {{type: object, required: [msg], properties: {{msg: {{type: string, description: two}}, detail: {{type: string}}}}}}\n"
        );
        let doc = lowered("merge_error_bodies", &yaml).unwrap();
        let merged = &doc["components"]["schemas"]["GetAError"];
        assert_eq!(
            merged["properties"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["msg", "code", "detail"]
        );
        assert_eq!(
            merged["required"],
            json!(["msg"]),
            "required only where every body requires it"
        );
        assert_eq!(merged["x-error-message"], "/msg");
        for status in ["400", "404"] {
            let schema = doc
                .pointer(&format!(
                    "/paths/~1a/get/responses/{status}/content/application~1json/schema/$ref"
                ))
                .unwrap();
            assert_eq!(schema, "#/components/schemas/GetAError");
        }
    }
}
