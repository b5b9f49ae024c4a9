//! The `eth_` namespace: chain and state reads, blocks, transactions, calls, estimates
//! and submission.

use alloy_consensus::{TxEip1559, TxEip2930, TxEnvelope, TxLegacy};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::TxKind;
use revm::primitives::{keccak256, Address, Bytes, B256, U256};
use serde_json::{json, Value};

use crate::chain::TX_GAS_LIMIT;
use crate::rpc::node::{log_receipt, Ledger, Shared};
use crate::rpc::tx::{self, SignedTx};
use crate::rpc::types::{
    block_json, qty, receipt_json, tx_json, BlockId, CallRequest, Inclusion, Params, RpcError,
};
use crate::{Block, ChainError, Estimate, HaltReason, StateOverrides, Status};

fn chain_error(e: ChainError) -> RpcError {
    match e {
        ChainError::Invalid(m) => RpcError::server(m),
        other => RpcError::new(RpcError::INTERNAL, other.to_string()),
    }
}

fn halt_error(why: &HaltReason, gas: Option<u64>) -> RpcError {
    if matches!(why, HaltReason::OutOfGas(_)) {
        match gas {
            Some(g) => RpcError::server(format!("gas required exceeds allowance ({g})")),
            None => RpcError::server("out of gas"),
        }
    } else {
        RpcError::server(format!("execution halted: {why:?}"))
    }
}

pub fn sha3(p: &Params) -> Result<Value, RpcError> {
    let data: Bytes = p.get(0, "data")?;
    Ok(json!(keccak256(&data)))
}

pub fn block_number(s: &Shared) -> Result<Value, RpcError> {
    Ok(qty(s.ledger().chain.block_number()))
}

/// The transaction object for `hash`: mined, waiting in the pool, or unknown (`None`).
fn tx_object(ledger: &Ledger, hash: &B256) -> Option<Value> {
    let receipt = ledger.chain.receipt(hash);
    let raw = ledger.raw.get(hash)?;
    let envelope = TxEnvelope::decode_2718_exact(raw).ok()?;
    match receipt {
        Some(r) => {
            let at = Inclusion {
                block_hash: r.block_hash,
                block_number: r.block_number,
                index: r.transaction_index,
                effective_gas_price: r.effective_gas_price,
            };
            Some(tx_json(&envelope, r.from, Some(&at)))
        }
        None => {
            let pending = ledger.pool.iter().find(|t| t.hash() == *hash)?;
            Some(tx_json(&envelope, pending.from, None))
        }
    }
}

fn block_value(ledger: &Ledger, block: &Block, full: bool) -> Value {
    let txs = block
        .transactions
        .iter()
        .map(|h| {
            if full {
                tx_object(ledger, h).unwrap_or_else(|| json!(h))
            } else {
                json!(h)
            }
        })
        .collect();
    block_json(&ledger.chain, block, txs)
}

pub fn block_by_number(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let id = BlockId::parse(p.0.first())?;
    let full: bool = p.opt(1, "full transactions")?.unwrap_or(false);
    let ledger = s.ledger();
    let block = id
        .resolve(&ledger.chain)
        .and_then(|n| ledger.chain.block(n));
    Ok(block.map_or(Value::Null, |b| block_value(&ledger, b, full)))
}

pub fn block_by_hash(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let hash: B256 = p.get(0, "block hash")?;
    let full: bool = p.opt(1, "full transactions")?.unwrap_or(false);
    let ledger = s.ledger();
    let block = ledger.chain.block_by_hash(hash);
    Ok(block.map_or(Value::Null, |b| block_value(&ledger, b, full)))
}

pub fn block_tx_count(s: &Shared, p: &Params, by_hash: bool) -> Result<Value, RpcError> {
    let id = if by_hash {
        BlockId::Hash(p.get(0, "block hash")?)
    } else {
        BlockId::parse(p.0.first())?
    };
    let ledger = s.ledger();
    let block = id
        .resolve(&ledger.chain)
        .and_then(|n| ledger.chain.block(n));
    Ok(block.map_or(Value::Null, |b| qty(b.transactions.len() as u64)))
}

pub fn balance(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let address: Address = p.get(0, "address")?;
    let ledger = s.ledger();
    let state = BlockId::parse(p.0.get(1))?.state(&ledger.chain)?;
    Ok(qty(state.balance(address)))
}

pub fn code(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let address: Address = p.get(0, "address")?;
    let ledger = s.ledger();
    let state = BlockId::parse(p.0.get(1))?.state(&ledger.chain)?;
    Ok(json!(state.code(address)))
}

pub fn storage(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let address: Address = p.get(0, "address")?;
    let slot: U256 = p.get(1, "storage slot")?;
    let ledger = s.ledger();
    let state = BlockId::parse(p.0.get(2))?.state(&ledger.chain)?;
    Ok(json!(B256::from(state.storage(address, slot))))
}

/// The next nonce counting transactions waiting in the pool.
fn pending_nonce(ledger: &Ledger, address: Address) -> u64 {
    ledger.chain.nonce(address) + ledger.pool.iter().filter(|t| t.from == address).count() as u64
}

pub fn transaction_count(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let address: Address = p.get(0, "address")?;
    let id = BlockId::parse(p.0.get(1))?;
    let ledger = s.ledger();
    if id == BlockId::Pending {
        return Ok(qty(pending_nonce(&ledger, address)));
    }
    Ok(qty(id.state(&ledger.chain)?.nonce(address)))
}

pub fn gas_price(s: &Shared) -> Result<Value, RpcError> {
    Ok(qty(s.ledger().chain.config().base_fee))
}

pub fn fee_history(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let count = p.quantity(0, "block count")?.min(1024);
    let ledger = s.ledger();
    let chain = &ledger.chain;
    let newest = BlockId::parse(p.0.get(1))?
        .resolve(chain)
        .ok_or_else(|| RpcError::server("header not found"))?;
    let percentiles: Option<Vec<f64>> = p.opt(2, "reward percentiles")?;
    if count == 0 {
        return Ok(json!({"oldestBlock": "0x0", "baseFeePerGas": [], "gasUsedRatio": []}));
    }
    let oldest = newest + 1 - count.min(newest + 1);
    let base = chain.config().base_fee;
    let fees: Vec<Value> = (oldest..=newest + 1)
        .map(|n| qty(chain.block(n).map_or(base, |b| b.base_fee)))
        .collect();
    let ratios: Vec<f64> = (oldest..=newest)
        .map(|n| {
            chain
                .block(n)
                .map_or(0.0, |b| b.gas_used as f64 / b.gas_limit as f64)
        })
        .collect();
    let mut out =
        json!({"oldestBlock": qty(oldest), "baseFeePerGas": fees, "gasUsedRatio": ratios});
    if let Some(ps) = percentiles {
        let row = vec![json!("0x0"); ps.len()];
        out["reward"] = json!(vec![row; (newest + 1 - oldest) as usize]);
    }
    Ok(out)
}

fn call_args(p: &Params) -> Result<(CallRequest, BlockId, StateOverrides), RpcError> {
    let req: CallRequest = p.get(0, "transaction")?;
    let id = BlockId::parse(p.0.get(1))?;
    let overrides: StateOverrides = p.opt(2, "state overrides")?.unwrap_or_default();
    Ok((req, id, overrides))
}

pub fn call(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let (req, id, overrides) = call_args(p)?;
    let ledger = s.ledger();
    let r = id
        .state(&ledger.chain)?
        .call_with(req.to_request()?, &overrides)
        .map_err(chain_error)?;
    match r.status {
        Status::Success => Ok(json!(r.output)),
        Status::Revert(data) => Err(RpcError::revert(&data)),
        Status::Halt(why) => Err(halt_error(&why, None)),
    }
}

fn estimate(
    ledger: &Ledger,
    at: BlockId,
    req: &CallRequest,
    overrides: &StateOverrides,
) -> Result<u64, RpcError> {
    let request = req.to_request()?;
    let cap = request.gas_limit.unwrap_or(TX_GAS_LIMIT).min(TX_GAS_LIMIT);
    match at
        .state(&ledger.chain)?
        .estimate_gas(request, overrides)
        .map_err(chain_error)?
    {
        Estimate::Gas(g) => Ok(g),
        Estimate::Failed(r) => Err(match r.status {
            Status::Revert(data) => RpcError::revert(&data),
            Status::Halt(why) => halt_error(&why, Some(cap)),
            Status::Success => RpcError::server("estimation failed"),
        }),
    }
}

pub fn estimate_gas(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let (req, id, overrides) = call_args(p)?;
    let ledger = s.ledger();
    Ok(qty(estimate(&ledger, id, &req, &overrides)?))
}

/// Accepts a decoded transaction: executed in a new block now (instant mining), or
/// checked and queued for the next interval block.
fn submit(s: &Shared, tx: SignedTx) -> Result<Value, RpcError> {
    let hash = tx.hash();
    let mut ledger = s.ledger();
    if ledger.raw.contains_key(&hash) {
        return Err(RpcError::server("already known"));
    }
    if s.config.block_time.is_none() {
        let receipt = ledger.chain.send(tx.request()).map_err(chain_error)?;
        ledger.raw.insert(hash, tx.raw);
        log_receipt(&receipt);
        s.persist(&ledger);
        return Ok(json!(hash));
    }
    let e = &tx.envelope;
    use alloy_consensus::Transaction;
    let next = pending_nonce(&ledger, tx.from);
    if e.nonce() < next {
        return Err(RpcError::server(format!(
            "nonce too low: next nonce {next}, tx nonce {}",
            e.nonce()
        )));
    }
    if e.nonce() > next {
        return Err(RpcError::server(format!(
            "nonce too high: next nonce {next}, tx nonce {}",
            e.nonce()
        )));
    }
    if e.gas_limit() > TX_GAS_LIMIT {
        return Err(RpcError::server(format!(
            "gas limit too high: {} exceeds the per-transaction cap {TX_GAS_LIMIT}",
            e.gas_limit()
        )));
    }
    let cost = U256::from(e.gas_limit()) * U256::from(e.max_fee_per_gas()) + e.value();
    let balance = ledger.chain.balance(tx.from);
    if balance < cost {
        return Err(RpcError::server(format!(
            "insufficient funds for gas * price + value: balance {balance}, tx cost {cost}"
        )));
    }
    ledger.raw.insert(hash, tx.raw.clone());
    ledger.pool.push(tx);
    Ok(json!(hash))
}

pub fn send_raw(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let raw: Bytes = p.get(0, "raw transaction")?;
    let tx = tx::decode(&raw, s.config.chain_id).map_err(|e| RpcError::server(e.to_string()))?;
    submit(s, tx)
}

/// Signs for an unlocked account: the nonce, gas (estimated) and fees are filled in as
/// anvil fills them.
pub fn send_transaction(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let req: CallRequest = p.get(0, "transaction")?;
    let from = req
        .from
        .ok_or_else(|| RpcError::params("\"from\" is required"))?;
    let account = s.account(&from).cloned().ok_or_else(|| {
        RpcError::server(format!(
            "no signer for {from}: eth_sendTransaction signs for the dev account and the mnemonic accounts only"
        ))
    })?;
    let chain_id = s.config.chain_id;
    if let Some(id) = req.chain_id {
        if id.to::<u64>() != chain_id {
            return Err(RpcError::server(format!(
                "invalid chain id: have {id}, want {chain_id}"
            )));
        }
    }
    let (nonce, gas, base_fee) = {
        let ledger = s.ledger();
        let nonce = match req.nonce {
            Some(n) => n.to(),
            None => pending_nonce(&ledger, from),
        };
        let gas = match req.gas {
            Some(g) => g.to(),
            None => estimate(&ledger, BlockId::Latest, &req, &StateOverrides::default())?,
        };
        (nonce, gas, ledger.chain.config().base_fee as u128)
    };
    let filled = Filled {
        chain_id,
        nonce,
        gas,
        base_fee,
    };
    let raw = sign_request(&req, &filled, &account.key)?;
    let tx = tx::decode(&raw, chain_id).map_err(|e| RpcError::server(e.to_string()))?;
    submit(s, tx)
}

/// The fields `eth_sendTransaction` fills in before signing.
struct Filled {
    chain_id: u64,
    nonce: u64,
    gas: u64,
    base_fee: u128,
}

/// The signed bytes of `req`, as anvil builds them: a `gasPrice` makes a legacy
/// transaction, or an EIP-2930 one when an `accessList` comes with it; otherwise EIP-1559
/// (carrying the access list, if any).
fn sign_request(
    req: &CallRequest,
    filled: &Filled,
    key: &k256::ecdsa::SigningKey,
) -> Result<Bytes, RpcError> {
    let to = req.to.map_or(TxKind::Create, TxKind::Call);
    let input = req.input()?;
    let value = req.value.unwrap_or_default();
    let access_list = req.access_list.clone();
    let Filled {
        chain_id,
        nonce,
        gas,
        base_fee,
    } = *filled;
    let sign_err = |e: tx::TxError| RpcError::new(RpcError::INTERNAL, e.to_string());
    Ok(match (req.gas_price, access_list) {
        (Some(price), None) => tx::encode(
            tx::sign(
                TxLegacy {
                    chain_id: Some(chain_id),
                    nonce,
                    gas_price: price.to(),
                    gas_limit: gas,
                    to,
                    value,
                    input,
                },
                key,
            )
            .map_err(sign_err)?,
        ),
        (Some(price), Some(access_list)) => tx::encode(
            tx::sign(
                TxEip2930 {
                    chain_id,
                    nonce,
                    gas_price: price.to(),
                    gas_limit: gas,
                    to,
                    value,
                    access_list,
                    input,
                },
                key,
            )
            .map_err(sign_err)?,
        ),
        (None, access_list) => {
            let tip: u128 = req.max_priority_fee_per_gas.map_or(0, |t| t.to());
            let max_fee = req
                .max_fee_per_gas
                .map_or((2 * base_fee).max(tip), |f| f.to());
            tx::encode(
                tx::sign(
                    TxEip1559 {
                        chain_id,
                        nonce,
                        gas_limit: gas,
                        max_fee_per_gas: max_fee,
                        max_priority_fee_per_gas: tip,
                        to,
                        value,
                        access_list: access_list.unwrap_or_default(),
                        input,
                    },
                    key,
                )
                .map_err(sign_err)?,
            )
        }
    })
}

/// `eth_createAccessList`: the accounts and slots the call touches (sender, recipient,
/// precompiles and coinbase left out, as geth leaves them out) and the gas it uses with
/// that list; a failing call still answers, with its error, as geth's does.
pub fn create_access_list(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let req: CallRequest = p.get(0, "transaction")?;
    let id = BlockId::parse(p.0.get(1))?;
    let ledger = s.ledger();
    let r = id
        .state(&ledger.chain)?
        .create_access_list(req.to_request()?, &StateOverrides::default())
        .map_err(chain_error)?;
    let mut out = json!({"accessList": r.access_list, "gasUsed": qty(r.outcome.gas_used)});
    match &r.outcome.status {
        Status::Success => {}
        Status::Revert(data) => out["error"] = json!(RpcError::revert(data).message),
        Status::Halt(why) => out["error"] = json!(halt_error(why, None).message),
    }
    Ok(out)
}

pub fn transaction_by_hash(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let hash: B256 = p.get(0, "transaction hash")?;
    let ledger = s.ledger();
    Ok(tx_object(&ledger, &hash).unwrap_or(Value::Null))
}

pub fn receipt(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let hash: B256 = p.get(0, "transaction hash")?;
    let ledger = s.ledger();
    Ok(ledger.chain.receipt(&hash).map_or(Value::Null, |r| {
        receipt_json(&ledger.chain, r, ledger.raw.get(&hash))
    }))
}

pub fn block_receipts(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let id = BlockId::parse(p.0.first())?;
    let ledger = s.ledger();
    let chain = &ledger.chain;
    let Some(block) = id.resolve(chain).and_then(|n| chain.block(n)) else {
        return Ok(Value::Null);
    };
    Ok(Value::Array(
        crate::rpc::types::block_receipts(chain, block)
            .into_iter()
            .map(|r| receipt_json(chain, r, ledger.raw.get(&r.tx_hash)))
            .collect(),
    ))
}
