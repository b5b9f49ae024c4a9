#![allow(deprecated)] // sol_interface! in SDK 0.9 still takes the deprecated `stylus_sdk::call` contexts
//! # StakingEscrow
//!
//! Holds every token the protocol owes anyone: labellers' stakes (free, locked by a commit,
//! unbonding), requesters' task bounties, and pull-payment credits (`claim`). The escrow
//! trusts only the registry and the verifier: two fixed addresses the owner wires once
//! (`setProtocol`) and can never change or add to, which is stricter than grantable roles.
//! The task registry makes deposits, cancellations and refunds; the consensus verifier
//! locks stake at commit and settles items at finality. No owner path moves users' funds.
//!
//! Accounting rule, checked by the tests after every scenario: for each token, the escrow's
//! balance equals [`StakingEscrow::liabilities`], the sum of everything it owes. Liabilities
//! change only when tokens cross the escrow's boundary (stake in, withdraw, deposit, claim,
//! burn, emission minted in); moves between stake, bounty and credit leave them unchanged.
//!
//! Payouts are pull payments, so a reverting or malicious payment token can only hurt the
//! account that claims it. Calls out happen after state updates, and Stylus programs reject
//! reentrancy unless built with the SDK's `reentrant` feature (ours are not).
//!
//! Built from OpenZeppelin `Ownable2Step` (OZ's two-step ownership transfer, for the owner
//! who sets the treasury and the unbonding period) and `SafeErc20` (for arbitrary payment
//! tokens); stake, bounty and credit bookkeeping is hand-written, OZ has no equivalent.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;
// Native unit tests get the `vm_hooks` host functions from motsu's shims.
#[cfg(test)]
extern crate motsu;

pub mod errors;
mod events;

use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, U256, U64};
use labelchain_protocol::{calls::IBurnable, clock, math::bps_of};
use openzeppelin_stylus::{
    access::ownable_two_step::{IOwnable2Step, Ownable2Step},
    token::erc20::utils::{ISafeErc20, SafeErc20},
};
use stylus_sdk::{
    call::Call,
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU256, StorageU64},
};

pub use errors::*;
pub use events::*;

/// Bounds of the unbonding period: long enough to catch a pending slash, short enough
/// that stake is never trapped.
pub const MIN_UNBONDING: u64 = 3_600;
/// Words per account in a `settle` row: account, unlocked, slashed, paid, minted.
pub const SETTLEMENT_ROW: usize = 5;
pub const MAX_UNBONDING: u64 = 90 * 86_400;

/// `a + b`, or `AmountOverflow` instead of ruint's silent wrap-around.
fn add(a: U256, b: U256) -> Result<U256, Error> {
    a.checked_add(b).ok_or(AmountOverflow {}.into())
}

/// `a - b`, or `AmountOverflow` instead of wrapping below zero.
fn sub(a: U256, b: U256) -> Result<U256, Error> {
    a.checked_sub(b).ok_or(AmountOverflow {}.into())
}

/// One labeller's stake.
#[storage]
pub struct Stake {
    free: StorageU256,
    locked: StorageU256,
    unbonding: StorageU256,
    /// When the whole unbonding amount becomes withdrawable. A new unstake restarts the
    /// clock for everything unbonding: simpler than a queue, and never shorter than asked.
    unbonding_ends: StorageU64,
}

/// One task's escrowed bounty.
#[storage]
pub struct Bounty {
    token: StorageAddress,
    requester: StorageAddress,
    remaining: StorageU256,
    /// Held until the task's first commit, so `cancelTask` can still refund it.
    fee: StorageU256,
}

#[entrypoint]
#[storage]
pub struct StakingEscrow {
    owner: Ownable2Step,
    /// The task registry and the consensus verifier; set once by the owner, zero until then.
    registry: StorageAddress,
    verifier: StorageAddress,
    safe: SafeErc20,
    stake_token: StorageAddress,
    treasury: StorageAddress,
    unbonding_period: StorageU64,
    stakes: StorageMap<Address, Stake>,
    /// token => account => amount claimable.
    credits: StorageMap<Address, StorageMap<Address, StorageU256>>,
    bounties: StorageMap<u64, Bounty>,
    /// token => everything owed in it.
    owed: StorageMap<Address, StorageU256>,
}

#[public]
impl StakingEscrow {
    #[constructor]
    pub fn constructor(
        &mut self,
        admin: Address,
        stake_token: Address,
        treasury: Address,
        unbonding_period: u64,
    ) -> Result<(), Error> {
        if admin.is_zero() || stake_token.is_zero() {
            return Err(InvalidEscrowParameters {}.into());
        }
        self.owner.constructor(admin)?;
        self.stake_token.set(stake_token);
        self.set_treasury_unchecked(treasury)?;
        self.set_unbonding_unchecked(unbonding_period)
    }

    // ---- labellers ----

    /// Adds `amount` LBL (approved to the escrow) to the caller's free stake.
    pub fn stake(&mut self, amount: U256) -> Result<(), Error> {
        if amount.is_zero() {
            return Err(ZeroAmount {}.into());
        }
        let who = self.vm().msg_sender();
        let token = self.stake_token.get();
        let mut s = self.stakes.setter(who);
        let free = add(s.free.get(), amount)?;
        s.free.set(free);
        self.add_owed(token, amount)?;
        self.safe
            .safe_transfer_from(token, who, self.vm().contract_address(), amount)?;
        log(
            self.vm(),
            Staked {
                labeller: who,
                amount,
            },
        );
        Ok(())
    }

    /// Moves free stake to unbonding; withdrawable after the unbonding period.
    pub fn unstake(&mut self, amount: U256) -> Result<(), Error> {
        if amount.is_zero() {
            return Err(ZeroAmount {}.into());
        }
        let who = self.vm().msg_sender();
        // The period is <= 90 days (validated); saturating keeps an absurd clock harmless.
        let available_at = clock::now(self.vm()).saturating_add(self.unbonding_period.get().to());
        let mut s = self.stakes.setter(who);
        let free = s.free.get();
        if free < amount {
            return Err(InsufficientFreeStake {
                available: free,
                requested: amount,
            }
            .into());
        }
        s.free.set(free - amount); // free >= amount, checked above
        let unbonding = add(s.unbonding.get(), amount)?;
        s.unbonding.set(unbonding);
        s.unbonding_ends.set(U64::from(available_at));
        log(
            self.vm(),
            UnstakeRequested {
                labeller: who,
                amount,
                availableAt: available_at,
            },
        );
        Ok(())
    }

    /// Pays out all unbonding stake once its period is over.
    pub fn withdraw(&mut self) -> Result<U256, Error> {
        let who = self.vm().msg_sender();
        let now = clock::now(self.vm());
        let mut s = self.stakes.setter(who);
        let amount = s.unbonding.get();
        if amount.is_zero() {
            return Err(NothingToWithdraw {}.into());
        }
        let ends = s.unbonding_ends.get().to::<u64>();
        if now < ends {
            return Err(StillUnbonding { availableAt: ends }.into());
        }
        s.unbonding.set(U256::ZERO);
        let token = self.stake_token.get();
        self.sub_owed(token, amount)?;
        self.safe.safe_transfer(token, who, amount)?;
        log(
            self.vm(),
            Withdrawn {
                labeller: who,
                amount,
            },
        );
        Ok(amount)
    }

    /// Pays out everything credited to the caller in `token`.
    pub fn claim(&mut self, token: Address) -> Result<U256, Error> {
        let who = self.vm().msg_sender();
        let amount = self.credits.getter(token).get(who);
        if amount.is_zero() {
            return Err(NothingToClaim { token }.into());
        }
        self.credits.setter(token).insert(who, U256::ZERO);
        self.sub_owed(token, amount)?;
        self.safe.safe_transfer(token, who, amount)?;
        log(
            self.vm(),
            Claimed {
                token,
                account: who,
                amount,
            },
        );
        Ok(amount)
    }

    // ---- registry ----

    /// Pulls `bounty + fee` of `token` from `requester` (who approved the escrow).
    pub fn deposit_bounty(
        &mut self,
        task: u64,
        requester: Address,
        token: Address,
        bounty: U256,
        fee: U256,
    ) -> Result<(), Error> {
        self.only_registry()?;
        let mut b = self.bounties.setter(task);
        if !b.token.get().is_zero() {
            return Err(BountyExists { task }.into());
        }
        b.token.set(token);
        b.requester.set(requester);
        b.remaining.set(bounty);
        b.fee.set(fee);
        let total = add(bounty, fee)?;
        self.add_owed(token, total)?;
        self.safe
            .safe_transfer_from(token, requester, self.vm().contract_address(), total)?;
        log(
            self.vm(),
            BountyDeposited {
                task,
                token,
                requester,
                bounty,
                fee,
            },
        );
        Ok(())
    }

    /// Cancellation: the whole bounty and the fee go back to the requester.
    pub fn cancel_bounty(&mut self, task: u64) -> Result<(), Error> {
        self.only_registry()?;
        let mut b = self.bounties.setter(task);
        let amount = add(b.remaining.get(), b.fee.get())?;
        b.remaining.set(U256::ZERO);
        b.fee.set(U256::ZERO);
        self.credit_refund(task, amount)
    }

    /// Returns `amount` of a task's unreserved bounty to its requester (reclaim).
    pub fn refund_bounty(&mut self, task: u64, amount: U256) -> Result<(), Error> {
        self.only_registry()?;
        self.spend_bounty(task, amount)?;
        self.credit_refund(task, amount)
    }

    // ---- verifier ----

    /// The task has started: its fee becomes the treasury's and can no longer be refunded.
    pub fn collect_fee(&mut self, task: u64) -> Result<(), Error> {
        self.only_verifier()?;
        let mut b = self.bounties.setter(task);
        let fee = b.fee.get();
        if !fee.is_zero() {
            b.fee.set(U256::ZERO);
            let token = b.token.get();
            let treasury = self.treasury.get();
            self.credit(token, treasury, fee)?;
            log(self.vm(), FeeCollected { task, fee });
        }
        Ok(())
    }

    /// A commit locks `amount` of the labeller's free stake until its item is final.
    pub fn lock(&mut self, labeller: Address, amount: U256) -> Result<(), Error> {
        self.only_verifier()?;
        let mut s = self.stakes.setter(labeller);
        let free = s.free.get();
        if free < amount {
            return Err(InsufficientFreeStake {
                available: free,
                requested: amount,
            }
            .into());
        }
        s.free.set(free - amount); // free >= amount, checked above
        let locked = add(s.locked.get(), amount)?;
        s.locked.set(locked);
        log(self.vm(), StakeLocked { labeller, amount });
        Ok(())
    }

    /// Applies the verifier's verdict on one or more items of `task`. `rows` holds five
    /// words per account — `[account, unlocked, slashed, paid, minted]`: release `unlocked`
    /// and slash `slashed` of its locked stake, credit `paid` from the bounty and `minted`
    /// LBL of emission (already minted to the escrow). Then `refund` of the bounty goes back
    /// to the requester, `forfeit` of it (unresolved escalations) to the treasury, and
    /// `burn_bps` of the slashed total is burned (the rest is the treasury's). One flat
    /// array rather than five parallel ones keeps the ABI code of this internal call small
    /// in both programs.
    ///
    /// Kept whole (about 90 lines): one pass over the rows accumulates three running
    /// totals (paid, slashed, minted) that the bounty, refund, forfeit and burn steps after
    /// it consume, in the order the books must change; a split would thread those totals
    /// through helpers. Program code is left unchanged here (not measured split).
    pub fn settle(
        &mut self,
        task: u64,
        rows: Vec<U256>,
        refund: U256,
        forfeit: U256,
        burn_bps: u16,
    ) -> Result<(), Error> {
        self.only_verifier()?;
        if !rows.len().is_multiple_of(SETTLEMENT_ROW) {
            return Err(LengthMismatch {}.into());
        }
        let lbl = self.stake_token.get();
        let pay_token = self.bounties.getter(task).token.get();
        let (mut paid_total, mut slashed_total, mut minted_total) =
            (U256::ZERO, U256::ZERO, U256::ZERO);
        for row in rows.chunks_exact(SETTLEMENT_ROW) {
            let who = Address::from_word(row[0].into());
            let (unlocked, slashed, paid, minted) = (row[1], row[2], row[3], row[4]);
            // Checked: a wrapped `unlocked + slashed` once released less than it credited
            // as free stake (the escrow drain of issue #10).
            let release = add(unlocked, slashed)?;
            if !release.is_zero() {
                let mut s = self.stakes.setter(who);
                let locked = s.locked.get();
                if locked < release {
                    return Err(InsufficientLockedStake {
                        labeller: who,
                        locked,
                        needed: release,
                    }
                    .into());
                }
                s.locked.set(locked - release); // locked >= release, checked above
                let free = add(s.free.get(), unlocked)?;
                s.free.set(free);
            }
            if !slashed.is_zero() {
                slashed_total = add(slashed_total, slashed)?;
                log(
                    self.vm(),
                    StakeSlashed {
                        labeller: who,
                        task,
                        amount: slashed,
                    },
                );
            }
            paid_total = add(paid_total, paid)?;
            self.credit(pay_token, who, paid)?;
            minted_total = add(minted_total, minted)?;
            self.credit(lbl, who, minted)?;
        }
        self.spend_bounty(task, add(add(paid_total, refund)?, forfeit)?)?;
        self.credit_refund(task, refund)?;
        let treasury = self.treasury.get();
        if !forfeit.is_zero() {
            self.credit(pay_token, treasury, forfeit)?;
            log(
                self.vm(),
                BountyForfeited {
                    task,
                    amount: forfeit,
                },
            );
        }
        let burned = bps_of(slashed_total, burn_bps);
        // `burn_bps > 10_000` would burn more than was slashed: refused, not wrapped.
        self.credit(lbl, treasury, sub(slashed_total, burned)?)?;
        self.add_owed(lbl, minted_total)?;
        self.sub_owed(lbl, burned)?;
        log(
            self.vm(),
            Settled {
                task,
                paid: paid_total,
                refunded: refund,
                slashed: slashed_total,
                burned,
                minted: minted_total,
            },
        );
        if !burned.is_zero() {
            IBurnable::new(lbl).burn(Call::new_in(self), burned)?;
        }
        Ok(())
    }

    // ---- views ----

    /// `(free, locked, unbonding, unbondingEnds)` of `account`.
    pub fn stake_of(&self, account: Address) -> (U256, U256, U256, u64) {
        let s = self.stakes.getter(account);
        (
            s.free.get(),
            s.locked.get(),
            s.unbonding.get(),
            s.unbonding_ends.get().to(),
        )
    }

    pub fn claimable(&self, token: Address, account: Address) -> U256 {
        self.credits.getter(token).get(account)
    }

    /// `(token, requester, remaining, fee still refundable)` of a task's bounty.
    pub fn bounty_of(&self, task: u64) -> (Address, Address, U256, U256) {
        let b = self.bounties.getter(task);
        (
            b.token.get(),
            b.requester.get(),
            b.remaining.get(),
            b.fee.get(),
        )
    }

    /// Everything the escrow owes in `token`; its balance of `token` always equals this.
    pub fn liabilities(&self, token: Address) -> U256 {
        self.owed.get(token)
    }

    pub fn stake_token(&self) -> Address {
        self.stake_token.get()
    }

    pub fn treasury(&self) -> Address {
        self.treasury.get()
    }

    pub fn unbonding_period(&self) -> u64 {
        self.unbonding_period.get().to()
    }

    /// The only caller of `depositBounty`, `cancelBounty` and `refundBounty`.
    pub fn registry(&self) -> Address {
        self.registry.get()
    }

    /// The only caller of `collectFee`, `lock` and `settle`.
    pub fn verifier(&self) -> Address {
        self.verifier.get()
    }

    // ---- owner ----

    /// Wires the escrow to the task registry and the consensus verifier, the only two
    /// contracts it will take calls from. Owner only, and only once.
    pub fn set_protocol(&mut self, registry: Address, verifier: Address) -> Result<(), Error> {
        self.owner.ownable.only_owner()?;
        if !self.registry.get().is_zero() {
            return Err(ProtocolAlreadySet {}.into());
        }
        if registry.is_zero() || verifier.is_zero() {
            return Err(InvalidEscrowParameters {}.into());
        }
        self.registry.set(registry);
        self.verifier.set(verifier);
        log(self.vm(), ProtocolSet { registry, verifier });
        Ok(())
    }

    pub fn set_unbonding_period(&mut self, period: u64) -> Result<(), Error> {
        self.owner.ownable.only_owner()?;
        self.set_unbonding_unchecked(period)
    }

    /// New fees and slashes go to `treasury`; credits already made stay with the old one.
    pub fn set_treasury(&mut self, treasury: Address) -> Result<(), Error> {
        self.owner.ownable.only_owner()?;
        self.set_treasury_unchecked(treasury)
    }

    // ---- ownership (OZ Ownable2Step) ----

    pub fn owner(&self) -> Address {
        self.owner.owner()
    }

    pub fn pending_owner(&self) -> Address {
        self.owner.pending_owner()
    }

    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        Ok(self.owner.transfer_ownership(new_owner)?)
    }

    pub fn accept_ownership(&mut self) -> Result<(), Error> {
        Ok(self.owner.accept_ownership()?)
    }

    pub fn renounce_ownership(&mut self) -> Result<(), Error> {
        Ok(self.owner.renounce_ownership()?)
    }
}

impl StakingEscrow {
    fn only_registry(&self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller != self.registry.get() || caller.is_zero() {
            return Err(NotRegistry { caller }.into());
        }
        Ok(())
    }

    fn only_verifier(&self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller != self.verifier.get() || caller.is_zero() {
            return Err(NotVerifier { caller }.into());
        }
        Ok(())
    }

    fn credit(&mut self, token: Address, account: Address, amount: U256) -> Result<(), Error> {
        if !amount.is_zero() {
            let mut per_token = self.credits.setter(token);
            let mut slot = per_token.setter(account);
            let now = add(slot.get(), amount)?;
            slot.set(now);
        }
        Ok(())
    }

    fn credit_refund(&mut self, task: u64, amount: U256) -> Result<(), Error> {
        if !amount.is_zero() {
            let b = self.bounties.getter(task);
            let (token, requester) = (b.token.get(), b.requester.get());
            self.credit(token, requester, amount)?;
            log(self.vm(), BountyRefunded { task, amount });
        }
        Ok(())
    }

    fn spend_bounty(&mut self, task: u64, amount: U256) -> Result<(), Error> {
        let mut b = self.bounties.setter(task);
        let remaining = b.remaining.get();
        if remaining < amount {
            return Err(BountyExceeded {
                task,
                remaining,
                requested: amount,
            }
            .into());
        }
        b.remaining.set(remaining - amount); // remaining >= amount, checked above
        Ok(())
    }

    fn add_owed(&mut self, token: Address, amount: U256) -> Result<(), Error> {
        let mut slot = self.owed.setter(token);
        let now = add(slot.get(), amount)?;
        slot.set(now);
        Ok(())
    }

    fn sub_owed(&mut self, token: Address, amount: U256) -> Result<(), Error> {
        let mut slot = self.owed.setter(token);
        let now = sub(slot.get(), amount)?;
        slot.set(now);
        Ok(())
    }

    fn set_treasury_unchecked(&mut self, treasury: Address) -> Result<(), Error> {
        if treasury.is_zero() {
            return Err(InvalidEscrowParameters {}.into());
        }
        self.treasury.set(treasury);
        log(self.vm(), TreasurySet { treasury });
        Ok(())
    }

    fn set_unbonding_unchecked(&mut self, period: u64) -> Result<(), Error> {
        if !(MIN_UNBONDING..=MAX_UNBONDING).contains(&period) {
            return Err(InvalidEscrowParameters {}.into());
        }
        self.unbonding_period.set(U64::from(period));
        log(self.vm(), UnbondingPeriodSet { period });
        Ok(())
    }
}
