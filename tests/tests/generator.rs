//! Keeps the generated crates in step with the specs and the generator: fresh, deterministic,
//! a readable API surface per crate, and a located one-line error for every bad spec.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use generator::regen::{self, RegenError, Request};
use tests::workspace::{APIS, copy_tree, root};

#[test]
fn generated_code_is_fresh() {
    let report = regen::regenerate(
        &root(),
        &Request {
            check: true,
            ..Request::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.is_fresh(),
        "generated code is stale; run `cargo xtask regen` and commit the result:\n{}",
        report.diff()
    );
}

#[test]
fn generation_is_deterministic() {
    for api in APIS {
        let text = std::fs::read_to_string(api.spec_path()).unwrap();
        let first = generator::generate_crate(&api.spec_rel(), &text).unwrap();
        let second = generator::generate_crate(&api.spec_rel(), &text).unwrap();
        assert_eq!(
            first,
            second,
            "{} generated differently twice",
            api.spec_rel()
        );
    }
}

#[test]
fn api_surface_snapshots() {
    for api in APIS {
        let dir = root()
            .join("generated")
            .join(generator::crate_name(api.name));
        insta::assert_snapshot!(
            format!("surface_{}", api.name),
            tests::surface::render(&dir)
        );
    }
    let awkward = root().join("tests/fixtures/generated/awkward-names-client");
    insta::assert_snapshot!("surface_awkward-names", tests::surface::render(&awkward));
}

/// Each bad spec fails with exactly one line that starts with its path and a line and column.
#[test]
fn bad_specs_fail_with_one_located_line() {
    let mut count = 0;
    insta::glob!("../fixtures/bad", "*.*", |path| {
        count += 1;
        let rel = relative(path);
        let text = std::fs::read_to_string(path).unwrap();
        let error =
            generator::generate_crate(&rel, &text).expect_err(&format!("{rel} should fail"));
        let message = error.to_string();
        assert_eq!(
            message.lines().count(),
            1,
            "{rel}: more than one line:\n{message}"
        );
        let located = message.strip_prefix(&format!("{rel}:")).unwrap_or_default();
        let mut parts = located.splitn(3, ':');
        let line_col = (parts.next(), parts.next());
        assert!(
            matches!(line_col, (Some(l), Some(c)) if l.parse::<usize>().is_ok() && c.parse::<usize>().is_ok()),
            "{rel}: not located as path:line:col: {message}"
        );
        insta::assert_snapshot!(message);
    });
    assert!(count >= 10, "only {count} bad specs");
}

/// Every document of the construct corpus generates, and each note it gets is located as
/// `file:line:col: note:` and recorded in the crate's README.
#[test]
fn construct_documents_generate_with_located_notes() {
    let mut count = 0;
    insta::glob!("../corpus/constructs", "*.*", |path| {
        count += 1;
        let rel = relative(path);
        let text = std::fs::read_to_string(path).unwrap();
        let generated = generator::generate_crate(&rel, &text)
            .unwrap_or_else(|e| panic!("{rel} should generate:\n{e}"));
        let readme = &generated.krate.files["README.md"];
        for note in &generated.notes {
            let shown = note.to_string();
            let located = shown.strip_prefix(&format!("{rel}:")).unwrap_or_default();
            let mut parts = located.splitn(3, ':');
            assert!(
                matches!((parts.next(), parts.next(), parts.next()), (Some(l), Some(c), Some(rest))
                    if l.parse::<usize>().is_ok() && c.parse::<usize>().is_ok() && rest.starts_with(" note: ")),
                "{rel}: not located as path:line:col: note: {shown}"
            );
            assert!(
                readme.contains(&note.without_file()),
                "{rel}: README misses {note}"
            );
        }
        let report: String = generated.notes.iter().map(|n| format!("{n}\n")).collect();
        insta::assert_snapshot!(format!(
            "operations: {}\n{report}",
            generated.operations.join(", ")
        ));
    });
    assert!(count >= 20, "only {count} construct documents");
}

/// A workspace copy in a temporary directory: specs, fixtures and generated output.
fn scratch_workspace() -> tempfile::TempDir {
    let scratch = tempfile::tempdir().unwrap();
    for dir in [
        "specs",
        "generated",
        "tests/fixtures/good",
        "tests/fixtures/generated",
    ] {
        copy_tree(&root().join(dir), &scratch.path().join(dir));
    }
    scratch
}

/// Every bad spec, dropped into `specs/` beside the good ones, makes the whole regeneration
/// fail and leaves every generated file byte-identical.
#[test]
fn a_failing_spec_changes_nothing() {
    let scratch = scratch_workspace();
    // A stale file, so that a regeneration that went ahead would have something to write.
    let stale = scratch.path().join("generated/ontap-client/src/types.rs");
    std::fs::write(
        &stale,
        "// @generated by `cargo xtask regen` from specs/ontap.yaml; do not edit.\n",
    )
    .unwrap();
    let before = snapshot_tree(scratch.path());
    for entry in std::fs::read_dir(root().join("tests/fixtures/bad")).unwrap() {
        let bad = entry.unwrap().path();
        let extension = bad.extension().unwrap().to_str().unwrap();
        let target = scratch.path().join(format!("specs/zz-bad.{extension}"));
        std::fs::copy(&bad, &target).unwrap();
        let outcome = regen::regenerate(scratch.path(), &Request::default());
        assert!(
            matches!(outcome, Err(RegenError::Specs { .. })),
            "{}: regeneration did not fail",
            bad.display()
        );
        std::fs::remove_file(&target).unwrap();
        assert_eq!(
            snapshot_tree(scratch.path()),
            before,
            "{}: a failed regeneration changed files",
            bad.display()
        );
    }
}

/// `x-select` keeps five of FlashArray's 570 operations, and only the types they reach.
#[test]
fn selection_trims_a_large_document() {
    let path = "tests/corpus/published/purestorage-flasharray-2.46.yaml";
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let whole = generator::generate_crate(path, &text).unwrap_or_else(|e| panic!("{e}"));
    let selected = format!(
        "x-select:\n  operations: [get_arrays, get_volumes, get_hosts, get_pods, get_volume_snapshots]\n{text}"
    );
    let trimmed = generator::generate_crate(path, &selected).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(whole.operations.len(), 570);
    assert_eq!(
        trimmed.operations,
        // in document order
        [
            "get_arrays",
            "get_hosts",
            "get_pods",
            "get_volumes",
            "get_volume_snapshots"
        ]
    );
    let lines = |generated: &generator::Generated| -> usize {
        generated
            .krate
            .files
            .values()
            .map(|text| text.lines().count())
            .sum()
    };
    assert!(
        lines(&trimmed) * 20 < lines(&whole),
        "trimmed {} lines, whole {}",
        lines(&trimmed),
        lines(&whole)
    );
    assert!(
        trimmed.notes.iter().any(|note| note.message
            == "`x-select` keeps 5 of 570 operations; the other 565 are left out"),
        "{:#?}",
        trimmed.notes
    );
}

/// Specs are read from `.yaml`, `.yml` and `.json` files; a name with dots makes a valid
/// package name; two files that would make the same crate are refused.
#[test]
fn specs_of_every_extension_and_dotted_names_make_crates() {
    let scratch = scratch_workspace();
    let specs = scratch.path().join("specs");
    std::fs::copy(
        root().join("tests/corpus/progenitor/cli-gen.json"),
        specs.join("api.example.com.json"),
    )
    .unwrap();
    std::fs::copy(
        root().join("tests/corpus/constructs/no-responses.yaml"),
        specs.join("jobs.yml"),
    )
    .unwrap();
    regen::regenerate(scratch.path(), &Request::default()).unwrap_or_else(|e| panic!("{e}"));
    let manifest = std::fs::read_to_string(
        scratch
            .path()
            .join("generated/api-example-com-client/Cargo.toml"),
    )
    .unwrap();
    assert!(
        manifest.contains("name = \"api-example-com-client\""),
        "{manifest}"
    );
    assert!(
        scratch
            .path()
            .join("generated/jobs-client/src/lib.rs")
            .exists()
    );
    std::fs::copy(specs.join("jobs.yml"), specs.join("jobs.yaml")).unwrap();
    let error = regen::regenerate(scratch.path(), &Request::default()).unwrap_err();
    assert!(matches!(error, RegenError::SameCrate { .. }), "{error}");
}

/// Regeneration rewrites stale files, recreates missing ones, deletes generated files nothing
/// produces, and refuses to overwrite a hand-written file.
#[test]
fn regeneration_repairs_generated_and_spares_hand_written_files() {
    let scratch = scratch_workspace();
    let crate_dir = scratch.path().join("generated/vspc-client");
    let expected = snapshot_tree(scratch.path());
    std::fs::write(
        crate_dir.join("src/types.rs"),
        "// @generated by `cargo xtask regen` from specs/vspc.yaml; do not edit.\n",
    )
    .unwrap();
    std::fs::remove_file(crate_dir.join("src/client.rs")).unwrap();
    let orphan = crate_dir.join("src/orphan.rs");
    std::fs::write(
        &orphan,
        "// @generated by `cargo xtask regen` from specs/vspc.yaml; do not edit.\n",
    )
    .unwrap();
    let hand_written = crate_dir.join("src/extra.rs");
    std::fs::write(&hand_written, "//! Written by hand.\n").unwrap();

    let report = regen::regenerate(scratch.path(), &Request::default()).unwrap();
    assert_eq!(report.plans[0].writes.len(), 2);
    assert_eq!(report.plans[0].deletes.len(), 1);
    std::fs::remove_file(&hand_written).unwrap();
    assert_eq!(snapshot_tree(scratch.path()), expected);

    std::fs::write(crate_dir.join("README.md"), "Written by hand.\n").unwrap();
    let error = regen::regenerate(scratch.path(), &Request::default()).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("generated/vspc-client/README.md: exists but is not a generated file"),
        "{error}"
    );
    assert_eq!(
        std::fs::read_to_string(crate_dir.join("README.md")).unwrap(),
        "Written by hand.\n"
    );
}

/// From an output directory holding only each crate's records (its release and changelog, which
/// carry history no spec holds), regeneration restores every committed file byte for byte.
/// Without the records too it still regenerates every crate, and records the spec as it is as
/// released.
#[test]
fn regeneration_from_nothing_restores_generated() {
    let scratch = scratch_workspace();
    let expected = snapshot_tree(scratch.path());
    let records = [
        generator::versioning::RELEASE_FILE,
        generator::versioning::CHANGELOG_FILE,
    ];
    let generated = scratch.path().join("generated");
    for (path, _) in snapshot_tree(&generated) {
        let name = path.file_name().unwrap().to_str().unwrap();
        if !records.contains(&name) {
            std::fs::remove_file(generated.join(&path)).unwrap();
        }
    }
    std::fs::remove_dir_all(scratch.path().join("tests/fixtures/generated")).unwrap();
    regen::regenerate(scratch.path(), &Request::default()).unwrap();
    assert_eq!(snapshot_tree(scratch.path()), expected);

    std::fs::remove_dir_all(scratch.path().join("generated")).unwrap();
    let report = regen::regenerate(scratch.path(), &Request::default()).unwrap();
    let regenerated = snapshot_tree(scratch.path());
    for (path, bytes) in &expected {
        let name = path.file_name().unwrap().to_str().unwrap();
        // Each crate starts again at the first version.
        if !records.contains(&name) && name != "Cargo.toml" {
            assert_eq!(regenerated.get(path), Some(bytes), "{}", path.display());
        }
    }
    for review in &report.reviews {
        assert_eq!(review.new_version, generator::versioning::Version::FIRST);
        assert!(
            review.compared_with.contains("a new crate"),
            "{}",
            review.compared_with
        );
    }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

fn snapshot_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                pending.push(entry.path());
            } else {
                files.insert(
                    entry.path().strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(entry.path()).unwrap(),
                );
            }
        }
    }
    files
}
