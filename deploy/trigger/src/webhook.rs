//! The webhook target: the event as a signed JSON POST.

use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::header::CONTENT_TYPE;

use crate::event::{signature, ATTEMPT_HEADER, IDEMPOTENCY_HEADER, SIGNATURE_HEADER};
use crate::retry::{send, with_retries, Failure, Reply, RetryPolicy};

/// POSTs `body` (the event's JSON, serialised once so every retry sends the same bytes)
/// with the idempotency key, the attempt number and a signature made at send time.
pub(crate) async fn deliver(
    client: &reqwest::Client,
    url: &str,
    secret: &[u8],
    key: &str,
    body: &[u8],
    policy: &RetryPolicy,
) -> (Result<Reply, Failure>, u32) {
    with_retries(policy, |n| {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let req = client
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature(secret, now, body))
            .header(IDEMPOTENCY_HEADER, key)
            .header(ATTEMPT_HEADER, n.to_string())
            .body(body.to_vec());
        send(req)
    })
    .await
}
