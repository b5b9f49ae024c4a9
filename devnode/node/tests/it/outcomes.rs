//! How a Stylus call ends, as nitro's `UserOutcome`s surface in receipts: success, revert,
//! failure, out of ink, out of stack, and calling a program that is not activated.

use crate::common::*;
use crate::wat::*;
use devnode::HaltReason;
use devnode::{Chain, Receipt, Status, TxRequest, DEV_ACCOUNT};
use revm::primitives::Address;

const GAS: u64 = 1_000_000;

fn deploy_and_send(body: &str, data: Vec<u8>) -> Receipt {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &entry(body));
    send(&mut chain, p, data)
}

fn send(chain: &mut Chain, p: Address, data: Vec<u8>) -> Receipt {
    chain
        .send(TxRequest::call(DEV_ACCOUNT, p, data).gas(GAS))
        .expect("valid")
}

#[test]
fn success_returns_the_result_and_charges_only_the_gas_used() {
    let r = deploy_and_send("(call $ret (i32.const 0) (local.get $len))", vec![4, 5]);
    assert_eq!(r.status, Status::Success);
    assert_eq!(r.output.as_ref(), &[4, 5]);
    assert!(r.gas_used < GAS / 10, "{}", r.gas_used);
}

#[test]
fn a_nonzero_entrypoint_result_reverts_with_the_written_result() {
    let body = "(call $write_result (i32.const 0) (local.get $len)) (i32.const 1)";
    let r = deploy_and_send(body, vec![0xde, 0xad]);
    assert_eq!(r.status, Status::Revert(vec![0xde, 0xad].into()));
    assert!(
        r.gas_used < GAS / 10,
        "a revert keeps the unspent gas: {}",
        r.gas_used
    );
}

#[test]
fn a_trap_is_a_failure_that_reverts_without_data_and_keeps_the_unspent_gas() {
    let body = "(call $write_result (i32.const 0) (local.get $len)) (unreachable)";
    let r = deploy_and_send(body, vec![1, 2, 3]);
    assert_eq!(r.status, Status::Revert(Default::default()));
    assert!(r.gas_used < GAS / 10, "{}", r.gas_used);
}

#[test]
fn a_host_pointer_outside_memory_is_a_failure() {
    let r = deploy_and_send("(call $msg_sender (i32.const 65530)) (i32.const 0)", vec![]);
    assert_eq!(r.status, Status::Revert(Default::default()));
    assert!(r.gas_used < GAS / 10, "{}", r.gas_used);
}

fn spin_until_out_of_ink(gas: u64) {
    let mut chain = chain();
    let p = deploy_wat(
        &mut chain,
        &entry("(loop $forever (br $forever)) (i32.const 0)"),
    );
    let r = chain
        .send(TxRequest::call(DEV_ACCOUNT, p, vec![]).gas(gas))
        .expect("valid");
    assert!(
        matches!(&r.status, Status::Halt(HaltReason::OutOfGas(_))),
        "{:?}",
        r.status
    );
    assert_eq!(r.gas_used, gas);
}

#[test]
fn running_out_of_ink_halts_and_consumes_all_gas() {
    // ~930,000 iterations of a 3215-ink loop block.
    spin_until_out_of_ink(300_000);
}

/// A transaction may carry 32M gas; a loop that burns all of it must end as out of ink,
/// not take the node down (wasmi's tail-call dispatch grew the native stack per iteration
/// in our build, so the workspace selects its portable dispatch).
#[test]
fn a_long_loop_runs_out_of_ink_without_crashing_the_node() {
    // 30M gas = 3e11 ink ≈ 93M iterations of the loop block.
    spin_until_out_of_ink(30_000_000);
}

#[test]
fn a_host_function_without_enough_ink_is_out_of_ink() {
    // Each keccak of 64 KiB costs 121800 + 21000·2046 ink: a few exhaust 1M gas.
    let body = "(loop $l
                  (call $native_keccak256 (i32.const 0) (i32.const 65536) (i32.const 0))
                  (br $l))
                (i32.const 0)";
    let r = deploy_and_send(body, vec![]);
    assert!(
        matches!(&r.status, Status::Halt(HaltReason::OutOfGas(_))),
        "{:?}",
        r.status
    );
    assert_eq!(r.gas_used, GAS);
}

#[test]
fn unbounded_recursion_is_out_of_stack_and_consumes_all_gas() {
    let mut chain = chain();
    let wat = program(
        "1 1",
        r#"(func $down (call $down))
           (func (export "user_entrypoint") (param i32) (result i32)
             (call $down) (i32.const 0))"#,
    );
    let p = deploy_wat(&mut chain, &wat);
    let r = send(&mut chain, p, vec![]);
    assert!(
        matches!(&r.status, Status::Halt(HaltReason::StackOverflow)),
        "{:?}",
        r.status
    );
    assert_eq!(r.gas_used, GAS);
}

#[test]
fn calling_a_program_that_is_not_activated_fails_with_all_gas_until_it_is_activated() {
    let mut chain = chain();
    let wasm = ::wat::parse_str(entry("(call $ret (i32.const 0) (local.get $len))")).expect("wat");
    let p = deploy_wasm(&mut chain, &wasm);
    let r = send(&mut chain, p, vec![9]);
    assert!(matches!(r.status, Status::Halt(_)), "{:?}", r.status);
    assert_eq!(r.gas_used, GAS);
    let a = activate(&mut chain, p);
    assert!(a.success(), "{:?}", a.status);
    let r = send(&mut chain, p, vec![9]);
    assert_eq!(r.status, Status::Success);
    assert_eq!(r.output.as_ref(), &[9]);
}

#[test]
fn an_evm_caller_sees_a_programs_revert_data() {
    let mut chain = chain();
    let p = deploy_wat(
        &mut chain,
        &entry("(call $write_result (i32.const 0) (local.get $len)) (i32.const 1)"),
    );
    // CALLDATASIZE 0 0 CALLDATACOPY; CALL(gas, p, 0, 0, size, 0, 0);
    // RETURNDATASIZE 0 0 RETURNDATACOPY; RETURN(0, RETURNDATASIZE) — returns the callee's
    // revert data whatever the status.
    let mut code = vec![0x36, 0x60, 0x00, 0x60, 0x00, 0x37];
    code.extend([0x60, 0x00, 0x60, 0x00, 0x36, 0x60, 0x00, 0x60, 0x00, 0x73]);
    code.extend_from_slice(p.as_slice());
    code.extend([0x5a, 0xf1, 0x50]);
    code.extend([0x3d, 0x60, 0x00, 0x60, 0x00, 0x3e, 0x3d, 0x60, 0x00, 0xf3]);
    let evm = deploy_evm(&mut chain, &code);
    let r = send(&mut chain, evm, vec![0xca, 0xfe]);
    assert_eq!(r.status, Status::Success);
    assert_eq!(r.output.as_ref(), &[0xca, 0xfe]);
}

/// nitro prices every float operator at `u64::MAX` ink (`programs/meter.rs`): a program
/// with floats activates, runs while it stays off the float path, and runs out of ink
/// (all gas) the moment it enters a basic block holding a float op.
#[test]
fn a_float_operator_runs_out_of_ink_when_its_basic_block_is_entered() {
    let mut chain = chain();
    let body = "(if (i32.load8_u (i32.const 0)) (then
                  (drop (i32.trunc_f64_s (f64.add (f64.const 1) (f64.const 2))))))
                (call $ret (i32.const 0) (local.get $len))";
    let p = deploy_wat(&mut chain, &entry(body));
    let off_the_path = send(&mut chain, p, vec![0]);
    assert_eq!(off_the_path.status, Status::Success);
    assert_eq!(off_the_path.output.as_ref(), &[0]);
    let on_it = send(&mut chain, p, vec![1]);
    assert!(
        matches!(&on_it.status, Status::Halt(HaltReason::OutOfGas(_))),
        "{:?}",
        on_it.status
    );
    assert_eq!(on_it.gas_used, GAS);
}

/// Float locals and the float `console` functions need no float operator, so they run.
#[test]
fn a_float_local_passed_to_the_float_console_functions_runs() {
    let wat = r#"(module
        (import "console" "tee_f64" (func $tee_f64 (param f64) (result f64)))
        (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32)
          (local $x f64)
          (drop (call $tee_f64 (local.get $x)))
          (i32.const 0)))"#;
    let mut chain = chain();
    let p = deploy_wat(&mut chain, wat);
    assert_eq!(send(&mut chain, p, vec![]).status, Status::Success);
}

/// Multi-value functions and blocks activate below ArbOS 60 (`binary.rs`) and run.
#[test]
fn a_multi_value_function_returns_both_values() {
    let wat = program(
        "1 1",
        r#"(func $pair (result i32 i32) (i32.const 40) (i32.const 2))
           (func (export "user_entrypoint") (param i32) (result i32)
             (call $ret_i32 (block (result i32) (call $pair) (i32.add))))"#,
    );
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &wat);
    let r = send(&mut chain, p, vec![]);
    assert_eq!(r.status, Status::Success);
    assert_eq!(le_u32(&r.output), 42);
}
