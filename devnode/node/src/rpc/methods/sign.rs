//! Message signing by the node's unlocked accounts, as anvil does it: `eth_sign` and
//! `personal_sign` (EIP-191 personal messages) and `eth_signTypedData_v4` (EIP-712).
//! Each returns the 65-byte `r ‖ s ‖ v` signature with `v` 27 or 28.

use alloy_dyn_abi::TypedData;
use alloy_primitives::{eip191_hash_message, Address, Bytes, B256};
use serde_json::{json, Value};

use crate::rpc::node::Shared;
use crate::rpc::types::{Params, RpcError};

fn sign_hash(s: &Shared, who: Address, hash: B256, method: &str) -> Result<Value, RpcError> {
    let account = s.account(&who).ok_or_else(|| {
        RpcError::server(format!(
            "no signer for {who}: {method} signs for the dev account and the mnemonic accounts only"
        ))
    })?;
    let (sig, recid) = account
        .key
        .sign_prehash_recoverable(hash.as_slice())
        .map_err(|e| RpcError::server(format!("signing failed: {e}")))?;
    let mut out = sig.to_bytes().to_vec();
    out.push(27 + recid.to_byte());
    Ok(json!(Bytes::from(out)))
}

/// `eth_sign(address, data)`: the EIP-191 personal-message hash of `data`.
pub fn eth_sign(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let who: Address = p.get(0, "address")?;
    let data: Bytes = p.get(1, "message")?;
    sign_hash(s, who, eip191_hash_message(&data), "eth_sign")
}

/// `personal_sign(data, address)`: `eth_sign` with the arguments swapped (MetaMask's order).
pub fn personal_sign(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let data: Bytes = p.get(0, "message")?;
    let who: Address = p.get(1, "address")?;
    sign_hash(s, who, eip191_hash_message(&data), "personal_sign")
}

/// `eth_signTypedData_v4(address, typedData)`: the typed data as an object or as the JSON
/// string wallets send; signs its EIP-712 signing hash.
pub fn sign_typed_data_v4(s: &Shared, p: &Params) -> Result<Value, RpcError> {
    let who: Address = p.get(0, "address")?;
    let raw = p
        .0
        .get(1)
        .ok_or_else(|| RpcError::params("missing value for required argument 1 (typed data)"))?;
    let parsed = match raw {
        Value::String(text) => serde_json::from_str::<TypedData>(text),
        other => serde_json::from_value::<TypedData>(other.clone()),
    };
    let typed = parsed.map_err(|e| RpcError::params(format!("invalid typed data: {e}")))?;
    let hash = typed
        .eip712_signing_hash()
        .map_err(|e| RpcError::params(format!("typed data does not encode: {e}")))?;
    sign_hash(s, who, hash, "eth_signTypedData_v4")
}
