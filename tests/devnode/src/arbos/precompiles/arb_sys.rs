//! ArbSys (0x64): the chain's identity and L2 block number.

use alloy_sol_types::{sol, SolCall};
use revm::context::ContextTr;
use revm::primitives::U256;

use super::{Reply, STORAGE_READ_GAS};
use crate::arbos::params::ARBOS_VERSION;
use crate::evm::DevContext;

sol! {
    function arbBlockNumber() external view returns (uint256);
    function arbChainID() external view returns (uint256);
    function arbOSVersion() external view returns (uint256);
    function getStorageGasAvailable() external view returns (uint256);
    function isTopLevelCall() external view returns (bool);
    function wasMyCallersAddressAliased() external view returns (bool);
}

pub fn call(ctx: &mut DevContext, input: &[u8]) -> Reply {
    let Some(selector) = input.get(..4) else {
        return Reply::unknown_selector();
    };
    match <[u8; 4]>::try_from(selector).unwrap_or_default() {
        arbBlockNumberCall::SELECTOR => Reply::ok(ctx.block().number, 0),
        arbChainIDCall::SELECTOR => Reply::ok(U256::from(ctx.cfg().chain_id), 0),
        // nitro reports 55 + the ArbOS version (a historical offset kept for compatibility).
        arbOSVersionCall::SELECTOR => Reply::ok(U256::from(55 + ARBOS_VERSION), STORAGE_READ_GAS),
        getStorageGasAvailableCall::SELECTOR => Reply::ok(U256::ZERO, 0),
        isTopLevelCallCall::SELECTOR => Reply::ok(true, 0),
        wasMyCallersAddressAliasedCall::SELECTOR => Reply::ok(false, 0),
        _ => Reply::unknown_selector(),
    }
}
