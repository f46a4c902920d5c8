//! Decoding a 10,000-job page per vendor into the generated types, against the same bytes
//! into hand-written serde structs (the same fields and types, written the way one would by
//! hand: plain `String` for enums) and into `serde_json::Value`; each both as decoding alone
//! and as decoding until the page is freed again.
//!
//! Run with `cargo bench -p tests --bench decode`; docs/PERFORMANCE.md has the figures.

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use serde_json::{Value, json};
use simulator::apis::{bluexp, hnas, ontap, vsp_object, vspc};
use simulator::{Config, Simulator};

fn main() {
    divan::main();
}

const JOBS: u64 = 10_000;

fn simulator() -> std::sync::Arc<Simulator> {
    Simulator::new(Config {
        jobs: JOBS,
        seed: 42,
        time_scale: 0.0,
        fault_rate: 0.0,
        ..simulator::Config::default()
    })
}

/// The page bytes each vendor sends for 10,000 jobs.
fn page(vendor: &str) -> Vec<u8> {
    let s = simulator();
    let body = match vendor {
        "hnas" => {
            json!({"treeCloneJobs": (0..JOBS).map(|i| hnas::job(&s, i, 0.0)).collect::<Vec<_>>()})
        }
        "vsp-object" => {
            json!({"jobs": (0..JOBS).map(|i| vsp_object::job(&s, i, 0.0)).collect::<Vec<_>>(), "pageToken": ""})
        }
        "vspc" => {
            json!({"meta": {"pagingInfo": {"total": JOBS, "count": JOBS, "offset": 0}}, "data": (0..JOBS).map(|i| vspc::job(&s, i, false)).collect::<Vec<_>>()})
        }
        "bluexp-backup" => {
            json!({"job": (0..JOBS).map(|i| bluexp::job(&s, i, 0.0)).collect::<Vec<_>>()})
        }
        _ => {
            json!({"records": (0..JOBS).map(|i| Value::Object(ontap::job(&s, i, 0.0))).collect::<Vec<_>>(), "num_records": JOBS})
        }
    };
    serde_json::to_vec(&body).unwrap()
}

/// What one would write by hand for the same documents. The fields exist to be decoded,
/// which is what is measured; nothing reads them.
#[allow(dead_code)]
mod by_hand {
    use super::*;

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct HnasJob {
        pub data_bytes_cloned: Option<i64>,
        pub directories_missing: Option<i64>,
        pub directories_processed: Option<i64>,
        pub dst_directory: Option<String>,
        pub end_time: Option<i64>,
        pub ensure_create: Option<bool>,
        pub error_details: Option<String>,
        pub files_cloned: Option<i64>,
        pub files_missing: Option<i64>,
        pub files_skipped: Option<i64>,
        pub filesystem_id: Option<String>,
        pub job_id: Option<String>,
        pub job_state: Option<String>,
        pub return_code: Option<i32>,
        pub return_code_message: Option<String>,
        pub skip_info: Option<String>,
        pub src_directory: Option<String>,
        pub start_time: Option<i64>,
        pub virtual_server_id: Option<i32>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct HnasPage {
        #[serde(default)]
        pub tree_clone_jobs: Vec<HnasJob>,
    }

    #[derive(Deserialize)]
    pub struct Id {
        pub id: i32,
    }
    #[derive(Deserialize)]
    pub struct Stats {
        pub processed: Option<i64>,
        pub failed: Option<i64>,
    }
    /// VSP One Object's time: RFC 3339 text or epoch seconds.
    #[derive(Deserialize)]
    #[serde(untagged)]
    pub enum Timestamp {
        Text(DateTime<FixedOffset>),
        Seconds(f64),
    }
    /// BlueXP's number: an exact integer, or a fraction.
    #[derive(Deserialize)]
    #[serde(untagged)]
    pub enum Number {
        Integer(i64),
        Fraction(f64),
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct VspJob {
        pub job_id: Option<Id>,
        pub job_state: Option<String>,
        pub job_type: Option<String>,
        pub start_time: Option<Timestamp>,
        pub complete_time: Option<Timestamp>,
        #[serde(default)]
        pub job_params: std::collections::HashMap<String, String>,
        pub job_stats: Option<Stats>,
        pub bucket_name: Option<String>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct VspPage {
        pub jobs: Vec<VspJob>,
        pub page_token: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct VspcJob {
        pub instance_uid: Option<uuid::Uuid>,
        pub source_file_share_job_uid: Option<uuid::Uuid>,
        pub target_repository_uid: Option<uuid::Uuid>,
        pub retention: Option<i32>,
        pub retention_unit: Option<String>,
        pub unique_uid: Option<uuid::Uuid>,
        pub source_file_share_job_unique_uid: Option<uuid::Uuid>,
        pub source_size: Option<i64>,
    }
    #[derive(Deserialize)]
    pub struct VspcPage {
        pub meta: Option<Value>,
        #[serde(default)]
        pub data: Vec<VspcJob>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub struct Location {
        pub working_environment_id: Option<String>,
        pub working_environment_name: Option<String>,
        pub bucket: Option<String>,
        pub volume_id: Option<String>,
        pub volume_name: Option<String>,
        pub snapshot: Option<String>,
        pub svm: Option<String>,
        pub volume_size: Option<Number>,
        pub path: Option<String>,
    }
    #[derive(Deserialize)]
    pub struct File {
        pub inode: Option<Number>,
        pub path: Option<String>,
        #[serde(rename = "type")]
        pub kind: Option<String>,
        pub size: Option<Number>,
        pub mtime: Option<Number>,
    }
    #[derive(Deserialize)]
    pub struct Restore {
        #[serde(rename = "type")]
        pub kind: Option<String>,
        pub source: Option<Location>,
        pub target: Option<Location>,
        #[serde(default)]
        pub file: Vec<File>,
    }
    #[derive(Deserialize)]
    pub struct Data {
        pub restore: Option<Restore>,
    }
    #[derive(Deserialize)]
    pub struct BluexpJob {
        pub id: Option<String>,
        pub status: Option<String>,
        pub error: Option<String>,
        pub time: Option<Number>,
        pub data: Option<Data>,
    }
    #[derive(Deserialize)]
    pub struct BluexpPage {
        #[serde(default)]
        pub job: Vec<BluexpJob>,
    }

    #[derive(Deserialize)]
    pub struct Href {
        pub href: Option<String>,
    }
    #[derive(Deserialize)]
    pub struct SelfLink {
        #[serde(rename = "self")]
        pub self_: Option<Href>,
    }
    #[derive(Deserialize)]
    pub struct OntapJob {
        #[serde(rename = "_links")]
        pub links: Option<SelfLink>,
        pub code: Option<i64>,
        pub description: Option<String>,
        pub end_time: Option<DateTime<FixedOffset>>,
        pub message: Option<String>,
        pub start_time: Option<DateTime<FixedOffset>>,
        pub state: Option<String>,
        pub uuid: Option<uuid::Uuid>,
        pub node: Option<Node>,
        pub svm: Option<Svm>,
        pub error: Option<OntapError>,
    }
    #[derive(Deserialize)]
    pub struct Node {
        pub name: Option<String>,
    }
    #[derive(Deserialize)]
    pub struct Svm {
        #[serde(rename = "_links")]
        pub links: Option<SelfLink>,
        pub name: Option<String>,
        pub uuid: Option<uuid::Uuid>,
    }
    #[derive(Deserialize)]
    pub struct OntapError {
        #[serde(default)]
        pub arguments: Vec<Value>,
        pub code: Option<String>,
        pub message: Option<String>,
        pub target: Option<String>,
    }
    #[derive(Deserialize)]
    pub struct OntapPage {
        pub num_records: Option<i64>,
        #[serde(default)]
        pub records: Vec<OntapJob>,
    }
}

macro_rules! vendor {
    ($module:ident, $vendor:literal, $generated:ty, $by_hand:ty) => {
        mod $module {
            use super::*;

            #[divan::bench]
            fn generated(bencher: divan::Bencher) {
                let bytes = page($vendor);
                bencher
                    .counter(divan::counter::BytesCount::new(bytes.len()))
                    .bench(|| {
                        serde_json::from_slice::<$generated>(divan::black_box(&bytes)).unwrap()
                    });
            }

            #[divan::bench]
            fn hand_written(bencher: divan::Bencher) {
                let bytes = page($vendor);
                bencher
                    .counter(divan::counter::BytesCount::new(bytes.len()))
                    .bench(|| {
                        serde_json::from_slice::<$by_hand>(divan::black_box(&bytes)).unwrap()
                    });
            }

            #[divan::bench]
            fn json_value(bencher: divan::Bencher) {
                let bytes = page($vendor);
                bencher
                    .counter(divan::counter::BytesCount::new(bytes.len()))
                    .bench(|| serde_json::from_slice::<Value>(divan::black_box(&bytes)).unwrap());
            }

            // The same three, timed until the decoded page is freed again (divan otherwise
            // drops outputs outside the timed region): a listing frees every page it decodes.
            #[divan::bench]
            fn generated_and_free(bencher: divan::Bencher) {
                let bytes = page($vendor);
                bencher.bench(|| {
                    drop(serde_json::from_slice::<$generated>(divan::black_box(&bytes)).unwrap())
                });
            }

            #[divan::bench]
            fn hand_written_and_free(bencher: divan::Bencher) {
                let bytes = page($vendor);
                bencher.bench(|| {
                    drop(serde_json::from_slice::<$by_hand>(divan::black_box(&bytes)).unwrap())
                });
            }

            #[divan::bench]
            fn json_value_and_free(bencher: divan::Bencher) {
                let bytes = page($vendor);
                bencher.bench(|| {
                    drop(serde_json::from_slice::<Value>(divan::black_box(&bytes)).unwrap())
                });
            }
        }
    };
}

vendor!(
    hnas_page,
    "hnas",
    hnas_client::types::TreeCloneJobs,
    by_hand::HnasPage
);
vendor!(
    vsp_object_page,
    "vsp-object",
    vsp_object_client::types::JobListResponse,
    by_hand::VspPage
);
vendor!(
    vspc_page,
    "vspc",
    vspc_client::types::BackupServerFileShareCopyJobCollection,
    by_hand::VspcPage
);
vendor!(
    bluexp_page,
    "bluexp-backup",
    bluexp_backup_client::types::RestoreStatus,
    by_hand::BluexpPage
);
vendor!(
    ontap_page,
    "ontap",
    ontap_client::types::JobResponse,
    by_hand::OntapPage
);
