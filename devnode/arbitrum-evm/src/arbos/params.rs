//! The chain's Stylus parameters: nitro's initial values (`arbos/programs/params.go`) as
//! they stand after the ArbOS 50 upgrade, which is what Arbitrum One runs today. They are
//! constants rather than owner-settable state because the devnode has no chain owner
//! workflow; `ArbWasm`'s read methods report exactly these.

/// Stylus version written into every program record (ArbOS 40+ programs are version 2).
pub const STYLUS_VERSION: u16 = 2;
/// The ArbOS version whose rules we follow (see the crate docs for what that changes).
pub const ARBOS_VERSION: u64 = 50;
/// From this ArbOS version a program's `last_code` cache keeps only non-empty code
/// (nitro `crates/arbutil/src/evm/mod.rs`, `ARBOS_VERSION_STYLUS_LAST_CODE_CACHE_FIX`).
pub const ARBOS_VERSION_STYLUS_LAST_CODE_CACHE_FIX: u64 = 40;
/// Ink per unit of EVM gas.
pub const INK_PRICE: u32 = 10_000;
/// Words of WASM value stack a call may use (ArbOS 50 lowered it from 4·65536).
pub const MAX_STACK_DEPTH: u32 = 22_000;
/// Pages each transaction gets without paying.
pub const FREE_PAGES: u16 = 2;
/// Linear gas per page beyond the free ones.
pub const PAGE_GAS: u16 = 1_000;
/// Informational only in nitro (the exponent table encodes it); reported by `pageRamp()`.
pub const PAGE_RAMP: u64 = 620_674_314;
/// Most pages open at once across a transaction's calls.
pub const PAGE_LIMIT: u16 = 128;
/// Floor of the non-cached init gas, in units of 128 gas (version 2 value).
pub const MIN_INIT_GAS: u8 = 69;
/// Floor of the cached init gas, in units of 32 gas.
pub const MIN_CACHED_INIT_GAS: u8 = 11;
/// Percent scalars applied to a program's init costs.
pub const INIT_COST_SCALAR: u8 = 50;
pub const CACHED_COST_SCALAR: u8 = 50;
/// Activation lifetime and how soon a keepalive may renew it.
pub const EXPIRY_DAYS: u16 = 365;
pub const KEEPALIVE_DAYS: u16 = 31;
/// Recently called programs that count as cached (ArbOS 60 LRU; reported only).
pub const BLOCK_CACHE_SIZE: u16 = 32;
/// Largest decompressed program.
pub const MAX_WASM_SIZE: usize = 128 * 1024;
/// Fixed gas `activateProgram` burns before any work (`ArbWasm.go`).
pub const ACTIVATION_FIXED_GAS: u64 = crate::activation::FIXED_ACTIVATION_GAS;
/// nitro's time origin for `activatedAt` hours and the data pricer.
pub const ARBITRUM_START_TIME: u64 = 1_421_388_000;

/// gas → ink, saturating.
pub fn gas_to_ink(gas: u64) -> u64 {
    gas.saturating_mul(INK_PRICE as u64)
}

/// ink → gas, rounding down (what a program can still spend as gas).
pub fn ink_to_gas(ink: u64) -> u64 {
    ink / INK_PRICE as u64
}
