//! A run as files people read: `days.csv` (one row per day), `attackers.csv` (each
//! attacker's books and ROI), `summary.md` (totals, the break-even LBL price of farming
//! stablecoin tasks, warnings) and the charts.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::attackers::AttackerBook;
use crate::economy::Run;
use crate::gas::Gas;
use crate::scenario::{PriceModel, Scenario};
use crate::SimError;

/// Where farming stablecoin tasks starts to pay, and whether the scenario reaches it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FarmingCheck {
    /// LBL per USD of fee the admin allows on stablecoin tasks.
    pub stable_lbl_per_usd: f64,
    /// LBL price above which a self-dealing farmer of stablecoin tasks profits
    /// (`None`: never, the rate is zero).
    pub break_even_usd: Option<f64>,
    /// The highest LBL price of the run.
    pub peak_price_usd: f64,
}

impl FarmingCheck {
    /// Per item the farmer pays the fee `f` (USD) and gas `g`, and mints at most
    /// `f x rate` LBL, bounded by the schedule `e`; choosing `f = e / rate` maximises the
    /// mint, so farming pays when `e x price > e / rate + g`:
    /// `price > 1 / rate + g / e`.
    pub fn of(run: &Run) -> FarmingCheck {
        let s = &run.scenario;
        let e = run.days.last().map(|d| d.schedule_lbl).unwrap_or(0.0);
        FarmingCheck {
            stable_lbl_per_usd: s.rates.stable_lbl_per_usd,
            break_even_usd: break_even(s, s.rates.stable_lbl_per_usd, &run.gas, e),
            peak_price_usd: run.days.iter().map(|d| d.lbl_usd).fold(0.0, f64::max),
        }
    }

    /// Without running the scenario, for an admin about to set `lbl_per_usd`: the
    /// scenario's highest given price (its price path's, or a model's starting price)
    /// and the schedule's first emission (the lowest break-even).
    pub fn for_rate(s: &Scenario, lbl_per_usd: f64) -> FarmingCheck {
        let e = crate::amount::tokens(s.params.emission_base(), 18);
        let peak_price_usd = match &s.market.price {
            PriceModel::Path { points } => points.iter().map(|p| p.1).fold(0.0, f64::max),
            PriceModel::Model { .. } => s.market.lbl_usd,
        };
        FarmingCheck {
            stable_lbl_per_usd: lbl_per_usd,
            break_even_usd: break_even(s, lbl_per_usd, &Gas::default(), e),
            peak_price_usd,
        }
    }

    /// The admin warning: the rate lets farming pay at a price the scenario reaches.
    pub fn warning(&self) -> Option<String> {
        let b = self.break_even_usd?;
        (self.peak_price_usd > b).then(|| {
            format!(
                "emissionRate of {} LBL per USD of fee makes farming stablecoin tasks profitable above {:.4} USD/LBL, \
                 and the LBL price reaches {:.4} USD: set the rate below {:.2} LBL per USD",
                self.stable_lbl_per_usd,
                b,
                self.peak_price_usd,
                1.0 / self.peak_price_usd
            )
        })
    }
}

/// `1 / rate + gas per item / e`, with the gas of a self-labelled item of a 100-item task.
fn break_even(s: &Scenario, lbl_per_usd: f64, g: &Gas, e: f64) -> Option<f64> {
    let per_item = g.commit + g.reveal + g.finalize_item + g.create_task / 100;
    let gas_usd = Gas::usd(per_item, s.market.gas_price_gwei, s.market.eth_usd);
    (lbl_per_usd > 0.0 && e > 0.0).then(|| 1.0 / lbl_per_usd + gas_usd / e)
}

/// Writes every output file into `dir` (created), or nothing: files are written under a
/// temporary name and renamed once all of them are complete.
pub fn write_all(run: &Run, dir: &Path) -> Result<Vec<PathBuf>, SimError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SimError::Io { path, source }
    };
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("days.csv".into(), days_csv(run).into_bytes()),
        ("attackers.csv".into(), attackers_csv(run).into_bytes()),
        ("summary.md".into(), summary(run).into_bytes()),
    ];
    for (name, bytes) in crate::charts::render_all(run)? {
        files.push((name, bytes));
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let staging = dir.join(".tokenomics-partial");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    for (name, bytes) in &files {
        let p = staging.join(name);
        std::fs::write(&p, bytes).map_err(io(&p))?;
    }
    let mut written = Vec::new();
    for (name, _) in &files {
        let (from, to) = (staging.join(name), dir.join(name));
        std::fs::rename(&from, &to).map_err(io(&to))?;
        written.push(to);
    }
    std::fs::remove_dir(&staging).map_err(io(&staging))?;
    Ok(written)
}

pub fn days_csv(run: &Run) -> String {
    let mut out = String::from(
        "day,lbl_usd,items,supply_lbl,emitted_lbl,burned_lbl,emission_per_item_lbl,schedule_lbl,\
         verified_items,treasury_lbl,treasury_usd,fees_usd,labeller_income_lbl,labeller_income_usd\n",
    );
    for d in &run.days {
        let _ = writeln!(
            out,
            "{},{:.6},{},{:.6},{:.6},{:.6},{:.6},{:.6},{},{:.6},{:.6},{:.6},{:.6},{:.6}",
            d.day,
            d.lbl_usd,
            d.items,
            d.supply_lbl,
            d.emitted_lbl,
            d.burned_lbl,
            d.emission_per_item_lbl,
            d.schedule_lbl,
            d.verified_items,
            d.treasury_lbl,
            d.treasury_usd,
            d.fees_usd,
            d.labeller_income_lbl,
            d.labeller_income_usd
        );
    }
    out
}

fn gas_usd(run: &Run, b: &AttackerBook) -> f64 {
    let m = &run.scenario.market;
    Gas::usd(b.gas, m.gas_price_gwei, m.eth_usd)
}

/// The mean LBL price of the run, at which attackers' books are summarised.
pub fn mean_price(run: &Run) -> f64 {
    run.days.iter().map(|d| d.lbl_usd).sum::<f64>() / run.days.len().max(1) as f64
}

pub fn attackers_csv(run: &Run) -> String {
    let mut out = String::from(
        "attacker,items,spot_checked,slashed_items,refused_calls,spent_lbl,received_lbl,spent_usd,received_usd,\
         value_lbl,value_usd,gas,gas_usd,compute_usd,net_usd_at_time,net_usd_at_mean_price,roi_at_mean_price\n",
    );
    let p = mean_price(run);
    for b in &run.attackers {
        let g = gas_usd(run, b);
        let at_time =
            b.received_usd_at_time - b.spent_usd_at_time + b.value_lbl * p + b.value_usd_stable
                - g
                - b.compute_usd;
        let _ = writeln!(
            out,
            "{},{},{},{},{},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{},{:.6},{:.6},{:.6},{:.6},{:.6}",
            b.kind.map(|k| k.name()).unwrap_or("?"),
            b.items,
            b.spot_checked,
            b.slashed_items,
            b.refused_calls,
            b.spent_lbl,
            b.received_lbl,
            b.spent_usd_stable,
            b.received_usd_stable,
            b.value_lbl,
            b.value_usd_stable,
            b.gas,
            g,
            b.compute_usd,
            at_time,
            b.net_usd(p, g),
            b.roi(p, g)
        );
    }
    out
}

/// The run's `summary.md`: the headline figures, the farming check and the attackers.
pub fn summary(run: &Run) -> String {
    let s = &run.scenario;
    let mut o = String::new();
    let _ = writeln!(o, "# Tokenomics: {}\n\n{}\n", s.name, s.description);
    let _ = writeln!(
        o,
        "{} days, {} agents, seed {}.\n",
        s.days, run.agents, s.seed
    );
    figures(&mut o, run);
    farming(&mut o, run);
    attackers(&mut o, run);
    o
}

fn figures(o: &mut String, run: &Run) {
    let s = &run.scenario;
    let last = run.days.last().cloned().unwrap_or_default();
    let items: u64 = run.days.iter().map(|d| d.items).sum();
    let fees: f64 = run.days.iter().map(|d| d.fees_usd).sum();
    let income_usd: f64 = run.days.iter().map(|d| d.labeller_income_usd).sum();
    let income_lbl: f64 = run.days.iter().map(|d| d.labeller_income_lbl).sum();
    let cap = s.params.cap_lbl as f64;
    let _ = writeln!(o, "| figure | value |\n|---|---|");
    let rows = [
        ("items requested", format!("{items}")),
        (
            "emission-earning items (n)",
            format!("{}", last.verified_items),
        ),
        (
            "supply at the end",
            format!(
                "{:.0} LBL ({:.2} % of the {:.0} cap)",
                last.supply_lbl,
                100.0 * last.supply_lbl / cap,
                cap
            ),
        ),
        ("emitted", format!("{:.0} LBL", last.emitted_lbl)),
        ("burned (slashes)", format!("{:.0} LBL", last.burned_lbl)),
        ("fees paid by requesters", format!("{fees:.0} USD")),
        (
            "treasury at the end",
            format!(
                "{:.0} LBL and {:.0} USD",
                last.treasury_lbl, last.treasury_usd
            ),
        ),
        (
            "honest labellers' income",
            format!("{income_usd:.0} USD ({income_lbl:.0} LBL-equivalent)"),
        ),
        (
            "LBL price first / last day",
            format!(
                "{:.4} / {:.4} USD",
                run.days.first().map(|d| d.lbl_usd).unwrap_or(0.0),
                last.lbl_usd
            ),
        ),
        (
            "schedule e(n) at the end",
            format!("{:.3} LBL per item at 1.0x", last.schedule_lbl),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "| {k} | {v} |");
    }
}

fn farming(o: &mut String, run: &Run) {
    let s = &run.scenario;
    let check = FarmingCheck::of(run);
    let _ = writeln!(o, "\n## Farming\n");
    let _ = writeln!(
        o,
        "LBL-paid tasks emit at most {} LBL per LBL of fee: farming them never pays, at any price.",
        s.rates.lbl
    );
    match check.break_even_usd {
        Some(b) => {
            let _ = writeln!(
                o,
                "Stablecoin tasks emit at most {} LBL per USD of fee: farming them pays above **{b:.4} USD per LBL** \
                 (the run's peak price is {:.4} USD).",
                check.stable_lbl_per_usd, check.peak_price_usd
            );
        }
        None => {
            let _ = writeln!(
                o,
                "Stablecoin tasks emit nothing (rate 0): farming them never pays."
            );
        }
    }
    if let Some(w) = check.warning() {
        let _ = writeln!(o, "\n> **Warning:** {w}");
    }
}

fn attackers(o: &mut String, run: &Run) {
    if run.attackers.is_empty() {
        return;
    }
    let p = mean_price(run);
    let _ = writeln!(
        o,
        "\n## Attackers (valued at the run's mean LBL price, {p:.4} USD)\n"
    );
    let _ = writeln!(o, "| attacker | items | spot-checked | cost (USD) | net (USD) | return on cost |\n|---|---:|---:|---:|---:|---:|");
    for b in &run.attackers {
        let g = gas_usd(run, b);
        let _ = writeln!(
            o,
            "| {} | {} | {} ({:.1} %) | {:.2} | {:.2} | {:.2} % |",
            b.kind.map(|k| k.name()).unwrap_or("?"),
            b.items,
            b.spot_checked,
            100.0 * b.spot_checked as f64 / b.items.max(1) as f64,
            b.cost_usd(p, g),
            b.net_usd(p, g),
            100.0 * b.roi(p, g)
        );
    }
}
