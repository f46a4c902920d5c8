//! Reading an answer: the one path every generated operation, first page or followed link,
//! takes from a response to its documented success or error. Generated code matches the status
//! and calls one of [`Answer`]'s methods per documented response.

use bytes::Bytes;
use futures::StreamExt;
use progenitor_client::{ByteStream, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::{Error, Headers, RawBody, failure};

/// A response read to its end (the session has already capped its size).
#[derive(Debug)]
pub struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// Reads what progenitor's request code returned: an answer of any status, or the failure that
/// kept one from arriving.
pub async fn receive<E>(
    result: Result<ResponseValue<ByteStream>, progenitor_client::Error<ByteStream>>,
) -> Result<Answer, Error<E>> {
    let value = match result {
        Ok(value) | Err(progenitor_client::Error::ErrorResponse(value)) => value,
        Err(progenitor_client::Error::UnexpectedResponse(response)) => {
            return read(response).await;
        }
        Err(other) => return Err(failure(other)),
    };
    let status = value.status();
    let headers = value.headers().clone();
    let mut stream = value.into_inner().into_inner();
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.map_err(|e| Error::Transport(e.without_url()))?);
    }
    Ok(Answer {
        status,
        headers,
        body: Bytes::from(body),
    })
}

/// Reads a plain response (a followed link, an upgrade that was refused).
pub async fn read<E>(response: reqwest::Response) -> Result<Answer, Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| Error::Transport(e.without_url()))?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

impl Answer {
    /// An answer made in memory, for tests.
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        Answer {
            status,
            headers,
            body: body.into(),
        }
    }

    /// The status, as generated code matches it.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    fn decode<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        // An empty body is read as JSON `null`, so a documented optional body may be absent.
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &self.body
        };
        serde_json::from_slice(body).map_err(|e| Error::Decode {
            status: self.status,
            message: e.to_string(),
            body: RawBody(self.body.clone()),
            headers: Headers(Box::new(self.headers.clone())),
        })
    }

    fn value<T>(self, inner: T) -> ResponseValue<T> {
        ResponseValue::new(inner, self.status, self.headers)
    }

    /// A documented success with a JSON body of type `T`.
    pub fn json<T: DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        let inner = self.decode()?;
        Ok(self.value(inner))
    }

    /// A documented success with a JSON body, wrapped (one of several documented successes).
    pub fn json_as<T: DeserializeOwned, U, E>(
        self,
        wrap: impl FnOnce(T) -> U,
    ) -> Result<ResponseValue<U>, Error<E>> {
        let inner = self.decode()?;
        Ok(self.value(wrap(inner)))
    }

    /// A documented success with a text body.
    pub fn text<E>(self) -> Result<ResponseValue<String>, Error<E>> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        Ok(self.value(text))
    }

    /// A documented success with a text body, as one of several documented successes.
    pub fn text_as<U, E>(
        self,
        wrap: impl FnOnce(String) -> U,
    ) -> Result<ResponseValue<U>, Error<E>> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        Ok(self.value(wrap(text)))
    }

    /// A documented success whose body is bytes, handed over as the stream progenitor's
    /// raw operations return.
    pub fn stream<E>(self) -> Result<ResponseValue<ByteStream>, Error<E>> {
        self.stream_as(|stream| stream)
    }

    /// A documented success whose body is bytes, as one of several documented successes.
    pub fn stream_as<U, E>(
        self,
        wrap: impl FnOnce(ByteStream) -> U,
    ) -> Result<ResponseValue<U>, Error<E>> {
        let body = self.body.clone();
        let stream = futures::stream::once(async move { Ok(body) });
        Ok(self.value(wrap(ByteStream::new(Box::pin(stream)))))
    }

    /// A documented success without a body (whatever the server sent is ignored).
    pub fn empty<E>(self) -> Result<ResponseValue<()>, Error<E>> {
        Ok(self.value(()))
    }

    /// A documented success without a body, as one of several documented successes.
    pub fn empty_as<U, E>(self, inner: U) -> Result<ResponseValue<U>, Error<E>> {
        Ok(self.value(inner))
    }

    /// A documented error with a JSON body, wrapped in the operation's error type. A server
    /// that sends the documented status without any body (a proxy, an overloaded server) gets
    /// the status and its empty body, as an undocumented answer would, not a decoding error.
    pub fn error_json<T: DeserializeOwned, E>(self, wrap: impl FnOnce(T) -> E) -> Error<E> {
        match self.decode() {
            Ok(body) => self.error(wrap(body)),
            Err(_) if self.body.iter().all(u8::is_ascii_whitespace) => self.undocumented(),
            Err(error) => error,
        }
    }

    /// A documented error with a text (or binary) body.
    pub fn error_text<E>(self, wrap: impl FnOnce(String) -> E) -> Error<E> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        self.error(wrap(text))
    }

    /// A documented error without a body.
    pub fn error<E>(self, error: E) -> Error<E> {
        Error::Documented {
            status: self.status,
            error,
            headers: Headers(Box::new(self.headers)),
        }
    }

    /// A status the spec does not document for the operation.
    pub fn undocumented<E>(self) -> Error<E> {
        Error::UnexpectedStatus {
            status: self.status,
            body: RawBody(self.body),
            headers: Headers(Box::new(self.headers)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Job {
        id: u32,
    }

    #[derive(Debug)]
    enum JobError {
        NotFound(String),
    }

    fn answer(status: u16, body: &'static str) -> Answer {
        Answer::new(
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            body,
        )
    }

    #[test]
    fn each_documented_answer_decodes_into_its_own_type() {
        let ok: ResponseValue<Job> = answer(200, "{\"id\": 7}").json::<_, JobError>().unwrap();
        assert_eq!(ok.into_inner(), Job { id: 7 });
        let Error::Documented { error, status, .. } =
            answer(404, "no such job").error_text(JobError::NotFound)
        else {
            panic!("documented");
        };
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(matches!(error, JobError::NotFound(text) if text == "no such job"));
        let decode = answer(200, "<html>").json::<Job, JobError>().unwrap_err();
        assert!(matches!(
            decode,
            Error::Decode {
                status: StatusCode::OK,
                ..
            }
        ));
        let undocumented = answer(520, "down").undocumented::<JobError>();
        assert!(
            matches!(undocumented, Error::UnexpectedStatus { body, .. } if body.bytes() == b"down")
        );
        let empty: ResponseValue<Option<Job>> = answer(200, "").json::<_, JobError>().unwrap();
        assert!(matches!(
            answer(503, "").error_json::<Job, JobError>(|_| JobError::NotFound(String::new())),
            Error::UnexpectedStatus {
                status: StatusCode::SERVICE_UNAVAILABLE,
                ..
            }
        ));
        assert_eq!(empty.into_inner(), None);
    }
}
