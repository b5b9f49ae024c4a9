//! ArbOwnerPublic (0x6b): read-only chain configuration that tools query (nitro
//! `precompiles/ArbOwnerPublic.go`). The devnode has no chain owners.

use alloy_sol_types::SolCall;
use revm::primitives::{Address, U256};

use super::{ok, Method, NETWORK_FEE_ACCOUNT};
use crate::abi::ArbOwnerPublic::*;

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
        // the owners set's size (zero, so no member is read)
        getAllChainOwnersCall::SELECTOR => |c| {
            c.meter.read()?;
            ok(Vec::<Address>::new())
        },
        // the owners set's entry for the address
        isChainOwnerCall::SELECTOR => |c| {
            c.args::<isChainOwnerCall>()?;
            c.meter.read()?;
            ok(false)
        },
        _ => return None,
    }))
}
