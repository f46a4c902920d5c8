//! The generated `mock` modules (feature `mock`) drive `httpmock` the way a downstream test
//! suite would: each client talks to a typed mock of its API. The mocks match the spec's
//! paths from the server's root, so clients point at the mock server's root URL.

use futures::TryStreamExt;
use httpmock::MockServer;

#[tokio::test]
async fn ontap_mock_matches_comma_separated_lists() {
    use ontap_client::mock::MockServerExt;
    use ontap_client::{Client, Credentials, types};
    let server = MockServer::start_async().await;
    // The types are `#[non_exhaustive]`: downstream code builds them with their builders.
    let job: types::Job = types::Job::builder()
        .description("App Snapshot Job".to_string())
        .try_into()
        .unwrap();
    let page: types::JobResponse = types::JobResponse::builder()
        .num_records(1)
        .records(vec![job])
        .try_into()
        .unwrap();
    let mock = server.get_cluster_jobs(|when, then| {
        when.fields(ontap_client::CommaSeparated::from(["uuid", "state"]))
            .max_records(5);
        then.ok(&page);
    });
    let client = Client::connect(
        &server.url(""),
        Credentials::BasicAuth {
            username: "admin".into(),
            password: "x".into(),
        },
    )
    .unwrap();
    let jobs: Vec<_> = client
        .get_cluster_jobs_stream(|request| request.fields(["uuid", "state"]).max_records(5))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    mock.assert_async().await;
}

#[tokio::test]
async fn hnas_mock_answers_a_typed_error() {
    use hnas_client::mock::MockServerExt;
    use hnas_client::{Client, Credentials, types};
    let server = MockServer::start_async().await;
    server.get_clone_jobs(|when, then| {
        when.filesystem_id("missing");
        let mut error = types::DetailedError::default();
        error.error_code = Some(1081345);
        error.error_msg = Some("Cannot find the object".into());
        then.not_found(&error);
    });
    let client = Client::connect(
        &server.url(""),
        Credentials::ApiKey {
            api_key: "k".into(),
        },
    )
    .unwrap();
    let error = client
        .get_clone_jobs()
        .filesystem_id("missing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "404 Not Found: Cannot find the object (code 1081345)"
    );
}

#[tokio::test]
async fn vspc_mock_pages_by_offset() {
    use vspc_client::mock::MockServerExt;
    use vspc_client::{Client, Credentials, types};
    let server = MockServer::start_async().await;
    let job: types::BackupServerFileShareCopyJob = types::BackupServerFileShareCopyJob::builder()
        .retention(28)
        .try_into()
        .unwrap();
    let page = |offset: i32, count: usize| -> types::BackupServerFileShareCopyJobCollection {
        let paging: types::PagingInformation = types::PagingInformation::builder()
            .total(3)
            .count(count as i32)
            .offset(offset)
            .try_into()
            .unwrap();
        let meta: types::ResponseMetadata = types::ResponseMetadata::builder()
            .paging_info(paging)
            .try_into()
            .unwrap();
        types::BackupServerFileShareCopyJobCollection::builder()
            .data(vec![job.clone(); count])
            .meta(meta)
            .try_into()
            .unwrap()
    };
    let first = server.get_backup_server_file_share_copy_jobs(|when, then| {
        when.limit(2).offset(0);
        then.ok(&page(0, 2));
    });
    let second = server.get_backup_server_file_share_copy_jobs(|when, then| {
        when.limit(2).offset(2);
        then.ok(&page(2, 1));
    });
    let client = Client::connect(
        &server.url(""),
        Credentials::BearerAuth { token: "t".into() },
    )
    .unwrap();
    let jobs: Vec<_> = client
        .get_backup_server_file_share_copy_jobs_stream(|request| request.limit(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(jobs.len(), 3);
    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test]
async fn vsp_object_mock_serves_the_token_and_the_list() {
    use vsp_object_client::mock::MockServerExt;
    use vsp_object_client::{Client, Credentials, types};
    let server = MockServer::start_async().await;
    let token = server.get_csrf_token(|_, then| {
        then.into_inner()
            .status(200)
            .header("set-cookie", "XSRF-TOKEN=t1; Path=/");
    });
    let list = server.list_jobs(|when, then| {
        when.into_inner()
            .header("x-xsrf-token", "t1")
            .header("cookie", "XSRF-TOKEN=t1");
        let page: types::JobListResponse = types::JobListResponse::builder()
            .jobs(vec![types::Job::default()])
            .try_into()
            .unwrap();
        then.ok(&page);
    });
    let client = Client::connect(
        &server.url(""),
        Credentials::BearerAuth { token: "t".into() },
    )
    .unwrap();
    let jobs: Vec<_> = client
        .list_jobs_stream(|request| request)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    token.assert_async().await;
    list.assert_async().await;
}

#[tokio::test]
async fn bluexp_mock_checks_the_account() {
    use bluexp_backup_client::mock::MockServerExt;
    use bluexp_backup_client::{Client, Credentials, types};
    let server = MockServer::start_async().await;
    let mock = server.get_restore_status(|when, then| {
        when.account_id("account-42");
        let job: types::Job = types::Job::builder()
            .id("r1".to_string())
            .try_into()
            .unwrap();
        then.ok(&types::RestoreStatus::builder()
            .job(vec![job])
            .try_into()
            .unwrap());
    });
    let client = Client::connect(
        &server.url(""),
        Credentials::UserTokenAndAgentId {
            user_token: "Bearer t".into(),
            agent_id: "a".into(),
        },
    )
    .unwrap();
    let status = client
        .get_restore_status()
        .account_id("account-42")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.job[0].id.as_deref(), Some("r1"));
    mock.assert_async().await;
}
