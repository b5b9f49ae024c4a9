//! The activation data fee (nitro `arbos/programs/data_pricer.go`): a per-byte price that
//! rises exponentially with recent demand for program storage and decays with time.
//!
//! The constants are nitro's initial values (`initDataPricer`); nitro keeps them in five
//! storage words that an activation reads and partly rewrites, which is what
//! [`UPDATE_READS`] and [`DataPricer::written_words`] tell the precompile's gas meter.

use revm::primitives::U256;

use super::params::ARBITRUM_START_TIME;

const BIPS: u64 = 10_000;
/// 1 TiB of programs a year, refilled each second: nitro's `InitialHourlyBytes / 3600`,
/// both divisions truncating as Go's integer constant arithmetic does.
pub const BYTES_PER_SECOND: u32 = ((1u64 << 40) / (365 * 24) / 3600) as u32;
/// 5 MB of programs = $1 at the floor (`initialMinPrice`).
pub const MIN_PRICE: u32 = 82_928_201;
/// Demand at which the price has grown e-fold (`initialInertia`: expensive at 1 TiB).
pub const INERTIA: u32 = 21_360_419;
/// Words `UpdateModel` reads: demand, bytes per second, last update, min price, inertia.
pub const UPDATE_READS: u64 = 5;

/// The pricer's state; it lives with the chain and is updated by every activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataPricer {
    pub demand: u32,
    pub last_update: u64,
}

impl Default for DataPricer {
    fn default() -> Self {
        Self {
            demand: 0,
            last_update: ARBITRUM_START_TIME,
        }
    }
}

impl DataPricer {
    /// Adds `bytes` of demand at `now` and returns the fee in wei for them, as nitro's
    /// `UpdateModel`: the price per byte is rounded down to a whole wei before it is
    /// multiplied by the size, and every step saturates at its integer width.
    pub fn update(&mut self, bytes: u32, now: u64) -> u64 {
        self.demand = self
            .demand
            .saturating_sub(BYTES_PER_SECOND.saturating_mul(elapsed(self.last_update, now)))
            .saturating_add(bytes);
        self.last_update = now;
        let exponent = BIPS * self.demand as u64 / INERTIA as u64;
        let multiplier = approx_exp_bips(exponent, 12).min(i64::MAX as u64);
        let per_byte = (MIN_PRICE as u64).saturating_mul(multiplier) / BIPS;
        per_byte.saturating_mul(bytes as u64)
    }

    /// The two words `UpdateModel` writes back (demand, last update), whose values set
    /// the price of each write (a zero word is cheaper).
    pub fn written_words(&self) -> [U256; 2] {
        [U256::from(self.demand), U256::from(self.last_update)]
    }
}

/// Seconds since the last update, as nitro computes them: a `uint64` difference cast
/// down to `uint32` saturating. A clock behind the last update makes Go's subtraction
/// wrap to a huge number, which saturates to `u32::MAX`; so it does here, on purpose.
fn elapsed(last_update: u64, now: u64) -> u32 {
    now.checked_sub(last_update)
        .map_or(u32::MAX, |d| u32::try_from(d).unwrap_or(u32::MAX))
}

/// e^(x/10000)·10000 by a Maclaurin polynomial of `degree` terms evaluated Horner-style,
/// as nitro's `arbmath.ApproxExpBasisPoints` does (`util/arbmath/math.go`).
fn approx_exp_bips(x: u64, degree: u64) -> u64 {
    let mut res = BIPS + x / degree;
    for i in (1..degree).rev() {
        res = BIPS + res.saturating_mul(x) / (i * BIPS);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nitro_refills_one_tib_a_year_at_34_865_bytes_a_second() {
        // (2^40 / 8760) / 3600 with both divisions truncating (data_pricer.go).
        assert_eq!(BYTES_PER_SECOND, 34_865);
        assert_eq!(INERTIA, 21_360_419);
    }

    #[test]
    fn with_no_demand_a_byte_costs_the_floor_price() {
        let mut p = DataPricer::default();
        // exponent 10000·1000/21360419 rounds to 0 → multiplier 10000 bips = 1
        assert_eq!(p.update(1_000, ARBITRUM_START_TIME), 82_928_201 * 1_000);
    }

    #[test]
    fn the_price_per_byte_is_rounded_down_before_it_is_multiplied_by_the_size() {
        let mut p = DataPricer::default();
        let bytes = 100_000;
        // exponent = 10000·100000/21360419 = 46 bips; e^0.0046 in bips = 10046
        // per byte = 82928201·10046/10000 = 83309670 (…67.72 rounded down)
        assert_eq!(approx_exp_bips(46, 12), 10_046);
        assert_eq!(p.update(bytes, ARBITRUM_START_TIME), 83_309_670 * 100_000);
    }

    #[test]
    fn demand_decays_with_time() {
        let mut p = DataPricer::default();
        p.update(1_000_000, ARBITRUM_START_TIME);
        assert_eq!(p.demand, 1_000_000);
        p.update(0, ARBITRUM_START_TIME + 1);
        assert_eq!(p.demand, 1_000_000 - BYTES_PER_SECOND);
    }

    #[test]
    fn a_clock_behind_the_last_update_clears_demand_as_nitros_wrapping_subtraction_does() {
        let mut p = DataPricer {
            demand: 5_000_000,
            last_update: ARBITRUM_START_TIME + 100,
        };
        p.update(10, ARBITRUM_START_TIME);
        assert_eq!(p.demand, 10);
    }

    #[test]
    fn the_fee_saturates_at_u64_instead_of_wrapping() {
        let mut p = DataPricer {
            demand: u32::MAX,
            last_update: ARBITRUM_START_TIME,
        };
        assert_eq!(p.update(u32::MAX, ARBITRUM_START_TIME), u64::MAX);
    }
}
