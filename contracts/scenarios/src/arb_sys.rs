//! Arbitrum's ArbSys precompile (0x64) as a motsu contract, for the verifier's spot-check
//! draw (`arbBlockHash`). motsu routes calls by address and has no Arbitrum precompiles,
//! so [`World`](crate::World) deploys this one at ArbSys's address.
//!
//! motsu's block number is always 0, so the block-window rule cannot be exercised here
//! (the devnode's ArbSys implements it, and the e2e tests run the real program on it).
//! Instead a hash is `keccak256(abi.encode(blockNumber, seed))`: a test that moves
//! `seed` gets the "hash of a later block" without a chain, and [`MockArbSys::calls`]
//! counts the lookups.

use alloc::vec::Vec;
use alloy_primitives::{keccak256, B256, U256};
use alloy_sol_types::{SolError, SolValue};
use stylus_sdk::{
    prelude::*,
    storage::{StorageB256, StorageBool, StorageU256},
};

alloy_sol_types::sol! {
    /// ArbSys's revert for a block outside the 256 before the current one.
    #[derive(Debug)]
    error InvalidBlockNumber(uint256 requested, uint256 current);
}

#[storage]
pub struct MockArbSys {
    seed: StorageB256,
    calls: StorageU256,
    reverting: StorageBool,
}

unsafe impl TopLevelStorage for MockArbSys {}

/// The hash [`MockArbSys`] reports for `block_number` under `seed`.
pub fn mock_block_hash(block_number: U256, seed: B256) -> B256 {
    keccak256((block_number, seed).abi_encode())
}

#[public]
impl MockArbSys {
    pub fn arb_block_hash(&mut self, block_number: U256) -> Result<B256, Vec<u8>> {
        self.calls.set(self.calls.get() + U256::from(1u8));
        if self.reverting.get() {
            return Err(InvalidBlockNumber {
                requested: block_number,
                current: U256::ZERO,
            }
            .abi_encode());
        }
        Ok(mock_block_hash(block_number, self.seed.get()))
    }

    /// Test control: what every later hash is derived from.
    pub fn set_seed(&mut self, seed: B256) {
        self.seed.set(seed);
    }

    /// Test control: from now on `arbBlockHash` reverts (as ArbSys does for a block
    /// outside its window).
    pub fn set_reverting(&mut self, reverting: bool) {
        self.reverting.set(reverting);
    }

    /// How many times `arbBlockHash` was called.
    pub fn calls(&self) -> U256 {
        self.calls.get()
    }
}
