//! `eth_createAccessList`: the EIP-2930 access list a transaction would benefit from, and
//! the gas it uses with that list.
//!
//! As geth's access-list tracer (`eth/tracers/logger/access_list_tracer.go`) does, the
//! list holds every account the call touched and every storage slot it read or wrote,
//! except the precompiles; the sender, the recipient and the coinbase (warm anyway, by
//! EIP-2929 and EIP-3651) appear only with the slots touched in them, and accounts the
//! call created not at all. The list comes from the state the run loaded, so it also holds
//! what Stylus programs touch through their host functions, which nitro's opcode-driven
//! tracer does not see.

use std::collections::BTreeSet;

use revm::context::transaction::{AccessList, AccessListItem};
use revm::handler::EthPrecompiles;
use revm::primitives::{hardfork::SpecId, Address, B256};
use revm::state::EvmState;

use super::overrides::ApplyOverrides;
use super::view::StateView;
use super::{status_of, CallResult, ChainError, StateOverrides, TxRequest, SEQUENCER};
use crate::arbos::precompiles::ARBITRUM_PRECOMPILES;

/// What `eth_createAccessList` answers.
#[derive(Clone, Debug)]
pub struct AccessListResult {
    pub access_list: AccessList,
    /// The call run again with `access_list`: its outcome and gas.
    pub outcome: CallResult,
}

impl StateView<'_> {
    /// Runs `tx` (as `eth_call`, changing nothing), lists what it touched, then runs it
    /// again with that list to report the gas it would use.
    pub fn create_access_list(
        &self,
        tx: TxRequest,
        overrides: &StateOverrides,
    ) -> Result<AccessListResult, ChainError> {
        let mut db = self.db().clone();
        overrides.apply(&mut db);
        let block_env = self.block_env();
        let chain = self.chain();
        let (_, state) = chain.simulate(db.clone(), tx.clone(), block_env.clone())?;
        let access_list = touched(&tx, &state);
        let (result, _) = chain.simulate(db, tx.access_list(access_list.clone()), block_env)?;
        let (status, output, _) = status_of(&result);
        Ok(AccessListResult {
            access_list,
            outcome: CallResult {
                status,
                output,
                gas_used: result.tx_gas_used(),
                logs: result.logs().to_vec(),
            },
        })
    }
}

/// The accounts and slots in `state` a list would warm usefully, in address order.
fn touched(tx: &TxRequest, state: &EvmState) -> AccessList {
    let precompiles: BTreeSet<Address> = EthPrecompiles::new(SpecId::PRAGUE)
        .warm_addresses()
        .iter()
        .copied()
        .chain(ARBITRUM_PRECOMPILES)
        .collect();
    let mut warm: BTreeSet<Address> = [tx.from, SEQUENCER].into();
    warm.extend(tx.to);
    let mut items: Vec<AccessListItem> = state
        .iter()
        // Accounts the transaction created are warm from their creation on.
        .filter(|(address, account)| !precompiles.contains(*address) && !account.is_created())
        .map(|(address, account)| {
            let keys: BTreeSet<B256> = account
                .storage
                .keys()
                .map(|k| B256::from(k.to_be_bytes::<32>()))
                .collect();
            AccessListItem {
                address: *address,
                storage_keys: keys.into_iter().collect(),
            }
        })
        .filter(|item| !warm.contains(&item.address) || !item.storage_keys.is_empty())
        .collect();
    items.sort_by_key(|item| item.address);
    AccessList(items)
}
