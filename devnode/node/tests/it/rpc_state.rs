//! `--state FILE`: a node's chain survives a restart (accounts, code, storage, blocks,
//! receipts, transactions), and a corrupt file is reported rather than overwritten.

use crate::rpc_common::*;
use devnode::chain::DumpError;
use devnode::rpc::{Node, NodeConfig, NodeError, StateFileError};
use revm::primitives::{Address, U256};
use serde_json::json;

#[test]
fn state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("devnode-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let _ = std::fs::remove_file(&path);
    let config = || NodeConfig {
        state_file: Some(path.clone()),
        ..Default::default()
    };

    let node = start_with(config());
    let rpc = Rpc::new(&node);
    let a = account(&node, 1);
    let r = rpc.send_raw(&eip1559(
        &a,
        0,
        None,
        U256::ZERO,
        contract_init(),
        1_000_000,
    ));
    let c: Address = serde_json::from_value(r["contractAddress"].clone()).unwrap();
    let call = rpc.send_raw(&eip1559(&a, 1, Some(c), U256::ZERO, word(42), 200_000));
    assert_eq!(call["status"], json!("0x1"));
    rpc.ok("anvil_setBalance", json!([Address::repeat_byte(5), "0x99"]));
    let block = rpc.ok("eth_getBlockByNumber", json!(["latest", true]));
    assert!(path.exists(), "saved after each block");
    node.shutdown();

    let node = start_with(config());
    let rpc = Rpc::new(&node);
    assert_eq!(rpc.u64("eth_blockNumber", json!([])), 2);
    assert_eq!(
        rpc.ok("eth_getBlockByNumber", json!(["latest", true])),
        block
    );
    assert_eq!(
        bytes(&rpc.ok("eth_getCode", json!([c, "latest"]))),
        contract_runtime()
    );
    assert_eq!(
        rpc.ok("eth_getStorageAt", json!([c, "0x0", "latest"])),
        json!(revm::primitives::B256::from(U256::from(42)))
    );
    assert_eq!(
        rpc.ok("eth_getBalance", json!([Address::repeat_byte(5), "latest"])),
        json!("0x99")
    );
    assert_eq!(
        rpc.ok(
            "eth_getTransactionReceipt",
            json!([call["transactionHash"]])
        ),
        call
    );
    assert_eq!(rpc.nonce(a.address), 2);
    let logs = rpc.ok("eth_getLogs", json!([{"fromBlock": "0x0", "address": c}]));
    assert_eq!(logs.as_array().unwrap().len(), 1);
    // the chain goes on from where it was
    let r = rpc.send_raw(&eip1559(&a, 2, Some(c), U256::ZERO, word(43), 200_000));
    assert_eq!(hex_u64(&r["blockNumber"]), 3);
    node.shutdown();

    std::fs::write(&path, b"{not a state").unwrap();
    let err = Node::start(NodeConfig {
        port: 0,
        ..config()
    })
    .err()
    .expect("corrupt file refused");
    assert!(err.to_string().contains("not a devnode state"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_state_file_of_an_older_layout_is_refused_by_its_version_and_left_untouched() {
    let dir = std::env::temp_dir().join(format!("devnode-state-v1-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    // Version 1 wrote a halted receipt's status as text, which no longer parses.
    let old = br#"{"chain":{"version":1,"receipts":[{"status":{"Halt":"OutOfGas(Basic)"}}]},"transactions":{}}"#;
    std::fs::write(&path, old).unwrap();
    let err = Node::start(NodeConfig {
        port: 0,
        state_file: Some(path.clone()),
        ..Default::default()
    })
    .err()
    .expect("an old layout is refused");
    assert!(
        matches!(
            err,
            NodeError::State(StateFileError::Dump(_, DumpError::Version(1)))
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("version 1 is not supported"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        old,
        "the file is kept as it was"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
