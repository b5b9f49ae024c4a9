//! The attacks of DESIGN §3, played inside the economy with the same settlement as
//! everyone else, each with its own books: what it spent (LBL, stablecoin, gas, grinding
//! compute) and what it got back (claims, returned stake, and for the escalation forcer
//! the labels it obtained, valued at what buying them honestly costs).

use crate::amount::{tokens, U256};
use crate::books::{Account, Asset};
use crate::economy::{Auditor, World};
use crate::gas::Gas;
use crate::protocol::{TaskId, TaskSpec};
use crate::scenario::{AttackKind, Attacker};
use crate::SimError;

/// One attacker's money, in token units and at the prices of the days it moved.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct AttackerBook {
    pub kind: Option<AttackKind>,
    pub spent_lbl: f64,
    pub spent_usd_stable: f64,
    pub received_lbl: f64,
    pub received_usd_stable: f64,
    /// What the obtained labels are worth (the escalation forcer's gain), in LBL and USD.
    pub value_lbl: f64,
    pub value_usd_stable: f64,
    pub gas: u64,
    /// Off-chain compute (salt grinding), USD.
    pub compute_usd: f64,
    /// Bounty a self-dealer paid to itself: in both spent and received, not a cost.
    pub recycled_lbl: f64,
    pub recycled_usd_stable: f64,
    /// The same flows valued at each day's LBL price.
    pub spent_usd_at_time: f64,
    pub received_usd_at_time: f64,
    pub items: u64,
    pub spot_checked: u64,
    pub slashed_items: u64,
    pub refused_calls: u64,
}

impl AttackerBook {
    /// Net position in USD if every LBL amount is valued at `lbl_usd`, gas included.
    pub fn net_usd(&self, lbl_usd: f64, gas_usd: f64) -> f64 {
        (self.received_lbl + self.value_lbl - self.spent_lbl) * lbl_usd
            + (self.received_usd_stable + self.value_usd_stable - self.spent_usd_stable)
            - gas_usd
            - self.compute_usd
    }

    /// What the attack put at stake or paid, in USD at `lbl_usd`.
    pub fn cost_usd(&self, lbl_usd: f64, gas_usd: f64) -> f64 {
        (self.spent_lbl - self.recycled_lbl) * lbl_usd
            + (self.spent_usd_stable - self.recycled_usd_stable)
            + gas_usd
            + self.compute_usd
    }

    /// Return on cost at `lbl_usd`: net / cost (-1 = everything lost).
    pub fn roi(&self, lbl_usd: f64, gas_usd: f64) -> f64 {
        let cost = self.cost_usd(lbl_usd, gas_usd);
        if cost <= 0.0 {
            0.0
        } else {
            self.net_usd(lbl_usd, gas_usd) / cost
        }
    }
}

pub struct Attack {
    cfg: Attacker,
    accounts: Vec<Account>,
    /// Items of the current honest task this attack holds seats on.
    held: Vec<u32>,
    /// Ring items still to take today.
    left_today: u32,
}

impl Attack {
    fn is_ring(&self) -> bool {
        matches!(
            self.cfg.kind,
            AttackKind::SybilRing | AttackKind::SaltGrinder | AttackKind::RubberStampAuditor
        )
    }
}

/// Accounts for every attacker of the scenario.
pub(crate) fn enlist(w: &mut World) -> Result<(Vec<Attack>, Vec<AttackerBook>), SimError> {
    let mut attacks = Vec::new();
    let mut books = Vec::new();
    for cfg in w.s.attackers.clone() {
        let n = match cfg.kind {
            AttackKind::SybilRing | AttackKind::SaltGrinder => w.s.demand.k as usize,
            AttackKind::RubberStampAuditor => w.s.demand.k as usize + 1,
            AttackKind::EscalationForcer => 2,
            AttackKind::Farmer | AttackKind::SelfAuditor => 1,
        };
        let accounts = (0..n).map(|_| w.account()).collect();
        books.push(AttackerBook {
            kind: Some(cfg.kind),
            ..AttackerBook::default()
        });
        attacks.push(Attack {
            cfg,
            accounts,
            held: Vec::new(),
            left_today: 0,
        });
    }
    Ok((attacks, books))
}

fn buy(
    w: &mut World,
    b: &mut AttackerBook,
    who: Account,
    asset: Asset,
    amount: U256,
) -> Result<(), SimError> {
    w.buy(who, asset, amount)?;
    spend(w, b, asset, amount);
    Ok(())
}

fn spend(w: &World, b: &mut AttackerBook, asset: Asset, amount: U256) {
    match asset {
        Asset::Lbl => b.spent_lbl += tokens(amount, 18),
        Asset::Stable => b.spent_usd_stable += tokens(amount, 6),
    }
    b.spent_usd_at_time += w.usd(asset, amount);
}

fn receive(w: &World, b: &mut AttackerBook, asset: Asset, amount: U256) {
    match asset {
        Asset::Lbl => b.received_lbl += tokens(amount, 18),
        Asset::Stable => b.received_usd_stable += tokens(amount, 6),
    }
    b.received_usd_at_time += w.usd(asset, amount);
}

fn stake(w: &mut World, b: &mut AttackerBook, who: Account, amount: U256) -> Result<(), SimError> {
    let bought = w.ensure_stake(who, amount)?;
    spend(w, b, Asset::Lbl, bought);
    Ok(())
}

/// Seats rings (and the self-auditor) take on an honest item, before honest labellers.
pub(crate) fn take_slots(
    w: &mut World,
    attacks: &mut [Attack],
    books: &mut [AttackerBook],
    task: TaskId,
    item: u32,
    truth: u8,
) -> Result<usize, SimError> {
    let stake_amount = w.p.spec(task).stake;
    for (a, b) in attacks.iter_mut().zip(books.iter_mut()) {
        let ring = a.is_ring();
        if a.left_today == 0 || !(ring || a.cfg.kind == AttackKind::SelfAuditor) {
            continue;
        }
        a.left_today -= 1;
        let garbage = w.wrong(truth);
        let seats: Vec<Account> = if ring {
            a.accounts[..w.s.demand.k as usize].to_vec()
        } else {
            a.accounts.clone()
        };
        for &who in &seats {
            stake(w, b, who, stake_amount)?;
            w.p.commit(task, item, who, garbage)?;
            w.p.reveal(task, item, who)?;
            b.gas += w.gas.commit + w.gas.reveal;
        }
        b.items += 1;
        if a.cfg.kind == AttackKind::SaltGrinder {
            b.compute_usd +=
                a.cfg.grind_tries as f64 / 1e6 * a.cfg.grind_usd_per_million * seats.len() as f64;
        }
        a.held.push(item);
        return Ok(seats.len());
    }
    Ok(0)
}

/// Who audits a pending or escalated `item` of an honest task.
pub(crate) fn audit_policy(
    w: &mut World,
    attacks: &mut [Attack],
    books: &mut [AttackerBook],
    task: TaskId,
    item: u32,
) -> Auditor {
    for (a, b) in attacks.iter_mut().zip(books.iter_mut()) {
        if !a.held.contains(&item) {
            continue;
        }
        b.spot_checked += 1;
        match a.cfg.kind {
            AttackKind::RubberStampAuditor => {
                b.gas += w.gas.audit;
                return Auditor::Colluding(*a.accounts.last().expect("a ring has accounts"));
            }
            AttackKind::SelfAuditor => {
                // The contract refuses an auditor who labelled the item: the call is gas lost.
                let who = a.accounts[0];
                if w.p.audit(task, item, who, 0).is_err() {
                    b.refused_calls += 1;
                    b.gas += w.gas.refused_call;
                }
            }
            _ => {}
        }
        let auditor = w.honest_audit();
        if auditor != Auditor::Nobody {
            b.slashed_items += 1;
        }
        return auditor;
    }
    w.honest_audit()
}

/// After an honest task settled: its seats mean nothing for the next task.
pub(crate) fn release_seats(attacks: &mut [Attack]) {
    for a in attacks.iter_mut() {
        a.held.clear();
    }
}

/// Start of a day: rings get their quota; farmers and escalation forcers run their tasks.
pub(crate) fn own_tasks(
    w: &mut World,
    attacks: &mut [Attack],
    books: &mut [AttackerBook],
) -> Result<(), SimError> {
    for (a, b) in attacks.iter_mut().zip(books.iter_mut()) {
        a.left_today = a.cfg.items_per_day;
        match a.cfg.kind {
            AttackKind::Farmer => farm(w, a, b)?,
            AttackKind::EscalationForcer => force_escalations(w, a, b)?,
            _ => {}
        }
    }
    Ok(())
}

/// A k = 1 task requested and labelled by one account, its reward chosen so the fee cap
/// equals the schedule (the most emission the fee can buy).
fn farm(w: &mut World, a: &Attack, b: &mut AttackerBook) -> Result<(), SimError> {
    let who = a.accounts[0];
    let asset = a.cfg.asset;
    let rate = w.p.rates[asset as usize];
    let e = w.p.token.scheduled(w.p.token.verified);
    let fee_bps = U256::from(w.s.params.fee_bps.max(1));
    // cap = reward x fee_bps / 1e4 x rate / 1e18 = e  =>  reward = e x 1e22 / (fee_bps x rate).
    let reward = if rate.is_zero() {
        U256::from(1)
    } else {
        (e * U256::from(10u128.pow(22)) / (fee_bps * rate)).clamp(
            U256::from(1),
            U256::from(crate::protocol::MAX_AMOUNT_PER_LABEL),
        )
    };
    let items = a.cfg.items_per_day;
    let spec = TaskSpec {
        asset,
        items,
        k: 1,
        threshold_bps: 10_000,
        reward,
        stake: U256::from(1),
        audit_rate_bps: 0,
    };
    let bounty = U256::from(items) * reward;
    buy(
        w,
        b,
        who,
        asset,
        bounty + crate::amount::bps_of(bounty, w.s.params.fee_bps)?,
    )?;
    match asset {
        Asset::Lbl => b.recycled_lbl += tokens(bounty, 18),
        Asset::Stable => b.recycled_usd_stable += tokens(bounty, 6),
    }
    stake(w, b, who, U256::from(items))?;
    let task = w.p.create_task(who, spec)?;
    let mut list = Vec::with_capacity(items as usize);
    for item in 0..items {
        w.p.commit(task, item, who, 0)?;
        w.p.reveal(task, item, who)?;
        list.push((item, 0));
    }
    w.settle(task, &list, &mut |_, _, _| Auditor::Nobody)?;
    w.p.retire(task);
    b.items += items as u64;
    b.gas += w.gas.create_task + items as u64 * (w.gas.commit + w.gas.reveal + w.gas.finalize_item);
    Ok(())
}

/// A task whose requester's own labeller commits on every item and never reveals; the
/// threshold is unanimity so one withheld reveal always escalates.
fn force_escalations(w: &mut World, a: &Attack, b: &mut AttackerBook) -> Result<(), SimError> {
    let (requester, own) = (a.accounts[0], a.accounts[1]);
    let mut spec = w.spec(a.cfg.asset, a.cfg.items_per_day)?;
    spec.threshold_bps = 10_000;
    spec.audit_rate_bps = 0;
    if spec.k < 2 {
        spec.k = 2;
    }
    let bounty = U256::from(spec.items as u64 * spec.k as u64) * spec.reward;
    let total = bounty + crate::amount::bps_of(bounty, w.s.params.fee_bps)?;
    buy(w, b, requester, spec.asset, total)?;
    // The labels it obtains are worth what buying them honestly costs.
    match spec.asset {
        Asset::Lbl => b.value_lbl += tokens(total, 18),
        Asset::Stable => b.value_usd_stable += tokens(total, 6),
    }
    let task = w.p.create_task(requester, spec)?;
    let mut list = Vec::new();
    for item in 0..spec.items {
        let truth = w.truth();
        stake(w, b, own, spec.stake)?;
        w.p.commit(task, item, own, truth)?;
        w.honest_votes(task, item, truth, spec.k as usize - 1)?;
        list.push((item, truth));
    }
    w.settle(task, &list, &mut |w, _, _| w.honest_audit())?;
    w.p.retire(task);
    b.items += spec.items as u64;
    b.gas += w.gas.create_task + spec.items as u64 * (w.gas.commit + w.gas.finalize_item);
    Ok(())
}

/// End of a day: every attacker account claims; LBL it holds is counted as received
/// when it leaves (sold or returned at the end).
pub(crate) fn end_of_day(
    w: &mut World,
    attacks: &mut [Attack],
    books: &mut [AttackerBook],
) -> Result<(), SimError> {
    for (a, b) in attacks.iter().zip(books.iter_mut()) {
        for &who in &a.accounts {
            for asset in Asset::ALL {
                let got = w.claim_any(who, asset)?;
                if !got.is_zero() {
                    b.gas += w.gas.claim;
                    receive(w, b, asset, got);
                    let wallet = w.p.books.get(who).wallet(asset);
                    if asset == Asset::Lbl {
                        w.p.books
                            .transfer(who, crate::economy::MARKET, asset, wallet)?;
                    } else {
                        w.p.books.pay(who, asset, wallet)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Last day: stake still held comes back (unstaked and sold).
pub(crate) fn close(
    w: &mut World,
    attacks: &[Attack],
    books: &mut [AttackerBook],
) -> Result<(), SimError> {
    for (a, b) in attacks.iter().zip(books.iter_mut()) {
        for &who in &a.accounts {
            let held = w.p.books.get(who);
            receive(w, b, Asset::Lbl, held.free + held.locked);
        }
    }
    Ok(())
}

/// USD of an attacker's gas at the scenario's gas and ETH prices.
pub fn gas_usd(b: &AttackerBook, gwei: f64, eth_usd: f64) -> f64 {
    Gas::usd(b.gas, gwei, eth_usd)
}
