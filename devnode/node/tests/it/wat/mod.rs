//! WAT building blocks shared by the host-function, metering and outcome tests: the 42
//! `vm_hooks` imports with their wasm signatures (nitro's `forward/lib.rs` order), and a
//! program skeleton with small return helpers.
#![allow(dead_code)]

/// Every `vm_hooks` host function and its wasm signature.
pub const HOOKS: [(&str, &str); 42] = [
    ("read_args", "(param i32)"),
    ("write_result", "(param i32 i32)"),
    ("exit_early", "(param i32)"),
    ("storage_load_bytes32", "(param i32 i32)"),
    ("storage_cache_bytes32", "(param i32 i32)"),
    ("storage_flush_cache", "(param i32)"),
    ("transient_load_bytes32", "(param i32 i32)"),
    ("transient_store_bytes32", "(param i32 i32)"),
    (
        "call_contract",
        "(param i32 i32 i32 i32 i64 i32) (result i32)",
    ),
    (
        "delegate_call_contract",
        "(param i32 i32 i32 i64 i32) (result i32)",
    ),
    (
        "static_call_contract",
        "(param i32 i32 i32 i64 i32) (result i32)",
    ),
    ("create1", "(param i32 i32 i32 i32 i32)"),
    ("create2", "(param i32 i32 i32 i32 i32 i32)"),
    ("read_return_data", "(param i32 i32 i32) (result i32)"),
    ("return_data_size", "(result i32)"),
    ("emit_log", "(param i32 i32 i32)"),
    ("account_balance", "(param i32 i32)"),
    ("account_code", "(param i32 i32 i32 i32) (result i32)"),
    ("account_code_size", "(param i32) (result i32)"),
    ("account_codehash", "(param i32 i32)"),
    ("evm_gas_left", "(result i64)"),
    ("evm_ink_left", "(result i64)"),
    ("block_basefee", "(param i32)"),
    ("chainid", "(result i64)"),
    ("block_coinbase", "(param i32)"),
    ("block_gas_limit", "(result i64)"),
    ("block_number", "(result i64)"),
    ("block_timestamp", "(result i64)"),
    ("contract_address", "(param i32)"),
    ("math_div", "(param i32 i32)"),
    ("math_mod", "(param i32 i32)"),
    ("math_pow", "(param i32 i32)"),
    ("math_add_mod", "(param i32 i32 i32)"),
    ("math_mul_mod", "(param i32 i32 i32)"),
    ("msg_reentrant", "(result i32)"),
    ("msg_sender", "(param i32)"),
    ("msg_value", "(param i32)"),
    ("native_keccak256", "(param i32 i32 i32)"),
    ("tx_gas_price", "(param i32)"),
    ("tx_ink_price", "(result i32)"),
    ("tx_origin", "(param i32)"),
    ("pay_for_memory_grow", "(param i32)"),
];

/// The import of host function `name` as `$name`.
pub fn import(name: &str) -> String {
    let (_, sig) = HOOKS
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no host function {name}"));
    format!(r#"(import "vm_hooks" "{name}" (func ${name} {sig}))"#)
}

/// A module importing all 42 host functions, with `memory` (e.g. `"1 1"`), the helpers
/// `$ret(ptr, len)`, `$ret_i64(v)` and `$ret_i32(v)` (which `write_result` and return 0;
/// the numbers little-endian), and `body`, which must define the `user_entrypoint` export.
pub fn program(memory: &str, body: &str) -> String {
    let imports: Vec<String> = HOOKS.iter().map(|(n, _)| import(n)).collect();
    format!(
        r#"(module
  {imports}
  (memory (export "memory") {memory})
  (func $ret (param $ptr i32) (param $len i32) (result i32)
    (call $write_result (local.get $ptr) (local.get $len))
    (i32.const 0))
  (func $ret_i64 (param $v i64) (result i32)
    (i64.store (i32.const 0x8000) (local.get $v))
    (call $ret (i32.const 0x8000) (i32.const 8)))
  (func $ret_i32 (param $v i32) (result i32)
    (i32.store (i32.const 0x8000) (local.get $v))
    (call $ret (i32.const 0x8000) (i32.const 4)))
  {body}
)"#,
        imports = imports.join("\n  ")
    )
}

/// A one-page program whose entrypoint copies the calldata to address 0 and runs `body`,
/// which must leave the entrypoint's i32 result on the stack.
pub fn entry(body: &str) -> String {
    program(
        "1 1",
        &format!(
            r#"(func (export "user_entrypoint") (param $len i32) (result i32)
    (local $a i64) (local $b i64) (local $i i32)
    (call $read_args (i32.const 0))
    {body})"#
        ),
    )
}

pub fn le_u64(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"))
}

pub fn le_u32(bytes: &[u8]) -> u32 {
    u32::from_le_bytes(bytes[..4].try_into().expect("4 bytes"))
}

/// Deploys hand-assembled EVM runtime `code` and returns its address.
pub fn deploy_evm(chain: &mut devnode::Chain, code: &[u8]) -> revm::primitives::Address {
    let r = chain
        .send(devnode::TxRequest::create(
            devnode::DEV_ACCOUNT,
            devnode::deployer::init_code(code),
        ))
        .expect("deploy transaction is valid");
    assert!(r.success(), "EVM deploy failed: {:?}", r.status);
    r.contract_address.expect("a create has an address")
}

/// EVM runtime returning `CALLER ‖ CALLVALUE` as two words:
/// `CALLER PUSH1 0 MSTORE CALLVALUE PUSH1 32 MSTORE PUSH1 64 PUSH1 0 RETURN`.
pub const EVM_WHO_CALLED: [u8; 13] = [
    0x33, 0x60, 0x00, 0x52, 0x34, 0x60, 0x20, 0x52, 0x60, 0x40, 0x60, 0x00, 0xf3,
];
