//! The `vm_hooks` about the call, block, transaction and meter, each checked against the
//! chain's own view of the same value.

use crate::common::*;
use crate::wat::*;
use devnode::{Status, DEV_ACCOUNT};
use revm::primitives::{keccak256, Address, U256};

fn run(body: &str, data: Vec<u8>) -> (devnode::Chain, Address, devnode::Receipt) {
    let mut chain = chain();
    let p = deploy_wat(&mut chain, &entry(body));
    let r = call(&mut chain, p, data);
    assert!(r.success(), "{:?}", r.status);
    (chain, p, r)
}

fn run_i64(hook: &str) -> (devnode::Chain, devnode::Receipt, u64) {
    let (chain, _, r) = run(&format!("(call $ret_i64 (call ${hook}))"), vec![]);
    let v = le_u64(&r.output);
    (chain, r, v)
}

#[test]
fn read_args_copies_the_calldata_and_write_result_returns_it() {
    let data: Vec<u8> = (0..100u8).collect();
    let (_, _, r) = run("(call $ret (i32.const 0) (local.get $len))", data.clone());
    assert_eq!(r.output.as_ref(), data.as_slice());
}

#[test]
fn write_result_can_return_a_slice_of_memory() {
    let data: Vec<u8> = (0..100u8).collect();
    let (_, _, r) = run("(call $ret (i32.const 10) (i32.const 5))", data);
    assert_eq!(r.output.as_ref(), &[10, 11, 12, 13, 14]);
}

#[test]
fn exit_early_with_zero_succeeds_with_the_written_result() {
    let body = "(call $write_result (i32.const 0) (local.get $len))
                (call $exit_early (i32.const 0))
                (i32.const 1)";
    let (_, _, r) = run(body, vec![7, 8, 9]);
    assert_eq!(r.output.as_ref(), &[7, 8, 9]);
}

#[test]
fn exit_early_with_nonzero_reverts_with_the_written_result() {
    let mut chain = chain();
    let body = "(call $write_result (i32.const 0) (local.get $len))
                (call $exit_early (i32.const 3))
                (i32.const 0)";
    let p = deploy_wat(&mut chain, &entry(body));
    let r = call(&mut chain, p, vec![7, 8, 9]);
    assert_eq!(r.status, Status::Revert(vec![7, 8, 9].into()));
}

#[test]
fn chainid_is_the_nitro_devnode_chain_id() {
    let (chain, _, id) = run_i64("chainid");
    assert_eq!(id, 412_346);
    assert_eq!(id, chain.chain_id());
}

#[test]
fn block_timestamp_is_the_timestamp_of_the_receipts_block() {
    let (chain, r, t) = run_i64("block_timestamp");
    assert_eq!(t, chain.block(r.block_number).expect("mined").timestamp);
}

#[test]
fn block_number_is_the_receipts_block_number() {
    // The devnode's L1 advances with its L2, so the L1 number nitro returns equals it.
    let (_, r, n) = run_i64("block_number");
    assert_eq!(n, r.block_number);
}

#[test]
fn block_gas_limit_is_the_blocks_gas_limit() {
    let (chain, r, g) = run_i64("block_gas_limit");
    assert_eq!(g, chain.block(r.block_number).expect("mined").gas_limit);
    assert_eq!(g, 1 << 50);
}

#[test]
fn block_basefee_and_tx_gas_price_are_the_blocks_base_fee() {
    let body = "(call $block_basefee (i32.const 0))
                (call $tx_gas_price (i32.const 32))
                (call $ret (i32.const 0) (i32.const 64))";
    let (chain, _, r) = run(body, vec![]);
    let base_fee = U256::from(chain.block(r.block_number).expect("mined").base_fee);
    assert_eq!(U256::from_be_slice(&r.output[..32]), base_fee);
    assert_eq!(U256::from_be_slice(&r.output[32..]), base_fee);
    assert_eq!(r.effective_gas_price, base_fee.to::<u128>());
}

#[test]
fn block_coinbase_is_the_evm_coinbase() {
    let mut chain = chain();
    // COINBASE PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
    let evm = deploy_evm(
        &mut chain,
        &[0x41, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3],
    );
    let p = deploy_wat(
        &mut chain,
        &entry("(call $block_coinbase (i32.const 0)) (call $ret (i32.const 0) (i32.const 20))"),
    );
    let from_evm = call(&mut chain, evm, vec![]);
    let from_wasm = call(&mut chain, p, vec![]);
    assert!(from_wasm.success(), "{:?}", from_wasm.status);
    assert_eq!(from_wasm.output.as_ref(), &from_evm.output[12..32]);
}

#[test]
fn tx_origin_msg_sender_and_contract_address_at_top_level() {
    let body = "(call $tx_origin (i32.const 0))
                (call $msg_sender (i32.const 20))
                (call $contract_address (i32.const 40))
                (call $ret (i32.const 0) (i32.const 60))";
    let (_, p, r) = run(body, vec![]);
    assert_eq!(Address::from_slice(&r.output[..20]), DEV_ACCOUNT);
    assert_eq!(Address::from_slice(&r.output[20..40]), DEV_ACCOUNT);
    assert_eq!(Address::from_slice(&r.output[40..60]), p);
}

#[test]
fn msg_value_is_the_value_sent_and_the_program_keeps_it() {
    let mut chain = chain();
    let p = deploy_wat(
        &mut chain,
        &entry("(call $msg_value (i32.const 0)) (call $ret (i32.const 0) (i32.const 32))"),
    );
    let value = U256::from(12_345u64);
    let r = chain
        .send(devnode::TxRequest::call(DEV_ACCOUNT, p, vec![]).value(value))
        .expect("valid");
    assert!(r.success(), "{:?}", r.status);
    assert_eq!(U256::from_be_slice(&r.output), value);
    assert_eq!(chain.balance(p), value);
}

#[test]
fn native_keccak256_hashes_like_keccak256() {
    let body = "(call $native_keccak256 (i32.const 0) (local.get $len) (i32.const 0x1000))
                (call $ret (i32.const 0x1000) (i32.const 32))";
    for len in [0usize, 1, 32, 64, 65, 200] {
        let data: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
        let (_, _, r) = run(body, data.clone());
        assert_eq!(r.output.as_ref(), keccak256(&data).as_slice(), "len {len}");
    }
}

#[test]
fn tx_ink_price_is_ten_thousand_ink_per_gas() {
    let (_, _, r) = run("(call $ret_i32 (call $tx_ink_price))", vec![]);
    assert_eq!(le_u32(&r.output), 10_000);
}

#[test]
fn msg_reentrant_is_false_at_top_level() {
    let (_, _, r) = run("(call $ret_i32 (call $msg_reentrant))", vec![]);
    assert_eq!(le_u32(&r.output), 0);
}

#[test]
fn evm_gas_left_is_the_ink_left_after_its_own_cost_in_gas() {
    // ink_left returns `a`; the next basic block is [local.set 210, call 3800] + header
    // 2450 = 6460 ink, then evm_gas_left buys its 8400 ink and returns floor(ink / 10000).
    let body = "(local.set $a (call $evm_ink_left))
                (local.set $b (call $evm_gas_left))
                (i64.store (i32.const 0) (local.get $a))
                (i64.store (i32.const 8) (local.get $b))
                (call $ret (i32.const 0) (i32.const 16))";
    let (_, _, r) = run(body, vec![]);
    let ink = le_u64(&r.output[..8]);
    let gas = le_u64(&r.output[8..16]);
    assert_eq!(gas, (ink - 6_460 - 8_400) / 10_000);
    // The program started with less than the transaction's 32M gas after the intrinsic
    // 21000, less its entry costs.
    assert!(ink < (32_000_000 - 21_000) * 10_000 && ink > 31_000_000 * 10_000);
}
