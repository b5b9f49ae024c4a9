//! nitro's ink metering, checked to the ink: basic-block charges (ops + a 2450 header),
//! host-function prices, running out at the exact block, the stack-depth limit, memory
//! growth priced by the memory model, and memory.fill/copy at 100 ink per byte.
//!
//! Prices (nitro `pricing_v1`, ink): i32.const/nop/loop/end 1, drop 9, local.get 75,
//! local.set 210, i32.add/sub 70, i32.eq 170, i32.load* 670, br_if/if 765, call 3800,
//! memory.grow 8050, memory.fill/copy 950 (+100 per byte); every basic block adds 2450 and
//! is charged before it runs. Host functions: 8400 each (+ their own dynamic prices).

use crate::common::*;
use crate::wat::*;
use devnode::HaltReason;
use devnode::{Chain, Receipt, Status, TxRequest, DEV_ACCOUNT};
use revm::primitives::Address;

const HEADER: u64 = 2_450;
const HOSTIO: u64 = 8_400;
const INK_PER_GAS: u64 = 10_000;

fn run(chain: &mut Chain, p: Address, data: Vec<u8>) -> Receipt {
    let r = call(chain, p, data);
    assert!(r.success(), "{:?}", r.status);
    r
}

fn is_out_of_gas(r: &Receipt) -> bool {
    matches!(&r.status, Status::Halt(HaltReason::OutOfGas(_)))
}

#[test]
fn a_basic_block_costs_its_operators_plus_the_header() {
    let mut chain = chain();
    let body = "(local.set $a (call $evm_ink_left))
                (local.set $b (call $evm_ink_left))
                (i64.store (i32.const 0) (local.get $a))
                (i64.store (i32.const 8) (local.get $b))
                (call $ret (i32.const 0) (i32.const 16))";
    let p = deploy_wat(&mut chain, &entry(body));
    let r = run(&mut chain, p, vec![]);
    let (a, b) = (le_u64(&r.output), le_u64(&r.output[8..]));
    // block [local.set 210, call 3800] + header, then the second evm_ink_left's 8400
    assert_eq!(a - b, 210 + 3_800 + HEADER + HOSTIO);
}

#[test]
fn native_keccak256_costs_its_keccak_price_and_no_hostio_fee() {
    let mut chain = chain();
    let body = "(local.set $a (call $evm_ink_left))
                (call $native_keccak256 (i32.const 0) (local.get $len) (i32.const 0x1000))
                (local.set $b (call $evm_ink_left))
                (i64.store (i32.const 0) (local.get $a))
                (i64.store (i32.const 8) (local.get $b))
                (call $ret (i32.const 0) (i32.const 16))";
    let p = deploy_wat(&mut chain, &entry(body));
    // [local.set 210, i32.const, local.get 75, i32.const, call 3800] + header, keccak,
    // then [call 3800] + header and evm_ink_left's 8400.
    let around = (210 + 1 + 75 + 1 + 3_800 + HEADER) + (3_800 + HEADER) + HOSTIO;
    // keccak_price(n) = 121800 + 21000 per 32-byte word beyond two
    for (len, price) in [
        (0usize, 121_800u64),
        (64, 121_800),
        (65, 142_800),
        (100, 163_800),
    ] {
        let r = run(&mut chain, p, vec![1; len]);
        let (a, b) = (le_u64(&r.output), le_u64(&r.output[8..]));
        assert_eq!(a - b, around + price, "{len} bytes");
    }
}

/// The out-of-ink program: mode 1 reports the ink left; any other mode spends `loops`
/// iterations after `nops` no-ops, then returns.
fn burner(loops: u32, nops: usize) -> String {
    program(
        "1 1",
        &format!(
            r#"(func (export "user_entrypoint") (param $len i32) (result i32)
  (local $i i32)
  (call $read_args (i32.const 0))
  (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 1))
    (then
      (i64.store (i32.const 8) (call $evm_ink_left))
      (call $write_result (i32.const 8) (i32.const 8))
      (return (i32.const 0))))
  (local.set $i (i32.const {loops}))
  {nops}
  (loop $l
    (local.set $i (i32.sub (local.get $i) (i32.const 1)))
    (br_if $l (local.get $i)))
  (i32.const 0))"#,
            nops = "nop ".repeat(nops)
        ),
    )
}

/// Ink from entry to the point after the `if` (the same in both modes):
/// [i32.const, call] + header = 6251; read_args 8400 + write_price(1) 5040;
/// [i32.const, i32.load8_u 670, i32.const, i32.eq 170, if 765] + header = 4057.
const BEFORE_BRANCH: u64 = 6_251 + 13_440 + 4_057;
/// Mode 1, after the `if`: [i32.const, call] + header, then evm_ink_left's 8400.
const REPORT: u64 = 3_801 + HEADER + HOSTIO;

/// Ink the mode-2 path needs after the `if`: [i32.const, local.set, nops, loop] + header,
/// per iteration [local.get, i32.const, i32.sub, local.set, local.get, br_if] + header
/// = 3646, then the loop's [end] + header and [i32.const, end] + header.
fn burn_ink(loops: u32, nops: usize) -> u64 {
    (1 + 210 + nops as u64 + 1 + HEADER)
        + loops as u64 * (1_196 + HEADER)
        + (1 + HEADER)
        + (2 + HEADER)
}

/// Sends mode `mode` with a gas limit that gives the program `units` × 10000 ink at entry,
/// calibrated from a mode-1 call that reports its ink.
fn with_entry_gas(chain: &mut Chain, p: Address, mode: u8, units: u64) -> Receipt {
    let g0 = 1_000_000;
    let r = chain
        .send(TxRequest::call(DEV_ACCOUNT, p, vec![1]).gas(g0))
        .expect("valid");
    assert!(r.success(), "{:?}", r.status);
    let at_entry = le_u64(&r.output) + REPORT + BEFORE_BRANCH;
    assert_eq!(
        at_entry % INK_PER_GAS,
        0,
        "entry ink is whole gas: the prices above are exact"
    );
    let g0_units = at_entry / INK_PER_GAS;
    // mode 1 and mode 2 calldata are one nonzero byte each: the same intrinsic gas
    let limit = g0 - (g0_units - units);
    chain
        .send(TxRequest::call(DEV_ACCOUNT, p, vec![mode]).gas(limit))
        .expect("valid")
}

#[test]
fn a_program_with_exactly_enough_ink_for_its_last_block_succeeds() {
    // 145 iterations and 17 no-ops make the whole run cost exactly 56 gas of ink.
    let (loops, nops) = (145, 17);
    let total = BEFORE_BRANCH + burn_ink(loops, nops);
    assert_eq!(total, 56 * INK_PER_GAS);
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &burner(loops, nops));
    let r = with_entry_gas(&mut chain, p, 2, 56);
    assert!(r.success(), "{:?}", r.status);
    let r = with_entry_gas(&mut chain, p, 2, 55);
    assert!(is_out_of_gas(&r), "{:?}", r.status);
}

#[test]
fn a_program_one_ink_short_runs_out_before_its_last_block() {
    // One more no-op: the run costs 56 gas of ink plus 1.
    let (loops, nops) = (145, 18);
    let total = BEFORE_BRANCH + burn_ink(loops, nops);
    assert_eq!(total, 56 * INK_PER_GAS + 1);
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &burner(loops, nops));
    let r = with_entry_gas(&mut chain, p, 2, 56);
    assert!(is_out_of_gas(&r), "{:?}", r.status);
    assert_eq!(r.gas_used, r.gas_limit, "out of ink consumes all gas");
    let r = with_entry_gas(&mut chain, p, 2, 57);
    assert!(r.success(), "{:?}", r.status);
}

/// Recurses `n` times (n from the calldata, u32 LE).
const RECURSE: &str = r#"
(func $f (param $n i32)
  (if (local.get $n)
    (then (call $f (i32.sub (local.get $n) (i32.const 1))))))
(func (export "user_entrypoint") (param $len i32) (result i32)
  (call $read_args (i32.const 0))
  (call $f (i32.load (i32.const 0)))
  (i32.const 0))"#;

#[test]
fn the_stack_depth_limit_is_22000_words_of_frames() {
    // Frame = worst operand height (2, inside the meter's checks) + declared locals (0)
    // + 4 = 6 words for both functions. The entrypoint leaves 22000 - 6 = 21994; the j-th
    // call of $f needs more than 6 left: 21994 - 6(j-1) > 6 ⇔ j ≤ 3665, i.e. n = 3664.
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &program("1 1", RECURSE));
    let r = call(&mut chain, p, 3_664u32.to_le_bytes().to_vec());
    assert!(r.success(), "{:?}", r.status);
    let r = call(&mut chain, p, 3_665u32.to_le_bytes().to_vec());
    assert!(
        matches!(&r.status, Status::Halt(HaltReason::StackOverflow)),
        "{:?}",
        r.status
    );
    assert_eq!(r.gas_used, r.gas_limit);
}

const GROW: &str = r#"(func (export "user_entrypoint") (param $len i32) (result i32)
  (local $a i64) (local $b i64) (local $c i64)
  (call $read_args (i32.const 0))
  (local.set $a (call $evm_ink_left))
  (drop (memory.grow (i32.load8_u (i32.const 0))))
  (local.set $b (call $evm_ink_left))
  (drop (memory.grow (i32.load8_u (i32.const 1))))
  (local.set $c (call $evm_ink_left))
  (i64.store (i32.const 0) (local.get $a))
  (i64.store (i32.const 8) (local.get $b))
  (i64.store (i32.const 16) (local.get $c))
  (call $ret (i32.const 0) (i32.const 24)))"#;

/// Ink of each grow step besides pay_for_memory_grow: [local.set 210, i32.const,
/// i32.load8_u 670, memory.grow 8050, drop 9, call 3800] + header, and evm_ink_left.
const GROW_STEP: u64 = 210 + 1 + 670 + 8_050 + 9 + 3_800 + HEADER + HOSTIO;

fn grow(first: u8, second: u8) -> (u64, u64) {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &program("1", GROW));
    let r = run(&mut chain, p, vec![first, second]);
    let (a, b, c) = (
        le_u64(&r.output),
        le_u64(&r.output[8..]),
        le_u64(&r.output[16..]),
    );
    (a - b - GROW_STEP, b - c - GROW_STEP)
}

#[test]
fn memory_grow_pays_the_linear_page_price_beyond_the_free_pages() {
    // The 1-page footprint is open at entry. +2 pages → 3 open: (3-2)·1000 gas + exp[3] -
    // exp[1] = 0; +2 more → 5 open: (5-2 - (3-2))·1000 + exp[5] - exp[3] = 2000 gas.
    assert_eq!(grow(2, 2), (1_000 * INK_PER_GAS, 2_000 * INK_PER_GAS));
}

#[test]
fn memory_grow_pays_the_exponential_high_water_mark() {
    // +9 pages → 10 open: 8·1000 + exp[10] - exp[1] = 8000 + 3 - 1 gas; growing by zero
    // pages costs the hostio fee only.
    assert_eq!(grow(9, 0), (8_002 * INK_PER_GAS, HOSTIO));
}

fn per_byte(instr: &str) {
    let body = format!(
        "(local.set $a (call $evm_ink_left))
         ({instr} (i32.const 0x100) (i32.const 0x2000) (i32.load16_u (i32.const 0)))
         (local.set $b (call $evm_ink_left))
         (i64.store (i32.const 0) (local.get $a))
         (i64.store (i32.const 8) (local.get $b))
         (call $ret (i32.const 0) (i32.const 16))"
    );
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &entry(&body));
    // [local.set 210, 3 × i32.const, i32.load16_u 670, op 950, call 3800] + header, and
    // evm_ink_left, plus 100 ink per byte.
    let fixed = 210 + 3 + 670 + 950 + 3_800 + HEADER + HOSTIO;
    for n in [0u16, 1, 1_000, 30_000] {
        let r = run(&mut chain, p, n.to_le_bytes().to_vec());
        let (a, b) = (le_u64(&r.output), le_u64(&r.output[8..]));
        assert_eq!(a - b, fixed + 100 * n as u64, "{instr} of {n} bytes");
    }
}

#[test]
fn memory_fill_costs_100_ink_per_byte() {
    per_byte("memory.fill");
}

#[test]
fn memory_copy_costs_100_ink_per_byte() {
    per_byte("memory.copy");
}
