//! `storage-jobs`: one view of the jobs of every configured storage system.

mod config;
mod demo;
mod query;
mod systems;
mod view;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};
use jobs::{Job, State};

use crate::query::Outcome;
use crate::systems::Prepared;
use crate::view::{Filter, Format, SortKey};

const EXIT_CODES: &str = "Exit codes:
  0  every system answered and no listed job failed
  1  the configuration could not be used (nothing was queried)
  2  the command line was wrong
  3  at least one listed job failed
  4  at least one system could not be listed (wins over 3)";

/// One view of the jobs of Hitachi NAS, VSP One Object, Veeam Service Provider Console,
/// BlueXP backup and ONTAP systems.
#[derive(Debug, Parser)]
#[command(version, about, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the jobs of every configured system once.
    List(Selection),
    /// Refresh the list in place and report state changes as they happen.
    Watch {
        #[command(flatten)]
        selection: Selection,
        /// Seconds between refreshes.
        #[arg(long, default_value_t = 10)]
        interval: u64,
        /// Stop after this many refreshes (default: until Ctrl-C).
        #[arg(long)]
        iterations: Option<u64>,
    },
    /// Start the built-in simulator of all five APIs and list its jobs: no appliance, no config.
    Demo {
        #[command(flatten)]
        selection: Selection,
        /// Jobs per simulated system.
        #[arg(long, default_value_t = 8)]
        jobs: u64,
    },
}

#[derive(Debug, Args)]
struct Selection {
    /// The configuration file [default: $STORAGE_JOBS_CONFIG, else ~/.config/storage-jobs/config.toml].
    #[arg(long)]
    config: Option<PathBuf>,
    /// Only jobs in these states (queued, running, paused, succeeded, failed, cancelled, unknown).
    #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(State::NAMES))]
    state: Vec<String>,
    /// Only these systems (by configured name).
    #[arg(long, value_delimiter = ',')]
    system: Vec<String>,
    /// Only these APIs (hnas, vsp-object, vspc, bluexp-backup, ontap).
    #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(["hnas", "vsp-object", "vspc", "bluexp-backup", "ontap"]))]
    vendor: Vec<String>,
    /// Only jobs whose kind contains this text (any case).
    #[arg(long)]
    kind: Option<String>,
    /// Only jobs that started at or after this: RFC 3339, or an age such as 30m, 12h, 7d.
    #[arg(long, value_parser = parse_time)]
    since: Option<DateTime<Utc>>,
    /// Only jobs that started before this: RFC 3339, or an age such as 30m, 12h, 7d.
    #[arg(long, value_parser = parse_time)]
    until: Option<DateTime<Utc>>,
    /// Order of the jobs.
    #[arg(long, value_enum, default_value_t = SortKey::System)]
    sort: SortKey,
    /// Reverse the order.
    #[arg(long)]
    reverse: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    output: Format,
}

/// RFC 3339, or an age before now (`30m`, `12h`, `7d`, `90s`).
fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let number: i64 = number
        .parse()
        .map_err(|_| format!("`{text}` is neither RFC 3339 nor an age such as 30m, 12h or 7d"))?;
    let seconds = match unit {
        "s" => number,
        "m" => number * 60,
        "h" => number * 3600,
        "d" => number * 86_400,
        _ => return Err(format!("`{text}`: the unit of an age is s, m, h or d")),
    };
    Ok(Utc::now() - chrono::Duration::seconds(seconds))
}

impl Selection {
    fn filter(&self) -> Filter {
        Filter {
            states: self.state.clone(),
            systems: self.system.clone(),
            vendors: self.vendor.clone(),
            kind: self.kind.clone(),
            since: self.since,
            until: self.until,
        }
    }

    fn format(&self) -> Format {
        match self.output {
            Format::Auto if std::io::stdout().is_terminal() => Format::Table,
            Format::Auto => Format::Ndjson,
            other => other,
        }
    }

    fn prepare(&self) -> Result<Vec<Prepared>> {
        let path = match &self.config {
            Some(path) => path.clone(),
            None => config::Config::default_path()
                .context("no configuration file: pass --config or set STORAGE_JOBS_CONFIG")?,
        };
        let config = config::Config::load(&path)?;
        for name in &self.system {
            if !config.systems.iter().any(|s| &s.name == name) {
                bail!("{}: no system is named `{name}`", path.display());
            }
        }
        Ok(systems::prepare(&config.systems, config.timeout_seconds))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: starting the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}

async fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::List(selection) => {
            let systems = selection.prepare()?;
            let outcomes = query_with_progress(&systems).await;
            Ok(show(&selection, &outcomes)?)
        }
        Command::Watch {
            selection,
            interval,
            iterations,
        } => {
            let systems = selection.prepare()?;
            watch(
                &selection,
                &systems,
                Duration::from_secs(interval.max(1)),
                iterations,
            )
            .await
        }
        Command::Demo { selection, jobs } => {
            let (base, systems) = demo::start(jobs).await?;
            eprintln!(
                "demo: the built-in simulator serves all five APIs at {base} ({jobs} jobs each)"
            );
            let outcomes = query_with_progress(&systems).await;
            Ok(show(&selection, &outcomes)?)
        }
    }
}

/// Queries every system; on a terminal, stderr shows which systems are still being waited for.
async fn query_with_progress(systems: &[Prepared]) -> Vec<Outcome> {
    let live = std::io::stderr().is_terminal();
    let total = systems.len();
    let mut waiting: Vec<String> = systems.iter().map(|s| s.name.clone()).collect();
    let spinner = |waiting: &[String], done: usize| {
        if live {
            eprint!(
                "\r\x1b[2K{done}/{total} systems answered; waiting for {}",
                waiting.join(", ")
            );
            let _ = std::io::stderr().flush();
        }
    };
    spinner(&waiting, 0);
    let outcomes = query::query_all(systems, |name, done| {
        waiting.retain(|w| w != name);
        spinner(&waiting, done);
    })
    .await;
    if live {
        eprint!("\r\x1b[2K");
    }
    outcomes
}

/// Prints the jobs the selection keeps and returns the exit code.
fn show(selection: &Selection, outcomes: &[Outcome]) -> std::io::Result<u8> {
    let filter = selection.filter();
    let mut jobs: Vec<&Job> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok())
        .flatten()
        .filter(|job| filter.keeps(job))
        .collect();
    view::sort(&mut jobs, selection.sort, selection.reverse);
    let errors = view::errors(outcomes, &filter);
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match selection.format() {
        Format::Table | Format::Auto => stdout.write_all(view::table(&jobs, &errors).as_bytes())?,
        Format::Json => view::json_document(&mut stdout, &jobs, &errors)?,
        Format::Ndjson => view::ndjson(&mut stdout, &jobs, &errors)?,
    }
    stdout.flush()?;
    drop(stdout);
    for (system, _, reason) in &errors {
        eprintln!("{system}: {reason}");
    }
    Ok(if !errors.is_empty() {
        4
    } else if jobs.iter().any(|job| job.state == State::Failed) {
        3
    } else {
        0
    })
}

/// Re-lists every `interval`; prints the table (on a terminal, in place) and each state change.
async fn watch(
    selection: &Selection,
    systems: &[Prepared],
    interval: Duration,
    iterations: Option<u64>,
) -> Result<u8> {
    let filter = selection.filter();
    let terminal = std::io::stdout().is_terminal();
    let mut previous: Option<BTreeMap<(String, String), State>> = None;
    let mut changes: Vec<String> = Vec::new();
    let mut code = 0;
    let mut round = 0;
    loop {
        round += 1;
        let outcomes = query_with_progress(systems).await;
        let now: BTreeMap<(String, String), State> = outcomes
            .iter()
            .filter_map(|o| o.result.as_ref().ok())
            .flatten()
            .filter(|job| filter.keeps(job))
            .map(|job| ((job.system.clone(), job.id.clone()), job.state.clone()))
            .collect();
        let stamp = Utc::now().format("%H:%M:%S");
        if let Some(previous) = &previous {
            for (key, state) in &now {
                match previous.get(key) {
                    None => changes.push(format!("{stamp} {} {}: new, {state}", key.0, key.1)),
                    Some(old) if old != state => {
                        changes.push(format!("{stamp} {} {}: {old} -> {state}", key.0, key.1))
                    }
                    _ => {}
                }
            }
            for key in previous.keys().filter(|key| !now.contains_key(*key)) {
                changes.push(format!("{stamp} {} {}: no longer listed", key.0, key.1));
            }
        }
        if terminal {
            print!("\x1b[H\x1b[2J");
            code = show(selection, &outcomes)?;
            let recent = changes.len().saturating_sub(20);
            println!(
                "\nstate changes (refreshing every {} s, Ctrl-C stops):",
                interval.as_secs()
            );
            for change in &changes[recent..] {
                println!("  {change}");
            }
        } else if previous.is_none() {
            code = show(selection, &outcomes)?;
        } else {
            for change in &changes {
                println!("{change}");
            }
            changes.clear();
        }
        previous = Some(now);
        if iterations.is_some_and(|n| round >= n) {
            return Ok(code);
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = tokio::signal::ctrl_c() => return Ok(code),
        }
    }
}
