//! ArbOwnerPublic (0x6b): chain configuration anyone may read, the chain owners among it
//! (nitro `precompiles/ArbOwnerPublic.go`).

use alloy_sol_types::SolCall;
use revm::primitives::U256;

use super::{ok, Method, NETWORK_FEE_ACCOUNT};
use crate::abi::ArbOwnerPublic::*;
use crate::arbos::address_set::CHAIN_OWNERS;

pub(super) fn method(selector: [u8; 4]) -> Option<Method> {
    Some(Method::view(match selector {
        // Fragmented programs arrive with ArbOS 60, where this is one parameter word; at
        // ArbOS 50 nitro does not serve it yet, here it reads as zero for tools built for 60.
        getMaxStylusContractFragmentsCall::SELECTOR => |c| {
            c.meter.read()?;
            ok(U256::ZERO)
        },
        getNetworkFeeAccountCall::SELECTOR | getInfraFeeAccountCall::SELECTOR => |c| {
            c.meter.read()?;
            ok(NETWORK_FEE_ACCOUNT)
        },
        // `AllMembers`: the owners set's size, then each member
        getAllChainOwnersCall::SELECTOR => |c| ok(CHAIN_OWNERS.members(c.ctx, c.meter)?),
        // `IsMember`: the owners set's entry for the address
        isChainOwnerCall::SELECTOR => |c| {
            let addr = c.args::<isChainOwnerCall>()?.addr;
            ok(CHAIN_OWNERS.is_member(c.ctx, c.meter, addr)?)
        },
        _ => return None,
    }))
}
