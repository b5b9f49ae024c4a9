//! ArbWasmCache (0x72): the program cache (nitro `precompiles/ArbWasmCache.go` and
//! `SetProgramCached` in `arbos/programs/programs.go`). A cached program starts for the
//! cached init gas alone (`Program::call_gas`); cache managers and chain owners flip the
//! flag, anyone else's write reverts with all its gas burned (nitro's `BurnOut`).

use alloy_sol_types::SolCall;
use revm::context::{Block, ContextTr, JournalTr};
use revm::interpreter::CallInputs;
use revm::primitives::B256;

use super::access::{self, CODE_HASH_GAS};
use super::{decode, Reply, ARB_WASM_CACHE, STORAGE_READ_GAS, STORAGE_WRITE_GAS};
use crate::abi::ArbWasmCache::*;
use crate::arbos::address_set::{CACHE_MANAGERS, CHAIN_OWNERS};
use crate::arbos::params::STYLUS_VERSION;
use crate::arbos::programs;
use crate::evm::DevContext;

/// nitro's copy gas for one 32-byte word of arguments or returned error data.
const COPY_WORD_GAS: u64 = 3;

pub fn call(ctx: &mut DevContext, inputs: &CallInputs, input: &[u8]) -> Reply {
    let Some(selector) = input.get(..4) else {
        return Reply::unknown_selector();
    };
    let r = STORAGE_READ_GAS;
    let reply = match <[u8; 4]>::try_from(selector).unwrap_or_default() {
        isCacheManagerCall::SELECTOR => decode::<isCacheManagerCall>(input)
            .map(|c| Reply::ok(CACHE_MANAGERS.is_member(ctx, c.manager), r)),
        allCacheManagersCall::SELECTOR => {
            let all = CACHE_MANAGERS.members(ctx);
            let gas = r.saturating_mul(1 + all.len() as u64);
            Ok(Reply::ok(all, gas))
        }
        codehashIsCachedCall::SELECTOR => decode::<codehashIsCachedCall>(input).map(|c| {
            let cached = programs::load(ctx, c.codehash).is_some_and(|p| p.cached);
            Reply::ok(cached, r)
        }),
        cacheProgramCall::SELECTOR => decode::<cacheProgramCall>(input).map(|c| {
            let codehash = ctx
                .journal_mut()
                .code_hash(c.addr)
                .map(|h| h.data)
                .unwrap_or_default();
            set_cached(ctx, inputs, codehash, true, COPY_WORD_GAS + CODE_HASH_GAS)
        }),
        evictCodehashCall::SELECTOR => decode::<evictCodehashCall>(input)
            .map(|c| set_cached(ctx, inputs, c.codehash, false, COPY_WORD_GAS)),
        _ => Ok(Reply::unknown_selector()),
    };
    reply.unwrap_or_else(|e| e)
}

/// nitro's `hasAccess`: a cache manager, else a chain owner; the reads it made.
fn has_access(ctx: &mut DevContext, caller: revm::primitives::Address) -> (bool, u64) {
    if CACHE_MANAGERS.is_member(ctx, caller) {
        return (true, STORAGE_READ_GAS);
    }
    (CHAIN_OWNERS.is_member(ctx, caller), 2 * STORAGE_READ_GAS)
}

/// nitro's `SetProgramCached`: caching needs a record at the current Stylus version that
/// has not expired (a never-activated codehash reads as version 0); setting the flag it
/// already has changes nothing and emits nothing; a flip emits `UpdateProgramCache`,
/// burns the program's raw `initCost` ("pay to cache the program, or to re-cache in case
/// of upcoming revert") and rewrites the record. `gas` is what the method spent before.
fn set_cached(
    ctx: &mut DevContext,
    inputs: &CallInputs,
    codehash: B256,
    cache: bool,
    mut gas: u64,
) -> Reply {
    if let Some(refused) = access::refuse_write(inputs) {
        return refused;
    }
    let (allowed, reads) = has_access(ctx, inputs.caller);
    if !allowed {
        return Reply::burn_out(inputs);
    }
    // The access reads, the Stylus params and the program record.
    gas = gas.saturating_add(reads + 2 * STORAGE_READ_GAS);
    let mut program = programs::load(ctx, codehash).unwrap_or_default();
    let now = ctx.block().timestamp().saturating_to::<u64>();
    if cache && program.version != STYLUS_VERSION {
        let error = ProgramNeedsUpgrade {
            version: program.version,
            stylusVersion: STYLUS_VERSION,
        };
        return Reply::revert(error, gas.saturating_add(error_copy_gas(68)));
    }
    if cache && program.expired(now) {
        let error = ProgramExpired {
            ageInSeconds: program.age(now),
        };
        return Reply::revert(error, gas.saturating_add(error_copy_gas(36)));
    }
    if program.cached == cache {
        return Reply::raw(Vec::new(), gas);
    }
    let event = UpdateProgramCache {
        manager: inputs.caller,
        codehash,
        cached: cache,
    };
    gas = gas.saturating_add(access::event_gas(&event));
    access::emit(ctx, ARB_WASM_CACHE, &event);
    // The init cost, the module hash read and the record write.
    gas = gas
        .saturating_add(program.init_cost as u64)
        .saturating_add(STORAGE_READ_GAS + STORAGE_WRITE_GAS);
    program.cached = cache;
    programs::store_record(ctx, codehash, &program);
    Reply::raw(Vec::new(), gas)
}

/// nitro charges the copy of a Solidity error's data before reverting with it.
fn error_copy_gas(bytes: u64) -> u64 {
    COPY_WORD_GAS * bytes.div_ceil(32)
}
