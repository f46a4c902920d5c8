//! bluexp-backup-client over HTTP: the user token and Connector ID headers, and the documented
//! response decoded.

use bluexp_backup_client::{Client, Credentials};
use serde_json::json;
use tests::calls::{assert_clean, assert_secret_hidden, describe, replay_documented};
use tests::mock::{MockServer, Scripted};
use tests::workspace::APIS;

const PATH: &str = "/account/{accountId}/providers/cloudmanager_cbs/api/v1/restore/status";
const TOKEN: &str = "Bearer bluexp-user-token";

fn connect(server: &MockServer) -> Client {
    Client::connect(
        &server.url(""),
        Credentials::UserTokenAndAgentId {
            user_token: TOKEN.into(),
            agent_id: "connector-1clients".into(),
        },
    )
    .unwrap()
}

#[tokio::test]
async fn every_documented_response_decodes() {
    let spec = APIS[3].spec_json();
    let server = MockServer::start().await;
    let client = connect(&server);
    let report = replay_documented(&server, &spec, PATH, "get", || async {
        describe(
            client
                .get_restore_status()
                .account_id("account-42")
                .send()
                .await,
        )
    })
    .await;
    let requests = server.take();
    assert_clean(&requests, "bluexp-backup-client");
    assert_eq!(requests[0].header("authorization"), Some(TOKEN));
    assert_eq!(requests[0].header("x-agent-id"), Some("connector-1clients"));
    insta::assert_snapshot!("bluexp_request", requests[0].render());
    insta::assert_snapshot!("bluexp_documented_responses", report);
    assert_secret_hidden("bluexp-user-token", &[format!("{client:?}")]);
}

#[tokio::test]
async fn unknown_fields_and_nulls_decode() {
    let server = MockServer::start().await;
    server.script([Scripted::json(
        200,
        &json!({"job": [{"id": "r1", "status": "InProgress", "time": 1700000000000u64, "data": {"restore": {"type": "file", "file": null, "extra": 1}}, "progress": 42}]}),
    )]);
    let status = connect(&server)
        .get_restore_status()
        .account_id("a")
        .send()
        .await
        .unwrap()
        .into_inner();
    insta::assert_snapshot!("bluexp_unknown_fields", format!("{status:#?}"));
}
