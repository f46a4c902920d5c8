//! The hand-written runtime that storage-jobs-sdk's generated clients call: credentials whose
//! secrets never print, access tokens that renew themselves, the CSRF session some appliances need, TLS and timeout settings,
//! pagination streams, comma-separated list parameters, vendor error display, and records read
//! without one odd value failing a response.
//!
//! Generated code stays thin and delegates here; everything here is unit-tested on its own.

mod as_sent;
mod body_cap;
mod comma;
mod connection;
mod cookies;
mod credentials;
mod csrf;
mod error;
mod links;
mod open_enum;
pub mod paginate;
pub mod respond;
mod retry;
mod secret;
pub mod serde_util;
mod session;
mod token;
mod unread;

pub use as_sent::to_raw_as_sent;
pub use comma::CommaSeparated;
pub use connection::{
    ConfigError, ConnectionSettings, DEFAULT_MAX_RESPONSE_BYTES, RetryPolicy,
    base_url as check_base_url,
};
pub use credentials::Credential;
pub use csrf::Csrf;
pub use error::{
    Error, Headers, RawBody, VendorError, acts_on_terminal, cause_chain, failure, printable,
};
pub use secret::Secret;
pub use session::{Rules, Session};
pub use token::{Grant, TokenEndpoint, TokenError, TokenPlace};
pub use unread::Unread;

/// Re-exported so generated crates and their users name one version of these crates.
pub use futures;
pub use progenitor_client;
pub use reqwest;
pub use serde;
