//! JSON-RPC dispatch: parsing the envelope (single or batch), routing by method name to
//! the namespace modules, and turning every failure — including a panic — into a
//! JSON-RPC error object.

mod dev;
mod eth;
mod filter;
mod sign;

use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::{json, Value};

use super::node::Shared;
use super::types::{Params, RpcError};

/// The most requests one batch may carry.
const MAX_BATCH: usize = 1000;

/// Answers one HTTP body: a request object or a batch (array) of them.
pub(crate) fn handle(shared: &Shared, body: &[u8]) -> Vec<u8> {
    let reply = match serde_json::from_slice::<Value>(body) {
        Err(e) => error_reply(
            Value::Null,
            &RpcError::new(RpcError::PARSE, format!("parse error: {e}")),
        ),
        Ok(Value::Array(items)) if items.is_empty() => error_reply(
            Value::Null,
            &RpcError::new(RpcError::INVALID_REQUEST, "empty batch"),
        ),
        Ok(Value::Array(items)) if items.len() > MAX_BATCH => error_reply(
            Value::Null,
            &RpcError::new(
                RpcError::INVALID_REQUEST,
                format!("batch too large: at most {MAX_BATCH} requests"),
            ),
        ),
        Ok(Value::Array(items)) => Value::Array(items.iter().map(|r| one(shared, r)).collect()),
        Ok(request) => one(shared, &request),
    };
    serde_json::to_vec(&reply).unwrap_or_default()
}

fn error_reply(id: Value, e: &RpcError) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": e.to_json()})
}

/// A request's id if it is a valid one (number, string or null).
fn id_of(request: &Value) -> Value {
    match request.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    }
}

fn one(shared: &Shared, request: &Value) -> Value {
    let id = id_of(request);
    let Value::Object(o) = request else {
        return error_reply(
            id,
            &RpcError::new(RpcError::INVALID_REQUEST, "a request must be an object"),
        );
    };
    let Some(Value::String(method)) = o.get("method") else {
        return error_reply(
            id,
            &RpcError::new(RpcError::INVALID_REQUEST, "missing method name"),
        );
    };
    let params = match o.get("params") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(p)) => p.clone(),
        Some(_) => {
            return error_reply(id, &RpcError::params("params must be an array"));
        }
    };
    let result = catch_unwind(AssertUnwindSafe(|| {
        dispatch(shared, method, &Params(&params))
    }))
    .unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        tracing::error!("{method} panicked: {why}");
        Err(RpcError::new(
            RpcError::INTERNAL,
            format!("internal error: {why}"),
        ))
    });
    match result {
        Ok(v) => json!({"jsonrpc": "2.0", "id": id, "result": v}),
        Err(e) => {
            tracing::debug!("{method}: {e}");
            error_reply(id, &e)
        }
    }
}

fn dispatch(s: &Shared, method: &str, p: &Params) -> Result<Value, RpcError> {
    match method {
        "web3_clientVersion" => Ok(json!(format!(
            "devnode/v{}/labelchain",
            env!("CARGO_PKG_VERSION")
        ))),
        "web3_sha3" => eth::sha3(p),
        "net_version" => Ok(json!(s.config.chain_id.to_string())),
        "net_listening" => Ok(json!(true)),
        "net_peerCount" => Ok(json!("0x0")),
        "eth_chainId" => Ok(super::types::qty(s.config.chain_id)),
        "eth_syncing" => Ok(json!(false)),
        "eth_mining" => Ok(json!(true)),
        "eth_accounts" => Ok(json!(s
            .accounts
            .iter()
            .map(|a| a.address)
            .collect::<Vec<_>>())),
        "eth_blockNumber" => eth::block_number(s),
        "eth_getBlockByNumber" => eth::block_by_number(s, p),
        "eth_getBlockByHash" => eth::block_by_hash(s, p),
        "eth_getBlockTransactionCountByNumber" => eth::block_tx_count(s, p, false),
        "eth_getBlockTransactionCountByHash" => eth::block_tx_count(s, p, true),
        "eth_getBalance" => eth::balance(s, p),
        "eth_getCode" => eth::code(s, p),
        "eth_getStorageAt" => eth::storage(s, p),
        "eth_getTransactionCount" => eth::transaction_count(s, p),
        "eth_gasPrice" => eth::gas_price(s),
        "eth_maxPriorityFeePerGas" => Ok(json!("0x0")),
        "eth_feeHistory" => eth::fee_history(s, p),
        "eth_estimateGas" => eth::estimate_gas(s, p),
        "eth_call" => eth::call(s, p),
        "eth_createAccessList" => eth::create_access_list(s, p),
        "eth_sendRawTransaction" => eth::send_raw(s, p),
        "eth_sendTransaction" => eth::send_transaction(s, p),
        "eth_sign" => sign::eth_sign(s, p),
        "personal_sign" => sign::personal_sign(s, p),
        "eth_signTypedData_v4" => sign::sign_typed_data_v4(s, p),
        "eth_getTransactionByHash" => eth::transaction_by_hash(s, p),
        "eth_getTransactionReceipt" => eth::receipt(s, p),
        "eth_getBlockReceipts" => eth::block_receipts(s, p),
        "eth_getLogs" => filter::get_logs(s, p),
        "eth_newFilter" => filter::new_filter(s, p),
        "eth_newBlockFilter" => filter::new_block_filter(s),
        "eth_getFilterChanges" => filter::changes(s, p),
        "eth_getFilterLogs" => filter::filter_logs(s, p),
        "eth_uninstallFilter" => filter::uninstall(s, p),
        "evm_snapshot" => dev::snapshot(s),
        "evm_revert" => dev::revert(s, p),
        "evm_increaseTime" => dev::increase_time(s, p),
        "evm_setNextBlockTimestamp" => dev::set_next_timestamp(s, p),
        "evm_mine" => dev::mine(s, p),
        "anvil_setBalance" | "hardhat_setBalance" => dev::set_balance(s, p),
        _ => Err(RpcError::new(
            RpcError::METHOD_NOT_FOUND,
            format!("the method {method} does not exist/is not available"),
        )),
    }
}
