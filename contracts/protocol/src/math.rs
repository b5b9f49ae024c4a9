//! The little arithmetic the contracts need, written so it compiles small.
//!
//! Every division in the protocol is by a small number (10,000 basis points, or the count
//! of agreeing labellers), so a limb-by-limb division by a `u64` replaces ruint's general
//! 256-bit division, which alone is over 4 KB of WASM per contract. Hashing goes to the
//! host's native keccak: OpenZeppelin turns on alloy's software keccak feature, which would
//! otherwise be compiled into every program that hashes.

use stylus_sdk::alloy_primitives::{B256, U256};

use crate::limits::BPS;

/// 32-bit limbs, most significant first: every step of a long division by a `u32` then
/// fits in a `u64`, which WASM divides natively (a `u128` division is a 1 KB library call).
fn halves(x: U256) -> [u32; 8] {
    let b = x.to_be_bytes::<32>();
    core::array::from_fn(|i| {
        u32::from_be_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]])
    })
}

fn join(h: [u32; 8]) -> U256 {
    let mut b = [0u8; 32];
    for (i, v) in h.iter().enumerate() {
        b[4 * i..4 * i + 4].copy_from_slice(&v.to_be_bytes());
    }
    U256::from_be_bytes(b)
}

/// Long division of `hi:limbs` (a 288-bit number) by `d`; the quotient must fit 256 bits.
fn divide(hi: u32, limbs: [u32; 8], d: u32) -> U256 {
    let mut rem = hi as u64 % d as u64;
    let mut q = [0u32; 8];
    for (i, limb) in limbs.iter().enumerate() {
        let cur = (rem << 32) | *limb as u64;
        q[i] = (cur / d as u64) as u32;
        rem = cur % d as u64;
    }
    join(q)
}

/// `x / d` for a non-zero `u32` divisor, rounding down.
pub fn div_small(x: U256, d: u32) -> U256 {
    divide(0, halves(x), d)
}

/// `x * rate / 10_000`, rounding down; `rate` is in basis points. The product is formed
/// in 288 bits, so it never overflows; the quotient would only exceed 256 bits for
/// `x > 2^256 / 1.5`, far beyond any token amount.
pub fn bps_of(x: U256, rate: u16) -> U256 {
    let mut limbs = halves(x);
    let mut carry: u64 = 0;
    for limb in limbs.iter_mut().rev() {
        let p = *limb as u64 * rate as u64 + carry;
        *limb = p as u32;
        carry = p >> 32;
    }
    divide(carry as u32, limbs, BPS as u32)
}

#[link(wasm_import_module = "vm_hooks")]
extern "C" {
    /// The Stylus host's keccak (SDK 0.9 keeps its own `hostio` declarations private).
    fn native_keccak256(bytes: *const u8, len: usize, output: *mut u8);
}

/// Keccak-256 through the host (`native_keccak256`), never compiled into the program.
pub fn keccak(bytes: &[u8]) -> B256 {
    let mut out = B256::ZERO;
    // SAFETY: the host reads `len` bytes from `bytes` and writes 32 bytes to `out`.
    unsafe { native_keccak256(bytes.as_ptr(), bytes.len(), out.as_mut_ptr()) };
    out
}

/// `abi.encode` of static words, for hashing: each value already left-padded to 32 bytes.
pub fn keccak_words(words: &[[u8; 32]]) -> B256 {
    keccak(words.as_flattened())
}

/// An unsigned integer as one ABI word (big-endian, left-padded).
pub fn word(v: impl Into<u128>) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[16..].copy_from_slice(&v.into().to_be_bytes());
    w
}

/// An address as one ABI word.
pub fn address_word(a: stylus_sdk::alloy_primitives::Address) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(a.as_slice());
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use stylus_sdk::alloy_primitives::keccak256;

    #[test]
    fn small_division_matches_ruint() {
        for x in [
            U256::ZERO,
            U256::from(9_999),
            U256::MAX,
            U256::from(10u64).pow(U256::from(30)) + U256::from(7),
        ] {
            for d in [1u32, 3, 10_000, u32::MAX] {
                assert_eq!(div_small(x, d), x / U256::from(d), "{x} / {d}");
            }
        }
    }

    #[test]
    fn basis_points_match_the_wide_formula() {
        for x in [
            U256::ZERO,
            U256::from(1),
            U256::from(123_456_789u64),
            U256::MAX / U256::from(2),
        ] {
            for rate in [0u16, 1, 250, 2_000, 10_000, 12_500, 15_000] {
                let expected = (x
                    .widening_mul::<64, 1, 320, 5>(U256::from(rate).to::<ruint::Uint<64, 1>>())
                    / ruint::Uint::<320, 5>::from(10_000u64))
                .to::<U256>();
                assert_eq!(bps_of(x, rate), expected, "{x} x {rate}");
            }
        }
    }

    #[test]
    fn native_keccak_agrees_with_alloy() {
        for input in [&b""[..], b"labelchain", &[7u8; 200]] {
            assert_eq!(keccak(input), keccak256(input));
        }
    }
}
