//! Scenario files (TOML or JSON, by extension): the economy to simulate. Every field is
//! documented here and in the README's "Token economics" section; unknown fields are
//! refused, and [`Scenario::validate`] names the field and its bound for any value out
//! of range or inconsistent with the others.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::params::Params;
use crate::SimError;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Shown in reports and chart titles.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Seed of every random draw: a run replays exactly.
    #[serde(default = "one")]
    pub seed: u64,
    /// Simulated days, one step each (1..=36,500).
    pub days: u32,
    /// Protocol parameters; omitted fields keep the contracts' defaults.
    #[serde(default)]
    pub params: Params,
    pub rates: Rates,
    pub market: Market,
    pub demand: Demand,
    pub labellers: Labellers,
    pub auditors: Auditors,
    #[serde(default)]
    pub attackers: Vec<Attacker>,
}

fn one() -> u64 {
    1
}

/// The admin's `emissionRate`s, in LBL per unit of fee (the contracts store WADs).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    /// LBL minted at most per LBL of fee on LBL-paid tasks (0..=1).
    pub lbl: f64,
    /// LBL minted at most per USD of fee on stablecoin tasks (0..=1e12); a price
    /// assumption: farming such tasks pays above `1 / rate` USD per LBL.
    pub stable_lbl_per_usd: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// LBL price on day 0, USD (> 0).
    pub lbl_usd: f64,
    pub eth_usd: f64,
    /// L2 gas price paid by every transaction, gwei.
    pub gas_price_gwei: f64,
    pub price: PriceModel,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "snake_case")]
pub enum PriceModel {
    /// Piecewise-linear through `[day, usd]` points (days increasing, prices > 0).
    Path { points: Vec<(f64, f64)> },
    /// `price = lbl_usd x (demand / demand_0)^demand_elasticity
    ///  x (circulating_0 / circulating)^supply_elasticity`, elasticities 0..=5.
    Model {
        demand_elasticity: f64,
        supply_elasticity: f64,
    },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    pub pattern: DemandPattern,
    /// Items requested on day 0 (1..=1,000,000).
    pub items_per_day: f64,
    /// Share of tasks paid in the stablecoin (0..=1); the rest pay in LBL.
    pub stable_share: f64,
    /// Items per task (1..=100,000), labellers per item (1..=32), threshold (5001..=10000).
    pub items_per_task: u32,
    pub k: u8,
    pub threshold_bps: u16,
    /// Base pay per label in USD (LBL tasks pay its LBL worth at the day's price), > 0.
    pub reward_usd: f64,
    /// Stake per label in USD worth of LBL at the day's price, > 0.
    pub stake_usd: f64,
    /// Spot-check rate of accepted items (0..=10000).
    pub audit_rate_bps: u16,
    /// Classes per task (2..=256).
    pub classes: u16,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "snake_case")]
pub enum DemandPattern {
    Constant,
    /// Compound growth per year (-0.99..=10).
    Growing {
        per_year: f64,
    },
    /// Every `every_days` days (>= 1) demand is `factor` (1..=1000) times the base for a day.
    Bursty {
        every_days: u32,
        factor: f64,
    },
    /// From `day` on (< days), demand is `to` (0..=1) times what it was.
    Collapsing {
        day: u32,
        to: f64,
    },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labellers {
    /// Honest labellers (>= k; agents in all: labellers + auditors + requesters + attackers).
    pub count: u32,
    /// Probability of the true label: uniform in `mean ± spread`, within 0..=1.
    pub accuracy_mean: f64,
    pub accuracy_spread: f64,
    /// Probability a committed label is revealed (0..=1).
    pub reveal_rate: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auditors {
    /// Allow-listed auditors (>= 1), all honest unless an attacker says otherwise.
    pub count: u32,
    /// Share of spot-checks and escalations audited within the window (0..=1).
    pub coverage: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attacker {
    pub kind: AttackKind,
    /// Items attacked per day (1..=100,000; a ring's items come out of honest demand).
    pub items_per_day: u32,
    /// Payment token of the farmer's and the escalation forcer's own tasks.
    #[serde(default = "lbl")]
    pub asset: crate::books::Asset,
    /// Salt grinder: salts tried per item (its compute costs `grind_usd_per_million`).
    #[serde(default)]
    pub grind_tries: u64,
    #[serde(default)]
    pub grind_usd_per_million: f64,
}

fn lbl() -> crate::books::Asset {
    crate::books::Asset::Lbl
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttackKind {
    /// Requests k = 1 tasks and labels them itself for the emission.
    Farmer,
    /// k accounts take every slot of items and label garbage unanimously.
    SybilRing,
    /// Requests tasks, commits one slot per item and never reveals, so items escalate.
    EscalationForcer,
    /// A Sybil ring whose allow-listed auditor confirms its garbage when spot-checked.
    RubberStampAuditor,
    /// An auditor who labels items and audits them itself (refused on chain).
    SelfAuditor,
    /// A Sybil ring grinding salts to dodge spot-checks.
    SaltGrinder,
}

impl AttackKind {
    pub const ALL: [AttackKind; 6] = [
        AttackKind::Farmer,
        AttackKind::SybilRing,
        AttackKind::EscalationForcer,
        AttackKind::RubberStampAuditor,
        AttackKind::SelfAuditor,
        AttackKind::SaltGrinder,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AttackKind::Farmer => "farmer",
            AttackKind::SybilRing => "sybil_ring",
            AttackKind::EscalationForcer => "escalation_forcer",
            AttackKind::RubberStampAuditor => "rubber_stamp_auditor",
            AttackKind::SelfAuditor => "self_auditor",
            AttackKind::SaltGrinder => "salt_grinder",
        }
    }
}

fn range(field: &str, v: f64, lo: f64, hi: f64) -> Result<(), SimError> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(())
    } else {
        Err(SimError::bound(field, v, format!("{lo}..={hi}")))
    }
}

fn positive(field: &str, v: f64) -> Result<(), SimError> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(SimError::bound(field, v, "a finite number above 0"))
    }
}

fn int<T: Into<u64> + Copy + std::fmt::Display>(
    field: &str,
    v: T,
    lo: u64,
    hi: u64,
) -> Result<(), SimError> {
    if (lo..=hi).contains(&v.into()) {
        Ok(())
    } else {
        Err(SimError::bound(field, v, format!("{lo}..={hi}")))
    }
}

impl Scenario {
    /// Reads and validates a `.toml` or `.json` scenario.
    pub fn load(path: &Path) -> Result<Scenario, SimError> {
        let text = std::fs::read_to_string(path).map_err(|source| SimError::Io {
            path: path.into(),
            source,
        })?;
        let parsed = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => serde_json::from_str(&text).map_err(|e| e.to_string()),
            Some("toml") => toml::from_str(&text).map_err(|e| e.to_string()),
            _ => Err("a scenario file ends in .toml or .json".to_owned()),
        };
        let s: Scenario = parsed.map_err(|message| SimError::Scenario {
            path: path.into(),
            message,
        })?;
        s.validate()?;
        Ok(s)
    }

    pub fn validate(&self) -> Result<(), SimError> {
        int("days", self.days, 1, 36_500)?;
        self.params.validate()?;
        range("rates.lbl", self.rates.lbl, 0.0, 1.0)?;
        range(
            "rates.stable_lbl_per_usd",
            self.rates.stable_lbl_per_usd,
            0.0,
            1e12,
        )?;
        self.validate_market()?;
        self.validate_demand()?;
        let l = &self.labellers;
        int("labellers.count", l.count, self.demand.k as u64, 1_000_000)?;
        range("labellers.accuracy_mean", l.accuracy_mean, 0.0, 1.0)?;
        range("labellers.accuracy_spread", l.accuracy_spread, 0.0, 1.0)?;
        range("labellers.reveal_rate", l.reveal_rate, 0.0, 1.0)?;
        int("auditors.count", self.auditors.count, 1, 100_000)?;
        range("auditors.coverage", self.auditors.coverage, 0.0, 1.0)?;
        self.validate_attackers()
    }

    fn validate_market(&self) -> Result<(), SimError> {
        let m = &self.market;
        positive("market.lbl_usd", m.lbl_usd)?;
        positive("market.eth_usd", m.eth_usd)?;
        range("market.gas_price_gwei", m.gas_price_gwei, 0.0, 1e6)?;
        match &m.price {
            PriceModel::Path { points } => {
                if points.is_empty() {
                    return Err(SimError::bound(
                        "market.price.points",
                        "[]",
                        "at least one [day, usd] point",
                    ));
                }
                let mut last = -1.0;
                for (i, &(day, usd)) in points.iter().enumerate() {
                    if day <= last || !day.is_finite() {
                        return Err(SimError::bound(
                            format!("market.price.points[{i}].day"),
                            day,
                            format!("above the previous point's day ({last})"),
                        ));
                    }
                    positive(&format!("market.price.points[{i}].usd"), usd)?;
                    last = day;
                }
                Ok(())
            }
            PriceModel::Model {
                demand_elasticity,
                supply_elasticity,
            } => {
                range(
                    "market.price.demand_elasticity",
                    *demand_elasticity,
                    0.0,
                    5.0,
                )?;
                range(
                    "market.price.supply_elasticity",
                    *supply_elasticity,
                    0.0,
                    5.0,
                )
            }
        }
    }

    fn validate_demand(&self) -> Result<(), SimError> {
        let d = &self.demand;
        range("demand.items_per_day", d.items_per_day, 1.0, 1e6)?;
        range("demand.stable_share", d.stable_share, 0.0, 1.0)?;
        int("demand.items_per_task", d.items_per_task, 1, 100_000)?;
        int("demand.k", d.k, 1, 32)?;
        int("demand.threshold_bps", d.threshold_bps, 5_001, 10_000)?;
        positive("demand.reward_usd", d.reward_usd)?;
        positive("demand.stake_usd", d.stake_usd)?;
        int("demand.audit_rate_bps", d.audit_rate_bps, 0, 10_000)?;
        int("demand.classes", d.classes, 2, 256)?;
        match d.pattern {
            DemandPattern::Constant => Ok(()),
            DemandPattern::Growing { per_year } => {
                range("demand.pattern.per_year", per_year, -0.99, 10.0)
            }
            DemandPattern::Bursty { every_days, factor } => {
                int("demand.pattern.every_days", every_days, 1, 36_500)?;
                range("demand.pattern.factor", factor, 1.0, 1_000.0)
            }
            DemandPattern::Collapsing { day, to } => {
                int("demand.pattern.day", day, 0, self.days as u64 - 1)?;
                range("demand.pattern.to", to, 0.0, 1.0)
            }
        }
    }

    fn validate_attackers(&self) -> Result<(), SimError> {
        let mut ring_items = 0u64;
        for (i, a) in self.attackers.iter().enumerate() {
            let f = |name: &str| format!("attackers[{i}].{name}");
            int(&f("items_per_day"), a.items_per_day, 1, 100_000)?;
            range(
                &f("grind_usd_per_million"),
                a.grind_usd_per_million,
                0.0,
                1e6,
            )?;
            int(&f("grind_tries"), a.grind_tries, 0, 1_000_000_000)?;
            if matches!(
                a.kind,
                AttackKind::SybilRing | AttackKind::RubberStampAuditor | AttackKind::SaltGrinder
            ) {
                ring_items += a.items_per_day as u64;
            }
        }
        // Rings take their items out of the honest demand: they cannot take more than
        // the smallest day's demand offers.
        let least = (0..self.days)
            .map(|d| self.demand_on(d))
            .fold(f64::MAX, f64::min);
        if ring_items as f64 > least.floor() {
            return Err(SimError::bound(
                "attackers[].items_per_day",
                ring_items,
                format!(
                    "at most the least daily demand ({:.0} items) summed over rings",
                    least.floor()
                ),
            ));
        }
        Ok(())
    }

    /// Items requested on `day` (before any ring takes its share).
    pub fn demand_on(&self, day: u32) -> f64 {
        let d = &self.demand;
        match d.pattern {
            DemandPattern::Constant => d.items_per_day,
            DemandPattern::Growing { per_year } => {
                d.items_per_day * (1.0 + per_year).powf(day as f64 / 365.0)
            }
            DemandPattern::Bursty { every_days, factor } => {
                if day > 0 && day.is_multiple_of(every_days) {
                    d.items_per_day * factor
                } else {
                    d.items_per_day
                }
            }
            DemandPattern::Collapsing { day: at, to } => {
                if day >= at {
                    d.items_per_day * to
                } else {
                    d.items_per_day
                }
            }
        }
    }
}
