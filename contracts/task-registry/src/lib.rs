#![allow(deprecated)] // sol_interface! in SDK 0.9 still takes the deprecated `stylus_sdk::call` contexts
//! # TaskRegistry
//!
//! Where labelling tasks live: their parameters (with the global parameters in force at
//! creation copied in), the bounty deposit and its cancellation or reclaim. Dataset
//! versions and pipeline access keys, which DESIGN.md also puts here, live in the
//! `dataset-registry` program: together they exceeded Stylus's 24 KiB code limit.
//!
//! A task's terms are stored as three packed words plus two amounts
//! ([`labelchain_protocol::TaskTerms`]); the verifier reads them in one call to
//! [`TaskRegistry::terms`]. The pause switch lives here and travels inside those terms, so
//! pausing stops `createTask` here and `commit` in the verifier with one flag, and nothing
//! else: reveal, finalize, audit and claims keep working.
//!
//! Built from OpenZeppelin `Ownable2Step` (its only role is the admin) and `Pausable`;
//! task bookkeeping is hand-written.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;
// Native unit tests get the `vm_hooks` host functions from motsu's shims.
#[cfg(test)]
extern crate motsu;

pub mod errors;
mod events;
pub mod params;

use alloc::{string::String, vec, vec::Vec};
use alloy_primitives::{Address, B256, U256, U64};
use labelchain_protocol::{
    calls::{IEscrowHooks, IPermit, IVerifierProgress},
    clock,
    limits::{
        BPS, MAX_AMOUNT_PER_LABEL, MAX_CLASSES, MAX_EMISSION_RATE, MAX_LABELLERS_PER_ITEM,
        MAX_LABELS_PER_TASK, MAX_LBL_EMISSION_RATE,
    },
    math::{bps_of, div_small},
    terms::status,
    TaskTerms,
};
use openzeppelin_stylus::{
    access::ownable_two_step::{IOwnable2Step, Ownable2Step},
    utils::pausable::{IPausable, Pausable},
};
use stylus_sdk::{
    call::Call,
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageBool, StorageMap, StorageU256, StorageU64},
};

pub use errors::*;
pub use events::*;
pub use params::ProtocolParams;
use params::StoredParams;

/// Commit and reveal windows are each between a minute and a year.
pub const MIN_WINDOW: u64 = 60;
pub const MAX_WINDOW: u64 = 365 * 86_400;

/// One task.
#[storage]
pub struct Task {
    /// `TaskTerms::pack` words.
    word0: StorageU256,
    word1: StorageU256,
    word2: StorageU256,
    reward_per_label: StorageU256,
    stake_per_label: StorageU256,
    data_root: StorageB256,
    /// Most LBL one accepted item may emit: its share of the protocol fee times the
    /// payment token's `emissionRate` when the task was created (DESIGN §3).
    emission_cap: StorageU256,
}

#[entrypoint]
#[storage]
pub struct TaskRegistry {
    owner: Ownable2Step,
    pausable: Pausable,
    escrow: StorageAddress,
    verifier: StorageAddress,
    protocol_params: StoredParams,
    payment_tokens: StorageMap<Address, StorageBool>,
    /// token => LBL wei emitted at most per unit of fee, x 1e18 (0 until the admin sets one).
    emission_rates: StorageMap<Address, StorageU256>,
    reward_token: StorageAddress,
    task_count: StorageU64,
    tasks: StorageMap<u64, Task>,
}

/// `createTask` arguments after the ABI, before validation.
struct NewTask {
    data_root: B256,
    item_count: u32,
    num_classes: u16,
    labellers_per_item: u8,
    threshold_bps: u16,
    payment_token: Address,
    reward_per_label: U256,
    stake_per_label: U256,
    commit_duration: u64,
    reveal_duration: u64,
    audit_rate_bps: u16,
    min_tier: u8,
    metadata_uri: String,
}

#[public]
impl TaskRegistry {
    /// `reward_token` (LBL) is allow-listed as a payment token from the start.
    #[constructor]
    pub fn constructor(
        &mut self,
        admin: Address,
        escrow: Address,
        reward_token: Address,
    ) -> Result<(), Error> {
        if admin.is_zero() || escrow.is_zero() || reward_token.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        self.owner.constructor(admin)?;
        self.escrow.set(escrow);
        self.protocol_params.replace(&ProtocolParams::DEFAULT);
        self.payment_tokens.insert(reward_token, true);
        self.reward_token.set(reward_token);
        log(
            self.vm(),
            PaymentTokenSet {
                token: reward_token,
                allowed: true,
            },
        );
        self.set_rate(reward_token, U256::from(MAX_LBL_EMISSION_RATE));
        Ok(())
    }

    // ---- requesters ----

    /// Creates a task and escrows `itemCount * labellersPerItem * rewardPerLabel` plus the
    /// protocol fee, pulled from the caller (who approved the escrow for that amount).
    /// `metadataURI` is recorded in the `TaskCreated` event, not in storage: clients read it
    /// from the log, and a requester does not pay an SSTORE per 32 bytes of URI.
    #[allow(clippy::too_many_arguments)]
    pub fn create_task(
        &mut self,
        data_root: B256,
        item_count: u32,
        num_classes: u16,
        labellers_per_item: u8,
        threshold_bps: u16,
        payment_token: Address,
        reward_per_label: U256,
        stake_per_label: U256,
        commit_duration: u64,
        reveal_duration: u64,
        audit_rate_bps: u16,
        min_tier: u8,
        metadata_uri: String,
    ) -> Result<u64, Error> {
        self.pausable.when_not_paused()?;
        let task = NewTask {
            data_root,
            item_count,
            num_classes,
            labellers_per_item,
            threshold_bps,
            payment_token,
            reward_per_label,
            stake_per_label,
            commit_duration,
            reveal_duration,
            audit_rate_bps,
            min_tier,
            metadata_uri,
        };
        let (bounty, fee) = self.validate(&task)?;
        self.open_task(task, bounty, fee)
    }

    /// `createTask` funded by an EIP-2612 permit (value = bounty + fee, spender = escrow)
    /// instead of a prior approve. A permit that fails (e.g. someone submitted it first) is
    /// ignored: the deposit then succeeds if the allowance is there and reverts otherwise.
    #[allow(clippy::too_many_arguments)]
    pub fn create_task_with_permit(
        &mut self,
        data_root: B256,
        item_count: u32,
        num_classes: u16,
        labellers_per_item: u8,
        threshold_bps: u16,
        payment_token: Address,
        reward_per_label: U256,
        stake_per_label: U256,
        commit_duration: u64,
        reveal_duration: u64,
        audit_rate_bps: u16,
        min_tier: u8,
        metadata_uri: String,
        deadline: U256,
        v: u8,
        r: B256,
        s: B256,
    ) -> Result<u64, Error> {
        let task = NewTask {
            data_root,
            item_count,
            num_classes,
            labellers_per_item,
            threshold_bps,
            payment_token,
            reward_per_label,
            stake_per_label,
            commit_duration,
            reveal_duration,
            audit_rate_bps,
            min_tier,
            metadata_uri,
        };
        let (bounty, fee) = self.validate(&task)?;
        let owner = self.vm().msg_sender();
        let escrow = self.escrow.get();
        let _ = IPermit::new(payment_token).permit(
            Call::new_in(self),
            owner,
            escrow,
            bounty + fee,
            deadline,
            v,
            r,
            s,
        );
        self.pausable.when_not_paused()?;
        self.open_task(task, bounty, fee)
    }

    /// Refunds the whole bounty and the fee; only before the task's first commit.
    pub fn cancel_task(&mut self, task: u64) -> Result<(), Error> {
        let t = self.open_terms(task)?;
        self.only_requester(task, &t)?;
        let (commits, ..) = self.progress(task)?;
        if commits != 0 {
            return Err(TaskAlreadyStarted { task }.into());
        }
        let mut w = self.tasks.setter(task);
        let word0 = TaskTerms::with_status(w.word0.get(), status::CANCELLED);
        w.word0.set(word0);
        let escrow = self.escrow.get();
        IEscrowHooks::new(escrow).cancel_bounty(Call::new_in(self), task)?;
        log(self.vm(), TaskCancelled { task });
        Ok(())
    }

    /// After the commit window, refunds to the requester every part of the bounty not
    /// reserved for items still being labelled (anyone may call; funds go to the requester).
    pub fn reclaim(&mut self, task: u64) -> Result<U256, Error> {
        let t = self.open_terms(task)?;
        if clock::now(self.vm()) <= t.commit_end {
            return Err(CommitWindowOpen {
                commitEnd: t.commit_end,
            }
            .into());
        }
        let (commits, open_items, ..) = self.progress(task)?;
        let escrow = self.escrow.get();
        let (_, _, remaining, fee) =
            IEscrowHooks::new(escrow).bounty_of(Call::new_in(self), task)?;
        if commits == 0 {
            // Nobody labelled: the task never started, so its fee was never the treasury's
            // (it is collected at the first commit). Everything goes back, fee included.
            let amount = remaining + fee; // both < 2^128 (`validate`)
            if amount.is_zero() {
                return Err(NothingToReclaim { task }.into());
            }
            IEscrowHooks::new(escrow).cancel_bounty(Call::new_in(self), task)?;
            log(self.vm(), BountyReclaimed { task, amount });
            return Ok(amount);
        }
        // <= 2^32 * 2^96: `open_items * k` is at most the task's label count (validated).
        let reserved =
            U256::from(open_items) * U256::from(t.labellers_per_item) * t.reward_per_label;
        let amount = remaining.saturating_sub(reserved);
        if amount.is_zero() {
            return Err(NothingToReclaim { task }.into());
        }
        IEscrowHooks::new(escrow).refund_bounty(Call::new_in(self), task, amount)?;
        log(self.vm(), BountyReclaimed { task, amount });
        Ok(amount)
    }

    // ---- views ----

    /// The packed terms the verifier works from: `TaskTerms::pack` words (with the pause
    /// flag set in the third), reward per label, stake per label, per-item emission cap.
    pub fn terms(&self, task: u64) -> (U256, U256, U256, U256, U256, U256) {
        let t = self.tasks.getter(task);
        let mut w2 = t.word2.get();
        if self.pausable.paused() {
            w2 = TaskTerms::with_paused_flag(w2);
        }
        (
            t.word0.get(),
            t.word1.get(),
            w2,
            t.reward_per_label.get(),
            t.stake_per_label.get(),
            t.emission_cap.get(),
        )
    }

    /// Merkle root of the task's items: an OpenZeppelin standard Merkle tree over
    /// `(uint256 index, bytes32 sha256)` leaves. Everything else about a task is in
    /// [`TaskRegistry::terms`] (layout: `labelchain_protocol::TaskTerms`).
    pub fn data_root(&self, task: u64) -> B256 {
        self.tasks.getter(task).data_root.get()
    }

    pub fn task_count(&self) -> u64 {
        self.task_count.get().to()
    }

    pub fn params(&self) -> (u16, u16, u16, u16, u64, u16, u16, u16, u16) {
        let p = self.protocol_params.values();
        (
            p.fee_bps,
            p.slash_bps,
            p.no_reveal_slash_bps,
            p.slash_burn_bps,
            p.audit_window,
            p.standard_bps,
            p.strong_bps,
            p.audited_bps,
            p.auditor_share_bps,
        )
    }

    pub fn is_payment_token(&self, token: Address) -> bool {
        self.payment_tokens.get(token)
    }

    /// LBL wei a task paid in `token` may emit per unit of protocol fee, x 1e18.
    pub fn emission_rate(&self, token: Address) -> U256 {
        self.emission_rates.get(token)
    }

    pub fn paused(&self) -> bool {
        self.pausable.paused()
    }

    pub fn escrow(&self) -> Address {
        self.escrow.get()
    }

    pub fn verifier(&self) -> Address {
        self.verifier.get()
    }

    // ---- admin ----

    /// Wires the consensus verifier; once, at deployment.
    pub fn set_verifier(&mut self, verifier: Address) -> Result<(), Error> {
        self.owner.ownable.only_owner()?;
        let current = self.verifier.get();
        if !current.is_zero() {
            return Err(VerifierAlreadySet { verifier: current }.into());
        }
        if verifier.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        self.verifier.set(verifier);
        log(self.vm(), VerifierSet { verifier });
        Ok(())
    }

    /// Sets the global parameters for tasks created from now on; bounds in [`params`].
    #[allow(clippy::too_many_arguments)]
    pub fn set_params(
        &mut self,
        fee_bps: u16,
        slash_bps: u16,
        no_reveal_slash_bps: u16,
        slash_burn_bps: u16,
        audit_window: u64,
        standard_bps: u16,
        strong_bps: u16,
        audited_bps: u16,
        auditor_share_bps: u16,
    ) -> Result<(), Error> {
        self.owner.ownable.only_owner()?;
        let p = ProtocolParams {
            fee_bps,
            slash_bps,
            no_reveal_slash_bps,
            slash_burn_bps,
            audit_window,
            standard_bps,
            strong_bps,
            audited_bps,
            auditor_share_bps,
        };
        if let Some(index) = p.first_invalid() {
            return Err(ParameterOutOfRange { index }.into());
        }
        self.protocol_params.replace(&p);
        log(
            self.vm(),
            ParamsUpdated {
                feeBps: fee_bps,
                slashBps: slash_bps,
                noRevealSlashBps: no_reveal_slash_bps,
                slashBurnBps: slash_burn_bps,
                auditWindow: audit_window,
                standardBps: standard_bps,
                strongBps: strong_bps,
                auditedBps: audited_bps,
                auditorShareBps: auditor_share_bps,
            },
        );
        Ok(())
    }

    /// Allow-lists (or delists) a payment token. Only standard ERC-20s belong here: no
    /// fee-on-transfer or rebasing tokens, whose balances would drift from the escrow's books.
    pub fn set_payment_token(&mut self, token: Address, allowed: bool) -> Result<(), Error> {
        self.owner.ownable.only_owner()?;
        if token.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        self.payment_tokens.insert(token, allowed);
        log(self.vm(), PaymentTokenSet { token, allowed });
        Ok(())
    }

    /// Sets how much LBL tasks paid in `token` may emit per unit of protocol fee (a WAD),
    /// for tasks created from now on. For LBL at most 1e18: no one can mint more LBL than
    /// they paid. For another token the rate is a price assumption (LBL per unit of it):
    /// farming its tasks pays once LBL trades above `1e18 / rate` units of the token. A
    /// newly allow-listed token has rate 0 (no emission).
    pub fn set_emission_rate(&mut self, token: Address, rate: U256) -> Result<(), Error> {
        self.owner.ownable.only_owner()?;
        if !self.payment_tokens.get(token) {
            return Err(PaymentTokenNotAllowed { token }.into());
        }
        let max = if token == self.reward_token.get() {
            U256::from(MAX_LBL_EMISSION_RATE)
        } else {
            U256::from(MAX_EMISSION_RATE)
        };
        if rate > max {
            return Err(EmissionRateOutOfRange { token, rate, max }.into());
        }
        self.set_rate(token, rate);
        Ok(())
    }

    /// Emergency stop (`true`) for `createTask` and `commit` only, and its end (`false`).
    /// Pausing twice reverts `EnforcedPause`, unpausing while running `ExpectedPause`.
    pub fn set_paused(&mut self, paused: bool) -> Result<(), Error> {
        self.owner.ownable.only_owner()?;
        if paused {
            self.pausable.pause()?;
        } else {
            self.pausable.unpause()?;
        }
        Ok(())
    }

    // ---- ownership (OZ Ownable2Step: the registry has no role but its admin) ----

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
}

impl TaskRegistry {
    fn set_rate(&mut self, token: Address, rate: U256) {
        self.emission_rates.insert(token, rate);
        log(self.vm(), EmissionRateSet { token, rate });
    }

    /// Most LBL one accepted item of a new task may emit: `k * reward * feeBps / 10_000`
    /// (the item's share of the fee) `* rate / 1e18`. Fee per item < 2^98 and rate < 2^128
    /// (bounds), so the product < 2^226; the WAD division is two exact `u32` divisions.
    fn emission_cap(&self, t: &NewTask, fee_bps: u16) -> U256 {
        let per_item = U256::from(t.labellers_per_item) * t.reward_per_label; // < 2^101
        let fee = bps_of(per_item, fee_bps);
        let scaled = fee * self.emission_rates.get(t.payment_token);
        div_small(div_small(scaled, 1_000_000_000), 1_000_000_000)
    }

    fn load_terms(&self, task: u64) -> TaskTerms {
        let (w0, w1, w2, reward, stake, cap) = self.terms(task);
        TaskTerms::unpack([w0, w1, w2], reward, stake, cap)
    }

    fn open_terms(&self, task: u64) -> Result<TaskTerms, Error> {
        let t = self.load_terms(task);
        if t.status != status::OPEN {
            return Err(TaskNotOpen { task }.into());
        }
        Ok(t)
    }

    fn only_requester(&self, task: u64, t: &TaskTerms) -> Result<(), Error> {
        if self.vm().msg_sender() != t.requester {
            return Err(NotRequester {
                task,
                requester: t.requester,
            }
            .into());
        }
        Ok(())
    }

    /// `(commits, open items, final items, labels digest)` from the verifier.
    fn progress(&mut self, task: u64) -> Result<(u32, u32, u32, B256), Error> {
        let verifier = self.verifier.get();
        if verifier.is_zero() {
            return Err(VerifierNotSet {}.into());
        }
        Ok(IVerifierProgress::new(verifier).task_progress(Call::new_in(self), task)?)
    }

    /// Checks every bound, lower and upper; returns `(bounty, fee)`.
    ///
    /// The upper bounds are what keep every later sum and product in range (see
    /// `labelchain_protocol::limits`): `itemCount * k <= 2^32 - 1` and both per-label
    /// amounts `<= 2^96 - 1`, so the bounty `itemCount * k * reward < 2^128` and its fee
    /// cannot overflow, and neither can any lock, settlement or refund derived from them.
    fn validate(&self, t: &NewTask) -> Result<(U256, U256), Error> {
        let window = |d: u64| (MIN_WINDOW..=MAX_WINDOW).contains(&d);
        let amount = |a: U256| !a.is_zero() && a <= U256::from(MAX_AMOUNT_PER_LABEL);
        let labels = t.item_count as u64 * t.labellers_per_item as u64;
        let checks = [
            !t.data_root.is_zero(),
            t.item_count > 0 && labels <= MAX_LABELS_PER_TASK,
            (2..=MAX_CLASSES).contains(&t.num_classes),
            (1..=MAX_LABELLERS_PER_ITEM).contains(&t.labellers_per_item),
            t.threshold_bps > BPS / 2 && t.threshold_bps <= BPS,
            amount(t.reward_per_label),
            amount(t.stake_per_label),
            window(t.commit_duration),
            window(t.reveal_duration),
            t.audit_rate_bps <= BPS,
            t.min_tier <= labelchain_protocol::limits::tier::GOLD,
        ];
        if let Some(field) = checks.iter().position(|ok| !ok) {
            return Err(InvalidTaskParameter { field: field as u8 }.into());
        }
        if !self.payment_tokens.get(t.payment_token) {
            return Err(PaymentTokenNotAllowed {
                token: t.payment_token,
            }
            .into());
        }
        // < 2^32 * 2^96 = 2^128 by the checks above: cannot wrap.
        let bounty = U256::from(labels) * t.reward_per_label;
        // fee <= 10 % of the bounty (`ProtocolParams` bound), so `bounty + fee < 2^129`.
        let fee = bps_of(bounty, self.protocol_params.values().fee_bps);
        Ok((bounty, fee))
    }

    /// Records a validated task (`bounty` and `fee` from [`Self::validate`]) and pulls
    /// its deposit; callers check the pause first.
    fn open_task(&mut self, t: NewTask, bounty: U256, fee: U256) -> Result<u64, Error> {
        let requester = self.vm().msg_sender();
        let now = clock::now(self.vm());
        let p = self.protocol_params.values();
        // Durations are <= 365 days each (validated), so only a clock within two years of
        // `u64::MAX` could overflow here; refuse rather than wrap.
        let commit_end = now
            .checked_add(t.commit_duration)
            .ok_or(InvalidTaskParameter { field: 7 })?;
        let reveal_end = commit_end
            .checked_add(t.reveal_duration)
            .ok_or(InvalidTaskParameter { field: 7 })?;
        let emission_cap = self.emission_cap(&t, p.fee_bps);
        let terms = TaskTerms {
            requester,
            item_count: t.item_count,
            num_classes: t.num_classes,
            labellers_per_item: t.labellers_per_item,
            min_tier: t.min_tier,
            status: status::OPEN,
            threshold_bps: t.threshold_bps,
            payment_token: t.payment_token,
            audit_rate_bps: t.audit_rate_bps,
            fee_bps: p.fee_bps,
            slash_bps: p.slash_bps,
            no_reveal_slash_bps: p.no_reveal_slash_bps,
            slash_burn_bps: p.slash_burn_bps,
            auditor_share_bps: p.auditor_share_bps,
            commit_end,
            reveal_end,
            audit_window: p.audit_window,
            standard_bps: p.standard_bps,
            strong_bps: p.strong_bps,
            audited_bps: p.audited_bps,
            paused: false,
            reward_per_label: t.reward_per_label,
            stake_per_label: t.stake_per_label,
            emission_cap,
        };
        // One task per transaction: 2^64 - 1 tasks cannot be reached.
        let id = self.task_count.get().to::<u64>() + 1;
        self.task_count.set(U64::from(id));
        let mut w = self.tasks.setter(id);
        let [w0, w1, w2] = terms.pack();
        w.word0.set(w0);
        w.word1.set(w1);
        w.word2.set(w2);
        w.reward_per_label.set(t.reward_per_label);
        w.stake_per_label.set(t.stake_per_label);
        w.data_root.set(t.data_root);
        w.emission_cap.set(emission_cap);
        let escrow = self.escrow.get();
        IEscrowHooks::new(escrow).deposit_bounty(
            Call::new_in(self),
            id,
            requester,
            t.payment_token,
            bounty,
            fee,
        )?;
        log(
            self.vm(),
            TaskCreated {
                task: id,
                requester,
                paymentToken: t.payment_token,
                dataRoot: t.data_root,
                itemCount: t.item_count,
                labellersPerItem: t.labellers_per_item,
                rewardPerLabel: t.reward_per_label,
                stakePerLabel: t.stake_per_label,
                commitEnd: commit_end,
                revealEnd: reveal_end,
                metadataURI: t.metadata_uri,
            },
        );
        Ok(id)
    }
}
