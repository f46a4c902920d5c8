//! A scripted HTTP server on loopback for client tests: it answers each request with the next
//! queued response and records every request exactly as it arrived.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path and query, as sent.
    pub path_and_query: String,
    /// Headers in arrival order, names lowercase.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

/// Headers whose values are credentials: shown redacted in snapshots, checked by assertions.
const SECRET_HEADERS: [&str; 7] = [
    "authorization",
    "cookie",
    "x-api-key",
    "x-subsystem-user",
    "x-subsystem-password",
    "x-xsrf-token",
    "x-agent-id",
];

impl Recorded {
    /// The value of a header, if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A stable text form for snapshots: request line, sorted headers with credentials
    /// redacted (and the transport's own `host` and `content-length` left out, and the crate's
    /// version in the User-Agent, which every regeneration may move), then the body.
    pub fn render(&self) -> String {
        let mut headers: Vec<String> = self
            .headers
            .iter()
            .filter(|(name, _)| name != "host" && name != "content-length")
            .map(|(name, value)| {
                if SECRET_HEADERS.contains(&name.as_str()) {
                    format!("{name}: <redacted>")
                } else if name == "user-agent"
                    && let Some((product, _)) = value.split_once('/')
                {
                    format!("{name}: {product}/<version>")
                } else {
                    format!("{name}: {value}")
                }
            })
            .collect();
        headers.sort();
        let mut out = format!(
            "{} {}\n{}\n",
            self.method,
            self.path_and_query,
            headers.join("\n")
        );
        if !self.body.is_empty() {
            out.push_str(&format!("\n{}\n", self.body));
        }
        out
    }
}

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Scripted {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Scripted {
    /// A JSON answer.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Scripted {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string(),
        }
    }

    /// An answer without a body.
    pub fn empty(status: u16) -> Self {
        Scripted {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

#[derive(Default)]
struct Shared {
    script: Mutex<VecDeque<Scripted>>,
    recorded: Mutex<Vec<Recorded>>,
}

/// The server. It stops when dropped with the test's runtime.
pub struct MockServer {
    address: std::net::SocketAddr,
    shared: Arc<Shared>,
}

impl MockServer {
    /// Starts a server on an ephemeral loopback port.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let address = listener.local_addr().expect("local address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockServer { address, shared }
    }

    /// `http://127.0.0.1:<port>` plus `prefix`.
    pub fn url(&self, prefix: &str) -> String {
        format!("http://{}{prefix}", self.address)
    }

    /// Queues answers, in order.
    pub fn script(&self, answers: impl IntoIterator<Item = Scripted>) {
        self.shared.script.lock().unwrap().extend(answers);
    }

    /// Every request so far, and forgets them.
    pub fn take(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.shared.recorded.lock().unwrap())
    }
}

async fn answer(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
    shared.recorded.lock().unwrap().push(Recorded {
        method: parts.method.to_string(),
        path_and_query: parts
            .uri
            .path_and_query()
            .map(ToString::to_string)
            .unwrap_or_default(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("<binary>").to_string()))
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let scripted = shared
        .script
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or_else(|| Scripted {
            status: 599,
            headers: Vec::new(),
            body: "no scripted answer left".into(),
        });
    let mut response = Response::new(Body::from(scripted.body));
    *response.status_mut() = StatusCode::from_u16(scripted.status).expect("a valid status");
    for (name, value) in scripted.headers {
        response.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(&value).unwrap(),
        );
    }
    response
}

/// The documented responses of one operation: `(status, example)` in document order.
pub fn documented_responses(
    spec: &serde_json::Value,
    path: &str,
    method: &str,
) -> Vec<(String, Option<serde_json::Value>)> {
    let pointer = format!(
        "/paths/{}/{method}/responses",
        path.replace('~', "~0").replace('/', "~1")
    );
    spec.pointer(&pointer)
        .and_then(serde_json::Value::as_object)
        .into_iter()
        .flatten()
        .map(|(status, response)| {
            (
                status.clone(),
                response
                    .pointer("/content/application~1json/example")
                    .cloned(),
            )
        })
        .collect()
}
