//! The call and create `vm_hooks`: calls to EVM contracts and to the program itself,
//! return data, reentrancy, write protection in static calls, CREATE and CREATE2.

use crate::common::*;
use crate::wat::*;
use devnode::{deployer::init_code, Chain, Receipt, TxRequest, DEV_ACCOUNT};
use revm::primitives::{keccak256, Address, B256, U256};

/// Dispatches on the first calldata byte.
/// - 0/1/2 (call/delegatecall/staticcall): target(20) ‖ value(32) ‖ rd_offset(u32 LE) ‖
///   rd_size(u32 LE) ‖ calldata; returns status ‖ ret_len ‖ return_data_size ‖ copied ‖
///   read_return_data(rd_offset, rd_size), the numbers u32 LE.
/// - 3: write slot 1 := 1; 4: log one topic; 5: transient store; 6: msg_reentrant.
/// - 7 (create1): endowment(32) ‖ init code; 8 (create2): endowment(32) ‖ salt(32) ‖ init
///   code; both return address(20) ‖ revert_len ‖ return_data_size ‖ copied ‖ return data.
const CALLS: &str = r#"
(data (i32.const 0x2000)
  "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\01")
(func $finish (param $at i32) (result i32)
  (local $n i32)
  (i32.store (i32.add (local.get $at) (i32.const 4)) (call $return_data_size))
  (local.set $n (call $read_return_data (i32.add (local.get $at) (i32.const 12))
    (i32.load (i32.const 53)) (i32.load (i32.const 57))))
  (i32.store (i32.add (local.get $at) (i32.const 8)) (local.get $n))
  (call $ret (i32.sub (local.get $at) (i32.const 4)) (i32.add (i32.const 16) (local.get $n))))
(func $finish_create (result i32)
  (local $n i32)
  (i32.store (i32.const 0x1018) (call $return_data_size))
  (local.set $n (call $read_return_data (i32.const 0x1020) (i32.const 0) (i32.const 1000)))
  (i32.store (i32.const 0x101C) (local.get $n))
  (call $ret (i32.const 0x1000) (i32.add (i32.const 32) (local.get $n))))
(func (export "user_entrypoint") (param $len i32) (result i32)
  (local $op i32) (local $dlen i32)
  (call $read_args (i32.const 0))
  (local.set $op (i32.load8_u (i32.const 0)))
  (local.set $dlen (i32.sub (local.get $len) (i32.const 61)))
  (if (i32.eq (local.get $op) (i32.const 0)) (then
    (i32.store (i32.const 0x1000) (call $call_contract (i32.const 1) (i32.const 61)
      (local.get $dlen) (i32.const 21) (i64.const -1) (i32.const 0x1004)))
    (return (call $finish (i32.const 0x1004)))))
  (if (i32.eq (local.get $op) (i32.const 1)) (then
    (i32.store (i32.const 0x1000) (call $delegate_call_contract (i32.const 1) (i32.const 61)
      (local.get $dlen) (i64.const -1) (i32.const 0x1004)))
    (return (call $finish (i32.const 0x1004)))))
  (if (i32.eq (local.get $op) (i32.const 2)) (then
    (i32.store (i32.const 0x1000) (call $static_call_contract (i32.const 1) (i32.const 61)
      (local.get $dlen) (i64.const -1) (i32.const 0x1004)))
    (return (call $finish (i32.const 0x1004)))))
  (if (i32.eq (local.get $op) (i32.const 3)) (then
    (call $storage_cache_bytes32 (i32.const 0x2000) (i32.const 0x2000))
    (call $storage_flush_cache (i32.const 0))
    (return (i32.const 0))))
  (if (i32.eq (local.get $op) (i32.const 4)) (then
    (call $emit_log (i32.const 0x2000) (i32.const 32) (i32.const 1))
    (return (i32.const 0))))
  (if (i32.eq (local.get $op) (i32.const 5)) (then
    (call $transient_store_bytes32 (i32.const 0x2000) (i32.const 0x2000))
    (return (i32.const 0))))
  (if (i32.eq (local.get $op) (i32.const 6)) (then
    (return (call $ret_i32 (call $msg_reentrant)))))
  (if (i32.eq (local.get $op) (i32.const 7)) (then
    (call $create1 (i32.const 33) (i32.sub (local.get $len) (i32.const 33)) (i32.const 1)
      (i32.const 0x1000) (i32.const 0x1014))
    (return (call $finish_create))))
  (if (i32.eq (local.get $op) (i32.const 8)) (then
    (call $create2 (i32.const 65) (i32.sub (local.get $len) (i32.const 65)) (i32.const 1)
      (i32.const 33) (i32.const 0x1000) (i32.const 0x1014))
    (return (call $finish_create))))
  (unreachable))"#;

/// `PUSH2 0xBEEF PUSH1 0 MSTORE PUSH1 2 PUSH1 30 REVERT`: reverts with `BE EF`.
const EVM_REVERTS_BEEF: [u8; 11] = [
    0x61, 0xbe, 0xef, 0x60, 0x00, 0x52, 0x60, 0x02, 0x60, 0x1e, 0xfd,
];
/// `PUSH1 1 PUSH1 0 SSTORE STOP`.
const EVM_WRITES: [u8; 6] = [0x60, 0x01, 0x60, 0x00, 0x55, 0x00];
/// Init code `PUSH1 0xAB PUSH1 0 MSTORE8 PUSH1 1 PUSH1 0 REVERT`: reverts with `AB`.
const INIT_REVERTS_AB: [u8; 10] = [0x60, 0xab, 0x60, 0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0xfd];

fn setup() -> (Chain, Address) {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &program("1 1", CALLS));
    (chain, p)
}

#[derive(Debug)]
struct Called {
    status: u32,
    ret_len: u32,
    size: u32,
    data: Vec<u8>,
}

fn call_args(kind: u8, target: Address, value: u64, rd: (u32, u32), data: &[u8]) -> Vec<u8> {
    let mut v = vec![kind];
    v.extend_from_slice(target.as_slice());
    v.extend_from_slice(&U256::from(value).to_be_bytes::<32>());
    v.extend_from_slice(&rd.0.to_le_bytes());
    v.extend_from_slice(&rd.1.to_le_bytes());
    v.extend_from_slice(data);
    v
}

fn send(chain: &mut Chain, p: Address, value: u64, data: Vec<u8>) -> Receipt {
    let r = chain
        .send(TxRequest::call(DEV_ACCOUNT, p, data).value(U256::from(value)))
        .expect("valid");
    assert!(r.success(), "{:?} {}", r.status, revert_text(&r));
    r
}

#[allow(clippy::too_many_arguments)]
fn sub(
    chain: &mut Chain,
    p: Address,
    kind: u8,
    target: Address,
    value: u64,
    tx_value: u64,
    rd: (u32, u32),
    data: &[u8],
) -> (Called, Receipt) {
    let r = send(chain, p, tx_value, call_args(kind, target, value, rd, data));
    let o = &r.output;
    let called = Called {
        status: le_u32(&o[0..]),
        ret_len: le_u32(&o[4..]),
        size: le_u32(&o[8..]),
        data: o[16..16 + le_u32(&o[12..]) as usize].to_vec(),
    };
    (called, r)
}

const ALL: (u32, u32) = (0, 10_000);

fn word_of(a: Address) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(a.as_slice());
    w
}

fn word(v: u64) -> [u8; 32] {
    U256::from(v).to_be_bytes()
}

#[test]
fn call_contract_to_an_evm_contract_returns_its_data_and_sends_value() {
    let (mut chain, p) = setup();
    let evm = deploy_evm(&mut chain, &EVM_WHO_CALLED);
    let (c, _) = sub(&mut chain, p, 0, evm, 5, 5, ALL, &[]);
    assert_eq!(c.status, 0);
    assert_eq!((c.ret_len, c.size), (64, 64));
    assert_eq!(c.data, [word_of(p), word(5)].concat());
    assert_eq!(chain.balance(evm), U256::from(5));
}

#[test]
fn delegate_call_contract_runs_the_callee_with_the_programs_caller_and_value() {
    let (mut chain, p) = setup();
    let evm = deploy_evm(&mut chain, &EVM_WHO_CALLED);
    let (c, _) = sub(&mut chain, p, 1, evm, 0, 9, ALL, &[]);
    assert_eq!(c.status, 0);
    assert_eq!(c.data, [word_of(DEV_ACCOUNT), word(9)].concat());
}

#[test]
fn delegate_call_contract_writes_the_programs_storage() {
    let (mut chain, p) = setup();
    let evm = deploy_evm(&mut chain, &EVM_WRITES);
    let (c, _) = sub(&mut chain, p, 1, evm, 0, 0, ALL, &[]);
    assert_eq!(c.status, 0);
    assert_eq!(chain.storage(p, U256::ZERO), U256::from(1));
    assert_eq!(chain.storage(evm, U256::ZERO), U256::ZERO);
}

#[test]
fn static_call_contract_calls_as_the_program_without_value() {
    let (mut chain, p) = setup();
    let evm = deploy_evm(&mut chain, &EVM_WHO_CALLED);
    let (c, _) = sub(&mut chain, p, 2, evm, 0, 0, ALL, &[]);
    assert_eq!(c.status, 0);
    assert_eq!(c.data, [word_of(p), word(0)].concat());
}

#[test]
fn a_failed_call_reports_nonzero_status_and_keeps_the_revert_data() {
    let (mut chain, p) = setup();
    let evm = deploy_evm(&mut chain, &EVM_REVERTS_BEEF);
    let (c, _) = sub(&mut chain, p, 0, evm, 0, 0, ALL, &[]);
    assert_ne!(c.status, 0);
    assert_eq!((c.ret_len, c.size), (2, 2));
    assert_eq!(c.data, vec![0xbe, 0xef]);
}

#[test]
fn read_return_data_copies_only_the_part_that_exists() {
    let (mut chain, p) = setup();
    let evm = deploy_evm(&mut chain, &EVM_WHO_CALLED);
    let expected = [word_of(p), word(0)].concat();
    let (c, _) = sub(&mut chain, p, 0, evm, 0, 0, (10, 5), &[]);
    assert_eq!(c.data, expected[10..15].to_vec());
    let (c, _) = sub(&mut chain, p, 0, evm, 0, 0, (40, 100), &[]);
    assert_eq!(c.data, expected[40..64].to_vec());
    let (c, _) = sub(&mut chain, p, 0, evm, 0, 0, (64, 10), &[]);
    assert!(c.data.is_empty());
    let (c, _) = sub(&mut chain, p, 0, evm, 0, 0, (70, 10), &[]);
    assert!(c.data.is_empty());
    assert_eq!(c.size, 64);
}

#[test]
fn a_static_call_to_an_evm_contract_that_writes_fails() {
    let (mut chain, p) = setup();
    let evm = deploy_evm(&mut chain, &EVM_WRITES);
    let (c, _) = sub(&mut chain, p, 2, evm, 0, 0, ALL, &[]);
    assert_ne!(c.status, 0);
    assert_eq!(chain.storage(evm, U256::ZERO), U256::ZERO);
}

#[test]
fn storage_flush_inside_a_static_call_fails_but_works_in_a_call() {
    let (mut chain, p) = setup();
    let (c, _) = sub(&mut chain, p, 2, p, 0, 0, ALL, &[3]);
    assert_ne!(c.status, 0);
    assert_eq!(chain.storage(p, U256::from(1)), U256::ZERO);
    let (c, _) = sub(&mut chain, p, 0, p, 0, 0, ALL, &[3]);
    assert_eq!(c.status, 0);
    assert_eq!(chain.storage(p, U256::from(1)), U256::from(1));
}

#[test]
fn emit_log_inside_a_static_call_fails_but_works_in_a_call() {
    let (mut chain, p) = setup();
    let (c, r) = sub(&mut chain, p, 2, p, 0, 0, ALL, &[4]);
    assert_ne!(c.status, 0);
    assert!(r.logs.is_empty());
    let (c, r) = sub(&mut chain, p, 0, p, 0, 0, ALL, &[4]);
    assert_eq!(c.status, 0);
    assert_eq!(r.logs.len(), 1);
    assert_eq!(r.logs[0].topics(), &[B256::from(word(1))]);
}

#[test]
fn transient_store_inside_a_static_call_fails_but_works_in_a_call() {
    let (mut chain, p) = setup();
    let (c, _) = sub(&mut chain, p, 2, p, 0, 0, ALL, &[5]);
    assert_ne!(c.status, 0);
    let (c, _) = sub(&mut chain, p, 0, p, 0, 0, ALL, &[5]);
    assert_eq!(c.status, 0);
}

#[test]
fn msg_reentrant_is_true_when_the_program_calls_itself() {
    let (mut chain, p) = setup();
    let (c, _) = sub(&mut chain, p, 0, p, 0, 0, ALL, &[6]);
    assert_eq!(c.status, 0);
    assert_eq!(c.data, 1u32.to_le_bytes().to_vec());
}

#[test]
fn msg_reentrant_is_false_when_called_from_another_contract() {
    let (mut chain, p) = setup();
    // Same code, so already activated (activation is keyed by codehash).
    let wasm = ::wat::parse_str(program("1 1", CALLS)).expect("parses");
    let other = deploy_wasm(&mut chain, &wasm);
    let (c, _) = sub(&mut chain, other, 0, p, 0, 0, ALL, &[6]);
    assert_eq!(c.status, 0);
    assert_eq!(c.data, 0u32.to_le_bytes().to_vec());
}

struct Created {
    address: Address,
    revert_len: u32,
    size: u32,
    data: Vec<u8>,
}

fn create(chain: &mut Chain, p: Address, args: Vec<u8>, tx_value: u64) -> Created {
    let r = send(chain, p, tx_value, args);
    let o = &r.output;
    Created {
        address: Address::from_slice(&o[..20]),
        revert_len: le_u32(&o[20..]),
        size: le_u32(&o[24..]),
        data: o[32..32 + le_u32(&o[28..]) as usize].to_vec(),
    }
}

#[test]
fn create1_deploys_at_the_address_of_the_programs_nonce() {
    let (mut chain, p) = setup();
    let expected = p.create(chain.nonce(p));
    let initcode = init_code(&EVM_WHO_CALLED);
    let c = create(&mut chain, p, [&[7u8][..], &word(0), &initcode].concat(), 0);
    assert_eq!(c.address, expected);
    assert_eq!(c.revert_len, 0);
    assert_eq!(chain.code(expected).as_ref(), &EVM_WHO_CALLED);
}

#[test]
fn create1_passes_the_endowment() {
    let (mut chain, p) = setup();
    let initcode = init_code(&EVM_WHO_CALLED);
    let c = create(
        &mut chain,
        p,
        [&[7u8][..], &word(100), &initcode].concat(),
        100,
    );
    assert_eq!(chain.balance(c.address), U256::from(100));
    assert_eq!(chain.balance(p), U256::ZERO);
}

#[test]
fn create2_deploys_at_the_salted_address() {
    let (mut chain, p) = setup();
    let initcode = init_code(&EVM_WHO_CALLED);
    let salt = B256::repeat_byte(0x5a);
    let expected = p.create2(salt, keccak256(&initcode));
    let c = create(
        &mut chain,
        p,
        [&[8u8][..], &word(0), salt.as_slice(), &initcode].concat(),
        0,
    );
    assert_eq!(c.address, expected);
    assert_eq!(chain.code(expected).as_ref(), &EVM_WHO_CALLED);
}

#[test]
fn a_reverting_create_gives_the_zero_address_and_its_revert_data() {
    let (mut chain, p) = setup();
    let c = create(
        &mut chain,
        p,
        [&[7u8][..], &word(0), &INIT_REVERTS_AB].concat(),
        0,
    );
    assert_eq!(c.address, Address::ZERO);
    assert_eq!((c.revert_len, c.size), (1, 1));
    assert_eq!(c.data, vec![0xab]);
    let salt = B256::repeat_byte(1);
    let c = create(
        &mut chain,
        p,
        [&[8u8][..], &word(0), salt.as_slice(), &INIT_REVERTS_AB].concat(),
        0,
    );
    assert_eq!(c.address, Address::ZERO);
    assert_eq!(c.data, vec![0xab]);
}
