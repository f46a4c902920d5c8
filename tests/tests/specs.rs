//! Keeps the five specs in sync with their source documents: they parse, their examples
//! validate, the page's printed JSON is all there, and every deviation is written down.

use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write;
use tests::examples::{self, Example};
use tests::workspace::{APIS, root, seeds_dir};
use tests::{inventory, seeds};

#[test]
fn specs_directory_holds_exactly_the_five_specs() {
    let mut on_disk = std::fs::read_dir(root().join("specs"))
        .expect("specs/ exists")
        .map(|entry| {
            entry
                .expect("readable entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json"))
        .collect::<Vec<_>>();
    on_disk.sort();
    let mut expected = APIS
        .iter()
        .map(|api| format!("{}.yaml", api.name))
        .collect::<Vec<_>>();
    expected.sort();
    assert_eq!(on_disk, expected);
}

#[test]
fn specs_are_openapi_3_0_3_documents() {
    for api in APIS {
        let model = api.spec_model();
        assert_eq!(model.openapi, "3.0.3", "{}", api.spec_rel());
        assert!(
            !model.paths.paths.is_empty(),
            "{}: no paths",
            api.spec_rel()
        );
    }
}

#[test]
fn inventory_snapshots() {
    for api in APIS {
        let inventory = inventory::render(&api.spec_json());
        insta::assert_snapshot!(format!("inventory_{}", api.name), inventory);
    }
}

/// Every example validates against its schema, except the page's own printed examples that a
/// deviation corrects: those must fail, and the snapshot shows why.
#[test]
fn examples_validate_against_their_schemas() {
    let documented = documented_deviations();
    for api in APIS {
        let spec = api.spec_json();
        let mut report = String::new();
        let found = examples::collect(&spec);
        assert!(!found.is_empty(), "{}: no examples", api.spec_rel());
        for example in &found {
            let errors = examples::validate(&spec, example);
            match &example.printed_for {
                None => {
                    assert!(
                        errors.is_empty(),
                        "{}#{}: example does not match its schema:\n  {}",
                        api.spec_rel(),
                        example.pointer,
                        errors.join("\n  ")
                    );
                    let _ = writeln!(report, "ok        {}", example.pointer);
                }
                Some(deviations) => {
                    assert!(
                        !deviations.is_empty(),
                        "{}#{}: names no deviation",
                        api.spec_rel(),
                        example.pointer
                    );
                    for deviation in deviations {
                        assert!(
                            documented.contains(deviation),
                            "{deviation} is not in specs/README.md"
                        );
                    }
                    assert!(
                        !errors.is_empty(),
                        "{}#{}: the printed example now validates, so deviations {deviations:?} no longer apply",
                        api.spec_rel(),
                        example.pointer
                    );
                    let _ = writeln!(
                        report,
                        "printed   {} (corrected by {})",
                        example.pointer,
                        deviations.join(", ")
                    );
                    for error in errors {
                        let _ = writeln!(report, "  fails   {error}");
                    }
                }
            }
        }
        insta::assert_snapshot!(format!("examples_{}", api.name), report);
    }
}

/// The checks above are only as good as the validator: a broken example must fail.
#[test]
fn a_broken_example_fails_validation() {
    let spec = APIS[4].spec_json();
    let good = examples::collect(&spec)
        .into_iter()
        .find(|example| {
            example
                .pointer
                .ends_with("/responses/200/content/application~1json/example")
        })
        .expect("ontap has a 200 example");
    assert!(examples::validate(&spec, &good).is_empty());
    type Breakage = fn(&mut Value);
    let breakages: [(&str, Breakage); 5] = [
        ("wrong type", |v| v["num_records"] = "one".into()),
        ("unknown enum value", |v| {
            v["records"][0]["state"] = "done".into()
        }),
        ("bad date-time", |v| {
            v["records"][0]["start_time"] = "yesterday".into()
        }),
        ("bad uuid", |v| {
            v["records"][0]["uuid"] = "not-a-uuid".into()
        }),
        ("unknown field", |v| {
            v["records"][0]["stat"] = "queued".into()
        }),
    ];
    for (what, breakage) in breakages {
        let mut broken = good.clone();
        breakage(&mut broken.value);
        assert!(
            !examples::validate(&spec, &broken).is_empty(),
            "{what} was not caught"
        );
    }
}

/// Every JSON document the page prints is in the spec, as an example or as a printed example
/// next to its correction; every body example in the spec comes from the page.
#[test]
fn printed_documents_are_in_the_specs() {
    let Some(dir) = seeds_available() else { return };
    for api in APIS {
        let capture = std::fs::read_to_string(dir.join(api.seed)).expect("seed is readable");
        let printed =
            seeds::printed_documents(&capture).unwrap_or_else(|e| panic!("{}: {e}", api.seed));
        let spec = api.spec_json();
        let found = examples::collect(&spec);
        assert!(!printed.is_empty(), "{}: no printed JSON found", api.seed);
        let mut map = String::new();
        for document in &printed {
            let example = found.iter().find(|example| example.value == document.value);
            let Some(example) = example else {
                panic!(
                    "{}:{}: the document after {:?} is not an example in {}",
                    api.seed,
                    document.line,
                    document.marker,
                    api.spec_rel()
                )
            };
            let _ = writeln!(
                map,
                "line {} ({}) -> {}",
                document.line, document.marker, example.pointer
            );
        }
        insta::assert_snapshot!(format!("printed_{}", api.name), map);
        for example in found.iter().filter(|example| is_body_example(example)) {
            let from_page = printed
                .iter()
                .any(|document| document.value == example.value);
            let corrected = found.iter().any(|other| {
                other.printed_for.is_some() && other.schema_pointer == example.schema_pointer
            });
            assert!(
                from_page || corrected,
                "{}#{}: a body example that the page does not print and no deviation explains",
                api.spec_rel(),
                example.pointer
            );
        }
        for (line, value) in seeds::field_examples(&capture) {
            assert!(
                contains_value(&spec, &value),
                "{}:{line}: field example {value} is not in {}",
                api.seed,
                api.spec_rel()
            );
        }
    }
}

/// Each deviation marked in a spec (`# deviation NAME-N`) has an entry in `specs/README.md`,
/// and each entry there is marked in its spec.
#[test]
fn deviations_are_marked_and_documented() {
    let documented = documented_deviations();
    let mut marked = BTreeSet::new();
    for api in APIS {
        let text = std::fs::read_to_string(api.spec_path()).expect("spec is readable");
        for (index, line) in text.lines().enumerate() {
            let Some((_, rest)) = line.split_once("# deviation ") else {
                continue;
            };
            let id = rest
                .split(':')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            assert!(
                id.starts_with(&format!("{}-", api.name)),
                "{}:{}: deviation {id} belongs to another spec",
                api.spec_rel(),
                index + 1
            );
            assert!(
                documented.contains(&id),
                "{}:{}: {id} is not in specs/README.md",
                api.spec_rel(),
                index + 1
            );
            marked.insert(id);
        }
    }
    let unmarked = documented.difference(&marked).collect::<Vec<_>>();
    assert!(
        unmarked.is_empty(),
        "documented in specs/README.md but marked in no spec: {unmarked:?}"
    );
}

/// The deviation IDs that `specs/README.md` documents, from entries such as `1. **ontap-4**`.
fn documented_deviations() -> BTreeSet<String> {
    let readme =
        std::fs::read_to_string(root().join("specs/README.md")).expect("specs/README.md exists");
    let mut ids = BTreeSet::new();
    for line in readme.lines() {
        let Some((number, rest)) = line.split_once(". **") else {
            continue;
        };
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let id = rest.split("**").next().unwrap_or_default().to_string();
        let (spec, ordinal) = id.rsplit_once('-').unwrap_or_default();
        assert_eq!(
            ordinal, number,
            "specs/README.md: entry {number} is named {id}"
        );
        assert!(
            APIS.iter().any(|api| api.name == spec),
            "specs/README.md: {id} names no spec"
        );
        assert!(
            ids.insert(id.clone()),
            "specs/README.md: {id} appears twice"
        );
    }
    ids
}

fn is_body_example(example: &Example) -> bool {
    example.printed_for.is_none()
        && example.pointer.contains("/content/")
        && example.schema_pointer.ends_with("/schema")
}

fn contains_value(haystack: &Value, needle: &Value) -> bool {
    haystack == needle
        || match haystack {
            Value::Array(items) => items.iter().any(|item| contains_value(item, needle)),
            Value::Object(map) => map.values().any(|item| contains_value(item, needle)),
            _ => false,
        }
}

/// The seeds directory, or `None` outside CI when it is absent (a clone without `shared/`).
fn seeds_available() -> Option<std::path::PathBuf> {
    let dir = seeds_dir();
    if dir.join(APIS[0].seed).is_file() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "source documents not found at {}; set SEEDS_DIR",
            dir.display()
        );
    }
    eprintln!(
        "note: source documents not found at {}; set SEEDS_DIR to compare with them",
        dir.display()
    );
    None
}
