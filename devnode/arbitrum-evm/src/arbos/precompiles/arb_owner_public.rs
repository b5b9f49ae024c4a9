//! ArbOwnerPublic (0x6b): chain configuration anyone may read, the chain owners among it
//! (nitro `precompiles/ArbOwnerPublic.go`).

use alloy_sol_types::SolCall;

use super::{decode, Reply, NETWORK_FEE_ACCOUNT, STORAGE_READ_GAS};
use crate::abi::ArbOwnerPublic::*;
use crate::arbos::address_set::CHAIN_OWNERS;
use crate::evm::DevContext;

pub fn call(ctx: &mut DevContext, input: &[u8]) -> Reply {
    let Some(selector) = input.get(..4) else {
        return Reply::unknown_selector();
    };
    match <[u8; 4]>::try_from(selector).unwrap_or_default() {
        // Fragmented programs arrive with ArbOS 60; at ArbOS 50 the limit reads as zero.
        getMaxStylusContractFragmentsCall::SELECTOR => Reply::ok(revm::primitives::U256::ZERO, 0),
        getNetworkFeeAccountCall::SELECTOR | getInfraFeeAccountCall::SELECTOR => {
            Reply::ok(NETWORK_FEE_ACCOUNT, 0)
        }
        getAllChainOwnersCall::SELECTOR => {
            let all = CHAIN_OWNERS.members(ctx);
            let gas = STORAGE_READ_GAS.saturating_mul(1 + all.len() as u64);
            Reply::ok(all, gas)
        }
        isChainOwnerCall::SELECTOR => match decode::<isChainOwnerCall>(input) {
            Ok(c) => Reply::ok(CHAIN_OWNERS.is_member(ctx, c.addr), STORAGE_READ_GAS),
            Err(r) => r,
        },
        _ => Reply::unknown_selector(),
    }
}
