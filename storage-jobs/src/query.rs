//! Queries every system at once, each within its own timeout, and keeps each system's outcome
//! apart: one system's failure never hides another's jobs.

use futures::TryStreamExt;
use futures::stream::{FuturesUnordered, StreamExt};
use jobs::{Job, Vendor};

use crate::systems::Prepared;

/// What one system gave.
pub struct Outcome {
    /// The system's name.
    pub system: String,
    /// Its API, if known.
    pub vendor: Option<Vendor>,
    /// Its jobs, or why there are none.
    pub result: Result<Vec<Job>, String>,
}

/// Lists every system concurrently; `on_done` hears each system's name as it finishes, for
/// progress display. Outcomes come back in configuration order.
pub async fn query_all(systems: &[Prepared], mut on_done: impl FnMut(&str, usize)) -> Vec<Outcome> {
    let mut pending: FuturesUnordered<_> = systems
        .iter()
        .enumerate()
        .map(|(index, system)| async move {
            let result = match &system.source {
                Err(reason) => Err(reason.clone()),
                Ok(source) => match tokio::time::timeout(
                    system.timeout,
                    source.jobs().try_collect::<Vec<_>>(),
                )
                .await
                {
                    Ok(Ok(jobs)) => Ok(jobs),
                    Ok(Err(error)) => Err(error.message),
                    Err(_) => Err(format!("no answer within {} s", system.timeout.as_secs())),
                },
            };
            (
                index,
                Outcome {
                    system: system.name.clone(),
                    vendor: system.vendor,
                    result,
                },
            )
        })
        .collect();
    let mut outcomes: Vec<Option<Outcome>> = systems.iter().map(|_| None).collect();
    let mut done = 0;
    while let Some((index, outcome)) = pending.next().await {
        done += 1;
        on_done(&outcome.system, done);
        outcomes[index] = Some(outcome);
    }
    outcomes.into_iter().flatten().collect()
}
