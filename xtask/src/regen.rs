//! `cargo xtask regen`: runs the generator's regeneration, each spec's pipeline in a child
//! process, and reports what it wrote and every note on what it dropped or rewrote.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use generator::isolate::Isolation;
use generator::regen::{self, Request};

/// How many notes of one kind are printed before the rest are counted.
const NOTES_PER_KIND: usize = 5;

/// The workspace root: the parent of this package.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// Prints a spec's notes, at most a few of each kind (the generated crate's docs list them all).
pub fn print_notes(spec: &str, notes: &[generator::Note]) {
    let mut shown: std::collections::BTreeMap<String, usize> = Default::default();
    let mut hidden = 0;
    for note in notes {
        // A note's kind is its message up to the first name it quotes.
        let kind: String = note
            .message
            .split('`')
            .next()
            .unwrap_or_default()
            .to_string();
        let count = shown.entry(kind).or_default();
        *count += 1;
        if *count <= NOTES_PER_KIND {
            println!("{note}");
        } else {
            hidden += 1;
        }
    }
    if hidden > 0 {
        println!("{spec}: {hidden} more notes like those above; the crate's README lists them all");
    }
}

/// Prints what changed in each crate since its release, with its version.
pub fn print_reviews(reviews: &[generator::review::Review]) {
    for review in reviews.iter().filter(|r| r.has_news()) {
        print!("{}", review.text());
    }
}

/// Regenerates; with `markdown`, writes nothing and prints the change report as Markdown.
pub fn run(mut request: Request, markdown: bool) -> Result<ExitCode> {
    if markdown {
        request.check = true;
    }
    let started = Instant::now();
    request.isolation =
        Some(Isolation::current_exe().context("finding the xtask program to run children")?);
    let report = regen::regenerate(&workspace_root(), &request)?;
    for (spec, notes) in &report.notes {
        print_notes(spec, notes);
    }
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
    if markdown {
        print!("{}", generator::review::markdown(&report.reviews));
        return Ok(ExitCode::SUCCESS);
    }
    if request.check {
        if report.is_fresh() {
            println!(
                "fresh: {unchanged} generated files match, in {} ms",
                started.elapsed().as_millis()
            );
            return Ok(ExitCode::SUCCESS);
        }
        print!("{}", report.diff());
        // The changes of the crates whose files are stale, beside their diff.
        let stale: Vec<generator::review::Review> = report
            .reviews
            .iter()
            .filter(|review| {
                report.plans.iter().any(|plan| {
                    plan.writes
                        .iter()
                        .map(|(path, _, _)| path)
                        .chain(plan.deletes.iter().map(|(path, _)| path))
                        .any(|path| {
                            path.components()
                                .any(|c| c.as_os_str() == review.krate.as_str())
                        })
                })
            })
            .cloned()
            .collect();
        print_reviews(&stale);
        eprintln!(
            "error: generated code is stale (its code, version or changelog); run `{rerun}` and commit the result"
        );
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
    print_reviews(&report.reviews);
    println!(
        "{written} written, {deleted} deleted, {unchanged} unchanged, in {} ms",
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}
