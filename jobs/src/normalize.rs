//! One vendor record to one normalized [`Job`], per API: pure functions of what the server
//! sent, so they can be tested on anything a server might send (they never panic).

use chrono::{DateTime, TimeZone, Utc};

use crate::job::{Job, State, Vendor};

/// The record as the server sent it, odd values included (what `storage-jobs show` prints).
fn raw<T: serde::Serialize>(value: &T) -> Box<serde_json::value::RawValue> {
    // Generated types always serialize; `null` stands in should one ever not.
    storage_jobs_runtime::to_raw_as_sent(value).unwrap_or_else(|_| {
        serde_json::value::RawValue::from_string("null".into()).expect("null is JSON")
    })
}

fn non_empty(text: Option<&String>) -> Option<String> {
    text.filter(|t| !t.is_empty()).cloned()
}

/// A percentage in an ONTAP message ("Running: 40% complete"). Whatever precedes the digits
/// (multi-byte characters included) and whatever the number says, this never panics; a value
/// outside 0 to 100 is no percentage.
fn percent(message: &str) -> Option<f64> {
    let end = message.find('%')?;
    let start = message[..end]
        .char_indices()
        .rfind(|&(_, c)| !c.is_ascii_digit() && c != '.')
        .map_or(0, |(i, c)| i + c.len_utf8());
    let value: f64 = message[start..end].parse().ok()?;
    (0.0..=100.0).contains(&value).then_some(value)
}

/// A Hitachi NAS tree clone job (times are POSIX seconds, 0 for not yet).
pub fn hnas(system: &str, job: &hnas_client::types::TreeCloneJob) -> Job {
    let posix = |seconds: Option<i64>| {
        seconds
            .filter(|s| *s > 0)
            .and_then(|s| Utc.timestamp_opt(s, 0).single())
    };
    let vendor_state = job.job_state.as_ref().map(|s| s.as_str().to_string());
    Job {
        system: system.to_string(),
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
        location: None,
        raw: raw(job),
    }
}

/// A VSP One Object time: RFC 3339 text, or epoch seconds with a fraction as real systems send
/// (a number outside the calendar is no time).
fn vsp_object_time(time: Option<&vsp_object_client::types::Timestamp>) -> Option<DateTime<Utc>> {
    use vsp_object_client::types::Timestamp;
    match time? {
        Timestamp::DateTime(time) => Some(time.to_utc()),
        Timestamp::Double(seconds) if seconds.is_finite() => {
            let millis = (seconds * 1000.0).round();
            (millis.abs() < 1e17)
                .then(|| Utc.timestamp_millis_opt(millis as i64).single())
                .flatten()
        }
        // A form of time a later spec adds is no time this version understands.
        _ => None,
    }
}

/// A VSP One Object job.
pub fn vsp_object(system: &str, job: &vsp_object_client::types::Job) -> Job {
    let vendor_state = job.job_state.as_ref().map(|s| s.as_str().to_string());
    Job {
        system: system.to_string(),
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
        started: vsp_object_time(job.start_time.as_ref()),
        ended: vsp_object_time(job.complete_time.as_ref()),
        progress: None,
        message: job
            .job_stats
            .as_ref()
            .and_then(|s| s.failed)
            .filter(|f| *f > 0)
            .map(|f| format!("{f} items failed")),
        location: job.bucket_name.as_ref().map(|b| format!("bucket {b}")),
        raw: raw(job),
    }
}

/// A VSPC file share copy job: a configuration, whose state, times and failure are those of
/// its backup server job's current or last run when VSPC embedded it.
pub fn vspc(system: &str, job: &vspc_client::types::BackupServerFileShareCopyJob) -> Job {
    let run = job
        .embedded
        .as_ref()
        .and_then(|e| e.backup_server_job.as_ref());
    let vendor_state = run
        .and_then(|run| run.status.as_ref())
        .map(|status| status.as_str().to_string());
    // Real consoles send the unit PascalCase (`Days`), the page lowercase (`days`).
    let retention = job.retention.map(|r| {
        format!(
            "keeps copies {r} {}",
            job.retention_unit
                .as_deref()
                .unwrap_or("days")
                .to_lowercase()
        )
    });
    Job {
        system: system.to_string(),
        vendor: Vendor::Vspc,
        id: job.instance_uid.map(|u| u.to_string()).unwrap_or_default(),
        // The backup server job's name says more than the kind every copy job shares.
        kind: Some(
            run.and_then(|run| non_empty(run.name.as_ref()))
                .unwrap_or_else(|| "file share backup copy".to_string()),
        ),
        state: vendor_state.as_deref().map_or_else(
            || State::Unknown("not reported".to_string()),
            State::from_vspc,
        ),
        vendor_state,
        started: run.and_then(|run| run.last_run).map(|t| t.to_utc()),
        ended: run.and_then(|run| run.last_end_time).map(|t| t.to_utc()),
        progress: None,
        message: run
            .and_then(|run| non_empty(run.failure_message.as_ref()))
            .or(retention),
        location: None,
        raw: raw(job),
    }
}

/// A BlueXP backup and recovery restore job (its time is milliseconds since the epoch).
pub fn bluexp_backup(system: &str, job: &bluexp_backup_client::types::Job) -> Job {
    use bluexp_backup_client::types::Number;
    let restore = job.data.as_ref().and_then(|d| d.restore.as_ref());
    let millis = match job.time {
        Some(Number::Int64(ms)) => Some(ms),
        Some(Number::Double(ms)) if ms.is_finite() => Some(ms as i64),
        _ => None,
    };
    let started = millis
        .filter(|ms| *ms > 0)
        .and_then(|ms| Utc.timestamp_millis_opt(ms).single());
    Job {
        system: system.to_string(),
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
        location: None,
        raw: raw(job),
    }
}

/// An ONTAP cluster job (progress read from its message).
pub fn ontap(system: &str, job: &ontap_client::types::Job) -> Job {
    let vendor_state = job.state.as_ref().map(|s| s.as_str().to_string());
    let started: Option<DateTime<Utc>> = job.start_time.map(|t| t.to_utc());
    Job {
        system: system.to_string(),
        vendor: Vendor::Ontap,
        id: job.uuid.map(|u| u.to_string()).unwrap_or_default(),
        kind: job.description.clone(),
        state: vendor_state
            .as_deref()
            .map_or(State::Unknown(String::new()), State::from_ontap),
        vendor_state,
        started,
        ended: job.end_time.map(|t| t.to_utc()),
        progress: job.message.as_deref().and_then(percent),
        message: job.message.clone(),
        location: ontap_location(job),
        raw: raw(job),
    }
}

/// `node NAME, svm NAME` from what an ONTAP job says of where it runs.
fn ontap_location(job: &ontap_client::types::Job) -> Option<String> {
    let node = job.node.as_ref().and_then(|n| n.name.as_deref());
    let svm = job.svm.as_ref().and_then(|s| s.name.as_deref());
    let parts: Vec<String> = [("node", node), ("svm", svm)]
        .into_iter()
        .filter_map(|(what, name)| Some(format!("{what} {}", name?)))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn ontap_times_keep_the_offset_sent_and_rows_show_utc() {
        let job: ontap_client::types::Job = serde_json::from_value(json!({
            "uuid": "1cd8a442-86d1-11e0-ae1c-123478563412",
            "start_time": "2020-02-26T10:35:44-08:00",
            "node": {"name": "node1"},
            "svm": {"name": "vs0", "uuid": "02c9e252-41be-11e9-81d5-00a0986138f7"},
        }))
        .unwrap();
        let normalized = super::ontap("s", &job);
        assert_eq!(
            normalized.started.unwrap().to_rfc3339(),
            "2020-02-26T18:35:44+00:00"
        );
        let raw: serde_json::Value = serde_json::from_str(normalized.raw.get()).unwrap();
        assert_eq!(raw["start_time"], "2020-02-26T10:35:44-08:00");
        assert_eq!(normalized.location.as_deref(), Some("node node1, svm vs0"));
    }

    /// What the typed record could not hold is still in `raw`, where it came: an odd value of a
    /// field, one of a nested record's field, an odd list item, and a field nobody listed.
    #[test]
    fn raw_shows_odd_values_at_every_depth() {
        let sent = json!({
            "uuid": "u1",
            "code": "not a number",
            "node": {"name": 7},
            "error": {"code": "1", "arguments": [{"code": "a"}, 5, {"code": "c"}, [], {"code": "e"}]},
            "site": "lab",
        });
        let job: ontap_client::types::Job = serde_json::from_value(sent.clone()).unwrap();
        assert_eq!(job.code, None);
        assert_eq!(job.node.as_ref().unwrap().name, None);
        assert_eq!(job.error.as_ref().unwrap().arguments.len(), 3);
        let raw: serde_json::Value =
            serde_json::from_str(super::ontap("s", &job).raw.get()).unwrap();
        assert_eq!(raw, sent);
        // The record's own serialization stays what its types say.
        let typed = serde_json::to_value(&job).unwrap();
        assert_eq!(typed.get("code"), None);
        assert_eq!(typed["site"], "lab");
        assert_eq!(typed["error"]["arguments"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn bluexp_integers_stay_exact_past_two_to_the_53() {
        let big = (1u64 << 53) + 1;
        let job: bluexp_backup_client::types::Job = serde_json::from_value(json!({
            "id": "j", "time": 1_700_000_000_123u64,
            "data": {"restore": {"target": {"volume-size": big}, "file": [{"size": 1.5, "inode": big}]}},
        }))
        .unwrap();
        let normalized = super::bluexp_backup("s", &job);
        assert_eq!(
            normalized.started.unwrap().timestamp_millis(),
            1_700_000_000_123
        );
        let raw: serde_json::Value = serde_json::from_str(normalized.raw.get()).unwrap();
        assert_eq!(raw["data"]["restore"]["target"]["volume-size"], json!(big));
        assert_eq!(raw["data"]["restore"]["file"][0]["inode"], json!(big));
        assert_eq!(raw["data"]["restore"]["file"][0]["size"], json!(1.5));
    }

    #[test]
    fn vsp_object_times_as_text_or_epoch_seconds() {
        let job: vsp_object_client::types::Job = serde_json::from_value(json!({
            "jobId": {"id": -769908758},
            "startTime": 1752770711.809,
            "completeTime": "2025-07-17T16:45:11.809Z",
        }))
        .unwrap();
        let normalized = super::vsp_object("s", &job);
        assert_eq!(normalized.id, "-769908758");
        assert_eq!(
            normalized.started.unwrap().to_rfc3339(),
            "2025-07-17T16:45:11.809+00:00"
        );
        assert_eq!(normalized.ended, normalized.started);
        let far: vsp_object_client::types::Job =
            serde_json::from_value(json!({"startTime": 1e300})).unwrap();
        assert_eq!(super::vsp_object("s", &far).started, None);
    }

    #[test]
    fn percentages_in_messages() {
        for (message, expected) in [
            ("Running: 40% complete", Some(40.0)),
            ("Complete: Successful", None),
            ("Running:\u{a0}40% complete", Some(40.0)),
            ("Fortschritt ü40%", Some(40.0)),
            ("התקדמות 7%", Some(7.0)),
            ("\u{1b}[2J99.5%", Some(99.5)),
            ("ü%", None),
            ("1e400%", None),
            ("250%", None),
        ] {
            assert_eq!(super::percent(message), expected, "{message:?}");
        }
    }

    /// Text as servers send it: ASCII, Latin and CJK letters, right-to-left scripts and
    /// marks, terminal escapes and other control characters, in any mix.
    fn vendor_text() -> impl Strategy<Value = String> {
        let pieces = prop_oneof![
            "[ -~]{0,6}",
            Just("\u{a0}".to_string()),
            Just("ü".to_string()),
            Just("40%".to_string()),
            Just("%".to_string()),
            Just("שלום".to_string()),
            Just("مرحبا".to_string()),
            Just("\u{202e}\u{200f}".to_string()),
            Just("\u{1b}[2J\u{1b}]0;owned\u{7}".to_string()),
            Just("\u{0}\r\n\t\u{7f}\u{9b}".to_string()),
            Just("作业🚀".to_string()),
            "\\PC{0,4}",
        ];
        prop::collection::vec(pieces, 0..6).prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Every adapter takes any text a server puts in any string field, and the text it
        /// carries over arrives unchanged (escaping is the printer's job).
        #[test]
        fn adapters_take_any_vendor_text(
            a in vendor_text(), b in vendor_text(), c in vendor_text(), d in vendor_text(),
            number in any::<i64>(), float in any::<f64>(),
        ) {
            let hnas: hnas_client::types::TreeCloneJob = serde_json::from_value(json!({
                "jobId": a, "jobState": b, "errorDetails": c, "returnCodeMessage": d,
                "startTime": number, "endTime": number, "dstDirectory": a,
            })).expect("strings decode");
            let job = super::hnas(&a, &hnas);
            prop_assert_eq!(&job.id, &a);
            prop_assert_eq!(job.vendor_state.as_deref(), Some(b.as_str()));

            let vsp: vsp_object_client::types::Job = serde_json::from_value(json!({
                "jobState": a, "jobType": b, "bucketName": c,
                "jobStats": {"failed": number},
                "startTime": if float.is_finite() { json!(float) } else { json!(null) },
            })).expect("strings decode");
            let job = super::vsp_object(&d, &vsp);
            prop_assert_eq!(job.kind.as_deref(), Some(b.as_str()));

            let vspc: vspc_client::types::BackupServerFileShareCopyJob = serde_json::from_value(json!({
                "retention": number as i32, "retentionUnit": a,
            })).expect("strings decode");
            let job = super::vspc(&b, &vspc);
            prop_assert!(job.message.is_some_and(|m| m.ends_with(a.to_lowercase().as_str())));
            let vspc: vspc_client::types::BackupServerFileShareCopyJob = serde_json::from_value(json!({
                "_embedded": {"backupServerJob": {"status": c, "name": d, "failureMessage": a}},
            })).expect("strings decode");
            let job = super::vspc(&b, &vspc);
            prop_assert_eq!(job.vendor_state.as_deref(), Some(c.as_str()));

            let bluexp: bluexp_backup_client::types::Job = serde_json::from_value(json!({
                "id": a, "status": b, "error": c,
                "time": if float.is_finite() { json!(float) } else { json!(null) },
                "data": {"restore": {"type": d}},
            })).expect("strings decode");
            let job = super::bluexp_backup(&a, &bluexp);
            prop_assert_eq!(&job.id, &a);

            let ontap: ontap_client::types::Job = serde_json::from_value(json!({
                "description": a, "state": b, "message": c, "code": number,
            })).expect("strings decode");
            let job = super::ontap(&d, &ontap);
            prop_assert_eq!(job.message.as_deref(), Some(c.as_str()));
            prop_assert!(job.progress.is_none_or(|p| (0.0..=100.0).contains(&p)));
        }
    }
}
