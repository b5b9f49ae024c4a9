//! Test-node cheats (`evm_*`, `anvil_*`/`hardhat_*`) as anvil and hardhat name them.

use revm::primitives::{Address, U256};
use serde_json::{json, Value};

use crate::rpc::node::{mine_pool, Shared};
use crate::rpc::types::{qty, Params, RpcError};

pub fn snapshot(s: &Shared) -> Result<Value, RpcError> {
    Ok(qty(s.ledger().chain.snapshot()))
}

pub fn revert(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let id = p.quantity(0, "snapshot id")?;
    let mut ledger = s.ledger();
    let ok = ledger.chain.revert_to(id);
    if ok {
        // Forget transactions the revert took out of the chain.
        let ledger = &mut *ledger;
        let chain = &ledger.chain;
        ledger.raw.retain(|h, _| chain.receipt(h).is_some());
        ledger.pool.clear();
        s.persist(ledger);
    }
    Ok(json!(ok))
}

pub fn increase_time(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let seconds = p.quantity(0, "seconds")?;
    s.ledger().chain.increase_time(seconds);
    Ok(qty(seconds))
}

pub fn set_next_timestamp(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let t = p.quantity(0, "timestamp")?;
    let mut ledger = s.ledger();
    let latest = ledger.chain.latest().timestamp;
    if t <= latest {
        return Err(RpcError::server(format!(
            "timestamp {t} is not after the latest block's timestamp {latest}"
        )));
    }
    ledger.chain.set_next_timestamp(t);
    Ok(Value::Null)
}

/// Mines one block (with the pool's transactions in interval mode); an optional
/// timestamp sets the block's time.
pub fn mine(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let timestamp = match p.0.first() {
        Some(Value::Object(o)) => match o.get("timestamp") {
            Some(v) => Params(std::slice::from_ref(v)).opt_quantity(0, "timestamp")?,
            None => None,
        },
        _ => p.opt_quantity(0, "timestamp")?,
    };
    let mut ledger = s.ledger();
    if let Some(t) = timestamp {
        ledger.chain.set_next_timestamp(t);
    }
    if s.config.block_time.is_some() {
        mine_pool(&mut ledger);
    } else {
        ledger.chain.mine();
    }
    s.persist(&ledger);
    Ok(json!("0x0"))
}

pub fn set_balance(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let address: Address = p.get(0, "address")?;
    let balance: U256 = p.get(1, "balance")?;
    let mut ledger = s.ledger();
    ledger.chain.set_balance(address, balance);
    s.persist(&ledger);
    Ok(Value::Null)
}
