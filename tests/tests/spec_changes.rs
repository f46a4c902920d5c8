//! Every kind of spec change a reviewer meets gets the right report lines, verdict, version and
//! changelog entry; a regeneration bumps a crate's version once per release, keeps what a
//! maintainer wrote, and says what it compared against.

use std::collections::BTreeMap;
use std::path::Path;

use generator::regen::{self, Request};
use generator::review::{self, OnDisk, Review};
use generator::versioning::{CHANGELOG_FILE, RELEASE_FILE, Release, Version};
use tests::spec_changes::{Case, cases};
use tests::workspace::{copy_tree, root};

fn spec_text(case: &Case) -> (String, String) {
    let base = std::fs::read_to_string(root().join("specs").join(case.spec)).unwrap();
    let mut document: serde_json::Value = serde_yaml::from_str(&base).unwrap();
    (case.change)(&mut document);
    (base, serde_yaml::to_string(&document).unwrap())
}

/// Reviews one case: the spec as it is counts as release 0.1.0, the changed spec is generated.
fn review_of(case: &Case) -> (Review, BTreeMap<String, String>) {
    let path = format!("specs/{}", case.spec);
    let (base, changed) = spec_text(case);
    let old = generator::generate_crate(&path, &base).unwrap_or_else(|e| panic!("{e}"));
    let new = generator::generate_crate(&path, &changed)
        .unwrap_or_else(|e| panic!("{}: the changed spec does not generate: {e}", case.name));
    let release = Release {
        version: Version::FIRST,
        source: "the test's release".into(),
        surface: old.surface,
    };
    let on_disk = OnDisk {
        release: Some(release.to_file(&path)),
        cargo_toml: old.krate.files.get("Cargo.toml").cloned(),
        changelog: None,
        workspace_version: None,
    };
    let mut files = new.krate.files;
    let review = review::review(
        &new.krate.name,
        &path,
        "generated/x",
        new.surface,
        &on_disk,
        &mut files,
        || unreachable!("a release is recorded"),
    )
    .unwrap();
    (review, files)
}

#[test]
fn every_kind_of_change_gets_its_verdict_version_and_lines() {
    let mut report = String::new();
    for case in cases() {
        let (review, files) = review_of(&case);
        let lines: Vec<String> = review.changes.iter().map(ToString::to_string).collect();
        assert_eq!(
            generator::changes::verdict(&review.changes),
            case.verdict,
            "{}: {lines:#?}",
            case.name
        );
        assert_eq!(
            review.new_version.to_string(),
            case.version,
            "{}",
            case.name
        );
        for expected in case.lines {
            assert!(
                lines.iter().any(|line| line.contains(expected)),
                "{}: no line says\n  {expected}\nthe lines:\n{}",
                case.name,
                lines.join("\n")
            );
        }
        // The changelog lists every change, and the manifest carries the version.
        let changelog = &files[CHANGELOG_FILE];
        for change in &review.changes {
            assert!(
                changelog.contains(&generator::versioning::markdown_line(change)),
                "{}: the changelog misses {change}",
                case.name
            );
        }
        assert!(
            files["Cargo.toml"].contains(&format!("\nversion = \"{}\"\n", case.version)),
            "{}",
            case.name
        );
        report.push_str(&format!("## {}\n{}\n", case.name, review.text()));
    }
    insta::assert_snapshot!("spec_change_reports", report);
}

/// A renamed type is one change, not a removal plus an addition plus a retyped field.
#[test]
fn a_rename_is_reported_once() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "a schema is renamed")
        .unwrap();
    let (review, _) = review_of(&case);
    assert_eq!(review.changes.len(), 1, "{:#?}", review.changes);
}

fn regenerate(root: &Path) -> regen::Report {
    regen::regenerate(
        root,
        &Request {
            specs: vec!["ontap".into()],
            ..Request::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn change_spec(root: &Path, name: &str) {
    let case = cases().into_iter().find(|c| c.name == name).unwrap();
    let path = root.join("specs/ontap.yaml");
    let mut document: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    (case.change)(&mut document);
    std::fs::write(&path, serde_yaml::to_string(&document).unwrap()).unwrap();
}

/// The story of a pull request: two spec changes, regenerations in between and again, a version
/// raised by hand, a maintainer's note; the version moves once per kind of change since the
/// release and is never lowered; the changelog keeps the note.
#[test]
fn versions_bump_once_per_release_and_changelogs_keep_notes() {
    let scratch = tempfile::tempdir().unwrap();
    let root_dir = scratch.path();
    for dir in ["specs", "generated"] {
        copy_tree(&root().join(dir), &root_dir.join(dir));
    }
    let krate = root_dir.join("generated/ontap-client");
    let version = |krate: &Path| {
        generator::versioning::cargo_version(
            &std::fs::read_to_string(krate.join("Cargo.toml")).unwrap(),
        )
        .unwrap()
        .unwrap()
    };
    // Release the crate as it is, as `cargo xtask release` does; that leaves it fresh.
    let report = regenerate(root_dir);
    assert!(report.is_fresh());
    let start = version(&krate);
    let release = Release {
        version: start,
        source: "the test's release".into(),
        surface: report.reviews[0].surface.clone(),
    };
    std::fs::write(
        krate.join(RELEASE_FILE),
        release.to_file("specs/ontap.yaml"),
    )
    .unwrap();
    let changelog = std::fs::read_to_string(krate.join(CHANGELOG_FILE)).unwrap();
    let released =
        generator::versioning::released_changelog(&changelog, start, "2026-12-03").unwrap();
    std::fs::write(krate.join(CHANGELOG_FILE), released).unwrap();
    let report = regenerate(root_dir);
    assert!(report.is_fresh(), "{}", report.diff());
    assert!(!report.reviews[0].has_news());

    change_spec(root_dir, "a response field is added");
    let report = regenerate(root_dir);
    let additive = version(&krate);
    assert_eq!(
        additive,
        start.bumped(generator::changes::Verdict::Additive)
    );
    let changelog = std::fs::read_to_string(krate.join(CHANGELOG_FILE)).unwrap();
    assert!(
        changelog.contains("optional field `priority` (`.priority`, `Option<String>`) added"),
        "{changelog}"
    );
    assert!(report.reviews[0].text().contains("field `priority`"));

    // Again: nothing to write, no second bump.
    assert!(regenerate(root_dir).is_fresh());
    assert_eq!(version(&krate), additive);

    // A maintainer's note, then a breaking change in the same cycle: one bump to the breaking
    // version, the note kept.
    let noted = changelog.replace(
        "## [Unreleased]\n",
        "## [Unreleased]\n\nThe priority field needs ONTAP 9.16.\n",
    );
    std::fs::write(krate.join(CHANGELOG_FILE), &noted).unwrap();
    change_spec(root_dir, "a response field is removed");
    regenerate(root_dir);
    let breaking = version(&krate);
    assert_eq!(
        breaking,
        start.bumped(generator::changes::Verdict::Breaking)
    );
    let changelog = std::fs::read_to_string(krate.join(CHANGELOG_FILE)).unwrap();
    assert!(
        changelog.contains("The priority field needs ONTAP 9.16.\n"),
        "{changelog}"
    );
    assert!(
        changelog.contains("field `description` (`.description`) removed"),
        "{changelog}"
    );
    assert!(changelog.contains("field `priority`"), "{changelog}");
    assert!(regenerate(root_dir).is_fresh());

    // A version raised by hand stays.
    let manifest = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        manifest.replace(&format!("version = \"{breaking}\""), "version = \"3.0.0\""),
    )
    .unwrap();
    // The changelog's version line follows; the manifest is left as it is.
    let report = regenerate(root_dir);
    assert_eq!(report.reviews[0].new_version.to_string(), "3.0.0");
    assert!(regenerate(root_dir).is_fresh());
    assert_eq!(version(&krate).to_string(), "3.0.0");
    let changelog = std::fs::read_to_string(krate.join(CHANGELOG_FILE)).unwrap();
    assert!(
        changelog.contains("Version 3.0.0: breaking changes since"),
        "{changelog}"
    );

    // Without a release record and without git history, the spec as it is counts as released,
    // and the report says so.
    std::fs::remove_file(krate.join(RELEASE_FILE)).unwrap();
    let report = regenerate(root_dir);
    let recorded = std::fs::read_to_string(krate.join(RELEASE_FILE)).unwrap();
    assert!(recorded.contains("no git history"), "{recorded}");
    assert!(
        report.reviews[0].compared_with.contains("no git history"),
        "{}",
        report.reviews[0].compared_with
    );
    assert!(report.reviews[0].changes.is_empty());
}
