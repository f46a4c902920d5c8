//! `cargo xtask release CRATE...`: records the crates' current versions as released. Their
//! changelogs' unreleased sections become the release's section, and `release.yaml` takes the
//! current surface, which later regenerations compare against.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use generator::regen::{self, Request};
use generator::versioning::{self, CHANGELOG_FILE, RELEASE_FILE, Release};

use crate::regen::workspace_root;

pub fn run(names: &[String], date: Option<String>) -> Result<ExitCode> {
    let date = match date {
        Some(date) => {
            check_date(&date)?;
            date
        }
        None => today(),
    };
    let root = workspace_root();
    let specs: Vec<String> = names
        .iter()
        .map(|name| name.strip_suffix("-client").unwrap_or(name).to_string())
        .collect();
    let request = Request {
        specs: specs.clone(),
        check: true,
        isolation: Some(
            generator::isolate::Isolation::current_exe()
                .context("finding the xtask program to run children")?,
        ),
    };
    let report = regen::regenerate(&root, &request)?;
    if !report.is_fresh() {
        print!("{}", report.diff());
        bail!(
            "generated code is stale; run `cargo xtask regen`, review and commit it, then release"
        );
    }
    let mut released = 0;
    for review in &report.reviews {
        let directory = Path::new(generator::write::GENERATED_DIR).join(&review.krate);
        if review.is_released() {
            println!(
                "{}: nothing to release, {} is released and nothing changed since",
                review.krate, review.new_version
            );
            continue;
        }
        let changelog_path = root.join(&directory).join(CHANGELOG_FILE);
        let changelog = std::fs::read_to_string(&changelog_path)
            .with_context(|| format!("reading {}", changelog_path.display()))?;
        let changelog = versioning::released_changelog(&changelog, review.new_version, &date)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("{}", changelog_path.display()))?;
        let record = Release {
            version: review.new_version,
            source: format!("cargo xtask release on {date}"),
            surface: review.surface.clone(),
        };
        // Both files are written beside their targets first, then renamed, so that a failed
        // write leaves neither half of the release behind.
        let release_path = root.join(&directory).join(RELEASE_FILE);
        let staged = [
            stage(&changelog_path, &changelog)?,
            stage(&release_path, &record.to_file(&review.spec))?,
        ];
        for (temporary, target) in staged {
            std::fs::rename(&temporary, &target)
                .with_context(|| format!("writing {}", target.display()))?;
        }
        println!(
            "released {} {} ({} change{} since {}); commit {}/{CHANGELOG_FILE} and {}/{RELEASE_FILE}, and tag {}-v{} if you publish it",
            review.krate,
            review.new_version,
            review.changes.len(),
            if review.changes.len() == 1 { "" } else { "s" },
            review.release.version,
            directory.display(),
            directory.display(),
            review.krate,
            review.new_version
        );
        released += 1;
    }
    println!("{released} crate(s) released");
    Ok(ExitCode::SUCCESS)
}

/// Writes `text` to a temporary sibling of `path`; returns both paths.
fn stage(path: &Path, text: &str) -> Result<(std::path::PathBuf, std::path::PathBuf)> {
    let temporary = path.with_extension("release-tmp");
    std::fs::write(&temporary, text).with_context(|| format!("writing {}", temporary.display()))?;
    Ok((temporary, path.to_path_buf()))
}

fn check_date(date: &str) -> Result<()> {
    let parts: Vec<&str> = date.split('-').collect();
    let valid = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && (1..=12).contains(&parts[1].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&parts[2].parse::<u32>().unwrap_or(0));
    if !valid {
        bail!("--date `{date}` is not a date of the form YYYY-MM-DD");
    }
    Ok(())
}

/// Today's date in UTC, from the system clock (days since the epoch to a civil date).
fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (seconds / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
