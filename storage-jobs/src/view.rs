//! What the user sees: filters, sorting, and the table, JSON and NDJSON renderings of jobs and
//! of the systems that could not be listed.

use chrono::{DateTime, Utc};
use jobs::Job;
use serde_json::json;

use crate::query::Outcome;

/// Which jobs to show.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// State names (`failed`, ...); empty means all.
    pub states: Vec<String>,
    /// System names; empty means all.
    pub systems: Vec<String>,
    /// Vendor names; empty means all.
    pub vendors: Vec<String>,
    /// A case-insensitive substring of the kind.
    pub kind: Option<String>,
    /// Jobs that started at or after this.
    pub since: Option<DateTime<Utc>>,
    /// Jobs that started before this.
    pub until: Option<DateTime<Utc>>,
}

impl Filter {
    /// Whether `job` passes.
    pub fn keeps(&self, job: &Job) -> bool {
        (self.states.is_empty() || self.states.iter().any(|s| s == job.state.name()))
            && (self.systems.is_empty() || self.systems.contains(&job.system))
            && (self.vendors.is_empty() || self.vendors.iter().any(|v| v == job.vendor.name()))
            && self.kind.as_ref().is_none_or(|k| {
                job.kind
                    .as_deref()
                    .unwrap_or_default()
                    .to_lowercase()
                    .contains(&k.to_lowercase())
            })
            && self
                .since
                .is_none_or(|since| job.started.is_some_and(|s| s >= since))
            && self
                .until
                .is_none_or(|until| job.started.is_some_and(|s| s < until))
    }

    /// Whether a system's error row is shown (the system filter applies to it too).
    pub fn keeps_system(&self, system: &str) -> bool {
        self.systems.is_empty() || self.systems.iter().any(|s| s == system)
    }
}

/// How to order jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortKey {
    /// By system, then start time.
    System,
    /// By start time (jobs without one last).
    Started,
    /// By end time (jobs without one last).
    Ended,
    /// By state.
    State,
    /// By kind.
    Kind,
}

/// Sorts in place; ties keep the order the systems returned.
pub fn sort(jobs: &mut [&Job], key: SortKey, reverse: bool) {
    let later_last = |a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>| match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    };
    jobs.sort_by(|a, b| {
        let order = match key {
            SortKey::System => a
                .system
                .cmp(&b.system)
                .then_with(|| later_last(a.started, b.started)),
            SortKey::Started => later_last(a.started, b.started),
            SortKey::Ended => later_last(a.ended, b.ended),
            SortKey::State => a.state.cmp(&b.state),
            SortKey::Kind => a.kind.cmp(&b.kind),
        };
        if reverse { order.reverse() } else { order }
    });
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned table on a terminal, NDJSON otherwise.
    Auto,
    /// An aligned table.
    Table,
    /// One JSON document with `jobs` and `errors`.
    Json,
    /// One JSON object per line: jobs, then `{"system", "error"}` lines.
    Ndjson,
}

fn time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| "-".into())
}

fn cell(text: &str, width: usize) -> String {
    let mut out: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(width)
        .collect();
    if text.chars().count() > width {
        out.pop();
        out.push('…');
    }
    out
}

/// The aligned table: one row per job, then one per system that could not be listed.
pub fn table(jobs: &[&Job], errors: &[(&str, String, &str)]) -> String {
    const LIMITS: [usize; 9] = [24, 13, 24, 24, 38, 19, 19, 5, 60];
    let header = [
        "SYSTEM", "VENDOR", "STATE", "KIND", "ID", "STARTED", "ENDED", "DONE", "MESSAGE",
    ];
    let mut rows: Vec<[String; 9]> = jobs
        .iter()
        .map(|job| {
            [
                job.system.clone(),
                job.vendor.to_string(),
                job.state.to_string(),
                job.kind.clone().unwrap_or_else(|| "-".into()),
                job.id.clone(),
                time(job.started),
                time(job.ended),
                job.progress
                    .map(|p| format!("{p:.0}%"))
                    .unwrap_or_else(|| "-".into()),
                job.message.clone().unwrap_or_default(),
            ]
        })
        .collect();
    for (system, vendor, reason) in errors {
        rows.push([
            system.to_string(),
            vendor.clone(),
            "ERROR".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            reason.to_string(),
        ]);
    }
    let mut widths = header.map(str::len);
    for row in &rows {
        for (i, value) in row.iter().enumerate() {
            widths[i] = widths[i].max(value.chars().count().min(LIMITS[i]));
        }
    }
    let line = |values: Vec<String>| {
        let cells: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:<w$}", cell(v, LIMITS[i]), w = widths[i]))
            .collect();
        cells.join("  ").trim_end().to_string()
    };
    let mut out = line(header.iter().map(|h| h.to_string()).collect());
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.to_vec()));
        out.push('\n');
    }
    out
}

/// The error rows to show: `(system, vendor, reason)`.
pub fn errors<'o>(outcomes: &'o [Outcome], filter: &Filter) -> Vec<(&'o str, String, &'o str)> {
    outcomes
        .iter()
        .filter(|o| filter.keeps_system(&o.system))
        .filter_map(|o| {
            o.result.as_ref().err().map(|e| {
                (
                    o.system.as_str(),
                    o.vendor
                        .map(|v| v.to_string())
                        .unwrap_or_else(|| "?".into()),
                    e.as_str(),
                )
            })
        })
        .collect()
}

/// One JSON document, written as it is produced.
pub fn json_document(
    out: &mut impl std::io::Write,
    jobs: &[&Job],
    errors: &[(&str, String, &str)],
) -> std::io::Result<()> {
    let errors: Vec<_> = errors
        .iter()
        .map(
            |(system, vendor, reason)| json!({"system": system, "vendor": vendor, "error": reason}),
        )
        .collect();
    serde_json::to_writer_pretty(&mut *out, &json!({"jobs": jobs, "errors": errors}))?;
    writeln!(out)
}

/// One JSON object per line, written as it is produced: a million jobs never sit in memory as
/// text.
pub fn ndjson(
    out: &mut impl std::io::Write,
    jobs: &[&Job],
    errors: &[(&str, String, &str)],
) -> std::io::Result<()> {
    for job in jobs {
        serde_json::to_writer(&mut *out, job)?;
        writeln!(out)?;
    }
    for (system, vendor, reason) in errors {
        serde_json::to_writer(
            &mut *out,
            &json!({"system": system, "vendor": vendor, "error": reason}),
        )?;
        writeln!(out)?;
    }
    Ok(())
}
