//! ArbWasmCache (0x72): the read side. The devnode has no cache managers, so no program
//! is ever cached and every call pays the non-cached init gas, as on a fresh chain.

use alloy_sol_types::SolCall;
use revm::primitives::Address;

use super::{decode, Reply, STORAGE_READ_GAS};
use crate::abi::ArbWasmCache::*;
use crate::arbos::programs;
use crate::evm::DevContext;

pub fn call(ctx: &mut DevContext, input: &[u8]) -> Reply {
    let Some(selector) = input.get(..4) else {
        return Reply::unknown_selector();
    };
    match <[u8; 4]>::try_from(selector).unwrap_or_default() {
        isCacheManagerCall::SELECTOR => Reply::ok(false, STORAGE_READ_GAS),
        allCacheManagersCall::SELECTOR => Reply::ok(Vec::<Address>::new(), STORAGE_READ_GAS),
        codehashIsCachedCall::SELECTOR => match decode::<codehashIsCachedCall>(input) {
            Ok(c) => {
                let cached = programs::load(ctx, c.codehash).is_some_and(|p| p.cached);
                Reply::ok(cached, STORAGE_READ_GAS)
            }
            Err(r) => r,
        },
        _ => Reply::unknown_selector(),
    }
}
