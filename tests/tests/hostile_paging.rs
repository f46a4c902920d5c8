//! The pagination streams against servers whose pages never end: links and tokens that go
//! round in cycles of any length, an offset the server ignores, and chains of new pages
//! without end. Each listing must end with an error that says why, after a bounded number of
//! requests, never by fetching until memory or patience runs out.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::response::Response;
use futures::StreamExt;
use storage_jobs_runtime::ConnectionSettings;

/// How a server answers the `n`th request (from 0) for `path_and_query` with `body`.
type Answer = fn(n: usize, path_and_query: &str, body: &str) -> String;

/// Starts a loopback server that answers every request with `answer` (and `GET .../csrf`
/// with a token), counting requests.
async fn server(answer: Answer) -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    let app = axum::Router::new().fallback(move |request: Request| {
        let counter = counter.clone();
        async move {
            let path = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default();
            if path.ends_with("/csrf") {
                return Response::builder()
                    .header("set-cookie", "XSRF-TOKEN=t; Path=/")
                    .body(Body::empty())
                    .unwrap();
            }
            let body = to_bytes(request.into_body(), 1 << 20).await.unwrap();
            let n = counter.fetch_add(1, Ordering::SeqCst);
            Response::builder()
                .header("content-type", "application/json")
                .body(Body::from(answer(
                    n,
                    &path,
                    &String::from_utf8_lossy(&body),
                )))
                .unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, count)
}

fn settings() -> ConnectionSettings {
    ConnectionSettings::new().timeout(Duration::from_secs(5))
}

/// Drains a stream: the items it yielded and the error that ended it, if any.
async fn drain<T, E: std::fmt::Display>(
    stream: impl futures::Stream<Item = Result<T, E>>,
) -> (usize, Option<String>) {
    let mut stream = std::pin::pin!(stream);
    let mut items = 0;
    while let Some(item) = stream.next().await {
        match item {
            Ok(_) => items += 1,
            Err(error) => return (items, Some(error.to_string())),
        }
    }
    (items, None)
}

fn ontap(base: &str, settings: &ConnectionSettings) -> ontap_client::Client {
    let credentials = ontap_client::Credentials::BasicAuth {
        username: "admin".into(),
        password: "p".into(),
    };
    ontap_client::Client::connect_with(&format!("{base}/api"), credentials, settings).unwrap()
}

/// ONTAP pages whose `_links.next` goes `page=1, 2, ..., length, 1, ...`.
fn ontap_page(next: &str) -> String {
    format!(
        r#"{{"records": [{{"state": "running"}}], "num_records": 1, "_links": {{"next": {{"href": "{next}"}}}}}}"#
    )
}

fn page_number(path: &str) -> usize {
    path.rsplit("page=")
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn next_link_cycles_of_any_length_end_the_listing() {
    let answers: [(usize, Answer); 3] = [
        (2, |_, path, _| {
            ontap_page(&format!(
                "/api/cluster/jobs?page={}",
                page_number(path) % 2 + 1
            ))
        }),
        (3, |_, path, _| {
            ontap_page(&format!(
                "/api/cluster/jobs?page={}",
                page_number(path) % 3 + 1
            ))
        }),
        (50, |_, path, _| {
            ontap_page(&format!(
                "/api/cluster/jobs?page={}",
                page_number(path) % 50 + 1
            ))
        }),
    ];
    for (length, answer) in answers {
        let (base, requests) = server(answer).await;
        let client = ontap(&base, &settings());
        let (items, error) = drain(client.get_cluster_jobs_stream(|r| r)).await;
        let error = error.expect("a cycle is an error");
        assert!(
            error.contains("cycle") && error.contains("/api/cluster/jobs?page=1"),
            "{error}"
        );
        // The first page, then each page of the cycle once.
        assert_eq!(
            requests.load(Ordering::SeqCst),
            length + 1,
            "cycle of {length}"
        );
        assert_eq!(items, length + 1);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn page_token_cycles_end_the_listing() {
    let (base, requests) = server(|_, _, body| {
        let next = if body.contains("\"pageToken\":\"a\"") {
            "b"
        } else {
            "a"
        };
        format!(r#"{{"jobs": [{{"jobId": {{"id": 1}}}}], "pageToken": "{next}"}}"#)
    })
    .await;
    let client = vsp_object_client::Client::connect_with(
        &base,
        vsp_object_client::Credentials::BearerAuth { token: "t".into() },
        &settings(),
    )
    .unwrap();
    let (items, error) = drain(client.list_jobs_stream(|r| r)).await;
    let error = error.expect("a cycle is an error");
    assert!(
        error.contains("`a` again") && error.contains("cycle"),
        "{error}"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 3);
    assert_eq!(items, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_offset_the_server_ignores_ends_the_listing() {
    let (base, requests) = server(|_, _, _| {
        r#"{"meta": {"pagingInfo": {"total": 1000000, "count": 2, "offset": 0}}, "data": [{"retention": 1}, {"retention": 2}]}"#
            .to_string()
    })
    .await;
    let client = vspc_client::Client::connect_with(
        &base,
        vspc_client::Credentials::BearerAuth { token: "t".into() },
        &settings(),
    )
    .unwrap();
    let (items, error) = drain(client.get_backup_server_file_share_copy_jobs_stream(|r| r)).await;
    let error = error.expect("a page that does not advance is an error");
    assert!(error.contains("does not advance"), "{error}");
    assert_eq!(requests.load(Ordering::SeqCst), 2);
    assert_eq!(items, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn chains_without_end_stop_at_the_page_and_item_limits() {
    // Every page links to a new one: a million-page chain, cut at the page limit.
    let (base, requests) =
        server(|n, _, _| ontap_page(&format!("/api/cluster/jobs?page={n}"))).await;
    let client = ontap(&base, &settings().max_pages(300));
    let (items, error) = drain(client.get_cluster_jobs_stream(|r| r)).await;
    let error = error.expect("the page limit is an error");
    assert!(error.contains("more than 300 pages"), "{error}");
    assert_eq!(requests.load(Ordering::SeqCst), 300);
    assert_eq!(items, 300);

    // Large pages, cut at the item limit, mid-page.
    let (base, requests) = server(|n, _, _| {
        let records = vec![r#"{"state": "running"}"#; 100].join(",");
        format!(
            r#"{{"records": [{records}], "_links": {{"next": {{"href": "/api/cluster/jobs?page={n}"}}}}}}"#
        )
    })
    .await;
    let client = ontap(&base, &settings().max_items(250));
    let (items, error) = drain(client.get_cluster_jobs_stream(|r| r)).await;
    let error = error.expect("the item limit is an error");
    assert!(error.contains("more than 250 items"), "{error}");
    assert_eq!(items, 250);
    assert_eq!(requests.load(Ordering::SeqCst), 3);
}
