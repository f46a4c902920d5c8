//! The response body cap: a body is read up to a limit, so no response can fill memory, and
//! the response is handed on whole (status, headers, URL and extensions) with its body in
//! memory, or marked as over the limit for the `post` hook to turn into an error.

use futures::StreamExt;
use reqwest::{Response, ResponseBuilderExt};

/// Marks a response whose body was over the limit and was dropped.
#[derive(Clone, Copy, Debug)]
struct BodyTooLarge(usize);

/// Reads the body of `response` up to `limit` bytes.
pub(crate) async fn read(response: Response, limit: usize) -> reqwest::Result<Response> {
    let url = response.url().clone();
    let too_large = response
        .content_length()
        .is_some_and(|length| length > limit as u64);
    let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let rebuild = |parts: http::response::Parts, body: Vec<u8>, too_large: bool| {
        let mut rebuilt = http::Response::builder()
            .status(parts.status)
            .version(parts.version)
            .url(url.clone())
            .body(body)
            .expect("status and version come from a response");
        *rebuilt.headers_mut() = parts.headers;
        rebuilt.extensions_mut().extend(parts.extensions);
        if too_large {
            rebuilt.extensions_mut().insert(BodyTooLarge(limit));
        }
        Response::from(rebuilt)
    };
    if too_large {
        return Ok(rebuild(parts, Vec::new(), true));
    }
    let mut collected = Vec::new();
    let mut chunks = Response::from(http::Response::new(body)).bytes_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        if collected.len() + chunk.len() > limit {
            return Ok(rebuild(parts, Vec::new(), true));
        }
        collected.extend_from_slice(&chunk);
    }
    Ok(rebuild(parts, collected, false))
}

/// The limit a response went over, if [`read`] marked it.
pub(crate) fn exceeded(response: &Response) -> Option<usize> {
    response
        .extensions()
        .get::<BodyTooLarge>()
        .map(|BodyTooLarge(limit)| *limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &'static str, url: &str) -> Response {
        let mut response = http::Response::builder()
            .status(201)
            .header("x-kept", "yes")
            .url(url.parse().unwrap())
            .body(body)
            .unwrap();
        response.extensions_mut().insert(7u8);
        Response::from(response)
    }

    #[tokio::test]
    async fn a_body_within_the_limit_arrives_with_everything_else_kept() {
        let read = read(response("0123456789", "http://h/x?y=1"), 10)
            .await
            .unwrap();
        assert_eq!(exceeded(&read), None);
        assert_eq!(read.status(), 201);
        assert_eq!(read.url().as_str(), "http://h/x?y=1");
        assert_eq!(read.headers()["x-kept"], "yes");
        assert_eq!(read.extensions().get::<u8>(), Some(&7));
        assert_eq!(read.text().await.unwrap(), "0123456789");
    }

    #[tokio::test]
    async fn a_longer_body_is_dropped_and_marked() {
        let read = read(response("0123456789!", "http://h/x"), 10)
            .await
            .unwrap();
        assert_eq!(exceeded(&read), Some(10));
        assert_eq!(read.url().as_str(), "http://h/x");
        assert_eq!(read.text().await.unwrap(), "");
    }
}
