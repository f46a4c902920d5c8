//! When a request that is safe to repeat is sent again, and after how long: a refused or
//! failed connection, or a 429, 502, 503, 504 or 520 (VSPC's "unknown error") answer, after
//! `Retry-After` when the server says, else after an exponential backoff with jitter.

use std::hash::BuildHasher;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use crate::connection::RetryPolicy;

/// The header the session adds to a final answer that took retries, so that errors (which
/// keep the answer's headers) can say how many.
pub const RETRIES_HEADER: &str = "x-storage-jobs-retries";

/// Whether a method may be repeated without asking: HTTP defines these as idempotent.
pub(crate) fn idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    )
}

/// Whether an answer with `status` is worth waiting for and asking again.
pub(crate) fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504 | 520)
}

/// What `Retry-After` asks for: seconds, or an HTTP date (a date in the past means now).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when: SystemTime = chrono::DateTime::parse_from_rfc2822(text).ok()?.into();
    Some(when.duration_since(now).unwrap_or_default())
}

/// The wait before retry number `retry` (from 0): the initial backoff doubled each time, at
/// most the policy's maximum, then a random half to whole of that (so that many clients do
/// not come back at once).
pub(crate) fn backoff(policy: &RetryPolicy, retry: u32) -> Duration {
    let full = policy
        .initial_backoff
        .saturating_mul(1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX))
        .min(policy.max_backoff);
    let random = std::collections::hash_map::RandomState::new().hash_one(retry);
    let fraction = 0.5 + (random % 1000) as f64 / 2000.0;
    full.mul_f64(fraction)
}

/// The wait before sending again, if the outcome is worth a retry under `policy` and the
/// call's time budget (`spent` so far) allows it.
pub(crate) fn wait_before_retry(
    policy: &RetryPolicy,
    retries: u32,
    spent: Duration,
    outcome: &reqwest::Result<reqwest::Response>,
) -> Option<Duration> {
    if retries >= policy.max_retries {
        return None;
    }
    let wait = match outcome {
        Err(error) if error.is_connect() => backoff(policy, retries),
        Ok(response) if retryable_status(response.status()) => {
            match retry_after(response.headers(), SystemTime::now()) {
                // A server that asks for longer than we would wait gets no retry.
                Some(asked) if asked > policy.max_backoff => return None,
                Some(asked) => asked,
                None => backoff(policy, retries),
            }
        }
        _ => return None,
    };
    (spent.saturating_add(wait) < policy.budget).then_some(wait)
}

/// Sends a request the session makes itself (a token, a CSRF token), again while `policy`
/// allows; returns the last outcome and how many retries it took.
pub(crate) async fn execute(
    http: &reqwest::Client,
    request: reqwest::Request,
    policy: &RetryPolicy,
) -> (reqwest::Result<reqwest::Response>, u32) {
    let started = std::time::Instant::now();
    let mut retries = 0;
    let mut next = request;
    loop {
        let again = next.try_clone();
        let outcome = http.execute(next).await;
        let wait = wait_before_retry(policy, retries, started.elapsed(), &outcome);
        match (wait, again) {
            (Some(wait), Some(again)) => {
                tokio::time::sleep(wait).await;
                retries += 1;
                next = again;
            }
            _ => return (outcome, retries),
        }
    }
}

/// Marks `response` as the answer after `retries` retries.
pub(crate) fn mark(response: &mut reqwest::Response, retries: u32) {
    if retries > 0 {
        response.headers_mut().insert(
            HeaderName::from_static(RETRIES_HEADER),
            HeaderValue::from(retries),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, retry_after: Option<&str>) -> reqwest::Result<reqwest::Response> {
        let mut response = http::Response::builder().status(status);
        if let Some(value) = retry_after {
            response = response.header(RETRY_AFTER, value);
        }
        Ok(reqwest::Response::from(response.body("").unwrap()))
    }

    #[test]
    fn only_transient_answers_are_retried_within_the_limits() {
        let policy = RetryPolicy::DEFAULT;
        let spent = Duration::ZERO;
        for status in [429, 502, 503, 504, 520] {
            assert!(wait_before_retry(&policy, 0, spent, &answer(status, None)).is_some());
        }
        for status in [200, 400, 401, 404, 500, 501] {
            assert!(wait_before_retry(&policy, 0, spent, &answer(status, None)).is_none());
        }
        assert!(wait_before_retry(&policy, 3, spent, &answer(503, None)).is_none());
        assert!(
            wait_before_retry(
                &policy,
                0,
                Duration::from_millis(119_800),
                &answer(503, None)
            )
            .is_none(),
            "no retry past the budget"
        );
        assert!(wait_before_retry(&RetryPolicy::NONE, 0, spent, &answer(503, None)).is_none());
    }

    #[test]
    fn retry_after_is_honoured_in_seconds_and_as_a_date() {
        let policy = RetryPolicy::DEFAULT;
        assert_eq!(
            wait_before_retry(&policy, 0, Duration::ZERO, &answer(429, Some("7"))),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            wait_before_retry(&policy, 0, Duration::ZERO, &answer(429, Some("3600"))),
            None,
            "longer than the policy waits"
        );
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470);
        let mut headers = HeaderMap::new();
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(10)));
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum_with_jitter() {
        let policy = RetryPolicy::DEFAULT;
        for retry in 0..40 {
            let full = (policy.initial_backoff * 2u32.saturating_pow(retry.min(20)))
                .min(policy.max_backoff);
            let wait = backoff(&policy, retry);
            assert!(
                wait <= full && wait >= full / 2,
                "{retry}: {wait:?} of {full:?}"
            );
        }
    }
}
