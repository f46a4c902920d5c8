//! hnas-client over HTTP: each credential as sent, every documented response decoded, and
//! decoding that survives values and fields the document never listed.

use hnas_client::{Client, ConnectionSettings, Credentials};
use serde_json::json;
use tests::calls::{assert_clean, assert_secret_hidden, describe, replay_documented};
use tests::mock::{MockServer, Scripted};
use tests::workspace::APIS;

const PATH: &str = "/v9/storage/filesystems/{filesystemId}/clone-jobs";
const FILESYSTEM: &str = "7B263DFD1D71E65A0000000000000000";
const SECRET: &str = "s3cr3t-api-key";

fn connect(server: &MockServer, credentials: Credentials) -> Client {
    Client::connect(&server.url(""), credentials).unwrap()
}

#[tokio::test]
async fn every_documented_response_decodes() {
    let spec = APIS[0].spec_json();
    let server = MockServer::start().await;
    let client = connect(
        &server,
        Credentials::ApiKey {
            api_key: SECRET.into(),
        },
    );
    let report = replay_documented(&server, &spec, PATH, "get", || async {
        describe(
            client
                .get_clone_jobs()
                .filesystem_id(FILESYSTEM)
                .send()
                .await,
        )
    })
    .await;
    let requests = server.take();
    assert_clean(&requests, "hnas-client");
    for request in &requests {
        assert_eq!(request.header("x-api-key"), Some(SECRET));
    }
    insta::assert_snapshot!("hnas_request", requests[0].render());
    insta::assert_snapshot!("hnas_documented_responses", report);
}

#[tokio::test]
async fn unknown_values_and_fields_decode_and_round_trip() {
    let server = MockServer::start().await;
    let client = connect(
        &server,
        Credentials::ApiKey {
            api_key: SECRET.into(),
        },
    );
    server.script([Scripted::json(
        200,
        &json!({"treeCloneJobs": [{"jobId": "j1", "jobState": "SUSPENDED", "addedInV10": {"x": 1}, "filesCloned": null}], "nextVersionField": true}),
    )]);
    let jobs = client
        .get_clone_jobs()
        .filesystem_id(FILESYSTEM)
        .send()
        .await
        .unwrap()
        .into_inner();
    let state = jobs.tree_clone_jobs[0].job_state.clone().unwrap();
    assert_eq!(
        state,
        hnas_client::types::TreeCloneJobJobState::Unknown("SUSPENDED".into())
    );
    assert!(!state.is_known());
    assert_eq!(
        serde_json::to_value(&state).unwrap(),
        json!("SUSPENDED"),
        "an unknown value is sent back as it came"
    );
    insta::assert_snapshot!("hnas_unknown_values", format!("{jobs:#?}"));
}

#[tokio::test]
async fn each_kind_of_credentials_is_sent_as_its_scheme_says() {
    let server = MockServer::start().await;
    let kinds = [
        Credentials::ApiKey {
            api_key: "k".into(),
        },
        Credentials::BasicAuth {
            username: "supervisor".into(),
            password: "p4ss".into(),
        },
        Credentials::XSubsystemUserAndXSubsystemPassword {
            x_subsystem_user: "u".into(),
            x_subsystem_password: "p".into(),
        },
    ];
    for credentials in kinds {
        server.script([Scripted::json(200, &json!({"treeCloneJobs": []}))]);
        connect(&server, credentials)
            .get_clone_jobs()
            .filesystem_id(FILESYSTEM)
            .send()
            .await
            .unwrap();
    }
    let requests = server.take();
    assert_eq!(requests[0].header("x-api-key"), Some("k"));
    assert_eq!(requests[0].header("authorization"), None);
    assert_eq!(
        requests[1].header("authorization"),
        Some("Basic c3VwZXJ2aXNvcjpwNHNz")
    );
    assert_eq!(requests[2].header("x-subsystem-user"), Some("u"));
    assert_eq!(requests[2].header("x-subsystem-password"), Some("p"));
    assert_clean(&requests, "hnas-client");
}

#[tokio::test]
async fn secrets_stay_out_of_debug_output_and_errors() {
    let server = MockServer::start().await;
    let credentials = Credentials::BasicAuth {
        username: "supervisor".into(),
        password: SECRET.into(),
    };
    let client = Client::connect_with(
        &server.url(""),
        credentials.clone(),
        &ConnectionSettings::new(),
    )
    .unwrap();
    server.script([
        Scripted::empty(401),
        Scripted::json(403, &json!({"errorMsg": "Forbidden request"})),
    ]);
    let unauthorized = client
        .get_clone_jobs()
        .filesystem_id(FILESYSTEM)
        .send()
        .await
        .unwrap_err();
    let forbidden = client
        .get_clone_jobs()
        .filesystem_id(FILESYSTEM)
        .send()
        .await
        .unwrap_err();
    assert_eq!(unauthorized.to_string(), "401 Unauthorized");
    assert_eq!(forbidden.to_string(), "403 Forbidden: Forbidden request");
    assert_secret_hidden(
        SECRET,
        &[
            format!("{client:?}"),
            format!("{credentials:?}"),
            format!("{unauthorized:?}"),
            format!("{forbidden:?} {forbidden}"),
        ],
    );
}
