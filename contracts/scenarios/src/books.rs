//! The test side of the escrow's books, per account (DESIGN.md §6).
//!
//! `balance == liabilities` in aggregate is not enough: the escrow drain of issue #10 kept
//! it while one account's free stake grew by 2^255. These books know every account and
//! task a scenario touched and what each account put in and took out, and check after
//! every step that, for each token,
//!
//! Σ accounts (free + locked + unbonding) [LBL] + Σ accounts claimable + Σ tasks open
//! bounty (remaining + refundable fee) == `liabilities(token)` == the escrow's balance,
//!
//! and, per account, that stake never grows (free + locked + unbonding + withdrawn ≤
//! staked: slashing only takes) and that nothing is withdrawable beyond what the account
//! could have earned (claimable + claimed ≤ a bound the scenario derives independently
//! of the escrow: deposits for requesters, rewards and emission for labellers, …).

use std::collections::HashMap;

use alloy_primitives::{Address, U256};

use crate::World;

#[derive(Default)]
pub struct Books {
    pub accounts: Vec<Address>,
    pub tasks: Vec<u64>,
    staked: HashMap<Address, U256>,
    withdrawn: HashMap<Address, U256>,
    /// (token, account) => bounty + fee deposited.
    deposited: HashMap<(Address, Address), U256>,
    /// (token, account) => claimed.
    claimed: HashMap<(Address, Address), U256>,
}

fn bump<K: std::hash::Hash + Eq>(m: &mut HashMap<K, U256>, k: K, v: U256) {
    let e = m.entry(k).or_default();
    *e = e.checked_add(v).expect("test-side books overflow");
}

impl Books {
    pub fn account(&mut self, who: Address) {
        if !self.accounts.contains(&who) {
            self.accounts.push(who);
        }
    }

    pub fn task(&mut self, task: u64) {
        if !self.tasks.contains(&task) {
            self.tasks.push(task);
        }
    }

    pub fn staked(&mut self, who: Address, amount: U256) {
        self.account(who);
        bump(&mut self.staked, who, amount);
    }

    pub fn withdrew(&mut self, who: Address, amount: U256) {
        bump(&mut self.withdrawn, who, amount);
    }

    pub fn deposited(&mut self, token: Address, who: Address, amount: U256) {
        self.account(who);
        bump(&mut self.deposited, (token, who), amount);
    }

    pub fn claimed(&mut self, token: Address, who: Address, amount: U256) {
        bump(&mut self.claimed, (token, who), amount);
    }

    pub fn deposits_of(&self, token: Address, who: Address) -> U256 {
        self.deposited
            .get(&(token, who))
            .copied()
            .unwrap_or_default()
    }

    /// Everything deposited in `token` by anyone.
    pub fn all_deposits(&self, token: Address) -> U256 {
        self.deposited
            .iter()
            .filter(|((t, _), _)| *t == token)
            .map(|(_, v)| *v)
            .sum()
    }

    pub fn all_staked(&self) -> U256 {
        self.staked.values().copied().sum()
    }

    /// Checks the per-token sum and every account's two rules; `earn_bound(token, who)`
    /// is what `who` can at most have been credited in `token`.
    #[track_caller]
    pub fn check(&self, w: &World, earn_bound: impl Fn(Address, Address) -> U256) {
        w.assert_solvent();
        for token in [w.lbl(), w.stable.address()] {
            let mut sum = U256::ZERO;
            for &who in &self.accounts {
                let claimable = w.claimable(token, who);
                sum += claimable;
                let claimed = self.claimed.get(&(token, who)).copied().unwrap_or_default();
                let bound = earn_bound(token, who);
                assert!(
                    claimable + claimed <= bound,
                    "{who} can take out {claimable} + has taken {claimed} of {token}, \
                     more than the {bound} it put in or earned"
                );
                if token == w.lbl() {
                    let (free, locked, unbonding, _) = w.stake_of(who);
                    let stake = free + locked + unbonding;
                    sum += stake;
                    let staked = self.staked.get(&who).copied().unwrap_or_default();
                    let out = self.withdrawn.get(&who).copied().unwrap_or_default();
                    assert!(
                        stake + out <= staked,
                        "{who}'s stake grew: {stake} held + {out} withdrawn > {staked} staked"
                    );
                }
            }
            for &task in &self.tasks {
                let (t, _, remaining, fee) = w.escrow.sender(w.admin).bounty_of(task);
                if t == token {
                    sum += remaining + fee;
                }
            }
            let owed = w.escrow.sender(w.admin).liabilities(token);
            assert_eq!(
                sum, owed,
                "per-account books of {token} sum to {sum}, liabilities are {owed}"
            );
        }
    }
}
