//! One view of every job across Hitachi NAS, VSP One Object, Veeam Service Provider Console,
//! BlueXP backup and ONTAP: a normalized [`Job`], and a [`JobSource`] per generated client
//! that lists through the client's pagination streams.
//!
//! # States
//!
//! Each vendor's states map onto [`State`] as follows; anything else becomes
//! [`State::Unknown`] with the raw value (the test `state_mapping_table` checks this table).
//!
//! | vendor | queued | running | paused | succeeded | failed | cancelled |
//! |---|---|---|---|---|---|---|
//! | HNAS | `QUEUED` | `RUNNING`, `ABORTING`, `ACTIVE` | | `FINISHED` | `ERRORED` | `ABORTED` |
//! | VSP One Object | | `EXAMINING`, `PROCESSING`, `EXECUTING` | | `COMPLETE` | `FAILED` | `CANCELLED` |
//! | VSPC | `WaitingTape`, `WaitingRepository` | `Running`, `Starting`, `Stopping`, `Enabling`, `Disabling` | | `Success`, `Warning` | `Failed` | |
//! | BlueXP backup | `Queued`, `Pending` | `Running`, `In Progress`, `InProgress` | | `Completed`, `Complete`, `Success`, `Succeeded` | `Failed`, `Failure`, `Error` | `Aborted`, `Cancelled`, `Canceled` |
//! | ONTAP | `queued` | `running` | `paused` | `success` | `failure` | |
//!
//! HNAS `INVALID` and `INACTIVE` (older releases: a job not running, finished or not) stay
//! unknown with their value. A VSPC file share copy job is a configuration; its
//! state is that of its backup server job's current or last run, which the source asks VSPC
//! to embed (`expand=BackupServerJob`); `Idle`, `None` and `Unknown` stay unknown, and a server
//! that does not embed it gives `Unknown("not reported")`. BlueXP statuses are free text,
//! matched without regard to case.

mod job;
pub mod normalize;
mod sources;

pub use job::{Job, State, Vendor};
pub use sources::{
    Action, BluexpBackupSource, HnasSource, JobSource, OntapSource, SourceError, VspObjectSource,
    VspcSource,
};
