//! The contracts' settlement replayed on plain data: task escrow, commits, consensus,
//! spot-checks, audits, slashes, burns, emission and its split, to the wei.
//!
//! Every rounding is the contracts': basis points round down per amount, the burn is
//! taken from a whole finality transaction's slashed total, emission is minted per item in
//! the order items settle and split equally with the remainder to the first agreeing
//! labeller in commit order. Time is the caller's: each operation assumes its window
//! (the contracts check them; the simulator's agents act in order).

use crate::amount::{add, bps_of, mul, U256};
use crate::books::{Account, Asset, Books};
use crate::error::Refusal;
use crate::params::{Params, Quality, STRONG_AGREEMENT_BPS, STRONG_MIN_VOTES};
use crate::token::Token;
use crate::SimError;

/// Largest `rewardPerLabel` / `stakePerLabel` the registry accepts: 2^96 - 1.
pub const MAX_AMOUNT_PER_LABEL: u128 = (1u128 << 96) - 1;

/// What a requester asks for (the `createTask` arguments the economics depend on).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskSpec {
    pub asset: Asset,
    pub items: u32,
    pub k: u8,
    pub threshold_bps: u16,
    pub reward: U256,
    pub stake: U256,
    pub audit_rate_bps: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemStatus {
    Open,
    PendingAudit { label: u8, quality: Quality },
    Escalated,
    Final { label: u8, quality: Quality },
    Void,
}

#[derive(Clone, Copy, Debug)]
struct Ballot {
    labeller: Account,
    label: u8,
    revealed: bool,
}

#[derive(Clone, Debug)]
struct Item {
    status: ItemStatus,
    ballots: Vec<Ballot>,
}

#[derive(Clone, Debug)]
struct Task {
    requester: Account,
    spec: TaskSpec,
    /// The global parameters in force at creation (DESIGN §3).
    params: Params,
    emission_cap: U256,
    fee: U256,
    committed: bool,
    items: Vec<Item>,
}

/// How one item ended in a finality transaction, for the economy's statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Accepted { quality: Quality, emitted: U256 },
    PendingAudit,
    Escalated,
    Void { unresolved: bool },
}

/// What a finality transaction moved, in total.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settlement {
    pub outcomes: Vec<Outcome>,
    pub paid: U256,
    pub refunded: U256,
    pub forfeited: U256,
    pub slashed: U256,
    pub burned: U256,
    pub minted: U256,
}

/// Accounts are small dense integers: their value is a good enough hash, and SipHash
/// showed up as a tenth of a ten-year run's time.
#[derive(Clone, Copy, Default)]
struct AccountHash;

impl std::hash::BuildHasher for AccountHash {
    type Hasher = AccountHasher;
    fn build_hasher(&self) -> AccountHasher {
        AccountHasher(0)
    }
}

struct AccountHasher(u64);

impl std::hash::Hasher for AccountHasher {
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | *b as u64;
        }
    }
    fn write_u32(&mut self, v: u32) {
        self.0 = v as u64;
    }
}

/// Per-account movements gathered across a transaction, as the verifier's ledger.
#[derive(Default)]
struct Ledger {
    rows: Vec<(Account, [U256; 4])>, // unlocked, slashed, paid, minted
    /// Row of each account: a batch touches up to 64 x 32 ballots.
    index: std::collections::HashMap<Account, usize, AccountHash>,
    refund: U256,
    forfeit: U256,
    emissions: Vec<Emission>,
    /// Index of the outcome being decided, so its emission can be reported with it.
    current: usize,
}

/// An accepted item's claim on emission: `(cap, multiplier)` for the token, then the split.
struct Emission {
    cap: U256,
    multiplier_bps: u16,
    winners: Vec<Account>,
    auditor: Option<Account>,
    outcome: usize,
}

impl Ledger {
    fn add(&mut self, who: Account, col: usize, amount: U256) -> Result<(), SimError> {
        let rows = &mut self.rows;
        let i = *self.index.entry(who).or_insert_with(|| {
            rows.push((who, [U256::ZERO; 4]));
            rows.len() - 1
        });
        self.rows[i].1[col] = add(self.rows[i].1[col], amount)?;
        Ok(())
    }

    fn release(
        &mut self,
        who: Account,
        stake: U256,
        slash_bps: u16,
        pay: U256,
    ) -> Result<(), SimError> {
        let slash = bps_of(stake, slash_bps)?;
        self.add(who, 0, stake - slash)?;
        self.add(who, 1, slash)?;
        self.add(who, 2, pay)
    }
}

pub struct Protocol {
    pub params: Params,
    /// `emissionRate` per payment token (WAD), as the admin set it.
    pub rates: [U256; 2],
    pub token: Token,
    pub books: Books,
    pub treasury: Account,
    /// Bounties and uncollected fees the escrow holds, per payment token.
    pub escrowed: [U256; 2],
    reputation: Vec<(u64, u64)>,
    tasks: Vec<Task>,
}

pub type TaskId = usize;

impl Protocol {
    /// A deployment: genesis minted to the treasury's wallet, the given emission rates.
    pub fn new(params: Params, treasury: Account, rates: [U256; 2]) -> Result<Self, SimError> {
        params.validate()?;
        let token = Token::new(&params);
        let mut books = Books::default();
        books.fund(treasury, Asset::Lbl, token.supply)?;
        Ok(Protocol {
            params,
            rates,
            token,
            books,
            treasury,
            escrowed: [U256::ZERO; 2],
            reputation: Vec::new(),
            tasks: Vec::new(),
        })
    }

    /// The registry's checks on the amounts and shape of a task.
    fn validate(spec: &TaskSpec) -> Result<(), SimError> {
        let bad = |f| Err(SimError::Refused(Refusal::InvalidTaskParameter(f)));
        let max = U256::from(MAX_AMOUNT_PER_LABEL);
        if spec.items == 0 || spec.items as u64 * spec.k as u64 > u32::MAX as u64 {
            return bad(1);
        }
        if !(1..=32).contains(&spec.k) {
            return bad(3);
        }
        if !(5_001..=10_000).contains(&spec.threshold_bps) {
            return bad(4);
        }
        if spec.reward.is_zero() || spec.reward > max {
            return bad(5);
        }
        if spec.stake.is_zero() || spec.stake > max {
            return bad(6);
        }
        if spec.audit_rate_bps > 10_000 {
            return bad(9);
        }
        Ok(())
    }

    /// `createTask`: escrows `items x k x reward` plus the fee from the requester.
    pub fn create_task(&mut self, requester: Account, spec: TaskSpec) -> Result<TaskId, SimError> {
        Self::validate(&spec)?;
        let labels = U256::from(spec.items as u64 * spec.k as u64);
        let bounty = mul(labels, spec.reward)?;
        let fee = bps_of(bounty, self.params.fee_bps)?;
        let rate = self.rates[spec.asset as usize];
        let emission_cap = self.params.emission_cap(spec.k, spec.reward, rate)?;
        self.books.pay(requester, spec.asset, add(bounty, fee)?)?;
        let held = &mut self.escrowed[spec.asset as usize];
        *held = add(*held, add(bounty, fee)?)?;
        let item = Item {
            status: ItemStatus::Open,
            ballots: Vec::new(),
        };
        self.tasks.push(Task {
            requester,
            spec,
            params: self.params.clone(),
            emission_cap,
            fee,
            committed: false,
            items: vec![item; spec.items as usize],
        });
        Ok(self.tasks.len() - 1)
    }

    /// Forgets a finished task's items (the simulator's memory, not the chain's state):
    /// a ten-year run creates millions of items.
    pub fn retire(&mut self, task: TaskId) {
        self.tasks[task].items = Vec::new();
    }

    /// What the task was created with.
    pub fn spec(&self, task: TaskId) -> TaskSpec {
        self.tasks[task].spec
    }

    pub fn requester(&self, task: TaskId) -> Account {
        self.tasks[task].requester
    }

    pub fn emission_cap(&self, task: TaskId) -> U256 {
        self.tasks[task].emission_cap
    }

    pub fn status(&self, task: TaskId, item: u32) -> ItemStatus {
        self.tasks[task].items[item as usize].status
    }

    pub fn reputation(&self, who: Account) -> (u64, u64) {
        self.reputation.get(who as usize).copied().unwrap_or((0, 0))
    }

    fn item_mut(&mut self, task: TaskId, item: u32) -> Result<&mut Item, SimError> {
        self.tasks[task]
            .items
            .get_mut(item as usize)
            .ok_or(SimError::Refused(Refusal::ItemOutOfRange))
    }

    /// `commit`: locks the task's stake; the task's first commit collects its fee.
    pub fn commit(
        &mut self,
        task: TaskId,
        item: u32,
        who: Account,
        label: u8,
    ) -> Result<(), SimError> {
        let (k, stake) = (self.tasks[task].spec.k, self.tasks[task].spec.stake);
        let it = self.item_mut(task, item)?;
        if it.ballots.iter().any(|b| b.labeller == who) {
            return Err(SimError::Refused(Refusal::AlreadyCommitted));
        }
        if it.ballots.len() >= k as usize {
            return Err(SimError::Refused(Refusal::ItemFull));
        }
        self.books.lock(who, stake)?;
        self.item_mut(task, item)?.ballots.push(Ballot {
            labeller: who,
            label,
            revealed: false,
        });
        let t = &mut self.tasks[task];
        if !t.committed {
            t.committed = true;
            let (asset, fee) = (t.spec.asset, std::mem::take(&mut t.fee));
            self.books.credit(self.treasury, asset, fee)?;
            self.escrowed[asset as usize] = crate::amount::sub(self.escrowed[asset as usize], fee)?;
        }
        Ok(())
    }

    /// `reveal` of the label committed.
    pub fn reveal(&mut self, task: TaskId, item: u32, who: Account) -> Result<(), SimError> {
        let it = self.item_mut(task, item)?;
        let b = it
            .ballots
            .iter_mut()
            .find(|b| b.labeller == who)
            .ok_or(SimError::Refused(Refusal::NotCommitted))?;
        b.revealed = true;
        Ok(())
    }

    /// `finalizeBatch`, called when each item's window allows it. `spot_check` answers
    /// the draw for an accepted item (the chain draws from the salts and a block hash).
    pub fn finalize(
        &mut self,
        task: TaskId,
        items: &[u32],
        spot_check: &mut dyn FnMut(u32) -> bool,
    ) -> Result<Settlement, SimError> {
        let mut ledger = Ledger::default();
        let mut outcomes = Vec::with_capacity(items.len());
        for &item in items {
            ledger.current = outcomes.len();
            let outcome = self.finalize_item(task, item, spot_check, &mut ledger)?;
            outcomes.push(outcome);
        }
        self.settle(task, ledger, outcomes)
    }

    fn finalize_item(
        &mut self,
        task: TaskId,
        item: u32,
        spot_check: &mut dyn FnMut(u32) -> bool,
        ledger: &mut Ledger,
    ) -> Result<Outcome, SimError> {
        let spec = self.tasks[task].spec;
        let status = self.item_mut(task, item)?.status;
        match status {
            ItemStatus::Open => {
                let ballots = self.tasks[task].items[item as usize].ballots.clone();
                let commits = ballots.len() as u32;
                let min = (spec.k as u32 * spec.threshold_bps as u32).div_ceil(10_000);
                if commits < min {
                    self.void(task, item, false, ledger)?;
                    return Ok(Outcome::Void { unresolved: false });
                }
                let revealed: Vec<u8> = ballots
                    .iter()
                    .filter(|b| b.revealed)
                    .map(|b| b.label)
                    .collect();
                match plurality(&revealed) {
                    Some((label, votes, true)) if meets(votes, commits, spec.threshold_bps) => {
                        let quality = consensus_quality(votes, commits);
                        if spec.audit_rate_bps > 0 && spot_check(item) {
                            self.item_mut(task, item)?.status =
                                ItemStatus::PendingAudit { label, quality };
                            Ok(Outcome::PendingAudit)
                        } else {
                            self.accept(task, item, label, quality, None, ledger)?;
                            Ok(Outcome::Accepted {
                                quality,
                                emitted: U256::ZERO,
                            })
                        }
                    }
                    _ => {
                        self.item_mut(task, item)?.status = ItemStatus::Escalated;
                        Ok(Outcome::Escalated)
                    }
                }
            }
            ItemStatus::PendingAudit { label, quality } => {
                self.accept(task, item, label, quality, None, ledger)?;
                Ok(Outcome::Accepted {
                    quality,
                    emitted: U256::ZERO,
                })
            }
            ItemStatus::Escalated => {
                self.void(task, item, true, ledger)?;
                Ok(Outcome::Void { unresolved: true })
            }
            ItemStatus::Final { .. } | ItemStatus::Void => {
                Err(SimError::Refused(Refusal::NotFinalizable))
            }
        }
    }

    /// `audit`: the auditor's label is final with the Audited tier.
    pub fn audit(
        &mut self,
        task: TaskId,
        item: u32,
        auditor: Account,
        label: u8,
    ) -> Result<Settlement, SimError> {
        let t = &self.tasks[task];
        let it = t
            .items
            .get(item as usize)
            .ok_or(SimError::Refused(Refusal::ItemOutOfRange))?;
        if !matches!(
            it.status,
            ItemStatus::PendingAudit { .. } | ItemStatus::Escalated
        ) {
            return Err(SimError::Refused(Refusal::NotAuditable));
        }
        if auditor == t.requester {
            return Err(SimError::Refused(Refusal::AuditorIsRequester));
        }
        if it.ballots.iter().any(|b| b.labeller == auditor) {
            return Err(SimError::Refused(Refusal::AuditorIsLabeller));
        }
        let mut ledger = Ledger::default();
        self.accept(
            task,
            item,
            label,
            Quality::Audited,
            Some(auditor),
            &mut ledger,
        )?;
        let outcome = Outcome::Accepted {
            quality: Quality::Audited,
            emitted: U256::ZERO,
        };
        self.settle(task, ledger, vec![outcome])
    }

    fn record(&mut self, who: Account, agreed: bool) {
        let i = who as usize;
        if i >= self.reputation.len() {
            self.reputation.resize(i + 1, (0, 0));
        }
        let r = &mut self.reputation[i];
        r.0 = r.0.saturating_add(agreed as u64);
        r.1 = r.1.saturating_add(1);
    }

    fn accept(
        &mut self,
        task: TaskId,
        item: u32,
        label: u8,
        quality: Quality,
        auditor: Option<Account>,
        ledger: &mut Ledger,
    ) -> Result<(), SimError> {
        let t = &self.tasks[task];
        let (spec, p, cap) = (t.spec, t.params.clone(), t.emission_cap);
        let ballots = t.items[item as usize].ballots.clone();
        let mut winners = Vec::new();
        for b in &ballots {
            let agreed = b.revealed && b.label == label;
            if agreed {
                ledger.release(b.labeller, spec.stake, 0, spec.reward)?;
                winners.push(b.labeller);
            } else {
                let rate = if b.revealed {
                    p.slash_bps
                } else {
                    p.no_reveal_slash_bps
                };
                ledger.release(b.labeller, spec.stake, rate, U256::ZERO)?;
            }
            self.record(b.labeller, agreed);
        }
        let unpaid = U256::from(spec.k as usize - winners.len());
        ledger.refund = add(ledger.refund, mul(unpaid, spec.reward)?)?;
        self.item_mut(task, item)?.status = ItemStatus::Final { label, quality };
        if !winners.is_empty() && !cap.is_zero() {
            ledger.emissions.push(Emission {
                cap,
                multiplier_bps: p.multiplier_bps(quality),
                winners,
                auditor,
                outcome: ledger.current,
            });
        }
        Ok(())
    }

    fn void(
        &mut self,
        task: TaskId,
        item: u32,
        unresolved: bool,
        ledger: &mut Ledger,
    ) -> Result<(), SimError> {
        let t = &self.tasks[task];
        let (spec, no_reveal) = (t.spec, t.params.no_reveal_slash_bps);
        let ballots = t.items[item as usize].ballots.clone();
        for b in &ballots {
            if b.revealed {
                ledger.release(b.labeller, spec.stake, 0, U256::ZERO)?;
            } else {
                ledger.release(b.labeller, spec.stake, no_reveal, U256::ZERO)?;
                self.record(b.labeller, false);
            }
        }
        let bounty = mul(U256::from(spec.k), spec.reward)?;
        if unresolved {
            ledger.forfeit = add(ledger.forfeit, bounty)?;
        } else {
            ledger.refund = add(ledger.refund, bounty)?;
        }
        self.item_mut(task, item)?.status = ItemStatus::Void;
        Ok(())
    }

    /// One `mintEmission` for the transaction's accepted items, then the escrow's `settle`.
    fn settle(
        &mut self,
        task: TaskId,
        mut l: Ledger,
        mut outcomes: Vec<Outcome>,
    ) -> Result<Settlement, SimError> {
        let (asset, requester) = (self.tasks[task].spec.asset, self.tasks[task].requester);
        let p = self.tasks[task].params.clone();
        let requests: Vec<(U256, u16)> = l
            .emissions
            .iter()
            .map(|e| (e.cap, e.multiplier_bps))
            .collect();
        let amounts = self.token.mint_emission(&requests)?;
        let emissions = std::mem::take(&mut l.emissions);
        for (e, amount) in emissions.iter().zip(&amounts) {
            let mut rest = *amount;
            if let Some(a) = e.auditor {
                let cut = bps_of(*amount, p.auditor_share_bps)?;
                l.add(a, 3, cut)?;
                rest -= cut;
            }
            let n = U256::from(e.winners.len());
            let each = crate::amount::div(rest, e.winners.len() as u64);
            let dust = rest - each * n;
            for (i, w) in e.winners.iter().enumerate() {
                l.add(*w, 3, if i == 0 { each + dust } else { each })?;
            }
            if let Some(Outcome::Accepted { emitted, .. }) = outcomes.get_mut(e.outcome) {
                *emitted = *amount;
            }
        }
        let mut s = Settlement::default();
        for (who, [unlocked, slashed, paid, minted]) in l.rows.iter().copied() {
            self.books.release(who, unlocked, slashed)?;
            s.slashed = add(s.slashed, slashed)?;
            self.books.credit(who, asset, paid)?;
            s.paid = add(s.paid, paid)?;
            self.books.credit(who, Asset::Lbl, minted)?;
            s.minted = add(s.minted, minted)?;
        }
        self.books.credit(requester, asset, l.refund)?;
        self.books.credit(self.treasury, asset, l.forfeit)?;
        s.burned = bps_of(s.slashed, p.slash_burn_bps)?;
        self.books
            .credit(self.treasury, Asset::Lbl, s.slashed - s.burned)?;
        self.token.burn(s.burned)?;
        let spent = add(add(s.paid, l.refund)?, l.forfeit)?;
        self.escrowed[asset as usize] = crate::amount::sub(self.escrowed[asset as usize], spent)?;
        s.refunded = l.refund;
        s.forfeited = l.forfeit;
        s.outcomes = outcomes;
        Ok(s)
    }

    /// `claim(token)`.
    pub fn claim(&mut self, who: Account, asset: Asset) -> Result<U256, SimError> {
        self.books.claim(who, asset)
    }
}

/// Plurality of revealed labels: `(label, votes, unique)`.
pub fn plurality(labels: &[u8]) -> Option<(u8, u32, bool)> {
    let mut counts: Vec<(u8, u32)> = Vec::with_capacity(labels.len());
    let mut best: Option<(u8, u32, bool)> = None;
    for &l in labels {
        let c = match counts.iter_mut().find(|e| e.0 == l) {
            Some(e) => {
                e.1 += 1;
                e.1
            }
            None => {
                counts.push((l, 1));
                1
            }
        };
        best = match best {
            Some((bl, bc, _)) if c == bc && bl != l => Some((bl, bc, false)),
            Some((_, bc, _)) if c > bc => Some((l, c, true)),
            None => Some((l, c, true)),
            keep => keep,
        };
    }
    best
}

/// Whether `votes` of `commits` meet the threshold (non-revealers count against).
pub fn meets(votes: u32, commits: u32, threshold_bps: u16) -> bool {
    votes as u64 * 10_000 >= threshold_bps as u64 * commits as u64
}

pub fn consensus_quality(votes: u32, commits: u32) -> Quality {
    let agreement = votes == commits || meets(votes, commits, STRONG_AGREEMENT_BPS);
    if agreement && votes >= STRONG_MIN_VOTES {
        Quality::Strong
    } else {
        Quality::Standard
    }
}
