//! `labelchain tokenomics`: a scenario in, every report file out (or none), and the
//! admin warning when a stablecoin emission rate lets farming pay.

use std::path::{Path, PathBuf};
use std::process::Command;

fn scenario_text() -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tokenomics/scenarios/attack-mix.toml");
    std::fs::read_to_string(p)
        .unwrap()
        .replacen("days = 1095", "days = 40", 1)
}

fn run(dir: &Path, text: &str) -> (bool, String, String, PathBuf) {
    let scenario = dir.join("scenario.toml");
    std::fs::write(&scenario, text).unwrap();
    let out = dir.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_labelchain"))
        .current_dir(dir)
        .arg("tokenomics")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (o.status.success(), text(o.stdout), text(o.stderr), out)
}

#[test]
fn a_scenario_yields_csv_summary_and_charts_as_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, stdout, stderr, out) = run(dir.path(), &scenario_text());
    assert!(ok, "{stderr}");
    assert!(stdout.contains("farming them pays above"), "{stdout}");
    let days = std::fs::read_to_string(out.join("days.csv")).unwrap();
    assert_eq!(days.lines().count(), 41, "a header and one row per day");
    let attackers = std::fs::read_to_string(out.join("attackers.csv")).unwrap();
    assert_eq!(
        attackers.lines().count(),
        8,
        "a header and the seven attackers"
    );
    for chart in [
        "supply",
        "emission_per_item",
        "burn_treasury",
        "labeller_income",
        "attacker_roi",
    ] {
        let png = std::fs::read(out.join(format!("{chart}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{chart}.png is a PNG");
        let svg = std::fs::read_to_string(out.join(format!("{chart}.svg"))).unwrap();
        assert!(svg.starts_with("<svg"), "{chart}.svg is an SVG");
    }
    assert!(!out.join(".tokenomics-partial").exists());
}

#[test]
fn a_bad_scenario_is_refused_with_the_field_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let bad = scenario_text().replacen("audit_rate_bps = 500", "audit_rate_bps = 10001", 1);
    let (ok, _, stderr, out) = run(dir.path(), &bad);
    assert!(!ok);
    assert!(
        stderr.contains("demand.audit_rate_bps") && stderr.contains("0..=10000"),
        "{stderr}"
    );
    assert!(!out.exists(), "no output directory for a refused scenario");
}

#[test]
fn an_emission_rate_that_lets_farming_pay_at_the_scenarios_price_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let unsafe_rate =
        scenario_text().replacen("stable_lbl_per_usd = 5.0", "stable_lbl_per_usd = 100.0", 1);
    let (ok, _, stderr, _) = run(dir.path(), &unsafe_rate);
    assert!(ok);
    assert!(
        stderr.contains("warning: emissionRate of 100 LBL per USD"),
        "{stderr}"
    );
    let (_, _, safe_stderr, _) = run(dir.path(), &scenario_text());
    assert!(!safe_stderr.contains("warning"), "{safe_stderr}");
}
