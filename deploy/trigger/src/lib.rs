//! The retraining trigger (DESIGN §5): once a dataset version is published on chain, tell
//! the MLOps platform to retrain. Two targets: a webhook (the event as JSON, signed with
//! HMAC-SHA256 in [`SIGNATURE_HEADER`], an [`IDEMPOTENCY_HEADER`] for de-duplication) and
//! an MLflow tracking server (a run tagged with the event, the dataset as its input).
//! Deliveries are retried with exponential backoff, and every trigger is appended to a
//! local JSONL log.
//!
//! # Verifying a webhook (for receivers)
//!
//! Each POST carries `X-Labelchain-Signature: t=<unix seconds>,v1=<hex>` where `v1` is
//! HMAC-SHA256 under the shared secret of the ASCII `t`, a `.`, and the raw body bytes (the
//! scheme Stripe uses). A receiver recomputes it over the body exactly as received, compares
//! in constant time, and rejects a `t` older than a few minutes (replays). `Idempotency-Key`
//! is the same on every retry and every re-run for one dataset version: store it and answer
//! 2xx to a key already seen. In Python:
//!
//! ```text
//! t, v1 = (dict(p.split("=", 1) for p in header.split(","))[k] for k in ("t", "v1"))
//! good = hmac.compare_digest(hmac.new(secret, t.encode() + b"." + body, "sha256").hexdigest(), v1)
//! good = good and abs(time.time() - int(t)) < 300
//! ```
//!
//! Any 2xx is success; 408, 429 (with `Retry-After` seconds) and 5xx make the sender retry;
//! any other status is final.

mod error;
mod event;
mod log;
mod mlflow;
mod retry;
mod target;
mod webhook;

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use error::{Error, Result};
pub use event::{signature, Event, ATTEMPT_HEADER, IDEMPOTENCY_HEADER, SIGNATURE_HEADER};
pub use mlflow::KEY_TAG as MLFLOW_KEY_TAG;
pub use retry::RetryPolicy;
pub use target::{Target, DEFAULT_EXPERIMENT};

/// Whether the target accepted the trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Delivered,
    Failed,
}

/// What a trigger achieved, as also written to the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub outcome: Outcome,
    /// Attempts made, the first included.
    pub attempts: u32,
    /// The last HTTP status answered; `None` if the last attempt got no answer.
    pub status: Option<u16>,
    /// The last answer's body (at most 4 KiB), or why there was none; for MLflow a
    /// sentence naming the run (or the failed step and the server's answer).
    pub response: String,
    /// The MLflow run made or reused.
    pub run_id: Option<String>,
}

/// Delivers `event` to `target`, retrying connection errors, timeouts, 408, 429 (honouring
/// `Retry-After` seconds, capped by `max_backoff`) and 5xx with exponential backoff, but
/// not other 4xx (the receiver refused; repeating cannot help). Appends one JSON line to
/// `log` (its directories created) whatever the outcome.
///
/// Returns `Ok` even when the delivery failed: the caller decides the exit code. `Err` only
/// for bad input (an unparseable start time or file hash) or a log that cannot be written.
pub async fn trigger(
    event: &Event,
    target: &Target,
    policy: &RetryPolicy,
    log: &Path,
) -> Result<Delivery> {
    event.validate()?;
    let key = event.idempotency_key();
    let client = reqwest::Client::builder()
        .timeout(policy.timeout)
        .user_agent(concat!("labelchain-trigger/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(Error::Client)?;
    let delivery = match target {
        Target::Webhook { url, secret } => {
            to_webhook(&client, url, secret, event, &key, policy).await?
        }
        Target::Mlflow {
            tracking_uri,
            experiment,
        } => to_mlflow(&client, tracking_uri, experiment, event, &key, policy).await?,
    };
    let redacted = target.redacted();
    match delivery.outcome {
        Outcome::Delivered => {
            tracing::info!(to = %redacted, attempts = delivery.attempts, "retraining trigger delivered")
        }
        Outcome::Failed => {
            tracing::error!(to = %redacted, attempts = delivery.attempts, status = ?delivery.status, response = %delivery.response, "retraining trigger failed")
        }
    }
    log::append(log, event, &redacted, &key, &delivery)?;
    Ok(delivery)
}

async fn to_webhook(
    client: &reqwest::Client,
    url: &str,
    secret: &[u8],
    event: &Event,
    key: &str,
    policy: &RetryPolicy,
) -> Result<Delivery> {
    // Serialised once: every retry sends exactly these bytes, under the same key.
    let body = serde_json::to_vec(event).map_err(|e| Error::BadEvent {
        field: "event",
        problem: e.to_string(),
    })?;
    let (result, attempts) = webhook::deliver(client, url, secret, key, &body, policy).await;
    Ok(match result {
        Ok(reply) => delivered(attempts, Some(reply.status), reply.body, None),
        Err(f) => failed(attempts, f),
    })
}

async fn to_mlflow(
    client: &reqwest::Client,
    tracking_uri: &str,
    experiment: &str,
    event: &Event,
    key: &str,
    policy: &RetryPolicy,
) -> Result<Delivery> {
    let start_ms = event.start_millis()?;
    let (result, attempts) = mlflow::deliver(
        client,
        tracking_uri,
        experiment,
        event,
        key,
        start_ms,
        policy,
    )
    .await;
    Ok(match result {
        Ok(run) => {
            let how = if run.existing {
                "existing run"
            } else {
                "created run"
            };
            let response = format!(
                "{how} {} in experiment `{experiment}` ({})",
                run.id, run.experiment_id
            );
            delivered(attempts, Some(200), response, Some(run.id))
        }
        Err(f) => failed(attempts, f),
    })
}

fn delivered(
    attempts: u32,
    status: Option<u16>,
    response: String,
    run_id: Option<String>,
) -> Delivery {
    Delivery {
        outcome: Outcome::Delivered,
        attempts,
        status,
        response,
        run_id,
    }
}

fn failed(attempts: u32, f: retry::Failure) -> Delivery {
    Delivery {
        outcome: Outcome::Failed,
        attempts,
        status: f.status(),
        response: f.response().to_string(),
        run_id: None,
    }
}
