//! Message signing by the unlocked accounts, as anvil has it: `eth_signTypedData_v4`
//! (checked against EIP-712's own example hash), `personal_sign` and `eth_sign`
//! (EIP-191, the prefix built here by hand), and the refusals.

use alloy_primitives::{b256, keccak256, Address, Signature, B256};
use devnode::DEV_ACCOUNT;
use serde_json::{json, Value};

use crate::rpc_common::*;

/// EIP-712's example (`Mail` from Cow to Bob), as wallets send it: a JSON string.
const MAIL: &str = r#"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}"#;
/// The example's signing hash as the EIP gives it.
const MAIL_HASH: B256 = b256!("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");

fn signer_of(sig: &Value, hash: B256) -> Address {
    let bytes = bytes(sig);
    assert_eq!(bytes.len(), 65, "r ‖ s ‖ v");
    assert!(bytes[64] == 27 || bytes[64] == 28, "v is 27 or 28");
    let sig = Signature::from_raw(&bytes).expect("a 65-byte signature");
    sig.recover_address_from_prehash(&hash)
        .expect("recoverable")
}

#[test]
fn typed_data_v4_is_signed_over_the_eip712_hash_as_a_string_or_an_object() {
    let node = start();
    let rpc = Rpc::new(&node);
    let sig = rpc.ok("eth_signTypedData_v4", json!([DEV_ACCOUNT, MAIL]));
    assert_eq!(signer_of(&sig, MAIL_HASH), DEV_ACCOUNT);
    let object: Value = serde_json::from_str(MAIL).unwrap();
    let again = rpc.ok("eth_signTypedData_v4", json!([DEV_ACCOUNT, object]));
    assert_eq!(
        again, sig,
        "deterministic (RFC 6979) and the same for both forms"
    );
    let mnemonic = account(&node, 1).address;
    assert_eq!(
        signer_of(
            &rpc.ok("eth_signTypedData_v4", json!([mnemonic, MAIL])),
            MAIL_HASH
        ),
        mnemonic
    );
    node.shutdown();
}

#[test]
fn personal_messages_are_signed_with_the_eip191_prefix() {
    let node = start();
    let rpc = Rpc::new(&node);
    let message = b"hello labelchain";
    let mut prefixed = format!("\x19Ethereum Signed Message:\n{}", message.len()).into_bytes();
    prefixed.extend_from_slice(message);
    let hash = keccak256(&prefixed);
    let hex = format!("0x{}", alloy_primitives::hex::encode(message));
    let personal = rpc.ok("personal_sign", json!([hex, DEV_ACCOUNT]));
    assert_eq!(signer_of(&personal, hash), DEV_ACCOUNT);
    assert_eq!(rpc.ok("eth_sign", json!([DEV_ACCOUNT, hex])), personal);
    node.shutdown();
}

#[test]
fn signing_for_an_unknown_account_or_with_malformed_typed_data_is_refused() {
    let node = start();
    let rpc = Rpc::new(&node);
    let stranger = Address::repeat_byte(0x99);
    let e = rpc.err("eth_signTypedData_v4", json!([stranger, MAIL]));
    assert!(e["message"].as_str().unwrap().contains("no signer"), "{e}");
    let e = rpc.err(
        "eth_signTypedData_v4",
        json!([DEV_ACCOUNT, "{\"types\": 1}"]),
    );
    assert_eq!(e["code"], json!(-32602), "{e}");
    let e = rpc.err("personal_sign", json!(["0xzz", DEV_ACCOUNT]));
    assert_eq!(e["code"], json!(-32602), "{e}");
    // The node keeps serving.
    assert!(rpc.ok("eth_blockNumber", json!([])).is_string());
    node.shutdown();
}
