//! The error of every generated client call: the operation's documented error (its own type per
//! operation, one variant per documented status), an undocumented status with its raw body,
//! or what went wrong on the way. Nothing in it prints a secret: response headers that carry
//! credentials or sessions are redacted in `Debug`, and `Display` shows no headers at all.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// The code and message a vendor puts in its error body, for display.
///
/// Generated crates implement it for each error body type (from the spec's `x-error-code` and
/// `x-error-message` pointers, or a top-level `code`/`message` property) and for each
/// operation's error type.
pub trait VendorError {
    /// The vendor's error code, if the body has one.
    fn code(&self) -> Option<String>;
    /// The vendor's error message, if the body has one.
    fn message(&self) -> Option<String>;
}

/// Why an operation failed. `E` is the operation's documented error type.
///
/// `Display` never shows headers, cookies or URLs, so it is safe to log; `Debug` shows headers
/// with every credential and session value redacted.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with an error status the spec documents.
    Documented {
        /// The HTTP status.
        status: StatusCode,
        /// The documented error, decoded.
        error: E,
        /// The response headers.
        headers: Headers,
    },
    /// The server answered with a status the spec does not document; the body is kept raw.
    UnexpectedStatus {
        /// The HTTP status.
        status: StatusCode,
        /// The body as received.
        body: RawBody,
        /// The response headers.
        headers: Headers,
    },
    /// A response body did not decode as the spec says it should.
    Decode {
        /// The HTTP status of the response.
        status: StatusCode,
        /// Why, as serde_json put it.
        message: String,
        /// The body as received.
        body: RawBody,
        /// The response headers (empty where the failure came without a response).
        headers: Headers,
    },
    /// The request could not be sent or the response not received.
    Transport(reqwest::Error),
    /// The request could not be built (a parameter failed to convert, a credential could not
    /// be sent, the CSRF token could not be had, the response was larger than allowed).
    Request(String),
    /// A pagination stream could not go on (for example, the server repeated a page cursor).
    Pagination(String),
    /// A page after the first failed: which page, where the stream asked for it (the link,
    /// token or offset), and why.
    Page {
        /// The page's number, from 1.
        page: u64,
        /// The link, token or offset it was asked for with.
        cursor: String,
        /// Why it failed.
        error: Box<Error<E>>,
    },
}

impl<E> Error<E> {
    /// The HTTP status, when the failure was an answer from the server.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Documented { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::Transport(error) => error.status(),
            Error::Request(_) | Error::Pagination(_) => None,
            Error::Page { error, .. } => error.status(),
        }
    }

    /// The documented error, when the server sent one.
    pub fn documented(&self) -> Option<&E> {
        match self {
            Error::Documented { error, .. } => Some(error),
            Error::Page { error, .. } => error.documented(),
            _ => None,
        }
    }

    /// The same failure with the documented error mapped through `f`.
    pub fn map<F, G: FnOnce(E) -> F>(self, f: G) -> Error<F> {
        match self {
            Error::Documented {
                status,
                error,
                headers,
            } => Error::Documented {
                status,
                error: f(error),
                headers,
            },
            Error::UnexpectedStatus {
                status,
                body,
                headers,
            } => Error::UnexpectedStatus {
                status,
                body,
                headers,
            },
            Error::Decode {
                status,
                message,
                body,
                headers,
            } => Error::Decode {
                status,
                message,
                body,
                headers,
            },
            Error::Transport(error) => Error::Transport(error),
            Error::Request(message) => Error::Request(message),
            Error::Pagination(message) => Error::Pagination(message),
            Error::Page {
                page,
                cursor,
                error,
            } => Error::Page {
                page,
                cursor,
                error: Box::new(error.map(f)),
            },
        }
    }
}

impl<E> Error<E> {
    /// How often the request was sent again before this answer (429, 502, 503, 504 or 520
    /// answers and failed connections of requests that are safe to repeat).
    pub fn retries(&self) -> u32 {
        match self {
            Error::Documented { headers, .. }
            | Error::UnexpectedStatus { headers, .. }
            | Error::Decode { headers, .. } => headers
                .0
                .get(crate::retry::RETRIES_HEADER)
                .and_then(|value| value.to_str().ok()?.parse().ok())
                .unwrap_or(0),
            Error::Page { error, .. } => error.retries(),
            _ => 0,
        }
    }
}

fn after_retries(f: &mut fmt::Formatter<'_>, retries: u32) -> fmt::Result {
    match retries {
        0 => Ok(()),
        1 => write!(f, " (after 1 retry)"),
        n => write!(f, " (after {n} retries)"),
    }
}

impl<E: VendorError> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Documented { status, error, .. } => {
                write!(f, "{status}")?;
                match (error.code(), error.message()) {
                    (Some(code), Some(message)) => {
                        write!(f, ": {} (code {})", printable(&message), printable(&code))?
                    }
                    (None, Some(message)) => write!(f, ": {}", printable(&message))?,
                    (Some(code), None) => write!(f, ": code {}", printable(&code))?,
                    (None, None) => {}
                }
                after_retries(f, self.retries())
            }
            Error::UnexpectedStatus { status, body, .. } => {
                write!(f, "{status}")?;
                if !body.is_empty() {
                    write!(f, ": {}", body.excerpt())?;
                }
                after_retries(f, self.retries())
            }
            Error::Decode {
                status, message, ..
            } => {
                write!(
                    f,
                    "{status}: the response did not decode as the spec says: {message}"
                )?;
                after_retries(f, self.retries())
            }
            Error::Transport(error) => write!(f, "transport: {}", cause_chain(error)),
            Error::Request(message) => write!(f, "request: {message}"),
            Error::Pagination(message) => write!(f, "pagination: {message}"),
            Error::Page {
                page,
                cursor,
                error,
            } => write!(f, "page {page} ({}): {error}", printable(cursor)),
        }
    }
}

impl<E: VendorError + fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(error) => Some(error),
            _ => None,
        }
    }
}

/// A failure of progenitor's request code that is not an answer: the request could not be
/// built or sent, a hook refused it. Answers are read by `respond::receive`.
pub fn failure<E, X>(error: progenitor_client::Error<X>) -> Error<E> {
    use progenitor_client::Error as P;
    match error {
        // URLs can carry query credentials; reqwest's errors print them unless removed.
        P::CommunicationError(error) | P::InvalidUpgrade(error) | P::ResponseBodyError(error) => {
            Error::Transport(error.without_url())
        }
        P::InvalidRequest(message) | P::Custom(message) => Error::Request(message),
        P::InvalidResponsePayload(body, error) => Error::Decode {
            status: StatusCode::OK,
            message: error.to_string(),
            body: RawBody(body),
            headers: Headers::default(),
        },
        P::ErrorResponse(response) => Error::Request(format!(
            "unexpected {} answer from the request code",
            response.status()
        )),
        P::UnexpectedResponse(response) => Error::UnexpectedStatus {
            status: response.status(),
            body: RawBody::default(),
            headers: Headers(Box::new(response.headers().clone())),
        },
    }
}

/// Operations whose documented errors have no body to show have `()`-like error types.
impl VendorError for () {
    fn code(&self) -> Option<String> {
        None
    }
    fn message(&self) -> Option<String> {
        None
    }
}

/// Response headers, printed by `Debug` with the values of credential and session headers
/// redacted.
#[derive(Clone, Default)]
pub struct Headers(pub Box<HeaderMap>);

/// Whether a header's value may carry a secret: cookies, credentials, tokens, sessions.
fn is_sensitive(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "cookie", "auth", "token", "secret", "session", "key", "csrf", "xsrf", "password",
    ]
    .iter()
    .any(|word| name.contains(word))
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0.iter() {
            if is_sensitive(name.as_str()) || value.is_sensitive() {
                map.entry(&name.as_str(), &"<redacted>");
            } else {
                map.entry(
                    &name.as_str(),
                    &printable(&String::from_utf8_lossy(value.as_bytes())),
                );
            }
        }
        map.finish()
    }
}

/// A response body kept as received. `Debug` and [`RawBody::excerpt`] show a short, printable
/// excerpt: control characters escaped, so a hostile server cannot drive a terminal.
#[derive(Clone, Default)]
pub struct RawBody(pub Bytes);

/// How much of a body an excerpt shows.
const EXCERPT_CHARS: usize = 200;

impl RawBody {
    /// The bytes as received.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first 200 characters, printable.
    pub fn excerpt(&self) -> String {
        let text = String::from_utf8_lossy(&self.0);
        let mut excerpt = printable(&text.chars().take(EXCERPT_CHARS).collect::<String>());
        if text.chars().nth(EXCERPT_CHARS).is_some() {
            excerpt.push('…');
        }
        excerpt
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawBody({} bytes: {:?})", self.0.len(), self.excerpt())
    }
}

/// An error and every cause under it, `: `-separated, printable. reqwest's own message is
/// generic ("error sending request"); the reason (refused, timed out, certificate not
/// trusted) is further down the chain, and a user needs it to know what to do.
pub fn cause_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // Some errors repeat their cause in their own message.
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    printable(&text)
}

/// Whether a terminal may act on `c` rather than show it: control characters (C0, DEL, C1,
/// which start escape sequences) and bidirectional overrides and isolates (which reorder
/// what follows).
pub fn acts_on_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character a terminal acts on ([`acts_on_terminal`]) escaped.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if acts_on_terminal(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Body(Option<&'static str>, Option<&'static str>);

    impl VendorError for Body {
        fn code(&self) -> Option<String> {
            self.0.map(str::to_string)
        }
        fn message(&self) -> Option<String> {
            self.1.map(str::to_string)
        }
    }

    fn documented(code: Option<&'static str>, message: Option<&'static str>) -> Error<Body> {
        Error::Documented {
            status: StatusCode::NOT_FOUND,
            error: Body(code, message),
            headers: Headers::default(),
        }
    }

    #[test]
    fn display_shows_status_code_and_message() {
        assert_eq!(
            documented(Some("4"), Some("entry doesn't exist")).to_string(),
            "404 Not Found: entry doesn't exist (code 4)"
        );
        assert_eq!(
            documented(None, Some("gone")).to_string(),
            "404 Not Found: gone"
        );
        assert_eq!(documented(None, None).to_string(), "404 Not Found");
        let bare: Error<Body> = Error::UnexpectedStatus {
            status: StatusCode::from_u16(520).unwrap(),
            body: RawBody(Bytes::from_static(b"{\"errors\":[{\"message\":\"down\"}]}")),
            headers: Headers::default(),
        };
        assert_eq!(
            bare.to_string(),
            "520 <unknown status code>: {\"errors\":[{\"message\":\"down\"}]}"
        );
        assert_eq!(bare.status(), StatusCode::from_u16(520).ok());
    }

    #[test]
    fn nothing_a_server_sends_drives_the_terminal_or_leaks() {
        let hostile = documented(
            None,
            Some("\u{1b}[2J\u{1b}]0;owned\u{7}all systems OK\u{202e}"),
        );
        let shown = hostile.to_string();
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        let mut headers = HeaderMap::new();
        headers.insert("set-cookie", "vertx-web.session=s3cr3t".parse().unwrap());
        headers.insert("x-request-id", "abc".parse().unwrap());
        let error: Error<Body> = Error::UnexpectedStatus {
            status: StatusCode::FORBIDDEN,
            body: RawBody::default(),
            headers: Headers(Box::new(headers)),
        };
        let debug = format!("{error:?}");
        assert!(
            !debug.contains("s3cr3t") && debug.contains("abc"),
            "{debug}"
        );
        let long = RawBody(Bytes::from("x".repeat(1000)));
        assert_eq!(long.excerpt().chars().count(), 201);
    }
}
