//! The emission schedule: LBL is minted for verified work, never for time.
//!
//! The n-th verified item (global count, from 0) earns `e(n) = E0 >> floor(n / H)` before
//! its quality multiplier. `E0 = pool / (3 H)`, so the whole geometric series at the 1.5x
//! ceiling sums to at most `pool`; the token additionally clamps every mint to what is left
//! of the pool and under the cap, so neither can be exceeded whatever the verifier asks.

use alloc::{vec, vec::Vec};
use alloy_primitives::{U256, U64};
use labelchain_protocol::math::bps_of;
use stylus_sdk::{
    prelude::*,
    storage::{StorageU256, StorageU64},
};

#[storage]
pub struct EmissionSchedule {
    /// `E0`, the emission of an item before the first halving.
    pub(crate) base: StorageU256,
    /// `H`, verified items between halvings.
    pub(crate) halving_interval: StorageU64,
    /// `cap - genesis`: everything emission may ever mint.
    pub(crate) pool: StorageU256,
    /// Minted by emission so far.
    pub(crate) emitted: StorageU256,
    /// Verified items counted so far (`n` of the next item).
    pub(crate) verified: StorageU64,
}

/// `E0 >> floor(n / H)`; zero once the shift reaches the width of the number.
pub fn scheduled(base: U256, halving_interval: u64, n: u64) -> U256 {
    let halvings = n / halving_interval;
    if halvings >= 256 {
        U256::ZERO
    } else {
        base >> (halvings as usize)
    }
}

impl EmissionSchedule {
    /// Counts one verified item and returns what it may mint: the schedule times the
    /// multiplier, clamped to `headroom` (what the cap and the item's fee bound still
    /// allow) and to what is left of the pool.
    pub(crate) fn take(&mut self, multiplier_bps: u16, headroom: U256) -> (u64, U256) {
        let n = self.verified.get().to::<u64>();
        let due = bps_of(
            scheduled(self.base.get(), self.halving_interval.get().to(), n),
            multiplier_bps,
        );
        // emitted <= pool always (each amount is clamped to `left`), so neither the
        // difference nor the sum can leave range; saturating is belt and braces.
        let left = self.pool.get().saturating_sub(self.emitted.get());
        let amount = due.min(left).min(headroom);
        self.emitted.set(self.emitted.get() + amount);
        // One per verified item, each a transaction's worth of gas: 2^64 is unreachable.
        self.verified.set(U64::from(n.saturating_add(1)));
        (n, amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emission_halves_every_interval() {
        let base = U256::from(300u64);
        assert_eq!(scheduled(base, 1_000_000, 0), base);
        assert_eq!(scheduled(base, 1_000_000, 999_999), base);
        assert_eq!(scheduled(base, 1_000_000, 1_000_000), U256::from(150u64));
        assert_eq!(scheduled(base, 1_000_000, 2_000_000), U256::from(75u64));
        assert_eq!(scheduled(base, 1, 255), U256::from(0u64));
        assert_eq!(scheduled(U256::MAX, 1, 300), U256::ZERO);
    }
}
