//! The gas meter of one precompile call. nitro charges a precompile method piece by piece
//! through its call context (`precompiles/context.go` `Context.Burn`): each ArbOS storage
//! word read or written (`arbos/storage/storage.go`), each 32-byte word of arguments and
//! results (`precompiles/precompile.go` `Call`), each event (`precompile.go`, the events'
//! `GasCost`). Every method here charges through one [`Burner`] so the sum is nitro's.

use revm::primitives::{LogData, U256};

/// Reading one ArbOS storage word (`storage.go` `StorageReadCost` = geth's EIP-2200 SLOAD).
pub const STORAGE_READ_GAS: u64 = 800;
/// Writing a non-zero word (`StorageWriteCost` = EIP-2200 SSTORE set).
pub const STORAGE_WRITE_GAS: u64 = 20_000;
/// Writing a zero word (`StorageWriteZeroCost` = EIP-2200 SSTORE reset).
pub const STORAGE_WRITE_ZERO_GAS: u64 = 5_000;
/// Reading an account's codehash (`StorageCodeHashCost` = EIP-2929 cold account access).
pub const CODE_HASH_GAS: u64 = 2_600;
/// Opening the Stylus parameters (`arbos/programs/params.go` `Params`): one word, priced as
/// a warm EIP-2929 read because it is read so often.
pub const PARAMS_GAS: u64 = 100;
/// Copying one 32-byte word of arguments in or results out (geth's `CopyGas`).
pub const COPY_GAS: u64 = 3;
/// An event: geth's `LogGas`, `LogTopicGas` per topic (the signature included) and
/// `LogDataGas` per byte of data.
const LOG_GAS: u64 = 375;
const LOG_TOPIC_GAS: u64 = 375;
const LOG_DATA_GAS: u64 = 8;

/// The call cannot pay for the next step; nitro then burns what is left (`BurnOut`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the precompile call ran out of gas")]
pub struct OutOfGas;

/// Gas supplied to one precompile call and how much of it the method has used.
#[derive(Debug)]
pub struct Burner {
    supplied: u64,
    used: u64,
}

impl Burner {
    pub fn new(supplied: u64) -> Self {
        Self { supplied, used: 0 }
    }

    pub fn used(&self) -> u64 {
        self.used
    }

    pub fn left(&self) -> u64 {
        self.supplied.saturating_sub(self.used)
    }

    /// Charges `gas`, or uses everything that is left and fails when it is not enough.
    pub fn burn(&mut self, gas: u64) -> Result<(), OutOfGas> {
        if self.left() < gas {
            return Err(self.burn_out());
        }
        // cannot overflow: used + gas ≤ supplied
        self.used += gas;
        Ok(())
    }

    /// Uses all the gas supplied (nitro's `BurnOut`).
    pub fn burn_out(&mut self) -> OutOfGas {
        self.used = self.supplied;
        OutOfGas
    }

    /// One ArbOS storage word read.
    pub fn read(&mut self) -> Result<(), OutOfGas> {
        self.burn(STORAGE_READ_GAS)
    }

    /// `n` ArbOS storage words read.
    pub fn reads(&mut self, n: u64) -> Result<(), OutOfGas> {
        self.burn(STORAGE_READ_GAS.saturating_mul(n))
    }

    /// One ArbOS storage word written with `value` (`storage.go` `writeCost`).
    pub fn write(&mut self, value: U256) -> Result<(), OutOfGas> {
        self.burn(if value.is_zero() {
            STORAGE_WRITE_ZERO_GAS
        } else {
            STORAGE_WRITE_GAS
        })
    }

    /// An account's codehash read through ArbOS (`Context.GetCodeHash`).
    pub fn code_hash(&mut self) -> Result<(), OutOfGas> {
        self.burn(CODE_HASH_GAS)
    }

    /// The Stylus parameters opened.
    pub fn params(&mut self) -> Result<(), OutOfGas> {
        self.burn(PARAMS_GAS)
    }

    /// `bytes` of arguments or results copied, at [`COPY_GAS`] per word begun.
    pub fn copy(&mut self, bytes: usize) -> Result<(), OutOfGas> {
        let words = (bytes as u64).div_ceil(32);
        self.burn(COPY_GAS.saturating_mul(words))
    }

    /// An event with these topics and data emitted.
    pub fn log(&mut self, log: &LogData) -> Result<(), OutOfGas> {
        let topics = LOG_TOPIC_GAS.saturating_mul(log.topics().len() as u64);
        let data = LOG_DATA_GAS.saturating_mul(log.data.len() as u64);
        self.burn(LOG_GAS.saturating_add(topics).saturating_add(data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use revm::primitives::{Bytes, B256};

    #[test]
    fn a_step_the_call_cannot_pay_for_uses_all_the_gas_supplied() {
        let mut b = Burner::new(1_000);
        assert_eq!(b.read(), Ok(()));
        assert_eq!(b.read(), Err(OutOfGas));
        assert_eq!((b.used(), b.left()), (1_000, 0));
    }

    #[test]
    fn writing_zero_costs_5_000_and_anything_else_20_000() {
        let mut b = Burner::new(u64::MAX);
        b.write(U256::ZERO).expect("gas");
        assert_eq!(b.used(), 5_000);
        b.write(U256::from(1)).expect("gas");
        assert_eq!(b.used(), 25_000);
    }

    #[test]
    fn copying_charges_3_per_word_begun() {
        let mut b = Burner::new(u64::MAX);
        b.copy(0).expect("gas");
        assert_eq!(b.used(), 0);
        b.copy(33).expect("gas");
        assert_eq!(b.used(), 6);
    }

    #[test]
    fn an_event_with_two_topics_and_four_words_costs_2_149() {
        // ProgramActivated: signature + codehash topics, 128 bytes of data
        let log = LogData::new_unchecked(vec![B256::ZERO; 2], Bytes::from(vec![0u8; 128]));
        let mut b = Burner::new(u64::MAX);
        b.log(&log).expect("gas");
        assert_eq!(b.used(), 375 + 2 * 375 + 8 * 128);
    }
}
