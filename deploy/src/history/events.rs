//! The ConsensusVerifier's item events of one task, decoded.

use alloy::primitives::{Address, B256, U256};
use alloy::rpc::types::{Filter, Log};
use alloy::sol_types::SolEvent;
use serde::Serialize;

use crate::bindings::IConsensusVerifier::{
    Audited, ItemEscalated, ItemFinalized, ItemPendingAudit, ItemVoided,
};
use crate::history::HistoryError;
use crate::protocol::{Quality, VoidReason};

/// One item event, where the chain put it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemEvent {
    pub block: u64,
    pub tx: B256,
    pub log_index: u64,
    pub item: u32,
    pub kind: EventKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "event")]
pub enum EventKind {
    /// Final as accepted: the item joined the labels digest as number `seq`.
    Finalized {
        label: u8,
        tier: Quality,
        votes: u8,
        commits: u8,
        seq: u32,
        digest: B256,
    },
    Voided {
        reason: VoidReason,
    },
    Escalated {
        deadline: u64,
    },
    PendingAudit {
        label: u8,
        deadline: u64,
    },
    Audited {
        auditor: Address,
        label: u8,
        confirmed: bool,
    },
}

/// The five item events' signatures (topic 0).
pub fn signatures() -> Vec<B256> {
    vec![
        ItemFinalized::SIGNATURE_HASH,
        ItemVoided::SIGNATURE_HASH,
        ItemEscalated::SIGNATURE_HASH,
        ItemPendingAudit::SIGNATURE_HASH,
        Audited::SIGNATURE_HASH,
    ]
}

/// The filter for `task`'s item events at `verifier` (the task is indexed, topic 1).
pub fn filter(verifier: Address, task: u64) -> Filter {
    Filter::new()
        .address(verifier)
        .event_signature(signatures())
        .topic1(B256::from(U256::from(task)))
}

/// Decodes the item events among `logs` (others are ignored). A log with an item
/// event's signature that does not decode is an error: skipping it would drop a label.
pub fn decode(logs: &[Log]) -> Result<Vec<ItemEvent>, HistoryError> {
    let mut out = Vec::with_capacity(logs.len());
    for log in logs {
        if let Some(e) = decode_one(log)? {
            out.push(e);
        }
    }
    Ok(out)
}

fn decode_one(log: &Log) -> Result<Option<ItemEvent>, HistoryError> {
    let Some(&topic0) = log.topics().first() else {
        return Ok(None);
    };
    let bad = |detail: String| HistoryError::Undecodable {
        block: log.block_number,
        log_index: log.log_index,
        detail,
    };
    let inner = &log.inner;
    let (item, kind) = match topic0 {
        ItemFinalized::SIGNATURE_HASH => {
            let e = ItemFinalized::decode_log(inner).map_err(|e| bad(e.to_string()))?;
            let tier = Quality::try_from(e.tier).map_err(|e| bad(e.to_string()))?;
            let d = e.data;
            let kind = EventKind::Finalized {
                label: d.label,
                tier,
                votes: d.votes,
                commits: d.commits,
                seq: d.seq,
                digest: d.digest,
            };
            (d.item, kind)
        }
        ItemVoided::SIGNATURE_HASH => {
            let e = ItemVoided::decode_log(inner).map_err(|e| bad(e.to_string()))?;
            let reason = VoidReason::try_from(e.reason).map_err(|e| bad(e.to_string()))?;
            (e.item, EventKind::Voided { reason })
        }
        ItemEscalated::SIGNATURE_HASH => {
            let e = ItemEscalated::decode_log(inner).map_err(|e| bad(e.to_string()))?;
            let kind = EventKind::Escalated {
                deadline: e.deadline,
            };
            (e.item, kind)
        }
        ItemPendingAudit::SIGNATURE_HASH => {
            let e = ItemPendingAudit::decode_log(inner).map_err(|e| bad(e.to_string()))?;
            let kind = EventKind::PendingAudit {
                label: e.label,
                deadline: e.deadline,
            };
            (e.item, kind)
        }
        Audited::SIGNATURE_HASH => {
            let e = Audited::decode_log(inner).map_err(|e| bad(e.to_string()))?;
            let kind = EventKind::Audited {
                auditor: e.auditor,
                label: e.label,
                confirmed: e.confirmed,
            };
            (e.item, kind)
        }
        _ => return Ok(None),
    };
    Ok(Some(ItemEvent {
        block: log
            .block_number
            .ok_or_else(|| bad("the RPC gave no block number".into()))?,
        tx: log.transaction_hash.unwrap_or_default(),
        log_index: log.log_index.unwrap_or_default(),
        item,
        kind,
    }))
}
