//! ArbOwner (0x70): the chain owners' precompile, as far as owners and wasm cache
//! managers go (nitro `precompiles/ArbOwner.go` behind the `OwnerPrecompile` wrapper of
//! `precompiles/wrapper.go`).
//!
//! The wrapper's rules: a caller who is not a chain owner gets a plain error, which the
//! EVM turns into a revert without data that consumes all the call's gas; an owner's call
//! costs no gas whatever it does ("we don't want to charge the owner"), a failing one
//! reverts without data, and a successful one outside a static context emits
//! `OwnerActs(selector, caller, calldata)`.

use alloy_sol_types::SolCall;
use revm::interpreter::CallInputs;
use revm::primitives::Address;

use super::{access, decode, Reply, ARB_OWNER};
use crate::abi::ArbOwner::*;
use crate::arbos::address_set::{AddressSet, CACHE_MANAGERS, CHAIN_OWNERS};
use crate::evm::DevContext;

/// Why an owner's call failed (nitro returns these as Go errors, which revert without data).
#[derive(Debug, thiserror::Error)]
enum OwnerError {
    #[error("tried to remove non-owner")]
    NotOwner,
    #[error("tried to remove non-manager")]
    NotManager,
    #[error("write in a static context or value sent to a non-payable method")]
    Refused,
    #[error("malformed calldata or unknown method")]
    BadCall,
}

pub fn call(ctx: &mut DevContext, inputs: &CallInputs, input: &[u8]) -> Reply {
    if !CHAIN_OWNERS.is_member(ctx, inputs.caller) {
        return Reply::burn_out(inputs);
    }
    match run(ctx, inputs, input) {
        Ok(output) => {
            if !inputs.is_static {
                let event = OwnerActs {
                    method: input[..4].try_into().unwrap_or_default(),
                    owner: inputs.caller,
                    data: input.to_vec().into(),
                };
                access::emit(ctx, ARB_OWNER, &event);
            }
            Reply::raw(output, 0)
        }
        Err(e) => {
            tracing::debug!(caller = %inputs.caller, "ArbOwner call failed: {e}");
            Reply::failed(0)
        }
    }
}

/// A write to one of the sets.
enum Change {
    Add(AddressSet, Address),
    Remove(AddressSet, Address),
}

fn bad<T>(_: T) -> OwnerError {
    OwnerError::BadCall
}

fn run(ctx: &mut DevContext, inputs: &CallInputs, input: &[u8]) -> Result<Vec<u8>, OwnerError> {
    let selector: [u8; 4] = input
        .get(..4)
        .and_then(|s| s.try_into().ok())
        .ok_or(OwnerError::BadCall)?;
    // None of these methods is payable.
    if !inputs.value.get().is_zero() {
        return Err(OwnerError::Refused);
    }
    let change = match selector {
        isChainOwnerCall::SELECTOR => {
            let c = decode::<isChainOwnerCall>(input).map_err(bad)?;
            let owner = CHAIN_OWNERS.is_member(ctx, c.addr);
            return Ok(isChainOwnerCall::abi_encode_returns(&owner));
        }
        getAllChainOwnersCall::SELECTOR => {
            let all = CHAIN_OWNERS.members(ctx);
            return Ok(getAllChainOwnersCall::abi_encode_returns(&all));
        }
        addChainOwnerCall::SELECTOR => {
            let c = decode::<addChainOwnerCall>(input).map_err(bad)?;
            Change::Add(CHAIN_OWNERS, c.newOwner)
        }
        removeChainOwnerCall::SELECTOR => {
            let c = decode::<removeChainOwnerCall>(input).map_err(bad)?;
            Change::Remove(CHAIN_OWNERS, c.ownerToRemove)
        }
        addWasmCacheManagerCall::SELECTOR => {
            let c = decode::<addWasmCacheManagerCall>(input).map_err(bad)?;
            Change::Add(CACHE_MANAGERS, c.manager)
        }
        removeWasmCacheManagerCall::SELECTOR => {
            let c = decode::<removeWasmCacheManagerCall>(input).map_err(bad)?;
            Change::Remove(CACHE_MANAGERS, c.manager)
        }
        _ => return Err(OwnerError::BadCall),
    };
    if access::refuse_write(inputs).is_some() {
        return Err(OwnerError::Refused);
    }
    match change {
        // nitro's `AddressSet.Add` of a member changes nothing and is no error.
        Change::Add(set, who) => {
            set.add(ctx, who);
        }
        Change::Remove(set, who) if !set.remove(ctx, who) => {
            return Err(if set.account() == CHAIN_OWNERS.account() {
                OwnerError::NotOwner
            } else {
                OwnerError::NotManager
            });
        }
        Change::Remove(..) => {}
    }
    Ok(Vec::new())
}
