//! Property tests: arbitrary JSON into every generated response type (no panic, and whatever
//! decodes survives a round trip), and randomly mutated specs into the generator (no panic,
//! and every failure is a located, one-line-per-problem error).

use proptest::prelude::*;
use serde_json::{Map, Value};
use tests::workspace::APIS;

/// Cases per property; CI runs them all.
const CASES: u32 = 256;

/// Field names from all five specs, so generated objects reach deep into the types.
fn vocabulary() -> Vec<String> {
    let mut names = std::collections::BTreeSet::new();
    fn collect(value: &Value, names: &mut std::collections::BTreeSet<String>) {
        match value {
            Value::Object(object) => {
                if let Some(Value::Object(properties)) = object.get("properties") {
                    names.extend(properties.keys().cloned());
                }
                object.values().for_each(|child| collect(child, names));
            }
            Value::Array(items) => items.iter().for_each(|child| collect(child, names)),
            _ => {}
        }
    }
    for api in APIS {
        collect(&api.spec_json(), &mut names);
    }
    names.into_iter().collect()
}

/// Any JSON value, with object keys mostly from the specs' field names.
fn json() -> impl Strategy<Value = Value> {
    let keys = vocabulary();
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            "[a-zA-Z0-9 _:-]{0,12}",
            Just("2026-11-01T12:00:00Z".to_string()),
            Just("1cd8a442-86d1-11e0-ae1c-123478563412".to_string()),
            Just("running".to_string()),
            Just("FAILED".to_string())
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        let keys = keys.clone();
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![3 => prop::sample::select(keys), 1 => "[a-z]{1,6}"],
                    inner
                ),
                0..8
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// Decodes `value` as `T`; if that works, what it encodes to decodes again and encodes the
/// same. (Values that did not fit their field are kept in `unread.odd()` and are not written
/// back, so the first decoded value may hold more than the second; what is sent is stable.)
fn decodes_consistently<T>(value: &Value) -> Result<(), TestCaseError>
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    if let Ok(decoded) = serde_json::from_value::<T>(value.clone()) {
        let encoded = serde_json::to_value(&decoded).expect("a decoded value encodes");
        let again: T = serde_json::from_value(encoded.clone()).expect("an encoded value decodes");
        prop_assert_eq!(
            serde_json::to_value(&again).expect("a decoded value encodes"),
            encoded
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn arbitrary_json_never_panics_any_response_type(value in json()) {
        decodes_consistently::<hnas_client::types::TreeCloneJobs>(&value)?;
        decodes_consistently::<hnas_client::types::BadRequestError>(&value)?;
        decodes_consistently::<hnas_client::types::ForbiddenError>(&value)?;
        decodes_consistently::<hnas_client::types::DetailedError>(&value)?;
        decodes_consistently::<vsp_object_client::types::JobListResponse>(&value)?;
        decodes_consistently::<vsp_object_client::types::ErrorResponse>(&value)?;
        decodes_consistently::<vspc_client::types::BackupServerFileShareCopyJobCollection>(&value)?;
        decodes_consistently::<vspc_client::types::ErrorResponse>(&value)?;
        decodes_consistently::<bluexp_backup_client::types::RestoreStatus>(&value)?;
        decodes_consistently::<ontap_client::types::JobResponse>(&value)?;
        decodes_consistently::<ontap_client::types::ErrorResponse>(&value)?;
        // The nested types too, whose shapes random objects rarely reach through the envelopes.
        decodes_consistently::<hnas_client::types::TreeCloneJob>(&value)?;
        decodes_consistently::<vsp_object_client::types::Job>(&value)?;
        decodes_consistently::<vspc_client::types::BackupServerFileShareCopyJob>(&value)?;
        decodes_consistently::<bluexp_backup_client::types::Job>(&value)?;
        decodes_consistently::<ontap_client::types::Job>(&value)?;
    }
}

/// One random change to a spec document.
#[derive(Debug, Clone)]
enum Mutation {
    /// Remove the node at this position of a depth-first walk.
    Remove(usize),
    /// Replace the node at this position with this value.
    Replace(usize, Value),
    /// Rename the key at this position.
    Rename(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let value = prop_oneof![
        Just(Value::Null),
        Just(Value::from(7)),
        Just(Value::from("string")),
        Just(Value::from(true)),
        Just(serde_json::json!({"$ref": "#/components/schemas/Nowhere"})),
        Just(serde_json::json!({"type": "array"})),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
        Just(Value::from("3.1.0")),
        Just(Value::from("deepObject")),
        Just(Value::from("*/*")),
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), value).prop_map(|(at, v)| Mutation::Replace(at, v)),
        (any::<usize>(), "[a-zA-Z$/{}_-]{1,10}").prop_map(|(at, k)| Mutation::Rename(at, k)),
    ]
}

/// Applies `mutation` to the `n`-th (modulo the count) key of some mapping, depth first.
fn apply(document: &mut Value, mutation: &Mutation) {
    fn count(value: &Value) -> usize {
        match value {
            Value::Object(object) => object.len() + object.values().map(count).sum::<usize>(),
            Value::Array(items) => items.iter().map(count).sum(),
            _ => 0,
        }
    }
    fn visit(value: &mut Value, target: &mut usize, mutation: &Mutation) -> bool {
        match value {
            Value::Object(object) => {
                let keys: Vec<String> = object.keys().cloned().collect();
                for key in keys {
                    if *target == 0 {
                        match mutation {
                            Mutation::Remove(_) => {
                                object.remove(&key);
                            }
                            Mutation::Replace(_, new) => {
                                object.insert(key, new.clone());
                            }
                            Mutation::Rename(_, name) => {
                                if let Some(old) = object.remove(&key) {
                                    object.insert(name.clone(), old);
                                }
                            }
                        }
                        return true;
                    }
                    *target -= 1;
                    if visit(
                        object.get_mut(&key).expect("the key exists"),
                        target,
                        mutation,
                    ) {
                        return true;
                    }
                }
                false
            }
            Value::Array(items) => items.iter_mut().any(|item| visit(item, target, mutation)),
            _ => false,
        }
    }
    let total = count(document).max(1);
    let mut target = match mutation {
        Mutation::Remove(at) | Mutation::Replace(at, _) | Mutation::Rename(at, _) => at % total,
    };
    visit(document, &mut target, mutation);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn mutated_specs_never_panic_and_fail_with_located_errors(
        which in 0..APIS.len(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let api = APIS[which];
        let mut document = api.spec_json();
        for m in &mutations {
            apply(&mut document, m);
        }
        let text = serde_yaml::to_string(&document).expect("JSON becomes YAML");
        let spec_path = api.spec_rel();
        let outcome = std::panic::catch_unwind(|| generator::generate_crate(&spec_path, &text));
        let result = outcome.map_err(|_| TestCaseError::fail(format!("the generator panicked after {mutations:?}")))?;
        if let Err(errors) = result {
            for line in errors.to_string().lines() {
                let rest = line.strip_prefix(&format!("{spec_path}:")).unwrap_or_default();
                let mut parts = rest.splitn(3, ':');
                let located = matches!((parts.next(), parts.next()), (Some(l), Some(c)) if l.parse::<usize>().is_ok() && c.parse::<usize>().is_ok());
                prop_assert!(located, "not located as {}:line:col: {}", spec_path, line);
            }
        }
    }
}
