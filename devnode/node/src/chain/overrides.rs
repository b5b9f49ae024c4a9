//! `eth_call` / `eth_estimateGas` state overrides: accounts changed on a throwaway copy of
//! the state before the call runs (geth's and anvil's `stateOverride` object).

use std::collections::HashMap;

use alloy_primitives::U64;
use revm::primitives::{Address, Bytes, B256, U256};
use revm::state::{AccountInfo, Bytecode};
use revm::DatabaseRef;

use crate::evm::DevDb;

/// Per-account overrides, keyed by address (the JSON object's shape).
pub type StateOverrides = HashMap<Address, AccountOverride>;

/// One account's overrides; absent fields keep the account's value.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountOverride {
    pub balance: Option<U256>,
    pub nonce: Option<U64>,
    pub code: Option<Bytes>,
    /// Replaces the whole storage.
    pub state: Option<HashMap<B256, B256>>,
    /// Changes these slots only.
    pub state_diff: Option<HashMap<B256, B256>>,
}

pub(super) trait ApplyOverrides {
    fn apply(&self, db: &mut DevDb);
}

impl ApplyOverrides for StateOverrides {
    fn apply(&self, db: &mut DevDb) {
        for (address, o) in self {
            let mut info: AccountInfo = db.basic_ref(*address).ok().flatten().unwrap_or_default();
            if let Some(balance) = o.balance {
                info.balance = balance;
            }
            if let Some(nonce) = o.nonce {
                info.nonce = nonce.to();
            }
            if let Some(code) = &o.code {
                let code = Bytecode::new_raw_checked(code.clone())
                    .unwrap_or_else(|_| Bytecode::new_legacy(code.clone()));
                info = info.with_code(code);
            }
            db.insert_account_info(*address, info);
            let slot = |k: &B256| U256::from_be_bytes(k.0);
            if let Some(state) = &o.state {
                let storage = state
                    .iter()
                    .map(|(k, v)| (slot(k), U256::from_be_bytes(v.0)))
                    .collect();
                // Infallible: the backing database is empty.
                let _ = db.replace_account_storage(*address, storage);
            }
            for (k, v) in o.state_diff.iter().flatten() {
                let _ = db.insert_account_storage(*address, slot(k), U256::from_be_bytes(v.0));
            }
        }
    }
}
