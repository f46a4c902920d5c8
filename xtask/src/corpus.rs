//! `cargo xtask corpus`: generates every corpus document's crate into `target/corpus/` (a
//! workspace of its own, sharing the root's dependency versions and lock file) and raw
//! progenitor's code for it into `target/corpus-raw/`, for CI to build; with `--table`, writes
//! the table of `docs/CORPUS.md`, which a test keeps true.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use generator::baseline::RawOutcome;
use generator::corpus;
use generator::isolate::Isolation;

use crate::regen::workspace_root;

/// The root manifest's sections a scratch workspace shares, with paths made absolute.
fn shared_sections(root: &Path) -> Result<String> {
    let manifest =
        std::fs::read_to_string(root.join("Cargo.toml")).context("reading Cargo.toml")?;
    let mut out = String::new();
    let mut keep = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            keep = line.starts_with("[workspace.");
        }
        if keep {
            let line = line.replace("path = \"", &format!("path = \"{}/", root.display()));
            out.push_str(&line);
            out.push('\n');
        }
    }
    Ok(out)
}

fn write_workspace(root: &Path, dir: &Path, shared: &str) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "# Written by `cargo xtask corpus`.\n[workspace]\nresolver = \"3\"\nmembers = [\"*\"]\n\n{shared}"
        ),
    )?;
    // The same versions as the workspace, so the scratch build needs nothing new.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    Ok(())
}

/// A crate of raw progenitor's code, with the dependencies its code names.
fn raw_crate(dir: &Path, name: &str, code: &str) -> Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nbase64.workspace = true\nbytes.workspace = true\nchrono.workspace = true\nfutures.workspace = true\nprogenitor-client.workspace = true\nrand.workspace = true\nregress.workspace = true\nreqwest.workspace = true\nserde.workspace = true\nserde_json.workspace = true\nuuid.workspace = true\n"
        ),
    )?;
    std::fs::write(dir.join("src/lib.rs"), code)?;
    Ok(())
}

pub fn run(write_table: bool) -> Result<ExitCode> {
    let root = workspace_root();
    let isolation = Isolation::current_exe().context("finding the xtask program")?;
    let out = root.join("target/corpus");
    let raw_out = root.join("target/corpus-raw");
    for dir in [&out, &raw_out] {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
    }
    let shared = shared_sections(&root)?;
    write_workspace(&root, &out, &shared)?;
    write_workspace(&root, &raw_out, &shared)?;
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for document in corpus::documents(&root)? {
        let text = std::fs::read_to_string(root.join(&document))?;
        match isolation.generate_as(&document, &text, &corpus::crate_name(&document)) {
            Ok(generated) => {
                let dir = out.join(&generated.krate.name);
                for (file, contents) in &generated.krate.files {
                    let path = dir.join(file);
                    std::fs::create_dir_all(path.parent().expect("a file in the crate"))?;
                    std::fs::write(path, contents)?;
                }
                let raw = isolation.raw_progenitor(&document, &text);
                let row = corpus::row(&root, &document, &text, &generated, &raw)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!(
                    "{document}: {} of {} operations, {} notes; raw progenitor {}",
                    row.kept, row.operations, row.notes, row.raw
                );
                if let RawOutcome::Generated(code) = &raw {
                    let name = corpus::raw_crate_name(&document);
                    raw_crate(&raw_out.join(&name), &name, code)?;
                }
                rows.push(row);
            }
            Err(errors) => failures.push(errors.to_string()),
        }
    }
    if !failures.is_empty() {
        bail!(
            "{}\n{} corpus documents failed",
            failures.join("\n"),
            failures.len()
        );
    }
    let table = corpus::table(&rows);
    let path = corpus::table_file(&root);
    let text = std::fs::read_to_string(&path).context("reading docs/CORPUS.md")?;
    let updated =
        corpus::with_table(&text, &table).context("docs/CORPUS.md has no table markers")?;
    if write_table {
        std::fs::write(&path, updated)?;
        println!("wrote the table of docs/CORPUS.md");
    } else if updated != text {
        eprintln!("docs/CORPUS.md is stale; run `cargo xtask corpus --table`");
        return Ok(ExitCode::FAILURE);
    }
    println!("{} corpus crates in {}", rows.len(), out.display());
    Ok(ExitCode::SUCCESS)
}
