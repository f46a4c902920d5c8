//! Retries as a careful operator allows them: requests that are safe to repeat (GETs, and
//! listings sent as POST) are sent again after a failed connection or a 429, 502, 503, 504 or
//! 520, honouring `Retry-After`, a limited number of times within a time budget; the count
//! shows in the error.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use storage_jobs_runtime::{ConnectionSettings, RetryPolicy};

/// The status (and `Retry-After`) of the `n`th answer to anything but `GET /v1/csrf`.
type Answer = fn(n: usize) -> (u16, Option<&'static str>);

async fn server(answer: Answer, body: &'static str) -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    let app = axum::Router::new().fallback(move |request: Request| {
        let counter = counter.clone();
        async move {
            if request.uri().path().ends_with("/csrf") {
                return Response::builder()
                    .header("set-cookie", "XSRF-TOKEN=t; Path=/")
                    .body(Body::empty())
                    .unwrap();
            }
            let (status, retry_after) = answer(counter.fetch_add(1, Ordering::SeqCst));
            let mut response = Response::builder()
                .status(status)
                .header("content-type", "application/json");
            if let Some(value) = retry_after {
                response = response.header("retry-after", value);
            }
            let body = if status == 200 { body } else { "" };
            response.body(Body::from(body)).unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, count)
}

const ONTAP_PAGE: &str = r#"{"records": [{"state": "running"}], "num_records": 1}"#;

fn fast() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(20),
        ..RetryPolicy::DEFAULT
    }
}

fn ontap(base: &str, policy: RetryPolicy) -> ontap_client::Client {
    ontap_client::Client::connect_with(
        &format!("{base}/api"),
        ontap_client::Credentials::BasicAuth {
            username: "admin".into(),
            password: "p".into(),
        },
        &ConnectionSettings::new().retries(policy),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn transient_answers_are_retried_until_one_succeeds() {
    for status in [429, 502, 503, 504, 520] {
        let (base, requests) = server(
            match status {
                429 => |n| (if n < 2 { 429 } else { 200 }, None),
                502 => |n| (if n < 2 { 502 } else { 200 }, None),
                503 => |n| (if n < 2 { 503 } else { 200 }, None),
                504 => |n| (if n < 2 { 504 } else { 200 }, None),
                _ => |n| (if n < 2 { 520 } else { 200 }, None),
            },
            ONTAP_PAGE,
        )
        .await;
        let page = ontap(&base, fast()).get_cluster_jobs().send().await;
        assert!(page.is_ok(), "{status}: {:?}", page.err());
        assert_eq!(requests.load(Ordering::SeqCst), 3, "{status}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn other_errors_are_not_retried() {
    for answer in [
        (|_| (500, None)) as Answer,
        |_| (404, None),
        |_| (401, None),
    ] {
        let (base, requests) = server(answer, ONTAP_PAGE).await;
        let error = ontap(&base, fast())
            .get_cluster_jobs()
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.retries(), 0);
        assert_eq!(requests.load(Ordering::SeqCst), 1, "{error}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn retries_end_after_the_limit_and_say_so() {
    let (base, requests) = server(|_| (503, None), ONTAP_PAGE).await;
    let error = ontap(&base, fast())
        .get_cluster_jobs()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        requests.load(Ordering::SeqCst),
        4,
        "the first attempt and three retries"
    );
    assert_eq!(error.retries(), 3);
    assert_eq!(
        error.to_string(),
        "503 Service Unavailable (after 3 retries)"
    );
    let (base, requests) = server(|_| (503, None), ONTAP_PAGE).await;
    let error = ontap(&base, RetryPolicy::NONE)
        .get_cluster_jobs()
        .send()
        .await
        .unwrap_err();
    assert_eq!(requests.load(Ordering::SeqCst), 1);
    assert_eq!(error.retries(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_after_is_honoured_and_the_budget_holds() {
    let (base, requests) =
        server(|n| (if n == 0 { 429 } else { 200 }, Some("1")), ONTAP_PAGE).await;
    let started = Instant::now();
    ontap(&base, fast())
        .get_cluster_jobs()
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited as asked"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 2);

    // A server that asks for longer than the policy waits gets its answer back at once.
    let (base, requests) = server(|_| (503, Some("3600")), ONTAP_PAGE).await;
    let started = Instant::now();
    let error = ontap(&base, fast())
        .get_cluster_jobs()
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!((requests.load(Ordering::SeqCst), error.retries()), (1, 0));

    // No retry starts that would pass the call's budget.
    let budget = RetryPolicy {
        initial_backoff: Duration::from_millis(400),
        budget: Duration::from_millis(500),
        ..RetryPolicy::DEFAULT
    };
    let (base, requests) = server(|_| (503, None), ONTAP_PAGE).await;
    let started = Instant::now();
    ontap(&base, budget)
        .get_cluster_jobs()
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(requests.load(Ordering::SeqCst) <= 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listing_sent_as_post_is_retried_too() {
    let (base, requests) = server(
        |n| (if n == 0 { 503 } else { 200 }, None),
        r#"{"jobs": [], "pageToken": ""}"#,
    )
    .await;
    let client = vsp_object_client::Client::connect_with(
        &base,
        vsp_object_client::Credentials::BearerAuth { token: "t".into() },
        &ConnectionSettings::new().retries(fast()),
    )
    .unwrap();
    client.list_jobs().send().await.unwrap();
    assert_eq!(requests.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_connection_is_retried_then_reported() {
    // A port nobody listens on: every attempt is refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let policy = RetryPolicy {
        initial_backoff: Duration::from_millis(200),
        ..RetryPolicy::DEFAULT
    };
    let started = Instant::now();
    let error = ontap(&base, policy)
        .get_cluster_jobs()
        .send()
        .await
        .unwrap_err();
    // Three waits of at least half of 200, 400 and 800 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(700),
        "{:?}",
        started.elapsed()
    );
    assert!(error.to_string().contains("Connection refused"), "{error}");
}
