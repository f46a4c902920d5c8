//! The CSRF flow some appliances (VSP One Object) require: a `GET` on a token endpoint sets a
//! cookie, whose value every other call sends back in a header and as the cookie; a refused
//! token is renewed once. The token request carries the credentials, a renewed access token
//! included.

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, Request, Url};

use crate::cookies::Jar;
use crate::credentials::Credential;

/// How an API protects itself against cross-site request forgery: a `GET` on `token_path`
/// sets a cookie, whose value every other call sends back in a header and as the cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Csrf {
    /// Path of the token endpoint, relative to the base URL, for example `/csrf`.
    pub token_path: &'static str,
    /// The method name of that endpoint's operation, which itself needs no token.
    pub token_operation: &'static str,
    /// The cookie that carries the token, for example `XSRF-TOKEN`.
    pub cookie: &'static str,
    /// The header that repeats it, for example `X-XSRF-TOKEN`.
    pub header: &'static str,
}

/// Why no CSRF token could be had; `refused` when the server refused the credentials (a 401),
/// which a renewed access token may cure.
#[derive(Debug)]
pub(crate) struct CsrfError {
    pub(crate) refused: bool,
    message: String,
}

impl std::fmt::Display for CsrfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Csrf {
    /// `GET` on the token endpoint, with the credentials (not the cookie ones: the jar sends
    /// cookies); keeps every cookie it sets.
    pub(crate) async fn fetch_token(
        self,
        http: &reqwest::Client,
        base_url: &str,
        credentials: &[Credential],
        token: Option<&(HeaderName, HeaderValue)>,
        jar: &mut Jar,
        retry: &crate::RetryPolicy,
    ) -> Result<(), CsrfError> {
        let csrf = self;
        let other = |message: String| CsrfError {
            refused: false,
            message,
        };
        let url = Url::parse(&format!("{base_url}{}", csrf.token_path))
            .map_err(|e| other(format!("csrf token url: {e}")))?;
        let mut request = Request::new(Method::GET, url);
        for credential in credentials
            .iter()
            .filter(|c| !matches!(c, Credential::Cookie { .. }))
        {
            credential
                .apply(&mut request)
                .map_err(|e| other(e.to_string()))?;
        }
        if let Some((name, value)) = token {
            request.headers_mut().insert(name.clone(), value.clone());
        }
        jar.apply(request.headers_mut())
            .map_err(|_| other("csrf: a stored cookie cannot be sent".to_string()))?;
        let (response, _) = crate::retry::execute(http, request, retry).await;
        let response = response.map_err(|e| {
            other(format!(
                "csrf token: {}",
                crate::error::cause_chain(&e.without_url())
            ))
        })?;
        if !response.status().is_success() {
            return Err(CsrfError {
                refused: response.status() == reqwest::StatusCode::UNAUTHORIZED,
                message: format!(
                    "csrf token: GET {} answered {}",
                    csrf.token_path,
                    response.status()
                ),
            });
        }
        jar.store(response.headers());
        if jar.get(csrf.cookie).is_none() {
            return Err(other(format!(
                "csrf token: GET {} set no {} cookie",
                csrf.token_path, csrf.cookie
            )));
        }
        Ok(())
    }

    /// Puts the token on `request`, as the header and with the jar's cookies.
    pub(crate) fn apply_token(self, request: &mut Request, jar: &Jar) -> Result<(), String> {
        let csrf = self;
        let token = jar
            .get(csrf.cookie)
            .ok_or_else(|| format!("csrf: no {} cookie", csrf.cookie))?;
        let mut value = HeaderValue::from_str(token)
            .map_err(|_| "csrf: the token cannot be sent as a header".to_string())?;
        value.set_sensitive(true);
        let name = HeaderName::from_bytes(csrf.header.as_bytes())
            .map_err(|_| format!("csrf: bad header name {}", csrf.header))?;
        request.headers_mut().insert(name, value);
        jar.apply(request.headers_mut())
            .map_err(|_| "csrf: a stored cookie cannot be sent".to_string())
    }
}
