//! The demo credentials and how each API checks them, plus the CSRF tokens VSP One Object issues.

use std::collections::HashSet;
use std::sync::Mutex;

use axum::http::HeaderMap;
use base64::Engine;

use crate::population::Rng;

/// User name for HTTP basic authentication (HNAS, ONTAP) and the HNAS subsystem headers.
pub const USER: &str = "admin";
/// Password for the same.
pub const PASSWORD: &str = "demo";
/// HNAS `X-Api-Key`.
pub const API_KEY: &str = "demo-api-key";
/// Bearer token (VSP One Object, VSPC, BlueXP).
pub const TOKEN: &str = "demo-token";
/// BlueXP `x-agent-id`.
pub const AGENT_ID: &str = "demo-connectorclients";
/// The BlueXP account that has restore jobs.
pub const ACCOUNT: &str = "account-demo";

/// The value of a header, if present and text.
pub fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// `Authorization: Basic` with the demo user and password.
pub fn basic(headers: &HeaderMap) -> bool {
    let Some(encoded) = header(headers, "authorization").and_then(|v| v.strip_prefix("Basic "))
    else {
        return false;
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap_or_default();
    decoded == format!("{USER}:{PASSWORD}").as_bytes()
}

/// The cookie `name` from the request's `Cookie` headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// CSRF tokens handed out by `GET /csrf`; a request is accepted when its `X-XSRF-TOKEN` header
/// and `XSRF-TOKEN` cookie carry the same issued token.
#[derive(Debug)]
pub struct CsrfTokens {
    issued: Mutex<HashSet<String>>,
    rng: Mutex<Rng>,
}

impl CsrfTokens {
    /// An empty store whose tokens derive from `seed`.
    pub fn new(seed: u64) -> Self {
        CsrfTokens {
            issued: Mutex::default(),
            rng: Mutex::new(Rng::for_job(seed, 99, 0)),
        }
    }

    /// A fresh token, remembered.
    pub fn issue(&self) -> String {
        let token = self.rng.lock().expect("csrf rng").uuid();
        self.issued
            .lock()
            .expect("csrf store")
            .insert(token.clone());
        token
    }

    /// Forgets every token, as a restarted or expired session would.
    pub fn revoke_all(&self) {
        self.issued.lock().expect("csrf store").clear();
    }

    /// Whether the request carries a matching, issued token.
    pub fn accepts(&self, headers: &HeaderMap) -> bool {
        match (
            header(headers, "x-xsrf-token"),
            cookie(headers, "XSRF-TOKEN"),
        ) {
            (Some(sent), Some(kept)) => {
                sent == kept && self.issued.lock().expect("csrf store").contains(sent)
            }
            _ => false,
        }
    }
}
