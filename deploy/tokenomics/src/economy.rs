//! The economy day by day: requesters post the day's demand, honest labellers with their
//! accuracies take the slots (rings take theirs first), the protocol settles every item
//! with the contracts' rules ([`Protocol`]), auditors spot-check and resolve escalations
//! as far as their coverage reaches, and everyone claims and sells what they earned.
//!
//! Money moves only through the protocol and one `market` account that stands for
//! everyone outside it: requesters buy the LBL they pay with from it, labellers sell
//! their LBL income to it, and the treasury seeds it with part of the genesis.

use crate::amount::{tokens, units, U256, WAD};
use crate::attackers::{Attack, AttackerBook};
use crate::books::{Account, Asset};
use crate::gas::Gas;
use crate::protocol::{ItemStatus, Outcome, Protocol, TaskId, TaskSpec};
use crate::rng::Rng;
use crate::scenario::{PriceModel, Scenario};
use crate::SimError;

pub const TREASURY: Account = 0;
pub const MARKET: Account = 1;
/// Share of the genesis the treasury puts on the market on day 0.
const FLOAT_SHARE: f64 = 0.5;
/// Requester accounts the day's tasks rotate over.
const REQUESTERS: u32 = 20;

/// One day's figures (the CSV's row).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Day {
    pub day: u32,
    pub lbl_usd: f64,
    pub items: u64,
    pub supply_lbl: f64,
    pub emitted_lbl: f64,
    pub burned_lbl: f64,
    /// Emission per emission-earning item today, and the schedule's `e(n)` at 1.0x.
    pub emission_per_item_lbl: f64,
    pub schedule_lbl: f64,
    pub verified_items: u64,
    pub treasury_lbl: f64,
    pub treasury_usd: f64,
    pub fees_usd: f64,
    /// Honest labellers' income today: base pay and emission, in LBL and in USD.
    pub labeller_income_lbl: f64,
    pub labeller_income_usd: f64,
}

pub struct Run {
    pub scenario: Scenario,
    pub days: Vec<Day>,
    pub attackers: Vec<AttackerBook>,
    pub gas: Gas,
    /// Agents simulated: labellers, auditors, requesters and attackers' accounts.
    pub agents: u32,
}

pub(crate) struct World<'s> {
    pub s: &'s Scenario,
    pub p: Protocol,
    pub rng: Rng,
    pub gas: Gas,
    pub price: f64,
    pub auditors: Vec<Account>,
    pub labellers: Vec<(Account, f64)>,
    requesters: Vec<Account>,
    next_account: Account,
    day_stats: DayStats,
}

#[derive(Default)]
struct DayStats {
    items: u64,
    emitted: U256,
    earning_items: u64,
    fees_usd: f64,
    income_lbl: U256,
    income_stable: U256,
}

/// Spot-check outcome of one accepted item.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auditor {
    /// Nobody audits in the window: pending items are accepted, escalations forfeit.
    Nobody,
    /// An honest auditor sets the true label.
    Honest(Account),
    /// A colluding auditor confirms whatever the ring labelled.
    Colluding(Account),
}

impl<'s> World<'s> {
    fn new(s: &'s Scenario) -> Result<Self, SimError> {
        let lbl_rate = units(s.rates.lbl, 18)?;
        // LBL wei per stable unit (6 decimals), as a WAD.
        let stable_rate = units(s.rates.stable_lbl_per_usd, 12)? * U256::from(WAD);
        let mut p = Protocol::new(s.params.clone(), TREASURY, [lbl_rate, stable_rate])?;
        let float = units(s.params.genesis_lbl as f64 * FLOAT_SHARE, 18)?;
        p.books.transfer(TREASURY, MARKET, Asset::Lbl, float)?;
        let mut w = World {
            s,
            p,
            rng: Rng::new(s.seed),
            gas: Gas::default(),
            price: s.market.lbl_usd,
            auditors: Vec::new(),
            labellers: Vec::new(),
            requesters: Vec::new(),
            next_account: 2,
            day_stats: DayStats::default(),
        };
        for _ in 0..s.auditors.count {
            let a = w.account();
            w.auditors.push(a);
        }
        let l = &s.labellers;
        for _ in 0..l.count {
            let a = w.account();
            let acc = l.accuracy_mean + l.accuracy_spread * (2.0 * w.rng.unit() - 1.0);
            w.labellers.push((a, acc.clamp(0.0, 1.0)));
        }
        for _ in 0..REQUESTERS {
            let a = w.account();
            w.requesters.push(a);
        }
        Ok(w)
    }

    pub fn account(&mut self) -> Account {
        self.next_account += 1;
        self.next_account - 1
    }

    pub fn lbl(&self, usd: f64) -> Result<U256, SimError> {
        units(usd / self.price, 18)
    }

    /// Gives `who` `amount` of `asset` to spend: LBL bought on the market (the
    /// treasury sells when the market is dry), stablecoin from outside.
    pub fn buy(&mut self, who: Account, asset: Asset, amount: U256) -> Result<(), SimError> {
        match asset {
            Asset::Stable => self.p.books.fund(who, asset, amount),
            Asset::Lbl => {
                let market = self.p.books.get(MARKET).wallet(Asset::Lbl);
                let from = if market >= amount { MARKET } else { TREASURY };
                self.p.books.transfer(from, who, Asset::Lbl, amount)
            }
        }
    }

    /// Makes sure `who` has `stake` of free stake, buying and staking what is missing.
    pub fn ensure_stake(&mut self, who: Account, stake: U256) -> Result<U256, SimError> {
        let free = self.p.books.get(who).free;
        if free >= stake {
            return Ok(U256::ZERO);
        }
        let missing = stake - free;
        self.buy(who, Asset::Lbl, missing)?;
        self.p.books.stake(who, missing)?;
        Ok(missing)
    }

    /// The day's task terms for `asset` at today's price.
    pub fn spec(&self, asset: Asset, items: u32) -> Result<TaskSpec, SimError> {
        let d = &self.s.demand;
        let reward = match asset {
            Asset::Lbl => self.lbl(d.reward_usd)?,
            Asset::Stable => units(d.reward_usd, 6)?,
        };
        Ok(TaskSpec {
            asset,
            items,
            k: d.k,
            threshold_bps: d.threshold_bps,
            reward: reward.max(U256::from(1)),
            stake: self.lbl(d.stake_usd)?.max(U256::from(1)),
            audit_rate_bps: d.audit_rate_bps,
        })
    }

    /// Creates a task for `requester`, buying its bounty and fee first.
    pub fn post(&mut self, requester: Account, spec: TaskSpec) -> Result<TaskId, SimError> {
        let bounty = U256::from(spec.items as u64 * spec.k as u64) * spec.reward;
        let fee = crate::amount::bps_of(bounty, self.s.params.fee_bps)?;
        self.buy(requester, spec.asset, bounty + fee)?;
        self.day_stats.fees_usd += self.usd(spec.asset, fee);
        self.p.create_task(requester, spec)
    }

    pub fn usd(&self, asset: Asset, amount: U256) -> f64 {
        match asset {
            Asset::Lbl => tokens(amount, 18) * self.price,
            Asset::Stable => tokens(amount, 6),
        }
    }

    /// An honest labeller's label for an item whose truth is `truth`.
    pub fn honest_label(&mut self, accuracy: f64, truth: u8) -> u8 {
        if self.rng.chance(accuracy) {
            truth
        } else {
            self.wrong(truth)
        }
    }

    pub fn wrong(&mut self, truth: u8) -> u8 {
        let c = self.s.demand.classes as u64;
        ((truth as u64 + 1 + self.rng.below(c - 1)) % c) as u8
    }

    pub fn truth(&mut self) -> u8 {
        self.rng.below(self.s.demand.classes as u64) as u8
    }

    /// `seats` random honest labellers commit on `item` (the task's other seats are taken).
    pub fn honest_votes(
        &mut self,
        task: TaskId,
        item: u32,
        truth: u8,
        seats: usize,
    ) -> Result<(), SimError> {
        let stake = self.p.spec(task).stake;
        let mut picked = Vec::with_capacity(seats);
        self.rng.pick(self.labellers.len(), seats, &mut picked);
        for i in picked {
            let (who, acc) = self.labellers[i];
            self.ensure_stake(who, stake)?;
            let label = self.honest_label(acc, truth);
            self.p.commit(task, item, who, label)?;
            if self.rng.chance(self.s.labellers.reveal_rate) {
                self.p.reveal(task, item, who)?;
            }
        }
        Ok(())
    }

    /// Finalizes `items` in chunks of 64 (one burn per chunk, as on chain), then runs
    /// the audits `audit` chooses and lapses the rest.
    pub fn settle(
        &mut self,
        task: TaskId,
        items: &[(u32, u8)],
        audit: &mut dyn FnMut(&mut Self, u32, ItemStatus) -> Auditor,
    ) -> Result<(), SimError> {
        let rate = self.s.demand.audit_rate_bps.max(1) as u64;
        let mut waiting = Vec::new();
        for chunk in items.chunks(64) {
            let ids: Vec<u32> = chunk.iter().map(|c| c.0).collect();
            let rng = &mut self.rng;
            let r = self
                .p
                .finalize(task, &ids, &mut |_| rng.below(10_000) < rate)?;
            self.tally(&r.outcomes);
            for (&(item, truth), o) in chunk.iter().zip(&r.outcomes) {
                if matches!(o, Outcome::PendingAudit | Outcome::Escalated) {
                    waiting.push((item, truth));
                }
            }
        }
        let mut lapsed = Vec::new();
        for (item, truth) in waiting {
            let status = self.p.status(task, item);
            match audit(self, item, status) {
                Auditor::Nobody => lapsed.push(item),
                Auditor::Honest(a) => self.audit(task, item, a, truth)?,
                Auditor::Colluding(a) => {
                    let label = match status {
                        ItemStatus::PendingAudit { label, .. } => label,
                        _ => truth,
                    };
                    self.audit(task, item, a, label)?;
                }
            }
        }
        for chunk in lapsed.chunks(64) {
            let r = self.p.finalize(task, chunk, &mut |_| false)?;
            self.tally(&r.outcomes);
        }
        Ok(())
    }

    fn audit(
        &mut self,
        task: TaskId,
        item: u32,
        auditor: Account,
        label: u8,
    ) -> Result<(), SimError> {
        let r = self.p.audit(task, item, auditor, label)?;
        self.tally(&r.outcomes);
        Ok(())
    }

    fn tally(&mut self, outcomes: &[Outcome]) {
        for o in outcomes {
            match o {
                Outcome::Accepted { emitted, .. } => {
                    self.day_stats.items += 1;
                    if !emitted.is_zero() {
                        self.day_stats.earning_items += 1;
                        self.day_stats.emitted += *emitted;
                    }
                }
                Outcome::Void { .. } => self.day_stats.items += 1,
                Outcome::PendingAudit | Outcome::Escalated => {}
            }
        }
    }

    /// The default audit policy: an honest auditor takes an item within the window with
    /// probability `coverage`.
    pub fn honest_audit(&mut self) -> Auditor {
        if self.rng.chance(self.s.auditors.coverage) {
            let i = self.rng.below(self.auditors.len() as u64) as usize;
            Auditor::Honest(self.auditors[i])
        } else {
            Auditor::Nobody
        }
    }

    /// `claim(token)` when something is claimable; zero otherwise (no transaction).
    pub fn claim_any(&mut self, who: Account, asset: Asset) -> Result<U256, SimError> {
        if self.p.books.get(who).claimable(asset).is_zero() {
            return Ok(U256::ZERO);
        }
        self.p.claim(who, asset)
    }

    /// Every honest labeller claims and sells its LBL beyond its stake to the market.
    fn claims(&mut self) -> Result<(), SimError> {
        for i in 0..self.labellers.len() {
            let who = self.labellers[i].0;
            let book = self.p.books.get(who);
            if book.claimable(Asset::Lbl).is_zero() && book.claimable(Asset::Stable).is_zero() {
                continue;
            }
            let lbl = self.claim_any(who, Asset::Lbl)?;
            let stable = self.claim_any(who, Asset::Stable)?;
            self.day_stats.income_lbl += lbl;
            self.day_stats.income_stable += stable;
            let wallet = self.p.books.get(who).wallet(Asset::Lbl);
            self.p.books.transfer(who, MARKET, Asset::Lbl, wallet)?;
        }
        Ok(())
    }
}

impl World<'_> {
    /// The requesters' honest demand of the day, after rings took `ring_items` of it.
    fn honest_day(
        &mut self,
        items: u64,
        attacks: &mut [Attack],
        books: &mut [AttackerBook],
    ) -> Result<(), SimError> {
        let per_task = self.s.demand.items_per_task as u64;
        let mut left = items;
        let mut n = 0usize;
        while left > 0 {
            let count = left.min(per_task) as u32;
            left -= count as u64;
            let asset = if self.rng.chance(self.s.demand.stable_share) {
                Asset::Stable
            } else {
                Asset::Lbl
            };
            let requester = self.requesters[n % self.requesters.len()];
            n += 1;
            let spec = self.spec(asset, count)?;
            let task = self.post(requester, spec)?;
            let mut items = Vec::with_capacity(count as usize);
            for item in 0..count {
                let truth = self.truth();
                let taken = crate::attackers::take_slots(self, attacks, books, task, item, truth)?;
                if taken < spec.k as usize {
                    self.honest_votes(task, item, truth, spec.k as usize - taken)?;
                }
                items.push((item, truth));
            }
            let mut policy = |w: &mut World, item: u32, _s: ItemStatus| {
                crate::attackers::audit_policy(w, attacks, books, task, item)
            };
            self.settle(task, &items, &mut policy)?;
            crate::attackers::release_seats(attacks);
            self.p.retire(task);
        }
        Ok(())
    }

    fn price_on(&self, day: u32, circulating_0: f64) -> f64 {
        let m = &self.s.market;
        match &m.price {
            PriceModel::Path { points } => interpolate(points, day as f64),
            PriceModel::Model {
                demand_elasticity,
                supply_elasticity,
            } => {
                let d = self.s.demand_on(day) / self.s.demand_on(0);
                let c = circulating_0 / self.circulating().max(1.0);
                m.lbl_usd * d.powf(*demand_elasticity) * c.powf(*supply_elasticity)
            }
        }
    }

    /// LBL outside the treasury.
    fn circulating(&self) -> f64 {
        let t = self.p.books.get(TREASURY);
        tokens(
            self.p.token.supply - t.wallet(Asset::Lbl) - t.claimable(Asset::Lbl),
            18,
        )
    }

    fn record(&mut self, day: u32, demand: u64) -> Day {
        let st = std::mem::take(&mut self.day_stats);
        let t = self.p.books.get(TREASURY);
        let income_lbl = tokens(st.income_lbl, 18);
        let income_usd = income_lbl * self.price + tokens(st.income_stable, 6);
        let tok = &self.p.token;
        Day {
            day,
            lbl_usd: self.price,
            items: demand,
            supply_lbl: tokens(tok.supply, 18),
            emitted_lbl: tokens(tok.emitted, 18),
            burned_lbl: tokens(tok.burned, 18),
            emission_per_item_lbl: if st.earning_items == 0 {
                0.0
            } else {
                tokens(st.emitted, 18) / st.earning_items as f64
            },
            schedule_lbl: tokens(tok.scheduled(tok.verified), 18),
            verified_items: tok.verified,
            treasury_lbl: tokens(t.wallet(Asset::Lbl) + t.claimable(Asset::Lbl), 18),
            treasury_usd: tokens(t.wallet(Asset::Stable) + t.claimable(Asset::Stable), 6),
            fees_usd: st.fees_usd,
            labeller_income_lbl: income_lbl + tokens(st.income_stable, 6) / self.price,
            labeller_income_usd: income_usd,
        }
    }
}

fn interpolate(points: &[(f64, f64)], x: f64) -> f64 {
    let (first, last) = (points[0], points[points.len() - 1]);
    if x <= first.0 {
        return first.1;
    }
    if x >= last.0 {
        return last.1;
    }
    for w in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if x <= x1 {
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
        }
    }
    last.1
}

/// Runs `s` to its last day.
pub fn simulate(s: &Scenario) -> Result<Run, SimError> {
    s.validate()?;
    let mut w = World::new(s)?;
    let (mut attacks, mut books) = crate::attackers::enlist(&mut w)?;
    let circulating_0 = w.circulating();
    let mut days = Vec::with_capacity(s.days as usize);
    let mut carry = 0.0;
    for day in 0..s.days {
        w.price = w.price_on(day, circulating_0);
        let want = s.demand_on(day) + carry;
        let items = want.floor() as u64;
        carry = want - items as f64;
        crate::attackers::own_tasks(&mut w, &mut attacks, &mut books)?;
        w.honest_day(items, &mut attacks, &mut books)?;
        w.claims()?;
        crate::attackers::end_of_day(&mut w, &mut attacks, &mut books)?;
        days.push(w.record(day, items));
    }
    crate::attackers::close(&mut w, &attacks, &mut books)?;
    let agents = w.next_account - 2;
    Ok(Run {
        scenario: s.clone(),
        days,
        attackers: books,
        gas: w.gas,
        agents,
    })
}
