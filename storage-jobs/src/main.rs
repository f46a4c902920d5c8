//! `storage-jobs`: one view of the jobs of every configured storage system.

mod config;
mod demo;
mod files;
mod one_job;
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
    /// Log what happens to stderr: -v for each system and request, -vv for everything.
    /// `RUST_LOG` (for example `storage_jobs_runtime=debug`) overrides it.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the jobs of every configured system once.
    List(Selection),
    /// Refresh the list in place and report state changes (and systems that stop or start
    /// answering) as they happen; the exit code is the worst of all refreshes.
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
    /// Show one job in full: its normalized fields and the vendor's whole record.
    Show(Target),
    /// Pause a running job (ONTAP), after asking.
    Pause(Act),
    /// Resume a paused job (ONTAP), after asking.
    Resume(Act),
    /// Cancel a job that has not ended (ONTAP), after asking.
    Cancel(Act),
    /// Start the built-in simulator of all five APIs and list its jobs: no appliance, no config.
    Demo {
        #[command(flatten)]
        selection: Selection,
        /// Jobs per simulated system.
        #[arg(long, default_value_t = 8)]
        jobs: u64,
    },
}

/// One job of one system.
#[derive(Debug, Args)]
struct Target {
    /// The configured name of the system.
    system: String,
    /// The job's ID, as `list` shows it.
    id: String,
    /// The configuration file (default: $STORAGE_JOBS_CONFIG, else
    /// ~/.config/storage-jobs/config.toml).
    #[arg(long)]
    config: Option<PathBuf>,
}

/// One job to act on.
#[derive(Debug, Args)]
struct Act {
    #[command(flatten)]
    target: Target,
    /// Do it without asking (needed without a terminal).
    #[arg(long)]
    yes: bool,
}

impl Target {
    fn prepare(&self) -> Result<Vec<Prepared>> {
        load_systems(self.config.as_ref(), std::slice::from_ref(&self.system))
    }
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

/// RFC 3339, or an age before now (`30m`, `12h`, `7d`, `90s`); an age too large for the
/// calendar is an error, not a crash.
fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let shown = storage_jobs_runtime::printable(text);
    let number: i64 = number
        .parse()
        .map_err(|_| format!("`{shown}` is neither RFC 3339 nor an age such as 30m, 12h or 7d"))?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{shown}`: the unit of an age is s, m, h or d")),
    };
    number
        .checked_mul(scale)
        .and_then(chrono::TimeDelta::try_seconds)
        .and_then(|age| Utc::now().checked_sub_signed(age))
        .ok_or_else(|| format!("`{shown}`: that age reaches before any date this tool can show"))
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
        load_systems(self.config.as_ref(), &self.system)
    }
}

/// Loads the configuration (`path`, else the default one) and prepares its systems; every
/// name in `names` must be one of them.
fn load_systems(path: Option<&PathBuf>, names: &[String]) -> Result<Vec<Prepared>> {
    let path = match path {
        Some(path) => path.clone(),
        None => config::Config::default_path()
            .context("no configuration file: pass --config or set STORAGE_JOBS_CONFIG")?,
    };
    let config = config::Config::load(&path)?;
    for name in names {
        if !config.systems.iter().any(|s| &s.name == name) {
            bail!(
                "{}: no system is named `{}`",
                path.display(),
                storage_jobs_runtime::printable(name)
            );
        }
    }
    let budget = systems::Budget::new(
        config.memory_limit_mib,
        config.systems.len(),
        config.timeout_seconds,
    );
    Ok(systems::prepare(&config.systems, budget))
}

/// Logs go to stderr, never with credentials (the runtime logs no headers and no queries) and
/// with server text escaped.
fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "warn,storage_jobs=debug,storage_jobs_runtime=debug,jobs=debug",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: starting the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        // The reader went away (`storage-jobs list | head`): nothing more to say to anyone.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            // Messages can carry server text (a vendor's error message, a job id).
            eprintln!(
                "error: {}",
                storage_jobs_runtime::printable(&format!("{error:#}"))
            );
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A reason for stderr, with control characters escaped: a server can send any text.
fn reason_line(system: &str, reason: &str) -> String {
    format!(
        "{}: {}",
        storage_jobs_runtime::printable(system),
        storage_jobs_runtime::printable(reason)
    )
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
        Command::Show(target) => one_job::show(target.prepare()?, &target.system, &target.id).await,
        Command::Pause(act) => run_act(act, jobs::Action::Pause).await,
        Command::Resume(act) => run_act(act, jobs::Action::Resume).await,
        Command::Cancel(act) => run_act(act, jobs::Action::Cancel).await,
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

async fn run_act(act: Act, action: jobs::Action) -> Result<u8> {
    let target = &act.target;
    one_job::act(
        target.prepare()?,
        &target.system,
        &target.id,
        action,
        act.yes,
    )
    .await
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
    let mut jobs = kept(outcomes, &filter);
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
        eprintln!("{}", reason_line(system, reason));
    }
    Ok(exit_code(&jobs, &errors))
}

/// The listed jobs the filter keeps.
fn kept<'o>(outcomes: &'o [Outcome], filter: &Filter) -> Vec<&'o Job> {
    outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok())
        .flatten()
        .filter(|job| filter.keeps(job))
        .collect()
}

/// Writes `lines` to stdout and flushes it.
fn print_lines<'l>(
    lines: impl IntoIterator<Item = &'l String>,
    indent: &str,
) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    for line in lines {
        writeln!(stdout, "{indent}{line}")?;
    }
    stdout.flush()
}

/// 4 when a system could not be listed, else 3 when a listed job failed, else 0.
fn exit_code(jobs: &[&Job], errors: &[(&str, String, &str)]) -> u8 {
    if !errors.is_empty() {
        4
    } else if jobs.iter().any(|job| job.state == State::Failed) {
        3
    } else {
        0
    }
}

/// Re-lists every `interval`; prints the table (on a terminal, in place) and each change: a
/// job's new state, and a system that can no longer be listed (its jobs are then kept as they
/// were, not reported gone) or can be again. Ctrl-C stops it in any phase. The exit code is
/// the worst of every round (see the exit codes).
async fn watch(
    selection: &Selection,
    systems: &[Prepared],
    interval: Duration,
    iterations: Option<u64>,
) -> Result<u8> {
    let filter = selection.filter();
    let terminal = std::io::stdout().is_terminal();
    // One Ctrl-C future for the whole watch: once its handler is installed, a Ctrl-C during a
    // refresh is remembered until it is looked at.
    let mut interrupted = std::pin::pin!(tokio::signal::ctrl_c());
    let mut previous: Option<BTreeMap<(String, String), State>> = None;
    let mut failing: BTreeMap<String, String> = BTreeMap::new();
    let mut changes: Vec<String> = Vec::new();
    let mut code = 0;
    let mut round = 0;
    loop {
        round += 1;
        let outcomes = tokio::select! {
            outcomes = query_with_progress(systems) => outcomes,
            _ = &mut interrupted => {
                if std::io::stderr().is_terminal() {
                    eprint!("\r\x1b[2K");
                }
                return Ok(code);
            }
        };
        let now_failing: BTreeMap<String, String> = outcomes
            .iter()
            .filter(|o| filter.keeps_system(&o.system))
            .filter_map(|o| Some((o.system.clone(), o.result.as_ref().err()?.clone())))
            .collect();
        let mut now: BTreeMap<(String, String), State> = kept(&outcomes, &filter)
            .into_iter()
            .map(|job| ((job.system.clone(), job.id.clone()), job.state.clone()))
            .collect();
        let stamp = Utc::now().format("%H:%M:%S");
        let text = storage_jobs_runtime::printable;
        if let Some(previous) = &previous {
            // A system that could not be listed keeps its jobs as they were.
            for (key, state) in previous {
                if now_failing.contains_key(&key.0) {
                    now.insert(key.clone(), state.clone());
                }
            }
            for (system, reason) in &now_failing {
                if failing.get(system) != Some(reason) {
                    changes.push(format!("{stamp} {}", reason_line(system, reason)));
                }
            }
            for system in failing.keys().filter(|s| !now_failing.contains_key(*s)) {
                changes.push(format!("{stamp} {}: listed again", text(system)));
            }
            for ((system, id), state) in &now {
                match previous.get(&(system.clone(), id.clone())) {
                    None => changes.push(format!(
                        "{stamp} {} {}: new, {}",
                        text(system),
                        text(id),
                        text(&state.to_string())
                    )),
                    Some(old) if old != state => changes.push(format!(
                        "{stamp} {} {}: {} -> {}",
                        text(system),
                        text(id),
                        text(&old.to_string()),
                        text(&state.to_string())
                    )),
                    _ => {}
                }
            }
            for (system, id) in previous.keys().filter(|key| !now.contains_key(*key)) {
                changes.push(format!(
                    "{stamp} {} {}: no longer listed",
                    text(system),
                    text(id)
                ));
            }
        }
        let round_code = if terminal {
            write!(std::io::stdout(), "\x1b[H\x1b[2J")?;
            let round_code = show(selection, &outcomes)?;
            let heading = format!(
                "\nstate changes (refreshing every {} s, Ctrl-C stops):",
                interval.as_secs()
            );
            print_lines([&heading], "")?;
            print_lines(&changes[changes.len().saturating_sub(20)..], "  ")?;
            round_code
        } else if previous.is_none() {
            show(selection, &outcomes)?
        } else {
            print_lines(&changes, "")?;
            changes.clear();
            exit_code(&kept(&outcomes, &filter), &view::errors(&outcomes, &filter))
        };
        code = code.max(round_code);
        failing = now_failing;
        previous = Some(now);
        if iterations.is_some_and(|n| round >= n) {
            return Ok(code);
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = &mut interrupted => return Ok(code),
        }
    }
}
