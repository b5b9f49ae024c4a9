//! JSON shapes: the error object, parameter parsing, block tags, call requests, and the
//! block / transaction / receipt / log objects with the field names clients expect
//! (geth's, plus nitro's `l1BlockNumber` and `gasUsedForL1`).

use alloy_consensus::{Transaction, TxEnvelope};
use alloy_primitives::{Bloom, U128, U64};
use revm::context::transaction::AccessList;
use revm::primitives::{Address, Bytes, Log, B256, U256};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::chain::StateView;
use crate::{Block, Chain, Receipt, Status, TxRequest};

/// A JSON-RPC error object.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{message} (code {code})")]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

impl RpcError {
    pub const PARSE: i64 = -32700;
    pub const INVALID_REQUEST: i64 = -32600;
    pub const METHOD_NOT_FOUND: i64 = -32601;
    pub const INVALID_PARAMS: i64 = -32602;
    pub const INTERNAL: i64 = -32603;
    /// geth's code for a refused transaction or a failed request.
    pub const SERVER: i64 = -32000;
    /// geth's code for a reverted call (with the revert data).
    pub const REVERT: i64 = 3;

    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    pub fn params(message: impl Into<String>) -> Self {
        Self::new(Self::INVALID_PARAMS, message)
    }

    pub fn server(message: impl Into<String>) -> Self {
        Self::new(Self::SERVER, message)
    }

    /// geth's answer to a reverted `eth_call`/`eth_estimateGas`: the reason is decoded
    /// into the message when the data is `Error(string)`.
    pub fn revert(data: &Bytes) -> Self {
        use alloy_sol_types::SolError;
        let message = match alloy_sol_types::Revert::abi_decode(data) {
            Ok(r) => format!("execution reverted: {}", r.reason),
            Err(_) => "execution reverted".to_string(),
        };
        Self {
            code: Self::REVERT,
            message,
            data: Some(json!(data)),
        }
    }

    pub fn to_json(&self) -> Value {
        match &self.data {
            Some(d) => json!({"code": self.code, "message": self.message, "data": d}),
            None => json!({"code": self.code, "message": self.message}),
        }
    }
}

/// A human description of a failed transaction's status for logs: the `Error(string)`
/// reason, the panic code, or the custom error's selector.
pub fn describe_status(status: &Status) -> String {
    match status {
        Status::Success => "success".into(),
        Status::Halt(why) => format!("halted: {why:?}"),
        Status::Revert(data) => match alloy_sol_types::decode_revert_reason(data) {
            Some(reason) => format!("reverted: {reason}"),
            None if data.len() >= 4 => {
                format!(
                    "reverted with custom error 0x{}",
                    alloy_primitives::hex::encode(&data[..4])
                )
            }
            None => "reverted (no data)".into(),
        },
    }
}

/// Positional parameters.
pub struct Params<'a>(pub &'a [Value]);

impl Params<'_> {
    /// Parameter `i`; `null` or missing is an error.
    pub fn get<T: DeserializeOwned>(&self, i: usize, what: &str) -> Result<T, RpcError> {
        self.opt(i, what)?.ok_or_else(|| {
            RpcError::params(format!("missing value for required argument {i} ({what})"))
        })
    }

    /// Parameter `i`, `None` when missing or `null`.
    pub fn opt<T: DeserializeOwned>(&self, i: usize, what: &str) -> Result<Option<T>, RpcError> {
        match self.0.get(i) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => T::deserialize(v)
                .map(Some)
                .map_err(|e| RpcError::params(format!("invalid argument {i} ({what}): {e}"))),
        }
    }

    pub fn quantity(&self, i: usize, what: &str) -> Result<u64, RpcError> {
        self.opt_quantity(i, what)?.ok_or_else(|| {
            RpcError::params(format!("missing value for required argument {i} ({what})"))
        })
    }

    /// A number given as a hex quantity or a plain JSON number (hardhat-style calls).
    pub fn opt_quantity(&self, i: usize, what: &str) -> Result<Option<u64>, RpcError> {
        match self.0.get(i) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(|| {
                RpcError::params(format!("invalid argument {i} ({what}): not a u64"))
            }),
            Some(v) => {
                let q: U64 = U64::deserialize(v)
                    .map_err(|e| RpcError::params(format!("invalid argument {i} ({what}): {e}")))?;
                Ok(Some(q.to()))
            }
        }
    }
}

use serde::Deserialize;

/// A block selector (a tag, a number or a hash; EIP-1898 objects too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockId {
    Latest,
    Pending,
    Earliest,
    Number(u64),
    Hash(B256),
}

impl BlockId {
    pub fn parse(v: Option<&Value>) -> Result<BlockId, RpcError> {
        let bad = |v: &Value| RpcError::params(format!("invalid block tag: {v}"));
        match v {
            None | Some(Value::Null) => Ok(BlockId::Latest),
            Some(Value::String(s)) => match s.as_str() {
                "latest" | "safe" | "finalized" => Ok(BlockId::Latest),
                "pending" => Ok(BlockId::Pending),
                "earliest" => Ok(BlockId::Earliest),
                s if s.len() == 66 => s.parse().map(BlockId::Hash).map_err(|_| bad(&json!(s))),
                _ => U64::deserialize(&Value::String(s.clone()))
                    .map(|n| BlockId::Number(n.to()))
                    .map_err(|_| bad(&json!(s))),
            },
            Some(Value::Number(n)) => n
                .as_u64()
                .map(BlockId::Number)
                .ok_or_else(|| bad(&json!(n))),
            Some(Value::Object(o)) => {
                if let Some(h) = o.get("blockHash") {
                    B256::deserialize(h).map(BlockId::Hash).map_err(|_| bad(h))
                } else if let Some(n) = o.get("blockNumber") {
                    BlockId::parse(Some(n))
                } else {
                    Err(bad(&Value::Object(o.clone())))
                }
            }
            Some(other) => Err(bad(other)),
        }
    }

    /// The block number it names, if that block exists.
    pub fn resolve(&self, chain: &Chain) -> Option<u64> {
        let latest = chain.block_number();
        match *self {
            BlockId::Latest | BlockId::Pending => Some(latest),
            BlockId::Earliest => Some(0),
            BlockId::Number(n) => (n <= latest).then_some(n),
            BlockId::Hash(h) => chain.block_by_hash(h).map(|b| b.number),
        }
    }

    /// The state after the block it names: the latest, or an older one the chain still
    /// keeps (`--history`, default 256 blocks); a block outside that window is refused
    /// with the window, never answered with today's values.
    pub fn state<'a>(&self, chain: &'a Chain) -> Result<StateView<'a>, RpcError> {
        let n = self
            .resolve(chain)
            .ok_or_else(|| RpcError::server("header not found"))?;
        chain.state_at(n).ok_or_else(|| {
            RpcError::server(format!(
                "the state of block {n} is no longer kept: the node keeps blocks {} to {} (start it with a larger --history)",
                chain.oldest_state(),
                chain.block_number()
            ))
        })
    }
}

/// The transaction object of `eth_call`, `eth_estimateGas` and `eth_sendTransaction`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallRequest {
    pub from: Option<Address>,
    pub to: Option<Address>,
    pub gas: Option<U64>,
    pub gas_price: Option<U128>,
    pub max_fee_per_gas: Option<U128>,
    pub max_priority_fee_per_gas: Option<U128>,
    pub value: Option<U256>,
    pub data: Option<Bytes>,
    pub input: Option<Bytes>,
    pub nonce: Option<U64>,
    pub chain_id: Option<U64>,
    pub access_list: Option<AccessList>,
}

impl CallRequest {
    pub fn input(&self) -> Result<Bytes, RpcError> {
        match (&self.input, &self.data) {
            (Some(i), Some(d)) if i != d => Err(RpcError::params(
                "both \"data\" and \"input\" are set and not equal; please use \"input\"",
            )),
            (Some(i), _) => Ok(i.clone()),
            (None, Some(d)) => Ok(d.clone()),
            (None, None) => Ok(Bytes::new()),
        }
    }

    pub fn to_request(&self) -> Result<TxRequest, RpcError> {
        Ok(TxRequest {
            from: self.from.unwrap_or_default(),
            to: self.to,
            input: self.input()?,
            value: self.value.unwrap_or_default(),
            gas_limit: self.gas.map(|g| g.to()),
            nonce: None,
            gas_price: None,
            hash: None,
            access_list: self.access_list.clone().unwrap_or_default(),
        })
    }
}

/// A JSON-RPC quantity: `0x`-prefixed hex without leading zeros.
pub fn qty(n: impl std::fmt::LowerHex) -> Value {
    Value::String(format!("{n:#x}"))
}

pub fn bloom_of<'a>(logs: impl IntoIterator<Item = &'a Log>) -> Bloom {
    let mut bloom = Bloom::default();
    for log in logs {
        bloom.accrue_log(log);
    }
    bloom
}

/// The receipts of a block's transactions, in order.
pub fn block_receipts<'a>(chain: &'a Chain, block: &Block) -> Vec<&'a Receipt> {
    block
        .transactions
        .iter()
        .filter_map(|h| chain.receipt(h))
        .collect()
}

/// Index of the first log of `receipt` within its block, and the gas used up to and
/// including it.
fn position(chain: &Chain, receipt: &Receipt) -> (u64, u64) {
    let Some(block) = chain.block(receipt.block_number) else {
        return (0, receipt.gas_used);
    };
    let mut logs = 0;
    let mut gas = 0;
    for r in block_receipts(chain, block) {
        gas += r.gas_used;
        if r.tx_hash == receipt.tx_hash {
            break;
        }
        logs += r.logs.len() as u64;
    }
    (logs, gas)
}

pub fn log_json(log: &Log, receipt: &Receipt, log_index: u64) -> Value {
    json!({
        "address": log.address,
        "topics": log.topics(),
        "data": log.data.data,
        "blockHash": receipt.block_hash,
        "blockNumber": qty(receipt.block_number),
        "blockTimestamp": Value::Null,
        "transactionHash": receipt.tx_hash,
        "transactionIndex": qty(receipt.transaction_index),
        "logIndex": qty(log_index),
        "removed": false,
    })
}

/// The logs of a receipt with their block-wide indices.
pub fn receipt_logs(chain: &Chain, receipt: &Receipt) -> Vec<Value> {
    let (first, _) = position(chain, receipt);
    let ts = chain.block(receipt.block_number).map(|b| qty(b.timestamp));
    receipt
        .logs
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut v = log_json(l, receipt, first + i as u64);
            if let Some(ts) = &ts {
                v["blockTimestamp"] = ts.clone();
            }
            v
        })
        .collect()
}

/// The EIP-2718 type byte of raw transaction bytes.
pub fn tx_type(raw: Option<&Bytes>) -> u8 {
    match raw.and_then(|r| r.first()) {
        Some(&b) if b < 0x7f => b,
        _ => 0,
    }
}

pub fn receipt_json(chain: &Chain, r: &Receipt, raw: Option<&Bytes>) -> Value {
    let (_, cumulative) = position(chain, r);
    json!({
        "transactionHash": r.tx_hash,
        "transactionIndex": qty(r.transaction_index),
        "blockHash": r.block_hash,
        "blockNumber": qty(r.block_number),
        "from": r.from,
        "to": r.to,
        "contractAddress": r.contract_address,
        "cumulativeGasUsed": qty(cumulative),
        "gasUsed": qty(r.gas_used),
        "gasUsedForL1": "0x0",
        "l1BlockNumber": qty(r.block_number),
        "effectiveGasPrice": qty(r.effective_gas_price),
        "logs": receipt_logs(chain, r),
        "logsBloom": bloom_of(&r.logs),
        "type": qty(tx_type(raw)),
        "status": if r.success() { "0x1" } else { "0x0" },
    })
}

/// Where a transaction sits (`None` while it waits in the pool).
pub struct Inclusion {
    pub block_hash: B256,
    pub block_number: u64,
    pub index: u64,
    pub effective_gas_price: u128,
}

fn access_list_json(e: &TxEnvelope) -> Value {
    let list = e.access_list().map(|l| {
        l.0.iter()
            .map(|item| json!({"address": item.address, "storageKeys": item.storage_keys}))
            .collect::<Vec<_>>()
    });
    json!(list.unwrap_or_default())
}

/// A transaction object from its signed envelope.
pub fn tx_json(e: &TxEnvelope, from: Address, at: Option<&Inclusion>) -> Value {
    let sig = e.signature();
    let mut v = json!({
        "hash": e.tx_hash(),
        "nonce": qty(e.nonce()),
        "blockHash": at.map(|a| a.block_hash),
        "blockNumber": at.map(|a| qty(a.block_number)),
        "transactionIndex": at.map(|a| qty(a.index)),
        "from": from,
        "to": e.to(),
        "value": qty(e.value()),
        "gas": qty(e.gas_limit()),
        "input": e.input(),
        "type": qty(e.tx_type() as u8),
        "r": qty(sig.r()),
        "s": qty(sig.s()),
    });
    match e {
        TxEnvelope::Legacy(t) => {
            v["gasPrice"] = qty(t.tx().gas_price);
            v["v"] = qty(alloy_consensus::transaction::to_eip155_value(
                sig.v(),
                t.tx().chain_id,
            ));
            if let Some(id) = t.tx().chain_id {
                v["chainId"] = qty(id);
            }
        }
        _ => {
            let price = match (e.max_priority_fee_per_gas(), at) {
                (Some(_), Some(a)) => a.effective_gas_price,
                _ => e.max_fee_per_gas(),
            };
            v["gasPrice"] = qty(price);
            if e.max_priority_fee_per_gas().is_some() {
                v["maxFeePerGas"] = qty(e.max_fee_per_gas());
                v["maxPriorityFeePerGas"] = qty(e.max_priority_fee_per_gas().unwrap_or_default());
            }
            v["chainId"] = qty(e.chain_id().unwrap_or_default());
            v["accessList"] = access_list_json(e);
            v["v"] = qty(sig.v() as u8);
            v["yParity"] = qty(sig.v() as u8);
        }
    }
    v
}

/// keccak256(rlp([])): the root of an empty trie.
const EMPTY_ROOT: B256 =
    alloy_primitives::b256!("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
/// keccak256(rlp([])) of the (always empty) uncles list.
const EMPTY_UNCLES: B256 =
    alloy_primitives::b256!("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");

/// A block object; `txs` are the transaction objects (full) or hashes.
pub fn block_json(chain: &Chain, block: &Block, txs: Vec<Value>) -> Value {
    let receipts = block_receipts(chain, block);
    let bloom = bloom_of(receipts.iter().flat_map(|r| r.logs.iter()));
    // No tries are kept: the roots are derived from the block's identity (empty blocks
    // report the empty-trie root as geth does).
    let root = |tag: &[u8]| {
        if block.transactions.is_empty() {
            EMPTY_ROOT
        } else {
            alloy_primitives::keccak256([block.hash.as_slice(), tag].concat())
        }
    };
    json!({
        "number": qty(block.number),
        "hash": block.hash,
        "parentHash": block.parent_hash,
        "nonce": "0x0000000000000000",
        "mixHash": B256::ZERO,
        "sha3Uncles": EMPTY_UNCLES,
        "logsBloom": bloom,
        "transactionsRoot": root(b"transactions"),
        "stateRoot": alloy_primitives::keccak256([block.hash.as_slice(), b"state"].concat()),
        "receiptsRoot": root(b"receipts"),
        "miner": Address::ZERO,
        "difficulty": "0x1",
        "totalDifficulty": qty(block.number + 1),
        "extraData": "0x",
        "size": qty(600 + 120 * block.transactions.len() as u64),
        "gasLimit": qty(block.gas_limit),
        "gasUsed": qty(block.gas_used),
        "timestamp": qty(block.timestamp),
        "baseFeePerGas": qty(block.base_fee),
        "l1BlockNumber": qty(block.number),
        "transactions": txs,
        "uncles": [],
    })
}
