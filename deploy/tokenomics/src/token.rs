//! The reward token's supply and emission schedule (reward-token `mintEmission`).

use crate::amount::{add, bps_of, sub, U256};
use crate::params::Params;
use crate::SimError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub cap: U256,
    pub supply: U256,
    /// `E0` and `H` of `e(n) = E0 >> floor(n / H)`.
    pub base: U256,
    pub halving_interval: u64,
    /// `cap - genesis`: all emission may ever mint.
    pub pool: U256,
    pub emitted: U256,
    /// Emission-earning items counted so far (`n` of the next one).
    pub verified: u64,
    pub burned: U256,
}

impl Token {
    pub fn new(p: &Params) -> Self {
        Token {
            cap: p.cap(),
            supply: p.genesis(),
            base: p.emission_base(),
            halving_interval: p.halving_interval,
            pool: p.cap() - p.genesis(),
            emitted: U256::ZERO,
            verified: 0,
            burned: U256::ZERO,
        }
    }

    /// `e(n)`: what the n-th emission-earning item may mint at 1.0x.
    pub fn scheduled(&self, n: u64) -> U256 {
        let halvings = n / self.halving_interval;
        if halvings >= 256 {
            U256::ZERO
        } else {
            self.base >> (halvings as usize)
        }
    }

    /// One `mintEmission` call: each request `(fee cap, multiplier)` counts one item and
    /// mints `min(e(n) x multiplier, fee cap, pool left, cap headroom)`.
    pub fn mint_emission(&mut self, requests: &[(U256, u16)]) -> Result<Vec<U256>, SimError> {
        let mut total = U256::ZERO;
        let mut amounts = Vec::with_capacity(requests.len());
        for &(fee_cap, m) in requests {
            let headroom = self
                .cap
                .saturating_sub(self.supply)
                .saturating_sub(total)
                .min(fee_cap);
            let due = bps_of(self.scheduled(self.verified), m)?;
            let left = self.pool.saturating_sub(self.emitted);
            let amount = due.min(left).min(headroom);
            self.emitted = add(self.emitted, amount)?;
            self.verified = self.verified.saturating_add(1);
            total = add(total, amount)?;
            amounts.push(amount);
        }
        self.supply = add(self.supply, total)?;
        Ok(amounts)
    }

    pub fn burn(&mut self, amount: U256) -> Result<(), SimError> {
        self.supply = sub(self.supply, amount)?;
        self.burned = add(self.burned, amount)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::WAD;

    #[test]
    fn emission_halves_and_never_passes_the_pool() {
        let p = Params {
            halving_interval: 2,
            cap_lbl: 1_000,
            genesis_lbl: 994,
            ..Params::default()
        };
        let mut t = Token::new(&p);
        assert_eq!(t.base, U256::from(WAD)); // 6 LBL / 3 / 2
        let big = U256::MAX >> 32;
        let got = t.mint_emission(&[(big, 10_000); 6]).unwrap();
        let lbl = |x: u128| U256::from(x);
        assert_eq!(
            got,
            vec![
                lbl(WAD),
                lbl(WAD),
                lbl(WAD / 2),
                lbl(WAD / 2),
                lbl(WAD / 4),
                lbl(WAD / 4)
            ]
        );
        let more = t.mint_emission(&[(big, 15_000); 40]).unwrap();
        assert!(t.emitted <= t.pool && t.supply <= t.cap);
        assert_eq!(
            more.iter().copied().sum::<U256>() + lbl(7 * WAD / 2),
            t.emitted
        );
    }

    #[test]
    fn the_fee_cap_binds_below_the_schedule() {
        let mut t = Token::new(&Params::default());
        let got = t.mint_emission(&[(U256::from(7), 15_000)]).unwrap();
        assert_eq!(got, vec![U256::from(7)]);
        assert_eq!(t.verified, 1);
    }
}
