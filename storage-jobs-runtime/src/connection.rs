//! Connection settings appliances need (their own CA, self-signed certificates, timeouts, a
//! User-Agent), turned into a `reqwest::Client` that speaks HTTPS through rustls.

use std::time::Duration;

use reqwest::{Certificate, redirect};

/// Why a client could not be configured.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The PEM text holds no certificate, or one that does not parse.
    #[error("root certificate: {0}")]
    Certificate(String),
    /// The base URL is not an absolute http or https URL.
    #[error("base url `{url}`: {reason}")]
    BaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// reqwest refused the settings.
    #[error("http client: {0}")]
    Http(#[source] reqwest::Error),
}

/// How to reach an appliance. The defaults suit a reachable appliance with a certificate that
/// a public CA signed: HTTPS verified against the system's roots, a 10 s connect timeout and
/// a 60 s timeout per request.
#[derive(Clone, Debug)]
pub struct ConnectionSettings {
    connect_timeout: Duration,
    timeout: Duration,
    root_certificates: Vec<Certificate>,
    accept_invalid_certificates: bool,
    user_agent: Option<String>,
    max_response_bytes: usize,
    paging: crate::paginate::Limits,
    retry: RetryPolicy,
    token_url: Option<String>,
}

/// How requests that are safe to repeat (idempotent methods, and listings) are retried when
/// the connection fails or the server answers 429, 502, 503, 504 or 520: with exponential
/// backoff and jitter, honouring `Retry-After`, within a total time budget per call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The most retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    /// The wait before the first retry; each later one doubles it.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts (a longer `Retry-After` ends the retries).
    pub max_backoff: Duration,
    /// The longest a call may take with its retries; no retry starts that would pass it.
    pub budget: Duration,
}

impl RetryPolicy {
    /// Three retries, waiting about 0.5, 1 and 2 s (or what `Retry-After` says, up to 30 s),
    /// within two minutes.
    pub const DEFAULT: RetryPolicy = RetryPolicy {
        max_retries: 3,
        initial_backoff: Duration::from_millis(500),
        max_backoff: Duration::from_secs(30),
        budget: Duration::from_secs(120),
    };

    /// No retries at all.
    pub const NONE: RetryPolicy = RetryPolicy {
        max_retries: 0,
        ..RetryPolicy::DEFAULT
    };
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::DEFAULT
    }
}

/// The default cap on a response body: far above any page of jobs, far below what would
/// exhaust memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

impl Default for ConnectionSettings {
    fn default() -> Self {
        ConnectionSettings {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            root_certificates: Vec::new(),
            accept_invalid_certificates: false,
            user_agent: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            paging: crate::paginate::Limits::DEFAULT,
            retry: RetryPolicy::DEFAULT,
            token_url: None,
        }
    }
}

impl ConnectionSettings {
    /// The default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// How long to wait for a TCP and TLS connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one request may take, from sending to the end of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Also trusts the certificates in `pem` (one or more PEM blocks), for appliances whose
    /// certificate an in-house CA signed. The system's roots stay trusted.
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Result<Self, ConfigError> {
        let certificates = Certificate::from_pem_bundle(pem)
            .map_err(|e| ConfigError::Certificate(e.to_string()))?;
        if certificates.is_empty() {
            return Err(ConfigError::Certificate(
                "no PEM certificate block found".into(),
            ));
        }
        self.root_certificates.extend(certificates);
        Ok(self)
    }

    /// Accepts any server certificate, valid or not, for any host name.
    ///
    /// This removes the protection TLS gives against an impostor: anyone on the network path
    /// can read and change the traffic, credentials included. Prefer
    /// [`add_root_certificates_pem`](Self::add_root_certificates_pem) with the appliance's
    /// certificate; use this only on a network you trust, for an appliance whose certificate
    /// you cannot get.
    pub fn danger_accept_invalid_certificates(mut self) -> Self {
        self.accept_invalid_certificates = true;
        self
    }

    /// Replaces the default `User-Agent` (the client crate's name and version).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The most bytes a response body may have; a longer one fails the call instead of
    /// filling memory (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The response body cap.
    pub fn response_limit(&self) -> usize {
        self.max_response_bytes
    }

    /// The most pages one listing (a `_stream` method) fetches before it ends with an error;
    /// 10,000 by default.
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.paging.max_pages = pages;
        self
    }

    /// The most items one listing yields before it ends with an error; 10,000,000 by default.
    pub fn max_items(mut self, items: u64) -> Self {
        self.paging.max_items = items;
        self
    }

    /// How requests that are safe to repeat are retried ([`RetryPolicy::DEFAULT`] unless set;
    /// [`RetryPolicy::NONE`] turns retrying off).
    pub fn retries(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// Where to get access tokens instead of the spec's token operation (a private identity
    /// provider, a test server): the whole URL of the token endpoint.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// The token URL set with [`token_url`](Self::token_url).
    pub fn token_url_override(&self) -> Option<String> {
        self.token_url.clone()
    }

    /// The ceilings on one listing: [`max_pages`](Self::max_pages) and
    /// [`max_items`](Self::max_items).
    pub fn paging_limits(&self) -> crate::paginate::Limits {
        self.paging
    }

    /// Whether [`danger_accept_invalid_certificates`](Self::danger_accept_invalid_certificates) was chosen.
    pub fn accepts_invalid_certificates(&self) -> bool {
        self.accept_invalid_certificates
    }

    /// Builds the HTTP client. `default_user_agent` is used unless one was set.
    ///
    /// Redirects are followed only within the same scheme, host and port, at most five times,
    /// so credentials never travel to another host.
    pub fn build_http_client(
        &self,
        default_user_agent: &str,
    ) -> Result<reqwest::Client, ConfigError> {
        // reqwest is built without a bundled crypto provider; use ring unless the
        // application installed one of its own (then installing fails, harmlessly).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let same_origin_only = redirect::Policy::custom(|attempt| {
            let first = attempt.previous().first().cloned();
            if attempt.previous().len() > 5 {
                attempt.error("more than five redirects")
            } else if first.is_some_and(|first| first.origin() == attempt.url().origin()) {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(self.user_agent.as_deref().unwrap_or(default_user_agent))
            .tls_certs_merge(self.root_certificates.iter().cloned())
            .tls_danger_accept_invalid_certs(self.accept_invalid_certificates)
            .redirect(same_origin_only)
            .build()
            .map_err(ConfigError::Http)
    }
}

/// `url` with any user name and password before the host replaced, for messages: whatever is
/// wrong with a URL, its password is not printed.
pub fn redact_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}<redacted>{}", &url[..scheme_end], &rest[at..]),
        None => url.to_string(),
    }
}

/// Checks that `url` is an absolute http or https URL without user name or password (reqwest
/// would send them as Basic credentials beside the client's own), and returns it without a
/// trailing slash.
pub fn base_url(url: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::BaseUrl {
        url: redact_userinfo(url),
        reason: reason.to_string(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            "a base url carries no user name or password; give credentials separately",
        ));
    }
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.host_str().is_none() {
        return Err(invalid("there is no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base url has no query or fragment"));
    }
    Ok(url.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pem_without_certificates_is_refused() {
        let error = ConnectionSettings::new()
            .add_root_certificates_pem(b"not a certificate")
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "root certificate: no PEM certificate block found"
        );
    }

    #[test]
    fn user_names_and_passwords_in_base_urls_are_refused_and_never_printed() {
        for url in [
            "https://admin:hunter2@cluster.example.com/api",
            "https://admin:hunter2@cluster.example.com:99999/api",
            "https://admin:hunter2@/api",
            "ftp://admin:hunter2@cluster.example.com",
            "https://:hunter2@cluster.example.com",
        ] {
            let error = base_url(url).unwrap_err().to_string();
            assert!(!error.contains("hunter2"), "{error}");
            assert!(error.contains("<redacted>@"), "{error}");
        }
        assert!(
            base_url("https://monitor@cluster.example.com")
                .unwrap_err()
                .to_string()
                .contains("no user name or password")
        );
        assert_eq!(
            redact_userinfo("https://cluster.example.com/a@b"),
            "https://cluster.example.com/a@b"
        );
    }

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        assert_eq!(
            base_url("https://cluster.example.com/api/").unwrap(),
            "https://cluster.example.com/api"
        );
        assert_eq!(
            base_url("ftp://x").unwrap_err().to_string(),
            "base url `ftp://x`: the scheme must be http or https"
        );
        assert!(base_url("cluster.example.com").is_err());
        assert!(base_url("https://x/api?key=1").is_err());
    }

    #[test]
    fn the_default_client_builds() {
        ConnectionSettings::new()
            .build_http_client("test/0")
            .unwrap();
        ConnectionSettings::new()
            .danger_accept_invalid_certificates()
            .build_http_client("test/0")
            .unwrap();
    }
}
