//! The functions a Stylus program may import, with their exact wasm signatures.
//!
//! nitro links a user module's imports against its forwarding stub (`vm_hooks__<name>`,
//! generated from the 42 `HOSTIOS` of `crates/wasm-libraries/forward/lib.rs`) and rejects any
//! other name ("No such import") or signature (`crates/prover/src/machine.rs`).
//!
//! The `console` functions are nitro's debug imports (`crates/prover/src/host.rs`), which only
//! a debug chain links. The devnode allows the integer and text ones, as nitro's own dev node
//! does, so programs can print while being developed; a program that imports them will fail
//! activation on a production chain. The float variants (`log_f32`, `tee_f64`, ...) are
//! offered too, as floats validate; the `debug` module (benchmark hooks) is not.

use wasmparser::ValType;

/// An importable host function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostImport {
    /// Import module (`vm_hooks` or `console`).
    pub module: &'static str,
    /// Import name.
    pub name: &'static str,
    /// Parameter types.
    pub params: &'static [ValType],
    /// Result types.
    pub results: &'static [ValType],
}

/// Import module of the host functions.
pub const VM_HOOKS: &str = "vm_hooks";
/// Import module of the debug printing functions.
pub const CONSOLE: &str = "console";

const I: ValType = ValType::I32;
const L: ValType = ValType::I64;
const F: ValType = ValType::F32;
const D: ValType = ValType::F64;

const fn hook(
    name: &'static str,
    params: &'static [ValType],
    results: &'static [ValType],
) -> HostImport {
    HostImport {
        module: VM_HOOKS,
        name,
        params,
        results,
    }
}

const fn console(
    name: &'static str,
    params: &'static [ValType],
    results: &'static [ValType],
) -> HostImport {
    HostImport {
        module: CONSOLE,
        name,
        params,
        results,
    }
}

/// Every import a program may declare: the 42 `vm_hooks` in nitro's order, then `console`.
pub const HOST_IMPORTS: [HostImport; 51] = [
    hook("read_args", &[I], &[]),
    hook("write_result", &[I, I], &[]),
    hook("exit_early", &[I], &[]),
    hook("storage_load_bytes32", &[I, I], &[]),
    hook("storage_cache_bytes32", &[I, I], &[]),
    hook("storage_flush_cache", &[I], &[]),
    hook("transient_load_bytes32", &[I, I], &[]),
    hook("transient_store_bytes32", &[I, I], &[]),
    hook("call_contract", &[I, I, I, I, L, I], &[I]),
    hook("delegate_call_contract", &[I, I, I, L, I], &[I]),
    hook("static_call_contract", &[I, I, I, L, I], &[I]),
    hook("create1", &[I, I, I, I, I], &[]),
    hook("create2", &[I, I, I, I, I, I], &[]),
    hook("read_return_data", &[I, I, I], &[I]),
    hook("return_data_size", &[], &[I]),
    hook("emit_log", &[I, I, I], &[]),
    hook("account_balance", &[I, I], &[]),
    hook("account_code", &[I, I, I, I], &[I]),
    hook("account_code_size", &[I], &[I]),
    hook("account_codehash", &[I, I], &[]),
    hook("evm_gas_left", &[], &[L]),
    hook("evm_ink_left", &[], &[L]),
    hook("block_basefee", &[I], &[]),
    hook("chainid", &[], &[L]),
    hook("block_coinbase", &[I], &[]),
    hook("block_gas_limit", &[], &[L]),
    hook("block_number", &[], &[L]),
    hook("block_timestamp", &[], &[L]),
    hook("contract_address", &[I], &[]),
    hook("math_div", &[I, I], &[]),
    hook("math_mod", &[I, I], &[]),
    hook("math_pow", &[I, I], &[]),
    hook("math_add_mod", &[I, I, I], &[]),
    hook("math_mul_mod", &[I, I, I], &[]),
    hook("msg_reentrant", &[], &[I]),
    hook("msg_sender", &[I], &[]),
    hook("msg_value", &[I], &[]),
    hook("native_keccak256", &[I, I, I], &[]),
    hook("tx_gas_price", &[I], &[]),
    hook("tx_ink_price", &[], &[I]),
    hook("tx_origin", &[I], &[]),
    hook("pay_for_memory_grow", &[I], &[]),
    console("log_txt", &[I, I], &[]),
    console("log_i32", &[I], &[]),
    console("log_i64", &[L], &[]),
    console("log_f32", &[F], &[]),
    console("log_f64", &[D], &[]),
    console("tee_i32", &[I], &[I]),
    console("tee_i64", &[L], &[L]),
    console("tee_f32", &[F], &[F]),
    console("tee_f64", &[D], &[D]),
];

/// The import the heap bound calls before every `memory.grow` (`programs/heap.rs`).
pub const PAY_FOR_MEMORY_GROW: &str = "pay_for_memory_grow";

/// Looks up an importable function by module and name.
pub fn host_import(module: &str, name: &str) -> Option<&'static HostImport> {
    HOST_IMPORTS
        .iter()
        .find(|import| import.module == module && import.name == name)
}

/// Renders a signature as `(i32, i64) -> (i32)` for error messages.
pub(crate) fn signature(params: &[ValType], results: &[ValType]) -> String {
    let list = |types: &[ValType]| {
        types
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("({}) -> ({})", list(params), list(results))
}
