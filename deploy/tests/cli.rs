//! The `labelchain` binary against the in-process devnode: exit codes, messages and
//! `--json` output, and that refusals write nothing.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use devnode::rpc::{Node, NodeConfig};

use common::*;

const UNFUNDED: &str = "0x1111111111111111111111111111111111111111111111111111111111111111";

/// A dry run prints the plan and writes nothing; `deploy --json` reports the 8 transactions
/// and writes the deployments file; a rerun has nothing to do. Returns LBL's address.
fn deploy_dry_json_and_rerun(d: &Path, url: &str) -> String {
    // Dry run: the plan, nothing written.
    let (ok, out, err) = run(labelchain(d).args(["deploy", "--dry-run", "--rpc-url", url]));
    assert!(ok, "{err}");
    assert!(out.contains("Plan on chain 412346"), "{out}");
    assert!(out.contains("Estimated:"), "{out}");
    assert!(files(&d.join("deployments")).is_empty());

    // Deploy with --json; then a rerun sends nothing.
    let (ok, out, err) = run(labelchain(d).args(["deploy", "--json", "--rpc-url", url]));
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["sent"], 8, "{out}");
    assert_eq!(v["chainId"], 412_346);
    assert!(d.join("deployments/412346.json").is_file());
    let lbl = v["addresses"]["token"]
        .as_str()
        .expect("the deploy report names the token")
        .to_owned();
    let (ok, out, err) = run(labelchain(d).args(["deploy", "--rpc-url", url]));
    assert!(ok, "{err}");
    assert!(out.contains("Nothing to do"), "{out}");

    lbl
}

/// An unknown task is a clear error and a non-zero exit, typed under `--json`.
fn unknown_task(d: &Path, url: &str) {
    let (ok, _, err) = run(labelchain(d).args(["task", "show", "99", "--rpc-url", url]));
    assert!(!ok);
    assert!(err.contains("unknown task 99"), "{err}");
    let (ok, out, _) = run(labelchain(d).args(["task", "show", "99", "--json", "--rpc-url", url]));
    assert!(!ok);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["kind"], "unknown_task");
}

/// The owner prices LBL for emission within its bound (at most 1 LBL per LBL of fee);
/// above it the registry's custom error comes back decoded, as does nothing to claim.
fn emission_rate_and_decoded_reverts(d: &Path, url: &str, lbl: &str) {
    let (ok, out, err) = run(labelchain(d).args([
        "emission-rate",
        "--token",
        lbl,
        "--lbl-per-token",
        "0.5",
        "--rpc-url",
        url,
    ]));
    assert!(ok, "{err} {out}");
    assert!(out.contains("emission rate set"), "{out}");
    let (ok, _, err) = run(labelchain(d).args([
        "emission-rate",
        "--token",
        lbl,
        "--lbl-per-token",
        "2",
        "--rpc-url",
        url,
    ]));
    assert!(!ok);
    assert!(err.contains("EmissionRateOutOfRange"), "{err}");

    // A decoded revert: nothing to claim.
    let (ok, _, err) = run(labelchain(d).args(["claim", "--rpc-url", url]));
    assert!(!ok);
    assert!(err.contains("NothingToClaim"), "{err}");
}

/// In a fresh directory: a wrong chain for the network profile, an unreachable RPC, an
/// unfunded key and an operation without a deployment each fail clearly, and nothing is
/// written.
fn refusals_elsewhere_write_nothing(url: &str) {
    // Wrong chain id for the network profile.
    let other = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(labelchain(other.path()).args([
        "deploy",
        "--network",
        "arbitrum-sepolia",
        "--rpc-url",
        url,
        "--private-key",
        UNFUNDED,
    ]));
    assert!(!ok);
    assert!(err.contains("wrong chain"), "{err}");
    assert!(err.contains("421614"), "{err}");

    // Unreachable RPC.
    let (ok, _, err) =
        run(labelchain(other.path()).args(["deploy", "--rpc-url", "http://127.0.0.1:9"]));
    assert!(!ok);
    assert!(err.contains("cannot reach the RPC"), "{err}");

    // Unfunded key.
    let (ok, _, err) =
        run(labelchain(other.path()).args(["deploy", "--rpc-url", url, "--private-key", UNFUNDED]));
    assert!(!ok);
    assert!(err.contains("has 0 ETH"), "{err}");

    // Operations without a deployment for the chain.
    let (ok, _, err) = run(labelchain(other.path()).args(["status", "--rpc-url", url]));
    assert!(!ok);
    assert!(err.contains("no deployment for chain 412346"), "{err}");
    assert!(
        files(other.path()).is_empty(),
        "nothing written: {:?}",
        files(other.path())
    );
}

#[test]
fn deploy_json_rerun_and_errors() {
    let node = node();
    let url = node.url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lbl = deploy_dry_json_and_rerun(d, &url);
    unknown_task(d, &url);
    emission_rate_and_decoded_reverts(d, &url, &lbl);
    refusals_elsewhere_write_nothing(&url);
}

/// `labelchain deploy --dry-run` on a custom network at `url` with an unfunded key,
/// plus `extra` flags.
fn custom_dry_run(dir: &Path, url: &str, extra: &[&str]) -> (bool, String, String) {
    let base = [
        "deploy",
        "--network",
        "custom",
        "--rpc-url",
        url,
        "--private-key",
        UNFUNDED,
        "--dry-run",
    ];
    run(labelchain(dir).args(base).args(extra))
}

#[test]
fn mainnet_chain_ids_need_allow_mainnet() {
    let node = Node::start(NodeConfig {
        port: 0,
        accounts: 1,
        chain_id: 42_161,
        ..NodeConfig::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = custom_dry_run(dir.path(), node.url(), &[]);
    assert!(!ok);
    assert!(err.contains("--allow-mainnet"), "{err}");
    let (ok, out, err) = custom_dry_run(dir.path(), node.url(), &["--allow-mainnet"]);
    assert!(ok, "{err}");
    assert!(out.contains("Plan on chain 42161"), "{out}");
    assert!(files(dir.path()).is_empty());
}

#[test]
fn up_serves_until_ctrl_c_and_keeps_its_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("chain.json");
    let serve = |extra: &[&str]| {
        let mut child = labelchain(dir.path())
            .args(["up", "--port", "0", "--web-port", "0", "--state"])
            .arg(&state)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = String::new();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for line in lines.by_ref() {
            let line = line.unwrap();
            out.push_str(&line);
            out.push('\n');
            if line.contains("Ctrl-C stops the node") {
                break;
            }
        }
        // SAFETY: signalling our own child process.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
        let status = child.wait().unwrap();
        (status.success(), out)
    };
    let (ok, out) = serve(&[]);
    assert!(ok, "{out}");
    assert!(out.contains("Demo task 1"), "{out}");
    assert!(out.contains("labelchain commit --task 1"), "{out}");
    assert!(out.contains("Web app: http://127.0.0.1:"), "{out}");
    assert!(state.is_file(), "the chain was saved");

    // Restarted on the saved chain: nothing deployed or seeded again.
    let (ok, out) = serve(&[]);
    assert!(ok, "{out}");
    assert!(out.contains("Nothing to do"), "{out}");
    assert!(out.contains("Demo task 1"), "{out}");
}

/// anvil's first test key: funded on the devnode, neither chain owner nor cache manager.
const ANVIL_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

#[test]
fn deploy_cache_caches_the_programs_for_the_chain_owner_and_refuses_other_signers() {
    let node = node();
    let url = node.url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // A signer that may not cache: refused before anything is sent, pointing at the
    // cache manager to bid through.
    let (ok, _, err) = run(labelchain(d).args([
        "deploy",
        "--cache",
        "--rpc-url",
        &url,
        "--private-key",
        ANVIL_KEY,
    ]));
    assert!(!ok);
    assert!(err.contains("may not cache programs"), "{err}");
    assert!(
        err.contains(&devnode::cache_manager::ADDRESS.to_string()),
        "{err}"
    );
    assert!(err.contains("cargo stylus cache bid"), "{err}");
    assert!(files(&d.join("deployments")).is_empty());

    // The dev key is the devnode's chain owner: deploy, wire, then cache all five.
    let (ok, out, err) =
        run(labelchain(d).args(["deploy", "--cache", "--json", "--rpc-url", &url]));
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["sent"], 8 + 5, "{out}");
    let cached: Vec<_> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["id"].as_str().unwrap().starts_with("cache:"))
        .collect();
    assert_eq!(cached.len(), 5, "{out}");
    assert!(cached.iter().all(|s| s["status"] == "sent"), "{out}");

    // A rerun finds them cached and sends nothing.
    let (ok, out, err) = run(labelchain(d).args(["deploy", "--cache", "--rpc-url", &url]));
    assert!(ok, "{err}");
    assert!(out.contains("Nothing to do"), "{out}");
    assert!(out.contains("cache reward_token"), "{out}");
}
