//! ArbOwnerPublic (0x6b): read-only chain configuration that tools query.

use alloy_sol_types::SolCall;
use revm::primitives::Address;

use super::{Reply, NETWORK_FEE_ACCOUNT};
use crate::abi::ArbOwnerPublic::*;

pub fn call(input: &[u8]) -> Reply {
    let Some(selector) = input.get(..4) else {
        return Reply::unknown_selector();
    };
    match <[u8; 4]>::try_from(selector).unwrap_or_default() {
        // Fragmented programs arrive with ArbOS 60; at ArbOS 50 the limit reads as zero.
        getMaxStylusContractFragmentsCall::SELECTOR => Reply::ok(revm::primitives::U256::ZERO, 0),
        getNetworkFeeAccountCall::SELECTOR | getInfraFeeAccountCall::SELECTOR => {
            Reply::ok(NETWORK_FEE_ACCOUNT, 0)
        }
        getAllChainOwnersCall::SELECTOR => Reply::ok(Vec::<Address>::new(), 0),
        isChainOwnerCall::SELECTOR => Reply::ok(false, 0),
        _ => Reply::unknown_selector(),
    }
}
