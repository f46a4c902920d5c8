//! Lowerings of schemas: `null`, polymorphic hierarchies and other composition cycles that
//! would make typify recurse without end, enum values and property names that collide in
//! Rust, and component names that collide with each other or with the crate's own items.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};
use unicode_ident::is_xid_continue;

use super::{Context, component_name, rewrite_refs};
use crate::error::{Error, escape_token};
use crate::rust_names::{Case, field_name, type_name, typify_name};
use crate::schema_walk;

/// Names that the generated crate itself defines or glob-imports next to the types.
pub const RESERVED_TYPE_NAMES: [&str; 12] = [
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

/// Titles go: they only document, and typify would name types after them.
pub fn schema_titles(context: &mut Context<'_>) -> Result<(), Error> {
    schema_walk::for_each_schema_mut(&mut context.document, &mut |_, schema| {
        if let Some(object) = schema.as_object_mut() {
            object.remove("title");
        }
    });
    Ok(())
}

fn is_null(schema: &Value) -> bool {
    schema.get("type") == Some(&json!("null"))
        || (schema.get("nullable") == Some(&Value::Bool(true))
            && schema.as_object().is_some_and(|m| m.len() == 1))
}

/// `type: null` alone is any value that may be null; as a member of `oneOf`/`anyOf` it becomes
/// progenitor's spelling of null, so typify makes the other member an `Option`.
pub fn null_schemas(context: &mut Context<'_>) -> Result<(), Error> {
    schema_walk::for_each_schema_mut(&mut context.document, &mut |_, schema| {
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        for keyword in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = object.get_mut(keyword) {
                for member in members.iter_mut().filter(|m| is_null(m)) {
                    *member = json!({ "enum": [null] });
                }
            }
        }
        if object.get("type") == Some(&json!("null")) {
            object.remove("type");
            object.insert("nullable".into(), Value::Bool(true));
        }
    });
    Ok(())
}

/// The subschemas a composition keyword lists, if it lists any.
fn members<'s>(schema: &'s Value, keyword: &str) -> &'s [Value] {
    schema
        .get(keyword)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn reference_to(schema: &Value) -> Option<String> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(component_name)
}

/// The schemas of `components.schemas`, by name.
fn components(document: &Value) -> Map<String, Value> {
    document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Merges the object parts of `schemas` (properties, required, description) into one object
/// schema; `$ref`s are followed through `allOf` up to `depth` levels.
fn flatten(all: &Map<String, Value>, schemas: &[Value], depth: usize) -> Map<String, Value> {
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    let mut merged = Map::new();
    for schema in schemas {
        let resolved = match reference_to(schema) {
            Some(name) if depth > 0 => match all.get(&name) {
                Some(target) => target.clone(),
                None => continue,
            },
            Some(_) => continue,
            None => schema.clone(),
        };
        let inner = if resolved.get("allOf").is_some() && depth > 0 {
            let mut nested = flatten(all, members(&resolved, "allOf"), depth - 1);
            for (key, value) in resolved.as_object().into_iter().flatten() {
                if !matches!(key.as_str(), "allOf" | "properties" | "required") {
                    nested.entry(key.clone()).or_insert(value.clone());
                }
            }
            if let Some(Value::Object(own)) = resolved.get("properties") {
                let props = nested
                    .entry("properties")
                    .or_insert(json!({}))
                    .as_object_mut()
                    .map(std::mem::take)
                    .unwrap_or_default();
                let mut props = props;
                props.extend(own.clone());
                nested.insert("properties".into(), Value::Object(props));
            }
            Value::Object(nested)
        } else {
            resolved
        };
        if let Some(Value::Object(own)) = inner.get("properties") {
            for (name, property) in own {
                properties.insert(name.clone(), property.clone());
            }
        }
        for name in members(&inner, "required") {
            if !required.contains(name) {
                required.push(name.clone());
            }
        }
        for (key, value) in inner.as_object().into_iter().flatten() {
            if matches!(key.as_str(), "description" | "additionalProperties") {
                merged.entry(key.clone()).or_insert(value.clone());
            }
        }
    }
    merged.insert("type".into(), json!("object"));
    if !properties.is_empty() {
        merged.insert("properties".into(), Value::Object(properties));
    }
    if !required.is_empty() {
        merged.insert("required".into(), Value::Array(required));
    }
    merged
}

/// A base schema whose `oneOf`/`anyOf` lists subtypes that each `allOf` the base becomes a
/// tagged enum of the subtypes (by its discriminator, if it has one), each subtype an object
/// with the base's fields and its own.
pub fn polymorphic_hierarchies(context: &mut Context<'_>) -> Result<(), Error> {
    let all = components(&context.document);
    let mut rewrites: Vec<(String, Value)> = Vec::new();
    for (base_name, base) in &all {
        let keyword = if base.get("oneOf").is_some() {
            "oneOf"
        } else {
            "anyOf"
        };
        let subtypes: Vec<String> = members(base, keyword)
            .iter()
            .filter_map(reference_to)
            .collect();
        let recursive = |subtype: &String| {
            all.get(subtype).is_some_and(|schema| {
                members(schema, "allOf")
                    .iter()
                    .any(|m| reference_to(m).as_ref() == Some(base_name))
            })
        };
        if subtypes.is_empty()
            || subtypes.len() != members(base, keyword).len()
            || !subtypes.iter().all(recursive)
        {
            continue;
        }
        // The base's own object part: everything but the composition and discriminator.
        let mut own = base.as_object().cloned().unwrap_or_default();
        own.remove(keyword);
        let discriminator = own.remove("discriminator");
        let property = discriminator
            .as_ref()
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let mapping: BTreeMap<String, String> = discriminator
            .as_ref()
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(value, target)| {
                let target = target.as_str()?;
                let name = component_name(target).unwrap_or_else(|| target.to_string());
                Some((name, value.clone()))
            })
            .collect();
        let mut variants = Vec::new();
        for subtype in &subtypes {
            let schema = &all[subtype];
            let parts: Vec<Value> = members(schema, "allOf")
                .iter()
                .map(|member| {
                    if reference_to(member).as_ref() == Some(base_name) {
                        Value::Object(own.clone())
                    } else {
                        member.clone()
                    }
                })
                .collect();
            let mut flat = flatten(&all, &parts, 8);
            if let Some(description) = schema.get("description") {
                flat.insert("description".into(), description.clone());
            }
            if let Some(property) = &property {
                let value = mapping
                    .get(subtype)
                    .cloned()
                    .unwrap_or_else(|| subtype.clone());
                let properties = flat
                    .entry("properties")
                    .or_insert(json!({}))
                    .as_object_mut()
                    .expect("flatten makes properties an object");
                properties.insert(
                    property.clone(),
                    json!({ "type": "string", "enum": [value] }),
                );
                let required = flat.entry("required").or_insert(json!([]));
                if let Some(list) = required.as_array_mut()
                    && !list.contains(&json!(property))
                {
                    list.push(json!(property));
                }
            }
            rewrites.push((subtype.clone(), Value::Object(flat.clone())));
            variants.push(Value::Object(flat));
        }
        let mut new_base = Map::new();
        if let Some(description) = base.get("description") {
            new_base.insert("description".into(), description.clone());
        }
        // With a discriminator, the variants are inline objects, the shape typify makes a
        // tagged enum of; without one, they stay references and decode by shape.
        let members = if property.is_some() {
            variants
        } else {
            subtypes
                .iter()
                .map(|s| json!({ "$ref": format!("#/components/schemas/{}", escape_token(s)) }))
                .collect()
        };
        new_base.insert("oneOf".into(), Value::Array(members));
        rewrites.push((base_name.clone(), Value::Object(new_base)));
        context.note(
            &format!("/components/schemas/{}", escape_token(base_name)),
            None,
            format!(
                "`{base_name}` and its subtypes ({}) refer to each other through allOf; `{base_name}` is generated as an enum of the subtypes, each with `{base_name}`'s fields",
                subtypes.join(", ")
            ),
        );
    }
    for (name, schema) in rewrites {
        context.document["components"]["schemas"][&name] = schema;
    }
    Ok(())
}

/// The schemas each component reaches through compositions (not properties): `(target, via
/// allOf)`.
fn composition_edges(schema: &Value, edges: &mut Vec<(String, bool)>, depth: usize) {
    if depth > 16 {
        return;
    }
    for keyword in ["allOf", "oneOf", "anyOf"] {
        for member in members(schema, keyword) {
            match reference_to(member) {
                Some(target) => edges.push((target, keyword == "allOf")),
                None => composition_edges(member, edges, depth + 1),
            }
        }
    }
}

/// Cycles through compositions that pass an `allOf` are broken: the `allOf` member that closes
/// one is read as any JSON value.
pub fn composition_cycles(context: &mut Context<'_>) -> Result<(), Error> {
    for _ in 0..1000 {
        let all = components(&context.document);
        let graph: BTreeMap<&String, Vec<(String, bool)>> = all
            .iter()
            .map(|(name, schema)| {
                let mut edges = Vec::new();
                composition_edges(schema, &mut edges, 0);
                (name, edges)
            })
            .collect();
        let Some((from, to)) = find_all_of_cycle(&graph) else {
            return Ok(());
        };
        let reference = json!({ "$ref": format!("#/components/schemas/{}", escape_token(&to)) });
        let at = format!("/components/schemas/{}", escape_token(&from));
        let replaced = context
            .document
            .pointer_mut(&at)
            .map(|schema| replace_member(schema, &reference))
            .unwrap_or(false);
        if !replaced {
            return Ok(());
        }
        context.note(
            &at,
            None,
            format!("`{from}` reaches itself through allOf `{to}`; that member is read as any JSON value"),
        );
    }
    Ok(())
}

fn replace_member(schema: &mut Value, reference: &Value) -> bool {
    if let Some(Value::Array(list)) = schema.get_mut("allOf")
        && let Some(member) = list.iter_mut().find(|m| *m == reference)
    {
        *member = json!({});
        return true;
    }
    for keyword in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(list)) = schema.get_mut(keyword) {
            for member in list.iter_mut() {
                if member.get("$ref").is_none() && replace_member(member, reference) {
                    return true;
                }
            }
        }
    }
    false
}

/// The first composition cycle (in name order) that has an `allOf` edge: the edge to cut.
fn find_all_of_cycle(graph: &BTreeMap<&String, Vec<(String, bool)>>) -> Option<(String, String)> {
    for start in graph.keys() {
        // Depth-first search for a path back to `start`, remembering the edges taken.
        let mut stack: Vec<(String, usize)> = vec![((*start).clone(), 0)];
        let mut path: Vec<(String, String, bool)> = Vec::new();
        let mut visited: BTreeSet<String> = BTreeSet::new();
        while let Some((node, next)) = stack.pop() {
            let edges = graph.get(&node).map(Vec::as_slice).unwrap_or_default();
            if next < edges.len() {
                stack.push((node.clone(), next + 1));
                let (target, via_all_of) = &edges[next];
                if target == *start {
                    let mut cycle = path.clone();
                    cycle.push((node.clone(), target.clone(), *via_all_of));
                    if let Some((from, to, _)) = cycle.iter().rev().find(|(_, _, all_of)| *all_of) {
                        return Some((from.clone(), to.clone()));
                    }
                } else if visited.insert(target.clone()) {
                    path.push((node.clone(), target.clone(), *via_all_of));
                    stack.push((target.clone(), 0));
                }
            } else {
                path.pop();
            }
        }
    }
    None
}

/// The variant name typify gives each string enum value, with its fallback that turns elided
/// characters into `X`; `None` if that still collides (typify then panics).
fn variant_names(values: &[&str]) -> Option<Vec<String>> {
    let unique = |names: &Vec<String>| names.iter().collect::<BTreeSet<_>>().len() == names.len();
    let simple: Vec<String> = values
        .iter()
        .map(|v| typify_name(v, Case::Pascal))
        .collect();
    if unique(&simple) {
        return Some(simple);
    }
    let fallback: Vec<String> = values
        .iter()
        .map(|v| {
            typify_name(
                &v.replace(|c| c == '_' || !is_xid_continue(c), "X"),
                Case::Pascal,
            )
        })
        .collect();
    unique(&fallback).then_some(fallback)
}

/// String enum values that collide in Rust even after typify's fallback: the later ones are
/// dropped from the list, so they decode as the enum's unknown value.
pub fn enum_values(context: &mut Context<'_>) -> Result<(), Error> {
    let mut notes = Vec::new();
    schema_walk::for_each_schema_mut(&mut context.document, &mut |path, schema| {
        let Some(Value::Array(values)) = schema.get("enum") else {
            return;
        };
        let texts: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        if texts.len() != values.len() || variant_names(&texts).is_some() {
            return;
        }
        let mut kept: Vec<Value> = Vec::new();
        let mut dropped = Vec::new();
        for value in values {
            let mut candidate: Vec<&str> = kept.iter().filter_map(Value::as_str).collect();
            candidate.push(value.as_str().unwrap_or_default());
            if variant_names(&candidate).is_some() {
                kept.push(value.clone());
            } else {
                dropped.push(value.as_str().unwrap_or_default().to_string());
            }
        }
        notes.push((
            format!("{}/enum", path.pointer()),
            format!(
                "enum values {} give the same Rust variant as an earlier value; they decode as unknown values",
                dropped.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", ")
            ),
        ));
        schema["enum"] = Value::Array(kept);
    });
    for (at, message) in notes {
        context.note(&at, None, message);
    }
    Ok(())
}

/// Properties whose Rust fields collide: the later ones are dropped from the schema (a server
/// that sends them is not refused; their value is not kept).
pub fn property_names(context: &mut Context<'_>) -> Result<(), Error> {
    let mut notes = Vec::new();
    schema_walk::for_each_schema_mut(&mut context.document, &mut |path, schema| {
        let Some(Value::Object(properties)) = schema.get_mut("properties") else {
            return;
        };
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut dropped = Vec::new();
        properties.retain(|name, _| {
            let field = field_name(name);
            match seen.get(&field) {
                Some(first) => {
                    notes.push((
                        format!("{}/properties/{}", path.pointer(), escape_token(name)),
                        format!("properties `{first}` and `{name}` both become the Rust field `{field}`; `{name}` is not kept"),
                    ));
                    dropped.push(Value::String(name.clone()));
                    false
                }
                None => {
                    seen.insert(field, name.clone());
                    true
                }
            }
        });
        if let Some(Value::Array(required)) = schema.get_mut("required") {
            required.retain(|name| !dropped.contains(name));
        }
    });
    for (at, message) in notes {
        context.note(&at, None, message);
    }
    Ok(())
}

/// The one schema besides null of a `oneOf`/`anyOf` that is that schema or null, if it is
/// written inline: `(keyword, index)`.
fn nullable_member(schema: &Value) -> Option<(&'static str, usize)> {
    ["oneOf", "anyOf"].into_iter().find_map(|keyword| {
        let list = schema.get(keyword)?.as_array()?;
        let is_null = |m: &Value| m.get("enum") == Some(&json!([null])) || is_null(m);
        if list.len() != 2 || list.iter().filter(|m| is_null(m)).count() != 1 {
            return None;
        }
        let index = list.iter().position(|m| !is_null(m))?;
        (list[index].get("$ref").is_none() && super::bodies::needs_name(&list[index]))
            .then_some((keyword, index))
    })
}

/// A component that is an inline schema or null keeps the null and names the schema
/// `{Name}Value`, so typify's inner type has a name of its own.
pub fn nullable_components(context: &mut Context<'_>) -> Result<(), Error> {
    let mut taken = super::taken_type_names(&context.document);
    for (name, schema) in components(&context.document) {
        let Some((keyword, index)) = nullable_member(&schema) else {
            continue;
        };
        let member = schema[keyword][index].clone();
        let value = super::add_component(
            &mut context.document,
            &mut taken,
            &format!("{name}Value"),
            member,
        );
        context.document["components"]["schemas"][&name][keyword][index] =
            json!({ "$ref": format!("#/components/schemas/{}", escape_token(&value)) });
    }
    Ok(())
}

/// Component schemas whose Rust type names collide with each other or with the crate's own
/// items are renamed (`Error` becomes `ErrorBody`), and every reference follows.
pub fn component_names(context: &mut Context<'_>) -> Result<(), Error> {
    let names: Vec<String> = components(&context.document).keys().cloned().collect();
    let rust: Vec<String> = names.iter().map(|name| type_name(name)).collect();
    let keys: BTreeSet<&String> = names.iter().collect();
    let mut taken: BTreeMap<String, String> = RESERVED_TYPE_NAMES
        .iter()
        .map(|s| (s.to_string(), String::new()))
        .collect();
    let mut renames = BTreeMap::new();
    for (name, rust) in names.iter().zip(&rust) {
        if !taken.contains_key(rust) {
            taken.insert(rust.clone(), name.clone());
            continue;
        }
        let mut candidate = format!("{name}Body");
        let mut suffix = 2;
        while taken.contains_key(&type_name(&candidate)) || keys.contains(&candidate) {
            candidate = format!("{name}Body{suffix}");
            suffix += 1;
        }
        let why = match taken.get(rust).map(String::as_str) {
            Some("") | None => format!("`{rust}` is a name the generated crate uses itself"),
            Some(other) => format!("schema `{other}` is the Rust type `{rust}` already"),
        };
        let at = format!("/components/schemas/{}", escape_token(name));
        context.note(
            &at,
            None,
            format!(
                "schema `{name}` is generated as `{}`: {why}",
                type_name(&candidate)
            ),
        );
        taken.insert(type_name(&candidate), name.clone());
        renames.insert(name.clone(), candidate);
    }
    apply_renames(&mut context.document, renames);
    Ok(())
}

/// Components whose Rust type names the engine also gives to inline schemas (typify names the
/// enum of property `state` of `Job` `JobState`, whatever schema is called that already) are
/// renamed, with their references. Whether any was renamed.
pub fn yield_type_names(context: &mut Context<'_>, clashes: &BTreeSet<String>) -> bool {
    let names: Vec<String> = components(&context.document).keys().cloned().collect();
    let mut taken: BTreeSet<String> = RESERVED_TYPE_NAMES.iter().map(|s| s.to_string()).collect();
    taken.extend(names.iter().map(|name| type_name(name)));
    taken.extend(clashes.iter().cloned());
    let keys: BTreeSet<&String> = names.iter().collect();
    let mut renames = BTreeMap::new();
    for name in &names {
        let rust = type_name(name);
        if !clashes.contains(&rust) {
            continue;
        }
        let mut candidate = format!("{name}Body");
        let mut suffix = 2;
        while taken.contains(&type_name(&candidate)) || keys.contains(&candidate) {
            candidate = format!("{name}Body{suffix}");
            suffix += 1;
        }
        let at = format!("/components/schemas/{}", escape_token(name));
        context.note(
            &at,
            None,
            format!(
                "schema `{name}` is generated as `{}`: typify gives an inline schema the name `{rust}`",
                type_name(&candidate)
            ),
        );
        taken.insert(type_name(&candidate));
        renames.insert(name.clone(), candidate);
    }
    let renamed = !renames.is_empty();
    apply_renames(&mut context.document, renames);
    renamed
}

/// Renames components (old key to new key) and every reference to them.
fn apply_renames(document: &mut Value, renames: BTreeMap<String, String>) {
    if renames.is_empty() {
        return;
    }
    if let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") {
        let old = std::mem::take(schemas);
        for (name, schema) in old {
            let name = renames.get(&name).cloned().unwrap_or(name);
            schemas.insert(name, schema);
        }
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
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{HEAD, lowered_through, messages};
    use serde_json::json;

    const OP: &str = "paths:\n  /a:\n    get:\n      operationId: a\n      responses: {'200': {description: ok}}\n";

    #[test]
    fn polymorphic_hierarchies_become_tagged_enums() {
        let yaml = format!(
            "{HEAD}{OP}components:\n  schemas:\n    Pet:\n      type: object\n      required: [kind]\n      properties: {{kind: {{type: string}}, name: {{type: string}}}}\n      discriminator: {{propertyName: kind, mapping: {{cat: '#/components/schemas/Cat'}}}}\n      oneOf: [{{$ref: '#/components/schemas/Cat'}}, {{$ref: '#/components/schemas/Dog'}}]\n    Cat:\n      allOf: [{{$ref: '#/components/schemas/Pet'}}, {{type: object, properties: {{lives: {{type: integer}}}}}}]\n    Dog:\n      allOf: [{{$ref: '#/components/schemas/Pet'}}, {{type: object, properties: {{bark: {{type: boolean}}}}}}]\n"
        );
        let (document, notes) = lowered_through("polymorphic_hierarchies", &yaml);
        let schemas = &document["components"]["schemas"];
        assert_eq!(
            schemas["Cat"]["properties"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["kind", "name", "lives"]
        );
        assert_eq!(
            schemas["Cat"]["properties"]["kind"],
            json!({"type": "string", "enum": ["cat"]})
        );
        assert_eq!(schemas["Dog"]["properties"]["kind"]["enum"], json!(["Dog"]));
        assert_eq!(schemas["Pet"]["oneOf"][0], schemas["Cat"]);
        assert!(schemas["Cat"].get("allOf").is_none());
        assert_eq!(notes.len(), 1, "{notes:?}");
    }

    #[test]
    fn other_all_of_cycles_are_cut() {
        let yaml = format!(
            "{HEAD}{OP}components:\n  schemas:\n    A: {{allOf: [{{$ref: '#/components/schemas/B'}}]}}\n    B: {{anyOf: [{{$ref: '#/components/schemas/A'}}, {{type: string}}]}}\n"
        );
        let (document, notes) = lowered_through("composition_cycles", &yaml);
        assert_eq!(
            document["components"]["schemas"]["A"]["allOf"][0],
            json!({})
        );
        assert_eq!(
            messages(&notes),
            ["`A` reaches itself through allOf `B`; that member is read as any JSON value"]
        );
    }

    #[test]
    fn colliding_enum_values_and_properties_keep_the_first() {
        let yaml = format!(
            "{HEAD}{OP}components:\n  schemas:\n    S: {{type: string, enum: [running, RUNNING, '+1', '-1']}}\n    O: {{type: object, required: [links, _links], properties: {{links: {{type: string}}, _links: {{type: object}}, $ref: {{type: string}}}}}}\n"
        );
        let (document, notes) = lowered_through("property_names", &yaml);
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["S"]["enum"], json!(["running", "+1", "-1"]));
        assert_eq!(
            schemas["O"]["properties"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["links", "$ref"]
        );
        assert_eq!(schemas["O"]["required"], json!(["links"]));
        assert_eq!(
            messages(&notes),
            [
                "enum values `RUNNING` give the same Rust variant as an earlier value; they decode as unknown values",
                "properties `links` and `_links` both become the Rust field `links`; `_links` is not kept",
            ]
        );
    }

    #[test]
    fn colliding_component_names_are_renamed_with_their_references() {
        let yaml = format!(
            "{HEAD}{OP}components:\n  schemas:\n    error: {{type: object}}\n    job: {{type: object}}\n    Job: {{$ref: '#/components/schemas/error'}}\n"
        );
        let (document, notes) = lowered_through("component_names", &yaml);
        let names: Vec<&String> = document["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(names, ["errorBody", "job", "JobBody"]);
        assert_eq!(
            document["components"]["schemas"]["JobBody"]["$ref"],
            "#/components/schemas/errorBody"
        );
        assert_eq!(
            messages(&notes),
            [
                "schema `error` is generated as `ErrorBody`: `Error` is a name the generated crate uses itself",
                "schema `Job` is generated as `JobBody`: schema `job` is the Rust type `Job` already",
            ]
        );
    }
}
