//! Shared steps of the JSON-RPC tests: a node on an ephemeral port, a minimal HTTP
//! client over `TcpStream`, signed transactions of each type, and a small EVM contract.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use alloy_consensus::{TxEip1559, TxEip2930, TxLegacy};
use alloy_primitives::TxKind;
use devnode::rpc::{tx, Account, Node, NodeConfig, NodeHandle};
use revm::primitives::{hex, Address, Bytes, U256};
use serde_json::{json, Value};

pub const CHAIN_ID: u64 = 412_346;

pub fn start() -> NodeHandle {
    start_with(NodeConfig::default())
}

pub fn start_with(config: NodeConfig) -> NodeHandle {
    Node::start(NodeConfig {
        port: 0,
        accounts: 3,
        ..config
    })
    .expect("node starts")
}

/// A JSON-RPC client: one connection per request (`Connection: close`).
pub struct Rpc {
    pub addr: SocketAddr,
}

impl Rpc {
    pub fn new(node: &NodeHandle) -> Self {
        Self { addr: node.addr() }
    }

    /// POSTs `body` and returns the HTTP status and the body.
    pub fn post(&self, body: &[u8]) -> (u16, Vec<u8>) {
        let mut s = TcpStream::connect(self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let head = format!(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        s.write_all(head.as_bytes()).unwrap();
        // The server may answer early (body too large) and close: ignore write errors.
        let _ = s.write_all(body);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let text = String::from_utf8_lossy(&out);
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no HTTP status in {text:?}"));
        let split = out
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("head ends");
        (status, out[split + 4..].to_vec())
    }

    /// The whole JSON-RPC response to `method(params)`.
    pub fn request(&self, method: &str, params: Value) -> Value {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let (status, body) = self.post(body.to_string().as_bytes());
        assert_eq!(status, 200, "{method}: HTTP {status}");
        serde_json::from_slice(&body).expect("JSON response")
    }

    /// The result, failing the test on an error.
    pub fn ok(&self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// The error object, failing the test on a result.
    pub fn err(&self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.get("result").is_none(), "{method} should fail: {r}");
        r["error"].clone()
    }

    pub fn u64(&self, method: &str, params: Value) -> u64 {
        hex_u64(&self.ok(method, params))
    }

    /// Sends raw bytes and returns the receipt.
    pub fn send_raw(&self, raw: &Bytes) -> Value {
        let hash = self.ok("eth_sendRawTransaction", json!([raw]));
        self.ok("eth_getTransactionReceipt", json!([hash]))
    }

    pub fn nonce(&self, a: Address) -> u64 {
        self.u64("eth_getTransactionCount", json!([a, "latest"]))
    }
}

pub fn hex_u64(v: &Value) -> u64 {
    let s = v.as_str().unwrap_or_else(|| panic!("not a quantity: {v}"));
    u64::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex quantity")
}

pub fn hex_u256(v: &Value) -> U256 {
    v.as_str().expect("quantity").parse().expect("U256")
}

pub fn bytes(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex data")).expect("hex")
}

pub fn account(node: &NodeHandle, i: usize) -> Account {
    node.accounts()[i].clone()
}

pub fn kind(to: Option<Address>) -> TxKind {
    to.map_or(TxKind::Create, TxKind::Call)
}

pub fn legacy(
    a: &Account,
    chain_id: Option<u64>,
    nonce: u64,
    to: Option<Address>,
    value: U256,
    input: Bytes,
    gas: u64,
) -> Bytes {
    let t = TxLegacy {
        chain_id,
        nonce,
        gas_price: 1_000_000_000,
        gas_limit: gas,
        to: kind(to),
        value,
        input,
    };
    tx::encode(tx::sign(t, &a.key).unwrap())
}

pub fn eip2930(
    a: &Account,
    nonce: u64,
    to: Option<Address>,
    value: U256,
    input: Bytes,
    gas: u64,
) -> Bytes {
    let t = TxEip2930 {
        chain_id: CHAIN_ID,
        nonce,
        gas_price: 1_000_000_000,
        gas_limit: gas,
        to: kind(to),
        value,
        access_list: Default::default(),
        input,
    };
    tx::encode(tx::sign(t, &a.key).unwrap())
}

pub fn eip1559_on(
    chain_id: u64,
    a: &Account,
    nonce: u64,
    to: Option<Address>,
    value: U256,
    input: Bytes,
    gas: u64,
) -> Bytes {
    let t = TxEip1559 {
        chain_id,
        nonce,
        gas_limit: gas,
        max_fee_per_gas: 1_000_000_000,
        max_priority_fee_per_gas: 0,
        to: kind(to),
        value,
        access_list: Default::default(),
        input,
    };
    tx::encode(tx::sign(t, &a.key).unwrap())
}

pub fn eip1559(
    a: &Account,
    nonce: u64,
    to: Option<Address>,
    value: U256,
    input: Bytes,
    gas: u64,
) -> Bytes {
    eip1559_on(CHAIN_ID, a, nonce, to, value, input, gas)
}

/// `Error(string)` revert data.
pub fn error_string(reason: &str) -> Vec<u8> {
    use alloy_sol_types::SolError;
    alloy_sol_types::Revert::from(reason).abi_encode()
}

/// Runtime code of the test contract: `x = calldataload(0)`; if `x == 0` revert with
/// `Error("zero")`; otherwise `sstore(0, x)`, `log1(topic = x)`, return `x`.
pub fn contract_runtime() -> Vec<u8> {
    let mut c = vec![
        0x60, 0x00, 0x35, // x
        0x80, 0x15, 0x60, 0x00, 0x57, // dup, iszero, push revert-dest (patched), jumpi
        0x80, 0x60, 0x00, 0x55, // sstore(0, x)
        0x80, 0x60, 0x00, 0x60, 0x00, 0xa1, // log1(0, 0, x)
        0x60, 0x00, 0x52, // mstore(0, x)
        0x60, 0x20, 0x60, 0x00, 0xf3, // return(0, 32)
    ];
    let dest = c.len() as u8;
    c[6] = dest;
    c.push(0x5b); // JUMPDEST
    let data = error_string("zero");
    // mstore each 32-byte word of the revert data, then revert(0, len).
    for (i, word) in data.chunks(32).enumerate() {
        let mut w = [0u8; 32];
        w[..word.len()].copy_from_slice(word);
        c.push(0x7f);
        c.extend_from_slice(&w);
        c.extend_from_slice(&[0x60, (i * 32) as u8, 0x52]);
    }
    c.extend_from_slice(&[0x60, data.len() as u8, 0x60, 0x00, 0xfd]);
    c
}

pub fn contract_init() -> Bytes {
    devnode::deployer::init_code(&contract_runtime())
}

pub fn word(n: u64) -> Bytes {
    Bytes::from(U256::from(n).to_be_bytes::<32>().to_vec())
}
