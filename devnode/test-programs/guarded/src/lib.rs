//! # Guarded
//!
//! A devnode test program built WITHOUT the SDK's `reentrant` feature — the SDK default,
//! and what the Labelchain contracts use. Its `user_entrypoint` then checks the
//! `msg_reentrant` host value before anything else and, if set, returns status 1 (revert)
//! with EMPTY revert data, never reaching the router. Tests prove the devnode computes the
//! flag by re-entering this program (e.g. `callBack(probe, probe.forward(guarded, ...))`)
//! and expecting that revert, while `probe` (built with `reentrant`) accepts the same.
//!
//! `isReentrant()` is therefore always false when it answers at all.
// `no_std` for the deployable wasm only (as small as the contracts). Native builds (clippy,
// the ABI export) keep `std` for its allocator and panic handler: unlike the contracts,
// these crates have no std-using dependency (such as motsu) that would provide them.
#![cfg_attr(target_arch = "wasm32", no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, U256};
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{StorageMap, StorageU256},
};

#[storage]
#[entrypoint]
pub struct Guarded {
    /// Slot 0, Solidity mapping layout: `key`'s value is in `keccak256(abi.encode(key, 0))`.
    values: StorageMap<U256, StorageU256>,
}

#[public]
impl Guarded {
    /// Stores `value` under `key`.
    pub fn set(&mut self, key: U256, value: U256) {
        self.values.setter(key).set(value);
    }

    /// The value stored under `key`.
    pub fn get(&self, key: U256) -> U256 {
        self.values.get(key)
    }

    /// The `msg_reentrant` host value; always false here, since a re-entrant call is
    /// refused by the entrypoint before it gets this far.
    pub fn is_reentrant(&self) -> bool {
        self.vm().msg_reentrant()
    }

    /// Calls `target` with `data` (no value) and returns its output; reverts with the
    /// callee's revert data unchanged. The way to make a callee re-enter this program.
    pub fn call_back(&mut self, target: Address, data: Bytes) -> Result<Bytes, Vec<u8>> {
        let out = self.vm().call(&self, target, &data)?;
        Ok(out.into())
    }
}
