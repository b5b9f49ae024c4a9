//! Replaying the labels digest from a task's item events: the events are only trusted
//! once they reproduce, item by item, the digest the chain holds.

use alloy::primitives::{keccak256, Address, B256, U256};
use serde::Serialize;

use crate::history::events::{EventKind, ItemEvent};
use crate::protocol::{Quality, VoidReason};

/// What the chain says at the pinned block: `taskProgress(task)`'s final count and
/// digest, and the registry's item count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OnChain {
    pub block: u64,
    pub item_count: u32,
    pub final_items: u32,
    pub digest: B256,
}

/// Where an item ended up at the pinned block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum Status {
    /// No final event yet (committed or not: commits are not item events).
    Open,
    PendingAudit {
        label: u8,
        deadline: u64,
    },
    Escalated {
        deadline: u64,
    },
    Accepted,
    Void {
        reason: VoidReason,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemState {
    #[serde(flatten)]
    pub status: Status,
    /// The final label (accepted), or the consensus label waiting for an audit.
    pub label: Option<u8>,
    pub tier: Option<Quality>,
    /// From `ItemFinalized`: labellers who agreed with the label, and commits.
    pub votes: u8,
    pub commits: u8,
    /// Position in the labels digest (1-based), once accepted.
    pub seq: Option<u32>,
    pub finalized_block: Option<u64>,
    pub finalized_tx: Option<B256>,
    pub audited_by: Option<Address>,
}

impl ItemState {
    /// An item no event has touched yet.
    pub const OPEN: ItemState = ItemState {
        status: Status::Open,
        label: None,
        tier: None,
        votes: 0,
        commits: 0,
        seq: None,
        finalized_block: None,
        finalized_tx: None,
        audited_by: None,
    };

    fn is_final(&self) -> bool {
        matches!(self.status, Status::Accepted | Status::Void { .. })
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub accepted: u32,
    pub void: u32,
    pub escalated: u32,
    pub pending_audit: u32,
    pub open: u32,
}

/// A task's items as its events leave them, checked against the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct History {
    pub task: u64,
    /// The block the history is a snapshot of.
    pub block: u64,
    /// Item `i`'s state at `items[i]`.
    pub items: Vec<ItemState>,
    pub final_seq: u32,
    pub digest: B256,
    pub counts: Counts,
}

/// Why a replay was refused. Each names where, so the bad event can be looked up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error("ItemFinalized for item {item} in block {block} has seq {got}, but the replay expected seq {expected}: an event is missing, repeated or out of order. Re-run the export (a different RPC may help)")]
    SeqOutOfOrder {
        item: u32,
        block: u64,
        expected: u32,
        got: u32,
    },
    #[error("item {item} (seq {seq}, block {block}): the event's labels digest is {event} but replaying its label gives {replayed}. The RPC served altered or incomplete events; use another RPC")]
    DigestMismatch {
        item: u32,
        seq: u32,
        block: u64,
        event: B256,
        replayed: B256,
    },
    #[error("item {item} has an event in block {block} after it was already final (block {final_block}): the events are inconsistent; re-run the export")]
    AlreadyFinal {
        item: u32,
        block: u64,
        final_block: u64,
    },
    #[error("item {item} (block {block}) is beyond the task's {item_count} items")]
    ItemOutOfRange {
        item: u32,
        block: u64,
        item_count: u32,
    },
    #[error("the chain's labelsDigest at block {block} is {chain_digest} after {chain_items} items, the events replay to {replay_digest} after {replay_items}. Re-run the export (events may be missing from this RPC)")]
    ChainMismatch {
        block: u64,
        chain_digest: B256,
        chain_items: u32,
        replay_digest: B256,
        replay_items: u32,
    },
}

/// `keccak256(abi.encode(bytes32 prev, uint256 item, uint256 label, uint256 tier))`, as
/// the verifier's `accept` extends the digest.
pub fn next_digest(prev: B256, item: u32, label: u8, tier: Quality) -> B256 {
    let mut buf = [0u8; 128];
    buf[..32].copy_from_slice(prev.as_slice());
    for (i, v) in [u64::from(item), u64::from(label), tier as u64]
        .into_iter()
        .enumerate()
    {
        buf[32 * (i + 1)..32 * (i + 2)].copy_from_slice(&U256::from(v).to_be_bytes::<32>());
    }
    keccak256(buf)
}

impl History {
    /// Replays `events` (in chain order) of `task` against `on_chain`, read at the block
    /// the events were read up to.
    pub fn replay(
        task: u64,
        events: &[ItemEvent],
        on_chain: OnChain,
    ) -> Result<History, ReplayError> {
        let mut items = vec![ItemState::OPEN; on_chain.item_count as usize];
        let (mut seq, mut digest) = (0u32, B256::ZERO);
        for e in events {
            let state = items
                .get_mut(e.item as usize)
                .ok_or(ReplayError::ItemOutOfRange {
                    item: e.item,
                    block: e.block,
                    item_count: on_chain.item_count,
                })?;
            if let EventKind::Finalized {
                label,
                tier,
                seq: got,
                digest: claimed,
                ..
            } = e.kind
            {
                let expected = seq + 1;
                if got != expected {
                    return Err(ReplayError::SeqOutOfOrder {
                        item: e.item,
                        block: e.block,
                        expected,
                        got,
                    });
                }
                let replayed = next_digest(digest, e.item, label, tier);
                if replayed != claimed {
                    return Err(ReplayError::DigestMismatch {
                        item: e.item,
                        seq: got,
                        block: e.block,
                        event: claimed,
                        replayed,
                    });
                }
                (seq, digest) = (got, replayed);
            }
            apply(state, e)?;
        }
        if (seq, digest) != (on_chain.final_items, on_chain.digest) {
            return Err(ReplayError::ChainMismatch {
                block: on_chain.block,
                chain_digest: on_chain.digest,
                chain_items: on_chain.final_items,
                replay_digest: digest,
                replay_items: seq,
            });
        }
        let counts = count(&items);
        Ok(History {
            task,
            block: on_chain.block,
            items,
            final_seq: seq,
            digest,
            counts,
        })
    }
}

/// One event's effect on its item. `Audited` follows the `ItemFinalized` of the same
/// audit, so it is the one event a final item still takes.
fn apply(s: &mut ItemState, e: &ItemEvent) -> Result<(), ReplayError> {
    if s.is_final() && !matches!(e.kind, EventKind::Audited { .. }) {
        return Err(ReplayError::AlreadyFinal {
            item: e.item,
            block: e.block,
            final_block: s.finalized_block.unwrap_or_default(),
        });
    }
    match e.kind {
        EventKind::Finalized {
            label,
            tier,
            votes,
            commits,
            seq,
            ..
        } => {
            s.status = Status::Accepted;
            (s.label, s.tier, s.votes, s.commits) = (Some(label), Some(tier), votes, commits);
            (s.seq, s.finalized_block, s.finalized_tx) = (Some(seq), Some(e.block), Some(e.tx));
        }
        EventKind::Voided { reason } => {
            s.status = Status::Void { reason };
            (s.label, s.tier) = (None, None);
            (s.finalized_block, s.finalized_tx) = (Some(e.block), Some(e.tx));
        }
        EventKind::Escalated { deadline } => s.status = Status::Escalated { deadline },
        EventKind::PendingAudit { label, deadline } => {
            s.status = Status::PendingAudit { label, deadline };
            s.label = Some(label);
        }
        EventKind::Audited { auditor, .. } => s.audited_by = Some(auditor),
    }
    Ok(())
}

fn count(items: &[ItemState]) -> Counts {
    let mut c = Counts::default();
    for s in items {
        match s.status {
            Status::Open => c.open += 1,
            Status::PendingAudit { .. } => c.pending_audit += 1,
            Status::Escalated { .. } => c.escalated += 1,
            Status::Accepted => c.accepted += 1,
            Status::Void { .. } => c.void += 1,
        }
    }
    c
}

#[cfg(test)]
#[path = "replay_tests.rs"]
mod tests;
