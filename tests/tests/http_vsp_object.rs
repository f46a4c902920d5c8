//! vsp-object-client over HTTP: the CSRF flow (token fetched once, sent as header and cookie,
//! renewed once when refused), every documented response, and page-token pagination.

use std::fmt::Write;

use futures::TryStreamExt;
use serde_json::json;
use tests::calls::{assert_clean, assert_secret_hidden, describe};
use tests::mock::{MockServer, Scripted, documented_responses};
use tests::workspace::APIS;
use vsp_object_client::types::JobJobState;
use vsp_object_client::{Client, Credentials};

const TOKEN: &str = "oidc-access-token";

fn connect(server: &MockServer) -> Client {
    Client::connect(
        &server.url(""),
        Credentials::BearerAuth {
            token: TOKEN.into(),
        },
    )
    .unwrap()
}

/// The answer of `GET /v1/csrf`: the token cookie and a session cookie.
fn csrf(token: &str) -> Scripted {
    Scripted::empty(200)
        .header("set-cookie", &format!("XSRF-TOKEN={token}; Path=/"))
        .header("set-cookie", "vertx-web.session=sess-1; Path=/; HttpOnly")
}

fn job(id: i64, state: &str) -> serde_json::Value {
    json!({"jobId": {"id": id}, "jobState": state, "jobType": "BATCH_REPLICATE", "bucketName": "b1"})
}

#[tokio::test]
async fn the_token_is_fetched_once_and_sent_as_header_and_cookie() {
    let server = MockServer::start().await;
    let client = connect(&server);
    server.script([
        csrf("t1"),
        Scripted::json(200, &json!({"jobs": [], "pageToken": ""})),
        Scripted::json(200, &json!({"jobs": [], "pageToken": ""})),
    ]);
    client
        .list_jobs()
        .body_map(|body| body.bucket_name("b1".to_string()))
        .send()
        .await
        .unwrap();
    client.list_jobs().send().await.unwrap();
    let requests = server.take();
    assert_clean(&requests, "vsp-object-client");
    let lines: Vec<_> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path_and_query))
        .collect();
    assert_eq!(
        lines,
        ["GET /v1/csrf", "POST /v1/jobs/list", "POST /v1/jobs/list"],
        "one token for both calls"
    );
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(requests[0].header("x-xsrf-token"), None);
    for call in &requests[1..] {
        assert_eq!(call.header("x-xsrf-token"), Some("t1"));
        assert_eq!(
            call.header("cookie"),
            Some("XSRF-TOKEN=t1; vertx-web.session=sess-1")
        );
        assert_eq!(
            call.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
    insta::assert_snapshot!("vsp_object_token_request", requests[0].render());
    insta::assert_snapshot!("vsp_object_request", requests[1].render());
}

#[tokio::test]
async fn a_refused_token_is_renewed_once() {
    let server = MockServer::start().await;
    let client = connect(&server);
    server.script([
        csrf("stale"),
        Scripted::empty(403),
        csrf("fresh"),
        Scripted::json(200, &json!({"jobs": [job(1, "COMPLETE")], "pageToken": ""})),
    ]);
    let page = client.list_jobs().send().await.unwrap().into_inner();
    assert_eq!(page.jobs.len(), 1);
    let requests = server.take();
    let lines: Vec<_> = requests
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.method,
                r.path_and_query,
                r.header("x-xsrf-token").unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            "GET /v1/csrf -",
            "POST /v1/jobs/list stale",
            "GET /v1/csrf -",
            "POST /v1/jobs/list fresh"
        ]
    );
    assert_eq!(
        requests[3].body, requests[1].body,
        "the retry sends the same body"
    );

    // Refused again after renewal: the refusal reaches the caller, without a loop.
    server.script([Scripted::empty(401), csrf("fresher"), Scripted::empty(401)]);
    let error = client.list_jobs().send().await.unwrap_err();
    assert_eq!(error.to_string(), "401 Unauthorized");
    assert_eq!(server.take().len(), 3);
}

#[tokio::test]
async fn every_documented_response_decodes() {
    let spec = APIS[1].spec_json();
    let server = MockServer::start().await;
    let client = connect(&server);
    server.script([csrf("t1")]);
    let mut report = String::new();
    for (status, example) in documented_responses(&spec, "/v1/jobs/list", "post") {
        let code: u16 = status.parse().unwrap();
        let answer = example
            .as_ref()
            .map_or(Scripted::empty(code), |body| Scripted::json(code, body));
        if code == 401 {
            // A 401 makes the client renew the token once before it gives up.
            server.script([answer.clone(), csrf("t2"), answer]);
        } else {
            server.script([answer]);
        }
        let request = client
            .list_jobs()
            .body_map(|body| body.bucket_name("bucketName".to_string()).page_size(10));
        let _ = writeln!(
            report,
            "== documented {status}\n{}\n",
            describe(request.send().await)
        );
    }
    server.script([Scripted::json(
        200,
        &json!({"jobs": [job(7, "ARCHIVING")], "pageToken": "", "newField": 1}),
    )]);
    let unknown = client.list_jobs().send().await.unwrap().into_inner();
    assert_eq!(
        unknown.jobs[0].job_state,
        Some(JobJobState::Unknown("ARCHIVING".into()))
    );
    let _ = writeln!(report, "== unknown state and field\n{unknown:#?}");
    insta::assert_snapshot!("vsp_object_documented_responses", report);
    let requests = server.take();
    assert_secret_hidden(TOKEN, &[format!("{client:?}"), report]);
    assert!(
        !format!("{client:?}").contains("t1"),
        "the CSRF token stays out of Debug too"
    );
    assert_eq!(
        requests[1].body,
        r#"{"bucketName":"bucketName","pageSize":10}"#
    );
}

#[tokio::test]
async fn the_stream_pages_with_the_body_token() {
    let server = MockServer::start().await;
    let client = connect(&server);
    server.script([
        csrf("t1"),
        Scripted::json(
            200,
            &json!({"jobs": [job(1, "COMPLETE"), job(2, "FAILED")], "pageToken": "p2"}),
        ),
        Scripted::json(
            200,
            &json!({"jobs": [job(3, "EXECUTING")], "pageToken": "p3"}),
        ),
        Scripted::json(
            200,
            &json!({"jobs": [job(4, "EXAMINING")], "pageToken": ""}),
        ),
    ]);
    let jobs: Vec<_> = client
        .list_jobs_stream(|request| request.body_map(|body| body.page_size(2)))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<i32> = jobs.iter().map(|j| j.job_id.as_ref().unwrap().id).collect();
    assert_eq!(ids, [1, 2, 3, 4]);
    let bodies: Vec<String> = server.take().into_iter().skip(1).map(|r| r.body).collect();
    assert_eq!(
        bodies,
        [
            r#"{"pageSize":2}"#,
            r#"{"pageSize":2,"pageToken":"p2"}"#,
            r#"{"pageSize":2,"pageToken":"p3"}"#
        ]
    );
}

/// The error `send()` returns, as it is (no conversion first), shows no session cookie the
/// server set, in `Display` or in `Debug`.
#[tokio::test]
async fn the_raw_error_of_send_hides_the_session_the_server_sets() {
    let server = MockServer::start().await;
    for status in [403, 500, 418] {
        let client = connect(&server);
        let answer = Scripted::json(status, &json!({"message": "no", "code": 7}))
            .header(
                "set-cookie",
                "vertx-web.session=SESSION-SECRET; Path=/; HttpOnly",
            )
            .header("x-auth-token", "TOKEN-SECRET");
        if status == 403 {
            // A refused token is renewed once before the client gives up.
            server.script([csrf("t1"), answer.clone(), csrf("t2"), answer]);
        } else {
            server.script([csrf("t1"), answer]);
        }
        let error = client.list_jobs().send().await.unwrap_err();
        for shown in [
            format!("{error}"),
            format!("{error:?}"),
            format!("{error:#?}"),
        ] {
            assert!(
                !shown.contains("SESSION-SECRET") && !shown.contains("TOKEN-SECRET"),
                "{status}: {shown}"
            );
        }
        assert!(format!("{error:?}").contains("<redacted>"), "{error:?}");
        let _ = server.take();
    }
}

/// A page whose records are odd in every way a record can be keeps every record it can build
/// and keeps the rest as they came: a nested record without a readable required field (`jobId`
/// with a text id), an item of the list that is no record, an object-typed field holding a
/// list, a text field holding a number, and fields the document does not list.
#[tokio::test]
async fn odd_records_are_kept_as_they_came_and_the_page_reads() {
    let server = MockServer::start().await;
    let client = connect(&server);
    let mut text_id = job(2, "FAILED");
    text_id["jobId"] = json!({"id": "2a"});
    let mut odd_fields = job(4, "COMPLETE");
    odd_fields["jobStats"] = json!([1, 2]);
    odd_fields["bucketName"] = json!(12);
    odd_fields["tenant"] = json!({"name": "t1"});
    server.script([
        csrf("t1"),
        Scripted::json(
            200,
            &json!({"jobs": [job(1, "COMPLETE"), text_id, "not a job", odd_fields], "pageToken": "", "cursor": 9}),
        ),
    ]);
    let page = client.list_jobs().send().await.unwrap().into_inner();
    assert_eq!(page.jobs.len(), 3, "{page:#?}");
    assert_eq!(page.unread.odd()["jobs[2]"], json!("not a job"));
    assert_eq!(page.unread.unlisted()["cursor"], json!(9));
    let text_id = &page.jobs[1];
    assert_eq!(text_id.job_id, None);
    assert_eq!(text_id.unread.odd()["jobId"], json!({"id": "2a"}));
    assert_eq!(text_id.job_state, Some(JobJobState::Failed));
    let odd = &page.jobs[2];
    assert_eq!(odd.job_id.as_ref().map(|id| id.id), Some(4));
    assert_eq!(
        (odd.job_stats.as_ref(), odd.bucket_name.as_ref()),
        (None, None)
    );
    assert_eq!(odd.unread.odd()["jobStats"], json!([1, 2]));
    assert_eq!(odd.unread.odd()["bucketName"], json!(12));
    assert_eq!(odd.unread.unlisted()["tenant"], json!({"name": "t1"}));
    assert!(page.jobs[0].unread.is_empty());
}

/// What cannot be kept raw still fails with a reason that names the field: a page without
/// its required `jobs` list.
#[tokio::test]
async fn a_page_without_its_required_list_fails_naming_it() {
    let server = MockServer::start().await;
    let client = connect(&server);
    server.script([csrf("t1"), Scripted::json(200, &json!({"pageToken": ""}))]);
    let error = client.list_jobs().send().await.unwrap_err();
    let text = format!("{error}");
    assert!(text.contains("required field `jobs`"), "{text}");
}
