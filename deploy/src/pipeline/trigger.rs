//! The retraining trigger after a publish (`dataset publish --trigger`, `labelchain
//! trigger`): the version's event delivered to each target by labelchain-trigger, every
//! attempt's outcome appended to the JSONL log.

use std::path::PathBuf;

use alloy::primitives::B256;
use labelchain_trigger::{Delivery, Event, Outcome, RetryPolicy, Target};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::pipeline::pull::Record;
use crate::state::Addresses;

/// Where the trigger goes and where it is logged.
#[derive(Clone, Debug)]
pub struct TriggerSpec {
    pub targets: Vec<Target>,
    pub log: PathBuf,
    pub policy: RetryPolicy,
}

/// One target's delivery.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Triggered {
    pub target: String,
    pub delivery: Delivery,
}

/// The event of DESIGN §5 for a version on chain, starting now.
pub fn event(chain_id: u64, a: &Addresses, r: &Record, publish_tx: B256, encrypted: bool) -> Event {
    Event {
        chain_id,
        registry: a.datasets.to_string(),
        task: r.task,
        version: r.version,
        labels_digest: r.labels_digest.to_string(),
        file_hash: r.file_hash.to_string(),
        uri: r.uri.clone(),
        publish_tx: publish_tx.to_string(),
        start_time: humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string(),
        encrypted,
    }
}

/// Delivers `event` to every target (all are tried, each logged); fails after the last
/// if any delivery failed, naming them and the log.
pub async fn run(event: &Event, spec: &TriggerSpec) -> Result<Vec<Triggered>> {
    let mut out = Vec::with_capacity(spec.targets.len());
    for target in &spec.targets {
        let delivery = labelchain_trigger::trigger(event, target, &spec.policy, &spec.log).await?;
        out.push(Triggered {
            target: target.redacted(),
            delivery,
        });
    }
    let failed: Vec<&Triggered> = out
        .iter()
        .filter(|t| t.delivery.outcome == Outcome::Failed)
        .collect();
    if let Some(first) = failed.first() {
        return Err(Error::TriggerFailed {
            target: first.target.clone(),
            attempts: first.delivery.attempts,
            status: first.delivery.status,
            response: first.delivery.response.clone(),
            failed: failed.len(),
            log: spec.log.clone(),
        });
    }
    Ok(out)
}
