//! The native CacheManager (nitro-contracts' `CacheManager.sol` interface and rules): a
//! bid caches the program through ArbWasmCache, a full cache evicts its lowest bids, and
//! the refusals `cargo stylus cache bid` decodes.

use crate::common::*;
use crate::program_cache::{
    cache, chain_with_user, codehash, is_cached, send_from, view, PROGRAM, USER,
};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use devnode::abi::ArbWasm::{codehashAsmSizeCall, ProgramNotActivated};
use devnode::abi::CacheManager::*;
use devnode::arbos::precompiles::ARB_WASM;
use devnode::cache_manager::{ADDRESS, INIT_CACHE_SIZE, MIN_CODESIZE};
use devnode::{Chain, Receipt, Status, TxRequest, DEV_ACCOUNT};
use revm::primitives::{Address, U256};

/// The size the cache manager counts for `program`: ArbWasm's, at least `MIN_CODESIZE`.
fn counted_size(chain: &Chain, program: Address) -> u64 {
    let codehash = codehash(chain, program);
    let asm = view(chain, ARB_WASM, codehashAsmSizeCall { codehash });
    (asm as u64).max(MIN_CODESIZE)
}

fn bid(chain: &mut Chain, from: Address, program: Address, value: U256) -> Receipt {
    let data = placeBidCall { program }.abi_encode();
    chain
        .send(
            TxRequest::call(from, ADDRESS, data)
                .value(value)
                .gas(3_000_000),
        )
        .expect("valid transaction")
}

/// Programs that differ by `n` (so their codehashes do) but not in size.
fn program(chain: &mut Chain, n: i32) -> Address {
    deploy_wat(
        chain,
        &PROGRAM.replace(
            "(i32.const 0)",
            &format!("(i32.const {n}) (drop) (i32.const 0)"),
        ),
    )
}

#[test]
fn a_zero_bid_from_anyone_caches_the_program_and_records_its_entry() {
    let mut chain = chain_with_user();
    let p = program(&mut chain, 1);
    assert_eq!(view(&chain, ADDRESS, cacheSizeCall {}), INIT_CACHE_SIZE);
    assert!(!view(&chain, ADDRESS, isPausedCall {}));
    let min = view(&chain, ADDRESS, getMinBid_2Call { program: p });
    assert_eq!(min, 0, "an empty cache takes any bid");

    let r = bid(&mut chain, USER, p, U256::ZERO);
    assert!(r.success(), "{:?} {}", r.status, revert_text(&r));
    assert!(is_cached(&chain, p));
    let insert = r
        .logs
        .iter()
        .find_map(|l| InsertBid::decode_log_data(&l.data).ok())
        .expect("InsertBid");
    assert_eq!((insert.codehash, insert.program), (codehash(&chain, p), p));
    let size = counted_size(&chain, p);
    assert_eq!(insert.size, size);
    assert_eq!(view(&chain, ADDRESS, queueSizeCall {}), size);
    let entries = view(&chain, ADDRESS, getEntriesCall {});
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].code, codehash(&chain, p));
}

#[test]
fn bids_for_a_cached_or_inactive_program_are_refused_with_the_errors_cargo_stylus_decodes() {
    let mut chain = chain_with_user();
    let p = program(&mut chain, 1);
    assert!(cache(&mut chain, DEV_ACCOUNT, p).success());
    let r = bid(&mut chain, USER, p, U256::ZERO);
    let want = AlreadyCached {
        codehash: codehash(&chain, p),
    };
    assert_eq!(r.status, Status::Revert(want.abi_encode().into()));

    let wasm =
        ::wat::parse_str(PROGRAM.replace("(i32.const 0)", "(i32.const 7) (drop) (i32.const 0)"))
            .unwrap();
    let inactive = deploy_wasm(&mut chain, &wasm);
    let r = bid(&mut chain, USER, inactive, U256::ZERO);
    assert_eq!(
        r.status,
        Status::Revert(ProgramNotActivated {}.abi_encode().into()),
        "ArbWasm's error bubbles up"
    );
}

#[test]
fn a_full_cache_evicts_its_lowest_bid_and_refuses_a_bid_below_it() {
    let mut chain = chain_with_user();
    let (a, b, c) = (
        program(&mut chain, 1),
        program(&mut chain, 2),
        program(&mut chain, 3),
    );
    let size = counted_size(&chain, a);
    let two = setCacheSizeCall { newSize: 2 * size };
    assert!(send_from(&mut chain, DEV_ACCOUNT, ADDRESS, two.abi_encode()).success());
    assert!(bid(&mut chain, USER, a, eth(1)).success());
    assert!(bid(&mut chain, USER, b, U256::ZERO).success());
    // B's bid is older than now: decayed to below zero, so any bid beats it.
    assert_eq!(view(&chain, ADDRESS, getMinBid_2Call { program: c }), 0);

    let r = bid(&mut chain, USER, c, U256::from(1));
    assert!(r.success(), "{:?} {}", r.status, revert_text(&r));
    let deleted = r
        .logs
        .iter()
        .find_map(|l| DeleteBid::decode_log_data(&l.data).ok())
        .expect("DeleteBid");
    assert_eq!(deleted.codehash, codehash(&chain, b), "the lowest bid goes");
    assert!(!is_cached(&chain, b) && is_cached(&chain, a) && is_cached(&chain, c));

    // Only A's 1-ETH bid is left above C's: a zero bid for B cannot displace C, then A.
    assert!(send_from(
        &mut chain,
        DEV_ACCOUNT,
        ADDRESS,
        setCacheSizeCall { newSize: size }.abi_encode()
    )
    .success());
    assert!(
        view(&chain, ADDRESS, getMinBid_2Call { program: b }) > 0,
        "A's 1 ETH has not decayed yet"
    );
    let r = bid(&mut chain, USER, b, U256::ZERO);
    assert!(
        matches!(&r.status, Status::Revert(d) if d[..4] == BidTooSmall::SELECTOR),
        "{:?}",
        r.status
    );
    assert!(
        is_cached(&chain, a) && is_cached(&chain, c),
        "a refused bid evicts nothing"
    );
}

#[test]
fn only_chain_owners_may_configure_it_and_a_paused_manager_takes_no_bids() {
    let mut chain = chain_with_user();
    let p = program(&mut chain, 1);
    let r = send_from(&mut chain, USER, ADDRESS, pausedCall {}.abi_encode());
    let want = NotChainOwner { sender: USER };
    assert_eq!(r.status, Status::Revert(want.abi_encode().into()));

    assert!(send_from(&mut chain, DEV_ACCOUNT, ADDRESS, pausedCall {}.abi_encode()).success());
    let r = bid(&mut chain, USER, p, U256::ZERO);
    assert_eq!(
        r.status,
        Status::Revert(BidsArePaused {}.abi_encode().into())
    );
    assert!(send_from(
        &mut chain,
        DEV_ACCOUNT,
        ADDRESS,
        unpauseCall {}.abi_encode()
    )
    .success());
    assert!(bid(&mut chain, USER, p, U256::ZERO).success());

    assert!(send_from(
        &mut chain,
        DEV_ACCOUNT,
        ADDRESS,
        evictAllCall {}.abi_encode()
    )
    .success());
    assert!(!is_cached(&chain, p));
    assert_eq!(view(&chain, ADDRESS, queueSizeCall {}), 0);
    assert!(view(&chain, ADDRESS, getEntriesCall {}).is_empty());
}
