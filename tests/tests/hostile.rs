//! Every generated client against servers that misbehave: each case must end in a typed error
//! or a correct value, never a panic or a hang, and a huge body must not be read past the cap.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use storage_jobs_runtime::{ConnectionSettings, Error, VendorError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the server misbehaves.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Case {
    MalformedJson,
    TruncatedBody,
    WrongContentType,
    HtmlErrorPage,
    ServerErrorWithoutBody,
    HugeBody,
    SlowHeaders,
    ConnectionReset,
    RedirectToAnotherHost,
    UnknownEnumValue,
    UnknownFields,
    NullOptionalFields,
    MissingRequiredField,
}

const CASES: [Case; 13] = [
    Case::MalformedJson,
    Case::TruncatedBody,
    Case::WrongContentType,
    Case::HtmlErrorPage,
    Case::ServerErrorWithoutBody,
    Case::HugeBody,
    Case::SlowHeaders,
    Case::ConnectionReset,
    Case::RedirectToAnotherHost,
    Case::UnknownEnumValue,
    Case::UnknownFields,
    Case::NullOptionalFields,
    Case::MissingRequiredField,
];

/// The response bodies one client's operation expects, and its variants for the decoding cases.
struct Bodies {
    valid: &'static str,
    unknown_enum: &'static str,
    unknown_fields: &'static str,
    nulls: &'static str,
    missing_required: &'static str,
}

const HUGE: usize = 64 * 1024 * 1024;
const CAP: usize = 1024 * 1024;

/// What the server saw: requests, and bytes of the huge body it managed to send.
#[derive(Default)]
struct Seen {
    requests: AtomicUsize,
    huge_bytes_sent: AtomicUsize,
}

async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    while !data.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..n]);
    }
    let text = String::from_utf8_lossy(&data).into_owned();
    let length = text
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    let head_end = text.find("\r\n\r\n").unwrap() + 4;
    let mut have = data.len() - head_end;
    while have < length {
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            break;
        }
        have += n;
    }
    Some(text)
}

fn response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Starts a server that answers every request (except `GET /v1/csrf`, which sets a token) as
/// `case` says. `elsewhere` is the base URL redirects point to.
async fn hostile(
    case: Case,
    bodies: &'static Bodies,
    elsewhere: String,
    seen: Arc<Seen>,
) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = seen.clone();
            let elsewhere = elsewhere.clone();
            tokio::spawn(async move {
                let Some(request) = read_request(&mut stream).await else {
                    return;
                };
                seen.requests.fetch_add(1, Ordering::SeqCst);
                if request.starts_with("GET /v1/csrf") {
                    let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nset-cookie: XSRF-TOKEN=t; Path=/\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
                    return;
                }
                let json = "application/json";
                let reply = match case {
                    Case::MalformedJson => response("200 OK", json, "{\"records\": [ {\"uuid\": "),
                    Case::TruncatedBody => format!("HTTP/1.1 200 OK\r\ncontent-type: {json}\r\ncontent-length: 5000\r\nconnection: close\r\n\r\n{}", &bodies.valid[..bodies.valid.len() / 2]),
                    Case::WrongContentType => response("200 OK", "text/plain", bodies.valid),
                    Case::HtmlErrorPage => response("500 Internal Server Error", "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"),
                    Case::ServerErrorWithoutBody => "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_string(),
                    Case::HugeBody => {
                        let _ = stream.write_all(format!("HTTP/1.1 200 OK\r\ncontent-type: {json}\r\ntransfer-encoding: chunked\r\n\r\n").as_bytes()).await;
                        let chunk = vec![b' '; 64 * 1024];
                        let mut sent = 0;
                        while sent < HUGE {
                            let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
                            if stream.write_all(&frame).await.is_err() {
                                break;
                            }
                            sent += chunk.len();
                            seen.huge_bytes_sent.store(sent, Ordering::SeqCst);
                        }
                        return;
                    }
                    Case::SlowHeaders => {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        return;
                    }
                    Case::ConnectionReset => {
                        // A zero linger makes the close a reset (RST); with zero, dropping never blocks,
                        // which is what the deprecation warns about.
                        #[allow(deprecated)]
                        let _ = stream.set_linger(Some(Duration::ZERO));
                        return;
                    }
                    Case::RedirectToAnotherHost => format!("HTTP/1.1 302 Found\r\nlocation: {elsewhere}/steal\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"),
                    Case::UnknownEnumValue => response("200 OK", json, bodies.unknown_enum),
                    Case::UnknownFields => response("200 OK", json, bodies.unknown_fields),
                    Case::NullOptionalFields => response("200 OK", json, bodies.nulls),
                    Case::MissingRequiredField => response("200 OK", json, bodies.missing_required),
                };
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
    base
}

fn settings() -> ConnectionSettings {
    ConnectionSettings::new()
        .timeout(Duration::from_secs(2))
        .connect_timeout(Duration::from_secs(2))
        .max_response_bytes(CAP)
        // The 503 case is retried; quickly, so the matrix stays fast.
        .retries(storage_jobs_runtime::RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..storage_jobs_runtime::RetryPolicy::DEFAULT
        })
}

fn vsp_object(base: &str) -> vsp_object_client::Client {
    let credentials = vsp_object_client::Credentials::BearerAuth { token: "t".into() };
    vsp_object_client::Client::connect_with(base, credentials, &settings()).unwrap()
}

fn vspc(base: &str) -> vspc_client::Client {
    let credentials = vspc_client::Credentials::BearerAuth { token: "t".into() };
    vspc_client::Client::connect_with(base, credentials, &settings()).unwrap()
}

fn ontap(base: &str) -> ontap_client::Client {
    let credentials = ontap_client::Credentials::BasicAuth {
        username: "admin".into(),
        password: "p".into(),
    };
    ontap_client::Client::connect_with(base, credentials, &settings()).unwrap()
}

/// A short, stable account of an outcome for the matrix.
fn outcome<T: std::fmt::Debug, E: VendorError + std::fmt::Debug>(
    result: Result<T, Error<E>>,
) -> String {
    match result {
        Ok(_) => "ok".to_string(),
        Err(Error::Documented { status, .. }) => format!("vendor error {}", status.as_u16()),
        Err(error @ Error::UnexpectedStatus { .. }) if error.retries() > 0 => format!(
            "status {} after {} retries",
            error.status().map_or(0, |s| s.as_u16()),
            error.retries()
        ),
        Err(Error::UnexpectedStatus { status, .. }) => format!("status {}", status.as_u16()),
        Err(Error::Decode { .. }) => "decode error".to_string(),
        Err(Error::Transport(e)) if e.is_timeout() => "timeout".to_string(),
        Err(Error::Transport(_)) => "transport error".to_string(),
        Err(Error::Request(message)) if message.contains("larger than the limit") => {
            "body over the cap".to_string()
        }
        Err(other) => format!("error: {other}"),
    }
}

type Call = fn(String) -> std::pin::Pin<Box<dyn std::future::Future<Output = String> + Send>>;

/// One client: its name, how to call its listing operation against a base URL, and its bodies.
struct Client {
    name: &'static str,
    call: Call,
    bodies: &'static Bodies,
}

const CLIENTS: [Client; 5] = [
    Client {
        name: "hnas",
        call: |base| {
            Box::pin(async move {
                let client = hnas_client::Client::connect_with(
                    &base,
                    hnas_client::Credentials::ApiKey {
                        api_key: "k".into(),
                    },
                    &settings(),
                )
                .unwrap();
                outcome(client.get_clone_jobs().filesystem_id("fs").send().await)
            })
        },
        bodies: &Bodies {
            valid: r#"{"treeCloneJobs": [{"jobId": "j1", "jobState": "RUNNING", "filesCloned": 12}]}"#,
            unknown_enum: r#"{"treeCloneJobs": [{"jobId": "j1", "jobState": "HIBERNATING"}]}"#,
            unknown_fields: r#"{"treeCloneJobs": [{"jobId": "j1", "shinyNewField": {"a": [1, 2]}}], "apiVersion": 10}"#,
            nulls: r#"{"treeCloneJobs": [{"jobId": null, "jobState": null, "startTime": null}]}"#,
            missing_required: r#"{}"#,
        },
    },
    Client {
        name: "vsp-object",
        call: |base| {
            Box::pin(async move {
                let client = vsp_object(&base);
                outcome(client.list_jobs().send().await)
            })
        },
        bodies: &Bodies {
            valid: r#"{"jobs": [{"jobId": {"id": 1}, "jobState": "EXECUTING"}], "pageToken": ""}"#,
            unknown_enum: r#"{"jobs": [{"jobId": {"id": 1}, "jobState": "ARCHIVING", "jobType": "NEW_KIND"}], "pageToken": ""}"#,
            unknown_fields: r#"{"jobs": [{"jobId": {"id": 1, "uuid": "x"}, "priority": 3}], "pageToken": "", "total": 1}"#,
            nulls: r#"{"jobs": [{"jobId": null, "jobState": null, "jobParams": null, "startTime": null}], "pageToken": ""}"#,
            missing_required: r#"{"pageToken": ""}"#,
        },
    },
    Client {
        name: "vspc",
        call: |base| {
            Box::pin(async move {
                let client = vspc(&base);
                outcome(client.get_backup_server_file_share_copy_jobs().send().await)
            })
        },
        bodies: &Bodies {
            valid: r#"{"meta": {"pagingInfo": {"total": 1, "count": 1, "offset": 0}}, "data": [{"retention": 28}]}"#,
            unknown_enum: r#"{"data": [{"retention": 28, "retentionUnit": "fortnights"}]}"#,
            unknown_fields: r#"{"data": [{"retention": 28, "_embedded": {}}], "meta": {"errors": []}}"#,
            nulls: r#"{"meta": null, "data": null}"#,
            missing_required: r#"{}"#,
        },
    },
    Client {
        name: "bluexp-backup",
        call: |base| {
            Box::pin(async move {
                let credentials = bluexp_backup_client::Credentials::UserTokenAndAgentId {
                    user_token: "Bearer t".into(),
                    agent_id: "a".into(),
                };
                let client =
                    bluexp_backup_client::Client::connect_with(&base, credentials, &settings())
                        .unwrap();
                outcome(client.get_restore_status().account_id("acc").send().await)
            })
        },
        bodies: &Bodies {
            valid: r#"{"job": [{"id": "r1", "status": "Running"}]}"#,
            unknown_enum: r#"{"job": [{"id": "r1", "status": "Verifying"}]}"#,
            unknown_fields: r#"{"job": [{"id": "r1", "progress": 50, "data": {"restore": {"type": "file", "extra": true}}}]}"#,
            nulls: r#"{"job": [{"id": null, "time": null, "data": {"restore": {"file": null}}}]}"#,
            missing_required: r#"{}"#,
        },
    },
    Client {
        name: "ontap",
        call: |base| {
            Box::pin(async move {
                let client = ontap(&base);
                outcome(client.get_cluster_jobs().send().await)
            })
        },
        bodies: &Bodies {
            valid: r#"{"records": [{"uuid": "1cd8a442-86d1-11e0-ae1c-123478563412", "state": "running"}], "num_records": 1}"#,
            unknown_enum: r#"{"records": [{"state": "quiescing"}]}"#,
            unknown_fields: r#"{"records": [{"state": "running", "svm": {"name": "vs0"}}], "num_records": 1, "_links": {"self": {"href": "/api/x"}, "prev": {}}}"#,
            nulls: r#"{"records": null, "num_records": null, "_links": null}"#,
            missing_required: r#"{}"#,
        },
    },
];

/// A stream drained: `Ok` with the item count, or its first error.
async fn drained<T, E>(
    stream: impl futures::Stream<Item = Result<T, Error<E>>>,
) -> Result<usize, Error<E>> {
    use futures::StreamExt;
    let mut stream = std::pin::pin!(stream);
    let mut count = 0;
    while let Some(item) = stream.next().await {
        item?;
        count += 1;
    }
    Ok(count)
}

/// The paging clients again, listing through their `_stream` methods.
const STREAMS: [Client; 3] = [
    Client {
        name: "vsp-object",
        call: |base| {
            Box::pin(async move {
                let client = vsp_object(&base);
                outcome(drained(client.list_jobs_stream(|r| r)).await)
            })
        },
        bodies: CLIENTS[1].bodies,
    },
    Client {
        name: "vspc",
        call: |base| {
            Box::pin(async move {
                let client = vspc(&base);
                outcome(drained(client.get_backup_server_file_share_copy_jobs_stream(|r| r)).await)
            })
        },
        bodies: CLIENTS[2].bodies,
    },
    Client {
        name: "ontap",
        call: |base| {
            Box::pin(async move {
                let client = ontap(&base);
                outcome(drained(client.get_cluster_jobs_stream(|r| r)).await)
            })
        },
        bodies: CLIENTS[4].bodies,
    },
];

#[tokio::test(flavor = "multi_thread")]
async fn every_client_survives_every_hostile_server() {
    survive(&CLIENTS, "hostile_matrix").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_stream_survives_every_hostile_server() {
    survive(&STREAMS, "hostile_stream_matrix").await;
}

async fn survive(clients: &[Client], snapshot: &str) {
    let mut matrix = String::new();
    for client in clients {
        for case in CASES {
            let seen = Arc::new(Seen::default());
            let elsewhere_seen = Arc::new(Seen::default());
            let elsewhere = hostile(
                Case::UnknownFields,
                client.bodies,
                String::new(),
                elsewhere_seen.clone(),
            )
            .await;
            let base = hostile(case, client.bodies, elsewhere, seen.clone()).await;
            let result = tokio::time::timeout(Duration::from_secs(15), (client.call)(base)).await;
            let text = result.unwrap_or_else(|_| panic!("{} hung on {case:?}", client.name));
            matrix.push_str(&format!(
                "{:<14} {:<24} {text}\n",
                client.name,
                format!("{case:?}")
            ));
            match case {
                Case::RedirectToAnotherHost => {
                    assert_eq!(
                        elsewhere_seen.requests.load(Ordering::SeqCst),
                        0,
                        "{}: followed a redirect to another host",
                        client.name
                    );
                    assert_eq!(text, "status 302");
                }
                Case::HugeBody => {
                    assert_eq!(text, "body over the cap", "{}", client.name);
                    let sent = seen.huge_bytes_sent.load(Ordering::SeqCst);
                    assert!(
                        sent < HUGE,
                        "{}: the client read all {sent} bytes of a huge body",
                        client.name
                    );
                }
                Case::SlowHeaders => assert_eq!(text, "timeout", "{}", client.name),
                // This server answers every offset with the same page; where the page gives no
                // `total` to stop at, the stream must notice that it does not advance.
                Case::UnknownEnumValue | Case::UnknownFields
                    if snapshot == "hostile_stream_matrix" && client.name == "vspc" =>
                {
                    assert!(text.contains("does not advance"), "{text}")
                }
                Case::UnknownEnumValue
                | Case::UnknownFields
                | Case::NullOptionalFields
                | Case::WrongContentType => {
                    assert_eq!(text, "ok", "{} {case:?}", client.name)
                }
                // Only VSP One Object's response has required fields (`jobs`, `pageToken`).
                Case::MissingRequiredField if client.name == "vsp-object" => {
                    assert_eq!(text, "decode error")
                }
                Case::MissingRequiredField => {
                    assert_eq!(text, "ok", "{}: nothing is required", client.name)
                }
                _ => assert_ne!(
                    text, "ok",
                    "{} {case:?} decoded something from garbage",
                    client.name
                ),
            }
        }
    }
    insta::assert_snapshot!(snapshot, matrix);
}
