//! Brings `generated/` in line with freshly generated crates: plans the changes, shows them as a
//! unified diff, and applies them, touching only files whose bytes change and deleting only
//! files that carry the generated marker.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::GeneratedCrate;
use crate::format::GENERATED_MARKER;

/// The directory, relative to the workspace root, that holds the generated crates.
pub const GENERATED_DIR: &str = "generated";

/// What has to change under `generated/`, as workspace-relative paths.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to create or overwrite: path, new text, old text (if the file exists).
    pub writes: Vec<(PathBuf, String, Option<String>)>,
    /// Generated files that nothing produces any more: path, old text.
    pub deletes: Vec<(PathBuf, String)>,
    /// Files already up to date.
    pub unchanged: usize,
}

impl Plan {
    /// Whether `generated/` already matches.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.deletes.is_empty()
    }

    /// Every change as a unified diff, `a/` the tree on disk and `b/` the generated one.
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for (path, new, old) in &self.writes {
            out.push_str(&unified(
                path,
                old.as_deref().unwrap_or_default(),
                new,
                old.is_none(),
                false,
            ));
        }
        for (path, old) in &self.deletes {
            out.push_str(&unified(path, old, "", false, true));
        }
        out
    }
}

fn unified(path: &Path, old: &str, new: &str, created: bool, deleted: bool) -> String {
    let display = path.display().to_string();
    let from = if created {
        "/dev/null".to_string()
    } else {
        format!("a/{display}")
    };
    let to = if deleted {
        "/dev/null".to_string()
    } else {
        format!("b/{display}")
    };
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&from, &to)
        .to_string()
}

/// Which crates a regeneration covers: all of them, or the named ones (`--spec`).
pub enum Scope<'a> {
    /// Every crate directory under `generated/`; crates without a spec are deleted.
    All,
    /// Only these crate directories; others are left alone.
    Only(&'a [String]),
}

/// Compares the generated crates with `root/output/` (for example `generated/`).
///
/// Fails, writing nothing, if a generated path is taken by a file without the marker: that
/// file was written by hand and regeneration must not destroy it.
pub fn plan(
    root: &Path,
    output: &Path,
    crates: &[GeneratedCrate],
    scope: Scope<'_>,
) -> io::Result<Plan> {
    let mut wanted: BTreeMap<PathBuf, &str> = BTreeMap::new();
    for generated in crates {
        for (file, text) in &generated.files {
            wanted.insert(output.join(&generated.name).join(file), text);
        }
    }
    let mut plan = Plan::default();
    for (path, text) in &wanted {
        match fs::read_to_string(root.join(path)) {
            Ok(old) if old == *text => plan.unchanged += 1,
            Ok(old) if !is_generated(&old) => {
                return Err(io::Error::other(format!(
                    "{}: exists but is not a generated file (no `{GENERATED_MARKER}` header); move it away before regenerating",
                    path.display()
                )));
            }
            Ok(old) => plan
                .writes
                .push((path.clone(), text.to_string(), Some(old))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                plan.writes.push((path.clone(), text.to_string(), None))
            }
            Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
        }
    }
    let directories: Vec<PathBuf> = match scope {
        Scope::All => vec![output.to_path_buf()],
        Scope::Only(names) => names.iter().map(|name| output.join(name)).collect(),
    };
    for directory in directories {
        for path in files_under(root, &directory)? {
            if wanted.contains_key(&path) {
                continue;
            }
            if let Ok(old) = fs::read_to_string(root.join(&path))
                && is_generated(&old)
            {
                plan.deletes.push((path, old));
            }
        }
    }
    Ok(plan)
}

/// A file is generated if its first line carries the marker.
fn is_generated(text: &str) -> bool {
    text.lines()
        .next()
        .is_some_and(|line| line.contains(GENERATED_MARKER))
}

/// Every file under `root/relative`, as workspace-relative paths in sorted order.
fn files_under(root: &Path, relative: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![relative.to_path_buf()];
    while let Some(directory) = pending.pop() {
        let entries = match fs::read_dir(root.join(&directory)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let path = directory.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Carries out a plan. Each file is written to a temporary sibling and renamed into place, so
/// a reader never sees half a file; directories left empty by deletions are removed.
pub fn apply(root: &Path, plan: &Plan) -> io::Result<()> {
    for (path, text, _) in &plan.writes {
        let target = root.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        let temporary = target.with_extension("regen-tmp");
        fs::write(&temporary, text)?;
        fs::rename(&temporary, &target)?;
    }
    for (path, _) in &plan.deletes {
        let target = root.join(path);
        fs::remove_file(&target)?;
        let mut directory = target.parent();
        while let Some(current) = directory {
            if current == root || fs::remove_dir(current).is_err() {
                break;
            }
            directory = current.parent();
        }
    }
    Ok(())
}
