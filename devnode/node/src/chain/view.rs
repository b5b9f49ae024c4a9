//! Reads and simulations against the state after one block: the latest (the live state)
//! or an older one the [`History`](super::history::History) still keeps.

use revm::context::BlockEnv;
use revm::primitives::{Address, Bytes, U256};
use revm::DatabaseRef;

use super::overrides::ApplyOverrides;
use super::{
    CallResult, Chain, ChainError, Estimate, StateOverrides, Status, TxRequest, TX_GAS_LIMIT,
};
use crate::evm::DevDb;

/// The state after block `number`.
pub struct StateView<'a> {
    chain: &'a Chain,
    db: &'a DevDb,
    number: u64,
}

impl Chain {
    pub fn latest_state(&self) -> StateView<'_> {
        StateView {
            chain: self,
            db: &self.db,
            number: self.block_number(),
        }
    }

    /// The state after block `number`: the latest, or one of the last
    /// [`ChainConfig::history`](super::ChainConfig::history) before it; `None` for a block
    /// that does not exist or whose state is no longer kept.
    pub fn state_at(&self, number: u64) -> Option<StateView<'_>> {
        if number == self.block_number() {
            return Some(self.latest_state());
        }
        self.history.get(number).map(|db| StateView {
            chain: self,
            db,
            number,
        })
    }

    /// The oldest block whose state can be read.
    pub fn oldest_state(&self) -> u64 {
        self.history
            .oldest()
            .unwrap_or(self.block_number())
            .min(self.block_number())
    }
}

impl<'a> StateView<'a> {
    pub fn number(&self) -> u64 {
        self.number
    }

    pub(super) fn chain(&self) -> &'a Chain {
        self.chain
    }

    pub(super) fn db(&self) -> &'a DevDb {
        self.db
    }

    pub fn balance(&self, address: Address) -> U256 {
        self.db
            .basic_ref(address)
            .ok()
            .flatten()
            .map(|a| a.balance)
            .unwrap_or_default()
    }

    pub fn nonce(&self, address: Address) -> u64 {
        self.db
            .basic_ref(address)
            .ok()
            .flatten()
            .map(|a| a.nonce)
            .unwrap_or_default()
    }

    pub fn code(&self, address: Address) -> Bytes {
        let Some(info) = self.db.basic_ref(address).ok().flatten() else {
            return Bytes::new();
        };
        match info.code {
            Some(code) => code.original_bytes(),
            None => self
                .db
                .code_by_hash_ref(info.code_hash)
                .map(|c| c.original_bytes())
                .unwrap_or_default(),
        }
    }

    pub fn storage(&self, address: Address, slot: U256) -> U256 {
        self.db.storage_ref(address, slot).unwrap_or_default()
    }

    /// The block a call on this state runs in: the next block for the latest state (its
    /// timestamp as the next block would get it), the block that followed for an older one.
    pub(super) fn block_env(&self) -> BlockEnv {
        let c = self.chain;
        if self.number == c.block_number() {
            return c.block_env(c.peek_timestamp());
        }
        let next = self.number + 1;
        let timestamp = c.block(next).map_or(0, |b| b.timestamp);
        c.block_env_at(next, timestamp)
    }

    /// `eth_call` on this state, with overrides; the changes are thrown away.
    pub fn call_with(
        &self,
        tx: TxRequest,
        overrides: &StateOverrides,
    ) -> Result<CallResult, ChainError> {
        let mut db = self.db.clone();
        overrides.apply(&mut db);
        self.chain.call_on(db, tx, self.block_env())
    }

    /// The least gas limit with which `tx` succeeds on this state: one run with the most
    /// gas allowed, then the gas it used, then a binary search in between (Stylus and the
    /// 63/64 rule make "gas used" too little for calls that forward gas).
    pub fn estimate_gas(
        &self,
        tx: TxRequest,
        overrides: &StateOverrides,
    ) -> Result<Estimate, ChainError> {
        let mut db = self.db.clone();
        overrides.apply(&mut db);
        let cap = tx.gas_limit.unwrap_or(TX_GAS_LIMIT).min(TX_GAS_LIMIT);
        let block_env = self.block_env();
        let run = |gas: u64| {
            self.chain
                .call_on(db.clone(), tx.clone().gas(gas), block_env.clone())
        };
        let first = run(cap)?;
        if first.status != Status::Success {
            return Ok(Estimate::Failed(first));
        }
        let (mut lo, mut hi) = (first.gas_used.saturating_sub(1), cap);
        if run(first.gas_used)?.status == Status::Success {
            return Ok(Estimate::Gas(first.gas_used));
        }
        lo = lo.max(first.gas_used);
        // geth stops when the interval is within 1.5 % of the answer.
        while hi - lo > 1 && (hi - lo) * 1000 > hi * 15 {
            let mid = lo + (hi - lo) / 2;
            if run(mid)?.status == Status::Success {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Ok(Estimate::Gas(hi))
    }
}
