//! ArbOwner (0x70): the chain owners' precompile, as far as owners and wasm cache
//! managers go (nitro `precompiles/ArbOwner.go` behind the `OwnerPrecompile` wrapper of
//! `precompiles/wrapper.go`).
//!
//! The wrapper's rules ([`owner_only`]): it opens the ArbOS state and reads the caller's
//! ownership on its own meter; a caller who is not a chain owner gets a plain error, which
//! the EVM turns into a failure using all the call's gas. An owner's call runs as any
//! precompile call and then costs no gas whatever it did ("we don't want to charge the
//! owner"): a failing one reverts, a successful one outside a static call emits
//! `OwnerActs(selector, caller, calldata)`.

use alloy_sol_types::{SolCall, SolEvent};
use revm::context::{ContextTr, JournalTr};
use revm::primitives::{Address, Log};

use super::{burn_out, ok, Burner, Call, End, Failure, Method, Outcome, ARB_OWNER};
use crate::abi::ArbOwner::*;
use crate::arbos::address_set::{AddressSet, CACHE_MANAGERS, CHAIN_OWNERS};

/// nitro's `OwnerPrecompile.Call` around `inner` (the precompile's own `Call`). nitro's
/// refusal of a non-owner is a plain error, which geth turns into a failure using all gas;
/// here it is a revert without data using all gas, the same to a calling contract and a
/// receipt (a top-level `eth_call` reads "execution reverted" rather than nitro's text).
pub(super) fn owner_only(call: &mut Call<'_>, inner: fn(&mut Call<'_>) -> End) -> End {
    // `OpenArbosState`: the version read; running out here is makeContext's halt.
    if call.meter.read().is_err() {
        return End::Halt;
    }
    let caller = call.inputs.caller;
    if CHAIN_OWNERS.is_member(call.ctx, call.meter, caller) != Ok(true) {
        tracing::debug!(%caller, "unauthorized caller to access-controlled method");
        return burn_out(call.meter);
    }
    let supplied = call.inputs.gas_limit;
    let end = inner(&mut Call {
        ctx: call.ctx,
        meter: &mut Burner::new(supplied),
        inputs: call.inputs,
        input: call.input,
        runtime: call.runtime,
    });
    // The wrapper returns all the gas supplied, whatever the call used.
    *call.meter = Burner::new(supplied);
    if matches!(end, End::Return(_)) && !call.inputs.is_static {
        let event = OwnerActs {
            // a method was found, so the input holds its selector
            method: call
                .input
                .get(..4)
                .and_then(|s| s.try_into().ok())
                .unwrap_or_default(),
            owner: caller,
            data: call.input.to_vec().into(),
        };
        call.ctx.journal_mut().log(Log {
            address: ARB_OWNER,
            data: event.encode_log_data(),
        });
    }
    end
}

pub(super) fn method(selector: [u8; 4]) -> Option<Method> {
    Some(match selector {
        isChainOwnerCall::SELECTOR => Method::view(|c| {
            let addr = c.args::<isChainOwnerCall>()?.addr;
            ok(CHAIN_OWNERS.is_member(c.ctx, c.meter, addr)?)
        }),
        getAllChainOwnersCall::SELECTOR => {
            Method::view(|c| ok(CHAIN_OWNERS.members(c.ctx, c.meter)?))
        }
        addChainOwnerCall::SELECTOR => Method::write(|c| {
            let who = c.args::<addChainOwnerCall>()?.newOwner;
            add(c, CHAIN_OWNERS, who)
        }),
        removeChainOwnerCall::SELECTOR => Method::write(|c| {
            let who = c.args::<removeChainOwnerCall>()?.ownerToRemove;
            remove(c, CHAIN_OWNERS, who, "tried to remove non-owner")
        }),
        addWasmCacheManagerCall::SELECTOR => Method::write(|c| {
            let who = c.args::<addWasmCacheManagerCall>()?.manager;
            add(c, CACHE_MANAGERS, who)
        }),
        removeWasmCacheManagerCall::SELECTOR => Method::write(|c| {
            let who = c.args::<removeWasmCacheManagerCall>()?.manager;
            remove(c, CACHE_MANAGERS, who, "tried to remove non-manager")
        }),
        _ => return None,
    })
}

/// nitro's `AddressSet.Add`; adding a member changes nothing and is no error. (The
/// `ChainOwnerAdded` event arrives with ArbOS 60.)
fn add(c: &mut Call<'_>, set: AddressSet, who: Address) -> Outcome {
    set.add(c.ctx, c.meter, who)?;
    Ok(Vec::new())
}

/// The membership check nitro's `RemoveChainOwner`/`RemoveWasmCacheManager` make, then
/// `AddressSet.Remove`. A non-member is a plain Go error: a revert without data.
fn remove(c: &mut Call<'_>, set: AddressSet, who: Address, why: &'static str) -> Outcome {
    if !set.is_member(c.ctx, c.meter, who)? {
        tracing::debug!(%who, "ArbOwner: {why}");
        return Err(Failure::Revert);
    }
    set.remove(c.ctx, c.meter, who)?;
    Ok(Vec::new())
}
