//! Bad input never kills the node: each case is answered with the right JSON-RPC error
//! (or a mined failed transaction where Ethereum mines it) and the node keeps serving.

use crate::rpc_common::*;
use alloy_consensus::{SignableTransaction, TxEip1559};
use alloy_primitives::Signature;
use alloy_sol_types::SolCall;
use devnode::abi::ArbWasm::activateProgramCall;
use devnode::arbos::precompiles::ARB_WASM;
use devnode::rpc::{tx, Account, NodeConfig};
use revm::primitives::{Address, Bytes, U256};
use serde_json::{json, Value};

fn still_serving(rpc: &Rpc) {
    assert_eq!(rpc.ok("eth_chainId", json!([])), json!("0x64aba"));
}

fn message(e: &Value) -> String {
    e["message"].as_str().unwrap_or_default().to_string()
}

#[test]
fn malformed_requests() {
    let node = start();
    let rpc = Rpc::new(&node);
    for (body, code) in [
        (&b"{bad json"[..], -32700),
        (b"", -32700),
        (b"[]", -32600),
        (b"42", -32600),
        (br#"{"jsonrpc":"2.0","id":1}"#, -32600),
        (
            br#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":{"a":1}}"#,
            -32602,
        ),
        (
            br#"{"jsonrpc":"2.0","id":1,"method":"eth_nope","params":[]}"#,
            -32601,
        ),
        (
            br#"{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x12"]}"#,
            -32602,
        ),
        (
            br#"{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":[]}"#,
            -32602,
        ),
        (
            br#"{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["soon", false]}"#,
            -32602,
        ),
        (
            br#"{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"to":"0x1"}]}"#,
            -32602,
        ),
        (
            br#"{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":[12]}"#,
            -32602,
        ),
        (
            br#"{"jsonrpc":"2.0","id":1,"method":"evm_revert","params":["zz"]}"#,
            -32602,
        ),
    ] {
        let (status, reply) = rpc.post(body);
        assert_eq!(status, 200);
        let reply: Value = serde_json::from_slice(&reply).expect("JSON reply");
        assert_eq!(
            reply["error"]["code"],
            json!(code),
            "{}: {reply}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(reply["jsonrpc"], json!("2.0"));
        still_serving(&rpc);
    }
    // a batch answers each entry, good and bad
    let (_, reply) = rpc
        .post(br#"[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"id":2,"method":"nope"},5]"#);
    let reply: Value = serde_json::from_slice(&reply).unwrap();
    assert_eq!(reply[0]["result"], json!("0x64aba"));
    assert_eq!(reply[1]["error"]["code"], json!(-32601));
    assert_eq!(reply[2]["error"]["code"], json!(-32600));
    node.shutdown();
}

#[test]
fn oversized_body() {
    let node = start_with(NodeConfig {
        max_body_bytes: 4096,
        ..Default::default()
    });
    let rpc = Rpc::new(&node);
    let big = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":["{}"]}}"#,
        "a".repeat(10_000)
    );
    let (status, reply) = rpc.post(big.as_bytes());
    assert_eq!(status, 413);
    let reply: Value = serde_json::from_slice(&reply).unwrap();
    assert_eq!(reply["error"]["code"], json!(-32600));
    assert!(message(&reply["error"]).contains("too large"));
    still_serving(&rpc);
    node.shutdown();
}

#[test]
fn refused_transactions() {
    let node = start();
    let rpc = Rpc::new(&node);
    let a = account(&node, 1);
    let to = Some(Address::repeat_byte(3));
    let send_err = |raw: Bytes| {
        let e = rpc.err("eth_sendRawTransaction", json!([raw]));
        assert_eq!(e["code"], json!(-32000), "{e}");
        still_serving(&rpc);
        message(&e)
    };
    // undecodable bytes
    assert!(send_err(Bytes::new()).contains("empty"));
    assert!(send_err(Bytes::from(vec![0x12, 0x34])).contains("rlp"));
    let good = eip1559(&a, 0, to, U256::from(1), Bytes::new(), 21_000);
    assert!(send_err(Bytes::from(good[..good.len() - 3].to_vec())).contains("rlp"));
    let mut trailing = good.to_vec();
    trailing.push(0);
    assert!(!send_err(Bytes::from(trailing)).is_empty());
    // an unrecoverable signature
    let t = TxEip1559 {
        chain_id: CHAIN_ID,
        nonce: 0,
        gas_limit: 21_000,
        max_fee_per_gas: 1_000_000_000,
        to: kind(to),
        ..Default::default()
    };
    let bad = tx::encode(t.into_signed(Signature::new(U256::ZERO, U256::from(1), false)));
    assert!(send_err(bad).contains("invalid sender"));
    // wrong chain id
    assert!(
        send_err(eip1559_on(1, &a, 0, to, U256::ZERO, Bytes::new(), 21_000))
            .contains("invalid chain id")
    );
    // nonces
    assert!(
        send_err(eip1559(&a, 5, to, U256::ZERO, Bytes::new(), 21_000)).contains("nonce too high")
    );
    rpc.send_raw(&good);
    assert!(
        send_err(eip1559(&a, 0, to, U256::from(2), Bytes::new(), 21_000)).contains("nonce too low")
    );
    assert!(send_err(good.clone()).contains("already known"));
    // funds
    let poor =
        Account::from_hex("0x0707070707070707070707070707070707070707070707070707070707070707")
            .unwrap();
    assert!(
        send_err(eip1559(&poor, 0, to, U256::ZERO, Bytes::new(), 21_000))
            .contains("insufficient funds")
    );
    let rich = U256::from(10u64).pow(U256::from(30));
    assert!(send_err(eip1559(&a, 1, to, rich, Bytes::new(), 21_000)).contains("insufficient funds"));
    // gas
    assert!(
        send_err(eip1559(&a, 1, to, U256::ZERO, Bytes::new(), 40_000_000))
            .contains("gas limit too high")
    );
    assert!(
        send_err(eip1559(&a, 1, to, U256::ZERO, Bytes::new(), 20_000))
            .contains("intrinsic gas too low")
    );
    // initcode over EIP-3860's limit is refused
    let huge = Bytes::from(vec![0u8; 49_153]);
    assert!(
        send_err(eip1559(&a, 1, None, U256::ZERO, huge, 30_000_000)).contains("max initcode size")
    );
    // eth_sendTransaction for an account the node has no key for
    let e = rpc.err(
        "eth_sendTransaction",
        json!([{"from": Address::repeat_byte(1), "to": to}]),
    );
    assert!(message(&e).contains("no signer"));
    assert_eq!(rpc.nonce(a.address), 1);
    node.shutdown();
}

#[test]
fn mined_failures() {
    let node = start();
    let rpc = Rpc::new(&node);
    let a = account(&node, 1);
    // EIP-170: init code returning 24,577 bytes (PUSH2 0x6001 PUSH1 0 RETURN) is mined, failed
    let init = Bytes::from(vec![0x61, 0x60, 0x01, 0x60, 0x00, 0xf3]);
    let r = rpc.send_raw(&eip1559(&a, 0, None, U256::ZERO, init, 10_000_000));
    assert_eq!(r["status"], json!("0x0"));
    assert_eq!(r["contractAddress"], Value::Null);
    // invalid WASM: deploys (it is just code) but activation reverts, mined with status 0
    let garbage = devnode::deployer::program_code(b"\0asm\x01\0\0\0garbage");
    let r = rpc.send_raw(&eip1559(
        &a,
        1,
        None,
        U256::ZERO,
        devnode::deployer::init_code(&garbage),
        5_000_000,
    ));
    assert_eq!(r["status"], json!("0x1"));
    let program: Address = serde_json::from_value(r["contractAddress"].clone()).unwrap();
    let data = Bytes::from(activateProgramCall { program }.abi_encode());
    let e = rpc.err(
        "eth_estimateGas",
        json!([{"from": a.address, "to": ARB_WASM, "data": data, "value": "0xde0b6b3a7640000"}]),
    );
    assert_eq!(e["code"], json!(3), "{e}");
    let value = U256::from(10u64.pow(18));
    let r = rpc.send_raw(&eip1559(&a, 2, Some(ARB_WASM), value, data, 10_000_000));
    assert_eq!(r["status"], json!("0x0"));
    still_serving(&rpc);
    assert_eq!(rpc.nonce(a.address), 3);
    node.shutdown();
}
