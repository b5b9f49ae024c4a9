//! What the access-controlled precompiles (ArbOwner, ArbWasmCache's writes, ArbDebug)
//! share: nitro's outcomes for a caller without the right, for a write in a static
//! context, and their event emission.

use alloy_sol_types::SolEvent;
use revm::context::{ContextTr, JournalTr};
use revm::interpreter::{CallInputs, InstructionResult};
use revm::primitives::{Address, Bytes, Log};

use super::Reply;
use crate::evm::DevContext;

/// Gas of reading an account's code hash from ArbOS (nitro's `StorageCodeHashCost`, the
/// EIP-2929 cold account access).
pub const CODE_HASH_GAS: u64 = 2_600;

impl Reply {
    /// A revert without data that consumes all the call's gas: nitro's `BurnOut` and
    /// the EVM's treatment of a precompile's non-revert error (geth zeroes the gas left).
    pub fn burn_out(inputs: &CallInputs) -> Self {
        Self {
            status: InstructionResult::Revert,
            output: Bytes::new(),
            gas_used: inputs.gas_limit,
        }
    }

    /// A revert without data (nitro's plain Go errors under ArbOS 11+).
    pub fn failed(gas_used: u64) -> Self {
        Self {
            status: InstructionResult::Revert,
            output: Bytes::new(),
            gas_used,
        }
    }
}

/// nitro's `Precompile.Call` refuses, with all gas burned, a write in a static context and
/// value sent to a method that is not payable.
pub fn refuse_write(inputs: &CallInputs) -> Option<Reply> {
    (inputs.is_static || !inputs.value.get().is_zero()).then(|| Reply::burn_out(inputs))
}

/// Gas nitro charges for emitting `event` from a precompile (`precompile.go`):
/// 375 + 375 per topic (the signature included) + 8 per data byte.
pub fn event_gas<E: SolEvent>(event: &E) -> u64 {
    let data = event.encode_log_data();
    375 + 375 * data.topics().len() as u64 + 8 * data.data.len() as u64
}

pub fn emit<E: SolEvent>(ctx: &mut DevContext, address: Address, event: &E) {
    ctx.journal_mut().log(Log {
        address,
        data: event.encode_log_data(),
    });
}
