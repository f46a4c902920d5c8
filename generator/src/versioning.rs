//! Each generated crate's own version and changelog: the release record a regeneration compares
//! against (`release.yaml`), Cargo's semver bump for a verdict, and the `CHANGELOG.md` whose
//! generated block lists the changes since that release while everything else in it is kept.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::changes::{Change, Verdict};
use crate::format::GENERATED_MARKER;
use crate::surface::Surface;

/// The release record's file name, in the crate's directory.
pub const RELEASE_FILE: &str = "release.yaml";
/// The changelog's file name, in the crate's directory.
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";
/// The line that opens the changelog's generated block.
pub const BLOCK_BEGIN: &str = "<!-- regen:begin";
/// The line that closes it.
pub const BLOCK_END: &str = "<!-- regen:end -->";

/// A version `MAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Version {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch.
    pub patch: u64,
}

impl Version {
    /// The first version of a new crate.
    pub const FIRST: Version = Version {
        major: 0,
        minor: 1,
        patch: 0,
    };

    /// The version after a change of this verdict, by Cargo's rules: below 1.0 a breaking change
    /// bumps the minor digit and anything else the patch digit; from 1.0 a breaking change bumps
    /// the major digit, an additive one the minor digit, documentation the patch digit.
    pub fn bumped(self, verdict: Verdict) -> Version {
        let Version {
            major,
            minor,
            patch,
        } = self;
        match (major, verdict) {
            (0, Verdict::Breaking) => Version {
                major,
                minor: minor + 1,
                patch: 0,
            },
            (0, _) | (_, Verdict::Documentation) => Version {
                major,
                minor,
                patch: patch + 1,
            },
            (_, Verdict::Additive) => Version {
                major,
                minor: minor + 1,
                patch: 0,
            },
            (_, Verdict::Breaking) => Version {
                major: major + 1,
                minor: 0,
                patch: 0,
            },
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl TryFrom<String> for Version {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

impl From<Version> for String {
    fn from(version: Version) -> String {
        version.to_string()
    }
}

impl std::str::FromStr for Version {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.trim().split('.').collect();
        let number = |part: &str| {
            part.parse::<u64>().map_err(|_| {
                format!("`{text}` is not a version of the form MAJOR.MINOR.PATCH (pre-releases are not supported)")
            })
        };
        match parts.as_slice() {
            [major, minor, patch] => Ok(Version {
                major: number(major)?,
                minor: number(minor)?,
                patch: number(patch)?,
            }),
            _ => Err(format!(
                "`{text}` is not a version of the form MAJOR.MINOR.PATCH"
            )),
        }
    }
}

/// The last release of a crate: its version and what it promised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Release {
    /// The released version.
    pub version: Version,
    /// How the record came about (`cargo xtask release`, or the crate as it was committed).
    pub source: String,
    /// The released surface.
    pub surface: Surface,
}

impl Release {
    /// The record as the file holds it.
    pub fn to_file(&self, spec: &str) -> String {
        let body = serde_yaml::to_string(self).unwrap_or_default();
        format!(
            "# {GENERATED_MARKER} from {spec}: the last release of this crate, which regeneration\n# compares against. `cargo xtask release` rewrites it; do not edit.\n{body}"
        )
    }

    /// Reads a record.
    pub fn from_file(text: &str) -> Result<Release, String> {
        serde_yaml::from_str(text).map_err(|e| e.to_string())
    }
}

/// The version a regeneration gives a crate: the release's, bumped once for the changes since
/// it, and never lower than what the crate's `Cargo.toml` already says (a version raised by hand
/// stays).
pub fn next_version(release: Version, changes: &[Change], current: Option<Version>) -> Version {
    let bumped = match crate::changes::verdict(changes) {
        Some(verdict) => release.bumped(verdict),
        None => release,
    };
    current.map_or(bumped, |current| current.max(bumped))
}

/// The `version` a generated `Cargo.toml` declares, if it declares its own.
pub fn cargo_version(cargo_toml: &str) -> Option<Result<Version, String>> {
    cargo_toml
        .lines()
        .take_while(|line| !line.starts_with("[dependencies"))
        .find_map(|line| {
            let rest = line.trim().strip_prefix("version")?.trim_start();
            let value = rest.strip_prefix('=')?.trim();
            Some(value.trim_matches('"').parse())
        })
}

/// Whether a generated `Cargo.toml` takes the workspace's version (crates generated before each
/// had its own).
pub fn uses_workspace_version(cargo_toml: &str) -> bool {
    cargo_toml
        .lines()
        .any(|line| line.trim() == "version.workspace = true")
}

/// The changelog block a regeneration writes under `[Unreleased]`.
pub fn block(release: Version, version: Version, changes: &[Change]) -> String {
    let mut out = format!(
        "{BLOCK_BEGIN}: `cargo xtask regen` rewrites this block with the changes since {release}; write your own notes outside it -->\n"
    );
    if changes.is_empty() {
        out.push_str(&format!("No changes to the API since {release}.\n"));
    } else {
        let verdict = crate::changes::verdict(changes).unwrap_or(Verdict::Documentation);
        out.push_str(&format!(
            "Version {version}: {verdict} changes since {release}.\n"
        ));
        for (heading, wanted) in [
            ("Changed (breaking)", Verdict::Breaking),
            ("Added", Verdict::Additive),
            ("Documentation", Verdict::Documentation),
        ] {
            let lines: Vec<&Change> = changes.iter().filter(|c| c.verdict == wanted).collect();
            if lines.is_empty() {
                continue;
            }
            out.push_str(&format!("\n### {heading}\n\n"));
            for change in lines {
                out.push_str(&format!("- {}\n", markdown_line(change)));
            }
        }
    }
    out.push_str(BLOCK_END);
    out.push('\n');
    out
}

/// One change as a Markdown list item's text.
pub fn markdown_line(change: &Change) -> String {
    let mut line = format!("**{}** ({}): {}", change.verdict, change.level, change.text);
    if let Some(behaviour) = &change.behaviour {
        line.push_str(&format!(". Behaviour: {behaviour}"));
    }
    line
}

/// The changelog with its generated block replaced (or the whole file, for a new crate). Text
/// outside the block is kept byte for byte.
pub fn changelog(
    crate_name: &str,
    spec: &str,
    existing: Option<&str>,
    block: &str,
) -> Result<String, String> {
    let Some(existing) = existing else {
        return Ok(format!(
            "<!-- {GENERATED_MARKER} from {spec}, in part: only the block between the regen markers; the rest is yours. -->\n# Changelog of `{crate_name}`\n\nEvery change to this crate's API, in the form of [Keep a Changelog](https://keepachangelog.com/en/1.1.0/).\nVersions follow Cargo's semver rules: below 1.0, a breaking change bumps the minor digit and any other change the patch digit.\n`cargo xtask release {crate_name}` turns the unreleased section into a release.\n\n## [Unreleased]\n\n{block}"
        ));
    };
    // The block belongs under the unreleased heading; a marker quoted elsewhere is text.
    let unreleased = existing.find("## [Unreleased]");
    let scope = unreleased.unwrap_or(0);
    let block_start = existing[scope..]
        .find(&format!("\n{BLOCK_BEGIN}"))
        .map(|i| scope + i + 1)
        .filter(|&start| {
            // Only within the unreleased section: before the next release heading.
            let section_end = existing[scope + 1..]
                .find("\n## ")
                .map_or(existing.len(), |i| scope + 1 + i);
            unreleased.is_some() && start < section_end
        });
    if let Some(start) = block_start {
        let Some(end) = existing[start..].find(BLOCK_END) else {
            return Err(format!(
                "{CHANGELOG_FILE}: the block opened by `{BLOCK_BEGIN}` is never closed by `{BLOCK_END}`"
            ));
        };
        let after = start + end + BLOCK_END.len();
        let after = after + usize::from(existing[after..].starts_with('\n'));
        return Ok(format!(
            "{}{block}{}",
            &existing[..start],
            &existing[after..]
        ));
    }
    // No block yet: it goes right under the unreleased heading, which is added if missing.
    match unreleased {
        Some(heading) => {
            let line_end = existing[heading..]
                .find('\n')
                .map_or(existing.len(), |i| heading + i + 1);
            Ok(format!(
                "{}\n{block}{}",
                &existing[..line_end],
                &existing[line_end..]
            ))
        }
        None => {
            let first_release = if existing.starts_with("## ") {
                0
            } else {
                existing.find("\n## ").map_or(existing.len(), |i| i + 1)
            };
            let before = &existing[..first_release];
            let separator = if before.is_empty() || before.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            Ok(format!(
                "{before}{separator}## [Unreleased]\n\n{block}\n{}",
                &existing[first_release..]
            ))
        }
    }
}

/// The changelog after a release: the unreleased section becomes `## [version] - date` with the
/// generated block's text kept as ordinary text, and a fresh, empty unreleased section opens.
pub fn released_changelog(existing: &str, version: Version, date: &str) -> Result<String, String> {
    let Some(heading) = existing.find("## [Unreleased]") else {
        return Err(format!("{CHANGELOG_FILE} has no `## [Unreleased]` section"));
    };
    let line_end = existing[heading..]
        .find('\n')
        .map_or(existing.len(), |i| heading + i + 1);
    let mut section = existing[line_end..].to_string();
    let section_end = section.find("\n## ").map_or(section.len(), |i| i + 1);
    let rest = section.split_off(section_end);
    let mut kept = String::new();
    for line in section.lines() {
        if line.starts_with(BLOCK_BEGIN) || line == BLOCK_END {
            continue;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    let empty_block = block(version, version, &[]);
    Ok(format!(
        "{}## [Unreleased]\n\n{empty_block}\n## [{version}] - {date}\n{}{}",
        &existing[..heading],
        kept.trim_end_matches('\n').to_string() + "\n\n",
        rest
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::Level;

    fn v(text: &str) -> Version {
        text.parse().unwrap()
    }

    fn one(verdict: Verdict) -> Vec<Change> {
        vec![Change {
            verdict,
            level: Level::Both,
            text: "something".into(),
            behaviour: None,
        }]
    }

    #[test]
    fn versions_bump_by_cargo_rules() {
        assert_eq!(v("0.1.0").bumped(Verdict::Breaking), v("0.2.0"));
        assert_eq!(v("0.1.3").bumped(Verdict::Additive), v("0.1.4"));
        assert_eq!(v("0.1.3").bumped(Verdict::Documentation), v("0.1.4"));
        assert_eq!(v("1.4.2").bumped(Verdict::Breaking), v("2.0.0"));
        assert_eq!(v("1.4.2").bumped(Verdict::Additive), v("1.5.0"));
        assert_eq!(v("1.4.2").bumped(Verdict::Documentation), v("1.4.3"));
        assert!("1.2".parse::<Version>().is_err());
        assert!("1.2.3-beta".parse::<Version>().is_err());
    }

    #[test]
    fn a_version_bumps_once_per_release_and_is_never_lowered() {
        let release = v("0.3.1");
        // Regenerating again with the same changes gives the same version.
        let first = next_version(release, &one(Verdict::Additive), Some(release));
        assert_eq!(first, v("0.3.2"));
        assert_eq!(
            next_version(release, &one(Verdict::Additive), Some(first)),
            first
        );
        // A later breaking change in the same release cycle moves to the breaking version.
        assert_eq!(
            next_version(release, &one(Verdict::Breaking), Some(first)),
            v("0.4.0")
        );
        // A version raised by hand stays.
        assert_eq!(next_version(release, &[], Some(v("1.0.0"))), v("1.0.0"));
        assert_eq!(next_version(release, &[], None), release);
    }

    #[test]
    fn cargo_versions_are_read() {
        assert_eq!(
            cargo_version("[package]\nname = \"x\"\nversion = \"0.2.1\"\n"),
            Some(Ok(v("0.2.1")))
        );
        assert_eq!(cargo_version("[package]\nversion.workspace = true\n"), None);
        assert!(uses_workspace_version(
            "[package]\nversion.workspace = true\n"
        ));
        assert!(matches!(cargo_version("version = \"x\"\n"), Some(Err(_))));
    }

    #[test]
    fn the_changelog_keeps_what_a_maintainer_wrote() {
        let first = changelog(
            "x-client",
            "specs/x.yaml",
            None,
            &block(v("0.1.0"), v("0.1.0"), &[]),
        )
        .unwrap();
        assert!(first.starts_with("<!-- @generated"));
        let edited = first.replace("## [Unreleased]\n", "## [Unreleased]\n\nA note of mine.\n")
            + "\n## [0.1.0] - 2026-01-01\n\nThe first release.\n";
        let changes = one(Verdict::Additive);
        let again = changelog(
            "x-client",
            "specs/x.yaml",
            Some(&edited),
            &block(v("0.1.0"), v("0.1.1"), &changes),
        )
        .unwrap();
        assert!(again.contains("A note of mine.\n"));
        assert!(again.contains("The first release.\n"));
        assert!(again.contains("- **additive** (wire and Rust): something\n"));
        assert!(!again.contains("No changes to the API"));
        // Rewriting with the same block changes nothing.
        let block_text = block(v("0.1.0"), v("0.1.1"), &changes);
        assert_eq!(
            changelog("x-client", "specs/x.yaml", Some(&again), &block_text).unwrap(),
            again
        );
        // A release moves the section under its version and opens an empty one.
        let released = released_changelog(&again, v("0.1.1"), "2026-12-03").unwrap();
        let unreleased = released.find("## [Unreleased]").unwrap();
        let section = released.find("## [0.1.1] - 2026-12-03").unwrap();
        let older = released.find("## [0.1.0] - 2026-01-01").unwrap();
        assert!(unreleased < section && section < older);
        assert!(released[section..older].contains("A note of mine."));
        assert!(released[section..older].contains("- **additive** (wire and Rust): something"));
        assert!(released[unreleased..section].contains("No changes to the API since 0.1.1."));
        assert_eq!(released.matches(BLOCK_BEGIN).count(), 1);
    }

    #[test]
    fn odd_changelogs_keep_their_text() {
        let block_text = block(v("0.1.0"), v("0.1.0"), &[]);
        // No unreleased section, no trailing newline.
        let merged = changelog("x", "specs/x.yaml", Some("# Changelog"), &block_text).unwrap();
        assert!(
            merged.starts_with("# Changelog\n## [Unreleased]\n"),
            "{merged}"
        );
        // A release heading first.
        let merged = changelog(
            "x",
            "specs/x.yaml",
            Some("## [0.1.0] - 2026-01-01\nOld.\n"),
            &block_text,
        )
        .unwrap();
        assert!(merged.starts_with("## [Unreleased]\n"), "{merged}");
        assert!(
            merged.ends_with("## [0.1.0] - 2026-01-01\nOld.\n"),
            "{merged}"
        );
        // A marker quoted in an older release's notes is left alone.
        let quoted = format!(
            "# C\n\n## [Unreleased]\n\nMine.\n\n## [0.1.0] - 2026-01-01\n\n{BLOCK_BEGIN} is how the block opens.\n{BLOCK_END}\n"
        );
        let merged = changelog("x", "specs/x.yaml", Some(&quoted), &block_text).unwrap();
        assert!(
            merged.contains(&format!(
                "{BLOCK_BEGIN} is how the block opens.\n{BLOCK_END}\n"
            )),
            "{merged}"
        );
        assert!(merged.contains("Mine.\n"), "{merged}");
        assert_eq!(merged.matches(BLOCK_BEGIN).count(), 2, "{merged}");
    }

    #[test]
    fn an_unclosed_block_is_an_error() {
        let text = format!("# Changelog\n\n## [Unreleased]\n\n{BLOCK_BEGIN} -->\nlost\n");
        let error = changelog("x", "specs/x.yaml", Some(&text), "b").unwrap_err();
        assert!(error.contains("never closed"), "{error}");
    }
}
