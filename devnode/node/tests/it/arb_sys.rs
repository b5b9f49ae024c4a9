//! ArbSys (0x64) `arbBlockHash`, with nitro's rules: the hash of each of the 256 blocks
//! before the current one, as the chain reports it (`eth_getBlockByNumber`), and
//! `InvalidBlockNumber(requested, current)` for anything else. The EVM's `BLOCKHASH`
//! reads the same hashes.

use crate::common::*;
use alloy_sol_types::{SolCall, SolError};
use devnode::abi::ArbSys::{arbBlockHashCall, InvalidBlockNumber};
use devnode::arbos::precompiles::ARB_SYS;
use devnode::{Chain, Status, TxRequest, DEV_ACCOUNT};
use revm::primitives::{Bytes, B256, U256};

fn mine(chain: &mut Chain, blocks: u64) {
    for _ in 0..blocks {
        chain.mine();
    }
}

/// `arbBlockHash(n)` in a transaction mined in the next block; its receipt.
fn ask(chain: &mut Chain, n: U256) -> devnode::Receipt {
    let data = arbBlockHashCall { arbBlockNum: n }.abi_encode();
    chain
        .send(TxRequest::call(DEV_ACCOUNT, ARB_SYS, data))
        .expect("a valid transaction")
}

fn hash_of(r: &devnode::Receipt) -> B256 {
    assert!(r.success(), "arbBlockHash reverted: {:?}", r.status);
    arbBlockHashCall::abi_decode_returns(&r.output).expect("one bytes32")
}

#[track_caller]
fn assert_invalid(r: &devnode::Receipt, requested: U256, current: u64) {
    let Status::Revert(data) = &r.status else {
        panic!("expected InvalidBlockNumber, got {:?}", r.status);
    };
    let e = InvalidBlockNumber::abi_decode(data).expect("an InvalidBlockNumber revert");
    assert_eq!((e.requested, e.current), (requested, U256::from(current)));
}

#[test]
fn arb_block_hash_of_the_previous_block_is_the_hash_the_chain_reports_for_it() {
    let mut chain = chain();
    mine(&mut chain, 3);
    let previous = chain.latest().clone();
    let r = ask(&mut chain, U256::from(previous.number));
    assert_eq!(r.block_number, previous.number + 1);
    assert_eq!(hash_of(&r), previous.hash);
    // And in a call (`eth_call` runs in the block after the latest one, too).
    let latest = chain.latest().clone();
    let data = arbBlockHashCall {
        arbBlockNum: U256::from(latest.number),
    }
    .abi_encode();
    let out = chain
        .call(TxRequest::call(DEV_ACCOUNT, ARB_SYS, data))
        .expect("a valid call");
    assert_eq!(out.status, Status::Success);
    assert_eq!(
        arbBlockHashCall::abi_decode_returns(&out.output).expect("one bytes32"),
        latest.hash
    );
}

#[test]
fn arb_block_hash_covers_exactly_the_256_blocks_before_the_current_one() {
    let mut chain = chain();
    mine(&mut chain, 299);
    // Each transaction below is mined in its own block: the current block is latest + 1.
    let current = chain.block_number() + 1;
    let oldest = current - 256;
    let r = ask(&mut chain, U256::from(oldest));
    assert_eq!(hash_of(&r), chain.block(oldest).expect("mined").hash);

    let current = chain.block_number() + 1;
    let r = ask(&mut chain, U256::from(current - 257));
    assert_invalid(&r, U256::from(current - 257), current);
    let current = chain.block_number() + 1;
    let r = ask(&mut chain, U256::from(current - 1));
    assert_eq!(hash_of(&r), chain.block(current - 1).expect("mined").hash);
    let current = chain.block_number() + 1;
    let r = ask(&mut chain, U256::from(current));
    assert_invalid(&r, U256::from(current), current);
    let current = chain.block_number() + 1;
    let r = ask(&mut chain, U256::from(current + 1));
    assert_invalid(&r, U256::from(current + 1), current);
    let current = chain.block_number() + 1;
    let huge = U256::from(u64::MAX) + U256::from(current);
    let r = ask(&mut chain, huge);
    assert_invalid(&r, huge, current);
}

#[test]
fn arb_block_hash_reaches_the_genesis_block_and_blocks_loaded_from_a_state_dump() {
    let mut chain = chain();
    let genesis = chain.latest().hash;
    assert_eq!(hash_of(&ask(&mut chain, U256::ZERO)), genesis);
    mine(&mut chain, 2);
    let last = chain.latest().clone();
    let mut loaded = Chain::from_dump(chain.dump()).expect("the dump loads");
    assert_eq!(
        hash_of(&ask(&mut loaded, U256::from(last.number))),
        last.hash
    );
    assert_eq!(hash_of(&ask(&mut loaded, U256::ZERO)), genesis);
}

#[test]
fn a_malformed_arb_block_hash_call_reverts() {
    let mut chain = chain();
    let mut data = arbBlockHashCall::SELECTOR.to_vec();
    data.extend_from_slice(&[0u8; 5]);
    let r = call(&mut chain, ARB_SYS, data);
    assert!(
        matches!(r.status, Status::Revert(_)),
        "short calldata: {:?}",
        r.status
    );
}

/// EVM runtime code: returns `BLOCKHASH(calldata[0..32])` as one word.
const BLOCKHASH_READER: [u8; 12] = [
    0x60, 0x00, 0x35, // PUSH1 0, CALLDATALOAD
    0x40, // BLOCKHASH
    0x60, 0x00, 0x52, // PUSH1 0, MSTORE
    0x60, 0x20, 0x60, 0x00, 0xf3, // PUSH1 32, PUSH1 0, RETURN
];

/// Init code that deploys `runtime` (at most 255 bytes) as it is.
fn deploying(runtime: &[u8]) -> Vec<u8> {
    let len = runtime.len() as u8;
    // PUSH1 len, DUP1, PUSH1 11 (where the runtime starts), PUSH1 0, CODECOPY,
    // PUSH1 0, RETURN
    let mut init = vec![
        0x60, len, 0x80, 0x60, 11, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3,
    ];
    init.extend_from_slice(runtime);
    init
}

#[test]
fn evm_blockhash_reads_the_same_hashes_as_arb_block_hash() {
    let mut chain = chain();
    let init = deploying(&BLOCKHASH_READER);
    let r = chain
        .send(TxRequest::create(DEV_ACCOUNT, init))
        .expect("a valid create");
    assert!(r.success(), "{:?}", r.status);
    let reader = r.contract_address.expect("created");
    mine(&mut chain, 4);
    for back in [1u64, 2, 5] {
        let n = chain.block_number() + 1 - back;
        let r = call(
            &mut chain,
            reader,
            Bytes::from(U256::from(n).to_be_bytes::<32>().to_vec()),
        );
        assert!(r.success(), "{:?}", r.status);
        let got = B256::from_slice(&r.output);
        assert_eq!(got, chain.block(n).expect("mined").hash, "BLOCKHASH({n})");
        assert_eq!(hash_of(&ask(&mut chain, U256::from(n))), got);
    }
}
