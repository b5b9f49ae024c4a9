//! A stablecoin-like payment token for tests: 6 decimals, open mint, OpenZeppelin ERC-20
//! underneath, so the escrow's SafeErc20 path is exercised against a second token.

use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, U256};
use openzeppelin_stylus::token::erc20::{self, Erc20, IErc20};
use stylus_sdk::prelude::*;

#[storage]
pub struct StableToken {
    erc20: Erc20,
}

unsafe impl TopLevelStorage for StableToken {}

#[public]
impl StableToken {
    pub fn mint(&mut self, to: Address, value: U256) -> Result<(), erc20::Error> {
        self.erc20._mint(to, value)
    }

    pub fn decimals(&self) -> u8 {
        6
    }

    pub fn total_supply(&self) -> U256 {
        self.erc20.total_supply()
    }

    pub fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }

    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.erc20.allowance(owner, spender)
    }

    pub fn transfer(&mut self, to: Address, value: U256) -> Result<bool, erc20::Error> {
        self.erc20.transfer(to, value)
    }

    pub fn approve(&mut self, spender: Address, value: U256) -> Result<bool, erc20::Error> {
        self.erc20.approve(spender, value)
    }

    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, erc20::Error> {
        self.erc20.transfer_from(from, to, value)
    }
}
