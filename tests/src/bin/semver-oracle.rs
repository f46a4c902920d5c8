//! Checks the change report against `cargo-semver-checks`: for every case of the suite of spec
//! changes, generates the crate from the spec and from the changed spec into two scratch
//! workspaces, runs `cargo semver-checks check-release --release-type patch` (does it see a
//! break?), and prints one table row per case beside the report's own verdict and version.
//! Needs `cargo install --locked cargo-semver-checks`; `cargo run -p tests --bin semver-oracle
//! [OUT_DIR]` (default `target/semver-oracle`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use generator::changes::Verdict;
use generator::review::{self, OnDisk};
use generator::versioning::{Release, Version};
use tests::spec_changes::{Case, cases};
use tests::workspace::root;

fn main() -> ExitCode {
    let out = std::env::args()
        .nth(1)
        .map_or_else(|| root().join("target/semver-oracle"), PathBuf::from);
    let mut rows = vec![
        "| change | report | version | cargo-semver-checks | agree |".to_string(),
        "|---|---|---|---|---|".to_string(),
    ];
    let mut disagreements = 0;
    for case in cases() {
        match run_case(&case, &out) {
            Ok(row) => {
                disagreements += usize::from(!row.1);
                rows.push(row.0);
            }
            Err(error) => {
                eprintln!("{}: {error}", case.name);
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{}", rows.join("\n"));
    if disagreements > 0 {
        eprintln!(
            "{disagreements} case(s) where the report and cargo-semver-checks disagree without a wire-level reason"
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// One case: its table row and whether the two verdicts agree (or the report names why
/// cargo-semver-checks cannot see the break).
fn run_case(case: &Case, out: &Path) -> Result<(String, bool), String> {
    let spec_path = format!("specs/{}", case.spec);
    let base = std::fs::read_to_string(root().join(&spec_path)).map_err(|e| e.to_string())?;
    let mut document: serde_json::Value = serde_yaml::from_str(&base).map_err(|e| e.to_string())?;
    (case.change)(&mut document);
    let changed = serde_yaml::to_string(&document).map_err(|e| e.to_string())?;
    let old = generator::generate_crate(&spec_path, &base).map_err(|e| e.to_string())?;
    let new = generator::generate_crate(&spec_path, &changed).map_err(|e| e.to_string())?;
    let release = Release {
        version: Version::FIRST,
        source: "the oracle's release".into(),
        surface: old.surface.clone(),
    };
    let on_disk = OnDisk {
        release: Some(release.to_file(&spec_path)),
        cargo_toml: None,
        changelog: None,
        workspace_version: None,
    };
    let mut new_files = new.krate.files.clone();
    let review = review::review(
        &new.krate.name,
        &spec_path,
        "new",
        new.surface.clone(),
        &on_disk,
        &mut new_files,
        || unreachable!("a release is recorded"),
    )?;
    let mut old_files = old.krate.files.clone();
    if let Some(cargo) = old_files.get_mut("Cargo.toml") {
        *cargo = review::set_version(cargo, Version::FIRST);
    }
    let slug: String = case
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let directory = out.join(slug);
    let _ = std::fs::remove_dir_all(&directory);
    let old_root = directory.join("old");
    let new_root = directory.join("new");
    write_workspace(&old_root, &old.krate.name, &old_files)?;
    write_workspace(&new_root, &new.krate.name, &new_files)?;

    let output = Command::new("cargo")
        .args(["semver-checks", "check-release", "--release-type", "patch"])
        .arg("--manifest-path")
        .arg(new_root.join(&new.krate.name).join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(old_root.join(&old.krate.name))
        .env("CARGO_TARGET_DIR", out.join("target"))
        .output()
        .map_err(|e| format!("cargo semver-checks could not run: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(directory.join("semver-checks.txt"), &text).map_err(|e| e.to_string())?;
    if !output.status.success() && !text.contains("semver requires new major version") {
        return Err(format!(
            "cargo semver-checks failed without a verdict:\n{text}"
        ));
    }
    let lints: Vec<String> = text
        .lines()
        .filter_map(|line| line.trim().strip_prefix("--- failure "))
        .map(|rest| rest.split(':').next().unwrap_or(rest).trim().to_string())
        .collect();
    let sees_break = !output.status.success();
    let ours = generator::changes::verdict(&review.changes);
    let we_break = ours == Some(Verdict::Breaking);
    let agree = sees_break == we_break || (we_break && case.semver_blind.is_some());
    let theirs = if sees_break {
        format!("breaking ({})", lints.join(", "))
    } else if let (true, Some(reason)) = (we_break, case.semver_blind) {
        format!("no break seen; why: {reason}")
    } else {
        "no break".to_string()
    };
    let row = format!(
        "| {} | {} | 0.1.0 → {} | {} | {} |",
        case.name,
        ours.map_or("no change".to_string(), |v| v.to_string()),
        review.new_version,
        theirs,
        if agree { "yes" } else { "**no**" }
    );
    eprintln!("{row}");
    Ok((row, agree))
}

/// A workspace holding one generated crate, with the root workspace's dependency table and the
/// runtime by absolute path.
fn write_workspace(
    directory: &Path,
    name: &str,
    files: &std::collections::BTreeMap<String, String>,
) -> Result<(), String> {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).map_err(|e| e.to_string())?;
    let start = manifest
        .find("[workspace.package]")
        .ok_or("the root manifest has no [workspace.package]")?;
    let end = manifest[start..]
        .find("\n[workspace.lints")
        .map_or(manifest.len(), |i| start + i);
    let tables = manifest[start..end].replace(
        "path = \"storage-jobs-runtime\"",
        &format!(
            "path = \"{}\"",
            root().join("storage-jobs-runtime").display()
        ),
    );
    let text = format!("[workspace]\nresolver = \"3\"\nmembers = [\"{name}\"]\n\n{tables}");
    std::fs::create_dir_all(directory).map_err(|e| e.to_string())?;
    std::fs::write(directory.join("Cargo.toml"), text).map_err(|e| e.to_string())?;
    std::fs::copy(root().join("Cargo.lock"), directory.join("Cargo.lock"))
        .map_err(|e| e.to_string())?;
    for (path, text) in files {
        let target = directory.join(name).join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&target, text).map_err(|e| e.to_string())?;
    }
    Ok(())
}
