//! Queries every system at once, each within its own timeout, and keeps each system's outcome
//! apart: one system's failure never hides another's jobs.

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
        .map(|(index, system)| {
            let span = tracing::info_span!("system", name = %storage_jobs_runtime::printable(&system.name));
            tracing::Instrument::instrument(async move {
            let result = match &system.source {
                Err(reason) => Err(reason.clone()),
                Ok(source) => {
                    // Collected outside the timeout, so a timeout can say how far it got.
                    let mut jobs = Vec::new();
                    let listing = async {
                        let mut stream = source.jobs();
                        while let Some(job) = stream.next().await {
                            jobs.push(job?);
                        }
                        Ok::<_, jobs::SourceError>(())
                    };
                    match tokio::time::timeout(system.timeout, listing).await {
                        Ok(Ok(())) => Ok(jobs),
                        Ok(Err(error)) => Err(with_advice(error.message)),
                        Err(_) if jobs.is_empty() => {
                            Err(format!("no jobs within {} s", system.timeout.as_secs()))
                        }
                        Err(_) => Err(format!(
                            "the listing did not finish within {} s ({} jobs received so far)",
                            system.timeout.as_secs(),
                            jobs.len()
                        )),
                    }
                }
            };
            match &result {
                Ok(jobs) => tracing::debug!(jobs = jobs.len(), "listed"),
                Err(reason) => tracing::debug!(reason = %storage_jobs_runtime::printable(reason), "not listed"),
            }
            (
                index,
                Outcome {
                    system: system.name.clone(),
                    vendor: system.vendor,
                    result,
                },
            )
        }, span)
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

/// A failure with what to configure, where the remedy is the user's: an untrusted
/// certificate.
fn with_advice(mut reason: String) -> String {
    if reason.to_ascii_lowercase().contains("certificate") {
        reason.push_str(
            " (set `tls.ca_file` to a PEM file of the appliance's CA or self-signed certificate; only if you cannot get it, `tls.danger_accept_invalid_certificates = true`)",
        );
    }
    reason
}
