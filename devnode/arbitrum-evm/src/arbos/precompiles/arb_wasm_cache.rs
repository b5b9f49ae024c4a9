//! ArbWasmCache (0x72): the read side (nitro `precompiles/ArbWasmCache.go`). The devnode
//! has no cache managers, so no program is ever cached and every call pays the
//! non-cached init gas, as on a fresh chain.

use alloy_sol_types::SolCall;
use revm::primitives::Address;

use super::{ok, Method};
use crate::abi::ArbWasmCache::*;
use crate::arbos::programs;

pub(super) fn method(selector: [u8; 4]) -> Option<Method> {
    Some(Method::view(match selector {
        // the managers set's entry for the address
        isCacheManagerCall::SELECTOR => |c| {
            c.args::<isCacheManagerCall>()?;
            c.meter.read()?;
            ok(false)
        },
        // the managers set's size (zero, so no member is read)
        allCacheManagersCall::SELECTOR => |c| {
            c.meter.read()?;
            ok(Vec::<Address>::new())
        },
        // the program's record
        codehashIsCachedCall::SELECTOR => |c| {
            let codehash = c.args::<codehashIsCachedCall>()?.codehash;
            c.meter.read()?;
            ok(programs::load(c.ctx, codehash).is_some_and(|p| p.cached))
        },
        _ => return None,
    }))
}
