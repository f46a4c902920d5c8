//! `cargo xtask regen`: generate every crate in memory, then write all of it or none of it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use generator::write::{self, Scope};

/// Command-line options of `regen`.
#[derive(Debug, Default)]
pub struct Options {
    /// Write nothing; report staleness.
    pub check: bool,
    /// Spec names (file stems) to regenerate; empty means all.
    pub specs: Vec<String>,
}

/// The workspace root: the parent of this package.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

pub fn run(options: &Options) -> Result<ExitCode> {
    let root = workspace_root();
    let started = Instant::now();
    let all = generator::spec_names(&root).context("listing specs/")?;
    for name in &options.specs {
        if !all.contains(name) {
            bail!("no spec named `{name}`: specs/ has {}", all.join(", "));
        }
    }
    let selected = if options.specs.is_empty() {
        all
    } else {
        options.specs.clone()
    };

    let mut crates = Vec::new();
    let mut failures = Vec::new();
    for name in &selected {
        let spec_path = format!("specs/{name}.yaml");
        let text = std::fs::read_to_string(root.join(&spec_path))
            .with_context(|| format!("reading {spec_path}"))?;
        let spec_started = Instant::now();
        match generator::generate_crate(&spec_path, &text) {
            Ok(generated) => {
                println!(
                    "generated {:<22} from {spec_path} in {} ms",
                    generated.name,
                    spec_started.elapsed().as_millis()
                );
                crates.push(generated);
            }
            Err(errors) => failures.push(errors),
        }
    }
    if !failures.is_empty() {
        for errors in &failures {
            eprintln!("{errors}");
        }
        bail!(
            "{} of {} specs failed; nothing under generated/ was changed",
            failures.len(),
            selected.len()
        );
    }

    let names: Vec<String> = crates.iter().map(|c| c.name.clone()).collect();
    let scope = if options.specs.is_empty() {
        Scope::All
    } else {
        Scope::Only(&names)
    };
    let plan = write::plan(&root, &crates, scope)?;
    let rerun = if options.specs.is_empty() {
        "cargo xtask regen".to_string()
    } else {
        format!(
            "cargo xtask regen{}",
            options
                .specs
                .iter()
                .map(|s| format!(" --spec {s}"))
                .collect::<String>()
        )
    };
    if options.check {
        if plan.is_empty() {
            println!(
                "generated/ is fresh: {} files checked in {} ms",
                plan.unchanged,
                started.elapsed().as_millis()
            );
            return Ok(ExitCode::SUCCESS);
        }
        print!("{}", plan.diff());
        eprintln!(
            "error: generated/ is stale ({} to write, {} to delete); run `{rerun}` and commit the result",
            plan.writes.len(),
            plan.deletes.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    write::apply(&root, &plan).context("writing generated/")?;
    for (path, _, old) in &plan.writes {
        println!(
            "{} {}",
            if old.is_some() { "updated" } else { "created" },
            path.display()
        );
    }
    for (path, _) in &plan.deletes {
        println!("deleted {}", path.display());
    }
    println!(
        "{} written, {} deleted, {} unchanged in {} ms",
        plan.writes.len(),
        plan.deletes.len(),
        plan.unchanged,
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}
