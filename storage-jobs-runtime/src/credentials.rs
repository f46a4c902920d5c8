//! One credential as a security scheme sends it, and how it is put on a request.

use base64_lite::encode;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::secret::Secret;

/// A credential, in the form one OpenAPI security scheme sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// `apiKey` in a header: the header's name and the key.
    Header {
        /// Header name, for example `X-Api-Key`.
        name: &'static str,
        /// The key.
        value: Secret,
    },
    /// `apiKey` in the query string.
    Query {
        /// Parameter name.
        name: &'static str,
        /// The key.
        value: Secret,
    },
    /// `apiKey` in a cookie.
    Cookie {
        /// Cookie name.
        name: &'static str,
        /// The key.
        value: Secret,
    },
    /// HTTP basic authentication.
    Basic {
        /// User name (not secret, but never logged either).
        username: String,
        /// Password.
        password: Secret,
    },
    /// HTTP bearer authentication.
    Bearer {
        /// The token, without the `Bearer ` prefix.
        token: Secret,
    },
}

/// Why a credential could not be put on a request.
#[derive(Debug, thiserror::Error)]
#[error(
    "credential for `{scheme}` cannot be sent: it contains characters an HTTP header may not hold"
)]
pub struct CredentialError {
    /// The header, parameter or scheme concerned.
    pub scheme: String,
}

impl Credential {
    /// Adds the credential to `request`. Header values are marked sensitive, so HTTP
    /// libraries that log headers leave them out.
    pub fn apply(&self, request: &mut reqwest::Request) -> Result<(), CredentialError> {
        match self {
            Credential::Header { name, value } => {
                let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| error(name))?;
                request
                    .headers_mut()
                    .insert(header, sensitive(value.expose(), name)?);
            }
            Credential::Query { name, value } => {
                request
                    .url_mut()
                    .query_pairs_mut()
                    .append_pair(name, value.expose());
            }
            Credential::Cookie { name, value } => {
                let pair = format!("{name}={}", value.expose());
                crate::cookies::append_cookie_header(request.headers_mut(), &pair)
                    .map_err(|_| error(name))?;
            }
            Credential::Basic { username, password } => {
                let token = encode(format!("{username}:{}", password.expose()).as_bytes());
                request.headers_mut().insert(
                    AUTHORIZATION,
                    sensitive(&format!("Basic {token}"), "basic")?,
                );
            }
            Credential::Bearer { token } => {
                request.headers_mut().insert(
                    AUTHORIZATION,
                    sensitive(&format!("Bearer {}", token.expose()), "bearer")?,
                );
            }
        }
        Ok(())
    }
}

fn error(scheme: &str) -> CredentialError {
    CredentialError {
        scheme: scheme.to_string(),
    }
}

fn sensitive(value: &str, scheme: &str) -> Result<HeaderValue, CredentialError> {
    let mut header = HeaderValue::from_str(value).map_err(|_| error(scheme))?;
    header.set_sensitive(true);
    Ok(header)
}

/// Standard base64 (RFC 4648) for HTTP basic authentication: twenty lines instead of a crate.
mod base64_lite {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(input: &[u8]) -> String {
        let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
        for chunk in input.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> reqwest::Request {
        reqwest::Request::new(reqwest::Method::GET, "http://host/x?a=1".parse().unwrap())
    }

    #[test]
    fn base64_matches_rfc_4648() {
        for (input, output) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("admin:secret", "YWRtaW46c2VjcmV0"),
        ] {
            assert_eq!(encode(input.as_bytes()), output);
        }
    }

    #[test]
    fn each_scheme_lands_where_it_belongs() {
        let mut r = request();
        Credential::Header {
            name: "X-Api-Key",
            value: "k".into(),
        }
        .apply(&mut r)
        .unwrap();
        Credential::Basic {
            username: "admin".into(),
            password: "secret".into(),
        }
        .apply(&mut r)
        .unwrap();
        Credential::Query {
            name: "key",
            value: "q".into(),
        }
        .apply(&mut r)
        .unwrap();
        Credential::Cookie {
            name: "session",
            value: "c".into(),
        }
        .apply(&mut r)
        .unwrap();
        assert_eq!(r.headers()["x-api-key"], "k");
        assert!(r.headers()["x-api-key"].is_sensitive());
        assert_eq!(r.headers()["authorization"], "Basic YWRtaW46c2VjcmV0");
        assert_eq!(r.headers()["cookie"], "session=c");
        assert_eq!(r.url().query(), Some("a=1&key=q"));
        Credential::Bearer { token: "t".into() }
            .apply(&mut r)
            .unwrap();
        assert_eq!(r.headers()["authorization"], "Bearer t");
    }

    #[test]
    fn a_credential_with_a_newline_is_refused_without_echoing_it() {
        let error = Credential::Header {
            name: "X-Api-Key",
            value: "bad\nvalue".into(),
        }
        .apply(&mut request())
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "credential for `X-Api-Key` cannot be sent: it contains characters an HTTP header may not hold"
        );
    }
}
