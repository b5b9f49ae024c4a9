//! Token amounts: 256-bit like the contracts', and every operation checked. The
//! contracts bound each product by a validated parameter; the simulator takes arbitrary
//! scenario files, so it refuses (rather than wraps) anything outside those bounds.

pub use alloy_primitives::U256;

use crate::SimError;

/// Basis-point denominator of every rate.
pub const BPS: u16 = 10_000;
/// 1e18: one token of 18 decimals, and the fixed-point unit of `emissionRate`.
pub const WAD: u128 = 1_000_000_000_000_000_000;

/// Built only on the error path: an eager `ok_or(SimError)` showed up as a fifth of a
/// ten-year run's time.
#[cold]
fn overflow(what: &'static str) -> SimError {
    SimError::Overflow(what)
}

pub fn add(a: U256, b: U256) -> Result<U256, SimError> {
    match a.checked_add(b) {
        Some(v) => Ok(v),
        None => Err(overflow("sum")),
    }
}

pub fn sub(a: U256, b: U256) -> Result<U256, SimError> {
    match a.checked_sub(b) {
        Some(v) => Ok(v),
        None => Err(overflow("difference")),
    }
}

pub fn mul(a: U256, b: U256) -> Result<U256, SimError> {
    match a.checked_mul(b) {
        Some(v) => Ok(v),
        None => Err(overflow("product")),
    }
}

/// `x * rate / 10_000`, rounded down: the contracts' `bps_of`. Amounts below 2^112
/// take a `u128` path (the same result, a tenth of the time: ten-year runs settle
/// millions of items).
pub fn bps_of(x: U256, rate: u16) -> Result<U256, SimError> {
    if x.bit_len() <= 112 {
        return Ok(U256::from(x.to::<u128>() * rate as u128 / BPS as u128));
    }
    Ok(mul(x, U256::from(rate))? / U256::from(BPS))
}

/// `x / d` rounded down, with the `u128` path of [`bps_of`].
pub fn div(x: U256, d: u64) -> U256 {
    if x.bit_len() <= 128 {
        U256::from(x.to::<u128>() / d as u128)
    } else {
        x / U256::from(d)
    }
}

/// `x / 1e18` rounded down (the registry divides by 1e9 twice: the same floor).
pub fn from_wad(x: U256) -> U256 {
    x / U256::from(WAD)
}

/// Whole tokens of `decimals` as base units, for scenario files written in tokens.
pub fn units(tokens: f64, decimals: u8) -> Result<U256, SimError> {
    let scaled = tokens * 10f64.powi(decimals as i32);
    if !scaled.is_finite() || scaled < 0.0 || scaled >= 2f64.powi(127) {
        return Err(SimError::Overflow("token amount"));
    }
    Ok(U256::from(scaled.round() as u128))
}

/// An amount of `decimals` as a float of whole tokens, for reports and charts only.
pub fn tokens(x: U256, decimals: u8) -> f64 {
    let f: f64 = x.to_string().parse().unwrap_or(f64::MAX);
    f / 10f64.powi(decimals as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_points_round_down_and_refuse_overflow() {
        assert_eq!(bps_of(U256::from(9_999), 1).unwrap(), U256::ZERO);
        assert_eq!(
            bps_of(U256::from(10_001), 2_500).unwrap(),
            U256::from(2_500)
        );
        assert!(bps_of(U256::MAX, 2).is_err());
        let wide = U256::from(1u8) << 200;
        assert_eq!(bps_of(wide, 5_000).unwrap(), wide >> 1);
        let edge = (U256::from(1u8) << 112) - U256::from(1u8);
        assert_eq!(bps_of(edge, 10_000).unwrap(), edge);
        assert_eq!(div(U256::from(10u8), 3), U256::from(3u8));
        assert_eq!(div(wide, 2), wide >> 1);
    }

    #[test]
    fn token_amounts_convert_both_ways() {
        assert_eq!(units(1.5, 6).unwrap(), U256::from(1_500_000));
        assert_eq!(tokens(U256::from(WAD) * U256::from(3), 18), 3.0);
        assert!(units(-1.0, 18).is_err());
        assert!(units(f64::NAN, 18).is_err());
    }
}
