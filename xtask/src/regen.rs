//! `cargo xtask regen`: runs the generator's regeneration and reports it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use generator::regen::{self, Request};

/// The workspace root: the parent of this package.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

pub fn run(request: &Request) -> Result<ExitCode> {
    let started = Instant::now();
    let report = regen::regenerate(&workspace_root(), request)?;
    for (spec, took) in &report.timings {
        println!("generated from {spec:<36} in {:>4} ms", took.as_millis());
    }
    let rerun = format!(
        "cargo xtask regen{}",
        request
            .specs
            .iter()
            .map(|s| format!(" --spec {s}"))
            .collect::<String>()
    );
    let unchanged: usize = report.plans.iter().map(|p| p.unchanged).sum();
    if request.check {
        if report.is_fresh() {
            println!(
                "fresh: {unchanged} generated files match, in {} ms",
                started.elapsed().as_millis()
            );
            return Ok(ExitCode::SUCCESS);
        }
        print!("{}", report.diff());
        eprintln!("error: generated code is stale; run `{rerun}` and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    let (mut written, mut deleted) = (0, 0);
    for plan in &report.plans {
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
        written += plan.writes.len();
        deleted += plan.deletes.len();
    }
    println!(
        "{written} written, {deleted} deleted, {unchanged} unchanged, in {} ms",
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}
