//! One regeneration: generate every selected crate in memory, then plan, check or apply the
//! changes under the output directories, all or nothing. `cargo xtask regen` and the freshness
//! test both call [`regenerate`].

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::isolate::Isolation;
use crate::review::{self, Committed, OnDisk, Review};
use crate::surface::Surface;
use crate::write::{self, Plan, Scope};
use crate::{Errors, GeneratedCrate, Note};

/// The extensions a spec file may have.
pub const SPEC_EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Where specs are read from and where their crates go, relative to the workspace root.
pub const SOURCES: [Source; 2] = [
    Source {
        specs: "specs",
        output: write::GENERATED_DIR,
        versioned: true,
    },
    Source {
        specs: "tests/fixtures/good",
        output: "tests/fixtures/generated",
        versioned: false,
    },
];

/// A directory of specs and the directory their crates are generated into.
#[derive(Debug, Clone, Copy)]
pub struct Source {
    /// Directory of specs (`*.yaml`, `*.yml`, `*.json`).
    pub specs: &'static str,
    /// Directory that holds one `<stem>-client` crate per spec.
    pub output: &'static str,
    /// Whether each crate has its own version, changelog and release record (see
    /// [`crate::review`]); test fixtures do not.
    pub versioned: bool,
}

/// What to regenerate.
#[derive(Debug, Default, Clone)]
pub struct Request {
    /// Spec stems to regenerate; empty means every spec of every source.
    pub specs: Vec<String>,
    /// Plan only; write nothing.
    pub check: bool,
    /// Run each spec's pipeline in a child process (see [`crate::isolate`]); `None` runs it
    /// in this one.
    pub isolation: Option<Isolation>,
}

/// What a regeneration did.
#[derive(Debug)]
pub struct Report {
    /// For each generated crate: its spec path and how long generation took.
    pub timings: Vec<(String, Duration)>,
    /// For each generated crate: its spec path and the notes on what was dropped or rewritten.
    pub notes: Vec<(String, Vec<Note>)>,
    /// The changes, one plan per output directory.
    pub plans: Vec<Plan>,
    /// Whether the plans were applied (false in check mode).
    pub applied: bool,
    /// For each versioned crate: what changed since its release, its version and changelog.
    pub reviews: Vec<Review>,
}

impl Report {
    /// Whether every output directory already matched.
    pub fn is_fresh(&self) -> bool {
        self.plans.iter().all(Plan::is_empty)
    }

    /// All changes as one unified diff.
    pub fn diff(&self) -> String {
        self.plans.iter().map(Plan::diff).collect()
    }
}

/// Why a regeneration changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum RegenError {
    /// `--spec` named a spec that does not exist.
    #[error("no spec named `{name}`; the specs are: {}", available.join(", "))]
    UnknownSpec {
        /// The name given.
        name: String,
        /// Every spec stem.
        available: Vec<String>,
    },
    /// One or more specs failed; each entry holds that spec's errors.
    #[error("{}\n{} of {total} specs failed; nothing was written", failures.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"), failures.len())]
    Specs {
        /// The errors of each failed spec.
        failures: Vec<Errors>,
        /// How many specs were generated.
        total: usize,
    },
    /// Two spec files would make the same crate.
    #[error("{first} and {second} both make the crate {name}; rename one")]
    SameCrate {
        /// The first spec.
        first: String,
        /// The second spec.
        second: String,
        /// The crate they would both make.
        name: String,
    },
    /// A crate's version, changelog or release record cannot be read.
    #[error("{0}")]
    Versioning(String),
    /// Reading specs or reading and writing the output failed.
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// The specs of one source directory, as (stem, workspace-relative path), sorted.
fn specs_in(root: &Path, source: &Source) -> Result<Vec<(String, PathBuf)>, RegenError> {
    let mut specs = Vec::new();
    let entries = match std::fs::read_dir(root.join(source.specs)) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(specs),
        Err(e) => return Err(e.into()),
    };
    for entry in entries {
        let path = entry?.path();
        let Some(file) = path.file_name().and_then(|s| s.to_str()) else {
            continue;
        };
        if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|ext| SPEC_EXTENSIONS.contains(&ext))
        {
            specs.push((
                crate::spec_stem(file).to_string(),
                Path::new(source.specs).join(file),
            ));
        }
    }
    specs.sort();
    for pair in specs.windows(2) {
        let (first, second) = (&pair[0], &pair[1]);
        if crate::crate_name(&first.0) == crate::crate_name(&second.0) {
            return Err(RegenError::SameCrate {
                first: first.1.display().to_string(),
                second: second.1.display().to_string(),
                name: crate::crate_name(&first.0),
            });
        }
    }
    Ok(specs)
}

/// A spec's path, its generated crate and the crate's surface.
type SpecCrate = (String, GeneratedCrate, Surface);

/// Regenerates under `root`. If any selected spec fails, nothing is written.
pub fn regenerate(root: &Path, request: &Request) -> Result<Report, RegenError> {
    let mut per_source = Vec::new();
    let mut available = Vec::new();
    for source in &SOURCES {
        let specs = specs_in(root, source)?;
        available.extend(specs.iter().map(|(stem, _)| stem.clone()));
        per_source.push((source, specs));
    }
    for name in &request.specs {
        if !available.contains(name) {
            return Err(RegenError::UnknownSpec {
                name: name.clone(),
                available,
            });
        }
    }

    let mut timings = Vec::new();
    let mut notes = Vec::new();
    let mut failures = Vec::new();
    let mut generated: Vec<(&Source, Vec<SpecCrate>)> = Vec::new();
    let mut total = 0;
    for (source, specs) in &per_source {
        let mut crates = Vec::new();
        for (stem, path) in specs {
            if !request.specs.is_empty() && !request.specs.contains(stem) {
                continue;
            }
            total += 1;
            let display = path.to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(root.join(path))
                .map_err(|e| io::Error::new(e.kind(), format!("{display}: {e}")))?;
            let started = Instant::now();
            let outcome = match &request.isolation {
                Some(isolation) => isolation.generate(&display, &text),
                None => crate::generate_crate(&display, &text),
            };
            match outcome {
                Ok(one) => {
                    timings.push((display.clone(), started.elapsed()));
                    notes.push((display.clone(), one.notes));
                    crates.push((display, one.krate, one.surface));
                }
                Err(errors) => failures.push(errors),
            }
        }
        generated.push((source, crates));
    }
    if !failures.is_empty() {
        return Err(RegenError::Specs { failures, total });
    }

    // Versioned crates: compare with the last release, then set version and changelog.
    let mut reviews = Vec::new();
    let workspace_version = std::fs::read_to_string(root.join("Cargo.toml"))
        .ok()
        .and_then(|manifest| review::workspace_version(&manifest));
    for (source, crates) in &mut generated {
        if !source.versioned {
            continue;
        }
        for (spec, krate, surface) in crates.iter_mut() {
            let directory = format!("{}/{}", source.output, krate.name);
            let on_disk = OnDisk::read(&root.join(&directory), workspace_version)?;
            let committed = || committed_surface(root, spec, request);
            let one = review::review(
                &krate.name,
                spec,
                &directory,
                surface.clone(),
                &on_disk,
                &mut krate.files,
                committed,
            )
            .map_err(RegenError::Versioning)?;
            reviews.push(one);
        }
    }
    let generated: Vec<(&Source, Vec<GeneratedCrate>)> = generated
        .into_iter()
        .map(|(source, crates)| {
            (
                source,
                crates.into_iter().map(|(_, krate, _)| krate).collect(),
            )
        })
        .collect();

    let mut plans = Vec::new();
    for (source, crates) in &generated {
        let names: Vec<String> = crates.iter().map(|c| c.name.clone()).collect();
        let scope = if request.specs.is_empty() {
            Scope::All
        } else {
            Scope::Only(&names)
        };
        plans.push(write::plan(root, Path::new(source.output), crates, scope)?);
    }
    if !request.check {
        for plan in &plans {
            write::apply(root, plan)?;
        }
    }
    Ok(Report {
        timings,
        notes,
        plans,
        applied: !request.check,
        reviews,
    })
}

/// The surface of a crate as committed, from its spec at git `HEAD`, and how it was found.
fn committed_surface(root: &Path, spec: &str, request: &Request) -> (Option<Surface>, String) {
    match review::committed_spec(root, spec) {
        Committed::Spec(text) => {
            let outcome = match &request.isolation {
                Some(isolation) => isolation.generate(spec, &text),
                None => crate::generate_crate(spec, &text),
            };
            match outcome {
                Ok(generated) => (Some(generated.surface), "its spec at git HEAD".to_string()),
                Err(_) => (
                    None,
                    "its spec at git HEAD does not generate, so the spec as it is now counts as released"
                        .to_string(),
                ),
            }
        }
        Committed::Unknown(why) => (
            None,
            format!("no git history ({why}), so the spec as it is now counts as released"),
        ),
    }
}
