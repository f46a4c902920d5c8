//! The normalized job and its state.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Which API a job came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Vendor {
    /// Hitachi NAS Platform.
    Hnas,
    /// Hitachi VSP One Object.
    VspObject,
    /// Veeam Service Provider Console.
    Vspc,
    /// NetApp BlueXP backup and recovery.
    BluexpBackup,
    /// NetApp ONTAP.
    Ontap,
}

impl Vendor {
    /// Every vendor, in the order the workspace lists them.
    pub const ALL: [Vendor; 5] = [
        Vendor::Hnas,
        Vendor::VspObject,
        Vendor::Vspc,
        Vendor::BluexpBackup,
        Vendor::Ontap,
    ];

    /// The name used in configuration and output (`vsp-object`).
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Hnas => "hnas",
            Vendor::VspObject => "vsp-object",
            Vendor::Vspc => "vspc",
            Vendor::BluexpBackup => "bluexp-backup",
            Vendor::Ontap => "ontap",
        }
    }

    /// The vendor with this name.
    pub fn from_name(name: &str) -> Option<Vendor> {
        Vendor::ALL.into_iter().find(|vendor| vendor.name() == name)
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A job's state, the same across vendors.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    /// Waiting to run.
    Queued,
    /// Running.
    Running,
    /// Paused.
    Paused,
    /// Finished successfully.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Stopped by someone.
    Cancelled,
    /// A state the mapping does not know, as the vendor spelled it.
    Unknown(String),
}

impl State {
    /// The lowercase name used in output and filters (`unknown` for every unknown state).
    pub fn name(&self) -> &str {
        match self {
            State::Queued => "queued",
            State::Running => "running",
            State::Paused => "paused",
            State::Succeeded => "succeeded",
            State::Failed => "failed",
            State::Cancelled => "cancelled",
            State::Unknown(_) => "unknown",
        }
    }

    /// Every state name a filter may use.
    pub const NAMES: [&'static str; 7] = [
        "queued",
        "running",
        "paused",
        "succeeded",
        "failed",
        "cancelled",
        "unknown",
    ];

    /// Whether the job has ended.
    pub fn is_final(&self) -> bool {
        matches!(self, State::Succeeded | State::Failed | State::Cancelled)
    }

    /// HNAS `jobState`.
    pub fn from_hnas(raw: &str) -> State {
        match raw {
            "QUEUED" => State::Queued,
            "RUNNING" | "ABORTING" | "ACTIVE" => State::Running,
            "FINISHED" => State::Succeeded,
            "ERRORED" => State::Failed,
            "ABORTED" => State::Cancelled,
            other => State::Unknown(other.to_string()),
        }
    }

    /// VSP One Object `jobState`.
    pub fn from_vsp_object(raw: &str) -> State {
        match raw {
            "EXAMINING" | "PROCESSING" | "EXECUTING" => State::Running,
            "COMPLETE" => State::Succeeded,
            "FAILED" => State::Failed,
            "CANCELLED" => State::Cancelled,
            other => State::Unknown(other.to_string()),
        }
    }

    /// VSPC: the `status` of the copy job's backup server job (embedded with
    /// `expand=BackupServerJob`), the state of its current or last run.
    pub fn from_vspc(raw: &str) -> State {
        match raw {
            "WaitingTape" | "WaitingRepository" => State::Queued,
            "Running" | "Starting" | "Stopping" | "Enabling" | "Disabling" => State::Running,
            "Success" | "Warning" => State::Succeeded,
            "Failed" => State::Failed,
            other => State::Unknown(other.to_string()),
        }
    }

    /// BlueXP `status`, free text matched without regard to case.
    pub fn from_bluexp(raw: &str) -> State {
        match raw.to_ascii_lowercase().as_str() {
            "queued" | "pending" => State::Queued,
            "running" | "in progress" | "inprogress" => State::Running,
            "completed" | "complete" | "success" | "succeeded" => State::Succeeded,
            "failed" | "failure" | "error" => State::Failed,
            "aborted" | "cancelled" | "canceled" => State::Cancelled,
            _ => State::Unknown(raw.to_string()),
        }
    }

    /// ONTAP `state`.
    pub fn from_ontap(raw: &str) -> State {
        match raw {
            "queued" => State::Queued,
            "running" => State::Running,
            "paused" => State::Paused,
            "success" => State::Succeeded,
            "failure" => State::Failed,
            other => State::Unknown(other.to_string()),
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            State::Unknown(raw) if !raw.is_empty() => write!(f, "unknown ({raw})"),
            other => f.write_str(other.name()),
        }
    }
}

impl Serialize for State {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// One job, normalized.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    /// The configured name of the system it runs on.
    pub system: String,
    /// The API it came from.
    pub vendor: Vendor,
    /// The vendor's job ID.
    pub id: String,
    /// What kind of job it is, as the vendor says.
    pub kind: Option<String>,
    /// Its normalized state.
    pub state: State,
    /// The state exactly as the vendor reported it.
    pub vendor_state: Option<String>,
    /// When it started.
    pub started: Option<DateTime<Utc>>,
    /// When it ended.
    pub ended: Option<DateTime<Utc>>,
    /// How far along it is, 0 to 100, where the vendor reports it.
    pub progress: Option<f64>,
    /// The vendor's message or error.
    pub message: Option<String>,
    /// Where it runs, as the vendor names it: ONTAP's node and SVM (`node node1, svm vs0`),
    /// VSP One Object's bucket; `None` where the vendor does not say.
    pub location: Option<String>,
    /// The vendor's whole record, for anything else, as compact JSON text: a listing of a
    /// million jobs keeps a few hundred bytes per record instead of a tree of values.
    pub raw: Box<serde_json::value::RawValue>,
}

#[cfg(test)]
mod tests {
    use super::State::{self, *};

    /// The table in the crate docs, row by row.
    #[test]
    fn state_mapping_table() {
        let hnas = [
            ("QUEUED", Queued),
            ("RUNNING", Running),
            ("ABORTING", Running),
            ("ACTIVE", Running),
            ("INACTIVE", Unknown("INACTIVE".into())),
            ("FINISHED", Succeeded),
            ("ERRORED", Failed),
            ("ABORTED", Cancelled),
            ("INVALID", Unknown("INVALID".into())),
        ];
        for (raw, state) in hnas {
            assert_eq!(State::from_hnas(raw), state, "hnas {raw}");
        }
        let vsp = [
            ("EXAMINING", Running),
            ("PROCESSING", Running),
            ("EXECUTING", Running),
            ("COMPLETE", Succeeded),
            ("FAILED", Failed),
            ("CANCELLED", Cancelled),
            ("ARCHIVING", Unknown("ARCHIVING".into())),
        ];
        for (raw, state) in vsp {
            assert_eq!(State::from_vsp_object(raw), state, "vsp {raw}");
        }
        let vspc = [
            ("WaitingTape", Queued),
            ("WaitingRepository", Queued),
            ("Running", Running),
            ("Starting", Running),
            ("Stopping", Running),
            ("Enabling", Running),
            ("Disabling", Running),
            ("Success", Succeeded),
            ("Warning", Succeeded),
            ("Failed", Failed),
            ("Idle", Unknown("Idle".into())),
            ("None", Unknown("None".into())),
            ("Unknown", Unknown("Unknown".into())),
        ];
        for (raw, state) in vspc {
            assert_eq!(State::from_vspc(raw), state, "vspc {raw}");
        }
        let bluexp = [
            ("Queued", Queued),
            ("PENDING", Queued),
            ("Running", Running),
            ("In Progress", Running),
            ("Completed", Succeeded),
            ("failed", Failed),
            ("Aborted", Cancelled),
            ("Canceled", Cancelled),
            ("Verifying", Unknown("Verifying".into())),
        ];
        for (raw, state) in bluexp {
            assert_eq!(State::from_bluexp(raw), state, "bluexp {raw}");
        }
        let ontap = [
            ("queued", Queued),
            ("running", Running),
            ("paused", Paused),
            ("success", Succeeded),
            ("failure", Failed),
            ("quiescing", Unknown("quiescing".into())),
        ];
        for (raw, state) in ontap {
            assert_eq!(State::from_ontap(raw), state, "ontap {raw}");
        }
    }

    #[test]
    fn names_and_display() {
        assert_eq!(State::Unknown("X".into()).to_string(), "unknown (X)");
        assert_eq!(State::Failed.to_string(), "failed");
        assert!(State::Cancelled.is_final() && !State::Paused.is_final());
    }
}
