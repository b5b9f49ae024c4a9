//! A counter whose first value is set by its constructor: `cargo stylus deploy
//! --constructor-args N` then deploys, activates and initialises it in one transaction
//! through the StylusDeployer, which is the path a real user's deploy takes.

// `cargo stylus export-abi` (used by cargo-stylus to read the constructor) builds a host
// binary; the deployable build has no `main`.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use stylus_sdk::{alloy_primitives::U256, prelude::*};

sol_storage! {
    #[entrypoint]
    pub struct Counter {
        uint256 number;
    }
}

#[public]
impl Counter {
    /// Runs once, from the deployer's init call.
    #[constructor]
    pub fn constructor(&mut self, initial: U256) {
        self.number.set(initial);
    }

    pub fn number(&self) -> U256 {
        self.number.get()
    }

    /// Adds one, refusing to wrap at 2^256.
    pub fn increment(&mut self) -> Result<(), Vec<u8>> {
        let next = self
            .number
            .get()
            .checked_add(U256::from(1))
            .ok_or_else(|| b"counter overflow".to_vec())?;
        self.number.set(next);
        Ok(())
    }
}
