//! Real clients against the node: foundry's `cast` and a viem wallet script, both from
//! npm (`tests/clients`, installed by `npm ci --prefix tests/clients`; `.ci/run` does it).
//! `cargo stylus deploy` is exercised by `tests/clients/cargo-stylus-deploy.sh`, outside
//! CI because installing cargo-stylus takes minutes (see the README).

use std::path::PathBuf;
use std::process::Command;

use crate::rpc_common::start;
use devnode::{DEV_ACCOUNT, DEV_KEY};
use revm::primitives::{hex, Address, U256};
use serde_json::Value;

fn clients_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/clients")
}

fn tool(name: &str) -> PathBuf {
    let path = clients_dir().join("node_modules/.bin").join(name);
    assert!(
        path.exists(),
        "{} is missing: run `npm ci --prefix tests/clients` first",
        path.display()
    );
    path
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the client runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// EVM runtime returning the word 42, and its deploy prelude.
const ANSWER: &str = "602a60005260206000f3";

#[test]
fn cast_deploys_and_calls_an_evm_contract_and_reads_balances_and_receipts() {
    let node = start();
    let url = node.url().to_string();
    let cast = tool("cast");
    let initcode = format!(
        "0x{}",
        hex::encode(devnode::deployer::init_code(
            &hex::decode(ANSWER).expect("hex")
        ))
    );

    let sent = run(Command::new(&cast).args([
        "send",
        "--json",
        "--rpc-url",
        &url,
        "--private-key",
        DEV_KEY,
        "--create",
        &initcode,
    ]));
    let receipt: Value = serde_json::from_str(&sent).expect("cast prints the receipt as JSON");
    assert_eq!(receipt["status"], "0x1");
    let address: Address = receipt["contractAddress"]
        .as_str()
        .expect("created")
        .parse()
        .expect("address");
    assert_eq!(
        node.with_chain(|c| c.code(address)).as_ref(),
        hex::decode(ANSWER).expect("hex").as_slice()
    );

    let answer =
        run(Command::new(&cast).args(["call", "--rpc-url", &url, &address.to_string(), "0x"]));
    assert_eq!(
        U256::from_str_radix(answer.trim_start_matches("0x"), 16).expect("a word"),
        U256::from(42)
    );

    let balance =
        run(Command::new(&cast).args(["balance", "--rpc-url", &url, &DEV_ACCOUNT.to_string()]));
    assert_eq!(
        balance,
        node.with_chain(|c| c.balance(DEV_ACCOUNT)).to_string()
    );

    let hash = receipt["transactionHash"].as_str().expect("hash");
    let again: Value = serde_json::from_str(&run(Command::new(&cast).args([
        "receipt",
        "--json",
        "--rpc-url",
        &url,
        hash,
    ])))
    .expect("json");
    assert_eq!(again["contractAddress"], receipt["contractAddress"]);
    assert_eq!(
        run(Command::new(&cast).args(["chain-id", "--rpc-url", &url])),
        "412346"
    );
}

#[test]
fn a_viem_wallet_sends_eip1559_transactions_and_reads_an_event() {
    let node = start();
    let out = run(Command::new("node")
        .arg(clients_dir().join("viem-wallet.mjs"))
        .args([node.url(), DEV_KEY]));
    let seen: Value = serde_json::from_str(&out).expect("the script prints JSON");
    assert_eq!(seen["chainId"], 412346);
    assert_eq!(seen["txType"], "eip1559");
    assert_eq!(seen["status"], "success");
    assert_eq!(seen["value"], "42");
    let from: Address = seen["from"]
        .as_str()
        .expect("from")
        .parse()
        .expect("address");
    assert_eq!(from, DEV_ACCOUNT);
    assert_eq!(seen["baseFeePerGas"], devnode::chain::BASE_FEE.to_string());
}
