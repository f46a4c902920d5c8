//! Repository rules that no compiler checks: generated files carry the marker and hand-written
//! ones do not, every spec has its crate and every crate its spec, every module says what it is for.

use std::path::{Path, PathBuf};

use generator::format::GENERATED_MARKER;
use generator::regen::SOURCES;
use tests::workspace::root;

/// Directories of hand-written Rust whose every file must open with a `//!` line.
const HAND_WRITTEN: [&str; 12] = [
    "generator/src",
    "generator/benches",
    "xtask/src",
    "tests/src",
    "tests/tests",
    "storage-jobs-runtime/src",
    "simulator/src",
    "jobs/src",
    "storage-jobs/src",
    "storage-jobs/tests",
    "tests/benches",
    "tests/examples",
];

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name == "snapshots") {
                continue;
            }
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn first_line(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn generated_files_carry_the_marker_and_name_their_spec() {
    for source in SOURCES {
        for file in files_under(&root().join(source.output)) {
            let line = first_line(&file);
            assert!(
                line.contains(GENERATED_MARKER),
                "{}: no generated marker",
                file.display()
            );
            assert!(
                line.contains(&format!("from {}/", source.specs)),
                "{}: header names no spec",
                file.display()
            );
        }
    }
}

#[test]
fn hand_written_files_do_not_claim_to_be_generated() {
    for dir in HAND_WRITTEN
        .iter()
        .chain(&["specs", "tests/fixtures/good", "tests/fixtures/bad"])
    {
        for file in files_under(&root().join(dir)) {
            assert!(
                !first_line(&file).contains(GENERATED_MARKER),
                "{} claims to be generated",
                file.display()
            );
        }
    }
}

#[test]
fn every_spec_has_a_crate_and_every_crate_a_spec() {
    for source in SOURCES {
        let mut specs: Vec<String> = files_under(&root().join(source.specs))
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .map(|p| generator::crate_name(p.file_stem().unwrap().to_str().unwrap()))
            .collect();
        let mut crates: Vec<String> = std::fs::read_dir(root().join(source.output))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        specs.sort();
        crates.sort();
        assert_eq!(
            specs, crates,
            "{} and {} disagree",
            source.specs, source.output
        );
    }
}

#[test]
fn every_hand_written_module_starts_with_a_doc_line() {
    for dir in HAND_WRITTEN {
        for file in files_under(&root().join(dir))
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        {
            assert!(
                first_line(file).starts_with("//!"),
                "{}: the first line must be a `//!` doc line",
                file.display()
            );
        }
    }
}

/// Every crate's versions in a `Cargo.lock`, by name.
fn locked_versions(path: &Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut versions: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for block in text.split("[[package]]").skip(1) {
        let value = |key: &str| {
            block
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{key} = \"")))
                .map(|rest| rest.trim_end_matches('"').to_string())
        };
        if let (Some(name), Some(version)) = (value("name"), value("version")) {
            versions.entry(name).or_default().push(version);
        }
    }
    versions
}

/// `cargo xtask regen` builds the generator in xtask's workspace, the tests in the root one;
/// both lock files must pin the same version of every crate the generator uses, or the two
/// could generate different code from the same spec.
#[test]
fn both_lock_files_pin_the_same_versions() {
    let root_lock = locked_versions(&root().join("Cargo.lock"));
    let xtask_lock = locked_versions(&root().join("xtask/Cargo.lock"));
    for (name, versions) in &xtask_lock {
        if name == "xtask" {
            continue;
        }
        // The root may hold other versions too, for crates the generator does not use.
        let in_root = root_lock.get(name).cloned().unwrap_or_default();
        assert!(
            versions.iter().all(|v| in_root.contains(v)),
            "{name}: xtask/Cargo.lock pins {versions:?}, Cargo.lock {in_root:?}; run `cargo update -p {name}` in the one that lags"
        );
    }
}
