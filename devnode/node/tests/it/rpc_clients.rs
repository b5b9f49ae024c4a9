//! Real clients against the node: foundry's `cast`, a viem wallet script and an ethers v6
//! wallet script, all from npm (`tests/clients`, installed by `npm ci --prefix
//! tests/clients`; `.ci/run` does it).
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

#[test]
fn an_ethers_wallet_reads_the_chain_deploys_sends_reads_logs_and_decodes_a_custom_error() {
    let node = start();
    let balance_before = node.with_chain(|c| c.balance(DEV_ACCOUNT));
    let out = run(Command::new("node")
        .arg(clients_dir().join("ethers-wallet.mjs"))
        .args([node.url(), DEV_KEY]));
    let seen: Value = serde_json::from_str(&out).expect("the script prints JSON");
    assert!(
        seen["ethersVersion"]
            .as_str()
            .is_some_and(|v| v.starts_with("6.")),
        "{seen}"
    );
    assert_eq!(seen["chainId"], "412346");
    assert_eq!(seen["balanceBefore"], balance_before.to_string());

    // The deployed runtime is what the chain holds, and the signed call was EIP-1559.
    let contract: Address = seen["contract"]
        .as_str()
        .expect("contract")
        .parse()
        .expect("address");
    let code = hex::decode(seen["code"].as_str().expect("code")).expect("hex");
    assert_eq!(
        node.with_chain(|c| c.code(contract)).as_ref(),
        code.as_slice()
    );
    assert_eq!(seen["txType"], 2);
    assert_eq!(seen["status"], 1);
    assert_eq!(seen["baseFeePerGas"], devnode::chain::BASE_FEE.to_string());

    // ethers' fee is gasUsed × the effective price, and the balance it reads afterwards is
    // the chain's, lower than before by the fees of the two deploys and the call.
    let wei = |k: &str| U256::from_str_radix(seen[k].as_str().expect(k), 10).expect(k);
    assert_eq!(wei("fee"), wei("gasUsed") * wei("gasPrice"));
    assert_eq!(
        wei("balanceAfter"),
        node.with_chain(|c| c.balance(DEV_ACCOUNT))
    );
    assert!(wei("balanceAfter") + wei("fee") < wei("balanceBefore"));

    // The event, from the receipt and from eth_getLogs filtered by the indexed sender.
    let from: Address = seen["event"]["from"]
        .as_str()
        .expect("from")
        .parse()
        .expect("address");
    assert_eq!(from, DEV_ACCOUNT);
    assert_eq!(seen["event"]["value"], "42");
    let logs = seen["logsQueried"].as_array().expect("logs");
    assert_eq!(logs.len(), 1, "{seen}");
    assert_eq!(logs[0]["value"], "42");
    assert_eq!(logs[0]["tx"], seen["txHash"]);

    // The revert data reached ethers intact, and it decoded the error from the ABI.
    assert_eq!(seen["refused"]["name"], "Refused");
    assert_eq!(seen["refused"]["args"], serde_json::json!(["7"]));
    let selector = &revm::primitives::keccak256("Refused(uint256)")[..4];
    let mut data = selector.to_vec();
    data.extend_from_slice(&U256::from(7).to_be_bytes::<32>());
    assert_eq!(seen["refused"]["data"], format!("0x{}", hex::encode(data)));
}
