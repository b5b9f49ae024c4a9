//! ArbWasmCache (0x72): the program cache (nitro `precompiles/ArbWasmCache.go` and
//! `SetProgramCached` in `arbos/programs/programs.go`). A cached program starts for the
//! cached init gas alone (`Program::call_gas`); cache managers and chain owners flip the
//! flag, anyone else's write reverts using all its gas (nitro's `BurnOut`).

use alloy_sol_types::{SolCall, SolEvent};
use revm::context::{Block, ContextTr, JournalTr};
use revm::primitives::{Log, B256};

use super::{ok, Call, Failure, Method, Outcome, ARB_WASM_CACHE};
use crate::abi::ArbWasmCache::*;
use crate::arbos::address_set::{CACHE_MANAGERS, CHAIN_OWNERS};
use crate::arbos::params::STYLUS_VERSION;
use crate::arbos::programs;

pub(super) fn method(selector: [u8; 4]) -> Option<Method> {
    Some(match selector {
        // `IsMember`: the managers set's entry for the address
        isCacheManagerCall::SELECTOR => Method::view(|c| {
            let manager = c.args::<isCacheManagerCall>()?.manager;
            ok(CACHE_MANAGERS.is_member(c.ctx, c.meter, manager)?)
        }),
        // `AllMembers`: the managers set's size, then each member
        allCacheManagersCall::SELECTOR => {
            Method::view(|c| ok(CACHE_MANAGERS.members(c.ctx, c.meter)?))
        }
        // the program's record
        codehashIsCachedCall::SELECTOR => Method::view(|c| {
            let codehash = c.args::<codehashIsCachedCall>()?.codehash;
            c.meter.read()?;
            ok(programs::load(c.ctx, codehash).is_some_and(|p| p.cached))
        }),
        // the program's codehash through ArbOS (`GetCodeHash`), then the flag set
        cacheProgramCall::SELECTOR => Method::write(|c| {
            let program = c.args::<cacheProgramCall>()?.addr;
            c.meter.code_hash()?;
            let codehash = c
                .ctx
                .journal_mut()
                .code_hash(program)
                .map(|h| h.data)
                .unwrap_or_default();
            set_cached(c, codehash, true)
        }),
        evictCodehashCall::SELECTOR => Method::write(|c| {
            let codehash = c.args::<evictCodehashCall>()?.codehash;
            set_cached(c, codehash, false)
        }),
        _ => return None,
    })
}

/// nitro's `hasAccess`: a cache manager (one read), else a chain owner (a second read).
/// A read that runs out of gas counts as no access, as in nitro.
fn has_access(c: &mut Call<'_>) -> bool {
    let caller = c.inputs.caller;
    match CACHE_MANAGERS.is_member(c.ctx, c.meter, caller) {
        Ok(true) => true,
        Ok(false) => CHAIN_OWNERS.is_member(c.ctx, c.meter, caller) == Ok(true),
        Err(_) => false,
    }
}

/// nitro's `setProgramCached` and `SetProgramCached`: access, the Stylus parameters and
/// the program record; caching needs a record at the current Stylus version (a
/// never-activated codehash reads as version 0) that has not expired; setting the flag it
/// already has changes nothing and emits nothing; a flip emits `UpdateProgramCache`, burns
/// the program's raw `initCost` ("pay to cache the program, or to re-cache in case of
/// upcoming revert"), reads the module hash and writes the record.
fn set_cached(c: &mut Call<'_>, codehash: B256, cache: bool) -> Outcome {
    if !has_access(c) {
        return Err(Failure::BurnOut);
    }
    c.meter.params()?;
    c.meter.read()?;
    let mut program = programs::load(c.ctx, codehash).unwrap_or_default();
    let now = c.ctx.block().timestamp().saturating_to::<u64>();
    if cache && program.version != STYLUS_VERSION {
        return Err(Failure::error(ProgramNeedsUpgrade {
            version: program.version,
            stylusVersion: STYLUS_VERSION,
        }));
    }
    if cache && program.expired(now) {
        return Err(Failure::error(ProgramExpired {
            ageInSeconds: program.age(now),
        }));
    }
    if program.cached == cache {
        return Ok(Vec::new());
    }
    let event = UpdateProgramCache {
        manager: c.inputs.caller,
        codehash,
        cached: cache,
    }
    .encode_log_data();
    c.meter.log(&event)?;
    c.ctx.journal_mut().log(Log {
        address: ARB_WASM_CACHE,
        data: event,
    });
    c.meter.burn(program.init_cost.into())?;
    c.meter.read()?;
    program.cached = cache;
    c.meter.write(program.pack())?;
    programs::store_record(c.ctx, codehash, &program);
    Ok(Vec::new())
}
