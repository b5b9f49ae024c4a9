//! Edge-heavy value strategies for property tests (`proptest`, with shrinking).
//!
//! Overflow bugs live at the edges, not in the middle of the range: every numeric
//! argument is drawn mostly from the values where arithmetic breaks — 0, 1, each bound
//! and its neighbours, 2^128, 2^255 ± 1, `MAX - 1`, `MAX` — and sometimes from the whole
//! range, so a shrunk failure names the smallest edge that breaks a rule.

use alloy_primitives::U256;
use labelchain_protocol::limits::MAX_AMOUNT_PER_LABEL;
use proptest::prelude::*;

/// The 256-bit values where sums, products and differences wrap or bounds bite.
pub fn u256_edges() -> Vec<U256> {
    let bound = U256::from(MAX_AMOUNT_PER_LABEL);
    let one = U256::from(1u8);
    let p128 = one << 128;
    let p255 = one << 255;
    vec![
        U256::ZERO,
        one,
        U256::from(2u8),
        U256::from(12u8),
        crate::lbl(1),
        crate::lbl(1_000),
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

/// Mostly an edge value, sometimes any 256-bit number, sometimes any `u128`.
pub fn u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        6 => proptest::sample::select(u256_edges()),
        1 => any::<u128>().prop_map(U256::from),
        1 => any::<[u8; 32]>().prop_map(U256::from_be_bytes),
    ]
}

/// Edges of a `u64` (windows, periods, task ids, deadlines) and the protocol's bounds
/// on them (one minute, a year, 90 days).
pub fn u64_edges() -> Vec<u64> {
    vec![
        0,
        1,
        59,
        60,
        61,
        3_600,
        90 * 86_400,
        90 * 86_400 + 1,
        365 * 86_400,
        365 * 86_400 + 1,
        u32::MAX as u64,
        u32::MAX as u64 + 1,
        u64::MAX - 1,
        u64::MAX,
    ]
}

pub fn u64() -> impl Strategy<Value = u64> {
    prop_oneof![
        6 => proptest::sample::select(u64_edges()),
        1 => any::<u64>(),
    ]
}

/// Edges of a `u32` (item indices and counts): 0, 1, 2^31, 2^32 - 2, 2^32 - 1.
pub fn u32() -> impl Strategy<Value = u32> {
    prop_oneof![
        6 => proptest::sample::select(vec![0u32, 1, 2, 3, 4, 63, 64, 65, 1 << 31, u32::MAX - 1, u32::MAX]),
        1 => any::<u32>(),
    ]
}

/// Edges of a `u16` (basis points, class counts): 0, 1, 5000, 5001, 10000, 10001, 15001,
/// `u16::MAX`.
pub fn u16() -> impl Strategy<Value = u16> {
    prop_oneof![
        6 => proptest::sample::select(vec![
            0u16, 1, 2, 255, 256, 257, 1_000, 1_001, 5_000, 5_001, 10_000, 10_001, 12_500,
            15_000, 15_001, u16::MAX,
        ]),
        1 => any::<u16>(),
    ]
}

/// Edges of a `u8` (k, labels, tiers): 0, 1, 2, 3, 31, 32, 33, 255.
pub fn u8() -> impl Strategy<Value = u8> {
    prop_oneof![
        6 => proptest::sample::select(vec![0u8, 1, 2, 3, 31, 32, 33, 254, 255]),
        1 => any::<u8>(),
    ]
}

/// A proptest runner for motsu tests: `cases` cases (`LABELCHAIN_PROPTEST_CASES`
/// overrides), no failure files written into the source tree, and a fixed seed so CI is
/// reproducible; `LABELCHAIN_PROPTEST_SEED=<u64>` explores other sequences (a failure
/// prints its shrunk input either way).
pub fn runner(cases: u32) -> proptest::test_runner::TestRunner {
    use proptest::test_runner::{Config, RngSeed, TestRunner};
    fn env<T: std::str::FromStr>(k: &str) -> Option<T> {
        std::env::var(k).ok().and_then(|s| s.parse().ok())
    }
    TestRunner::new(Config {
        cases: env("LABELCHAIN_PROPTEST_CASES").unwrap_or(cases),
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(env("LABELCHAIN_PROPTEST_SEED").unwrap_or(0x1abe_c4a1)),
        ..Config::default()
    })
}
