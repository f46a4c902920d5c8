//! `storage-jobs show SYSTEM ID` and `pause`, `resume`, `cancel`: one job of one configured
//! system, shown in full or acted on after the user confirms.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use jobs::Action;

use crate::systems::Prepared;

/// The system named `name`, ready to query.
fn find(systems: Vec<Prepared>, name: &str) -> Result<Prepared> {
    systems.into_iter().find(|s| s.name == name).ok_or_else(|| {
        anyhow!(
            "no system is named `{}`",
            storage_jobs_runtime::printable(name)
        )
    })
}

async fn within<T>(
    system: &Prepared,
    work: impl std::future::Future<Output = Result<T, jobs::SourceError>>,
) -> Result<T> {
    match tokio::time::timeout(system.timeout, work).await {
        Ok(result) => result.map_err(|e| anyhow!(storage_jobs_runtime::printable(&e.to_string()))),
        Err(_) => bail!(
            "{}: no answer within {} s",
            system.name,
            system.timeout.as_secs()
        ),
    }
}

/// Prints one job in full; exit code 0, or 3 if the job failed.
pub async fn show(systems: Vec<Prepared>, name: &str, id: &str) -> Result<u8> {
    let system = find(systems, name)?;
    let source = system.source.as_ref().map_err(|e| anyhow!("{name}: {e}"))?;
    let job = within(&system, source.job(id)).await?;
    let mut stdout = std::io::stdout().lock();
    crate::view::job_document(&mut stdout, &job)?;
    Ok(if job.state == jobs::State::Failed {
        3
    } else {
        0
    })
}

/// Asks on the terminal whether to go ahead; anything but `y` or `yes` is no.
fn confirm(question: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!("{question}: add --yes to confirm without a terminal");
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    // A line is at most a few bytes; a stuck or endless stdin is cut off.
    std::io::stdin()
        .lock()
        .take(64)
        .read_line(&mut answer)
        .context("reading the answer")?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Pauses, resumes or cancels one job after the user confirms (or with `yes`), then shows the
/// state it is in.
pub async fn act(
    systems: Vec<Prepared>,
    name: &str,
    id: &str,
    action: Action,
    yes: bool,
) -> Result<u8> {
    let system = find(systems, name)?;
    let source = system.source.as_ref().map_err(|e| anyhow!("{name}: {e}"))?;
    let job = within(&system, source.job(id)).await?;
    let shown = storage_jobs_runtime::printable;
    let question = format!(
        "{} job {} on {} ({}, now {})?",
        capitalized(action.verb()),
        shown(&job.id),
        shown(name),
        shown(job.kind.as_deref().unwrap_or("no description")),
        job.state
    );
    if !yes && !confirm(&question)? {
        eprintln!("nothing done");
        return Ok(0);
    }
    within(&system, source.act(id, action)).await?;
    // The API takes the action asynchronously; one read shows where it got.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = within(&system, source.job(id)).await?;
    println!("{} {}: {}", shown(name), shown(&after.id), after.state);
    Ok(0)
}

fn capitalized(verb: &str) -> String {
    let mut chars = verb.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
