//! A StylusDeployer at nitro-devnode's address, implemented natively.
//!
//! `cargo stylus deploy` deploys, activates and initialises a program in one transaction
//! through nitro-contracts' `StylusDeployer` (`deploy(bytes,bytes,uint256,bytes32)`).
//! This is our own implementation of that interface and its rules (same address, ABI,
//! errors and event); it runs in Rust rather than as EVM bytecode, so its own overhead is
//! a fixed estimate (`OVERHEAD_GAS`) while every child frame is charged exactly.

use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use revm::context::{ContextTr, JournalTr};
use revm::context_interface::CreateScheme;
use revm::handler::evm::ContextDbError;
use revm::handler::FrameResult;
use revm::interpreter::{
    CallInput, CallInputs, CallScheme, CallValue, CreateInputs, FrameInput, Gas, InstructionResult,
    InterpreterResult,
};
use revm::primitives::{address, keccak256, Address, Bytes, Log, B256, U256};

use crate::abi::ArbWasm::{activateProgramCall, codehashVersionCall};
use crate::abi::StylusDeployer::{
    deployCall, ContractDeployed, ContractDeploymentError, ContractInitializationError,
    EmptyBytecode, InitValueButNotInitData, RefundExcessValueError,
};
use crate::arbos::params::STYLUS_VERSION;
use crate::arbos::precompiles::ARB_WASM;
use crate::evm::{DevContext, DevEvm};

/// nitro-devnode's StylusDeployer address (CREATE2 of its init code through the factory).
pub const ADDRESS: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// What the Solidity contract would spend on its own bookkeeping (calldata decoding,
/// memory, the event), charged on top of the children.
pub const OVERHEAD_GAS: u64 = 12_000;

struct Budget {
    limit: u64,
    used: u64,
}

impl Budget {
    fn left(&self) -> u64 {
        self.limit.saturating_sub(self.used)
    }
    /// Gas for a child under the 63/64 rule.
    fn child(&self) -> u64 {
        self.left() - self.left() / 64
    }
    fn spend(&mut self, given: u64, returned: u64) {
        self.used = self.used.saturating_add(given.saturating_sub(returned));
    }
}

fn done(limit: u64, used: u64, result: InstructionResult, output: Bytes) -> InterpreterResult {
    let mut gas = Gas::new(limit);
    if !gas.record_regular_cost(used.min(limit)) || used > limit {
        gas.spend_all();
        return InterpreterResult::new(InstructionResult::OutOfGas, Bytes::new(), gas);
    }
    InterpreterResult::new(result, output, gas)
}

fn call_input(
    evm: &mut DevEvm,
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
        caller: ADDRESS,
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

fn call_child(
    evm: &mut DevEvm,
    budget: &mut Budget,
    to: Address,
    data: Bytes,
    value: U256,
    is_static: bool,
) -> Result<InterpreterResult, ContextDbError<DevContext>> {
    let gas = budget.child();
    let input = call_input(evm, to, data, value, gas, is_static)?;
    let FrameResult::Call(out) = evm.run_child(input)? else {
        unreachable!("a call frame returns a call outcome")
    };
    budget.spend(gas, out.result.gas.remaining());
    Ok(out.result)
}

/// Runs `deploy(...)` for the frame on top of the stack.
pub fn run(evm: &mut DevEvm) -> Result<InterpreterResult, ContextDbError<DevContext>> {
    let FrameInput::Call(inputs) = evm.top_input().clone() else {
        return Ok(done(0, 0, InstructionResult::Revert, Bytes::new()));
    };
    let limit = inputs.gas_limit;
    let data = inputs.input.bytes(evm.ctx_ref());
    let sender = inputs.caller;
    let msg_value = inputs.value.get();
    let mut budget = Budget {
        limit,
        used: OVERHEAD_GAS.min(limit),
    };
    let revert =
        |b: &Budget, e: Vec<u8>| Ok(done(limit, b.used, InstructionResult::Revert, e.into()));

    let Ok(call) = deployCall::abi_decode(&data) else {
        return revert(&budget, Vec::new());
    };
    if call.bytecode.is_empty() {
        return revert(&budget, EmptyBytecode {}.abi_encode());
    }
    let scheme = if call.salt == B256::ZERO {
        CreateScheme::Create
    } else {
        let packed = (call.salt, call.initData.clone(), call.initValue).abi_encode_packed();
        CreateScheme::Create2 {
            salt: U256::from_be_bytes(keccak256(packed).0),
        }
    };
    // The deployer's own CREATE: 32000 (+ hashing for CREATE2) and 63/64 of the rest.
    let create_base = 32_000 + 6 * (call.bytecode.len() as u64).div_ceil(32);
    budget.used = budget.used.saturating_add(create_base);
    let gas = budget.child();
    let create = CreateInputs::new(ADDRESS, scheme, U256::ZERO, call.bytecode.clone(), gas, 0);
    let FrameResult::Create(created) = evm.run_child(FrameInput::Create(Box::new(create)))? else {
        unreachable!("a create frame returns a create outcome")
    };
    budget.spend(gas, created.result.gas.remaining());
    let new = match created.address {
        Some(a) if created.result.result.is_ok() => a,
        _ => {
            let out = created.result.output;
            if !out.is_empty() && created.result.result == InstructionResult::Revert {
                return revert(&budget, out.to_vec());
            }
            return revert(
                &budget,
                ContractDeploymentError {
                    bytecode: call.bytecode,
                }
                .abi_encode(),
            );
        }
    };

    // requiresActivation: the version the codehash is active at, or 0 if none.
    let codehash = evm.ctx_mut().journal_mut().code_hash(new)?.data;
    let probe = call_child(
        evm,
        &mut budget,
        ARB_WASM,
        codehashVersionCall { codehash }.abi_encode().into(),
        U256::ZERO,
        true,
    )?;
    let version = if probe.result.is_ok() {
        u16::abi_decode(&probe.output).unwrap_or(0)
    } else {
        0
    };
    let activate = version != STYLUS_VERSION;
    if activate {
        let Some(fee_value) = msg_value.checked_sub(call.initValue) else {
            // Solidity's checked subtraction: Panic(0x11).
            let mut panic = vec![0x4e, 0x48, 0x7b, 0x71];
            panic.extend_from_slice(&U256::from(0x11).to_be_bytes::<32>());
            return revert(&budget, panic);
        };
        let r = call_child(
            evm,
            &mut budget,
            ARB_WASM,
            activateProgramCall { program: new }.abi_encode().into(),
            fee_value,
            false,
        )?;
        if !r.result.is_ok() {
            return revert(&budget, r.output.to_vec());
        }
    }
    if !call.initData.is_empty() {
        let r = call_child(
            evm,
            &mut budget,
            new,
            call.initData.clone(),
            call.initValue,
            false,
        )?;
        if !r.result.is_ok() {
            return revert(
                &budget,
                ContractInitializationError { newContract: new }.abi_encode(),
            );
        }
    } else if !call.initValue.is_zero() {
        return revert(&budget, InitValueButNotInitData {}.abi_encode());
    }
    if activate || msg_value != call.initValue {
        let balance = evm
            .ctx_mut()
            .journal_mut()
            .load_account(ADDRESS)?
            .data
            .info
            .balance;
        if !balance.is_zero() {
            let r = call_child(evm, &mut budget, sender, Bytes::new(), balance, false)?;
            if !r.result.is_ok() {
                return revert(
                    &budget,
                    RefundExcessValueError {
                        excessValue: balance,
                    }
                    .abi_encode(),
                );
            }
        }
    }
    let event = ContractDeployed {
        deployedContract: new,
    };
    evm.ctx_mut().journal_mut().log(Log {
        address: ADDRESS,
        data: event.encode_log_data(),
    });
    Ok(done(
        limit,
        budget.used,
        InstructionResult::Return,
        new.abi_encode().into(),
    ))
}

/// EVM init code that deploys `code` verbatim (the "deploy prelude" cargo-stylus puts
/// before a compressed program): `CODECOPY(0, 12, len); RETURN(0, len)`.
pub fn init_code(code: &[u8]) -> Bytes {
    let len = u16::try_from(code.len()).unwrap_or(u16::MAX).to_be_bytes();
    let mut out = vec![
        0x61, len[0], len[1], 0x80, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3,
    ];
    out.extend_from_slice(code);
    out.into()
}

/// The deployable form of a WASM program: the Stylus prefix `EF F0 00`, dictionary 0
/// (none), then the module brotli-compressed at quality 11 with a 4 MiB window, as
/// cargo-stylus and our contracts packager produce it.
pub fn program_code(wasm: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut out = vec![0xEF, 0xF0, 0x00, 0x00];
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        // Writing into a Vec cannot fail.
        let _ = w.write_all(wasm);
    }
    out
}
