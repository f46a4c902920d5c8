//! A [`JobSource`] per generated client: each lists its API's jobs through the client (its
//! pagination stream where the API pages) and normalizes them into [`Job`]s.

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::job::{Job, Vendor};
use crate::normalize;

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

    /// One job by its ID: read on its own where the API can, else found in the listing.
    fn job<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Job, SourceError>> {
        Box::pin(async move {
            let mut jobs = self.jobs();
            while let Some(job) = jobs.next().await {
                let job = job?;
                if job.id == id {
                    return Ok(job);
                }
            }
            Err(error(self.system(), format!("no job {id}")))
        })
    }

    /// Pauses, resumes or cancels a job, where the API allows it.
    fn act<'a>(&'a self, id: &'a str, action: Action) -> BoxFuture<'a, Result<(), SourceError>> {
        let _ = id;
        let message = format!(
            "the {} API cannot {} jobs",
            self.vendor().name(),
            action.verb()
        );
        Box::pin(async move { Err(error(self.system(), message)) })
    }
}

/// What a user may do to a job, where its API allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Pause a running job.
    Pause,
    /// Resume a paused job.
    Resume,
    /// Cancel a job that has not ended.
    Cancel,
}

impl Action {
    /// The verb, as a command names it.
    pub fn verb(self) -> &'static str {
        match self {
            Action::Pause => "pause",
            Action::Resume => "resume",
            Action::Cancel => "cancel",
        }
    }
}

fn error(system: &str, message: impl ToString) -> SourceError {
    SourceError {
        system: system.to_string(),
        message: message.to_string(),
    }
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
            .map_ok(move |job| normalize::hnas(&self.system, &job))
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
                Ok(normalize::vsp_object(&self.system, &job))
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
            .get_backup_server_file_share_copy_jobs_stream(|request| {
                request.limit(500).expand(["BackupServerJob"])
            })
            .map(move |item| {
                let job = item.map_err(|e| error(&self.system, e))?;
                Ok(normalize::vspc(&self.system, &job))
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
            .map_ok(move |job| normalize::bluexp_backup(&self.system, &job))
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
                Ok(normalize::ontap(&self.system, &job))
            })
            .boxed()
    }

    fn job<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Job, SourceError>> {
        Box::pin(async move {
            let uuid: uuid::Uuid = id
                .parse()
                .map_err(|_| error(&self.system, format!("{id} is not a job UUID")))?;
            let job = self
                .client
                .get_cluster_job()
                .uuid(uuid)
                .fields(["*".to_string()])
                .send()
                .await
                .map_err(|e| error(&self.system, e))?;
            Ok(normalize::ontap(&self.system, &job.into_inner()))
        })
    }

    fn act<'a>(&'a self, id: &'a str, action: Action) -> BoxFuture<'a, Result<(), SourceError>> {
        Box::pin(async move {
            let uuid: uuid::Uuid = id
                .parse()
                .map_err(|_| error(&self.system, format!("{id} is not a job UUID")))?;
            let action = match action {
                Action::Pause => ontap_client::types::ModifyClusterJobAction::Pause,
                Action::Resume => ontap_client::types::ModifyClusterJobAction::Resume,
                Action::Cancel => ontap_client::types::ModifyClusterJobAction::Cancel,
            };
            self.client
                .modify_cluster_job()
                .uuid(uuid)
                .action(action)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| error(&self.system, e))
        })
    }
}
