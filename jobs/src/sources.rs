//! A [`JobSource`] per generated client: each lists its API's jobs through the client (its
//! pagination stream where the API pages) and normalizes them into [`Job`]s.

use chrono::{DateTime, TimeZone, Utc};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::job::{Job, State, Vendor};

/// Why a system's jobs could not be listed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{system}: {message}")]
pub struct SourceError {
    /// The configured name of the system.
    pub system: String,
    /// What went wrong, as the client's error displays it (no credentials).
    pub message: String,
}

/// Jobs as they arrive; an error is the stream's last item.
pub type JobStream<'a> = BoxStream<'a, Result<Job, SourceError>>;

/// One system whose jobs can be listed.
pub trait JobSource: Send + Sync {
    /// The configured name of the system.
    fn system(&self) -> &str;
    /// Which API it speaks.
    fn vendor(&self) -> Vendor;
    /// Every job, fetched lazily page by page.
    fn jobs(&self) -> JobStream<'_>;
}

fn error(system: &str, message: impl ToString) -> SourceError {
    SourceError {
        system: system.to_string(),
        message: message.to_string(),
    }
}

fn raw<T: serde::Serialize>(value: &T) -> Box<serde_json::value::RawValue> {
    // Generated types always serialize; `null` stands in should one ever not.
    serde_json::value::to_raw_value(value).unwrap_or_else(|_| {
        serde_json::value::RawValue::from_string("null".into()).expect("null is JSON")
    })
}

fn non_empty(text: Option<&String>) -> Option<String> {
    text.filter(|t| !t.is_empty()).cloned()
}

/// Hitachi NAS tree clone jobs of the configured file systems.
pub struct HnasSource {
    /// System name.
    pub system: String,
    /// The client.
    pub client: hnas_client::Client,
    /// File system IDs (or object IDs) whose clone jobs to list.
    pub filesystems: Vec<String>,
}

impl JobSource for HnasSource {
    fn system(&self) -> &str {
        &self.system
    }
    fn vendor(&self) -> Vendor {
        Vendor::Hnas
    }
    fn jobs(&self) -> JobStream<'_> {
        stream::iter(self.filesystems.iter())
            .then(move |filesystem| async move {
                let page = self
                    .client
                    .get_clone_jobs()
                    .filesystem_id(filesystem.as_str())
                    .send()
                    .await;
                page.map(|page| page.into_inner().tree_clone_jobs)
                    .map_err(|e| error(&self.system, e))
            })
            .map_ok(|jobs| stream::iter(jobs.into_iter().map(Ok)))
            .try_flatten()
            .map_ok(move |job| {
                let posix = |seconds: Option<i64>| {
                    seconds
                        .filter(|s| *s > 0)
                        .and_then(|s| Utc.timestamp_opt(s, 0).single())
                };
                let vendor_state = job.job_state.as_ref().map(|s| s.as_str().to_string());
                Job {
                    system: self.system.clone(),
                    vendor: Vendor::Hnas,
                    id: job.job_id.clone().unwrap_or_default(),
                    kind: Some("tree clone".to_string()),
                    state: vendor_state
                        .as_deref()
                        .map_or(State::Unknown(String::new()), State::from_hnas),
                    vendor_state,
                    started: posix(job.start_time),
                    ended: posix(job.end_time),
                    progress: None,
                    message: non_empty(job.error_details.as_ref())
                        .or_else(|| non_empty(job.return_code_message.as_ref())),
                    raw: raw(&job),
                }
            })
            .boxed()
    }
}

/// VSP One Object jobs, through the page-token stream.
pub struct VspObjectSource {
    /// System name.
    pub system: String,
    /// The client.
    pub client: vsp_object_client::Client,
}

impl JobSource for VspObjectSource {
    fn system(&self) -> &str {
        &self.system
    }
    fn vendor(&self) -> Vendor {
        Vendor::VspObject
    }
    fn jobs(&self) -> JobStream<'_> {
        self.client
            .list_jobs_stream(|request| request.body_map(|body| body.page_size(1000)))
            .map(move |item| {
                let job = item.map_err(|e| error(&self.system, e))?;
                let vendor_state = job.job_state.as_ref().map(|s| s.as_str().to_string());
                Ok(Job {
                    system: self.system.clone(),
                    vendor: Vendor::VspObject,
                    id: job
                        .job_id
                        .as_ref()
                        .map(|id| id.id.to_string())
                        .unwrap_or_default(),
                    kind: job.job_type.as_ref().map(|t| t.as_str().to_string()),
                    state: vendor_state
                        .as_deref()
                        .map_or(State::Unknown(String::new()), State::from_vsp_object),
                    vendor_state,
                    started: job.start_time,
                    ended: job.complete_time,
                    progress: None,
                    message: job
                        .job_stats
                        .as_ref()
                        .and_then(|s| s.failed)
                        .filter(|f| *f > 0)
                        .map(|f| format!("{f} items failed")),
                    raw: raw(&job),
                })
            })
            .boxed()
    }
}

/// Veeam Service Provider Console file share copy jobs, through the offset stream.
pub struct VspcSource {
    /// System name.
    pub system: String,
    /// The client.
    pub client: vspc_client::Client,
}

impl JobSource for VspcSource {
    fn system(&self) -> &str {
        &self.system
    }
    fn vendor(&self) -> Vendor {
        Vendor::Vspc
    }
    fn jobs(&self) -> JobStream<'_> {
        self.client
            .get_backup_server_file_share_copy_jobs_stream(|request| request.limit(500))
            .map(move |item| {
                let job = item.map_err(|e| error(&self.system, e))?;
                Ok(Job {
                    system: self.system.clone(),
                    vendor: Vendor::Vspc,
                    id: job.instance_uid.map(|u| u.to_string()).unwrap_or_default(),
                    kind: Some("file share backup copy".to_string()),
                    state: State::Unknown("not reported".to_string()),
                    vendor_state: None,
                    started: None,
                    ended: None,
                    progress: None,
                    message: job.retention.map(|r| {
                        format!(
                            "keeps copies {r} {}",
                            job.retention_unit.as_deref().unwrap_or("days")
                        )
                    }),
                    raw: raw(&job),
                })
            })
            .boxed()
    }
}

/// BlueXP backup and recovery restore jobs of one account.
pub struct BluexpBackupSource {
    /// System name.
    pub system: String,
    /// The client.
    pub client: bluexp_backup_client::Client,
    /// The BlueXP account ID.
    pub account: String,
}

impl JobSource for BluexpBackupSource {
    fn system(&self) -> &str {
        &self.system
    }
    fn vendor(&self) -> Vendor {
        Vendor::BluexpBackup
    }
    fn jobs(&self) -> JobStream<'_> {
        let request = async move {
            let status = self
                .client
                .get_restore_status()
                .account_id(self.account.as_str())
                .send()
                .await;
            status
                .map(|s| s.into_inner().job)
                .map_err(|e| error(&self.system, e))
        };
        stream::once(request)
            .map_ok(|jobs| stream::iter(jobs.into_iter().map(Ok)))
            .try_flatten()
            .map_ok(move |job| {
                let restore = job.data.as_ref().and_then(|d| d.restore.as_ref());
                let started = job
                    .time
                    .and_then(|ms| Utc.timestamp_millis_opt(ms as i64).single());
                Job {
                    system: self.system.clone(),
                    vendor: Vendor::BluexpBackup,
                    id: job.id.clone().unwrap_or_default(),
                    kind: restore
                        .and_then(|r| r.type_.as_ref())
                        .map(|t| format!("{t} restore")),
                    state: job
                        .status
                        .as_deref()
                        .map_or(State::Unknown(String::new()), State::from_bluexp),
                    vendor_state: job.status.clone(),
                    started,
                    ended: None,
                    progress: None,
                    message: non_empty(job.error.as_ref()),
                    raw: raw(&job),
                }
            })
            .boxed()
    }
}

/// ONTAP cluster jobs, every field, through the next-link stream.
pub struct OntapSource {
    /// System name.
    pub system: String,
    /// The client.
    pub client: ontap_client::Client,
}

/// A percentage in an ONTAP message ("Running: 40% complete").
fn percent(message: &str) -> Option<f64> {
    let end = message.find('%')?;
    let start = message[..end]
        .rfind(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or(0, |i| i + 1);
    message[start..end].parse().ok()
}

impl JobSource for OntapSource {
    fn system(&self) -> &str {
        &self.system
    }
    fn vendor(&self) -> Vendor {
        Vendor::Ontap
    }
    fn jobs(&self) -> JobStream<'_> {
        self.client
            .get_cluster_jobs_stream(|request| request.fields(["*"]).max_records(1000))
            .map(move |item| {
                let job = item.map_err(|e| error(&self.system, e))?;
                let vendor_state = job.state.as_ref().map(|s| s.as_str().to_string());
                let started: Option<DateTime<Utc>> = job.start_time;
                Ok(Job {
                    system: self.system.clone(),
                    vendor: Vendor::Ontap,
                    id: job.uuid.map(|u| u.to_string()).unwrap_or_default(),
                    kind: job.description.clone(),
                    state: vendor_state
                        .as_deref()
                        .map_or(State::Unknown(String::new()), State::from_ontap),
                    vendor_state,
                    started,
                    ended: job.end_time,
                    progress: job.message.as_deref().and_then(percent),
                    message: job.message.clone(),
                    raw: raw(&job),
                })
            })
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn percentages_in_messages() {
        assert_eq!(super::percent("Running: 40% complete"), Some(40.0));
        assert_eq!(super::percent("Complete: Successful"), None);
    }
}
