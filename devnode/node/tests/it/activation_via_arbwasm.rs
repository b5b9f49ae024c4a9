//! Activation through ArbWasm (0x71) as a transaction: each rejection by validation
//! reverts with its reason and burns all the gas (nitro's takeAllGas) and leaves the
//! program unactivated; code that is not a Stylus program or does not decompress reverts
//! without data keeping the unused gas; the precompile's own errors (not wasm, up to
//! date, insufficient value); floats activate.

use crate::common::*;
use alloy_sol_types::{SolCall, SolError};
use devnode::abi::ArbWasm::{
    activateProgramCall, programVersionCall, ProgramInsufficientValue, ProgramNotActivated,
    ProgramNotWasm, ProgramUpToDate,
};
use devnode::{Chain, Receipt, Status, TxRequest, DEV_ACCOUNT};
use revm::primitives::{Address, Bytes, U256};

const GAS: u64 = 10_000_000;

/// A valid program with `extra` spliced into the module.
fn valid(extra: &str) -> String {
    format!(
        r#"(module
  {extra}
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#
    )
}

fn activate_with(chain: &mut Chain, program: Address, value: U256) -> Receipt {
    let data = activateProgramCall { program }.abi_encode();
    chain
        .send(
            TxRequest::call(DEV_ACCOUNT, ARB_WASM, data)
                .value(value)
                .gas(GAS),
        )
        .expect("valid")
}

fn program_version(chain: &mut Chain, program: Address) -> Receipt {
    call(chain, ARB_WASM, programVersionCall { program }.abi_encode())
}

/// Deploys `wat`, tries to activate it, checks that it was refused with all gas burned and
/// the program left unactivated; returns the reason.
fn refused(wat: &str) -> String {
    let mut chain = chain();
    let wasm = ::wat::parse_str(wat).expect("test WAT parses");
    let p = deploy_wasm(&mut chain, &wasm);
    let r = activate_with(&mut chain, p, eth(1));
    assert!(matches!(r.status, Status::Revert(_)), "{:?}", r.status);
    assert_eq!(r.gas_used, GAS, "a failed activation burns all gas");
    assert!(r.logs.is_empty());
    let v = program_version(&mut chain, p);
    assert_eq!(
        v.status,
        Status::Revert(ProgramNotActivated {}.abi_encode().into())
    );
    let c = call(&mut chain, p, vec![]);
    assert!(matches!(c.status, Status::Halt(_)), "{:?}", c.status);
    let why = revert_text(&r);
    assert!(why.starts_with("activation failed"), "{why}");
    why
}

/// nitro validates floats (`binary.rs`) and leaves them to the meter, which prices every
/// float op at `u64::MAX` ink; `outcomes.rs` shows the op running out of ink.
#[test]
fn a_program_with_floats_activates() {
    let mut chain = chain();
    let wat = valid("(func $f (result f32) (f32.add (f32.const 1) (f32.const 2)))");
    let p = deploy_wasm(&mut chain, &::wat::parse_str(wat).expect("wat"));
    let r = activate_with(&mut chain, p, eth(1));
    assert!(r.success(), "{:?} {}", r.status, revert_text(&r));
    let v = program_version(&mut chain, p);
    assert_eq!(U256::from_be_slice(&v.output), U256::from(2));
}

#[test]
fn reference_types_are_rejected() {
    let why = refused(&valid("(func $r (result funcref) (ref.null func))"));
    assert!(
        why.contains("feature") || why.contains("reference"),
        "{why}"
    );
}

#[test]
fn an_unknown_import_is_rejected() {
    let why = refused(&valid(r#"(import "vm_hooks" "no_such_hook" (func))"#));
    assert!(
        why.contains("no such import vm_hooks.no_such_hook"),
        "{why}"
    );
}

#[test]
fn a_start_function_is_rejected() {
    let why = refused(&valid("(func $s) (start $s)"));
    assert!(why.contains("start function"), "{why}");
}

#[test]
fn a_missing_user_entrypoint_is_rejected() {
    let why = refused(
        r#"(module
  (memory (export "memory") 1 1)
  (func (export "main") (param i32) (result i32) (i32.const 0)))"#,
    );
    assert!(why.contains("user_entrypoint"), "{why}");
}

/// nitro at ArbOS 50 (`programs.go` `getWasm`): code that is not a Stylus program, or
/// does not decompress within the size limit, is a plain error: the activation reverts
/// without data, keeps the unused gas and leaves the program unactivated.
fn refused_before_validation(chain: &mut Chain, program: Address) {
    let r = activate_with(chain, program, eth(1));
    assert_eq!(r.status, Status::Revert(Bytes::new()));
    assert!(r.gas_used < GAS, "the unused gas is kept");
    assert!(r.logs.is_empty());
    let v = program_version(chain, program);
    assert!(!v.success());
}

#[test]
fn a_program_over_128_kib_decompressed_reverts_without_data() {
    // 140,000 bytes of data: over MaxWasmSize (128 KiB = 131,072 bytes) once
    // decompressed, though brotli makes the deployed code tiny.
    let data = "\\00".repeat(140_000);
    let wat = format!(
        r#"(module
  (memory (export "memory") 3 3)
  (data (i32.const 0) "{data}")
  (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#
    );
    let mut chain = chain();
    let p = deploy_wasm(&mut chain, &::wat::parse_str(wat).expect("test WAT parses"));
    refused_before_validation(&mut chain, p);
}

#[test]
fn evm_code_reverts_without_data() {
    let mut chain = chain();
    let evm = crate::wat::deploy_evm(&mut chain, &crate::wat::EVM_WHO_CALLED);
    refused_before_validation(&mut chain, evm);
}

#[test]
fn an_account_without_code_is_not_wasm() {
    let mut chain = chain();
    let r = activate_with(&mut chain, Address::repeat_byte(0x42), eth(1));
    assert_eq!(
        r.status,
        Status::Revert(ProgramNotWasm {}.abi_encode().into())
    );
}

#[test]
fn activating_twice_is_up_to_date() {
    let mut chain = chain();
    let wasm = ::wat::parse_str(valid("")).expect("wat");
    let p = deploy_wasm(&mut chain, &wasm);
    assert!(activate_with(&mut chain, p, eth(1)).success());
    let r = activate_with(&mut chain, p, eth(1));
    assert_eq!(
        r.status,
        Status::Revert(ProgramUpToDate {}.abi_encode().into())
    );
    let v = program_version(&mut chain, p);
    assert!(v.success());
    assert_eq!(U256::from_be_slice(&v.output), U256::from(2));
}

#[test]
fn activation_without_the_data_fee_is_refused() {
    let mut chain = chain();
    let wasm = ::wat::parse_str(valid("")).expect("wat");
    let p = deploy_wasm(&mut chain, &wasm);
    let r = activate_with(&mut chain, p, U256::ZERO);
    let Status::Revert(data) = &r.status else {
        panic!("{:?}", r.status)
    };
    let err = ProgramInsufficientValue::abi_decode(data).expect("ProgramInsufficientValue");
    assert_eq!(err.have, U256::ZERO);
    assert!(err.want > U256::ZERO);
    let v = program_version(&mut chain, p);
    assert_eq!(
        v.status,
        Status::Revert(ProgramNotActivated {}.abi_encode().into())
    );
}
