//! The activation data fee (nitro `arbos/programs/data_pricer.go`): a per-byte price that
//! rises exponentially with recent demand for program storage and decays with time.

use super::params::ARBITRUM_START_TIME;

const BIPS: u64 = 10_000;
/// 4 TiB of programs a year, refilled continuously.
const BYTES_PER_SECOND: u32 = ((4u64 << 40) / (365 * 24) / 3600) as u32;
/// 5 MB of programs = $1 at the floor.
const MIN_PRICE: u32 = 82_928_201;
const INERTIA: u32 = 70_177_364;

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
    /// Adds `bytes` of demand at `now` and returns the fee in wei for them.
    pub fn update(&mut self, bytes: u32, now: u64) -> u128 {
        let elapsed = u32::try_from(now.saturating_sub(self.last_update)).unwrap_or(u32::MAX);
        let credit = BYTES_PER_SECOND.saturating_mul(elapsed);
        self.demand = self.demand.saturating_sub(credit).saturating_add(bytes);
        self.last_update = now;
        let exponent = BIPS * self.demand as u64 / INERTIA as u64;
        let multiplier = approx_exp_bips(exponent, 12);
        let per_byte = (MIN_PRICE as u64).saturating_mul(multiplier);
        (per_byte as u128 * bytes as u128) / BIPS as u128
    }
}

/// e^(x/10000)·10000 by a Maclaurin polynomial of `degree` terms, as nitro's arbmath does.
fn approx_exp_bips(x: u64, degree: u64) -> u64 {
    let mut res = BIPS + x / degree;
    for i in 1..degree {
        res = BIPS + res.saturating_mul(x) / ((degree - i) * BIPS);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_no_demand_a_byte_costs_the_floor_price() {
        let mut p = DataPricer::default();
        // exponent rounds to 0 for a small program → multiplier 10000 bips = 1
        assert_eq!(p.update(1_000, ARBITRUM_START_TIME), 82_928_201u128 * 1_000);
    }

    #[test]
    fn demand_decays_with_time() {
        let mut p = DataPricer::default();
        p.update(1_000_000, ARBITRUM_START_TIME);
        assert_eq!(p.demand, 1_000_000);
        p.update(0, ARBITRUM_START_TIME + 1);
        assert_eq!(p.demand, 1_000_000 - BYTES_PER_SECOND);
    }
}
