//! ArbDebug (0xff): nitro serves it on debug chains only (`DebugPrecompile` in
//! `precompiles/wrapper.go`), and nitro's --dev chain is one; nitro-devnode's setup calls
//! `becomeChainOwner()` from the dev account. The devnode serves that one method, so the
//! same script (or an anvil account) can make itself an owner.

use alloy_sol_types::SolCall;

use super::Method;
use crate::abi::ArbDebug::becomeChainOwnerCall;
use crate::arbos::address_set::CHAIN_OWNERS;

pub(super) fn method(selector: [u8; 4]) -> Option<Method> {
    match selector {
        // nitro `ArbDebug.go` `BecomeChainOwner`: `ChainOwners().Add(caller)`.
        becomeChainOwnerCall::SELECTOR => Some(Method::write(|c| {
            CHAIN_OWNERS.add(c.ctx, c.meter, c.inputs.caller)?;
            Ok(Vec::new())
        })),
        _ => None,
    }
}
