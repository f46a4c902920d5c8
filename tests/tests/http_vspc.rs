//! vspc-client over HTTP: the bearer token, every documented response, unknown fields, and
//! `limit`/`offset` pagination over several pages.

use std::fmt::Write;

use futures::TryStreamExt;
use serde_json::json;
use tests::calls::{assert_clean, assert_secret_hidden, describe, replay_documented};
use tests::mock::{MockServer, Scripted};
use tests::workspace::APIS;
use vspc_client::{Client, Credentials};

const PATH: &str = "/infrastructure/backupServers/jobs/fileShareCopyJobs";
const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.vspc-token";

fn connect(server: &MockServer) -> Client {
    Client::connect(
        &server.url("/api/v3"),
        Credentials::BearerAuth {
            token: TOKEN.into(),
        },
    )
    .unwrap()
}

fn job(n: u64) -> serde_json::Value {
    json!({"instanceUid": format!("00000000-0000-4000-8000-{n:012}"), "retention": 28, "retentionUnit": "days"})
}

#[tokio::test]
async fn every_documented_response_decodes() {
    let spec = APIS[2].spec_json();
    let server = MockServer::start().await;
    let client = connect(&server);
    let mut report = replay_documented(&server, &spec, PATH, "get", || async {
        describe(
            client
                .get_backup_server_file_share_copy_jobs()
                .limit(100)
                .offset(0)
                .send()
                .await,
        )
    })
    .await;
    server.script([Scripted::empty(401)]);
    let _ = writeln!(
        report,
        "== undocumented 401\n{}",
        describe(client.get_backup_server_file_share_copy_jobs().send().await)
    );
    let requests = server.take();
    assert_clean(&requests, "vspc-client");
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    insta::assert_snapshot!("vspc_request", requests[0].render());
    insta::assert_snapshot!("vspc_documented_responses", report);
    assert_secret_hidden(TOKEN, &[format!("{client:?}"), report]);
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let server = MockServer::start().await;
    server.script([Scripted::json(
        200,
        &json!({"meta": {"pagingInfo": {"total": 1, "count": 1, "offset": 0}, "errors": null}, "data": [{"instanceUid": "732e9a7d-429e-46f3-9d87-97d703ae1814", "uniqueUid": "cd0c6c7a-5b0e-4a43-9fa5-12d0b4b4a0a1", "newInThreePointSeven": {"a": [1]}, "_embedded": {"somethingElse": 1}}]}),
    )]);
    let page = connect(&server)
        .get_backup_server_file_share_copy_jobs()
        .send()
        .await
        .unwrap()
        .into_inner();
    insta::assert_snapshot!("vspc_unknown_fields", format!("{page:#?}"));
}

/// One record with values of the wrong type (a retention as text, a UUID that is not one, a
/// status as a number) keeps its other fields and those values as they came, and the page
/// keeps its other records.
#[tokio::test]
async fn an_odd_field_costs_that_field_not_the_page() {
    let server = MockServer::start().await;
    let mut odd = job(1);
    odd["retention"] = json!("seven");
    odd["sourceFileShareJobUid"] = json!("not-a-uuid");
    odd["_embedded"] =
        json!({"backupServerJob": {"status": 3, "name": "Copy 1", "lastRun": "yesterday"}});
    server.script([Scripted::json(
        200,
        &json!({"meta": {"pagingInfo": {"total": 3, "count": 3, "offset": 0}}, "data": [job(0), odd, job(2)]}),
    )]);
    let page = connect(&server)
        .get_backup_server_file_share_copy_jobs()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.data.len(), 3);
    let odd = &page.data[1];
    assert_eq!(odd.retention, None);
    assert_eq!(odd.source_file_share_job_uid, None);
    assert_eq!(odd.retention_unit.as_deref(), Some("days"));
    assert!(odd.instance_uid.is_some());
    let embedded = odd
        .embedded
        .as_ref()
        .unwrap()
        .backup_server_job
        .as_ref()
        .unwrap();
    assert_eq!(embedded.name.as_deref(), Some("Copy 1"));
    assert_eq!((embedded.status.clone(), embedded.last_run), (None, None));
    assert_eq!(page.data[2].retention, Some(28));
    assert_eq!(odd.unread.odd()["retention"], json!("seven"));
    assert_eq!(
        odd.unread.odd()["sourceFileShareJobUid"],
        json!("not-a-uuid")
    );
    assert_eq!(embedded.unread.odd()["status"], json!(3));
    assert_eq!(embedded.unread.odd()["lastRun"], json!("yesterday"));
    assert!(page.data[0].unread.is_empty() && page.data[2].unread.is_empty());
}

#[tokio::test]
async fn the_stream_pages_by_offset_with_the_callers_limit() {
    let server = MockServer::start().await;
    let page = |offset: u64, count: u64| {
        Scripted::json(
            200,
            &json!({"meta": {"pagingInfo": {"total": 7, "count": count, "offset": offset}}, "data": (offset..offset + count).map(job).collect::<Vec<_>>()}),
        )
    };
    server.script([page(0, 3), page(3, 3), page(6, 1)]);
    let client = connect(&server);
    let jobs: Vec<_> = client
        .get_backup_server_file_share_copy_jobs_stream(|request| request.limit(3))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(jobs.len(), 7);
    let uids: Vec<String> = jobs
        .iter()
        .map(|j| j.instance_uid.unwrap().to_string())
        .collect();
    assert_eq!(
        uids.first().unwrap(),
        "00000000-0000-4000-8000-000000000000"
    );
    assert_eq!(uids.last().unwrap(), "00000000-0000-4000-8000-000000000006");
    let paths: Vec<String> = server
        .take()
        .into_iter()
        .map(|r| r.path_and_query)
        .collect();
    assert_eq!(
        paths,
        [
            "/api/v3/infrastructure/backupServers/jobs/fileShareCopyJobs?limit=3&offset=0",
            "/api/v3/infrastructure/backupServers/jobs/fileShareCopyJobs?limit=3&offset=3",
            "/api/v3/infrastructure/backupServers/jobs/fileShareCopyJobs?limit=3&offset=6",
        ],
        "three pages, no request after the total is reached"
    );
}

#[tokio::test]
async fn a_failing_page_is_the_streams_last_item() {
    let server = MockServer::start().await;
    server.script([
        Scripted::json(200, &json!({"meta": {"pagingInfo": {"total": 4, "count": 2, "offset": 0}}, "data": [job(0), job(1)]})),
        // Not a 503: that would be retried.
        Scripted::empty(500),
    ]);
    let client = connect(&server);
    let results: Vec<_> = futures::StreamExt::collect(
        client.get_backup_server_file_share_copy_jobs_stream(|r| r.limit(2)),
    )
    .await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    assert_eq!(
        results[2].as_ref().unwrap_err().to_string(),
        "page 2 (offset 2): 500 Internal Server Error"
    );
}
