//! The state `vm_hooks`: storage through the per-call cache, transient storage, logs, and
//! other accounts' balance, code and codehash, checked against the chain's state.

use crate::common::*;
use crate::wat::*;
use devnode::{Chain, Receipt, Status};
use revm::primitives::{address, keccak256, Address, B256, KECCAK_EMPTY, U256};

/// Dispatches on the first calldata byte; operands follow it.
const STATE: &str = r#"(func (export "user_entrypoint") (param $len i32) (result i32)
  (local $op i32) (local $i i32) (local $ink i64)
  (call $read_args (i32.const 0))
  (local.set $op (i32.load8_u (i32.const 0)))
  ;; 1 key value: cache the slot and flush
  (if (i32.eq (local.get $op) (i32.const 1)) (then
    (call $storage_cache_bytes32 (i32.const 1) (i32.const 33))
    (call $storage_flush_cache (i32.const 0))
    (return (i32.const 0))))
  ;; 2 key: load the slot
  (if (i32.eq (local.get $op) (i32.const 2)) (then
    (call $storage_load_bytes32 (i32.const 1) (i32.const 0x1000))
    (return (call $ret (i32.const 0x1000) (i32.const 32)))))
  ;; 3 key value: cache, load it back from the cache, then flush
  (if (i32.eq (local.get $op) (i32.const 3)) (then
    (call $storage_cache_bytes32 (i32.const 1) (i32.const 33))
    (call $storage_load_bytes32 (i32.const 1) (i32.const 0x1000))
    (call $storage_flush_cache (i32.const 1))
    (return (call $ret (i32.const 0x1000) (i32.const 32)))))
  ;; 4 key value: transient store, then transient load
  (if (i32.eq (local.get $op) (i32.const 4)) (then
    (call $transient_store_bytes32 (i32.const 1) (i32.const 33))
    (call $transient_load_bytes32 (i32.const 1) (i32.const 0x1000))
    (return (call $ret (i32.const 0x1000) (i32.const 32)))))
  ;; 5 key: transient load
  (if (i32.eq (local.get $op) (i32.const 5)) (then
    (call $transient_load_bytes32 (i32.const 1) (i32.const 0x1000))
    (return (call $ret (i32.const 0x1000) (i32.const 32)))))
  ;; 6 topics bytes..: emit_log of the bytes with that many topics
  (if (i32.eq (local.get $op) (i32.const 6)) (then
    (call $emit_log (i32.const 2) (i32.sub (local.get $len) (i32.const 2))
      (i32.load8_u (i32.const 1)))
    (return (i32.const 0))))
  ;; 7 address: balance
  (if (i32.eq (local.get $op) (i32.const 7)) (then
    (call $account_balance (i32.const 1) (i32.const 0x1000))
    (return (call $ret (i32.const 0x1000) (i32.const 32)))))
  ;; 8 address: codehash
  (if (i32.eq (local.get $op) (i32.const 8)) (then
    (call $account_codehash (i32.const 1) (i32.const 0x1000))
    (return (call $ret (i32.const 0x1000) (i32.const 32)))))
  ;; 9 address: code size
  (if (i32.eq (local.get $op) (i32.const 9)) (then
    (return (call $ret_i32 (call $account_code_size (i32.const 1))))))
  ;; 10 address offset size (u32 LE): code bytes; returns count ‖ bytes
  (if (i32.eq (local.get $op) (i32.const 10)) (then
    (i32.store (i32.const 0xFFC)
      (call $account_code (i32.const 1) (i32.load (i32.const 21)) (i32.load (i32.const 25))
        (i32.const 0x1000)))
    (return (call $ret (i32.const 0xFFC)
      (i32.add (i32.const 4) (i32.load (i32.const 0xFFC)))))))
  ;; 11 addresses..: account_code_size of each in turn; returns the ink each took (u64 LE)
  (if (i32.eq (local.get $op) (i32.const 11)) (then
    (block $done (loop $next
      (br_if $done (i32.ge_u (i32.add (i32.const 1) (i32.mul (local.get $i) (i32.const 20)))
        (local.get $len)))
      (local.set $ink (call $evm_ink_left))
      (drop (call $account_code_size (i32.add (i32.const 1) (i32.mul (local.get $i) (i32.const 20)))))
      (i64.store (i32.add (i32.const 0x1000) (i32.mul (local.get $i) (i32.const 8)))
        (i64.sub (local.get $ink) (call $evm_ink_left)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (return (call $ret (i32.const 0x1000) (i32.mul (local.get $i) (i32.const 8))))))
  (unreachable))"#;

fn setup() -> (Chain, Address) {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &program("1 1", STATE));
    (chain, p)
}

fn op(code: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut v = vec![code];
    for p in parts {
        v.extend_from_slice(p);
    }
    v
}

fn ok(chain: &mut Chain, p: Address, data: Vec<u8>) -> Receipt {
    let r = call(chain, p, data);
    assert!(r.success(), "{:?} {}", r.status, revert_text(&r));
    r
}

fn word(v: u64) -> [u8; 32] {
    U256::from(v).to_be_bytes()
}

#[test]
fn storage_cache_then_flush_writes_the_slot_to_state() {
    let (mut chain, p) = setup();
    ok(&mut chain, p, op(1, &[&word(5), &word(0x42)]));
    assert_eq!(chain.storage(p, U256::from(5)), U256::from(0x42));
}

#[test]
fn storage_load_reads_a_slot_written_by_an_earlier_transaction() {
    let (mut chain, p) = setup();
    ok(&mut chain, p, op(1, &[&word(5), &word(0x42)]));
    let r = ok(&mut chain, p, op(2, &[&word(5)]));
    assert_eq!(r.output.as_ref(), &word(0x42));
    let r = ok(&mut chain, p, op(2, &[&word(6)]));
    assert_eq!(r.output.as_ref(), &word(0));
}

#[test]
fn storage_load_sees_a_cached_write_before_it_is_flushed() {
    let (mut chain, p) = setup();
    let r = ok(&mut chain, p, op(3, &[&word(9), &word(77)]));
    assert_eq!(r.output.as_ref(), &word(77));
    assert_eq!(chain.storage(p, U256::from(9)), U256::from(77));
}

#[test]
fn transient_storage_lasts_for_the_transaction_only() {
    let (mut chain, p) = setup();
    let r = ok(&mut chain, p, op(4, &[&word(1), &word(99)]));
    assert_eq!(r.output.as_ref(), &word(99));
    let r = ok(&mut chain, p, op(5, &[&word(1)]));
    assert_eq!(r.output.as_ref(), &word(0));
    assert_eq!(chain.storage(p, U256::from(1)), U256::ZERO);
}

#[test]
fn emit_log_appears_in_the_receipt_with_its_topics_and_data() {
    let (mut chain, p) = setup();
    let (t0, t1) = (B256::repeat_byte(0xaa), B256::repeat_byte(0xbb));
    let r = ok(
        &mut chain,
        p,
        op(6, &[&[2], t0.as_slice(), t1.as_slice(), b"hello"]),
    );
    assert_eq!(r.logs.len(), 1);
    let log = &r.logs[0];
    assert_eq!(log.address, p);
    assert_eq!(log.topics(), &[t0, t1]);
    assert_eq!(log.data.data.as_ref(), b"hello");
}

#[test]
fn emit_log_without_topics_logs_the_data() {
    let (mut chain, p) = setup();
    let r = ok(&mut chain, p, op(6, &[&[0], b"just data"]));
    assert!(r.logs[0].topics().is_empty());
    assert_eq!(r.logs[0].data.data.as_ref(), b"just data");
}

#[test]
fn emit_log_with_more_than_four_topics_fails() {
    let (mut chain, p) = setup();
    let r = call(&mut chain, p, op(6, &[&[5], &[0u8; 160]]));
    assert_eq!(r.status, Status::Revert(Default::default()));
    assert!(r.logs.is_empty());
}

#[test]
fn emit_log_shorter_than_its_topics_fails() {
    let (mut chain, p) = setup();
    let r = call(&mut chain, p, op(6, &[&[2], &[0u8; 40]]));
    assert_eq!(r.status, Status::Revert(Default::default()));
}

#[test]
fn account_balance_matches_the_chain() {
    let (mut chain, p) = setup();
    let someone = address!("00000000000000000000000000000000000b0b00");
    chain.set_balance(someone, U256::from(777));
    let r = ok(&mut chain, p, op(7, &[someone.as_slice()]));
    assert_eq!(U256::from_be_slice(&r.output), U256::from(777));
    assert_eq!(U256::from_be_slice(&r.output), chain.balance(someone));
}

#[test]
fn account_codehash_is_keccak_of_the_code_and_keccak_empty_for_an_eoa() {
    let (mut chain, p) = setup();
    let r = ok(&mut chain, p, op(8, &[p.as_slice()]));
    assert_eq!(r.output.as_ref(), keccak256(chain.code(p)).as_slice());
    let r = ok(&mut chain, p, op(8, &[devnode::DEV_ACCOUNT.as_slice()]));
    assert_eq!(r.output.as_ref(), KECCAK_EMPTY.as_slice());
}

#[test]
fn account_code_size_is_the_deployed_code_length() {
    let (mut chain, p) = setup();
    let r = ok(&mut chain, p, op(9, &[p.as_slice()]));
    assert_eq!(le_u32(&r.output) as usize, chain.code(p).len());
    let r = ok(&mut chain, p, op(9, &[devnode::DEV_ACCOUNT.as_slice()]));
    assert_eq!(le_u32(&r.output), 0);
}

#[test]
fn account_code_copies_the_requested_range_without_padding() {
    let (mut chain, p) = setup();
    let code = chain.code(p);
    let read = |chain: &mut Chain, offset: u32, size: u32| {
        let r = ok(
            chain,
            p,
            op(
                10,
                &[p.as_slice(), &offset.to_le_bytes(), &size.to_le_bytes()],
            ),
        );
        let n = le_u32(&r.output) as usize;
        assert_eq!(r.output.len(), 4 + n);
        r.output[4..].to_vec()
    };
    assert_eq!(read(&mut chain, 4, 10), code[4..14].to_vec());
    let len = code.len() as u32;
    assert_eq!(
        read(&mut chain, len - 3, 10),
        code[code.len() - 3..].to_vec()
    );
    assert_eq!(read(&mut chain, len + 5, 10), Vec::<u8>::new());
}

/// The ink each `account_code_size` of `addresses` took, in one program call.
fn code_size_ink(chain: &mut Chain, p: Address, addresses: &[Address]) -> Vec<u64> {
    let parts: Vec<&[u8]> = addresses.iter().map(|a| a.as_slice()).collect();
    let r = ok(chain, p, op(11, &parts));
    r.output.chunks(8).map(le_u64).collect()
}

#[test]
fn account_code_of_the_address_read_last_is_free_and_empty_code_is_not_remembered() {
    let (mut chain, p) = setup();
    let other = deploy_wasm(&mut chain, &wat::parse_str("(module)").expect("WAT parses"));
    let eoa = devnode::DEV_ACCOUNT;
    let ink = code_size_ink(&mut chain, p, &[other, other, p, other, eoa, eoa]);
    // Each iteration runs the same instructions; the second read of `other` pays only
    // those and the hostio's ink, so subtracting it leaves the gas each read was charged.
    let free = ink[1];
    assert!(
        ink.iter().all(|i| (i - free).is_multiple_of(10_000)),
        "{ink:?}"
    );
    let gas: Vec<u64> = ink.iter().map(|i| (i - free) / 10_000).collect();
    // nitro `EvmApiRequestor::account_code` (`last_code`): EXTCODESIZE 700 plus the
    // EIP-2929 access, unless the address is the one read just before.
    assert_eq!(
        gas,
        [
            700 + 2_600, // other: cold
            0,           // other again: last_code
            700 + 100,   // p: warm (the running program)
            700 + 100,   // other: no longer the last read, now warm
            700 + 100,   // the sender: warm, no code
            700 + 100,   // the sender again: empty code is not cached (ArbOS >= 40)
        ]
    );
}
