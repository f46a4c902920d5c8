//! The identity providers of the three APIs whose tokens expire: VSPC's `POST /api/v3/token`,
//! BlueXP's Auth0 `POST /oauth/token` and VSP One Object's Keycloak token call. Access tokens
//! expire on the simulated clock; refresh tokens are rotated on use. The demo token
//! ([`crate::auth::TOKEN`]) never expires, for callers that paste a token.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use crate::Simulator;
use crate::auth::{PASSWORD, TOKEN, USER, header};
use crate::faults::json;
use crate::population::Rng;

/// BlueXP's own Auth0 client, which user refresh tokens are exchanged with.
pub const BLUEXP_CLIENT_ID: &str = "Mu0V1ywgYteI6w1MbD15fKfVIUrNXGWC";
/// The audience a BlueXP service account asks for.
pub const BLUEXP_AUDIENCE: &str = "https://api.cloud.netapp.com";
/// The demo user refresh token for BlueXP (it does not rotate, as Auth0's do not).
pub const BLUEXP_REFRESH_TOKEN: &str = "demo-refresh-token";
/// The demo client of a service account (BlueXP) or of Keycloak (VSP One Object).
pub const CLIENT_ID: &str = "demo-client";
/// That client's secret.
pub const CLIENT_SECRET: &str = "demo-secret";
/// Where VSP One Object's Keycloak answers, on the admin host.
pub const KEYCLOAK_TOKEN_PATH: &str = "/ui/auth/realms/vsp-object/protocol/openid-connect/token";

/// Who issued a token; a token is only good at its own API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Issuer {
    /// VSPC.
    Vspc,
    /// BlueXP's Auth0.
    Bluexp,
    /// VSP One Object's Keycloak.
    VspObject,
}

impl Issuer {
    /// The vendor's access token lifetime in seconds.
    pub fn lifetime(self) -> f64 {
        match self {
            Issuer::Vspc => 3600.0,
            Issuer::Bluexp => 86_400.0,
            Issuer::VspObject => 300.0,
        }
    }
}

/// What a bearer token is worth at an API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Issued by this API and not expired, or the demo token.
    Valid,
    /// Issued by this API, expired.
    Expired,
    /// Anything else.
    Invalid,
}

/// Issued access and refresh tokens, and counts for long-running tests.
#[derive(Debug)]
pub struct Tokens {
    access: Mutex<HashMap<String, (Issuer, f64)>>,
    refresh: Mutex<HashMap<String, Issuer>>,
    rng: Mutex<Rng>,
    /// Access tokens issued.
    pub issued: AtomicU64,
    /// Calls refused because their token had expired.
    pub expired: AtomicU64,
    /// Access tokens issued for a refresh token.
    pub refreshed: AtomicU64,
}

impl Tokens {
    /// An empty store whose tokens derive from `seed`.
    pub fn new(seed: u64) -> Self {
        Tokens {
            access: Mutex::default(),
            refresh: Mutex::default(),
            rng: Mutex::new(Rng::for_job(seed, 98, 0)),
            issued: AtomicU64::new(0),
            expired: AtomicU64::new(0),
            refreshed: AtomicU64::new(0),
        }
    }

    /// A new access token (valid for `lifetime` simulated seconds from `now`) and refresh
    /// token; expired access tokens are forgotten.
    fn issue(&self, issuer: Issuer, now: f64, lifetime: f64) -> (String, String) {
        let (access, refresh) = {
            let mut rng = self.rng.lock().expect("token rng");
            (format!("at-{}", rng.uuid()), format!("rt-{}", rng.uuid()))
        };
        let mut tokens = self.access.lock().expect("token store");
        // Keep expired tokens a while, so that their use is told apart from a forged one.
        tokens.retain(|_, (_, until)| *until + 10.0 * lifetime > now);
        tokens.insert(access.clone(), (issuer, now + lifetime));
        self.refresh
            .lock()
            .expect("refresh store")
            .insert(refresh.clone(), issuer);
        self.issued.fetch_add(1, Ordering::Relaxed);
        (access, refresh)
    }

    /// Uses up a refresh token of `issuer`.
    fn redeem(&self, issuer: Issuer, refresh: &str) -> bool {
        let mut store = self.refresh.lock().expect("refresh store");
        if store.get(refresh) == Some(&issuer) {
            store.remove(refresh);
            self.refreshed.fetch_add(1, Ordering::Relaxed);
            true
        } else {
            false
        }
    }

    /// What `token` (without `Bearer `) is worth at `issuer`'s API at simulated second `now`.
    pub fn verdict(&self, issuer: Issuer, token: &str, now: f64) -> Verdict {
        if token == TOKEN {
            return Verdict::Valid;
        }
        match self.access.lock().expect("token store").get(token) {
            Some((by, until)) if *by == issuer && now < *until => Verdict::Valid,
            Some((by, _)) if *by == issuer => {
                self.expired.fetch_add(1, Ordering::Relaxed);
                Verdict::Expired
            }
            _ => Verdict::Invalid,
        }
    }

    /// [`Tokens::verdict`] of the request's `Authorization: Bearer` token.
    pub fn bearer(&self, issuer: Issuer, headers: &HeaderMap, now: f64) -> Verdict {
        match header(headers, "authorization").and_then(|v| v.strip_prefix("Bearer ")) {
            Some(token) => self.verdict(issuer, token, now),
            None => Verdict::Invalid,
        }
    }
}

/// The token routes of all three identity providers.
pub fn routes() -> Router<Arc<Simulator>> {
    Router::new()
        .route("/api/v3/token", post(vspc))
        .route("/oauth/token", post(auth0))
        .route(KEYCLOAK_TOKEN_PATH, post(keycloak))
}

/// The token's lifetime at `issuer`: the vendor's, unless the simulator is told otherwise.
fn lifetime(simulator: &Simulator, issuer: Issuer) -> f64 {
    simulator
        .config
        .token_lifetime
        .unwrap_or_else(|| issuer.lifetime())
}

fn form(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(name)?, decode(value)?))
        })
        .collect()
}

/// Percent-decoding of one form component (`+` is a space).
fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn vspc_error(status: StatusCode, message: &str) -> Response {
    json(
        status,
        &json!({"errors": [{"message": message, "type": "security", "code": status.as_u16()}]}),
    )
}

async fn vspc(State(simulator): State<Arc<Simulator>>, body: String) -> Response {
    let fields = form(&body);
    let get = |name: &str| fields.get(name).map(String::as_str);
    let accepted = match get("grant_type") {
        Some("password") => get("username") == Some(USER) && get("password") == Some(PASSWORD),
        Some("refresh_token") => {
            get("refresh_token").is_some_and(|token| simulator.tokens.redeem(Issuer::Vspc, token))
        }
        // Logon methods the simulator does not play: the grant is not accepted.
        Some("authorization_code" | "public_key" | "mfa" | "as") => false,
        _ => return vspc_error(StatusCode::BAD_REQUEST, "grant_type is missing or unknown"),
    };
    if !accepted {
        return vspc_error(
            StatusCode::UNAUTHORIZED,
            "the user name, password or refresh token is not valid",
        );
    }
    let life = lifetime(&simulator, Issuer::Vspc);
    let (access, refresh) = simulator
        .tokens
        .issue(Issuer::Vspc, simulator.clock.now(), life);
    json(
        StatusCode::OK,
        &json!({"access_token": access, "token_type": "bearer", "refresh_token": refresh,
                "expires_in": life as i64, "mfa_token": null, "encrypted_code": null}),
    )
}

/// The body as text; the identity providers refuse anything else as a bad grant (their specs
/// document no 400).
fn text(body: &axum::body::Bytes) -> &str {
    std::str::from_utf8(body).unwrap_or_default()
}

async fn auth0(
    State(simulator): State<Arc<Simulator>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let body = text(&body);
    let json_body =
        header(&headers, "content-type").is_some_and(|media| media.starts_with("application/json"));
    let grant: Value = match serde_json::from_str(body) {
        Ok(value @ Value::Object(_)) if json_body => value,
        _ => return StatusCode::UNAUTHORIZED.into_response(),
    };
    let get = |name: &str| grant.get(name).and_then(Value::as_str);
    let accepted = match get("grant_type") {
        Some("refresh_token") => {
            let accepted = get("client_id") == Some(BLUEXP_CLIENT_ID)
                && get("refresh_token") == Some(BLUEXP_REFRESH_TOKEN);
            if accepted {
                simulator.tokens.refreshed.fetch_add(1, Ordering::Relaxed);
            }
            accepted
        }
        Some("client_credentials") => {
            get("client_id") == Some(CLIENT_ID)
                && get("client_secret") == Some(CLIENT_SECRET)
                && get("audience") == Some(BLUEXP_AUDIENCE)
        }
        _ => false,
    };
    if !accepted {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let life = lifetime(&simulator, Issuer::Bluexp);
    let (access, _) = simulator
        .tokens
        .issue(Issuer::Bluexp, simulator.clock.now(), life);
    json(
        StatusCode::OK,
        &json!({"access_token": access, "id_token": "eyJ0eXAiOiJKV1QifQ", "expires_in": life as i64, "token_type": "Bearer"}),
    )
}

async fn keycloak(State(simulator): State<Arc<Simulator>>, body: axum::body::Bytes) -> Response {
    let fields = form(text(&body));
    let get = |name: &str| fields.get(name).map(String::as_str);
    let accepted = get("grant_type") == Some("password")
        && get("client_id") == Some(CLIENT_ID)
        && get("client_secret") == Some(CLIENT_SECRET)
        && get("username") == Some(USER)
        && get("password") == Some(PASSWORD);
    if !accepted {
        return json(
            StatusCode::UNAUTHORIZED,
            &json!({"error": "invalid_grant", "error_description": "Invalid user credentials"}),
        );
    }
    let life = lifetime(&simulator, Issuer::VspObject);
    let (access, refresh) = simulator
        .tokens
        .issue(Issuer::VspObject, simulator.clock.now(), life);
    json(
        StatusCode::OK,
        &json!({"access_token": access, "expires_in": life as i64, "refresh_token": refresh,
                "refresh_expires_in": (6.0 * life) as i64, "token_type": "Bearer"}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_components_are_percent_decoded() {
        let fields = form("grant_type=password&username=a+b&password=p%26q%3Dr&bad=%zz");
        assert_eq!(fields["username"], "a b");
        assert_eq!(fields["password"], "p&q=r");
        assert!(!fields.contains_key("bad"));
    }

    #[test]
    fn tokens_expire_on_the_simulated_clock_and_only_count_at_their_issuer() {
        let tokens = Tokens::new(1);
        let (access, refresh) = tokens.issue(Issuer::Vspc, 0.0, 3600.0);
        assert_eq!(
            tokens.verdict(Issuer::Vspc, &access, 3599.0),
            Verdict::Valid
        );
        assert_eq!(
            tokens.verdict(Issuer::Vspc, &access, 3600.0),
            Verdict::Expired
        );
        assert_eq!(
            tokens.verdict(Issuer::Bluexp, &access, 0.0),
            Verdict::Invalid
        );
        assert_eq!(tokens.verdict(Issuer::Vspc, TOKEN, 1e9), Verdict::Valid);
        assert!(tokens.redeem(Issuer::Vspc, &refresh));
        assert!(
            !tokens.redeem(Issuer::Vspc, &refresh),
            "a refresh token is used once"
        );
    }
}
