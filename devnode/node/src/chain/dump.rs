//! The chain as a serialisable value, for the node's `--state` file: accounts (balance,
//! nonce, code, storage), blocks, receipts and the clock. Stylus program records live in
//! ArbWasm's storage, so they come back with it; compiled modules are rebuilt lazily.
//! Snapshots (`evm_snapshot`) are not kept: they do not survive a restart in anvil either.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use revm::primitives::{Address, Bytes, U256};
use revm::state::{AccountInfo, Bytecode};

use super::{Block, Chain, ChainConfig, Receipt};
use crate::stylus::runtime::StylusRuntime;

/// Bumped when the layout changes incompatibly. 2: a halted receipt's status is revm's
/// typed `HaltReason` (version 1 wrote it as text).
pub const VERSION: u32 = 2;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ChainDump {
    pub version: u32,
    pub chain_id: u64,
    pub base_fee: u64,
    pub genesis_time: u64,
    pub time_offset: u64,
    pub next_timestamp: Option<u64>,
    pub accounts: BTreeMap<Address, AccountDump>,
    pub blocks: Vec<Block>,
    pub receipts: Vec<Receipt>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct AccountDump {
    pub balance: U256,
    pub nonce: u64,
    #[serde(default, skip_serializing_if = "<[u8]>::is_empty")]
    pub code: Bytes,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub storage: BTreeMap<U256, U256>,
}

#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    #[error("state file version {0} is not supported (this devnode writes version {VERSION})")]
    Version(u32),
    #[error("state file has no blocks")]
    NoBlocks,
}

impl Chain {
    pub fn dump(&self) -> ChainDump {
        let mut accounts = BTreeMap::new();
        for (address, account) in &self.db.cache.accounts {
            let info = &account.info;
            let code = info
                .code
                .clone()
                .or_else(|| self.db.cache.contracts.get(&info.code_hash).cloned())
                .map(|c| c.original_bytes())
                .unwrap_or_default();
            let storage: BTreeMap<U256, U256> = account
                .storage
                .iter()
                .filter(|(_, v)| !v.is_zero())
                .map(|(k, v)| (*k, *v))
                .collect();
            if info.is_empty() && code.is_empty() && storage.is_empty() {
                continue;
            }
            accounts.insert(
                *address,
                AccountDump {
                    balance: info.balance,
                    nonce: info.nonce,
                    code,
                    storage,
                },
            );
        }
        ChainDump {
            version: VERSION,
            chain_id: self.config.chain_id,
            base_fee: self.config.base_fee,
            genesis_time: self.config.genesis_time,
            time_offset: self.time_offset,
            next_timestamp: self.next_timestamp,
            accounts,
            blocks: self.blocks.clone(),
            receipts: self.receipts.values().cloned().collect(),
        }
    }

    /// A chain in the state `dump` describes (its chain id, base fee and genesis).
    pub fn from_dump(dump: ChainDump) -> Result<Chain, DumpError> {
        if dump.version != VERSION {
            return Err(DumpError::Version(dump.version));
        }
        if dump.blocks.is_empty() {
            return Err(DumpError::NoBlocks);
        }
        let config = ChainConfig {
            chain_id: dump.chain_id,
            accounts: Vec::new(),
            base_fee: dump.base_fee,
            genesis_time: dump.genesis_time,
            history: super::DEFAULT_HISTORY,
        };
        let mut db = crate::evm::DevDb::default();
        for (address, a) in dump.accounts {
            let mut info = AccountInfo {
                balance: a.balance,
                nonce: a.nonce,
                ..Default::default()
            };
            if !a.code.is_empty() {
                let code = Bytecode::new_raw_checked(a.code.clone())
                    .unwrap_or_else(|_| Bytecode::new_legacy(a.code));
                info = info.with_code(code);
            }
            db.insert_account_info(address, info);
            for (k, v) in a.storage {
                // Infallible: the backing database is empty.
                let _ = db.insert_account_storage(address, k, v);
            }
        }
        for b in &dump.blocks {
            db.cache.block_hashes.insert(U256::from(b.number), b.hash);
        }
        let receipts: HashMap<_, _> = dump.receipts.into_iter().map(|r| (r.tx_hash, r)).collect();
        let mut history = super::history::History::new(config.history);
        history.record(dump.blocks.last().map_or(0, |b| b.number), &db);
        Ok(Chain {
            config,
            db,
            history,
            runtime: Arc::new(StylusRuntime::new()),
            executor: Arc::default(),
            blocks: dump.blocks,
            receipts,
            time_offset: dump.time_offset,
            next_timestamp: dump.next_timestamp,
            snapshots: Vec::new(),
        })
    }
}
