//! One call into a Stylus program, in nitro's order (`arbos/programs/programs.go`
//! CallProgram): check the activation, charge memory and init gas, run with the rest as
//! ink, restore the open pages, then apply the EVM memory floor on returned data.

use std::sync::Arc;

use revm::handler::evm::ContextDbError;
use revm::interpreter::{FrameInput, Gas, InstructionResult, InterpreterResult};
use revm::primitives::{Bytes, B256};
use wasmi::{Store, Val};

use super::host::{Escape, EvmPtr, Frame, HostEnv};
use crate::activation::{self, INK_LEFT, INK_STATUS, STACK_LEFT};
use crate::arbos::params::{
    gas_to_ink, ink_to_gas, MAX_STACK_DEPTH, MAX_WASM_SIZE, PAGE_LIMIT, STYLUS_VERSION,
};
use crate::arbos::programs;
use crate::evm::{DevContext, DevEvm};

/// How a program call ended (nitro's `UserOutcome`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Revert,
    /// A trap or a host error: reverts with no data, keeps the unspent gas.
    Failure(String),
    OutOfInk,
    OutOfStack,
}

fn halt(gas_limit: u64, why: InstructionResult) -> InterpreterResult {
    let mut gas = Gas::new(gas_limit);
    gas.spend_all();
    InterpreterResult::new(why, Bytes::new(), gas)
}

/// Runs the program on top of the frame stack; returns the frame's result.
pub fn run_program(
    evm: &mut DevEvm,
    codehash: B256,
) -> Result<InterpreterResult, ContextDbError<DevContext>> {
    let FrameInput::Call(inputs) = evm.top_input().clone() else {
        return Ok(halt(0, InstructionResult::FatalExternalError));
    };
    let gas_limit = inputs.gas_limit;
    let args = inputs.input.bytes(evm.ctx_ref());
    let now = evm.ctx_ref().block.timestamp.saturating_to::<u64>();

    let Some(program) = programs::load(evm.ctx_mut(), codehash) else {
        tracing::debug!(%codehash, "call to a Stylus program that is not activated");
        return Ok(halt(gas_limit, InstructionResult::OpcodeNotFound));
    };
    if program.version != STYLUS_VERSION || program.expired(now) {
        tracing::debug!(%codehash, "call to a Stylus program that needs upgrade or expired");
        return Ok(halt(gas_limit, InstructionResult::OpcodeNotFound));
    }
    let runtime = Arc::clone(&evm.runtime);
    let code = inputs.known_bytecode.1.original_bytes();
    let Some(module) = module(&runtime, codehash, &code) else {
        return Ok(halt(gas_limit, InstructionResult::FatalExternalError));
    };

    let entry_gas = evm
        .scope
        .pages
        .gas_cost(program.footprint)
        .saturating_add(program.call_gas());
    if entry_gas > gas_limit {
        return Ok(halt(gas_limit, InstructionResult::OutOfGas));
    }
    let open_before = evm.scope.pages.open;
    evm.scope.pages.add(program.footprint);

    let frame = Frame {
        address: inputs.target_address,
        caller: inputs.caller,
        value: inputs.value.get(),
        is_static: inputs.is_static,
    };
    let env = HostEnv {
        evm: EvmPtr(evm as *mut DevEvm),
        frame,
        args: args.clone(),
        outs: Vec::new(),
        return_data: Bytes::new(),
        cache: Default::default(),
        last_code: None,
        refund: 0,
        memory: None,
        ink: None,
        ink_status: None,
    };
    let ink = gas_to_ink(gas_limit - entry_gas);
    let mut store = Store::new(runtime.engine(), env);
    let (outcome, ink_left) = execute(&mut store, &runtime, &module, ink, args.len() as i32);
    let env = store.into_data();
    evm.scope.pages.open = open_before;

    tracing::trace!(%codehash, ?outcome, ink_left, "stylus call");
    if let Outcome::Failure(why) = &outcome {
        tracing::debug!(%codehash, "stylus program failed: {why}");
    }
    Ok(frame_result(
        gas_limit, outcome, ink_left, env.outs, env.refund,
    ))
}

/// The compiled module of an activated program: from this process's cache, or rebuilt
/// from its code (activated in state but not compiled here, e.g. a loaded state file).
fn module(
    runtime: &super::runtime::StylusRuntime,
    codehash: B256,
    code: &[u8],
) -> Option<wasmi::Module> {
    if let Some(m) = runtime.cached(&codehash) {
        return Some(m);
    }
    let built = activation::decompress(code, MAX_WASM_SIZE)
        .and_then(|wasm| activation::activate(&wasm, PAGE_LIMIT))
        .map_err(|e| e.to_string())
        .and_then(|a| {
            runtime
                .compile(codehash, &a.module)
                .map_err(|e| e.to_string())
        });
    match built {
        Ok(m) => Some(m),
        Err(e) => {
            tracing::warn!(%codehash, "cannot rebuild an activated program: {e}");
            None
        }
    }
}

/// The call frame's result from the program's outcome: a failure reverts with no data and
/// keeps the unspent gas; running out of ink or stack takes all of it.
fn frame_result(
    gas_limit: u64,
    outcome: Outcome,
    ink_left: u64,
    outs: Vec<u8>,
    refund: i64,
) -> InterpreterResult {
    let mut gas_left = ink_to_gas(ink_left);
    let (result, output) = match outcome {
        Outcome::Success => (InstructionResult::Return, outs),
        Outcome::Revert => (InstructionResult::Revert, outs),
        Outcome::Failure(_) => (InstructionResult::Revert, Vec::new()),
        Outcome::OutOfInk => return halt(gas_limit, InstructionResult::OutOfGas),
        Outcome::OutOfStack => return halt(gas_limit, InstructionResult::StackOverflow),
    };
    // ArbOS ≥ 31: returning data costs at least what EVM memory for it would.
    if !output.is_empty() {
        let words = (output.len() as u64).div_ceil(32);
        let evm_cost = 3 * words + words * words / 512;
        if gas_limit < evm_cost {
            return halt(gas_limit, InstructionResult::OutOfGas);
        }
        gas_left = gas_left.min(gas_limit - evm_cost);
    }
    let mut gas = Gas::new(gas_limit);
    let _ = gas.record_regular_cost(gas_limit - gas_left);
    if result == InstructionResult::Return {
        gas.record_refund(refund);
    }
    InterpreterResult::new(result, output.into(), gas)
}

/// Instantiates and runs the module; returns the outcome and the ink left.
fn execute(
    store: &mut Store<HostEnv>,
    runtime: &super::runtime::StylusRuntime,
    module: &wasmi::Module,
    ink: u64,
    args_len: i32,
) -> (Outcome, u64) {
    let instance = match runtime.linker().instantiate_and_start(&mut *store, module) {
        Ok(i) => i,
        Err(e) => return (Outcome::Failure(format!("instantiation: {e}")), ink),
    };
    let ink_g = instance.get_global(&*store, INK_LEFT);
    let status_g = instance.get_global(&*store, INK_STATUS);
    let stack_g = instance.get_global(&*store, STACK_LEFT);
    let (Some(ink_g), Some(status_g), Some(stack_g)) = (ink_g, status_g, stack_g) else {
        return (Outcome::Failure("module is not instrumented".into()), ink);
    };
    let _ = ink_g.set(&mut *store, Val::I64(ink as i64));
    let _ = status_g.set(&mut *store, Val::I32(0));
    let _ = stack_g.set(&mut *store, Val::I32(MAX_STACK_DEPTH as i32));
    {
        let memory = instance.get_memory(&*store, "memory");
        let data = store.data_mut();
        data.memory = memory;
        data.ink = Some(ink_g);
        data.ink_status = Some(status_g);
    }
    let Ok(entry) = instance.get_typed_func::<i32, i32>(&*store, "user_entrypoint") else {
        return (Outcome::Failure("no user_entrypoint".into()), ink);
    };
    let result = entry.call(&mut *store, args_len);

    let ink_left = match (ink_g.get(&*store), status_g.get(&*store)) {
        (_, Val::I32(s)) if s != 0 => 0,
        (Val::I64(v), _) => v as u64,
        _ => 0,
    };
    let outcome = match result {
        Ok(0) => Outcome::Success,
        Ok(_) => Outcome::Revert,
        Err(e) => {
            if matches!(stack_g.get(&*store), Val::I32(0)) {
                Outcome::OutOfStack
            } else if ink_left == 0 && matches!(status_g.get(&*store), Val::I32(s) if s != 0) {
                Outcome::OutOfInk
            } else if let Some(status) = e.i32_exit_status() {
                if status == 0 {
                    Outcome::Success
                } else {
                    Outcome::Revert
                }
            } else if let Some(escape) = e.downcast_ref::<Escape>() {
                match escape {
                    Escape::OutOfInk => Outcome::OutOfInk,
                    other => Outcome::Failure(other.to_string()),
                }
            } else {
                Outcome::Failure(e.to_string())
            }
        }
    };
    (outcome, ink_left)
}
