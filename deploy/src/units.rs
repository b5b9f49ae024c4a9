//! Amounts: decimal strings to base units and back.

use alloy::primitives::utils::{format_units, parse_units};
use alloy::primitives::U256;

use crate::error::{Error, Result};

/// `"2.5"` with 18 decimals → 2.5e18.
pub fn parse_amount(s: &str, decimals: u8) -> Result<U256> {
    let v = parse_units(s.trim(), decimals)
        .map_err(|e| Error::Config(format!("invalid amount {s:?}: {e}")))?;
    Ok(v.get_absolute())
}

/// Base units → a decimal string without trailing zeros.
pub fn format_amount(v: U256, decimals: u8) -> String {
    let s = format_units(v, decimals).unwrap_or_else(|_| v.to_string());
    if s.contains('.') {
        let t = s.trim_end_matches('0').trim_end_matches('.');
        t.to_owned()
    } else {
        s
    }
}

pub fn format_eth(wei: U256) -> String {
    format_amount(wei, 18)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let v = parse_amount("2.5", 18).unwrap();
        assert_eq!(v, U256::from(25u64) * U256::from(10u64).pow(U256::from(17)));
        assert_eq!(format_amount(v, 18), "2.5");
        assert_eq!(
            format_amount(U256::from(10u64).pow(U256::from(18)), 18),
            "1"
        );
        assert_eq!(format_amount(U256::ZERO, 18), "0");
        assert!(parse_amount("abc", 18).is_err());
    }
}
