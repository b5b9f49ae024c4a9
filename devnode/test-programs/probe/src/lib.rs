//! # Probe
//!
//! A devnode test program: one real Stylus program, built by the contracts' packager with
//! the contracts' flags, that reaches every host facility the devnode must get right —
//! storage and the storage cache, calls (plain, with value, static) and their revert data,
//! re-entry, logs, CREATE/CREATE2, ETH transfers, the block/tx/msg values, ink metering and
//! memory growth. Each method does one thing, so a failing devnode test names the facility.
//!
//! It is built with the SDK's `reentrant` feature: the tests re-enter it (a callee calls
//! back into it), which a default SDK program refuses (see the `guarded` program).
//!
//! Failed calls and deployments revert with the callee's revert data byte for byte (the
//! methods return `Result<_, Vec<u8>>`, whose `Err` the SDK writes out unchanged), so tests
//! can compare revert data across a Stylus frame.
// `no_std` for the deployable wasm only (as small as the contracts). Native builds (clippy,
// the ABI export) keep `std` for its allocator and panic handler: unlike the contracts,
// these crates have no std-using dependency (such as motsu) that would provide them.
#![cfg_attr(target_arch = "wasm32", no_std)]
// Calls carrying value use SDK 0.9's deprecated free functions: the non-deprecated
// `self.vm().call(&Call::new_in(self).value(v), ..)` cannot compile, since the context
// borrows `self` mutably while `vm()` borrows it too. Both paths clear the host's storage
// cache (`storage_flush_cache(true)`) and then `call_contract`, so the host sees the same.
#![allow(deprecated)]
extern crate alloc;

use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{
    abi::Bytes,
    call::{self, Call},
    prelude::*,
    storage::{StorageMap, StorageU256},
    stylus_core::{deploy::CachePolicy, log},
};

pub use sol::*;
mod sol {
    alloy_sol_types::sol! {
        /// Emitted by `ping`: a typed event through the SDK's `log`.
        #[derive(Debug)]
        event Ping(address indexed from, uint256 value);
    }
}

/// topic0 of the raw log `emitLogs` writes: `keccak256("Probe(bytes32)")`.
pub const PROBE_TOPIC: B256 = B256::new(
    stylus_sdk::keccak_const::Keccak256::new()
        .update(b"Probe(bytes32)")
        .finalize(),
);

/// Bytes hashed per `burn` iteration: a few keccak blocks' worth, so each round costs
/// both the hostio and real memory traffic.
const BURN_BUFFER: usize = 256;

/// One wasm page: `grow` allocates this many bytes per requested page.
const PAGE: usize = 65_536;

#[storage]
#[entrypoint]
pub struct Probe {
    /// Slot 0. The value of `key` lives in slot `keccak256(abi.encode(key, 0))` — the
    /// Solidity mapping layout — so tests can also read it with `eth_getStorageAt`.
    values: StorageMap<U256, StorageU256>,
}

#[public]
impl Probe {
    /// Stores `value` under `key` (goes through the host's storage cache).
    pub fn set(&mut self, key: U256, value: U256) {
        self.values.setter(key).set(value);
    }

    /// The value stored under `key`.
    pub fn get(&self, key: U256) -> U256 {
        self.values.get(key)
    }

    /// Stores `value` under `key`, then calls `target` with `data` and returns its output.
    ///
    /// The SDK flushes (and clears) the storage cache before the call, so a callee that
    /// calls back into `get(key)` must see `value`: this is how tests prove the flush.
    /// A revert of the callee is re-raised with its exact revert data.
    pub fn set_then_call(
        &mut self,
        key: U256,
        value: U256,
        target: Address,
        data: Bytes,
    ) -> Result<Bytes, Vec<u8>> {
        self.values.setter(key).set(value);
        let out = self.vm().call(&self, target, &data)?;
        Ok(out.into())
    }

    /// Calls `target` with `data`, passing on `msg.value`; reverts with the callee's
    /// revert data unchanged.
    #[payable]
    pub fn forward(&mut self, target: Address, data: Bytes) -> Result<Bytes, Vec<u8>> {
        let value = self.vm().msg_value();
        let out = call::call(Call::new_in(self).value(value), target, &data)?;
        Ok(out.into())
    }

    /// Static-calls `target` with `data`; reverts with the callee's revert data unchanged.
    pub fn forward_static(&self, target: Address, data: Bytes) -> Result<Bytes, Vec<u8>> {
        let out = self.vm().static_call(&self, target, &data)?;
        Ok(out.into())
    }

    /// The `msg_reentrant` host value: whether this program is already on the call stack.
    pub fn is_reentrant(&self) -> bool {
        self.vm().msg_reentrant()
    }

    /// A raw log with topics `[keccak256("Probe(bytes32)"), topic1]` and `data` as is.
    pub fn emit_logs(&mut self, topic1: B256, data: Bytes) -> Result<(), Vec<u8>> {
        self.vm()
            .raw_log(&[PROBE_TOPIC, topic1], &data)
            .map_err(|e| e.as_bytes().to_vec())
    }

    /// Emits `Ping(msg.sender, value)`.
    pub fn ping(&mut self, value: U256) {
        let from = self.vm().msg_sender();
        log(self.vm(), Ping { from, value });
    }

    /// CREATE with `initcode`, endowed with `msg.value`; reverts with the init code's
    /// revert data (empty when the creation failed without any).
    #[payable]
    pub fn deploy1(&mut self, initcode: Bytes) -> Result<Address, Vec<u8>> {
        self.deploy(&initcode, None)
    }

    /// CREATE2 with `initcode` and `salt`, endowed with `msg.value`; like `deploy1`.
    #[payable]
    pub fn deploy2(&mut self, initcode: Bytes, salt: B256) -> Result<Address, Vec<u8>> {
        self.deploy(&initcode, Some(salt))
    }

    /// Sends `amount` wei of the program's own balance to `to` through the SDK's
    /// `transfer_eth`: a call with value, no data and all gas, after clearing the storage
    /// cache. It skips the return data, so a refusal reverts with EMPTY data (use
    /// `forward` with value and empty data to see the recipient's revert data).
    pub fn pay(&mut self, to: Address, amount: U256) -> Result<(), Vec<u8>> {
        call::transfer_eth(self, to, amount)
    }

    /// Accepts ETH sent with empty calldata.
    #[receive]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        Ok(())
    }

    /// Accepts ETH through a method call.
    #[payable]
    pub fn deposit(&mut self) {}

    /// The block, transaction and message values the host gives a program:
    /// `(msg.sender, tx.origin, msg.value, block.number, block.timestamp, chainid,
    /// block.basefee, address(this))`. Payable, so tests can check `msg.value`.
    #[payable]
    #[allow(clippy::type_complexity)] // the ABI's flat tuple is the point
    pub fn env(&self) -> (Address, Address, U256, U256, U256, U256, U256, Address) {
        let vm = self.vm();
        (
            vm.msg_sender(),
            vm.tx_origin(),
            vm.msg_value(),
            U256::from(vm.block_number()),
            U256::from(vm.block_timestamp()),
            U256::from(vm.chain_id()),
            vm.block_basefee(),
            vm.contract_address(),
        )
    }

    /// Hashes a buffer `iterations` times, feeding each digest back in, and returns the
    /// last digest (zero for no iterations). Gas grows linearly with `iterations`, for
    /// out-of-gas tests; the result lets a test check that the work really ran.
    pub fn burn(&self, iterations: U256) -> U256 {
        let mut buf = [0u8; BURN_BUFFER];
        let mut digest = B256::ZERO;
        for i in 0..iterations.saturating_to::<u64>() {
            buf[..8].copy_from_slice(&i.to_be_bytes());
            digest = self.vm().native_keccak256(&buf);
            buf[8..40].copy_from_slice(digest.as_slice());
        }
        digest.into()
    }

    /// Allocates (and zeroes) `pages * 65536` bytes, forcing the allocator to
    /// `memory.grow` — what Nitro charges through `pay_for_memory_grow`. Reverts with
    /// empty data if the size does not fit in memory's address space.
    pub fn grow(&self, pages: U256) -> Result<(), Vec<u8>> {
        let bytes = usize::try_from(pages)
            .ok()
            .and_then(|p| p.checked_mul(PAGE))
            .ok_or_else(Vec::new)?;
        // black_box: an allocation nobody reads would otherwise be optimised away.
        core::hint::black_box(vec![0u8; bytes]);
        Ok(())
    }
}

impl Probe {
    /// CREATE (no salt) or CREATE2 with `msg.value` as the endowment. The cache is
    /// cleared first because the init code may call back into this program.
    fn deploy(&mut self, initcode: &[u8], salt: Option<B256>) -> Result<Address, Vec<u8>> {
        let endowment = self.vm().msg_value();
        // SAFETY: no storage reference is held across the deployment, and the cache is
        // flushed and cleared before it, so a re-entrant init code sees current storage.
        unsafe {
            self.vm()
                .deploy(initcode, endowment, salt, CachePolicy::Clear)
        }
    }
}
