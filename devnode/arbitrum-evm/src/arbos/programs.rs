//! Program records: what activation leaves in state for each codehash (nitro
//! `arbos/programs/programs.go`). They live in the storage of the ArbWasm precompile
//! account, so they are journaled like any state: an activation that reverts leaves no
//! record, and `evm_snapshot`/`evm_revert` take them along.

use revm::primitives::{Address, B256, U256};

use super::data_pricer::DataPricer;
use super::params::{
    ARBITRUM_START_TIME, CACHED_COST_SCALAR, EXPIRY_DAYS, INIT_COST_SCALAR, MIN_CACHED_INIT_GAS,
    MIN_INIT_GAS, STYLUS_VERSION,
};
use super::words;
use crate::evm::DevContext;

/// Where the records are kept (the ArbWasm precompile).
pub const RECORDS: Address = super::precompiles::ARB_WASM;

/// One activated program, packed into a word exactly as nitro packs it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Program {
    pub version: u16,
    pub init_cost: u16,
    pub cached_cost: u16,
    pub footprint: u16,
    /// Hours since nitro's time origin.
    pub activated_at: u32,
    pub asm_estimate_kb: u32,
    pub cached: bool,
}

impl Program {
    pub fn pack(&self) -> U256 {
        let mut w = [0u8; 32];
        w[0..2].copy_from_slice(&self.version.to_be_bytes());
        w[2..4].copy_from_slice(&self.init_cost.to_be_bytes());
        w[4..6].copy_from_slice(&self.cached_cost.to_be_bytes());
        w[6..8].copy_from_slice(&self.footprint.to_be_bytes());
        w[8..11].copy_from_slice(&self.activated_at.to_be_bytes()[1..]);
        w[11..14].copy_from_slice(&self.asm_estimate_kb.to_be_bytes()[1..]);
        w[14] = self.cached as u8;
        U256::from_be_bytes(w)
    }

    pub fn unpack(word: U256) -> Self {
        let w = word.to_be_bytes::<32>();
        let u24 = |b: &[u8]| u32::from_be_bytes([0, b[0], b[1], b[2]]);
        Self {
            version: u16::from_be_bytes([w[0], w[1]]),
            init_cost: u16::from_be_bytes([w[2], w[3]]),
            cached_cost: u16::from_be_bytes([w[4], w[5]]),
            footprint: u16::from_be_bytes([w[6], w[7]]),
            activated_at: u24(&w[8..11]),
            asm_estimate_kb: u24(&w[11..14]),
            cached: w[14] != 0,
        }
    }

    /// Seconds since activation at block time `now`.
    pub fn age(&self, now: u64) -> u64 {
        now.saturating_sub(ARBITRUM_START_TIME + self.activated_at as u64 * 3600)
    }

    pub fn expired(&self, now: u64) -> bool {
        self.age(now) > EXPIRY_DAYS as u64 * 86_400
    }

    /// Gas to start the program when it is not in the cache (`programs.go` initGas).
    pub fn init_gas(&self) -> u64 {
        MIN_INIT_GAS as u64 * 128
            + (self.init_cost as u64 * INIT_COST_SCALAR as u64 * 2).div_ceil(100)
    }

    /// Gas every version-2 call pays on top (`programs.go` cachedGas).
    pub fn cached_gas(&self) -> u64 {
        MIN_CACHED_INIT_GAS as u64 * 32
            + (self.cached_cost as u64 * CACHED_COST_SCALAR as u64 * 2).div_ceil(100)
    }

    /// What `ArbWasm.programInitGas` returns: (gas, gasWhenCached). Under Stylus params
    /// newer than version 1 every call pays the cached gas, so nitro's `ProgramInitGas`
    /// (`programs.go`) reports the uncached entry as init + cached gas.
    pub fn reported_init_gas(&self) -> (u64, u64) {
        let cached = self.cached_gas();
        let init = if STYLUS_VERSION > 1 {
            self.init_gas().saturating_add(cached)
        } else {
            self.init_gas()
        };
        (init, cached)
    }

    /// Gas charged at call entry before the program runs: nitro charges the cached
    /// gas when the program is cached or newer than version 1, the init gas when not cached.
    pub fn call_gas(&self) -> u64 {
        let mut gas = 0u64;
        if self.cached || self.version > 1 {
            gas = gas.saturating_add(self.cached_gas());
        }
        if !self.cached {
            gas = gas.saturating_add(self.init_gas());
        }
        gas
    }
}

/// Hours since nitro's time origin, as stored in `activatedAt`.
pub fn hours_since_origin(now: u64) -> u32 {
    (now.saturating_sub(ARBITRUM_START_TIME) / 3600).min(0xFF_FFFF) as u32
}

fn program_slot(codehash: B256) -> U256 {
    words::tagged_slot(b"devnode.program", &[codehash.as_slice()])
}

fn module_slot(codehash: B256) -> U256 {
    words::tagged_slot(b"devnode.module", &[codehash.as_slice()])
}

fn pricer_slot() -> U256 {
    words::tagged_slot(b"devnode.data_pricer", &[])
}

/// Reads the record of `codehash`; a zero word means never activated.
pub fn load(ctx: &mut DevContext, codehash: B256) -> Option<Program> {
    let word = words::read(ctx, RECORDS, program_slot(codehash));
    (!word.is_zero()).then(|| Program::unpack(word))
}

pub fn store(ctx: &mut DevContext, codehash: B256, program: &Program, module_hash: B256) {
    store_record(ctx, codehash, program);
    let module = U256::from_be_bytes(module_hash.0);
    words::write(ctx, RECORDS, module_slot(codehash), module);
}

/// Rewrites the record alone (a keepalive keeps the module hash).
pub fn store_record(ctx: &mut DevContext, codehash: B256, program: &Program) {
    words::write(ctx, RECORDS, program_slot(codehash), program.pack());
}

pub fn load_pricer(ctx: &mut DevContext) -> DataPricer {
    let word = words::read(ctx, RECORDS, pricer_slot());
    if word.is_zero() {
        return DataPricer::default();
    }
    let w = word.to_be_bytes::<32>();
    DataPricer {
        demand: u32::from_be_bytes([w[20], w[21], w[22], w[23]]),
        last_update: u64::from_be_bytes(w[24..32].try_into().unwrap_or_default()),
    }
}

pub fn store_pricer(ctx: &mut DevContext, p: &DataPricer) {
    let mut w = [0u8; 32];
    w[20..24].copy_from_slice(&p.demand.to_be_bytes());
    w[24..32].copy_from_slice(&p.last_update.to_be_bytes());
    words::write(ctx, RECORDS, pricer_slot(), U256::from_be_bytes(w));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_through_its_word() {
        let p = Program {
            version: 2,
            init_cost: 1234,
            cached_cost: 56,
            footprint: 3,
            activated_at: 0xABCDEF,
            asm_estimate_kb: 77,
            cached: true,
        };
        assert_eq!(Program::unpack(p.pack()), p);
    }

    #[test]
    fn call_gas_follows_nitros_formulas() {
        let p = Program {
            version: 2,
            init_cost: 100,
            cached_cost: 10,
            ..Default::default()
        };
        // init: 69·128 + ceil(100·50·2/100) = 8832 + 100; cached: 11·32 + ceil(10·50·2/100) = 352 + 10
        assert_eq!(p.call_gas(), 8932 + 362);
    }
}
