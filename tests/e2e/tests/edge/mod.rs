//! Shared by `invariants.rs` and `overflow_attacks.rs`: edge-heavy value strategies for
//! `proptest` (with shrinking) and a runner that drives async cases on the devnode.
//!
//! Overflow bugs live at the edges, not in the middle of the range, so numeric arguments
//! are drawn mostly from the values where arithmetic breaks — 0, 1, each bound and its
//! neighbours (2^96 - 1 per label, 2^32 - 1 labels per task), 2^128, 2^255 ± 1,
//! `MAX - 1`, `MAX` — sometimes from the whole range, and otherwise ordinary values.

#![allow(dead_code)]

use alloy::primitives::U256;
use e2e::lbl;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};

/// `rewardPerLabel` and `stakePerLabel` are `1..=MAX_AMOUNT_PER_LABEL` (2^96 - 1).
pub fn max_per_label() -> U256 {
    (U256::from(1u8) << 96) - U256::from(1u8)
}

/// `itemCount * labellersPerItem` is at most 2^32 - 1.
pub const MAX_LABELS_PER_TASK: u64 = u32::MAX as u64;

/// The 256-bit values where sums, products and differences wrap or bounds bite.
pub fn u256_edges() -> Vec<U256> {
    let one = U256::from(1u8);
    let bound = max_per_label();
    let p128 = one << 128;
    let p255 = one << 255;
    vec![
        U256::ZERO,
        one,
        U256::from(2u8),
        U256::from(12u8),
        lbl(1),
        lbl(1_000),
        bound - one,
        bound,
        bound + one,
        p128 - one,
        p128,
        p128 + one,
        p255 - one,
        p255,
        p255 + one,
        U256::MAX - one,
        U256::MAX,
    ]
}

/// Mostly an edge value, sometimes any `u128`, sometimes any 256-bit number.
pub fn u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        6 => proptest::sample::select(u256_edges()),
        1 => any::<u128>().prop_map(U256::from),
        1 => any::<[u8; 32]>().prop_map(U256::from_be_bytes),
    ]
}

/// `None` (the scenario's ordinary amount) three times in four, else an edge: shrinking
/// goes towards `None`, so a shrunk failure keeps only the edges it needs.
pub fn amount() -> impl Strategy<Value = Option<U256>> {
    prop_oneof![3 => Just(None), 1 => u256().prop_map(Some)]
}

/// Edges of a `u64` (windows, periods, task ids) and the protocol's bounds on them.
pub fn u64() -> impl Strategy<Value = u64> {
    prop_oneof![
        6 => proptest::sample::select(vec![
            0u64,
            1,
            59,
            60,
            61,
            3_600,
            365 * 86_400,
            365 * 86_400 + 1,
            u32::MAX as u64,
            u32::MAX as u64 + 1,
            u64::MAX - 1,
            u64::MAX,
        ]),
        1 => any::<u64>(),
    ]
}

/// Edges of a `u32` (item indices and counts).
pub fn u32() -> impl Strategy<Value = u32> {
    prop_oneof![
        6 => proptest::sample::select(vec![
            0u32,
            1,
            2,
            3,
            63,
            64,
            65,
            1 << 27,
            1 << 31,
            (MAX_LABELS_PER_TASK / 3) as u32,
            u32::MAX - 1,
            u32::MAX,
        ]),
        1 => any::<u32>(),
    ]
}

/// Edges of a `u16` (basis points, class counts).
pub fn u16() -> impl Strategy<Value = u16> {
    prop_oneof![
        6 => proptest::sample::select(vec![
            0u16, 1, 2, 255, 256, 257, 5_000, 5_001, 10_000, 10_001, u16::MAX,
        ]),
        1 => any::<u16>(),
    ]
}

/// Edges of a `u8` (k, tiers).
pub fn u8() -> impl Strategy<Value = u8> {
    prop_oneof![
        6 => proptest::sample::select(vec![0u8, 1, 2, 3, 31, 32, 33, 255]),
        1 => any::<u8>(),
    ]
}

fn env_var<T: std::str::FromStr>(k: &str) -> Option<T> {
    std::env::var(k).ok().and_then(|s| s.parse().ok())
}

/// A proptest runner for cases that run on a devnode: `cases` cases (`{prefix}_CASES`
/// overrides), a fixed seed so CI is reproducible (`{prefix}_SEED=<u64>` explores other
/// sequences), no failure files in the source tree (a failure prints its shrunk input),
/// and a shrink budget that fits a chain per attempt (`{prefix}_SHRINK_ITERS`, default 32,
/// at most 10 minutes).
pub fn runner(prefix: &str, cases: u32, seed: u64) -> TestRunner {
    TestRunner::new(Config {
        cases: env_var(&format!("{prefix}_CASES")).unwrap_or(cases),
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(env_var(&format!("{prefix}_SEED")).unwrap_or(seed)),
        max_shrink_iters: env_var(&format!("{prefix}_SHRINK_ITERS")).unwrap_or(32),
        max_shrink_time: 600_000,
        ..Config::default()
    })
}

/// Runs an async case to completion on a runtime of its own (proptest's runner is
/// synchronous; a panic inside is a failing case, which proptest then shrinks).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

/// The choices of one run; `below(n)` reads the next one modulo `n` (zero once the tape
/// is used up), `amount(ordinary)` the next edge amount or `ordinary`. Shrinking shortens
/// and zeroes the tape and turns edge amounts back into ordinary ones.
#[derive(Clone, Debug)]
pub struct Tape {
    pub choices: Vec<u16>,
    pub amounts: Vec<Option<U256>>,
    at: usize,
    amount_at: usize,
}

impl Tape {
    pub fn new(choices: Vec<u16>, amounts: Vec<Option<U256>>) -> Tape {
        Tape {
            choices,
            amounts,
            at: 0,
            amount_at: 0,
        }
    }

    pub fn strategy(len: usize) -> impl Strategy<Value = (Vec<u16>, Vec<Option<U256>>)> {
        (
            proptest::collection::vec(any::<u16>(), 0..len),
            proptest::collection::vec(amount(), 0..len / 4),
        )
    }

    pub fn below(&mut self, n: u64) -> u64 {
        let c = self.choices.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        c as u64 % n
    }

    pub fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize].clone()
    }

    pub fn amount(&mut self, ordinary: U256) -> U256 {
        let a = self.amounts.get(self.amount_at).copied().flatten();
        self.amount_at += 1;
        a.unwrap_or(ordinary)
    }
}

/// Every custom error of the five programs' ABIs (`abi/*.json`), by name.
pub fn abi_errors() -> &'static std::collections::BTreeSet<String> {
    static NAMES: std::sync::OnceLock<std::collections::BTreeSet<String>> =
        std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        [
            include_str!("../../../../abi/IRewardToken.json"),
            include_str!("../../../../abi/IStakingEscrow.json"),
            include_str!("../../../../abi/ITaskRegistry.json"),
            include_str!("../../../../abi/IConsensusVerifier.json"),
            include_str!("../../../../abi/IDatasetRegistry.json"),
        ]
        .iter()
        .flat_map(|json| {
            let abi: alloy::json_abi::JsonAbi = serde_json::from_str(json).expect("a JSON ABI");
            abi.errors().map(|e| e.name.clone()).collect::<Vec<_>>()
        })
        .collect()
    })
}

/// The decoded custom error a refused transaction carried; panics unless it was refused
/// with one of the five ABIs' custom errors (not a panic, `Error(string)`, empty or
/// unknown revert data, nor a transport failure).
#[track_caller]
pub fn custom_error(r: &e2e::TxResult) -> Option<&labelchain::errors::Revert> {
    match r {
        Ok(_) => None,
        Err(labelchain::Error::Revert { revert, .. }) => {
            assert!(
                abi_errors().contains(&revert.name),
                "refused with {revert}, not one of the protocol's custom errors"
            );
            Some(revert)
        }
        Err(other) => panic!("not a revert: {other}"),
    }
}

/// [`custom_error`] that must be `name`.
#[track_caller]
pub fn refused_with<'a>(r: &'a e2e::TxResult, name: &str) -> &'a labelchain::errors::Revert {
    match custom_error(r) {
        None => panic!("expected {name}, but the transaction succeeded"),
        Some(e) => {
            assert_eq!(e.name, name, "expected {name}, got {e}");
            e
        }
    }
}
