//! Shared by `dex.rs`, `wallet.rs` and the `gas-report` binary: an in-process devnode with
//! the protocol deployed through the labelchain library, EVM contracts from the npm
//! packages' compiled artifacts (`tests/clients/node_modules`, never checked in), and a
//! few chain helpers. Small on purpose: the lifecycle harness lives in `tests/e2e/src`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use alloy::network::TransactionBuilder;
use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use devnode::rpc::{Node, NodeConfig, NodeHandle};
use labelchain::chain::{connect, Conn, Sent};
use labelchain::commands::deploy::{self, DeployOptions};
use labelchain::config::{parse_key, Endpoint, Network, DEV_KEY};
use labelchain::state::Addresses;

/// One LBL (18 decimals).
pub fn lbl(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// One ether.
pub fn eth(n: u64) -> U256 {
    lbl(n)
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn clients_dir() -> PathBuf {
    repo_root().join("tests/clients")
}

/// A file of an npm package in `tests/clients/node_modules`.
pub fn npm_file(rel: &str) -> PathBuf {
    let path = clients_dir().join("node_modules").join(rel);
    assert!(
        path.is_file(),
        "{} is missing: run `npm ci --prefix tests/clients` first",
        path.display()
    );
    path
}

/// The creation bytecode of a compiled artifact (`bytecode` as a string, or
/// `evm.bytecode.object`), with or without `0x`.
pub fn artifact_bytecode(rel: &str) -> Bytes {
    let text = std::fs::read_to_string(npm_file(rel)).expect("artifact readable");
    let json: serde_json::Value = serde_json::from_str(&text).expect("artifact is JSON");
    let hex = json["bytecode"]
        .as_str()
        .or_else(|| json["evm"]["bytecode"]["object"].as_str())
        .unwrap_or_else(|| panic!("{rel} has no bytecode"));
    alloy::hex::decode(hex.trim_start_matches("0x"))
        .expect("bytecode is hex")
        .into()
}

/// The chain: a devnode in this process on an ephemeral port, the protocol deployed and
/// wired by the dev account (also the treasury, holding the genesis LBL).
pub struct Env {
    pub node: NodeHandle,
    pub admin: Conn,
    pub addrs: Addresses,
    /// The deployments file and salts live here for the test's lifetime.
    pub dir: tempfile::TempDir,
}

impl Env {
    pub async fn start() -> Env {
        Self::deploy(false).await
    }

    /// As [`Env::start`], with the five programs cached by `deploy --cache` (the dev
    /// account is the devnode's chain owner), which checks each one reads as cached.
    pub async fn start_cached() -> Env {
        Self::deploy(true).await
    }

    async fn deploy(cache: bool) -> Env {
        assert!(
            labelchain::programs::default_dir()
                .join("reward_token.deploy")
                .is_file(),
            "the protocol's programs are missing: run `cd contracts && cargo packager build`"
        );
        let node = Node::start(NodeConfig {
            port: 0,
            accounts: 5,
            ..NodeConfig::default()
        })
        .expect("devnode starts");
        let endpoint = Endpoint::new(Network::Devnode, Some(node.url().to_string())).unwrap();
        let admin = connect(&endpoint, Some(parse_key(DEV_KEY).unwrap()))
            .await
            .expect("connects");
        let dir = tempfile::tempdir().expect("temp dir");
        let opts = DeployOptions {
            deployments_dir: dir.path().to_path_buf(),
            build_if_missing: false,
            auditors: vec![auditor().address()],
            cache,
            ..DeployOptions::default()
        };
        let report = deploy::run(&admin, &opts, &labelchain::progress::Quiet)
            .await
            .expect("the protocol deploys");
        Env {
            node,
            admin,
            addrs: report.addresses,
            dir,
        }
    }

    pub fn url(&self) -> &str {
        self.node.url()
    }

    /// A connection signing as `key`, funded with 100 ETH from the dev account.
    pub async fn user(&self, key: &PrivateKeySigner) -> Conn {
        let tx = TransactionRequest::default()
            .with_to(key.address())
            .with_value(eth(100));
        self.admin.send("funding a user", tx).await.expect("funded");
        self.admin.with_signer(key.clone()).expect("signer")
    }

    /// Sends `amount` LBL from the treasury (the dev account).
    pub async fn give_lbl(&self, to: Address, amount: U256) -> Sent {
        let t =
            labelchain::bindings::IRewardToken::new(self.addrs.token, self.admin.provider.clone());
        self.admin
            .send(
                "transfer LBL",
                t.transfer(to, amount).into_transaction_request(),
            )
            .await
            .expect("LBL sent")
    }
}

/// A deterministic key for a role in these tests.
pub fn key(role: &str) -> PrivateKeySigner {
    let k = alloy::primitives::keccak256(format!("labelchain e2e {role}"));
    PrivateKeySigner::from_bytes(&k).expect("a hash is a valid key")
}

/// The auditor allow-listed at deploy.
pub fn auditor() -> PrivateKeySigner {
    key("auditor")
}

/// Deploys `initcode ‖ args` from `conn` and returns the new contract's address.
pub async fn deploy_evm(conn: &Conn, what: &str, initcode: &[u8], args: &[u8]) -> (Address, Sent) {
    let mut data = initcode.to_vec();
    data.extend_from_slice(args);
    let tx = TransactionRequest::default().with_deploy_code(Bytes::from(data));
    let sent = conn.send(what, tx).await.expect("deploys");
    let receipt = conn
        .provider
        .get_transaction_receipt(sent.tx_hash)
        .await
        .expect("receipt")
        .expect("mined");
    let address = receipt.contract_address.expect("a contract was created");
    (address, sent)
}

/// Runs `node SCRIPT ARGS…` from `tests/clients` and parses the one JSON line it prints.
pub fn node_script(script: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::new("node")
        .arg(script)
        .args(args)
        .current_dir(clients_dir())
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "node {} failed:\n{}{}",
        script.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().expect("the script prints a line");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
}
