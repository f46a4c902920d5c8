//! A minimal cookie jar for sessions that need one (the CSRF flow): remembers the name and
//! value of each cookie a server sets, and sends them all back in one `Cookie` header.

use std::collections::BTreeMap;

use reqwest::header::{COOKIE, HeaderMap, HeaderValue, InvalidHeaderValue, SET_COOKIE};

/// Cookies by name, in name order so the `Cookie` header is deterministic.
#[derive(Default, Clone)]
pub struct Jar {
    cookies: BTreeMap<String, String>,
}

impl std::fmt::Debug for Jar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Cookie values are session secrets: show only the names.
        f.debug_set().entries(self.cookies.keys()).finish()
    }
}

impl Jar {
    /// Remembers every cookie in the `Set-Cookie` headers of a response. A cookie set to an
    /// empty value or with `Max-Age=0` is forgotten, as a browser would.
    pub fn store(&mut self, headers: &HeaderMap) {
        for value in headers.get_all(SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let mut parts = text.split(';');
            let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
                continue;
            };
            let (name, value) = (name.trim(), value.trim().trim_matches('"'));
            let expired = parts.any(|attribute| attribute.trim().eq_ignore_ascii_case("max-age=0"));
            if name.is_empty() {
                continue;
            }
            if value.is_empty() || expired {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
    }

    /// The value of one cookie.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// Forgets one cookie.
    pub fn remove(&mut self, name: &str) {
        self.cookies.remove(name);
    }

    /// Adds every cookie to the request's `Cookie` header.
    pub fn apply(&self, headers: &mut HeaderMap) -> Result<(), InvalidHeaderValue> {
        if self.cookies.is_empty() {
            return Ok(());
        }
        let pairs = self
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ");
        append_cookie_header(headers, &pairs)
    }
}

/// Adds `pairs` (`a=1; b=2`) to the request's single `Cookie` header, creating it if needed.
pub fn append_cookie_header(
    headers: &mut HeaderMap,
    pairs: &str,
) -> Result<(), InvalidHeaderValue> {
    let combined = match headers.get(COOKIE).and_then(|v| v.to_str().ok()) {
        Some(existing) if !existing.is_empty() => format!("{existing}; {pairs}"),
        _ => pairs.to_string(),
    };
    let mut value = HeaderValue::from_str(&combined)?;
    value.set_sensitive(true);
    headers.insert(COOKIE, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_cookies(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(SET_COOKIE, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn stores_replaces_and_expires() {
        let mut jar = Jar::default();
        jar.store(&set_cookies(&[
            "XSRF-TOKEN=abc; Path=/",
            "vertx-web.session=s1; HttpOnly; Secure",
        ]));
        assert_eq!(jar.get("XSRF-TOKEN"), Some("abc"));
        jar.store(&set_cookies(&[
            "XSRF-TOKEN=def; Path=/",
            "vertx-web.session=; Max-Age=0",
        ]));
        assert_eq!(jar.get("XSRF-TOKEN"), Some("def"));
        assert_eq!(jar.get("vertx-web.session"), None);
        let mut headers = HeaderMap::new();
        jar.apply(&mut headers).unwrap();
        assert_eq!(headers[COOKIE], "XSRF-TOKEN=def");
        assert_eq!(format!("{jar:?}"), "{\"XSRF-TOKEN\"}");
    }
}
