//! ontap-client over HTTP: basic authentication, comma-separated `fields` and `order_by`, the
//! documented responses, unknown states, and `_links.next` pagination.

use std::fmt::Write;

use futures::TryStreamExt;
use ontap_client::types::JobState;
use ontap_client::{Client, Credentials};
use serde_json::json;
use tests::calls::{assert_clean, assert_secret_hidden, describe};
use tests::mock::{MockServer, Scripted, documented_responses};
use tests::workspace::APIS;

const PASSWORD: &str = "netapp-p4ssw0rd";

fn connect(server: &MockServer) -> Client {
    Client::connect(
        &server.url("/api"),
        Credentials::BasicAuth {
            username: "admin".into(),
            password: PASSWORD.into(),
        },
    )
    .unwrap()
}

fn job(n: u32, state: &str) -> serde_json::Value {
    json!({"uuid": format!("1cd8a442-86d1-11e0-ae1c-{n:012}"), "state": state, "description": format!("job {n}")})
}

#[tokio::test]
async fn every_documented_response_decodes_with_list_parameters_comma_separated() {
    let spec = APIS[4].spec_json();
    let server = MockServer::start().await;
    let client = connect(&server);
    let mut report = String::new();
    for (status, example) in documented_responses(&spec, "/cluster/jobs", "get") {
        // `default` covers every error status; try a client and a server error.
        let codes: Vec<u16> = if status == "default" {
            vec![404, 500]
        } else {
            vec![status.parse().unwrap()]
        };
        for code in codes {
            server.script([example
                .as_ref()
                .map_or(Scripted::empty(code), |body| Scripted::json(code, body))]);
            let call = client
                .get_cluster_jobs()
                .fields(["uuid", "state", "message"])
                .order_by(["start_time desc"])
                .state("failure")
                .max_records(2);
            let _ = writeln!(
                report,
                "== documented {status} as {code}\n{}\n",
                describe(call.send().await)
            );
        }
    }
    let requests = server.take();
    assert_clean(&requests, "ontap-client");
    assert_eq!(
        requests[0].header("authorization"),
        Some("Basic YWRtaW46bmV0YXBwLXA0c3N3MHJk")
    );
    assert_eq!(
        requests[0].path_and_query,
        "/api/cluster/jobs?fields=uuid,state,message&max_records=2&order_by=start_time+desc&state=failure",
        "list parameters go out comma-separated, as explode: false says"
    );
    insta::assert_snapshot!("ontap_request", requests[0].render());
    insta::assert_snapshot!("ontap_documented_responses", report);
    assert_secret_hidden(PASSWORD, &[format!("{client:?}"), report]);
}

#[tokio::test]
async fn unknown_states_and_null_records_decode() {
    let server = MockServer::start().await;
    server.script([
        Scripted::json(200, &json!({"records": [job(1, "quiescing"), {"state": "running", "svm": {"name": "vs0"}}], "num_records": 2})),
        Scripted::json(200, &json!({"records": null, "num_records": 0})),
    ]);
    let client = connect(&server);
    let page = client.get_cluster_jobs().send().await.unwrap().into_inner();
    assert_eq!(
        page.records[0].state,
        Some(JobState::Unknown("quiescing".into()))
    );
    assert_eq!(page.records[1].state, Some(JobState::Running));
    assert_eq!(
        page.records[0].state.as_ref().unwrap().to_string(),
        "quiescing"
    );
    let empty = client.get_cluster_jobs().send().await.unwrap().into_inner();
    assert!(empty.records.is_empty(), "null reads as an empty list");
    insta::assert_snapshot!("ontap_unknown_values", format!("{page:#?}"));
}

#[tokio::test]
async fn the_stream_follows_next_links_with_the_callers_page_size() {
    let server = MockServer::start().await;
    let next = |href: &str| json!({"next": {"href": href}, "self": {"href": "/api/cluster/jobs"}});
    server.script([
        Scripted::json(200, &json!({"records": [job(1, "success"), job(2, "failure")], "num_records": 2, "_links": next("/api/cluster/jobs?max_records=2&start.uuid=2")})),
        Scripted::json(200, &json!({"records": [job(3, "running"), job(4, "queued")], "num_records": 2, "_links": next("/api/cluster/jobs?max_records=2&start.uuid=4")})),
        Scripted::json(200, &json!({"records": [job(5, "paused")], "num_records": 1, "_links": {"self": {"href": "/api/cluster/jobs"}}})),
    ]);
    let client = connect(&server);
    let jobs: Vec<_> = client
        .get_cluster_jobs_stream(|request| request.max_records(2).fields(["uuid", "state"]))
        .try_collect()
        .await
        .unwrap();
    let descriptions: Vec<_> = jobs
        .iter()
        .map(|j| j.description.clone().unwrap())
        .collect();
    assert_eq!(descriptions, ["job 1", "job 2", "job 3", "job 4", "job 5"]);
    let requests = server.take();
    let paths: Vec<_> = requests.iter().map(|r| r.path_and_query.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/api/cluster/jobs?fields=uuid,state&max_records=2",
            "/api/cluster/jobs?max_records=2&start.uuid=2",
            "/api/cluster/jobs?max_records=2&start.uuid=4"
        ]
    );
    for request in &requests {
        assert_eq!(
            request.header("authorization"),
            Some("Basic YWRtaW46bmV0YXBwLXA0c3N3MHJk"),
            "links are followed with credentials"
        );
    }
}

#[tokio::test]
async fn a_link_to_another_host_is_not_followed() {
    let server = MockServer::start().await;
    server.script([Scripted::json(200, &json!({"records": [job(1, "success")], "_links": {"next": {"href": "https://elsewhere.example.com/api/cluster/jobs?x=1"}}}))]);
    let client = connect(&server);
    let results: Vec<_> =
        futures::StreamExt::collect(client.get_cluster_jobs_stream(|request| request)).await;
    assert_eq!(results.len(), 2);
    let error = results[1].as_ref().unwrap_err().to_string();
    assert!(error.starts_with("pagination: link `https://elsewhere.example.com/api/cluster/jobs?x=1` leaves http://127.0.0.1:"), "{error}");
    assert_eq!(server.take().len(), 1, "nothing was sent to the other host");
}
