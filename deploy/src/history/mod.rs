//! A task's on-chain history, as a dataset export needs it: the verifier's item events
//! read with a paged, retrying [`logs::fetch`] up to a pinned block, decoded
//! ([`events`]), and replayed into a [`History`] that must reproduce the task's
//! `labelsDigest` at that block ([`replay`]).

pub mod events;
pub mod logs;
pub mod replay;

use alloy::eips::BlockId;
use alloy::providers::Provider as _;

pub use events::{EventKind, ItemEvent};
pub use logs::{LogOptions, PageProgress};
pub use replay::{Counts, History, ItemState, OnChain, ReplayError, Status};

use crate::bindings::{IConsensusVerifier, ITaskRegistry};
use crate::chain::{contract_error, Conn};
use crate::commands::ops;
use crate::error::{Error, Result};
use crate::protocol::TaskTerms;
use crate::state::Addresses;

/// Why a history could not be read or trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    #[error("could not read the logs of blocks {from}..={to}: {reason} ({attempts} attempts at each range size, halving down to one block). Re-run the command, or lower --page-blocks")]
    LogsUnreadable {
        from: u64,
        to: u64,
        attempts: u32,
        reason: String,
    },
    #[error("the log at block {}, index {} has an item event's signature but does not decode ({detail}): is the verifier address a Labelchain verifier of this version?", show(.block), show(.log_index))]
    Undecodable {
        block: Option<u64>,
        log_index: Option<u64>,
        detail: String,
    },
    #[error(transparent)]
    Replay(#[from] ReplayError),
}

fn show(v: &Option<u64>) -> String {
    v.map_or_else(|| "?".into(), |v| v.to_string())
}

/// The latest block: read once, it pins a read to one snapshot of the chain.
pub async fn head(conn: &Conn) -> Result<u64> {
    conn.provider
        .get_block_number()
        .await
        .map_err(|e| Error::rpc("eth_blockNumber", e))
}

/// The task's item count and `taskProgress` at `block`.
pub async fn on_chain(conn: &Conn, a: &Addresses, task: u64, block: u64) -> Result<OnChain> {
    let what = "reading the task at the pinned block";
    let at = BlockId::number(block);
    let t = ITaskRegistry::new(a.registry, conn.provider.clone())
        .terms(task)
        .block(at)
        .call()
        .await
        .map_err(|e| contract_error(conn, what, e))?;
    let terms = TaskTerms::decode([t._0, t._1, t._2, t._3, t._4, t._5])
        .map_err(Error::unknown_code(what))?;
    let p = IConsensusVerifier::new(a.verifier, conn.provider.clone())
        .taskProgress(task)
        .block(at)
        .call()
        .await
        .map_err(|e| contract_error(conn, what, e))?;
    Ok(OnChain {
        block,
        item_count: terms.item_count,
        final_items: p._2,
        digest: p._3,
    })
}

/// `task`'s item events in blocks `from_block..=to_block`, decoded, in chain order.
pub async fn item_events(
    conn: &Conn,
    a: &Addresses,
    task: u64,
    from_block: u64,
    to_block: u64,
    opts: &LogOptions,
    on_page: &mut dyn FnMut(PageProgress),
) -> Result<Vec<ItemEvent>> {
    let filter = events::filter(a.verifier, task);
    let logs = logs::fetch(conn, &filter, from_block, to_block, opts, on_page).await?;
    Ok(events::decode(&logs)?)
}

/// The whole read an export starts with: pins the head, reads the task's item events from
/// `from_block` up to it, and replays them against the chain at that block.
pub async fn read(
    conn: &Conn,
    a: &Addresses,
    task: u64,
    from_block: u64,
    opts: &LogOptions,
    on_page: &mut dyn FnMut(PageProgress),
) -> Result<History> {
    ops::ensure_task(conn, a, task).await?;
    let block = head(conn).await?;
    let chain = on_chain(conn, a, task, block).await?;
    let events = item_events(conn, a, task, from_block, block, opts, on_page).await?;
    Ok(History::replay(task, &events, chain).map_err(HistoryError::from)?)
}
