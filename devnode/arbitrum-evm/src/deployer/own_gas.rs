//! The gas nitro-contracts' `StylusDeployer` spends itself, outside its child frames.
//!
//! The native deployer runs in Rust, so it charges what the Solidity contract's own opcodes
//! would: the EVM's size rules (CREATE's init-code words, EIP-3860; CREATE2's hashing;
//! calldata copies; memory expansion) applied to the same buffers the contract builds, plus
//! one constant per step for its fixed opcodes.
//!
//! Measured, not guessed: nitro-devnode's deployed bytecode (the one at [`super::ADDRESS`],
//! checked by recomputing that CREATE2 address from it; solc 0.8.17) was deployed on this
//! devnode elsewhere and sent the same `deploy` calldata as the native deployer, from the
//! same state (`evm_snapshot` / `evm_revert`). Both run the same child frames, so the
//! difference of the two gasUsed is the difference of the two deployers' own gas. The
//! constants were fitted on 74 deploys; with them, 116 deploys — 12 shapes (with and
//! without activation, salt, init data of 4 to 1,124 bytes, 32 returned bytes, init value,
//! refund) over init code of 5.4 to 28.6 KB (the two test programs and the five
//! contracts, each also padded with zeros) — cost the same on both deployers to within
//! 5 gas (43 exactly, 99 within 2). The run is not committed (the contract is
//! nitro-contracts'); devnode/README.md's emulation table has the method.

/// Dispatch, ABI decoding, `requiresActivation`'s EXTCODEHASH and its two warm STATICCALLs
/// to ArbWasm (`codehashVersion`, `stylusVersion`), the `ContractDeployed` event, return.
const BASE: u64 = 3_463;
/// `initSalt`'s bookkeeping beyond its keccak and copy.
const SALT: u64 = 229;
/// The `activateProgram` call (warm access, argument encoding, decoding its two words),
/// not counting the value transfer.
const ACTIVATION: u64 = 350;
/// The init call (warm access, success check), not counting copies and value.
const INIT: u64 = 300;
/// Solidity's copy of a non-empty return data buffer of the init call.
const RETURNED: u64 = 58;
/// SELFBALANCE, the refund call's warm access and its success check, not its value.
const REFUND: u64 = 217;
/// A CALL with value: 9,000 (EIP-150's CallValueTransferGas) less the 2,300 stipend the
/// callee gets for free and returns unused.
const VALUE_CALL: u64 = 9_000 - 2_300;
/// Memory words before the bytecode copy: Solidity's scratch and free-pointer slots
/// (0x80), the bytes' length word and the call buffers after it, as measured.
const BASE_MEMORY_WORDS: u64 = 9;

/// EVM copy and keccak prices per 32-byte word (yellow paper G_copy, G_keccak256word), the
/// keccak base price, CREATE's base price and its init-code price per word (EIP-3860).
const COPY_WORD: u64 = 3;
const KECCAK: u64 = 30;
const KECCAK_WORD: u64 = 6;
const CREATE: u64 = 32_000;
const INITCODE_WORD: u64 = 2;

pub(super) fn words(bytes: usize) -> u64 {
    (bytes as u64).div_ceil(32)
}

/// The EVM memory cost of `words` words (3 per word plus words² / 512); a frame pays the
/// difference each time its memory grows.
fn memory_cost(words: u64) -> u64 {
    words
        .saturating_mul(3)
        .saturating_add(words.saturating_mul(words) / 512)
}

/// The deployer frame's memory, grown as the Solidity contract grows it.
#[derive(Default)]
pub(super) struct Memory {
    words: u64,
}

impl Memory {
    /// The gas for `more` words beyond the current size.
    fn grow(&mut self, more: u64) -> u64 {
        let before = memory_cost(self.words);
        self.words = self.words.saturating_add(more);
        memory_cost(self.words) - before
    }
}

/// Entry: the fixed part, and with a salt, `keccak256(abi.encodePacked(salt, initData,
/// initValue))` over a buffer of its length word plus 64 + `init_data` bytes.
pub(super) fn entry(memory: &mut Memory, init_data: usize, salted: bool) -> u64 {
    if !salted {
        return BASE;
    }
    let packed = 64 + init_data;
    BASE + SALT
        + KECCAK
        + KECCAK_WORD * words(packed)
        + COPY_WORD * words(init_data)
        + memory.grow(1 + words(packed))
}

/// The bytecode copied from calldata to memory, then CREATE (or CREATE2, which also hashes
/// the init code) — everything the parent pays before the init code runs.
pub(super) fn create(memory: &mut Memory, initcode: usize, salted: bool) -> u64 {
    let w = words(initcode);
    let hashing = if salted { KECCAK_WORD * w } else { 0 };
    CREATE + INITCODE_WORD * w + hashing + COPY_WORD * w + memory.grow(BASE_MEMORY_WORDS + w)
}

/// The `activateProgram` call, carrying `value` to ArbWasm for the data fee.
pub(super) fn activation(value_sent: bool) -> u64 {
    ACTIVATION + if value_sent { VALUE_CALL } else { 0 }
}

/// The init call: `init_data` copied to memory and sent with or without value.
pub(super) fn init_call(memory: &mut Memory, init_data: usize, value_sent: bool) -> u64 {
    let value = if value_sent { VALUE_CALL } else { 0 };
    INIT + value + COPY_WORD * words(init_data) + memory.grow(words(init_data))
}

/// What the init call returned, copied into a length-prefixed buffer (nothing when empty).
pub(super) fn returned(memory: &mut Memory, returned: usize) -> u64 {
    if returned == 0 {
        return 0;
    }
    RETURNED + COPY_WORD * words(returned) + memory.grow(1 + words(returned))
}

/// The refund of the deployer's balance to the sender.
pub(super) fn refund() -> u64 {
    REFUND + VALUE_CALL
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_grows_by_the_difference_of_the_quadratic_cost() {
        let mut m = Memory::default();
        assert_eq!(m.grow(1), 3);
        assert_eq!(m.grow(1023), memory_cost(1024) - 3);
        assert_eq!(memory_cost(1024), 3 * 1024 + 2048);
    }

    #[test]
    fn create2_pays_six_gas_more_per_init_code_word_than_create() {
        let plain = create(&mut Memory::default(), 10_000, false);
        let salted = create(&mut Memory::default(), 10_000, true);
        assert_eq!(salted - plain, 6 * words(10_000));
    }

    #[test]
    fn a_value_call_costs_the_transfer_less_the_stipend() {
        assert_eq!(activation(true) - activation(false), 6_700);
        let mut m = Memory::default();
        let with = init_call(&mut m, 4, true);
        let without = init_call(&mut Memory::default(), 4, false);
        assert_eq!(with - without, 6_700);
    }

    #[test]
    fn an_empty_return_buffer_is_not_copied() {
        assert_eq!(returned(&mut Memory::default(), 0), 0);
        assert_eq!(
            returned(&mut Memory::default(), 32),
            RETURNED + 3 + memory_cost(2)
        );
    }
}
