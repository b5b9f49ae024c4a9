//! ArbDebug (0xff): nitro serves it on debug chains only (`DebugPrecompile` in
//! `precompiles/wrapper.go`), and nitro's --dev chain is one; nitro-devnode's setup calls
//! `becomeChainOwner()` from the dev account. The devnode serves that one method, so the
//! same script (or an anvil account) can make itself an owner.

use alloy_sol_types::SolCall;
use revm::interpreter::CallInputs;

use super::{access, Reply, STORAGE_READ_GAS, STORAGE_WRITE_GAS};
use crate::abi::ArbDebug::becomeChainOwnerCall;
use crate::arbos::address_set::CHAIN_OWNERS;
use crate::evm::DevContext;

pub fn call(ctx: &mut DevContext, inputs: &CallInputs, input: &[u8]) -> Reply {
    if input.get(..4) != Some(&becomeChainOwnerCall::SELECTOR[..]) {
        return Reply::unknown_selector();
    }
    if let Some(refused) = access::refuse_write(inputs) {
        return refused;
    }
    // nitro's `AddressSet.Add`: the membership read, then (for a newcomer) the size read
    // and three writes (the index, the member, the size).
    let gas = if CHAIN_OWNERS.add(ctx, inputs.caller) {
        2 * STORAGE_READ_GAS + 3 * STORAGE_WRITE_GAS
    } else {
        STORAGE_READ_GAS
    };
    Reply::raw(Vec::new(), gas)
}
