//! Lowerings: named rewrites that turn a spec as vendors write it into one the engine takes,
//! applied to an in-memory copy (the spec files stay faithful). Each says in one line why it
//! exists; whatever one drops or changes in a way a user would notice is reported as a note.
//! An operation that no lowering can carry is dropped with a note; the document never is.

pub mod bodies;
pub mod operations;
pub mod parameters;
pub mod schemas;

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::error::{Error, Note, escape_token, unescape_token};
use crate::load::LoadedSpec;
use crate::walk::METHODS;

pub use parameters::COMMA_SEPARATED_SCHEMA;

/// What a lowering works on: the document being rewritten and the notes so far.
pub struct Context<'s> {
    /// The spec as loaded, for locations.
    pub spec: &'s LoadedSpec,
    /// The document being lowered.
    pub document: Value,
    /// What was dropped or rewritten so far.
    pub notes: Vec<Note>,
}

/// One rewrite of the document.
pub struct Lowering {
    /// The function's name, as tests and docs refer to it.
    pub name: &'static str,
    /// Why it exists, in one line.
    pub reason: &'static str,
    /// The rewrite; it may refuse a document it cannot rewrite, with a located error.
    pub apply: fn(&mut Context<'_>) -> Result<(), Error>,
}

/// Every lowering, in the order they run.
pub const LOWERINGS: [Lowering; 21] = [
    Lowering {
        name: "document_info",
        reason: "`info.title` and `info.version` name the crate's docs and are required; a document without them still generates",
        apply: operations::document_info,
    },
    Lowering {
        name: "inline_operation_parts",
        reason: "an operation's parameters, body and responses are rewritten per operation, so shared ones are copied in (path-level parameters yield to the operation's own)",
        apply: operations::inline_operation_parts,
    },
    Lowering {
        name: "unresolved_references",
        reason: "a reference to nothing (or to another file) cannot be generated: a schema becomes any JSON value, an operation that needs it is dropped",
        apply: operations::unresolved_references,
    },
    Lowering {
        name: "status_codes",
        reason: "a response key that is not a status, a range or `default` cannot be matched",
        apply: operations::status_codes,
    },
    Lowering {
        name: "operation_names",
        reason: "every operation needs a unique Rust method name; one without an operationId gets one from its method and path",
        apply: operations::operation_names,
    },
    Lowering {
        name: "selected_operations",
        reason: "a user who needs five operations of hundreds should not compile the rest; `x-select` names the operations or tags to keep",
        apply: operations::selected_operations,
    },
    Lowering {
        name: "security_schemes",
        reason: "the clients send basic, bearer (OAuth 2 and OpenID Connect tokens too) and API-key credentials; requirements naming other or unknown schemes are dropped",
        apply: operations::security_schemes,
    },
    Lowering {
        name: "parameters",
        reason: "progenitor takes scalar path and header parameters and form-style query parameters with a schema; the rest is rewritten, or dropped with its operation when required",
        apply: parameters::parameters,
    },
    Lowering {
        name: "comma_separated_lists",
        reason: "progenitor ignores `explode: false` and repeats a query parameter instead of joining it with commas, and cannot send an array header",
        apply: parameters::comma_separated_lists,
    },
    Lowering {
        name: "request_bodies",
        reason: "progenitor sends one JSON, form, binary or text body per operation; other media types are sent as one of those with their own Content-Type",
        apply: bodies::request_bodies,
    },
    Lowering {
        name: "schema_titles",
        reason: "typify names an inner type after its schema's title, so two schemas titled alike (`Simple User` and a nullable copy) give two types of one name",
        apply: schemas::schema_titles,
    },
    Lowering {
        name: "null_schemas",
        reason: "progenitor panics on `type: null`; null alone is any value, null beside another schema makes it optional",
        apply: schemas::null_schemas,
    },
    Lowering {
        name: "polymorphic_hierarchies",
        reason: "a base whose oneOf subtypes each allOf the base makes typify recurse until the stack overflows; it becomes a tagged enum of the subtypes, each with the base's fields",
        apply: schemas::polymorphic_hierarchies,
    },
    Lowering {
        name: "composition_cycles",
        reason: "a schema that reaches itself through allOf makes typify recurse without end; the member that closes the cycle is read as any JSON value",
        apply: schemas::composition_cycles,
    },
    Lowering {
        name: "enum_values",
        reason: "typify panics when two enum values give the same Rust variant even with its fallback; the later one decodes as unknown",
        apply: schemas::enum_values,
    },
    Lowering {
        name: "property_names",
        reason: "two properties that give the same Rust field do not compile; the later one is left to the JSON it came in",
        apply: schemas::property_names,
    },
    Lowering {
        name: "name_operation_schemas",
        reason: "progenitor names an operation's inline schemas after it and typify silently reuses a component of the same name; they become components with names that are free",
        apply: bodies::name_operation_schemas,
    },
    Lowering {
        name: "unreachable_schemas",
        reason: "with `x-select`, only the schemas the kept operations reach are generated",
        apply: operations::unreachable_schemas,
    },
    Lowering {
        name: "nullable_components",
        reason: "typify names the inner type of a component that is one schema or null after the component itself, giving two types of one name",
        apply: schemas::nullable_components,
    },
    Lowering {
        name: "component_names",
        reason: "schemas named like each other after case conversion, or like progenitor's own items, break the generated crate",
        apply: schemas::component_names,
    },
    Lowering {
        name: "no_operations_left",
        reason: "a crate without a single operation is no client; the spec is refused",
        apply: operations::no_operations_left,
    },
];

/// Applies every lowering to `document` (the spec's document, taken out of it: the spec only
/// locates nodes from here on).
pub fn lower(spec: &LoadedSpec, document: Value) -> Result<(Value, Vec<Note>), Error> {
    let mut context = Context {
        spec,
        document,
        notes: Vec::new(),
    };
    for lowering in &LOWERINGS {
        (lowering.apply)(&mut context)?;
    }
    Ok((context.document, context.notes))
}

impl Context<'_> {
    /// Records a note at `pointer` (of the document being lowered).
    pub fn note(&mut self, pointer: &str, operation: Option<&str>, message: impl Into<String>) {
        let note = self.spec.note_at(pointer, operation, message);
        self.notes.push(note);
    }

    /// Removes the operation at `pointer` with a note saying why.
    pub fn drop_operation(&mut self, pointer: &str, reason: &str) {
        let label = operation_label(&self.document, pointer);
        let (item, method) = pointer.rsplit_once('/').unwrap_or_default();
        if let Some(Value::Object(item_object)) = self.document.pointer_mut(item) {
            item_object.remove(method);
        }
        self.note(
            &origin(&self.document, pointer).unwrap_or_else(|| pointer.to_string()),
            label.as_deref(),
            format!("operation dropped: {reason}"),
        );
    }
}

/// The `operationId` of the operation at `pointer`, for messages.
pub fn operation_label(document: &Value, pointer: &str) -> Option<String> {
    document
        .pointer(pointer)
        .and_then(|operation| {
            operation
                .get("x-operation-id")
                .or_else(|| operation.get("operationId"))
        })
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The pointer a lowering recorded for a node it copied (`x-pointer`), if any.
pub fn origin(document: &Value, pointer: &str) -> Option<String> {
    document
        .pointer(pointer)
        .and_then(|node| node.get("x-pointer"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Every operation of the document: its pointer, path and method, in document order.
pub fn operations(document: &Value) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in METHODS {
            if item.get(method).is_some_and(Value::is_object) {
                found.push((
                    format!("/paths/{}/{method}", escape_token(path)),
                    path.clone(),
                    method.to_string(),
                ));
            }
        }
    }
    found
}

/// How many operations the document declares, counting those of path items that are local
/// `$ref`s (which [`operations()`] sees only once `inline_operation_parts` has run).
pub fn declared_operations(document: &Value) -> usize {
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return 0;
    };
    paths
        .values()
        .filter_map(|item| resolve(document, item).ok())
        .filter_map(|(_, item)| item.as_object())
        .map(|item| {
            METHODS
                .iter()
                .filter(|m| item.get(**m).is_some_and(Value::is_object))
                .count()
        })
        .sum()
}

/// The operation object at `pointer`, mutably.
pub fn operation_mut<'d>(
    document: &'d mut Value,
    pointer: &str,
) -> Option<&'d mut Map<String, Value>> {
    document.pointer_mut(pointer).and_then(Value::as_object_mut)
}

/// Follows local `$ref`s from `value` (at most 32 hops): the pointer of the last target (`None`
/// if `value` is no reference) and the value there. `Err` names a reference that leads nowhere.
pub fn resolve<'d>(
    document: &'d Value,
    value: &'d Value,
) -> Result<(Option<String>, &'d Value), String> {
    let mut current = value;
    let mut target = None;
    for _ in 0..32 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            return Ok((target, current));
        };
        current = reference
            .strip_prefix('#')
            .and_then(|pointer| document.pointer(pointer))
            .ok_or_else(|| reference.to_string())?;
        target = reference.strip_prefix('#').map(str::to_string);
    }
    Err("a chain of more than 32 references".to_string())
}

/// The component schema name a `$ref` names, if it names one.
pub fn component_name(reference: &str) -> Option<String> {
    reference
        .strip_prefix("#/components/schemas/")
        .filter(|rest| !rest.contains('/'))
        .map(unescape_token)
}

/// Rewrites every `$ref` equal to a key of `targets` to its value.
pub fn rewrite_refs(value: &mut Value, targets: &std::collections::BTreeMap<String, String>) {
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

/// The Rust type names the component schemas of `document` take.
pub fn taken_type_names(document: &Value) -> BTreeSet<String> {
    document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, _)| crate::rust_names::type_name(name))
        .chain(schemas::RESERVED_TYPE_NAMES.iter().map(|s| s.to_string()))
        .collect()
}

/// Adds a schema under `#/components/schemas` with a name whose Rust type is not in `taken`
/// (see [`taken_type_names`]), records that type as taken, and returns the name used.
pub fn add_component(
    document: &mut Value,
    taken: &mut BTreeSet<String>,
    wanted: &str,
    schema: Value,
) -> String {
    let mut name = wanted.to_string();
    let mut counter = 2;
    while taken.contains(&crate::rust_names::type_name(&name)) {
        name = format!("{wanted}{counter}");
        counter += 1;
    }
    taken.insert(crate::rust_names::type_name(&name));
    if !document.get("components").is_some_and(Value::is_object) {
        document["components"] = Value::Object(Map::new());
    }
    if !document["components"]
        .get("schemas")
        .is_some_and(Value::is_object)
    {
        document["components"]["schemas"] = Value::Object(Map::new());
    }
    document["components"]["schemas"][&name] = schema;
    name
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::load;

    /// Loads `yaml` as a spec and applies the lowerings up to and including `name`.
    pub fn lowered_through(name: &str, yaml: &str) -> (Value, Vec<Note>) {
        let (spec, _) = load::load("t.yaml", yaml).expect("test spec loads");
        let mut context = Context {
            spec: &spec,
            document: spec.document.clone(),
            notes: Vec::new(),
        };
        for lowering in &LOWERINGS {
            (lowering.apply)(&mut context).expect("lowering succeeds");
            if lowering.name == name {
                return (context.document, context.notes);
            }
        }
        panic!("no lowering named {name}");
    }

    /// The notes' messages, without file and line.
    pub fn messages(notes: &[Note]) -> Vec<String> {
        notes.iter().map(|n| n.message.clone()).collect()
    }

    pub const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lowering_has_a_reason_and_a_unique_name() {
        let mut names = BTreeSet::new();
        for lowering in &LOWERINGS {
            assert!(!lowering.reason.is_empty() && !lowering.reason.ends_with('.'));
            assert!(names.insert(lowering.name));
        }
    }
}
