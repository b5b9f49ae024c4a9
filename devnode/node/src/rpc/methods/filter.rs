//! `eth_getLogs` and the polling filters.

use serde_json::{json, Value};

use crate::rpc::filters::LogFilter;
use crate::rpc::node::{lock, Shared};
use crate::rpc::types::{Params, RpcError};

fn filter_arg(p: &Params) -> Result<LogFilter, RpcError> {
    LogFilter::parse(p.0.first().unwrap_or(&Value::Null))
}

fn id_arg(p: &Params) -> Result<u64, RpcError> {
    p.quantity(0, "filter id")
}

pub fn get_logs(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let filter = filter_arg(p)?;
    let ledger = s.ledger();
    Ok(Value::Array(filter.logs(&ledger.chain)?))
}

pub fn new_filter(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let filter = filter_arg(p)?;
    let ledger = s.ledger();
    Ok(lock(&s.filters).new_logs(filter, &ledger.chain))
}

pub fn new_block_filter(s: &Shared) -> Result<Value, RpcError> {
    let ledger = s.ledger();
    Ok(lock(&s.filters).new_blocks(&ledger.chain))
}

pub fn changes(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let id = id_arg(p)?;
    let ledger = s.ledger();
    lock(&s.filters).changes(id, &ledger.chain)
}

pub fn filter_logs(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let id = id_arg(p)?;
    let ledger = s.ledger();
    lock(&s.filters).logs(id, &ledger.chain)
}

pub fn uninstall(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let id = id_arg(p)?;
    Ok(json!(lock(&s.filters).remove(id)))
}
