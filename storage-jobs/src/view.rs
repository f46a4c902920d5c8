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
        // Control characters and bidirectional overrides could drive or garble the terminal.
        .filter(|c| !storage_jobs_runtime::acts_on_terminal(*c))
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

/// serde_json's output with the characters a terminal could act on escaped as `\uXXXX`:
/// serde_json escapes only C0 controls, leaving DEL, C1 controls (`\u{9b}` is a CSI on some
/// terminals) and bidirectional overrides raw. The JSON means the same either way.
struct TerminalSafe<F>(F);

macro_rules! delegate {
    ($($method:ident),*) => {$(
        fn $method<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
            self.0.$method(writer)
        }
    )*};
}

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for TerminalSafe<F> {
    delegate!(
        begin_array,
        end_array,
        end_array_value,
        begin_object,
        end_object,
        begin_object_value,
        end_object_value
    );

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        escaped(writer, fragment)
    }

    /// A vendor's record kept as JSON text: outside strings JSON is ASCII, so escaping these
    /// characters keeps it the same JSON.
    fn write_raw_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        escaped(writer, fragment)
    }
}

fn escaped<W: ?Sized + std::io::Write>(writer: &mut W, fragment: &str) -> std::io::Result<()> {
    let mut start = 0;
    for (index, c) in fragment.char_indices() {
        // JSON's own whitespace stays (inside strings serde_json has escaped it already).
        let acts = storage_jobs_runtime::acts_on_terminal(c) && !matches!(c, '\t' | '\n' | '\r');
        if acts {
            writer.write_all(&fragment.as_bytes()[start..index])?;
            write!(writer, "\\u{:04x}", c as u32)?;
            start = index + c.len_utf8();
        }
    }
    writer.write_all(&fragment.as_bytes()[start..])
}

fn write_json(
    out: &mut impl std::io::Write,
    value: &impl serde::Serialize,
    pretty: bool,
) -> std::io::Result<()> {
    if pretty {
        let formatter = TerminalSafe(serde_json::ser::PrettyFormatter::new());
        value.serialize(&mut serde_json::Serializer::with_formatter(
            &mut *out, formatter,
        ))?;
    } else {
        let formatter = TerminalSafe(serde_json::ser::CompactFormatter);
        value.serialize(&mut serde_json::Serializer::with_formatter(
            &mut *out, formatter,
        ))?;
    }
    Ok(())
}

/// One job in full: its normalized fields, then the vendor's whole record, as indented JSON
/// that a terminal cannot act on.
pub fn job_document(out: &mut impl std::io::Write, job: &Job) -> std::io::Result<()> {
    write_json(out, job, true)?;
    writeln!(out)
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
    write_json(out, &json!({"jobs": jobs, "errors": errors}), true)?;
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
        write_json(out, job, false)?;
        writeln!(out)?;
    }
    for (system, vendor, reason) in errors {
        write_json(
            out,
            &json!({"system": system, "vendor": vendor, "error": reason}),
            false,
        )?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_escapes_what_a_terminal_acts_on_and_means_the_same() {
        let text = "a\u{1b}[2J\u{7f}\u{9b}\u{202e}ü\"\\z";
        let raw = serde_json::value::to_raw_value(&serde_json::json!({"r": text})).unwrap();
        let mut out = Vec::new();
        super::write_json(&mut out, &serde_json::json!({"t": text}), false).unwrap();
        super::write_json(&mut out, &raw, false).unwrap();
        let written = String::from_utf8(out).unwrap();
        assert_eq!(
            written,
            r#"{"t":"a\u001b[2J\u007f\u009b\u202eü\"\\z"}{"r":"a\u001b[2J\u007f\u009b\u202eü\"\\z"}"#
        );
        let (first, second) = written.split_at(written.find("}{").unwrap() + 1);
        let first: serde_json::Value = serde_json::from_str(first).unwrap();
        let second: serde_json::Value = serde_json::from_str(second).unwrap();
        assert_eq!(first["t"], text);
        assert_eq!(second["r"], text);
    }
}
