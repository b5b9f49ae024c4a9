//! A bounded fuzz test, drawn by `proptest`: a few thousand random bodies, method calls
//! with random params, random raw transactions and mutated valid ones. Every reply must be
//! a well-formed JSON-RPC response and the node must keep serving. The seed is fixed, so
//! failures reproduce, and a failing request is shrunk to a minimal one before it is
//! reported (`DEVNODE_FUZZ_SEED`, `DEVNODE_FUZZ_CASES`).

use std::cell::Cell;

use crate::rpc_common::*;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use revm::primitives::{Address, Bytes, U256};
use serde_json::{json, Value};

const METHODS: &[&str] = &[
    "eth_chainId",
    "net_version",
    "web3_clientVersion",
    "eth_accounts",
    "eth_blockNumber",
    "eth_getBlockByNumber",
    "eth_getBlockByHash",
    "eth_getBalance",
    "eth_getCode",
    "eth_getStorageAt",
    "eth_getTransactionCount",
    "eth_gasPrice",
    "eth_maxPriorityFeePerGas",
    "eth_feeHistory",
    "eth_estimateGas",
    "eth_call",
    "eth_sendRawTransaction",
    "eth_sendTransaction",
    "eth_getTransactionByHash",
    "eth_getTransactionReceipt",
    "eth_getLogs",
    "eth_newFilter",
    "eth_newBlockFilter",
    "eth_getFilterChanges",
    "eth_getFilterLogs",
    "eth_uninstallFilter",
    "evm_snapshot",
    "evm_revert",
    "evm_increaseTime",
    "evm_setNextBlockTimestamp",
    "evm_mine",
    "anvil_setBalance",
    "hardhat_setBalance",
    "eth_nothing",
    "",
    "web3_sha3",
];

const KEYS: &[&str] = &[
    "from",
    "to",
    "data",
    "input",
    "value",
    "gas",
    "nonce",
    "fromBlock",
    "toBlock",
    "address",
    "topics",
    "blockHash",
    "balance",
    "code",
    "state",
    "stateDiff",
    "x",
];

/// Random JSON: scalars, hex quantities and data, block tags, addresses, short strings,
/// and arrays and objects (with the keys the node looks for) nested up to three deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (any::<u64>(), 0u32..64).prop_map(|(n, s)| json!(format!("0x{:x}", n >> s))),
        proptest::collection::vec(any::<u8>(), 0..=40)
            .prop_map(|b| json!(format!("0x{}", revm::primitives::hex::encode(b)))),
        select(&["latest", "pending", "earliest", "safe", "0x0", "0x1", "zz", ""][..])
            .prop_map(Value::from),
        any::<u8>().prop_map(|b| json!(Address::repeat_byte(b))),
        proptest::collection::vec(any::<u8>(), 0..=12)
            .prop_map(|b| json!(String::from_utf8_lossy(&b))),
    ];
    leaf.prop_recursive(3, 32, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((select(KEYS), inner), 0..5).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

/// What is done to a raw transaction before it is sent.
#[derive(Clone, Debug)]
enum Mutation {
    None,
    Truncate(Index),
    FlipBit(Index, u8),
}

/// One request body.
#[derive(Clone, Debug)]
enum Request {
    /// Random bytes.
    Bytes(Vec<u8>),
    /// A random JSON value.
    Json(Value),
    /// A method with random params.
    Call {
        id: u64,
        method: &'static str,
        params: Vec<Value>,
    },
    /// A signed transaction of each type (or random bytes), maybe truncated or with a
    /// flipped bit.
    Raw {
        id: u64,
        /// 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 random bytes.
        kind: u8,
        nonce: u64,
        to: u8,
        input: Vec<u8>,
        gas: u64,
        junk: Vec<u8>,
        mutation: Mutation,
    },
}

fn request() -> impl Strategy<Value = Request> {
    let bytes = |max: usize| proptest::collection::vec(any::<u8>(), 0..=max);
    let mutation = prop_oneof![
        2 => Just(Mutation::None),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), 0u8..8).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
    ];
    prop_oneof![
        1 => bytes(200).prop_map(Request::Bytes),
        1 => json_value().prop_map(Request::Json),
        2 => (any::<u64>(), select(METHODS), proptest::collection::vec(json_value(), 0..4))
            .prop_map(|(id, method, params)| Request::Call { id, method, params }),
        2 => (
            any::<u64>(),
            0u8..4,
            0u64..3,
            any::<u8>(),
            bytes(64),
            21_000u64..221_000,
            bytes(120),
            mutation,
        )
            .prop_map(|(id, kind, nonce, to, input, gas, junk, mutation)| Request::Raw {
                id,
                kind,
                nonce,
                to,
                input,
                gas,
                junk,
                mutation,
            }),
    ]
}

impl Request {
    fn body(&self, a: &devnode::rpc::Account) -> Vec<u8> {
        match self {
            Request::Bytes(b) => b.clone(),
            Request::Json(v) => v.to_string().into_bytes(),
            Request::Call { id, method, params } => {
                json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
                    .to_string()
                    .into_bytes()
            }
            Request::Raw {
                id,
                kind,
                nonce,
                to,
                input,
                gas,
                junk,
                mutation,
            } => {
                let (nonce, gas) = (*nonce, *gas);
                let to = Some(Address::repeat_byte(*to));
                let input = Bytes::from(input.clone());
                let mut raw = match kind {
                    0 => legacy(a, Some(CHAIN_ID), nonce, to, U256::from(1), input, gas).to_vec(),
                    1 => eip2930(a, nonce, to, U256::ZERO, input, gas).to_vec(),
                    2 => eip1559(a, nonce, to, U256::ZERO, input, gas).to_vec(),
                    _ => junk.clone(),
                };
                match mutation {
                    Mutation::Truncate(i) if !raw.is_empty() => raw.truncate(i.index(raw.len())),
                    Mutation::FlipBit(i, bit) if !raw.is_empty() => {
                        let i = i.index(raw.len());
                        raw[i] ^= 1 << bit;
                    }
                    _ => {}
                }
                json!({"jsonrpc": "2.0", "id": id, "method": "eth_sendRawTransaction", "params": [Bytes::from(raw)]}).to_string().into_bytes()
            }
        }
    }
}

fn well_formed(reply: &Value) -> bool {
    let one = |v: &Value| {
        let Value::Object(o) = v else { return false };
        if o.get("jsonrpc") != Some(&json!("2.0")) || !o.contains_key("id") {
            return false;
        }
        match (o.get("result"), o.get("error")) {
            (Some(_), None) => true,
            (None, Some(e)) => e["code"].is_i64() && e["message"].is_string(),
            _ => false,
        }
    };
    match reply {
        Value::Array(items) => !items.is_empty() && items.iter().all(one),
        v => one(v),
    }
}

#[test]
fn random_requests_never_break_the_node() {
    let seed: u64 = std::env::var("DEVNODE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_1234);
    let cases: u32 = std::env::var("DEVNODE_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    let node = start();
    let rpc = Rpc::new(&node);
    let a = account(&node, 1);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    });
    let started = std::time::Instant::now();
    let answered = Cell::new(0u64);
    let result = runner.run(&request(), |req| {
        let body = req.body(&a);
        let shown = || String::from_utf8_lossy(&body).into_owned();
        let (status, reply) = rpc.post(&body);
        prop_assert_eq!(status, 200, "HTTP {} for {}", status, shown());
        let reply: Value = serde_json::from_slice(&reply).map_err(|e| {
            TestCaseError::fail(format!(
                "reply is not JSON ({e}): {} for {}",
                String::from_utf8_lossy(&reply),
                shown()
            ))
        })?;
        prop_assert!(
            well_formed(&reply),
            "malformed reply {} to {}",
            reply,
            shown()
        );
        // A panic inside a handler is caught and answered -32603: still a bug.
        prop_assert!(
            !reply.to_string().contains("-32603"),
            "internal error {} for {}",
            reply,
            shown()
        );
        answered.set(answered.get() + 1);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e} (seed {seed:#x})");
    }
    assert_eq!(rpc.ok("eth_chainId", json!([])), json!("0x64aba"));
    println!(
        "fuzz: {} cases answered in {:.2?} (seed {seed:#x})",
        answered.get(),
        started.elapsed()
    );
    node.shutdown();
}
