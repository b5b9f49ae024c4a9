//! One HTTP exchange classified as success, retryable or permanent, and the retry loop
//! with exponential backoff shared by both targets.

use std::future::Future;
use std::time::Duration;

use reqwest::{RequestBuilder, StatusCode};

/// How hard a trigger tries. Publishing is already on chain when the trigger runs, so a
/// receiver that is briefly down should not lose the event: retry, but boundedly, since
/// the CLI waits for the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, the first included (0 is treated as 1).
    pub attempts: u32,
    /// The wait after the first failure; it doubles after each further one.
    pub first_backoff: Duration,
    /// The cap on any wait, including a server's `Retry-After`.
    pub max_backoff: Duration,
    /// Per request: connect, send and read the whole answer.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, 500 ms doubling to at most 8 s, 10 s per request: about 7.5 s of waiting
    /// in all, enough for a receiver's restart.
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            timeout: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `n + 1` after attempt `n` (1-based) failed.
    fn backoff(&self, n: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self
            .first_backoff
            .saturating_mul(2u32.saturating_pow(n.saturating_sub(1)));
        retry_after.unwrap_or(exp).min(self.max_backoff)
    }
}

/// The largest response body kept (in the log and the `Delivery`).
pub(crate) const MAX_RESPONSE: usize = 4096;

/// An answered request.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: String,
}

/// Why an attempt did not succeed; `status` is `None` when nothing was answered.
#[derive(Debug)]
pub(crate) enum Failure {
    Retry {
        status: Option<u16>,
        response: String,
        retry_after: Option<Duration>,
    },
    Permanent {
        status: Option<u16>,
        response: String,
    },
}

impl Failure {
    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::Retry { status, .. } | Failure::Permanent { status, .. } => *status,
        }
    }
    /// Names the step that failed (the MLflow adapter makes several requests).
    pub fn context(self, step: &str) -> Failure {
        match self {
            Failure::Retry {
                status,
                response,
                retry_after,
            } => Failure::Retry {
                status,
                response: truncate(format!("{step}: {response}")),
                retry_after,
            },
            Failure::Permanent { status, response } => Failure::Permanent {
                status,
                response: truncate(format!("{step}: {response}")),
            },
        }
    }
    pub fn response(&self) -> &str {
        match self {
            Failure::Retry { response, .. } | Failure::Permanent { response, .. } => response,
        }
    }
}

/// Sends one request and reads the whole answer. Transport failures (refused, reset,
/// timed out) are retryable; a request that could not even be built is not.
pub(crate) async fn send(req: RequestBuilder) -> Result<Reply, Failure> {
    let resp = req.send().await.map_err(transport)?;
    let status = resp.status();
    let retry_after = retry_after(&resp);
    let bytes = resp.bytes().await.map_err(transport)?;
    let body = truncate(String::from_utf8_lossy(&bytes).into_owned());
    let reply = Reply {
        status: status.as_u16(),
        body,
    };
    classify(status, reply, retry_after)
}

/// 2xx succeeds; 408, 429 and 5xx are worth another attempt; any other status means the
/// receiver understood and refused, and repeating the same request cannot help.
fn classify(
    status: StatusCode,
    reply: Reply,
    retry_after: Option<Duration>,
) -> Result<Reply, Failure> {
    if status.is_success() {
        return Ok(reply);
    }
    let retryable = status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error();
    let (status, response) = (Some(reply.status), reply.body);
    Err(if retryable {
        Failure::Retry {
            status,
            response,
            retry_after,
        }
    } else {
        Failure::Permanent { status, response }
    })
}

/// `Retry-After` in seconds (the HTTP-date form is rare for 429/503 and ignored).
fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    let v = resp.headers().get(reqwest::header::RETRY_AFTER)?;
    let secs: u64 = v.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(secs))
}

fn transport(e: reqwest::Error) -> Failure {
    let response = error_chain(&e);
    if e.is_builder() {
        Failure::Permanent {
            status: None,
            response,
        }
    } else {
        Failure::Retry {
            status: None,
            response,
            retry_after: None,
        }
    }
}

/// reqwest's top-level message is generic ("error sending request"); the cause (e.g.
/// "Connection refused", "operation timed out") is in its sources.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let kind = match e.downcast_ref::<reqwest::Error>() {
        Some(r) if r.is_timeout() => "timed out: ",
        Some(r) if r.is_connect() => "could not connect: ",
        _ => "",
    };
    let mut out = format!("{kind}{e}");
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    truncate(out)
}

/// At most `MAX_RESPONSE` bytes, cut at a character boundary.
pub(crate) fn truncate(mut s: String) -> String {
    if s.len() > MAX_RESPONSE {
        let mut end = MAX_RESPONSE;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// Runs `attempt(n)` for n = 1.. until it succeeds, fails permanently or the policy's
/// attempts are spent, sleeping the backoff in between. Returns the last result and the
/// number of attempts made.
pub(crate) async fn with_retries<T, F, Fut>(
    policy: &RetryPolicy,
    mut attempt: F,
) -> (Result<T, Failure>, u32)
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let total = policy.attempts.max(1);
    let mut n = 1;
    loop {
        let result = attempt(n).await;
        let retry_after = match &result {
            Err(Failure::Retry { retry_after, .. }) if n < total => *retry_after,
            _ => return (result, n),
        };
        let wait = policy.backoff(n, retry_after);
        if let Err(f) = &result {
            tracing::warn!(attempt = n, status = ?f.status(), response = f.response(), ?wait, "trigger attempt failed; retrying");
        }
        tokio::time::sleep(wait).await;
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_the_cap_and_caps_retry_after() {
        let p = RetryPolicy::default();
        let ms = |n| p.backoff(n, None).as_millis();
        assert_eq!(
            [ms(1), ms(2), ms(3), ms(4), ms(5), ms(9)],
            [500, 1000, 2000, 4000, 8000, 8000]
        );
        assert_eq!(
            p.backoff(1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            p.backoff(1, Some(Duration::from_secs(60))),
            Duration::from_secs(8)
        );
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        // "a" then two-byte characters: byte 4096 falls inside one, which is dropped whole.
        let t = truncate(format!("a{}", "é".repeat(MAX_RESPONSE)));
        assert_eq!(t.len(), MAX_RESPONSE - 1);
        assert!(t.chars().skip(1).all(|c| c == 'é'));
    }
}
