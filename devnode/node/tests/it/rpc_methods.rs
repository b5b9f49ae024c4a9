//! Every JSON-RPC method against a node on an ephemeral port, with signed transactions
//! of each type built here.

use crate::rpc_common::*;
use devnode::rpc::Account;
use devnode::DEV_ACCOUNT;
use revm::primitives::{Address, Bytes, B256, U256};
use serde_json::{json, Value};

#[test]
fn node_info_and_accounts() {
    let node = start();
    let rpc = Rpc::new(&node);
    assert_eq!(rpc.ok("eth_chainId", json!([])), json!("0x64aba"));
    assert_eq!(rpc.ok("net_version", json!([])), json!("412346"));
    assert!(rpc
        .ok("web3_clientVersion", json!([]))
        .as_str()
        .unwrap()
        .starts_with("devnode/"));
    let accounts = rpc.ok("eth_accounts", json!([]));
    let accounts: Vec<Address> = serde_json::from_value(accounts).unwrap();
    assert_eq!(accounts.len(), 4);
    assert_eq!(accounts[0], DEV_ACCOUNT);
    assert_eq!(
        accounts[1],
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
            .parse::<Address>()
            .unwrap()
    );
    assert_eq!(rpc.u64("eth_blockNumber", json!([])), 0);
    assert_eq!(rpc.u64("eth_gasPrice", json!([])), 100_000_000);
    assert_eq!(rpc.ok("eth_maxPriorityFeePerGas", json!([])), json!("0x0"));
    let bal = hex_u256(&rpc.ok("eth_getBalance", json!([accounts[1], "latest"])));
    assert_eq!(bal, U256::from(10_000u64) * U256::from(10u64.pow(18)));
    // the factory has code; an unknown account none
    let factory = rpc.ok("eth_getCode", json!([devnode::CREATE2_FACTORY, "latest"]));
    assert!(bytes(&factory).len() > 10);
    assert_eq!(
        rpc.ok("eth_getCode", json!([Address::repeat_byte(9), "latest"])),
        json!("0x")
    );
    let fh = rpc.ok("eth_feeHistory", json!(["0x4", "latest", [25, 75]]));
    assert_eq!(fh["oldestBlock"], json!("0x0"));
    assert_eq!(fh["baseFeePerGas"].as_array().unwrap().len(), 2);
    assert_eq!(fh["reward"].as_array().unwrap().len(), 1);
    let batch = format!(
        "[{},{}]",
        json!({"jsonrpc":"2.0","id":7,"method":"eth_chainId"}),
        json!({"jsonrpc":"2.0","id":"x","method":"eth_blockNumber","params":[]})
    );
    let (status, body) = rpc.post(batch.as_bytes());
    assert_eq!(status, 200);
    let replies: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(replies[0]["id"], json!(7));
    assert_eq!(replies[1]["id"], json!("x"));
    assert_eq!(replies[1]["result"], json!("0x0"));
    node.shutdown();
}

/// Transaction `i` of [`three_transaction_types_and_lookups`] (legacy with and without a
/// chain id, EIP-2930, EIP-1559, from `from`, sending `one` wei) is mined alone in block
/// `i + 1` with the receipt, transaction and block fields clients read, found by hash and
/// by number.
fn mined_and_found(rpc: &Rpc, raw: &Bytes, i: usize, from: Address, one: U256) {
    let r = rpc.send_raw(raw);
    assert_eq!(r["status"], json!("0x1"), "tx {i}: {r}");
    assert_eq!(
        r["from"].as_str().unwrap().to_lowercase(),
        format!("{from:#x}")
    );
    assert_eq!(hex_u64(&r["gasUsed"]), 21_000);
    assert_eq!(hex_u64(&r["cumulativeGasUsed"]), 21_000);
    assert_eq!(hex_u64(&r["effectiveGasPrice"]), 100_000_000);
    assert_eq!(hex_u64(&r["blockNumber"]), i as u64 + 1);
    assert_eq!(r["contractAddress"], Value::Null);
    let expected_type = [0, 0, 1, 2][i];
    assert_eq!(hex_u64(&r["type"]), expected_type);
    let t = rpc.ok("eth_getTransactionByHash", json!([r["transactionHash"]]));
    assert_eq!(hex_u64(&t["nonce"]), i as u64);
    assert_eq!(hex_u64(&t["type"]), expected_type);
    assert_eq!(t["blockHash"], r["blockHash"]);
    assert_eq!(hex_u256(&t["value"]), one);
    assert_eq!(t["input"], json!("0x"));
    let v = hex_u64(&t["v"]);
    match i {
        0 => assert!(v == CHAIN_ID * 2 + 35 || v == CHAIN_ID * 2 + 36),
        1 => assert!(v == 27 || v == 28, "pre-EIP-155 v {v}"),
        _ => assert!(v <= 1),
    }
    // blocks by number and hash, hashes and full objects
    let by_num = rpc.ok("eth_getBlockByNumber", json!([r["blockNumber"], false]));
    assert_eq!(by_num["transactions"], json!([r["transactionHash"]]));
    let by_hash = rpc.ok("eth_getBlockByHash", json!([r["blockHash"], true]));
    assert_eq!(by_hash["transactions"][0]["hash"], r["transactionHash"]);
    assert_eq!(by_hash["number"], r["blockNumber"]);
}

/// The fields of a block object every client expects, none missing.
fn has_standard_block_fields(block: &Value) {
    for field in [
        "baseFeePerGas",
        "gasUsed",
        "gasLimit",
        "logsBloom",
        "transactionsRoot",
        "stateRoot",
        "receiptsRoot",
        "miner",
        "difficulty",
        "totalDifficulty",
        "extraData",
        "size",
        "mixHash",
        "nonce",
        "sha3Uncles",
        "uncles",
        "timestamp",
        "parentHash",
        "hash",
        "number",
    ] {
        assert!(
            !block[field].is_null(),
            "block field {field} missing: {block}"
        );
    }
}

#[test]
fn three_transaction_types_and_lookups() {
    let node = start();
    let rpc = Rpc::new(&node);
    let a = account(&node, 1);
    let b = account(&node, 2).address;
    let one = U256::from(1_000u64);
    let raws = [
        legacy(&a, Some(CHAIN_ID), 0, Some(b), one, Bytes::new(), 21_000),
        legacy(&a, None, 1, Some(b), one, Bytes::new(), 21_000),
        eip2930(&a, 2, Some(b), one, Bytes::new(), 21_000),
        eip1559(&a, 3, Some(b), one, Bytes::new(), 21_000),
    ];
    for (i, raw) in raws.iter().enumerate() {
        mined_and_found(&rpc, raw, i, a.address, one);
    }
    assert_eq!(rpc.nonce(a.address), 4);
    assert_eq!(
        rpc.u64("eth_getTransactionCount", json!([a.address, "pending"])),
        4
    );
    let bal = hex_u256(&rpc.ok("eth_getBalance", json!([b, "latest"])));
    assert_eq!(
        bal,
        U256::from(10_000u64) * U256::from(10u64.pow(18)) + one * U256::from(4)
    );
    // standard block fields
    has_standard_block_fields(&rpc.ok("eth_getBlockByNumber", json!(["latest", false])));
    assert_eq!(
        rpc.ok("eth_getBlockByNumber", json!(["0x99", false])),
        Value::Null
    );
    assert_eq!(
        rpc.ok("eth_getTransactionByHash", json!([B256::ZERO])),
        Value::Null
    );
    assert_eq!(
        rpc.ok("eth_getTransactionReceipt", json!([B256::ZERO])),
        Value::Null
    );
    node.shutdown();
}

/// Deploys the test contract with `eth_sendTransaction` (gas estimated by the node); its
/// code is the runtime part of the init code.
fn deploy_contract(rpc: &Rpc, a: &Account) -> Address {
    let hash = rpc.ok(
        "eth_sendTransaction",
        json!([{"from": a.address, "data": contract_init()}]),
    );
    let r = rpc.ok("eth_getTransactionReceipt", json!([hash]));
    assert_eq!(r["status"], json!("0x1"));
    let c: Address = serde_json::from_value(r["contractAddress"].clone()).unwrap();
    assert_eq!(
        bytes(&rpc.ok("eth_getCode", json!([c, "latest"]))),
        contract_runtime()
    );

    c
}

/// `eth_call` and `eth_estimateGas` on the contract; a revert is a geth-style error with
/// code 3, reason and data. Returns the estimate for storing 7.
fn calls_estimates_and_reverts(rpc: &Rpc, a: &Account, c: Address) -> u64 {
    assert_eq!(
        bytes(&rpc.ok("eth_call", json!([{"to": c, "data": word(7)}, "latest"]))),
        word(7).to_vec()
    );
    let gas = rpc.u64(
        "eth_estimateGas",
        json!([{"from": a.address, "to": c, "data": word(7)}]),
    );
    assert!(gas > 21_000 + 20_000 && gas < 100_000, "estimate {gas}");
    // a revert: geth-style error with code 3, reason and data
    let e = rpc.err("eth_call", json!([{"to": c, "data": word(0)}]));
    assert_eq!(e["code"], json!(3));
    assert_eq!(e["message"], json!("execution reverted: zero"));
    assert_eq!(bytes(&e["data"]), error_string("zero"));
    let e = rpc.err(
        "eth_estimateGas",
        json!([{"from": a.address, "to": c, "data": word(0)}]),
    );
    assert_eq!(e["code"], json!(3));

    gas
}

/// A transaction with exactly the estimate succeeds, logs and stores; a reverting one is
/// mined with status 0.
fn a_logging_and_a_reverting_transaction(rpc: &Rpc, a: &Account, c: Address, gas: u64) {
    let raw = eip1559(a, rpc.nonce(a.address), Some(c), U256::ZERO, word(42), gas);
    let r = rpc.send_raw(&raw);
    assert_eq!(r["status"], json!("0x1"), "{r}");
    assert_eq!(r["logs"][0]["topics"][0], json!(B256::from(U256::from(42))));
    assert_eq!(r["logs"][0]["logIndex"], json!("0x0"));
    assert_eq!(r["logs"][0]["removed"], json!(false));
    assert_eq!(r["logs"][0]["blockHash"], r["blockHash"]);
    assert_ne!(r["logsBloom"], json!(format!("0x{}", "0".repeat(512))));
    let slot = rpc.ok("eth_getStorageAt", json!([c, "0x0", "latest"]));
    assert_eq!(slot, json!(B256::from(U256::from(42))));

    // a reverting transaction is mined with status 0
    let raw = eip1559(
        a,
        rpc.nonce(a.address),
        Some(c),
        U256::ZERO,
        word(0),
        100_000,
    );
    let r = rpc.send_raw(&raw);
    assert_eq!(r["status"], json!("0x0"));
}

/// `eth_getLogs` by address, topic and block hash, and the log and block filters
/// installed before the calls (changes once, then none; uninstalled once).
fn logs_and_filters(rpc: &Rpc, c: Address, block_filter: &Value, log_filter: &Value) {
    let logs = rpc.ok(
        "eth_getLogs",
        json!([{"fromBlock": "0x0", "toBlock": "latest", "address": c}]),
    );
    assert_eq!(logs.as_array().unwrap().len(), 1);
    let by_topic = rpc.ok(
        "eth_getLogs",
        json!([{"fromBlock": "0x0", "topics": [[B256::from(U256::from(42))]]}]),
    );
    assert_eq!(by_topic.as_array().unwrap().len(), 1);
    let none = rpc.ok(
        "eth_getLogs",
        json!([{"fromBlock": "0x0", "topics": [B256::ZERO]}]),
    );
    assert_eq!(none, json!([]));
    let by_hash = rpc.ok("eth_getLogs", json!([{"blockHash": logs[0]["blockHash"]}]));
    assert_eq!(by_hash, logs);
    assert_eq!(rpc.ok("eth_getFilterChanges", json!([log_filter])), logs);
    assert_eq!(
        rpc.ok("eth_getFilterChanges", json!([log_filter])),
        json!([])
    );
    assert_eq!(rpc.ok("eth_getFilterLogs", json!([log_filter])), logs);
    let blocks = rpc.ok("eth_getFilterChanges", json!([block_filter]));
    assert_eq!(blocks.as_array().unwrap().len(), 2);
    assert_eq!(
        rpc.ok("eth_uninstallFilter", json!([block_filter])),
        json!(true)
    );
    assert_eq!(
        rpc.ok("eth_uninstallFilter", json!([block_filter])),
        json!(false)
    );
    assert_eq!(
        rpc.err("eth_getFilterChanges", json!([block_filter]))["code"],
        json!(-32000)
    );
}

/// State overrides on `eth_call`: code, state, stateDiff, balance and nonce, none of which
/// persist.
fn state_overrides(rpc: &Rpc, c: Address) {
    let other = Address::repeat_byte(0x44);
    let o = json!({other.to_string(): {"code": Bytes::from(contract_runtime())}});
    assert_eq!(
        bytes(&rpc.ok(
            "eth_call",
            json!([{"to": other, "data": word(5)}, "latest", o])
        )),
        word(5).to_vec()
    );
    // SLOAD(0) RETURN it: code 0x6000545f5260205ff3
    let sload = Bytes::from(vec![0x60, 0x00, 0x54, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3]);
    let o = json!({c.to_string(): {"code": sload, "state": {B256::ZERO.to_string(): B256::from(U256::from(9))}}});
    assert_eq!(
        rpc.ok("eth_call", json!([{"to": c}, "latest", o])),
        json!(B256::from(U256::from(9)))
    );
    let o = json!({c.to_string(): {"code": sload, "stateDiff": {B256::ZERO.to_string(): B256::from(U256::from(11))}}});
    assert_eq!(
        rpc.ok("eth_call", json!([{"to": c}, "latest", o])),
        json!(B256::from(U256::from(11)))
    );
    let o = json!({c.to_string(): {"code": sload}});
    assert_eq!(
        rpc.ok("eth_call", json!([{"to": c}, "latest", o])),
        json!(B256::from(U256::from(42)))
    );
    // BALANCE(CALLER) / NONCE via overrides: SELFBALANCE-free code: CALLER BALANCE
    let balance_code = Bytes::from(vec![0x33, 0x31, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3]);
    let o = json!({c.to_string(): {"code": balance_code}, other.to_string(): {"balance": "0x1234", "nonce": "0x5"}});
    assert_eq!(
        rpc.ok("eth_call", json!([{"from": other, "to": c}, "latest", o])),
        json!(B256::from(U256::from(0x1234)))
    );
    // overrides never persist
    assert_eq!(rpc.ok("eth_getCode", json!([other, "latest"])), json!("0x"));
}

#[test]
fn contract_calls_logs_reverts_and_overrides() {
    let node = start();
    let rpc = Rpc::new(&node);
    let a = account(&node, 1);
    let c = deploy_contract(&rpc, &a);
    // filters installed before the calls
    let block_filter = rpc.ok("eth_newBlockFilter", json!([]));
    let log_filter = rpc.ok("eth_newFilter", json!([{"address": c, "fromBlock": "0x0"}]));
    let gas = calls_estimates_and_reverts(&rpc, &a, c);
    a_logging_and_a_reverting_transaction(&rpc, &a, c, gas);
    logs_and_filters(&rpc, c, &block_filter, &log_filter);
    state_overrides(&rpc, c);
    node.shutdown();
}

#[test]
fn cheats_time_snapshots_and_balances() {
    let node = start();
    let rpc = Rpc::new(&node);
    let a = account(&node, 1);
    let snap = rpc.ok("evm_snapshot", json!([]));
    rpc.send_raw(&eip1559(
        &a,
        0,
        Some(Address::repeat_byte(1)),
        U256::from(5),
        Bytes::new(),
        21_000,
    ));
    assert_eq!(rpc.u64("eth_blockNumber", json!([])), 1);
    assert_eq!(rpc.ok("evm_revert", json!([snap])), json!(true));
    assert_eq!(rpc.u64("eth_blockNumber", json!([])), 0);
    assert_eq!(rpc.nonce(a.address), 0);
    assert_eq!(rpc.ok("evm_revert", json!([snap])), json!(false));

    let t0 = hex_u64(&rpc.ok("eth_getBlockByNumber", json!(["latest", false]))["timestamp"]);
    rpc.ok("evm_increaseTime", json!([3600]));
    rpc.ok("evm_mine", json!([]));
    let t1 = hex_u64(&rpc.ok("eth_getBlockByNumber", json!(["latest", false]))["timestamp"]);
    assert!(t1 >= t0 + 3600);
    rpc.ok(
        "evm_setNextBlockTimestamp",
        json!([format!("{:#x}", t1 + 100_000)]),
    );
    rpc.ok("evm_mine", json!([]));
    let t2 = hex_u64(&rpc.ok("eth_getBlockByNumber", json!(["latest", false]))["timestamp"]);
    assert_eq!(t2, t1 + 100_000);
    assert_eq!(
        rpc.err("evm_setNextBlockTimestamp", json!([1]))["code"],
        json!(-32000)
    );

    let x = Address::repeat_byte(0x77);
    rpc.ok("anvil_setBalance", json!([x, "0x100"]));
    assert_eq!(
        rpc.ok("eth_getBalance", json!([x, "latest"])),
        json!("0x100")
    );
    rpc.ok("hardhat_setBalance", json!([x, "0x200"]));
    assert_eq!(
        rpc.ok("eth_getBalance", json!([x, "pending"])),
        json!("0x200")
    );
    // an older block's state is served as it was: x had nothing at genesis
    assert_eq!(rpc.ok("eth_getBalance", json!([x, "0x0"])), json!("0x0"));
    node.shutdown();
}

/// `PUSH20 x BALANCE PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN`: returns `x`'s balance.
fn balance_reader(x: Address) -> String {
    format!("0x73{}3160005260206000f3", alloy_primitives::hex::encode(x))
}

#[test]
fn reads_calls_and_estimates_at_older_blocks_see_that_blocks_state_within_the_history() {
    let node = start_with(devnode::rpc::NodeConfig {
        history: 3,
        ..Default::default()
    });
    let rpc = Rpc::new(&node);
    let x = Address::repeat_byte(0x77);
    let reader = Address::repeat_byte(0x42);
    let mut blocks = Vec::new();
    for balance in ["0x100", "0x200", "0x300"] {
        rpc.ok("anvil_setBalance", json!([x, balance]));
        rpc.ok("evm_mine", json!([]));
        blocks.push(rpc.ok("eth_blockNumber", json!([])));
    }
    let overrides = json!({ reader.to_string(): { "code": balance_reader(x) } });
    let call = json!({ "to": reader, "data": "0x" });
    for (block, balance) in blocks.iter().zip([0x100u64, 0x200, 0x300]) {
        assert_eq!(
            rpc.ok("eth_getBalance", json!([x, block])),
            json!(format!("{balance:#x}"))
        );
        let out = rpc.ok("eth_call", json!([call, block, overrides]));
        assert_eq!(hex_u256(&out), U256::from(balance), "eth_call at {block}");
        let gas = hex_u64(&rpc.ok("eth_estimateGas", json!([call, block, overrides])));
        assert!(gas > 21_000, "estimate at {block}: {gas}");
        assert_eq!(
            rpc.ok("eth_getStorageAt", json!([x, "0x0", block])),
            json!(format!("0x{}", "0".repeat(64)))
        );
    }
    // Three blocks back are kept besides the latest: one more block and genesis leaves.
    rpc.ok("evm_mine", json!([]));
    let e = rpc.err("eth_getBalance", json!([x, "0x0"]));
    assert!(
        e["message"].as_str().unwrap().contains("no longer kept"),
        "{e}"
    );
    assert_eq!(
        rpc.err("eth_getBalance", json!([x, "0x99"]))["message"],
        json!("header not found")
    );
    node.shutdown();
}

#[test]
fn interval_mining_batches_transactions() {
    let node = start_with(devnode::rpc::NodeConfig {
        block_time: Some(std::time::Duration::from_millis(300)),
        ..Default::default()
    });
    let rpc = Rpc::new(&node);
    let a = account(&node, 1);
    let to = Some(Address::repeat_byte(2));
    let h1 = rpc.ok(
        "eth_sendRawTransaction",
        json!([eip1559(&a, 0, to, U256::from(1), Bytes::new(), 21_000)]),
    );
    assert_eq!(
        rpc.u64("eth_getTransactionCount", json!([a.address, "pending"])),
        1
    );
    let h2 = rpc.ok(
        "eth_sendRawTransaction",
        json!([eip1559(&a, 1, to, U256::from(1), Bytes::new(), 21_000)]),
    );
    let pending = rpc.ok("eth_getTransactionByHash", json!([h2]));
    let mut r1 = Value::Null;
    for _ in 0..100 {
        r1 = rpc.ok("eth_getTransactionReceipt", json!([h1]));
        if !r1.is_null() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let r2 = rpc.ok("eth_getTransactionReceipt", json!([h2]));
    if !pending.is_null() && pending["blockHash"].is_null() {
        assert_eq!(r1["blockHash"], r2["blockHash"], "both in one block");
        assert_eq!(r2["transactionIndex"], json!("0x1"));
        assert_eq!(hex_u64(&r2["cumulativeGasUsed"]), 42_000);
    }
    assert_eq!(r1["status"], json!("0x1"));
    assert_eq!(r2["status"], json!("0x1"));
    let e = rpc.err(
        "eth_sendRawTransaction",
        json!([eip1559(&a, 0, to, U256::from(9), Bytes::new(), 21_000)]),
    );
    assert!(
        e["message"].as_str().unwrap().contains("nonce too low"),
        "{e}"
    );
    node.shutdown();
}
