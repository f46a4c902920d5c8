//! What a generated client carries besides its HTTP client: the credentials, the spec's
//! per-operation rules, and for CSRF-protected APIs the token and cookies. The generated
//! `ClientHooks` implementation calls [`Session::prepare`] and [`Session::execute`].

use std::sync::Arc;

use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, HeaderValue};
use reqwest::{Method, Request, Response, StatusCode};

use crate::cookies::Jar;
use crate::credentials::Credential;
use crate::csrf::Csrf;
use crate::error::Error;
use crate::respond::Answer;

/// The per-API rules a generated crate hands to its session.
#[derive(Clone, Copy, Debug, Default)]
pub struct Rules {
    /// Operations whose spec says they need no credentials (`security: []`), by the method
    /// name progenitor gives them (it is what the hooks see as the operation).
    pub anonymous_operations: &'static [&'static str],
    /// `(method name, parameter)` pairs of comma-separated list parameters.
    pub comma_separated: &'static [(&'static str, &'static str)],
    /// Operations that are safe to repeat although their method is not idempotent (listings
    /// sent as `POST`); the session retries them like `GET`s.
    pub repeatable_operations: &'static [&'static str],
    /// The CSRF scheme, if the API has one.
    pub csrf: Option<Csrf>,
    /// The token operation, if the API has one that clients may renew their token at.
    pub token: Option<crate::token::TokenEndpoint>,
    /// `(method name, Accept header)`: the media types the spec documents an operation's
    /// answers in.
    pub accepts: &'static [(&'static str, &'static str)],
    /// `(method name, Content-Type)`: request bodies sent as a media type progenitor does not
    /// name itself (`application/merge-patch+json`, `application/zip`, ...).
    pub content_types: &'static [(&'static str, &'static str)],
}

/// Credentials, rules and (for CSRF) shared token state of one client. Cloning a client
/// shares the token and cookies. `Debug` shows no secret.
#[derive(Clone, Debug)]
pub struct Session {
    credentials: Vec<Credential>,
    rules: Rules,
    jar: Arc<tokio::sync::Mutex<Jar>>,
    max_response_bytes: usize,
    paging: crate::paginate::Limits,
    retry: crate::RetryPolicy,
    token_url: Option<String>,
    tokens: Option<Arc<crate::token::Tokens>>,
}

/// The header progenitor adds to every request; no vendor API asks for it.
const PROGENITOR_API_VERSION: &str = "api-version";

impl Session {
    /// A session that sends `credentials` on every operation its rules do not exempt.
    pub fn new(credentials: Vec<Credential>, rules: Rules) -> Self {
        Session {
            credentials,
            rules,
            jar: Arc::default(),
            max_response_bytes: crate::connection::DEFAULT_MAX_RESPONSE_BYTES,
            paging: crate::paginate::Limits::DEFAULT,
            retry: crate::RetryPolicy::DEFAULT,
            token_url: None,
            tokens: None,
        }
    }

    /// Gets its access token with `grant` at the spec's token operation, renewing it itself;
    /// `None` (or an API without a token operation) keeps the credentials as given.
    pub fn with_grant(mut self, grant: Option<crate::token::Grant>) -> Self {
        self.tokens = self.rules.token.zip(grant).map(|(endpoint, grant)| {
            Arc::new(crate::token::Tokens::new(
                endpoint,
                grant,
                self.token_url.clone(),
            ))
        });
        self
    }

    /// How many access tokens this session (and its clones) obtained: 0 with static
    /// credentials.
    pub fn token_renewals(&self) -> u64 {
        self.tokens.as_ref().map_or(0, |tokens| tokens.renewals())
    }

    /// Takes the response body cap and the paging limits from `settings`.
    pub fn with_settings(mut self, settings: &crate::ConnectionSettings) -> Self {
        self.max_response_bytes = settings.response_limit();
        self.paging = settings.paging_limits();
        self.retry = settings.retry_policy();
        self.token_url = settings.token_url_override();
        self
    }

    /// The ceilings on one listing, which the generated `_stream` methods pass on.
    pub fn paging_limits(&self) -> crate::paginate::Limits {
        self.paging
    }

    /// The `post` hook: a response whose body was over the cap is an error.
    pub fn check(&self, result: &reqwest::Result<Response>) -> Result<(), String> {
        match result.as_ref().ok().and_then(crate::body_cap::exceeded) {
            Some(limit) => Err(format!(
                "the response body is larger than the limit of {limit} bytes"
            )),
            None => Ok(()),
        }
    }

    /// Readies a request built by generated code: drops progenitor's `api-version` header,
    /// sends list parameters with literal commas, adds the credentials and, for a
    /// CSRF-protected API, the token (fetching it first if there is none yet).
    pub async fn prepare(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        request: &mut Request,
        operation: &str,
    ) -> Result<(), String> {
        request.headers_mut().remove(PROGENITOR_API_VERSION);
        if let Some((_, accept)) = self.rules.accepts.iter().find(|(op, _)| *op == operation)
            && !request.headers().contains_key(ACCEPT)
        {
            request
                .headers_mut()
                .insert(ACCEPT, HeaderValue::from_static(accept));
        }
        if let Some((_, media)) = self
            .rules
            .content_types
            .iter()
            .find(|(op, _)| *op == operation)
            && request.headers().contains_key(CONTENT_TYPE)
        {
            request
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(media));
        }
        let commas: Vec<&str> = self
            .rules
            .comma_separated
            .iter()
            .filter(|(op, _)| *op == operation)
            .map(|(_, name)| *name)
            .collect();
        if !commas.is_empty() {
            crate::comma::unescape_commas(request.url_mut(), &commas);
        }
        if self.rules.anonymous_operations.contains(&operation) {
            return Ok(());
        }
        for credential in &self.credentials {
            credential.apply(request).map_err(|e| e.to_string())?;
        }
        self.authorize(http, base_url, request, operation).await
    }

    /// Whether the session itself manages credentials for `operation`: a renewed token or a
    /// CSRF token (never on the operations that hand these out).
    fn manages(&self, operation: &str) -> bool {
        !self.rules.anonymous_operations.contains(&operation)
            && self.rules.token.is_none_or(|t| t.operation != operation)
    }

    /// Puts what the session manages on `request`: the access token (obtained or renewed
    /// first if due) and the CSRF token (fetched first if there is none yet).
    async fn authorize(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        request: &mut Request,
        operation: &str,
    ) -> Result<(), String> {
        if !self.manages(operation) {
            return Ok(());
        }
        let mut token = match &self.tokens {
            Some(tokens) => {
                let value = tokens
                    .header_value(http, base_url, &self.retry)
                    .await
                    .map_err(|e| e.to_string())?;
                let name = crate::token::header_name(tokens.header())?;
                request.headers_mut().insert(name.clone(), value.clone());
                Some((name, value))
            }
            None => None,
        };
        if let Some(csrf) = self
            .rules
            .csrf
            .filter(|csrf| csrf.token_operation != operation)
        {
            let mut jar = self.jar.lock().await;
            if jar.get(csrf.cookie).is_none() {
                let (credentials, retry) = (&self.credentials, &self.retry);
                match csrf
                    .fetch_token(http, base_url, credentials, token.as_ref(), &mut jar, retry)
                    .await
                {
                    Ok(()) => {}
                    // The access token ran out on the server's clock before ours: renew it,
                    // and ask once more.
                    Err(error) if error.refused && self.tokens.is_some() => {
                        let (tokens, (name, sent)) = self
                            .tokens
                            .as_ref()
                            .zip(token.take())
                            .ok_or(error.to_string())?;
                        let value = tokens
                            .renew_refused(Some(&sent), http, base_url, &self.retry)
                            .await
                            .map_err(|e| e.to_string())?;
                        request.headers_mut().insert(name.clone(), value.clone());
                        let renewed = Some((name, value));
                        csrf.fetch_token(
                            http,
                            base_url,
                            credentials,
                            renewed.as_ref(),
                            &mut jar,
                            retry,
                        )
                        .await
                        .map_err(|e| e.to_string())?;
                    }
                    Err(error) => return Err(error.to_string()),
                }
            }
            csrf.apply_token(request, &jar)?;
        }
        Ok(())
    }

    /// Sends a prepared request and reads its body up to the cap (every answer takes this one
    /// path). For a CSRF-protected API it keeps the cookies the server sets, and when the
    /// server refuses the token (401 or 403) it fetches a fresh one and sends the request
    /// once more.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        request: Request,
        operation: &str,
    ) -> reqwest::Result<Response> {
        use tracing::Instrument;
        // The path only: a query can carry filters a user would rather not log, and headers
        // carry credentials.
        let span = tracing::debug_span!(
            "request",
            operation,
            method = %request.method(),
            path = %request.url().path(),
            retries = tracing::field::Empty,
        );
        let started = std::time::Instant::now();
        let result = async {
            let (response, retries) = self
                .send_with_retries(http, base_url, request, operation, started)
                .await;
            tracing::Span::current().record("retries", retries);
            let mut response = response?;
            crate::retry::mark(&mut response, retries);
            crate::body_cap::read(response, self.max_response_bytes).await
        }
        .instrument(span.clone())
        .await;
        let _entered = span.enter();
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(response) => {
                tracing::debug!(status = response.status().as_u16(), elapsed_ms, "answered")
            }
            // reqwest's own message names the URL; its causes do not.
            Err(error) => tracing::debug!(
                timeout = error.is_timeout(),
                connect = error.is_connect(),
                cause = %std::error::Error::source(error)
                    .map(crate::error::cause_chain)
                    .unwrap_or_default(),
                elapsed_ms,
                "failed"
            ),
        }
        result
    }

    /// Sends a request, and again while the retry policy allows for a request that is safe to
    /// repeat; returns the last outcome and how many retries it took.
    async fn send_with_retries(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        mut request: Request,
        operation: &str,
        started: std::time::Instant,
    ) -> (reqwest::Result<Response>, u32) {
        let repeatable = crate::retry::idempotent(request.method())
            || self.rules.repeatable_operations.contains(&operation);
        let mut retries = 0;
        loop {
            let again = repeatable.then(|| request.try_clone()).flatten();
            let outcome = self.send(http, base_url, request, operation).await;
            let wait = again.as_ref().and_then(|_| {
                crate::retry::wait_before_retry(&self.retry, retries, started.elapsed(), &outcome)
            });
            let (Some(wait), Some(again)) = (wait, again) else {
                return (outcome, retries);
            };
            tracing::debug!(
                retry = retries + 1,
                wait_ms = wait.as_millis() as u64,
                status = outcome.as_ref().ok().map(|r| r.status().as_u16()),
                "retrying"
            );
            tokio::time::sleep(wait).await;
            retries += 1;
            request = again;
        }
    }

    /// Sends a request; when the server refuses what the session manages (a 401 to an access
    /// token, a 401 or 403 to a CSRF token), renews it and sends the request once more. The
    /// body is not read yet.
    async fn send(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        request: Request,
        operation: &str,
    ) -> reqwest::Result<Response> {
        if (self.tokens.is_none() && self.rules.csrf.is_none()) || !self.manages(operation) {
            return http.execute(request).await;
        }
        let mut request = request;
        // A retry is a copy of the first attempt: it gets the token renewed since.
        if let Some(tokens) = &self.tokens
            && let (Ok(value), Ok(name)) = (
                tokens.header_value(http, base_url, &self.retry).await,
                crate::token::header_name(tokens.header()),
            )
        {
            request.headers_mut().insert(name, value);
        }
        let retry = request.try_clone();
        let response = http.execute(request).await?;
        let csrf = self
            .rules
            .csrf
            .filter(|csrf| csrf.token_operation != operation);
        if csrf.is_some() {
            self.jar.lock().await.store(response.headers());
        }
        let status = response.status();
        let token_refused = self.tokens.is_some() && status == StatusCode::UNAUTHORIZED;
        let csrf_refused =
            csrf.is_some() && matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN);
        let (true, Some(mut retry)) = (token_refused || csrf_refused, retry) else {
            return Ok(response);
        };
        if let (true, Some(tokens)) = (token_refused, &self.tokens) {
            let sent = crate::token::header_name(tokens.header())
                .ok()
                .and_then(|name| retry.headers().get(name).cloned());
            if let Err(error) = tokens
                .renew_refused(sent.as_ref(), http, base_url, &self.retry)
                .await
            {
                tracing::debug!(%error, "renewing a refused token failed");
                return Ok(response);
            }
        }
        if let Some(csrf) = csrf {
            self.jar.lock().await.remove(csrf.cookie);
            // Rebuild the cookies from scratch: the credentials' own, then the fresh jar.
            retry.headers_mut().remove(COOKIE);
            for credential in self
                .credentials
                .iter()
                .filter(|c| matches!(c, Credential::Cookie { .. }))
            {
                if credential.apply(&mut retry).is_err() {
                    return Ok(response);
                }
            }
        }
        if let Err(error) = self.authorize(http, base_url, &mut retry, operation).await {
            tracing::debug!(%error, "renewing refused credentials failed");
            return Ok(response);
        }
        let response = http.execute(retry).await?;
        if csrf.is_some() {
            self.jar.lock().await.store(response.headers());
        }
        Ok(response)
    }

    /// Fetches `link` (an absolute path such as `/api/cluster/jobs?start.uuid=...`, or a URL on
    /// the same origin as `base_url`) as operation `operation` would be sent, and reads the
    /// answer for the operation's own decoding. Used to follow pagination links.
    pub async fn fetch_link<E>(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        link: &str,
        operation: &str,
    ) -> Result<Answer, Error<E>> {
        let url = crate::links::resolve_link(base_url, link).map_err(Error::Pagination)?;
        let mut request = Request::new(Method::GET, url);
        self.prepare(http, base_url, &mut request, operation)
            .await
            .map_err(Error::Request)?;
        let result = self.execute(http, base_url, request, operation).await;
        self.check(&result).map_err(Error::Request)?;
        let response = result.map_err(|e| Error::Transport(e.without_url()))?;
        crate::respond::read(response).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn prepare_drops_api_version_and_adds_credentials() {
        let session = Session::new(
            vec![Credential::Header {
                name: "X-Api-Key",
                value: "k".into(),
            }],
            Rules {
                anonymous_operations: &["open"],
                ..Rules::default()
            },
        );
        let http = reqwest::Client::new();
        let mut request = Request::new(Method::GET, "http://h/x".parse().unwrap());
        request
            .headers_mut()
            .insert(PROGENITOR_API_VERSION, HeaderValue::from_static("1"));
        session
            .prepare(&http, "http://h", &mut request, "closed")
            .await
            .unwrap();
        assert!(request.headers().get(PROGENITOR_API_VERSION).is_none());
        assert_eq!(request.headers()["x-api-key"], "k");
        let mut open = Request::new(Method::GET, "http://h/x".parse().unwrap());
        session
            .prepare(&http, "http://h", &mut open, "open")
            .await
            .unwrap();
        assert!(open.headers().get("x-api-key").is_none());
        assert!(!format!("{session:?}").contains("\"k\""));
    }
}
