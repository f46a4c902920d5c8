//! The review of one regenerated crate: what it is compared against (its last release, or the
//! crate as committed when no release is recorded), every judged change since, and the version
//! and changelog that follow; printed as text by `regen`, as Markdown by `regen --report`.

use std::path::Path;
use std::process::Command;

use crate::changes::{self, Change};
use crate::surface::Surface;
use crate::versioning::{self, CHANGELOG_FILE, RELEASE_FILE, Release, Version};

/// One crate's review.
#[derive(Debug, Clone)]
pub struct Review {
    /// The package name.
    pub krate: String,
    /// The spec, workspace-relative.
    pub spec: String,
    /// What the changes are relative to, in words.
    pub compared_with: String,
    /// The last release.
    pub release: Release,
    /// The version the crate's `Cargo.toml` said before this regeneration, if it had its own.
    pub old_version: Option<Version>,
    /// The version it says now.
    pub new_version: Version,
    /// Every change since the release, breaking first.
    pub changes: Vec<Change>,
    /// The crate's surface now.
    pub surface: Surface,
}

impl Review {
    /// Whether there is anything to say: a change since the release, or a new version.
    pub fn has_news(&self) -> bool {
        !self.changes.is_empty() || self.old_version != Some(self.new_version)
    }

    /// Whether the crate is exactly its last release: nothing changed and no version moved.
    pub fn is_released(&self) -> bool {
        self.changes.is_empty() && self.release.version == self.new_version
    }

    fn headline(&self) -> String {
        let verdict = changes::verdict(&self.changes)
            .map_or("no API changes".to_string(), |v| format!("{v}"));
        let from = self
            .old_version
            .map_or("(workspace version)".to_string(), |v| v.to_string());
        format!(
            "{} {from} -> {} ({verdict}; {} change{} since {})",
            self.krate,
            self.new_version,
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" },
            self.compared_with
        )
    }

    /// The review as terminal text.
    pub fn text(&self) -> String {
        let mut out = format!("{}\n", self.headline());
        for change in &self.changes {
            out.push_str(&format!("  {change}\n"));
        }
        out
    }

    /// The review as Markdown for a pull request description.
    pub fn markdown(&self) -> String {
        let verdict = changes::verdict(&self.changes);
        let mut out = format!(
            "### `{}` {} → {}{}\n\nFrom `{}`, compared with {}.\n\n",
            self.krate,
            self.old_version
                .map_or("(workspace version)".to_string(), |v| v.to_string()),
            self.new_version,
            verdict.map_or(String::new(), |v| format!(" ({v})")),
            self.spec,
            self.compared_with
        );
        if self.changes.is_empty() {
            out.push_str("No changes to the API.\n");
        }
        for change in &self.changes {
            out.push_str(&format!("- {}\n", versioning::markdown_line(change)));
        }
        out
    }
}

/// The whole Markdown report of a regeneration.
pub fn markdown(reviews: &[Review]) -> String {
    let mut out = String::from("## API changes\n\n");
    let news: Vec<&Review> = reviews.iter().filter(|r| r.has_news()).collect();
    if news.is_empty() {
        out.push_str("No generated crate changes its API or its version.\n");
    }
    for review in news {
        out.push_str(&review.markdown());
        out.push('\n');
    }
    out
}

/// Where a crate's last release comes from when none is recorded: the spec as committed.
pub enum Committed {
    /// The spec's text at git `HEAD`.
    Spec(String),
    /// No git history (a source tarball, a shallow clone without the file): the spec as it is.
    Unknown(String),
}

/// The spec's text at git `HEAD`, or why it cannot be had.
pub fn committed_spec(root: &Path, spec: &str) -> Committed {
    // `HEAD:./path` is relative to the directory `-C` names, wherever the repository's top is.
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("HEAD:./{spec}")])
        .output();
    match output {
        Ok(output) if output.status.success() => match String::from_utf8(output.stdout) {
            Ok(text) => Committed::Spec(text),
            Err(_) => Committed::Unknown("the committed spec is not UTF-8".into()),
        },
        // git's own words depend on its version and locale; the record must not.
        Ok(_) => Committed::Unknown("git has no committed copy of the spec".into()),
        Err(_) => Committed::Unknown("git could not run".into()),
    }
}

/// Everything a review needs from the crate's directory as it is on disk.
pub struct OnDisk {
    /// `release.yaml`, if present.
    pub release: Option<String>,
    /// `Cargo.toml`, if present.
    pub cargo_toml: Option<String>,
    /// `CHANGELOG.md`, if present.
    pub changelog: Option<String>,
    /// The root manifest's `[workspace.package]` version, for a crate that takes it.
    pub workspace_version: Option<Version>,
}

impl OnDisk {
    /// Reads them from `directory`; `workspace_version` is the root manifest's, read once per
    /// regeneration.
    pub fn read(directory: &Path, workspace_version: Option<Version>) -> std::io::Result<OnDisk> {
        let read = |file: &str| match std::fs::read_to_string(directory.join(file)) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", directory.join(file).display()),
            )),
        };
        Ok(OnDisk {
            release: read(RELEASE_FILE)?,
            cargo_toml: read("Cargo.toml")?,
            changelog: read(CHANGELOG_FILE)?,
            workspace_version,
        })
    }
}

/// Reviews a freshly generated crate against its release and rewrites its `Cargo.toml` version,
/// `CHANGELOG.md` and `release.yaml` in `files`. `committed_surface` is asked for the surface of
/// the crate as committed only when no release is recorded.
pub fn review(
    krate: &str,
    spec: &str,
    directory: &str,
    surface: Surface,
    on_disk: &OnDisk,
    files: &mut std::collections::BTreeMap<String, String>,
    committed_surface: impl FnOnce() -> (Option<Surface>, String),
) -> Result<Review, String> {
    let old_version = match &on_disk.cargo_toml {
        Some(text) => versioning::cargo_version(text)
            .transpose()
            .map_err(|e| format!("{directory}/Cargo.toml: {e}"))?,
        None => None,
    };
    let (release, compared_with) = match &on_disk.release {
        Some(text) => {
            let release =
                Release::from_file(text).map_err(|e| format!("{directory}/{RELEASE_FILE}: {e}"))?;
            let words = format!("release {} ({directory}/{RELEASE_FILE})", release.version);
            (release, words)
        }
        None if on_disk.cargo_toml.is_some() => {
            let (committed, how) = committed_surface();
            let mut baseline = committed.unwrap_or_else(|| surface.clone());
            // A crate generated before each crate had its own version was generated in style 1.
            if on_disk
                .cargo_toml
                .as_deref()
                .is_some_and(versioning::uses_workspace_version)
            {
                baseline.style = 1;
            }
            let version = old_version
                .or(on_disk.workspace_version)
                .unwrap_or(Version::FIRST);
            let release = Release {
                version,
                source: format!(
                    "no release was recorded: the crate as committed counts as release {version} ({how})"
                ),
                surface: baseline,
            };
            (
                release,
                format!("the crate as committed, {version} ({how})"),
            )
        }
        None => (
            Release {
                version: Version::FIRST,
                source: "a new crate: its first generation counts as release 0.1.0".into(),
                surface: surface.clone(),
            },
            "nothing (a new crate)".to_string(),
        ),
    };
    let changes = changes::compare(&release.surface, &surface);
    let new_version = versioning::next_version(release.version, &changes, old_version);
    if let Some(cargo) = files.get_mut("Cargo.toml") {
        *cargo = set_version(cargo, new_version);
    }
    let block = versioning::block(release.version, new_version, &changes);
    let changelog = versioning::changelog(krate, spec, on_disk.changelog.as_deref(), &block)
        .map_err(|e| format!("{directory}/{e}"))?;
    files.insert(CHANGELOG_FILE.to_string(), changelog);
    files.insert(RELEASE_FILE.to_string(), release.to_file(spec));
    Ok(Review {
        krate: krate.to_string(),
        spec: spec.to_string(),
        compared_with,
        release,
        old_version,
        new_version,
        changes,
        surface,
    })
}

/// The `version` of a root manifest's `[workspace.package]` table.
pub fn workspace_version(manifest: &str) -> Option<Version> {
    let table = &manifest[manifest.find("[workspace.package]")?..];
    let table = &table[..table[1..].find("\n[").map_or(table.len(), |end| end + 1)];
    versioning::cargo_version(table)?.ok()
}

/// A generated `Cargo.toml` with its package version set.
pub fn set_version(cargo_toml: &str, version: Version) -> String {
    let mut done = false;
    cargo_toml
        .lines()
        .map(|line| {
            if !done && (line.starts_with("version = ") || line == "version.workspace = true") {
                done = true;
                format!("version = \"{version}\"\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}
