//! Access tokens that renew themselves: a grant (password, refresh token, client credentials)
//! is exchanged at the API's token operation for an access token, which is cached, renewed
//! shortly before its `expires_in` runs out and once more when a call is refused with 401.
//! One renewal runs at a time: concurrent calls wait for it and share its token.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};
use reqwest::{Method, Request, Url};
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::connection::RetryPolicy;
use crate::secret::Secret;

/// Where the token operation is, relative to the client's base URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPlace {
    /// Under the base URL, like every other operation.
    Base,
    /// On the base URL's host, outside its path prefix (a Keycloak beside an API under
    /// `/mapi`).
    Origin,
    /// On a server of its own: this URL, without a trailing slash (BlueXP's Auth0).
    Server(&'static str),
}

/// The spec's token operation and how its token is sent, generated into each client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenEndpoint {
    /// The token operation's method name, for logs and errors.
    pub operation: &'static str,
    /// Its path, for example `/token`.
    pub path: &'static str,
    /// Where that path is.
    pub place: TokenPlace,
    /// `true`: the grant is sent as `application/x-www-form-urlencoded`; `false`: as JSON.
    pub form: bool,
    /// The header the access token goes in, for example `Authorization`.
    pub header: &'static str,
    /// What precedes the token in that header, for example `Bearer `.
    pub prefix: &'static str,
    /// If the API takes `grant_type=refresh_token`: the constant fields that grant sends
    /// besides the refresh token. A refresh token in an answer is then used to renew.
    pub refresh: Option<&'static [(&'static str, &'static str)]>,
}

/// What a caller hands over to get tokens: a grant type and its fields. `Debug` shows the
/// field names only.
#[derive(Clone)]
pub struct Grant {
    grant_type: &'static str,
    fields: Vec<(&'static str, Secret)>,
}

impl Grant {
    /// A grant of `grant_type` that sends `fields` (user names, secrets and the spec's
    /// constants alike, all kept out of every message).
    pub fn new(grant_type: &'static str, fields: Vec<(&'static str, Secret)>) -> Self {
        Grant { grant_type, fields }
    }
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grant")
            .field("grant_type", &self.grant_type)
            .field(
                "fields",
                &self
                    .fields
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Why no access token could be had. The message names the operation and the server's
/// answer, never a secret.
#[derive(Debug, Clone, thiserror::Error)]
#[error("getting an access token ({grant_type} grant, {operation}): {reason}")]
pub struct TokenError {
    operation: &'static str,
    grant_type: &'static str,
    reason: String,
}

/// A token the server issued.
struct Issued {
    access: Secret,
    /// When to renew it unasked; `None` when the server gave no lifetime (renewed on a 401).
    renew_at: Option<Instant>,
    refresh: Option<Secret>,
}

/// The longest a token answer may be.
const MAX_TOKEN_ANSWER: usize = 64 * 1024;

/// A grant and the token it last gave, shared by every clone of a client.
pub(crate) struct Tokens {
    endpoint: TokenEndpoint,
    grant: Grant,
    url: Option<String>,
    issued: Mutex<Option<Issued>>,
    renewals: AtomicU64,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("endpoint", &self.endpoint)
            .field("grant", &self.grant)
            .field("renewals", &self.renewals.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// How long before its end a token is renewed: a tenth of its life, at most a minute.
fn margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(Duration::from_secs(60))
}

impl Tokens {
    /// Tokens from `grant` at `endpoint`; `url` replaces the endpoint's own URL (a test server,
    /// a private identity provider).
    pub(crate) fn new(endpoint: TokenEndpoint, grant: Grant, url: Option<String>) -> Self {
        Tokens {
            endpoint,
            grant,
            url,
            issued: Mutex::new(None),
            renewals: AtomicU64::new(0),
        }
    }

    /// How many tokens were obtained so far.
    pub(crate) fn renewals(&self) -> u64 {
        self.renewals.load(Ordering::Relaxed)
    }

    /// The header that carries the token.
    pub(crate) fn header(&self) -> &'static str {
        self.endpoint.header
    }

    /// The header value for a request: the cached token, renewed first when it is missing or
    /// about to run out.
    pub(crate) async fn header_value(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        retry: &RetryPolicy,
    ) -> Result<HeaderValue, TokenError> {
        let mut issued = self.issued.lock().await;
        let due = match &*issued {
            None => true,
            Some(token) => token.renew_at.is_some_and(|at| Instant::now() >= at),
        };
        if due {
            self.renew(&mut issued, http, base_url, retry).await?;
        }
        let token = issued.as_ref().expect("renew leaves a token");
        self.value(&token.access)
    }

    /// After a 401 to a request that sent `refused`: a new token, unless another call already
    /// renewed the refused one (then that call's token).
    pub(crate) async fn renew_refused(
        &self,
        refused: Option<&HeaderValue>,
        http: &reqwest::Client,
        base_url: &str,
        retry: &RetryPolicy,
    ) -> Result<HeaderValue, TokenError> {
        let mut issued = self.issued.lock().await;
        let current = match &*issued {
            Some(token) => Some(self.value(&token.access)?),
            None => None,
        };
        if current.is_none() || current.as_ref() == refused {
            self.renew(&mut issued, http, base_url, retry).await?;
        }
        let token = issued.as_ref().expect("renew leaves a token");
        self.value(&token.access)
    }

    fn value(&self, access: &Secret) -> Result<HeaderValue, TokenError> {
        let mut value =
            HeaderValue::from_str(&format!("{}{}", self.endpoint.prefix, access.expose()))
                .map_err(|_| {
                    self.error(
                        self.grant.grant_type,
                        "the token holds characters a header may not".into(),
                    )
                })?;
        value.set_sensitive(true);
        Ok(value)
    }

    fn error(&self, grant_type: &'static str, reason: String) -> TokenError {
        TokenError {
            operation: self.endpoint.operation,
            grant_type,
            reason,
        }
    }

    /// Replaces the cached token: with the refresh token the last answer carried if the API
    /// takes one, else (or when that is refused) with the caller's grant.
    async fn renew(
        &self,
        issued: &mut Option<Issued>,
        http: &reqwest::Client,
        base_url: &str,
        retry: &RetryPolicy,
    ) -> Result<(), TokenError> {
        let refresh = self
            .endpoint
            .refresh
            .zip(issued.as_ref().and_then(|token| token.refresh.clone()));
        *issued = None;
        if let Some((constants, refresh_token)) = refresh {
            let mut fields: Vec<(&'static str, Secret)> = constants
                .iter()
                .map(|(name, value)| (*name, Secret::from(*value)))
                .collect();
            fields.push(("refresh_token", refresh_token));
            let grant = Grant::new("refresh_token", fields);
            match self.request(&grant, http, base_url, retry).await {
                Ok(token) => {
                    *issued = Some(token);
                    return Ok(());
                }
                Err(error) => tracing::debug!(%error, "refreshing failed; using the grant"),
            }
        }
        *issued = Some(self.request(&self.grant, http, base_url, retry).await?);
        Ok(())
    }

    fn url(&self, base_url: &str) -> Result<Url, String> {
        let path = self.endpoint.path;
        let text = match (&self.url, self.endpoint.place) {
            (Some(url), _) => url.clone(),
            (None, TokenPlace::Base) => format!("{base_url}{path}"),
            (None, TokenPlace::Server(server)) => format!("{server}{path}"),
            (None, TokenPlace::Origin) => {
                let base = Url::parse(base_url).map_err(|e| format!("base url: {e}"))?;
                format!("{}{path}", base.origin().ascii_serialization())
            }
        };
        Url::parse(&text).map_err(|e| format!("token url: {e}"))
    }

    fn build(&self, grant: &Grant, base_url: &str) -> Result<Request, String> {
        let mut request = Request::new(Method::POST, self.url(base_url)?);
        let pairs = std::iter::once(("grant_type", grant.grant_type)).chain(
            grant
                .fields
                .iter()
                .map(|(name, value)| (*name, value.expose())),
        );
        let (body, media) = if self.endpoint.form {
            let mut form = Url::parse("form:").expect("a valid url");
            form.query_pairs_mut().extend_pairs(pairs);
            (
                form.query().unwrap_or_default().to_string(),
                "application/x-www-form-urlencoded",
            )
        } else {
            let object: serde_json::Map<String, Value> = pairs
                .map(|(name, value)| (name.to_string(), Value::from(value)))
                .collect();
            (Value::Object(object).to_string(), "application/json")
        };
        let headers = request.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(media));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        *request.body_mut() = Some(body.into());
        Ok(request)
    }

    /// One token request, retried like a listing on connection failures and throttling.
    async fn request(
        &self,
        grant: &Grant,
        http: &reqwest::Client,
        base_url: &str,
        retry: &RetryPolicy,
    ) -> Result<Issued, TokenError> {
        let fail = |reason: String| self.error(grant.grant_type, reason);
        let request = self.build(grant, base_url).map_err(fail)?;
        let (response, retries) = crate::retry::execute(http, request, retry).await;
        let response = response.map_err(|e| fail(crate::error::cause_chain(&e.without_url())))?;
        let status = response.status();
        let response = crate::body_cap::read(response, MAX_TOKEN_ANSWER)
            .await
            .map_err(|e| fail(crate::error::cause_chain(&e.without_url())))?;
        if crate::body_cap::exceeded(&response).is_some() {
            return Err(fail(format!("the answer is over {MAX_TOKEN_ANSWER} bytes")));
        }
        let body = response.bytes().await.unwrap_or_default();
        let answer: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if !status.is_success() {
            let said = server_message(&answer)
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            return Err(fail(format!("the server answered {status}{said}")));
        }
        let access = answer
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| fail("the answer has no access_token".into()))?;
        let lifetime = match answer.get("expires_in") {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
        .map(|seconds| Duration::from_secs_f64(seconds.min(10.0 * 365.0 * 86_400.0)));
        let renew_at = lifetime.map(|lifetime| Instant::now() + lifetime - margin(lifetime));
        let refresh = answer
            .get("refresh_token")
            .and_then(Value::as_str)
            .filter(|token| !token.is_empty())
            .map(Secret::from)
            // A grant of refresh tokens that does not rotate them keeps using its own.
            .or_else(|| {
                (grant.grant_type == "refresh_token")
                    .then(|| {
                        grant
                            .fields
                            .iter()
                            .find(|(name, _)| *name == "refresh_token")
                            .map(|(_, value)| value.clone())
                    })
                    .flatten()
            });
        self.renewals.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(
            operation = self.endpoint.operation,
            grant_type = grant.grant_type,
            expires_in = lifetime.map(|l| l.as_secs()),
            retries,
            "access token obtained"
        );
        Ok(Issued {
            access: Secret::from(access),
            renew_at,
            refresh,
        })
    }
}

/// What an identity provider or API says went wrong, printable: OAuth's `error` and
/// `error_description`, or a VSPC-style `errors[0].message`, or a `message`.
fn server_message(answer: &Value) -> Option<String> {
    let text = |v: &Value| v.as_str().map(str::to_string);
    let oauth = match (
        answer.get("error").and_then(text),
        answer.get("error_description").and_then(text),
    ) {
        (Some(code), Some(description)) => Some(format!("{code}: {description}")),
        (code, description) => code.or(description),
    };
    let message = oauth
        .or_else(|| answer.pointer("/errors/0/message").and_then(text))
        .or_else(|| answer.get("message").and_then(text))?;
    let clean: String = message
        .chars()
        .filter(|c| !c.is_control())
        .take(300)
        .collect();
    Some(clean)
}

/// The header name `name`, for a token header the spec names.
pub(crate) fn header_name(name: &'static str) -> Result<HeaderName, String> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("bad token header name {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_renewed_a_tenth_of_its_life_early_but_at_most_a_minute() {
        assert_eq!(margin(Duration::from_secs(300)), Duration::from_secs(30));
        assert_eq!(margin(Duration::from_secs(3600)), Duration::from_secs(60));
        assert_eq!(margin(Duration::from_secs(10)), Duration::from_secs(1));
    }

    #[test]
    fn server_messages_are_read_in_each_vendor_shape_without_control_characters() {
        let oauth = serde_json::json!({"error": "invalid_grant", "error_description": "Bad\u{1b}[2J credentials"});
        assert_eq!(
            server_message(&oauth).unwrap(),
            "invalid_grant: Bad[2J credentials"
        );
        let vspc = serde_json::json!({"errors": [{"message": "Invalid user name or password", "type": "security", "code": 401}]});
        assert_eq!(
            server_message(&vspc).unwrap(),
            "Invalid user name or password"
        );
        assert_eq!(server_message(&Value::Null), None);
    }

    #[test]
    fn a_grant_prints_its_field_names_only() {
        let grant = Grant::new(
            "password",
            vec![("username", "admin".into()), ("password", "hunter2".into())],
        );
        let shown = format!("{grant:?}");
        assert!(shown.contains("username") && shown.contains("password"));
        assert!(!shown.contains("hunter2") && !shown.contains("admin"));
    }

    #[test]
    fn the_grant_is_form_encoded_or_json_as_the_spec_says() {
        let endpoint = TokenEndpoint {
            operation: "create_token",
            path: "/token",
            place: TokenPlace::Base,
            form: true,
            header: "Authorization",
            prefix: "Bearer ",
            refresh: None,
        };
        let grant = Grant::new(
            "password",
            vec![("username", "a b".into()), ("password", "p&q=r".into())],
        );
        let tokens = Tokens::new(endpoint, grant.clone(), None);
        let request = tokens.build(&grant, "https://h/api/v3").unwrap();
        assert_eq!(request.url().as_str(), "https://h/api/v3/token");
        let body = request.body().unwrap().as_bytes().unwrap();
        assert_eq!(body, b"grant_type=password&username=a+b&password=p%26q%3Dr");
        let json = Tokens::new(
            TokenEndpoint {
                form: false,
                place: TokenPlace::Server("https://idp.example.com"),
                ..endpoint
            },
            grant.clone(),
            None,
        );
        let request = json.build(&grant, "https://h/api").unwrap();
        assert_eq!(request.url().as_str(), "https://idp.example.com/token");
        let body: Value =
            serde_json::from_slice(request.body().unwrap().as_bytes().unwrap()).unwrap();
        assert_eq!(body["grant_type"], "password");
        assert_eq!(body["password"], "p&q=r");
        let origin = Tokens::new(
            TokenEndpoint {
                place: TokenPlace::Origin,
                path: "/ui/auth/token",
                ..endpoint
            },
            grant.clone(),
            None,
        );
        assert_eq!(
            origin
                .build(&grant, "https://admin.eu.c1:8443/mapi")
                .unwrap()
                .url()
                .as_str(),
            "https://admin.eu.c1:8443/ui/auth/token"
        );
        let overridden = Tokens::new(endpoint, grant.clone(), Some("http://127.0.0.1:9/t".into()));
        assert_eq!(
            overridden
                .build(&grant, "https://h")
                .unwrap()
                .url()
                .as_str(),
            "http://127.0.0.1:9/t"
        );
    }
}
