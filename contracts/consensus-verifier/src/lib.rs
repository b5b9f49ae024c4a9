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
//! Built with OpenZeppelin `Ownable2Step` (OZ's two-step ownership transfer) for the owner,
//! whose only power is keeping the set of auditors (`setAuditor`); the registry, escrow and
//! token it calls are fixed at deployment (`wiring`). All consensus logic is hand-written
//! (OZ has no equivalent).
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
mod wire;

use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, B256, U256};
use labelchain_protocol::{
    clock,
    limits::{quality, tier, MAX_BATCH},
    math::{address_word, keccak_words, word},
    terms::status,
    TaskTerms,
};
use openzeppelin_stylus::{
    access::ownable_two_step::{IOwnable2Step, Ownable2Step},
    utils::pausable::EnforcedPause,
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256},
};

pub use errors::*;
pub use events::*;
use ledger::{Emission, Ledger};
use state::{
    item_status, record_label, unpack_reputation, void_reason, Ballot, Counts, Header, TaskState,
};
pub use wire::ARB_SYS;

#[entrypoint]
#[storage]
pub struct ConsensusVerifier {
    owner: Ownable2Step,
    /// Accounts the owner allowed to `audit`.
    auditors: StorageMap<Address, StorageBool>,
    registry: StorageAddress,
    escrow: StorageAddress,
    token: StorageAddress,
    tasks: StorageMap<u64, TaskState>,
    /// labeller => `(agreed, total)` packed.
    reputation: StorageMap<Address, StorageU256>,
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
    if len == 0 || len > MAX_BATCH {
        return Err(InvalidBatchSize {
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
        self.owner.constructor(admin)?;
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
    ///
    /// Kept whole (about 90 lines): the task's checks, one pass over the batch holding the
    /// task's storage setter, then one fee collection and one lock. Splitting it means
    /// changing program code, and this program has about 120 B of headroom under the
    /// 24,576 B Stylus limit (a split was not measured).
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
        let mut counts = Counts::unpack(self.tasks.getter(task).counts.get());
        let first_commit = counts.commits == 0;
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
            let mut h = Header::unpack(it.header.get());
            let n = h.commits;
            if n >= t.labellers_per_item {
                return Err(ItemFull { item }.into());
            }
            if (0..n).any(|i| Ballot::unpack(it.ballots.get(i)).labeller == who) {
                return Err(AlreadyCommitted { item }.into());
            }
            it.ballots.insert(
                n,
                Ballot {
                    labeller: who,
                    ..Default::default()
                }
                .pack(),
            );
            it.commitments.insert(n, commitment);
            if n == 0 {
                h.status = item_status::OPEN;
                counts.open_items += 1;
            }
            h.commits = n + 1;
            it.header.set(h.pack());
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
        // Cannot overflow: each commit filled one of the task's `itemCount * k` slots, and
        // the registry bounds that product by `u32::MAX` (`MAX_LABELS_PER_TASK`).
        counts.commits += items.len() as u32;
        self.tasks.setter(task).counts.set(counts.pack());
        let escrow = self.escrow.get();
        if first_commit {
            wire::collect_fee(escrow, task)?;
        }
        // <= (2^96 - 1) * 64 < 2^102: the registry bounds the stake (`MAX_AMOUNT_PER_LABEL`)
        // and `check_batch` the length, so the lock cannot wrap (it once did, at 2^255 + 1).
        let stake = t.stake_per_label * U256::from(items.len());
        wire::lock(escrow, who, stake)?;
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
        if now <= t.commit_end || now > t.reveal_end {
            return Err(OutsideRevealWindow {
                opensAfter: t.commit_end,
                closesAt: t.reveal_end,
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
            let mut h = Header::unpack(it.header.get());
            let (idx, mut ballot) = (0..h.commits)
                .map(|i| (i, Ballot::unpack(it.ballots.get(i))))
                .find(|(_, b)| b.labeller == who)
                .ok_or(NotCommitted { item })?;
            if ballot.revealed {
                return Err(AlreadyRevealed { item }.into());
            }
            if it.commitments.get(idx) != expected {
                return Err(CommitmentMismatch { item }.into());
            }
            ballot.revealed = true;
            ballot.label = label;
            it.ballots.insert(idx, ballot.pack());
            let mut half = [0u8; 16];
            half.copy_from_slice(&salt[..16]);
            h.reveals += 1;
            h.seed ^= u128::from_be_bytes(half);
            it.header.set(h.pack());
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
        let mut entropy = [0u8; 32];
        for item in items {
            self.finalize_item(task, item, &t, &mut ledger, &mut entropy)?;
        }
        self.settle(task, &t, ledger)
    }

    /// An auditor decides an item pending audit or escalated: `label` becomes final with the
    /// Audited tier, and labellers are paid or slashed against it.
    pub fn audit(&mut self, task: u64, item: u32, label: u8) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if !self.auditors.get(caller) {
            return Err(NotAuditor { caller }.into());
        }
        let t = self.open_terms(task)?;
        if label as u16 >= t.num_classes {
            return Err(InvalidLabel {
                label,
                numClasses: t.num_classes,
            }
            .into());
        }
        let h = self.header(task, item);
        if h.status != item_status::PENDING_AUDIT && h.status != item_status::ESCALATED {
            return Err(NotAuditable {
                item,
                status: h.status,
            }
            .into());
        }
        if clock::now(self.vm()) > h.deadline {
            return Err(AuditWindowClosed {
                item,
                deadline: h.deadline,
            }
            .into());
        }
        let auditor = caller;
        if auditor == t.requester {
            return Err(AuditorIsRequester { task }.into());
        }
        let ballots = self.ballots(task, item);
        if ballots.iter().any(|b| b.labeller == auditor) {
            return Err(AuditorIsLabeller { item }.into());
        }
        let mut ledger = Ledger::default();
        self.accept(
            task,
            item,
            &t,
            &ballots,
            label,
            quality::AUDITED,
            Some(auditor),
            &mut ledger,
        );
        let confirmed = h.status == item_status::PENDING_AUDIT && label == h.label;
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
        let c = Counts::unpack(st.counts.get());
        (c.commits, c.open_items, c.final_items, st.digest.get())
    }

    /// `(status, commits, reveals, label, tier, votes, auditDeadline)`; status 0 none,
    /// 1 open, 2 pending audit, 3 escalated, 4 final, 5 void.
    pub fn get_item(&self, task: u64, item: u32) -> (u8, u8, u8, u8, u8, u8, u64) {
        let h = self.header(task, item);
        (
            h.status, h.commits, h.reveals, h.label, h.quality, h.votes, h.deadline,
        )
    }

    /// `(agreed, total, tier)`; tier 0 Bronze, 1 Silver, 2 Gold.
    pub fn reputation(&self, account: Address) -> (u64, u64, u8) {
        let (agreed, total) = unpack_reputation(self.reputation.get(account));
        (agreed, total, tier::of(agreed, total))
    }

    /// `(registry, escrow, token)`: the contracts this verifier calls, fixed at deployment.
    pub fn wiring(&self) -> (Address, Address, Address) {
        (self.registry.get(), self.escrow.get(), self.token.get())
    }

    pub fn is_auditor(&self, account: Address) -> bool {
        self.auditors.get(account)
    }

    // ---- owner ----

    /// Adds (`allowed`) or removes an auditor. Owner only.
    pub fn set_auditor(&mut self, auditor: Address, allowed: bool) -> Result<(), Error> {
        self.owner.ownable.only_owner()?;
        if auditor.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        self.auditors.insert(auditor, allowed);
        log(self.vm(), AuditorSet { auditor, allowed });
        Ok(())
    }

    // ---- ownership (OZ Ownable2Step) ----

    pub fn owner(&self) -> Address {
        self.owner.owner()
    }

    pub fn pending_owner(&self) -> Address {
        self.owner.pending_owner()
    }

    /// Two-step (OZ `Ownable2Step`). `renounceOwnership` is deliberately not offered: the
    /// owner manages the auditor set, which must never be frozen.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        Ok(self.owner.transfer_ownership(new_owner)?)
    }

    pub fn accept_ownership(&mut self) -> Result<(), Error> {
        Ok(self.owner.accept_ownership()?)
    }
}

impl ConsensusVerifier {
    /// The task's terms from the registry; reverts unless the task is open.
    fn open_terms(&mut self, task: u64) -> Result<TaskTerms, Error> {
        let [w0, w1, w2, reward, stake, cap] = wire::terms(self.registry.get(), task)?;
        let t = TaskTerms::unpack([w0, w1, w2], reward, stake, cap);
        if t.status != status::OPEN {
            return Err(TaskNotOpen { task }.into());
        }
        Ok(t)
    }

    fn header(&self, task: u64, item: u32) -> Header {
        Header::unpack(self.tasks.getter(task).items.getter(item).header.get())
    }

    fn set_header(&mut self, task: u64, item: u32, h: &Header) {
        self.tasks
            .setter(task)
            .items
            .setter(item)
            .header
            .set(h.pack());
    }

    /// Finalizes one item by its status: an open item is voided (too few commits),
    /// drawn for audit, accepted or escalated; a pending or escalated item whose audit
    /// window has passed is accepted or voided.
    ///
    /// Kept whole (about 100 lines): one arm per item status, so the item state machine
    /// of DESIGN §4 reads in one place. Splitting it means changing program code, and this
    /// program has about 120 B of headroom under the 24,576 B Stylus limit (a split was not
    /// measured).
    fn finalize_item(
        &mut self,
        task: u64,
        item: u32,
        t: &TaskTerms,
        ledger: &mut Ledger,
        entropy: &mut [u8; 32],
    ) -> Result<(), Error> {
        let now = clock::now(self.vm());
        let mut h = self.header(task, item);
        match h.status {
            item_status::OPEN => {
                let commits = h.commits as u32;
                if (h.reveals as u32) < commits && now <= t.reveal_end {
                    return Err(TooEarlyToFinalize {
                        item,
                        after: t.reveal_end,
                    }
                    .into());
                }
                if commits < t.min_commits() {
                    self.void(task, item, t, void_reason::TOO_FEW_COMMITS, ledger);
                    return Ok(());
                }
                let ballots = self.ballots(task, item);
                let revealed: Vec<u8> = ballots
                    .iter()
                    .filter(|b| b.revealed)
                    .map(|b| b.label)
                    .collect();
                match tally::plurality(&revealed) {
                    Some((l, v, true)) if tally::meets(v, commits, t.threshold_bps) => {
                        let q = tally::consensus_quality(v, commits);
                        if t.audit_rate_bps > 0
                            && tally::audit_draw(h.seed, task, item, self.entropy(entropy)?)
                                < t.audit_rate_bps
                        {
                            h.status = item_status::PENDING_AUDIT;
                            h.label = l;
                            h.quality = q;
                            h.votes = v as u8;
                            // Window <= 30 days (registry bound); saturating, an absurd
                            // clock only makes the window never end, never wrap to the past.
                            h.deadline = now.saturating_add(t.audit_window);
                            self.set_header(task, item, &h);
                            log(
                                self.vm(),
                                ItemPendingAudit {
                                    task,
                                    item,
                                    label: l,
                                    deadline: h.deadline,
                                },
                            );
                        } else {
                            self.accept(task, item, t, &ballots, l, q, None, ledger);
                        }
                    }
                    _ => {
                        h.status = item_status::ESCALATED;
                        h.deadline = now.saturating_add(t.audit_window);
                        self.set_header(task, item, &h);
                        log(
                            self.vm(),
                            ItemEscalated {
                                task,
                                item,
                                deadline: h.deadline,
                            },
                        );
                    }
                }
                Ok(())
            }
            item_status::PENDING_AUDIT | item_status::ESCALATED => {
                if now <= h.deadline {
                    return Err(TooEarlyToFinalize {
                        item,
                        after: h.deadline,
                    }
                    .into());
                }
                if h.status == item_status::PENDING_AUDIT {
                    let ballots = self.ballots(task, item);
                    self.accept(task, item, t, &ballots, h.label, h.quality, None, ledger);
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
        ballots: &[Ballot],
        label: u8,
        quality: u8,
        auditor: Option<Address>,
        ledger: &mut Ledger,
    ) {
        let mut winners = Vec::new();
        for b in ballots {
            let agreed = b.revealed && b.label == label;
            if agreed {
                ledger.release(b.labeller, t.stake_per_label, 0, t.reward_per_label);
                winners.push(b.labeller);
            } else {
                let rate = if b.revealed {
                    t.slash_bps
                } else {
                    t.no_reveal_slash_bps
                };
                ledger.release(b.labeller, t.stake_per_label, rate, U256::ZERO);
            }
            self.record(b.labeller, agreed);
        }
        // winners <= commits <= k. The refund sums at most 64 items of k <= 32 rewards
        // below 2^96 each: < 2^107, no wrap.
        let unpaid = t.labellers_per_item as usize - winners.len();
        ledger.refund += U256::from(unpaid) * t.reward_per_label;
        let votes = winners.len() as u8;
        let mut st = self.tasks.setter(task);
        let mut counts = Counts::unpack(st.counts.get());
        // An item being accepted was open (counted at its first commit), and final items
        // are at most `itemCount <= u32::MAX`.
        counts.final_items += 1;
        counts.open_items -= 1;
        st.counts.set(counts.pack());
        let digest = keccak_words(&[st.digest.get().0, word(item), word(label), word(quality)]);
        st.digest.set(digest);
        let mut it = st.items.setter(item);
        let mut h = Header::unpack(it.header.get());
        h.status = item_status::FINAL;
        h.label = label;
        h.quality = quality;
        h.votes = votes;
        it.header.set(h.pack());
        let (commits, seq) = (h.commits, counts.final_items);
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
        // Emission is bounded by what the requester paid the protocol for this item
        // (DESIGN §3); an item whose cap is zero (a token without an emission rate) earns
        // none and does not count towards the schedule.
        if !winners.is_empty() && !t.emission_cap.is_zero() {
            ledger.emissions.push(Emission {
                multiplier_bps: t.multiplier_bps(quality),
                cap: t.emission_cap,
                winners,
                auditor,
            });
        }
    }

    /// No label: stakes come back (non-revealers still slashed), the bounty is refunded.
    fn void(&mut self, task: u64, item: u32, t: &TaskTerms, reason: u8, ledger: &mut Ledger) {
        for b in self.ballots(task, item) {
            if b.revealed {
                ledger.release(b.labeller, t.stake_per_label, 0, U256::ZERO);
            } else {
                ledger.release(
                    b.labeller,
                    t.stake_per_label,
                    t.no_reveal_slash_bps,
                    U256::ZERO,
                );
                self.record(b.labeller, false);
            }
        }
        // < 2^101 per item. An escalation no auditor resolved forfeits its bounty to the
        // treasury: refunding it would let a requester force escalations (one withheld
        // reveal of their own) and get the honest labels, public in `Revealed`, for free.
        let bounty = U256::from(t.labellers_per_item) * t.reward_per_label;
        if reason == void_reason::UNRESOLVED {
            ledger.forfeit += bounty;
        } else {
            ledger.refund += bounty;
        }
        let mut st = self.tasks.setter(task);
        let mut counts = Counts::unpack(st.counts.get());
        counts.open_items -= 1; // the item was open: counted at its first commit
        st.counts.set(counts.pack());
        let mut it = st.items.setter(item);
        let mut h = Header::unpack(it.header.get());
        h.status = item_status::VOID;
        it.header.set(h.pack());
        log(self.vm(), ItemVoided { task, item, reason });
    }

    /// The block hash the spot-check draw mixes with the salts ([`tally::audit_draw`]):
    /// ArbSys's `arbBlockHash` of the previous block (on Arbitrum the current block has
    /// none yet). Fetched at most once per transaction, and only when an accepted item of
    /// a task with a non-zero audit rate needs a draw; `cached` is zero until then (a
    /// block hash of zero would only be fetched again).
    ///
    /// Why it makes the draw unsteerable by labellers and the requester: the salts are
    /// bound by commitments before the commit window closes, while a draw happens only at
    /// finality (every commit revealed, or the reveal window over), so the block whose
    /// hash it uses comes after the last commit. Whoever picks a salt cannot know that
    /// hash, and no labeller or requester can set it.
    ///
    /// Residual, honestly: the finalizer chooses the block, and anyone may finalize. The
    /// hash of block `n - 1` is public when a transaction for block `n` is sent, so a
    /// finalizer can compute the draw beforehand and finalize only in a block that skips
    /// the spot-check (by waiting, or through a contract that reverts otherwise). That
    /// helps a ring only if it finalizes before anyone else: from the moment the item is
    /// finalizable any honest party (requester, auditor, keeper) can finalize it and take
    /// that choice away. Salts alone gave a ring a certain skip for free; this leaves it a
    /// race against every other finalizer.
    fn entropy(&self, cached: &mut [u8; 32]) -> Result<[u8; 32], Error> {
        if *cached == [0; 32] {
            // Every Arbitrum block after genesis has a predecessor; native tests run at 0.
            *cached = wire::arb_block_hash(self.vm().block_number().saturating_sub(1))?;
        }
        Ok(*cached)
    }

    fn ballots(&self, task: u64, item: u32) -> Vec<Ballot> {
        let st = self.tasks.getter(task);
        let it = st.items.getter(item);
        let n = Header::unpack(it.header.get()).commits;
        (0..n).map(|i| Ballot::unpack(it.ballots.get(i))).collect()
    }

    fn record(&mut self, who: Address, agreed: bool) {
        let record = self.reputation.get(who);
        self.reputation.insert(who, record_label(record, agreed));
    }

    /// One token call for all emission, one escrow call for everything else.
    fn settle(&mut self, task: u64, t: &TaskTerms, mut ledger: Ledger) -> Result<(), Error> {
        let escrow = self.escrow.get();
        if !ledger.emissions.is_empty() {
            // cap < 2^226 (registry bounds), so `cap << 16` keeps every bit.
            let requests: Vec<U256> = ledger
                .emissions
                .iter()
                .map(|e| (e.cap << 16) | U256::from(e.multiplier_bps))
                .collect();
            let token = self.token.get();
            let amounts = wire::mint_emission(token, escrow, &requests)?;
            ledger.distribute(&amounts, t.auditor_share_bps);
        }
        if !ledger.is_empty() {
            wire::settle(
                escrow,
                task,
                &ledger.rows,
                ledger.refund,
                ledger.forfeit,
                t.slash_burn_bps,
            )?;
        }
        Ok(())
    }
}
