//! What the contracts the devnode runs in Rust rather than as EVM bytecode (the
//! StylusDeployer, the CacheManager) share: a gas budget for their own work and their
//! children, calls to other contracts as real child frames (so the children's gas,
//! events and reverts are exactly those of any call), and the frame's result.

use revm::context::{ContextTr, JournalTr};
use revm::handler::evm::ContextDbError;
use revm::handler::FrameResult;
use revm::interpreter::{
    CallInput, CallInputs, CallScheme, CallValue, FrameInput, Gas, InstructionResult,
    InterpreterResult,
};
use revm::primitives::{Address, Bytes, U256};

use crate::evm::{DevContext, DevEvm};

/// Why a native contract's call stopped early: a revert with the contract's revert data,
/// or a database failure of the node (which is not the caller's fault and aborts the
/// transaction).
pub enum Stop {
    Revert(Vec<u8>),
    Db(ContextDbError<DevContext>),
}

impl From<ContextDbError<DevContext>> for Stop {
    fn from(e: ContextDbError<DevContext>) -> Self {
        Stop::Db(e)
    }
}

/// The gas of one native frame: its limit and what it has used so far.
pub struct Budget {
    pub limit: u64,
    pub used: u64,
}

impl Budget {
    /// A budget that starts with `overhead` (the contract's own bookkeeping) spent.
    pub fn new(limit: u64, overhead: u64) -> Self {
        Self {
            limit,
            used: overhead.min(limit),
        }
    }
    pub fn left(&self) -> u64 {
        self.limit.saturating_sub(self.used)
    }
    /// Gas for a child under the 63/64 rule.
    pub fn child(&self) -> u64 {
        self.left() - self.left() / 64
    }
    pub fn spend(&mut self, given: u64, returned: u64) {
        self.used = self.used.saturating_add(given.saturating_sub(returned));
    }
    /// Charges the frame's own work.
    pub fn charge(&mut self, gas: u64) {
        self.used = self.used.saturating_add(gas);
    }
}

/// The frame's result: `used` of `limit` spent, out of gas when it does not fit.
pub fn done(limit: u64, used: u64, result: InstructionResult, output: Bytes) -> InterpreterResult {
    let mut gas = Gas::new(limit);
    if !gas.record_regular_cost(used.min(limit)) || used > limit {
        gas.spend_all();
        return InterpreterResult::new(InstructionResult::OutOfGas, Bytes::new(), gas);
    }
    InterpreterResult::new(result, output, gas)
}

fn call_input(
    evm: &mut DevEvm,
    caller: Address,
    to: Address,
    data: Bytes,
    value: U256,
    gas: u64,
    is_static: bool,
) -> Result<FrameInput, ContextDbError<DevContext>> {
    let acc = evm.ctx_mut().journal_mut().load_account_with_code(to)?;
    let known = (
        acc.info.code_hash,
        acc.info.code.clone().unwrap_or_default(),
    );
    Ok(FrameInput::Call(Box::new(CallInputs {
        input: CallInput::Bytes(data),
        return_memory_offset: 0..0,
        gas_limit: gas,
        reservoir: 0,
        bytecode_address: to,
        known_bytecode: known,
        target_address: to,
        caller,
        value: CallValue::Transfer(value),
        scheme: if is_static {
            CallScheme::StaticCall
        } else {
            CallScheme::Call
        },
        is_static,
        charged_new_account_state_gas: false,
    })))
}

/// Calls `to` from the native contract at `caller` with 63/64 of the gas left and
/// charges what the child used.
pub fn call_child(
    evm: &mut DevEvm,
    budget: &mut Budget,
    caller: Address,
    to: Address,
    data: Bytes,
    value: U256,
    is_static: bool,
) -> Result<InterpreterResult, ContextDbError<DevContext>> {
    let gas = budget.child();
    let input = call_input(evm, caller, to, data, value, gas, is_static)?;
    let FrameResult::Call(out) = evm.run_child(input)? else {
        unreachable!("a call frame returns a call outcome")
    };
    budget.spend(gas, out.result.gas.remaining());
    Ok(out.result)
}
