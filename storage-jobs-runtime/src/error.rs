//! The error of a generated client call: the vendor's typed error body when the spec documents
//! one for the status, the bare status otherwise, or what went wrong on the way.

use std::fmt;

use reqwest::StatusCode;

/// The code and message a vendor puts in its error body, for display.
///
/// Generated crates implement it for each error body type, from the spec's `x-error-code` and
/// `x-error-message` pointers.
pub trait VendorError {
    /// The vendor's error code, if the body has one.
    fn code(&self) -> Option<String>;
    /// The vendor's error message, if the body has one.
    fn message(&self) -> Option<String>;
}

/// Why an operation failed. `E` is the operation's documented error body.
///
/// `Display` never shows request headers, cookies or URLs, so it is safe to log.
#[derive(Debug)]
#[non_exhaustive]
pub enum ApiError<E> {
    /// The server answered with a status the spec documents an error body for.
    Vendor {
        /// The HTTP status.
        status: StatusCode,
        /// The decoded error body.
        body: E,
    },
    /// The server answered with a status the spec documents without a body, or not at all.
    Status {
        /// The HTTP status.
        status: StatusCode,
    },
    /// A response body did not decode as the spec says it should.
    Decode {
        /// Why, as serde_json put it.
        message: String,
    },
    /// The request could not be sent or the response not received.
    Transport(reqwest::Error),
    /// The request could not be built (a parameter failed to convert, a credential could not
    /// be sent, the CSRF token could not be had).
    Request(String),
    /// A pagination stream could not go on (for example, the server repeated a page token).
    Pagination(String),
}

impl<E> ApiError<E> {
    /// The HTTP status, when the failure was an answer from the server.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            ApiError::Vendor { status, .. } | ApiError::Status { status } => Some(*status),
            ApiError::Transport(error) => error.status(),
            _ => None,
        }
    }

    /// The vendor's error body, when the server sent a documented one.
    pub fn vendor_body(&self) -> Option<&E> {
        match self {
            ApiError::Vendor { body, .. } => Some(body),
            _ => None,
        }
    }
}

impl<E: VendorError> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Vendor { status, body } => {
                write!(f, "{status}")?;
                match (body.code(), body.message()) {
                    (Some(code), Some(message)) => write!(f, ": {message} (code {code})"),
                    (None, Some(message)) => write!(f, ": {message}"),
                    (Some(code), None) => write!(f, ": code {code}"),
                    (None, None) => Ok(()),
                }
            }
            ApiError::Status { status } => write!(f, "{status}"),
            ApiError::Decode { message } => write!(f, "response did not decode: {message}"),
            ApiError::Transport(error) => {
                // reqwest's own message is generic ("error sending request"); the reason
                // (refused, timed out, certificate not trusted) is further down the chain.
                write!(f, "transport: {error}")?;
                let mut source = std::error::Error::source(error);
                while let Some(cause) = source {
                    write!(f, ": {cause}")?;
                    source = cause.source();
                }
                Ok(())
            }
            ApiError::Request(message) => write!(f, "request: {message}"),
            ApiError::Pagination(message) => write!(f, "pagination: {message}"),
        }
    }
}

impl<E: VendorError + fmt::Debug> std::error::Error for ApiError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ApiError::Transport(error) => Some(error),
            _ => None,
        }
    }
}

impl<E> From<progenitor_client::Error<E>> for ApiError<E> {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error;
        match error {
            Error::ErrorResponse(response) => ApiError::Vendor {
                status: response.status(),
                body: response.into_inner(),
            },
            Error::UnexpectedResponse(response) => ApiError::Status {
                status: response.status(),
            },
            Error::InvalidResponsePayload(_, error) => ApiError::Decode {
                message: error.to_string(),
            },
            // URLs can carry query credentials; reqwest's errors print them unless removed.
            Error::CommunicationError(error)
            | Error::InvalidUpgrade(error)
            | Error::ResponseBodyError(error) => ApiError::Transport(error.without_url()),
            Error::InvalidRequest(message) | Error::Custom(message) => ApiError::Request(message),
        }
    }
}

/// Operations without a documented error body have `()` as their error type.
impl VendorError for () {
    fn code(&self) -> Option<String> {
        None
    }
    fn message(&self) -> Option<String> {
        None
    }
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

    #[test]
    fn display_shows_status_code_and_message() {
        let vendor = |code, message| ApiError::Vendor {
            status: StatusCode::NOT_FOUND,
            body: Body(code, message),
        };
        assert_eq!(
            vendor(Some("4"), Some("entry doesn't exist")).to_string(),
            "404 Not Found: entry doesn't exist (code 4)"
        );
        assert_eq!(
            vendor(None, Some("gone")).to_string(),
            "404 Not Found: gone"
        );
        assert_eq!(vendor(None, None).to_string(), "404 Not Found");
        let bare: ApiError<Body> = ApiError::Status {
            status: StatusCode::UNAUTHORIZED,
        };
        assert_eq!(bare.to_string(), "401 Unauthorized");
        assert_eq!(bare.status(), Some(StatusCode::UNAUTHORIZED));
    }
}
