//! The state after each of the last N blocks, so reads at an older block tag (`eth_call`,
//! `eth_getBalance`, `eth_getStorageAt`, `eth_estimateGas` …) answer as of that block, as
//! anvil does. A block's entry is a copy of the state when it was sealed: the state's
//! accounts and storage are copied, code is shared (reference-counted), which is what
//! every `eth_call` already pays for its scratch state.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::evm::DevDb;

/// Blocks whose state is kept by default (anvil keeps a similar window in memory).
pub const DEFAULT_HISTORY: usize = 256;

/// Kept states are shared: an `evm_snapshot` copies the window by reference count, not
/// 256 states.
#[derive(Clone, Default)]
pub(crate) struct History {
    keep: usize,
    states: VecDeque<(u64, Arc<DevDb>)>,
}

impl History {
    pub(crate) fn new(keep: usize) -> Self {
        History {
            keep,
            states: VecDeque::with_capacity(keep.min(DEFAULT_HISTORY) + 1),
        }
    }

    /// Records the state block `number` was sealed with, forgetting the oldest beyond
    /// the window (the latest block is always read from the live state, so `keep`
    /// older blocks are kept besides it).
    pub(crate) fn record(&mut self, number: u64, db: &DevDb) {
        if self.keep == 0 {
            return;
        }
        self.states.push_back((number, Arc::new(db.clone())));
        while self.states.len() > self.keep + 1 {
            self.states.pop_front();
        }
    }

    /// Keeps `keep` blocks besides the latest from now on, forgetting the oldest at once
    /// if the window shrank.
    pub(crate) fn set_keep(&mut self, keep: usize) {
        self.keep = keep;
        let len = if keep == 0 { 0 } else { keep + 1 };
        while self.states.len() > len {
            self.states.pop_front();
        }
    }

    pub(crate) fn get(&self, number: u64) -> Option<&DevDb> {
        let first = self.states.front()?.0;
        let i = number.checked_sub(first)? as usize;
        self.states
            .get(i)
            .filter(|(n, _)| *n == number)
            .map(|(_, db)| &**db)
    }

    /// The oldest block whose state is still kept.
    pub(crate) fn oldest(&self) -> Option<u64> {
        self.states.front().map(|(n, _)| *n)
    }
}
