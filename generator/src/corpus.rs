//! The corpus: published OpenAPI documents and documents written for one construct each, under
//! `tests/corpus/`. For each, what the generator keeps and drops and what raw progenitor does
//! with it, as the table in `docs/CORPUS.md` shows (and a test keeps true); `cargo xtask corpus`
//! writes their crates for CI to build.

use std::path::{Path, PathBuf};

use crate::baseline::RawOutcome;
use crate::regen::SPEC_EXTENSIONS;
use crate::{Errors, Generated};

/// The corpus directory, relative to the workspace root.
pub const CORPUS_DIR: &str = "tests/corpus";

/// The markers around the generated table in `docs/CORPUS.md`.
pub const TABLE_START: &str = "<!-- corpus table: `cargo xtask corpus --table` writes it -->";
/// See [`TABLE_START`].
pub const TABLE_END: &str = "<!-- end of corpus table -->";

/// Every corpus document, as a workspace-relative path, sorted.
pub fn documents(root: &Path) -> std::io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending = vec![root.join(CORPUS_DIR)];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| SPEC_EXTENSIONS.contains(&e))
            {
                found.push(relative(root, &path));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// One document's line of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The document's workspace-relative path.
    pub document: String,
    /// What the file is: Swagger 2.0, OpenAPI 3.0, OpenAPI 3.1.
    pub dialect: String,
    /// Operations in the document.
    pub operations: usize,
    /// Operations the generated crate offers.
    pub kept: usize,
    /// Each dropped operation, with the reason.
    pub dropped: Vec<String>,
    /// How many notes the generator made.
    pub notes: usize,
    /// What raw progenitor does with it.
    pub raw: String,
}

/// The crate name of a corpus document: its directory, stem and extension, so that no two
/// documents share one (`param-overrides.json` and `param-overrides.yaml` are both samples).
pub fn crate_name(document: &str) -> String {
    let path = Path::new(document);
    let group = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("corpus");
    let file = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(document);
    crate::crate_name(&format!("{group}-{file}"))
}

/// What `.ci/corpus` found of raw progenitor's crates, as `tests/corpus/raw-progenitor.txt`
/// records it: the raw crate's name and whether it compiles.
pub const RAW_RESULTS: &str = "tests/corpus/raw-progenitor.txt";

/// The raw crate of a corpus document (in `target/corpus-raw/`).
pub fn raw_crate_name(document: &str) -> String {
    format!("raw-{}", crate_name(document))
}

/// Whether raw progenitor's crate for each document compiles, as last recorded.
fn raw_compiles(root: &Path) -> std::collections::BTreeMap<String, bool> {
    std::fs::read_to_string(root.join(RAW_RESULTS))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let (name, outcome) = line.split_once(' ')?;
            Some((name.to_string(), outcome == "compiles"))
        })
        .collect()
}

/// The generated crate and the table row of one corpus document. Raw progenitor runs in a
/// child of `isolation`: on some documents it overflows its stack and aborts the process.
pub fn examine(
    root: &Path,
    document: &str,
    isolation: &crate::isolate::Isolation,
) -> Result<(Generated, Row), Errors> {
    let text = std::fs::read_to_string(root.join(document)).map_err(|e| {
        Errors(vec![crate::Error {
            location: crate::Location {
                file: document.to_string(),
                line_col: None,
                pointer: None,
                operation: None,
            },
            message: format!("cannot read it: {e}"),
        }])
    })?;
    let name = crate_name(document);
    let generated =
        crate::generate_crate_with(document, &text, &name, &crate::engine::Drops::default())?;
    let raw = isolation.raw_progenitor(document, &text);
    let row = row(root, document, &text, &generated, &raw)?;
    Ok((generated, row))
}

/// The table row of a document, the crate generated from it and raw progenitor's outcome.
pub fn row(
    root: &Path,
    document: &str,
    text: &str,
    generated: &Generated,
    raw: &RawOutcome,
) -> Result<Row, Errors> {
    let (spec, _) = crate::load::load(document, text)?;
    let dialect = match spec.dialect {
        crate::load::Dialect::Swagger2 => "Swagger 2.0",
        crate::load::Dialect::OpenApi30 => "OpenAPI 3.0",
        crate::load::Dialect::OpenApi31 => "OpenAPI 3.1",
    };
    let operations = crate::lower::declared_operations(&spec.document);
    let dropped: Vec<String> = generated
        .notes
        .iter()
        .filter_map(|note| {
            let reason = note.message.strip_prefix("operation dropped: ")?;
            let what = note
                .location
                .operation
                .clone()
                .or_else(|| note.location.pointer.clone())
                .unwrap_or_default();
            Some(format!("`{what}`: {reason}"))
        })
        .collect();
    Ok(Row {
        document: document.to_string(),
        dialect: dialect.to_string(),
        operations,
        kept: generated.operations.len(),
        dropped,
        notes: generated.notes.len(),
        raw: match (raw, raw_compiles(root).get(&raw_crate_name(document))) {
            (RawOutcome::Generated(_), Some(true)) => "generates a crate that compiles".into(),
            (RawOutcome::Generated(_), Some(false)) => {
                "generates a crate that does not compile".into()
            }
            (RawOutcome::Generated(_), None) => "generates a crate not yet checked".into(),
            (other, _) => other.summary(),
        },
    })
}

/// The table, in Markdown.
pub fn table(rows: &[Row]) -> String {
    let mut table = String::from(
        "| document | kind | operations | kept | dropped, and why | notes | raw progenitor 0.15.1 |\n|---|---|---|---|---|---|---|\n",
    );
    for row in rows {
        let dropped = if row.dropped.is_empty() {
            "none".to_string()
        } else {
            row.dropped.join("<br>").replace('|', "\\|")
        };
        table.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            row.document,
            row.dialect,
            row.operations,
            row.kept,
            dropped,
            row.notes,
            row.raw.replace('|', "\\|")
        ));
    }
    table
}

/// `text` (the contents of `docs/CORPUS.md`) with the table between the markers replaced.
pub fn with_table(text: &str, table: &str) -> Option<String> {
    let start = text.find(TABLE_START)? + TABLE_START.len();
    let end = text[start..].find(TABLE_END)? + start;
    Some(format!("{}\n\n{table}\n{}", &text[..start], &text[end..]))
}

/// The path of `docs/CORPUS.md` under `root`.
pub fn table_file(root: &Path) -> PathBuf {
    root.join("docs/CORPUS.md")
}
