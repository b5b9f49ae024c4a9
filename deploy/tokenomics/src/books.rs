//! Who holds what: wallets (token balances outside the protocol), stake and pull-payment
//! credits in the escrow. Accounts are small integers; the treasury is one of them.

use crate::amount::{add, sub, U256};
use crate::error::Refusal;
use crate::SimError;

pub type Account = u32;

/// A payment token: LBL itself or one stablecoin (6 decimals, like USDC).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Asset {
    Lbl,
    Stable,
}

impl Asset {
    pub const ALL: [Asset; 2] = [Asset::Lbl, Asset::Stable];

    pub fn decimals(self) -> u8 {
        match self {
            Asset::Lbl => 18,
            Asset::Stable => 6,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Book {
    pub wallet: [U256; 2],
    /// LBL stake: free to commit with, or locked by open commits.
    pub free: U256,
    pub locked: U256,
    /// Credits waiting for `claim(token)`.
    pub claimable: [U256; 2],
}

impl Book {
    pub fn wallet(&self, a: Asset) -> U256 {
        self.wallet[a.index()]
    }

    pub fn claimable(&self, a: Asset) -> U256 {
        self.claimable[a.index()]
    }
}

#[derive(Clone, Debug, Default)]
pub struct Books {
    accounts: Vec<Book>,
}

impl Books {
    pub fn get(&self, who: Account) -> Book {
        self.accounts.get(who as usize).cloned().unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    fn at(&mut self, who: Account) -> &mut Book {
        let i = who as usize;
        if i >= self.accounts.len() {
            self.accounts.resize(i + 1, Book::default());
        }
        &mut self.accounts[i]
    }

    pub fn fund(&mut self, who: Account, a: Asset, amount: U256) -> Result<(), SimError> {
        let b = self.at(who);
        b.wallet[a.index()] = add(b.wallet[a.index()], amount)?;
        Ok(())
    }

    pub fn pay(&mut self, who: Account, a: Asset, amount: U256) -> Result<(), SimError> {
        let b = self.at(who);
        let have = b.wallet[a.index()];
        if have < amount {
            return Err(SimError::Refused(Refusal::InsufficientBalance));
        }
        b.wallet[a.index()] = have - amount;
        Ok(())
    }

    pub fn transfer(
        &mut self,
        from: Account,
        to: Account,
        a: Asset,
        amount: U256,
    ) -> Result<(), SimError> {
        self.pay(from, a, amount)?;
        self.fund(to, a, amount)
    }

    pub fn stake(&mut self, who: Account, amount: U256) -> Result<(), SimError> {
        self.pay(who, Asset::Lbl, amount)?;
        let b = self.at(who);
        b.free = add(b.free, amount)?;
        Ok(())
    }

    pub fn lock(&mut self, who: Account, amount: U256) -> Result<(), SimError> {
        let b = self.at(who);
        if b.free < amount {
            return Err(SimError::Refused(Refusal::InsufficientFreeStake));
        }
        b.free -= amount;
        b.locked = add(b.locked, amount)?;
        Ok(())
    }

    /// Releases `unlocked + slashed` of locked stake; `unlocked` returns to free stake.
    pub fn release(&mut self, who: Account, unlocked: U256, slashed: U256) -> Result<(), SimError> {
        let b = self.at(who);
        b.locked = sub(b.locked, add(unlocked, slashed)?)?;
        b.free = add(b.free, unlocked)?;
        Ok(())
    }

    pub fn credit(&mut self, who: Account, a: Asset, amount: U256) -> Result<(), SimError> {
        let b = self.at(who);
        b.claimable[a.index()] = add(b.claimable[a.index()], amount)?;
        Ok(())
    }

    /// `claim(token)`: every credit of `a` to the wallet (refused when there is none).
    pub fn claim(&mut self, who: Account, a: Asset) -> Result<U256, SimError> {
        let b = self.at(who);
        let amount = std::mem::take(&mut b.claimable[a.index()]);
        if amount.is_zero() {
            return Err(SimError::Refused(Refusal::NothingToClaim));
        }
        b.wallet[a.index()] = add(b.wallet[a.index()], amount)?;
        Ok(amount)
    }
}
