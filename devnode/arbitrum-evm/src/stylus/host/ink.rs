//! Host-function ink prices (nitro `crates/arbutil/src/pricing.rs`, `meter.rs`).

/// Fixed ink of entering any host function.
pub const HOSTIO_INK: u64 = 8_400;
/// Extra ink per pointer argument.
pub const PTR_INK: u64 = 13_440 - HOSTIO_INK;
/// Extra ink of a host function that asks the EVM for something.
pub const EVM_API_INK: u64 = 59_673;
pub const DIV_INK: u64 = 20_000;
pub const ADD_MOD_INK: u64 = 21_000;
pub const MUL_MOD_INK: u64 = 24_100;

/// Copying `len` bytes from the program to the host.
pub fn read_price(len: u32) -> u64 {
    16_381 + 55 * (len as u64).saturating_sub(32)
}

/// Copying `len` bytes from the host into the program.
pub fn write_price(len: u32) -> u64 {
    5_040 + 30 * (len as u64).saturating_sub(32)
}

/// `native_keccak256` over `len` bytes.
pub fn keccak_price(len: u32) -> u64 {
    let words = (len as u64).div_ceil(32);
    121_800 + 21_000 * words.saturating_sub(2)
}

/// `math_pow` with a 32-byte big-endian exponent: priced by its significant bytes.
pub fn pow_price(exponent: &[u8; 32]) -> u64 {
    let leading_zeros = exponent.iter().take_while(|b| **b == 0).count() as u64;
    3_000 + 17_500 * (33 - leading_zeros)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_up_to_a_word_cost_the_base_price() {
        assert_eq!(read_price(0), 16_381);
        assert_eq!(read_price(32), 16_381);
        assert_eq!(read_price(33), 16_381 + 55);
        assert_eq!(write_price(64), 5_040 + 30 * 32);
    }

    #[test]
    fn keccak_of_up_to_two_words_costs_the_base() {
        assert_eq!(keccak_price(64), 121_800);
        assert_eq!(keccak_price(65), 121_800 + 21_000);
    }
}
