//! Scenario files: the shipped ones load and run; bad ones are refused with the field's
//! name and its bound.

use std::path::{Path, PathBuf};

use labelchain_tokenomics::economy::simulate;
use labelchain_tokenomics::scenario::Scenario;
use labelchain_tokenomics::SimError;

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

fn baseline_text() -> String {
    std::fs::read_to_string(shipped("baseline.toml")).unwrap()
}

/// The baseline with `from` replaced by `to` (which must occur), parsed and validated.
fn edited(from: &str, to: &str) -> Result<Scenario, SimError> {
    let text = baseline_text();
    assert!(text.contains(from), "{from} not in baseline.toml");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.toml");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    Scenario::load(&path)
}

fn refused_field(r: Result<Scenario, SimError>) -> String {
    match r {
        Err(e) => e
            .field()
            .unwrap_or_else(|| panic!("not a bounds error: {e}"))
            .to_owned(),
        Ok(_) => panic!("accepted"),
    }
}

#[test]
fn the_three_shipped_scenarios_load_and_their_first_quarter_runs() {
    for name in ["baseline.toml", "demand-collapse.toml", "attack-mix.toml"] {
        let mut s = Scenario::load(&shipped(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        s.days = 90;
        if let labelchain_tokenomics::scenario::DemandPattern::Collapsing { day, .. } =
            &mut s.demand.pattern
        {
            *day = 45;
        }
        let run = simulate(&s).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(run.days.len(), 90);
        assert!(run
            .days
            .iter()
            .all(|d| d.supply_lbl <= s.params.cap_lbl as f64));
        assert_eq!(run.attackers.len(), s.attackers.len());
    }
}

/// Emission is bounded by fees, so its value follows demand down (in LBL it can stay
/// level: LBL-paid tasks pay more LBL per label when LBL is cheaper).
#[test]
fn emission_follows_fees_so_a_demand_collapse_collapses_its_value() {
    let mut s = Scenario::load(&shipped("demand-collapse.toml")).unwrap();
    s.days = 120;
    s.demand.pattern =
        labelchain_tokenomics::scenario::DemandPattern::Collapsing { day: 60, to: 0.05 };
    let run = simulate(&s).unwrap();
    let value = |days: &[labelchain_tokenomics::economy::Day]| {
        days.windows(2)
            .map(|w| (w[1].emitted_lbl - w[0].emitted_lbl) * w[1].lbl_usd)
            .sum::<f64>()
    };
    let (before, after) = (value(&run.days[0..60]), value(&run.days[60..120]));
    assert!(
        after < before * 0.1,
        "emission after the collapse {after} vs {before} before"
    );
}

#[test]
fn an_unknown_field_is_refused_with_its_name() {
    match edited("reveal_rate = 0.98", "reveal_rate = 0.98\nhonesty = 1.0") {
        Err(SimError::Scenario { message, .. }) => {
            assert!(message.contains("honesty"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn negative_and_out_of_bound_values_are_refused_with_the_field_and_bound() {
    assert_eq!(
        refused_field(edited("reward_usd = 0.04", "reward_usd = -0.04")),
        "demand.reward_usd"
    );
    assert_eq!(refused_field(edited("k = 3", "k = 33")), "demand.k");
    assert_eq!(
        refused_field(edited("threshold_bps = 6667", "threshold_bps = 5000")),
        "demand.threshold_bps"
    );
    assert_eq!(
        refused_field(edited("lbl = 1.0 ", "lbl = 1.5 ")),
        "rates.lbl"
    );
    assert_eq!(
        refused_field(edited("coverage = 0.9", "coverage = 1.1")),
        "auditors.coverage"
    );
    assert_eq!(refused_field(edited("days = 3650", "days = 0")), "days");
    let e = edited("k = 3", "k = 33").unwrap_err().to_string();
    assert!(e.contains("1..=32"), "the bound is in the message: {e}");
}

#[test]
fn inconsistent_totals_are_refused() {
    // More labellers per item than labellers.
    assert_eq!(
        refused_field(edited("count = 970", "count = 2")),
        "labellers.count"
    );
    // A ring taking more items a day than the least day's demand.
    let ring = "coverage = 0.9\n\n[[attackers]]\nkind = \"sybil_ring\"\nitems_per_day = 501\n";
    assert_eq!(
        refused_field(edited("coverage = 0.9\n", ring)),
        "attackers[].items_per_day"
    );
    // A price path going back in time.
    let path = "price = { kind = \"path\", points = [[0.0, 0.05], [100.0, 0.06], [50.0, 0.07]] }";
    let r = edited(
        "price = { kind = \"model\", demand_elasticity = 0.5, supply_elasticity = 1.0 }",
        path,
    );
    assert_eq!(refused_field(r), "market.price.points[2].day");
    // Protocol parameters keep the registry's bounds.
    let params = "coverage = 0.9\n\n[params]\nfee_bps = 1001\n";
    assert_eq!(
        refused_field(edited("coverage = 0.9\n", params)),
        "params.fee_bps"
    );
}

#[test]
fn an_admin_rate_is_checked_against_the_scenarios_price_before_it_is_set() {
    use labelchain_tokenomics::report::FarmingCheck;
    let s = Scenario::load(&shipped("baseline.toml")).unwrap();
    // 5 LBL per USD of fee: farming pays above ~0.20 USD, the scenario starts at 0.05.
    let safe = FarmingCheck::for_rate(&s, 5.0);
    assert!(safe.break_even_usd.unwrap() > 0.2 && safe.warning().is_none());
    // 100 LBL per USD: farming pays above ~0.01 USD.
    let unsafe_rate = FarmingCheck::for_rate(&s, 100.0);
    assert!(unsafe_rate.break_even_usd.unwrap() < s.market.lbl_usd);
    assert!(unsafe_rate.warning().is_some());
    // No rate, no emission: nothing to farm.
    assert!(FarmingCheck::for_rate(&s, 0.0).break_even_usd.is_none());
}
