//! A paged `eth_getLogs` reader that survives flaky and restrictive RPCs.
//!
//! Providers cap a log query by block range or by result count, each in its own words,
//! and public endpoints fail now and then. So a page that fails is retried with
//! exponential backoff and, if it keeps failing, halved, down to one block, whatever the
//! error says (its text is never matched). Finished ranges are never read again in the
//! same run: the reader only moves forward from the first block it has not read.

use std::time::Duration;

use alloy::providers::Provider as _;
use alloy::rpc::types::{Filter, Log};

use crate::chain::{root_cause, Conn};
use crate::error::Result;
use crate::history::HistoryError;

/// How the reader pages. [`Default`] suits public RPCs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogOptions {
    /// Blocks per `eth_getLogs` request at first (`--page-blocks`).
    pub page_blocks: u64,
    /// Tries of one range at one size before it is halved.
    pub attempts: u32,
    /// The first retry waits this long; each further one twice as long (capped at 5 s).
    pub backoff: Duration,
    /// A request that has not answered by then counts as failed.
    pub request_timeout: Duration,
}

impl Default for LogOptions {
    fn default() -> Self {
        LogOptions {
            page_blocks: 5_000,
            attempts: 3,
            backoff: Duration::from_millis(200),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// Where a read stands after a page: for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageProgress {
    pub blocks_done: u64,
    pub blocks_total: u64,
    pub logs: usize,
}

/// The logs matching `filter`'s address and topics (its own block range is replaced) in
/// blocks `from_block..=to_block`, in the order the chain executed them. `to_block` is
/// pinned by the caller (the head read once) so that the read is one consistent
/// snapshot. `on_page` is called after every page that was read.
pub async fn fetch(
    conn: &Conn,
    filter: &Filter,
    from_block: u64,
    to_block: u64,
    opts: &LogOptions,
    on_page: &mut dyn FnMut(PageProgress),
) -> Result<Vec<Log>> {
    let total = (to_block + 1).saturating_sub(from_block);
    let mut logs = Vec::new();
    let mut next = from_block;
    let mut span = opts.page_blocks.max(1);
    while next <= to_block {
        let end = to_block.min(next.saturating_add(span - 1));
        match read_range(conn, filter, next, end, opts).await {
            Ok(page) => {
                logs.extend(page);
                next = end + 1;
                on_page(PageProgress {
                    blocks_done: next - from_block,
                    blocks_total: total,
                    logs: logs.len(),
                });
            }
            // A provider that refused this size will refuse it for the next pages too:
            // the smaller span is kept for the rest of the read.
            Err(_) if end > next => {
                span = (end - next + 2) / 2;
                tracing::debug!("eth_getLogs {next}..={end} failed; pages of {span} blocks");
            }
            Err(reason) => {
                return Err(HistoryError::LogsUnreadable {
                    from: next,
                    to: end,
                    attempts: opts.attempts.max(1),
                    reason,
                }
                .into())
            }
        }
    }
    logs.sort_by_key(|l| (l.block_number, l.transaction_index, l.log_index));
    Ok(logs)
}

/// One range, tried `opts.attempts` times with backoff; the last failure's cause.
async fn read_range(
    conn: &Conn,
    filter: &Filter,
    from: u64,
    to: u64,
    opts: &LogOptions,
) -> Result<Vec<Log>, String> {
    let query = filter.clone().from_block(from).to_block(to);
    let mut delay = opts.backoff;
    let mut last = String::new();
    for attempt in 0..opts.attempts.max(1) {
        if attempt > 0 {
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
        match tokio::time::timeout(opts.request_timeout, conn.provider.get_logs(&query)).await {
            Ok(Ok(page)) => return Ok(page),
            Ok(Err(e)) => last = root_cause(&e),
            Err(_) => last = format!("no answer within {:?}", opts.request_timeout),
        }
        tracing::debug!("eth_getLogs {from}..={to}, attempt {}: {last}", attempt + 1);
    }
    Err(last)
}
