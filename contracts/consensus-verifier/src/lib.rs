#![allow(deprecated)] // sol_interface! in SDK 0.9 still takes the deprecated `stylus_sdk::call` contexts
//! # ConsensusVerifier
//!
//! Turns labellers' commit–reveal votes into final labels (DESIGN.md section 4): commits
//! lock stake, reveals are checked against commitments bound to chain, contract, task,
//! item and labeller; finality tallies the plurality, assigns a quality tier, samples
//! spot-checks, escalates disagreements to auditors, settles stakes, pay and emission in
//! the escrow, updates reputation, and extends the task's `labelsDigest` hash chain that
//! exported datasets are verified against.
//!
//! Gas shape: a commit writes two new slots (ballot, commitment), a reveal rewrites them;
//! task terms come from the registry in one call; a batch of any size ends in one escrow
//! call and at most one token call (see [`ledger`]).
//!
//! Decisions where the design is silent:
//! - Reveals open when the commit window closes, so no one can copy a revealed label.
//! - Void items (too few commits, or escalation unresolved) unlock revealers without a
//!   reputation change; non-revealers are still slashed and count a disagreement.
//! - Void items are not part of `labelsDigest`: it covers labels, and void items have none.
//! - Emission is minted only when at least one labeller agreed with the final label; the
//!   auditor's share comes out of that item's emission. Wei left over by the equal split
//!   goes to the first agreeing labeller, so every minted wei is credited.
//!
//! Built with OpenZeppelin `AccessControl` for the auditor role; all consensus logic is
//! hand-written (OZ has no equivalent).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;
// Native unit tests get the `vm_hooks` host functions from motsu's shims.
#[cfg(test)]
extern crate motsu;

pub mod errors;
mod events;
pub mod ledger;
pub mod state;
pub mod tally;

use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, B256, U128, U256, U32, U64, U8};
use labelchain_admin::AdminRoles;
use labelchain_protocol::{
    calls::{IEmissionMinter, IEscrowHooks, ITaskTerms},
    clock,
    limits::{quality, roles, tier, MAX_BATCH},
    math::{address_word, keccak_words, word},
    terms::status,
    TaskTerms,
};
use openzeppelin_stylus::utils::pausable::EnforcedPause;
use stylus_sdk::{
    call::Call,
    prelude::*,
    storage::{StorageAddress, StorageMap},
};

pub use errors::*;
pub use events::*;
use ledger::{Emission, Ledger};
use state::{item_status, void_reason, Reputation, TaskState};

#[entrypoint]
#[storage]
pub struct ConsensusVerifier {
    roles: AdminRoles,
    registry: StorageAddress,
    escrow: StorageAddress,
    token: StorageAddress,
    tasks: StorageMap<u64, TaskState>,
    reputation: StorageMap<Address, Reputation>,
}

/// `keccak256(abi.encode(chainId, verifier, task, item, labeller, label, salt))`: binding
/// every context field means a commitment cannot be replayed by another labeller, on
/// another item or task, or on another deployment or chain.
pub fn commitment_hash(
    chain_id: u64,
    verifier: Address,
    task: u64,
    item: u32,
    labeller: Address,
    label: u8,
    salt: B256,
) -> B256 {
    keccak_words(&[
        word(chain_id),
        address_word(verifier),
        word(task),
        word(item),
        address_word(labeller),
        word(label),
        salt.0,
    ])
}

fn check_batch(len: usize, other: usize) -> Result<(), Error> {
    if len != other {
        return Err(LengthMismatch {}.into());
    }
    if len == 0 {
        return Err(EmptyBatch {}.into());
    }
    if len > MAX_BATCH {
        return Err(BatchTooLarge {
            len: U256::from(len),
            max: U256::from(MAX_BATCH),
        }
        .into());
    }
    Ok(())
}

#[public]
impl ConsensusVerifier {
    #[constructor]
    pub fn constructor(
        &mut self,
        admin: Address,
        registry: Address,
        escrow: Address,
        token: Address,
    ) -> Result<(), Error> {
        if admin.is_zero() || registry.is_zero() || escrow.is_zero() || token.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        self.roles.init(admin);
        self.registry.set(registry);
        self.escrow.set(escrow);
        self.token.set(token);
        Ok(())
    }

    // ---- labellers ----

    /// Commits to a label for one item; locks `stakePerLabel` of the caller's free stake.
    pub fn commit(&mut self, task: u64, item: u32, commitment: B256) -> Result<(), Error> {
        self.commit_batch(task, vec![item], vec![commitment])
    }

    /// Up to 64 commits on one task in one call; one stake lock for all of them.
    pub fn commit_batch(
        &mut self,
        task: u64,
        items: Vec<u32>,
        commitments: Vec<B256>,
    ) -> Result<(), Error> {
        check_batch(items.len(), commitments.len())?;
        let t = self.open_terms(task)?;
        if t.paused {
            return Err(EnforcedPause {}.into());
        }
        if clock::now(self.vm()) > t.commit_end {
            return Err(CommitWindowClosed {
                commitEnd: t.commit_end,
            }
            .into());
        }
        let who = self.vm().msg_sender();
        let (_, _, my_tier) = self.reputation(who);
        if my_tier < t.min_tier {
            return Err(TierTooLow {
                tier: my_tier,
                required: t.min_tier,
            }
            .into());
        }
        let mut new_items = 0u32;
        for (&item, &commitment) in items.iter().zip(&commitments) {
            if item >= t.item_count {
                return Err(ItemOutOfRange {
                    item,
                    itemCount: t.item_count,
                }
                .into());
            }
            if commitment.is_zero() {
                return Err(EmptyCommitment {}.into());
            }
            let mut st = self.tasks.setter(task);
            let mut it = st.items.setter(item);
            let n = it.commits.get().to::<u8>();
            if n >= t.labellers_per_item {
                return Err(ItemFull { item }.into());
            }
            if (0..n).any(|i| it.ballots.getter(i).labeller.get() == who) {
                return Err(AlreadyCommitted { item }.into());
            }
            it.ballots.setter(n).labeller.set(who);
            it.commitments.setter(n).set(commitment);
            it.commits.set(U8::from(n + 1));
            if n == 0 {
                it.status.set(U8::from(item_status::OPEN));
                new_items += 1;
            }
            log(
                self.vm(),
                Committed {
                    task,
                    item,
                    labeller: who,
                    commitment,
                },
            );
        }
        let count = items.len() as u32;
        let mut st = self.tasks.setter(task);
        let before = st.commits.get().to::<u32>();
        st.commits.set(U32::from(before + count));
        let open = st.open_items.get().to::<u32>() + new_items;
        st.open_items.set(U32::from(open));
        let escrow = self.escrow.get();
        if before == 0 {
            IEscrowHooks::new(escrow).collect_fee(Call::new_in(self), task)?;
        }
        let stake = t.stake_per_label * U256::from(count);
        IEscrowHooks::new(escrow).lock(Call::new_in(self), who, stake)?;
        Ok(())
    }

    /// Reveals the label and salt behind the caller's commitment, after the commit window.
    pub fn reveal(&mut self, task: u64, item: u32, label: u8, salt: B256) -> Result<(), Error> {
        self.reveal_batch(task, vec![item], vec![label], vec![salt])
    }

    pub fn reveal_batch(
        &mut self,
        task: u64,
        items: Vec<u32>,
        labels: Vec<u8>,
        salts: Vec<B256>,
    ) -> Result<(), Error> {
        check_batch(items.len(), labels.len())?;
        check_batch(items.len(), salts.len())?;
        let t = self.open_terms(task)?;
        let now = clock::now(self.vm());
        if now <= t.commit_end {
            return Err(RevealWindowNotOpen {
                commitEnd: t.commit_end,
            }
            .into());
        }
        if now > t.reveal_end {
            return Err(RevealWindowClosed {
                revealEnd: t.reveal_end,
            }
            .into());
        }
        let who = self.vm().msg_sender();
        let (chain, me) = (self.vm().chain_id(), self.vm().contract_address());
        for ((&item, &label), &salt) in items.iter().zip(&labels).zip(&salts) {
            if label as u16 >= t.num_classes {
                return Err(InvalidLabel {
                    label,
                    numClasses: t.num_classes,
                }
                .into());
            }
            let expected = commitment_hash(chain, me, task, item, who, label, salt);
            let mut st = self.tasks.setter(task);
            let mut it = st.items.setter(item);
            let n = it.commits.get().to::<u8>();
            let idx = (0..n)
                .find(|&i| it.ballots.getter(i).labeller.get() == who)
                .ok_or(NotCommitted { item })?;
            if it.ballots.getter(idx).revealed.get() {
                return Err(AlreadyRevealed { item }.into());
            }
            if it.commitments.getter(idx).get() != expected {
                return Err(CommitmentMismatch { item }.into());
            }
            let mut b = it.ballots.setter(idx);
            b.revealed.set(true);
            b.label.set(U8::from(label));
            let reveals = it.reveals.get() + U8::from(1);
            it.reveals.set(reveals);
            let mut half = [0u8; 16];
            half.copy_from_slice(&salt[..16]);
            let seed = it.seed.get() ^ U128::from_be_bytes(half);
            it.seed.set(seed);
            log(
                self.vm(),
                Revealed {
                    task,
                    item,
                    labeller: who,
                    label,
                },
            );
        }
        Ok(())
    }

    // ---- finality ----

    /// Anyone: decides an item once all its commits are revealed or the reveal window is
    /// over, or ends an audit window that passed without an auditor.
    pub fn finalize(&mut self, task: u64, item: u32) -> Result<(), Error> {
        self.finalize_batch(task, vec![item])
    }

    pub fn finalize_batch(&mut self, task: u64, items: Vec<u32>) -> Result<(), Error> {
        check_batch(items.len(), items.len())?;
        let t = self.open_terms(task)?;
        let mut ledger = Ledger::default();
        for item in items {
            self.finalize_item(task, item, &t, &mut ledger)?;
        }
        self.settle(task, &t, ledger)
    }

    /// An auditor decides an item pending audit or escalated: `label` becomes final with the
    /// Audited tier, and labellers are paid or slashed against it.
    pub fn audit(&mut self, task: u64, item: u32, label: u8) -> Result<(), Error> {
        self.roles.only_role(roles::AUDITOR)?;
        let t = self.open_terms(task)?;
        if label as u16 >= t.num_classes {
            return Err(InvalidLabel {
                label,
                numClasses: t.num_classes,
            }
            .into());
        }
        let task_state = self.tasks.getter(task);
        let it = task_state.items.getter(item);
        let st = it.status.get().to::<u8>();
        let deadline = it.deadline.get().to::<u64>();
        let consensus = it.label.get().to::<u8>();
        if st != item_status::PENDING_AUDIT && st != item_status::ESCALATED {
            return Err(NotAuditable { item, status: st }.into());
        }
        if clock::now(self.vm()) > deadline {
            return Err(AuditWindowClosed { item, deadline }.into());
        }
        let auditor = self.vm().msg_sender();
        let mut ledger = Ledger::default();
        self.accept(
            task,
            item,
            &t,
            label,
            quality::AUDITED,
            Some(auditor),
            &mut ledger,
        );
        let confirmed = st == item_status::PENDING_AUDIT && label == consensus;
        log(
            self.vm(),
            Audited {
                task,
                item,
                auditor,
                label,
                confirmed,
            },
        );
        self.settle(task, &t, ledger)
    }

    // ---- views ----

    /// `(commits, open items, final items, labelsDigest)`.
    pub fn task_progress(&self, task: u64) -> (u32, u32, u32, B256) {
        let st = self.tasks.getter(task);
        (
            st.commits.get().to(),
            st.open_items.get().to(),
            st.final_items.get().to(),
            st.digest.get(),
        )
    }

    pub fn labels_digest(&self, task: u64) -> B256 {
        self.tasks.getter(task).digest.get()
    }

    /// `(status, commits, reveals, label, tier, votes, auditDeadline)`; status 0 none,
    /// 1 open, 2 pending audit, 3 escalated, 4 final, 5 void.
    pub fn get_item(&self, task: u64, item: u32) -> (u8, u8, u8, u8, u8, u8, u64) {
        let task_state = self.tasks.getter(task);
        let it = task_state.items.getter(item);
        (
            it.status.get().to(),
            it.commits.get().to(),
            it.reveals.get().to(),
            it.label.get().to(),
            it.quality.get().to(),
            it.votes.get().to(),
            it.deadline.get().to(),
        )
    }

    /// `(labeller, revealed, label)` of the `index`-th commit on an item.
    pub fn get_ballot(&self, task: u64, item: u32, index: u8) -> (Address, bool, u8) {
        let task_state = self.tasks.getter(task);
        let it = task_state.items.getter(item);
        let b = it.ballots.getter(index);
        (b.labeller.get(), b.revealed.get(), b.label.get().to())
    }

    /// `(agreed, total, tier)`; tier 0 Bronze, 1 Silver, 2 Gold.
    pub fn reputation(&self, account: Address) -> (u64, u64, u8) {
        let r = self.reputation.getter(account);
        let (agreed, total) = (r.agreed.get().to::<u64>(), r.total.get().to::<u64>());
        (agreed, total, tier::of(agreed, total))
    }

    /// The commitment the caller of `reveal` must have committed, for clients to compute
    /// the same bytes the contract checks.
    pub fn commitment_of(
        &self,
        task: u64,
        item: u32,
        labeller: Address,
        label: u8,
        salt: B256,
    ) -> B256 {
        commitment_hash(
            self.vm().chain_id(),
            self.vm().contract_address(),
            task,
            item,
            labeller,
            label,
            salt,
        )
    }

    pub fn registry(&self) -> Address {
        self.registry.get()
    }

    pub fn escrow(&self) -> Address {
        self.escrow.get()
    }

    pub fn token(&self) -> Address {
        self.token.get()
    }

    // ---- roles ----

    pub fn has_role(&self, role: B256, account: Address) -> bool {
        self.roles.has_role(role, account)
    }

    pub fn get_role_admin(&self, role: B256) -> B256 {
        self.roles.get_role_admin(role)
    }

    pub fn grant_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        Ok(self.roles.grant_role(role, account)?)
    }

    pub fn revoke_role(&mut self, role: B256, account: Address) -> Result<(), Error> {
        Ok(self.roles.revoke_role(role, account)?)
    }

    pub fn renounce_role(&mut self, role: B256, confirmation: Address) -> Result<(), Error> {
        Ok(self.roles.renounce_role(role, confirmation)?)
    }

    pub fn admin(&self) -> Address {
        self.roles.admin()
    }

    pub fn pending_admin(&self) -> Address {
        self.roles.pending_admin()
    }

    pub fn begin_admin_transfer(&mut self, new_admin: Address) -> Result<(), Error> {
        Ok(self.roles.begin_admin_transfer(new_admin)?)
    }

    pub fn accept_admin_transfer(&mut self) -> Result<(), Error> {
        Ok(self.roles.accept_admin_transfer()?)
    }
}

impl ConsensusVerifier {
    /// The task's terms from the registry; reverts unless the task is open.
    fn open_terms(&mut self, task: u64) -> Result<TaskTerms, Error> {
        let registry = self.registry.get();
        let (w0, w1, w2, reward, stake) =
            ITaskTerms::new(registry).terms(Call::new_in(self), task)?;
        let t = TaskTerms::unpack([w0, w1, w2], reward, stake);
        if t.status != status::OPEN {
            return Err(TaskNotOpen { task }.into());
        }
        Ok(t)
    }

    fn finalize_item(
        &mut self,
        task: u64,
        item: u32,
        t: &TaskTerms,
        ledger: &mut Ledger,
    ) -> Result<(), Error> {
        let now = clock::now(self.vm());
        let task_state = self.tasks.getter(task);
        let it = task_state.items.getter(item);
        let st = it.status.get().to::<u8>();
        let commits = it.commits.get().to::<u32>();
        let reveals = it.reveals.get().to::<u32>();
        let deadline = it.deadline.get().to::<u64>();
        let seed = it.seed.get().to::<u128>();
        let (label, quality) = (it.label.get().to::<u8>(), it.quality.get().to::<u8>());
        let revealed: Vec<u8> = (0..commits as u8)
            .map(|i| it.ballots.getter(i))
            .filter(|b| b.revealed.get())
            .map(|b| b.label.get().to::<u8>())
            .collect();
        match st {
            item_status::OPEN => {
                if reveals < commits && now <= t.reveal_end {
                    return Err(RevealsPending {
                        item,
                        revealEnd: t.reveal_end,
                    }
                    .into());
                }
                if commits < t.min_commits() {
                    self.void(task, item, t, void_reason::TOO_FEW_COMMITS, ledger);
                    return Ok(());
                }
                match tally::plurality(&revealed) {
                    Some((l, v, true)) if tally::meets(v, commits, t.threshold_bps) => {
                        let q = tally::consensus_quality(v, commits);
                        if tally::audit_draw(seed, task, item) < t.audit_rate_bps {
                            let deadline = now + t.audit_window;
                            let mut w = self.tasks.setter(task);
                            let mut it = w.items.setter(item);
                            it.status.set(U8::from(item_status::PENDING_AUDIT));
                            it.label.set(U8::from(l));
                            it.quality.set(U8::from(q));
                            it.votes.set(U8::from(v));
                            it.deadline.set(U64::from(deadline));
                            log(
                                self.vm(),
                                ItemPendingAudit {
                                    task,
                                    item,
                                    label: l,
                                    deadline,
                                },
                            );
                        } else {
                            self.accept(task, item, t, l, q, None, ledger);
                        }
                    }
                    _ => {
                        let deadline = now + t.audit_window;
                        let mut w = self.tasks.setter(task);
                        let mut it = w.items.setter(item);
                        it.status.set(U8::from(item_status::ESCALATED));
                        it.deadline.set(U64::from(deadline));
                        log(
                            self.vm(),
                            ItemEscalated {
                                task,
                                item,
                                deadline,
                            },
                        );
                    }
                }
                Ok(())
            }
            item_status::PENDING_AUDIT | item_status::ESCALATED => {
                if now <= deadline {
                    return Err(AuditPending { item, deadline }.into());
                }
                if st == item_status::PENDING_AUDIT {
                    self.accept(task, item, t, label, quality, None, ledger);
                } else {
                    self.void(task, item, t, void_reason::UNRESOLVED, ledger);
                }
                Ok(())
            }
            other => Err(NotFinalizable {
                item,
                status: other,
            }
            .into()),
        }
    }

    /// `label` is final: agreeing labellers are paid, the others slashed; the item joins
    /// the labels digest and, if anyone agreed, earns emission.
    #[allow(clippy::too_many_arguments)]
    fn accept(
        &mut self,
        task: u64,
        item: u32,
        t: &TaskTerms,
        label: u8,
        quality: u8,
        auditor: Option<Address>,
        ledger: &mut Ledger,
    ) {
        let ballots = self.ballots(task, item);
        let mut winners = Vec::new();
        for &(who, revealed, l) in &ballots {
            let agreed = revealed && l == label;
            if agreed {
                ledger.release(who, t.stake_per_label, 0, t.reward_per_label);
                winners.push(who);
            } else {
                let rate = if revealed {
                    t.slash_bps
                } else {
                    t.no_reveal_slash_bps
                };
                ledger.release(who, t.stake_per_label, rate, U256::ZERO);
            }
            self.record(who, agreed);
        }
        let unpaid = t.labellers_per_item as usize - winners.len();
        ledger.refund += U256::from(unpaid) * t.reward_per_label;
        let votes = winners.len() as u8;
        let mut w = self.tasks.setter(task);
        let seq = w.final_items.get().to::<u32>() + 1;
        w.final_items.set(U32::from(seq));
        let open = w.open_items.get() - U32::from(1);
        w.open_items.set(open);
        let digest = keccak_words(&[w.digest.get().0, word(item), word(label), word(quality)]);
        w.digest.set(digest);
        let mut it = w.items.setter(item);
        it.status.set(U8::from(item_status::FINAL));
        it.label.set(U8::from(label));
        it.quality.set(U8::from(quality));
        it.votes.set(U8::from(votes));
        let commits = ballots.len() as u8;
        log(
            self.vm(),
            ItemFinalized {
                task,
                item,
                label,
                tier: quality,
                votes,
                commits,
                seq,
                digest,
            },
        );
        if !winners.is_empty() {
            ledger.emissions.push(Emission {
                multiplier_bps: t.multiplier_bps(quality),
                winners,
                auditor,
            });
        }
    }

    /// No label: stakes come back (non-revealers still slashed), the bounty is refunded.
    fn void(&mut self, task: u64, item: u32, t: &TaskTerms, reason: u8, ledger: &mut Ledger) {
        for (who, revealed, _) in self.ballots(task, item) {
            if revealed {
                ledger.release(who, t.stake_per_label, 0, U256::ZERO);
            } else {
                ledger.release(who, t.stake_per_label, t.no_reveal_slash_bps, U256::ZERO);
                self.record(who, false);
            }
        }
        ledger.refund += U256::from(t.labellers_per_item) * t.reward_per_label;
        let mut w = self.tasks.setter(task);
        let open = w.open_items.get() - U32::from(1);
        w.open_items.set(open);
        w.items.setter(item).status.set(U8::from(item_status::VOID));
        log(self.vm(), ItemVoided { task, item, reason });
    }

    fn ballots(&self, task: u64, item: u32) -> Vec<(Address, bool, u8)> {
        let task_state = self.tasks.getter(task);
        let it = task_state.items.getter(item);
        (0..it.commits.get().to::<u8>())
            .map(|i| {
                let b = it.ballots.getter(i);
                (b.labeller.get(), b.revealed.get(), b.label.get().to::<u8>())
            })
            .collect()
    }

    fn record(&mut self, who: Address, agreed: bool) {
        let mut r = self.reputation.setter(who);
        let total = r.total.get() + U64::from(1);
        r.total.set(total);
        if agreed {
            let a = r.agreed.get() + U64::from(1);
            r.agreed.set(a);
        }
    }

    /// One token call for all emission, one escrow call for everything else.
    fn settle(&mut self, task: u64, t: &TaskTerms, mut ledger: Ledger) -> Result<(), Error> {
        let escrow = self.escrow.get();
        if !ledger.emissions.is_empty() {
            let multipliers: Vec<u16> = ledger.emissions.iter().map(|e| e.multiplier_bps).collect();
            let token = self.token.get();
            let amounts = IEmissionMinter::new(token).mint_emission(
                Call::new_in(self),
                escrow,
                multipliers,
            )?;
            ledger.distribute(&amounts, t.auditor_share_bps);
        }
        if !ledger.is_empty() {
            IEscrowHooks::new(escrow).settle(
                Call::new_in(self),
                task,
                ledger.accounts,
                ledger.unlocked,
                ledger.slashed,
                ledger.paid,
                ledger.minted,
                ledger.refund,
                t.slash_burn_bps,
            )?;
        }
        Ok(())
    }
}
