//! A bounded fuzz test: a few thousand random bodies, method calls with random params,
//! random raw transactions and mutated valid ones. Every reply must be a well-formed
//! JSON-RPC response and the node must keep serving. Seeded, so failures reproduce
//! (`DEVNODE_FUZZ_SEED`, `DEVNODE_FUZZ_CASES`).

mod rpc_common;

use revm::primitives::{Address, Bytes, U256};
use rpc_common::*;
use serde_json::{json, Value};

/// xorshift64*: small, deterministic, good enough to pick cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn bytes(&mut self, max: u64) -> Vec<u8> {
        let n = self.below(max + 1);
        (0..n).map(|_| self.next() as u8).collect()
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

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

fn random_value(r: &mut Rng, depth: u32) -> Value {
    match r.below(if depth > 2 { 8 } else { 11 }) {
        0 => Value::Null,
        1 => json!(r.below(2) == 0),
        2 => json!(r.next() as i64),
        3 => json!(format!("0x{:x}", r.next() >> r.below(64))),
        4 => json!(format!("0x{}", revm::primitives::hex::encode(r.bytes(40)))),
        5 => json!(*r.pick(&["latest", "pending", "earliest", "safe", "0x0", "0x1", "zz", ""])),
        6 => json!(Address::repeat_byte(r.next() as u8)),
        7 => json!(String::from_utf8_lossy(&r.bytes(12))),
        8 => Value::Array(
            (0..r.below(4))
                .map(|_| random_value(r, depth + 1))
                .collect(),
        ),
        _ => {
            let keys = [
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
            let mut o = serde_json::Map::new();
            for _ in 0..r.below(5) {
                o.insert(r.pick(&keys).to_string(), random_value(r, depth + 1));
            }
            Value::Object(o)
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
    let cases: u64 = std::env::var("DEVNODE_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    let node = start();
    let rpc = Rpc::new(&node);
    let a = account(&node, 1);
    let mut rng = Rng(seed | 1);
    let started = std::time::Instant::now();
    let mut answered = 0u64;
    for case in 0..cases {
        let body: Vec<u8> = match rng.below(6) {
            // random bytes
            0 => rng.bytes(200),
            // random JSON values
            1 => random_value(&mut rng, 0).to_string().into_bytes(),
            // a method with random params
            2 | 3 => {
                let params = Value::Array(
                    (0..rng.below(4))
                        .map(|_| random_value(&mut rng, 1))
                        .collect(),
                );
                json!({"jsonrpc": "2.0", "id": case, "method": rng.pick(METHODS), "params": params})
                    .to_string()
                    .into_bytes()
            }
            // random or mutated raw transactions
            _ => {
                let nonce = rng.below(3);
                let to = Some(Address::repeat_byte(rng.next() as u8));
                let input = Bytes::from(rng.bytes(64));
                let gas = 21_000 + rng.below(200_000);
                let mut raw = match rng.below(4) {
                    0 => legacy(&a, Some(CHAIN_ID), nonce, to, U256::from(1), input, gas).to_vec(),
                    1 => eip2930(&a, nonce, to, U256::ZERO, input, gas).to_vec(),
                    2 => eip1559(&a, nonce, to, U256::ZERO, input, gas).to_vec(),
                    _ => rng.bytes(120),
                };
                match rng.below(4) {
                    0 if !raw.is_empty() => raw.truncate(rng.below(raw.len() as u64) as usize),
                    1 if !raw.is_empty() => {
                        let i = rng.below(raw.len() as u64) as usize;
                        raw[i] ^= 1 << rng.below(8);
                    }
                    _ => {}
                }
                json!({"jsonrpc": "2.0", "id": case, "method": "eth_sendRawTransaction", "params": [Bytes::from(raw)]}).to_string().into_bytes()
            }
        };
        let (status, reply) = rpc.post(&body);
        assert_eq!(status, 200, "case {case}: HTTP {status}");
        let reply: Value = serde_json::from_slice(&reply).unwrap_or_else(|e| {
            panic!(
                "case {case}: reply is not JSON ({e}): {}",
                String::from_utf8_lossy(&reply)
            )
        });
        assert!(
            well_formed(&reply),
            "case {case}: malformed reply {reply} to {}",
            String::from_utf8_lossy(&body)
        );
        // A panic inside a handler is caught and answered -32603: still a bug.
        assert!(
            !reply.to_string().contains("-32603"),
            "case {case}: internal error {reply} for {}",
            String::from_utf8_lossy(&body)
        );
        answered += 1;
    }
    assert_eq!(rpc.ok("eth_chainId", json!([])), json!("0x64aba"));
    println!(
        "fuzz: {answered} cases answered in {:.2?} (seed {seed:#x})",
        started.elapsed()
    );
    node.shutdown();
}
