//! A StylusDeployer at nitro-devnode's address, implemented natively.
//!
//! `cargo stylus deploy` deploys, activates and initialises a program in one transaction
//! through nitro-contracts' `StylusDeployer` (`deploy(bytes,bytes,uint256,bytes32)`).
//! This is our own implementation of that interface and its rules (same address, ABI,
//! errors, event and child calls, in the same order); it runs in Rust rather than as EVM
//! bytecode, so it charges its own gas by the rule measured against the real contract
//! (`own_gas`), while every child frame is charged exactly as it runs.

mod own_gas;

use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use revm::context::{ContextTr, JournalTr};
use revm::context_interface::CreateScheme;
use revm::handler::evm::ContextDbError;
use revm::handler::FrameResult;
use revm::interpreter::{CreateInputs, FrameInput, InstructionResult, InterpreterResult};
use revm::primitives::{address, keccak256, Address, Bytes, Log, B256, U256};

use crate::abi::ArbWasm::{activateProgramCall, codehashVersionCall, stylusVersionCall};
use crate::abi::StylusDeployer::{
    deployCall, ContractDeployed, ContractDeploymentError, ContractInitializationError,
    EmptyBytecode, InitValueButNotInitData, RefundExcessValueError,
};
use crate::arbos::precompiles::ARB_WASM;
use crate::evm::{DevContext, DevEvm};
use crate::native::{self, done, Budget, Stop};

/// nitro-devnode's StylusDeployer address (CREATE2 of its init code through the factory).
pub const ADDRESS: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");

fn db<E: Into<ContextDbError<DevContext>>>(e: E) -> Stop {
    Stop::Db(e.into())
}

/// Runs `deploy(...)` for the frame on top of the stack.
pub fn run(evm: &mut DevEvm) -> Result<InterpreterResult, ContextDbError<DevContext>> {
    let FrameInput::Call(inputs) = evm.top_input().clone() else {
        return Ok(done(0, 0, InstructionResult::Revert, Bytes::new()));
    };
    let limit = inputs.gas_limit;
    let mut budget = Budget { limit, used: 0 };
    let caller = Caller {
        sender: inputs.caller,
        value: inputs.value.get(),
    };
    let data = inputs.input.bytes(evm.ctx_ref());
    match deploy(evm, &mut budget, caller, &data) {
        Ok(new) => Ok(done(
            limit,
            budget.used,
            InstructionResult::Return,
            new.abi_encode().into(),
        )),
        Err(Stop::Revert(e)) => Ok(done(
            limit,
            budget.used,
            InstructionResult::Revert,
            e.into(),
        )),
        Err(Stop::Db(e)) => Err(e),
    }
}

/// Who called `deploy` and with how much value.
#[derive(Clone, Copy)]
struct Caller {
    sender: Address,
    value: U256,
}

/// The contract's steps in its order: create, activate if the codehash is not active,
/// initialise, refund what is left, emit `ContractDeployed`.
fn deploy(
    evm: &mut DevEvm,
    budget: &mut Budget,
    caller: Caller,
    data: &[u8],
) -> Result<Address, Stop> {
    let call = deployCall::abi_decode(data).map_err(|_| Stop::Revert(Vec::new()))?;
    // The Solidity contract's memory, which its own gas grows with.
    let mut memory = own_gas::Memory::default();
    let salted = call.salt != B256::ZERO;
    budget.charge(own_gas::entry(&mut memory, call.initData.len(), salted));
    if call.bytecode.is_empty() {
        return Err(Stop::Revert(EmptyBytecode {}.abi_encode()));
    }
    let new = create(evm, budget, &mut memory, &call)?;
    let activate = needs_activation(evm, budget, new)?;
    if activate {
        activate_program(evm, budget, new, caller.value, call.initValue)?;
    }
    initialise(evm, budget, &mut memory, new, &call)?;
    if activate || caller.value != call.initValue {
        refund(evm, budget, caller.sender)?;
    }
    let event = ContractDeployed {
        deployedContract: new,
    };
    evm.ctx_mut().journal_mut().log(Log {
        address: ADDRESS,
        data: event.encode_log_data(),
    });
    Ok(new)
}

/// The deployer's own CREATE (CREATE2 salted with the init data when a salt is given):
/// the opcode's and the bytecode copy's gas, then 63/64 of the rest for the init code.
fn create(
    evm: &mut DevEvm,
    budget: &mut Budget,
    memory: &mut own_gas::Memory,
    call: &deployCall,
) -> Result<Address, Stop> {
    let salted = call.salt != B256::ZERO;
    let scheme = if !salted {
        CreateScheme::Create
    } else {
        let packed = (call.salt, call.initData.clone(), call.initValue).abi_encode_packed();
        CreateScheme::Create2 {
            salt: U256::from_be_bytes(keccak256(packed).0),
        }
    };
    budget.charge(own_gas::create(memory, call.bytecode.len(), salted));
    let gas = budget.child();
    let create = CreateInputs::new(ADDRESS, scheme, U256::ZERO, call.bytecode.clone(), gas, 0);
    let FrameResult::Create(created) = evm.run_child(FrameInput::Create(Box::new(create)))? else {
        unreachable!("a create frame returns a create outcome")
    };
    budget.spend(gas, created.result.gas.remaining());
    match created.address {
        Some(a) if created.result.result.is_ok() => Ok(a),
        _ => {
            let out = created.result.output;
            if !out.is_empty() && created.result.result == InstructionResult::Revert {
                return Err(Stop::Revert(out.to_vec()));
            }
            Err(Stop::Revert(
                ContractDeploymentError {
                    bytecode: call.bytecode.clone(),
                }
                .abi_encode(),
            ))
        }
    }
}

/// `requiresActivation`: true unless ArbWasm's `codehashVersion` of the new code (0 when
/// it reverts) equals its `stylusVersion` — two static calls, as the contract makes them.
fn needs_activation(evm: &mut DevEvm, budget: &mut Budget, new: Address) -> Result<bool, Stop> {
    let codehash = evm.ctx_mut().journal_mut().code_hash(new).map_err(db)?.data;
    let mut version_of = |data: Vec<u8>| -> Result<u16, Stop> {
        let r = native::call_child(
            evm,
            budget,
            ADDRESS,
            ARB_WASM,
            data.into(),
            U256::ZERO,
            true,
        )?;
        let version = u16::abi_decode(&r.output).ok().filter(|_| r.result.is_ok());
        Ok(version.unwrap_or(0))
    };
    let code_version = version_of(codehashVersionCall { codehash }.abi_encode())?;
    let stylus_version = version_of(stylusVersionCall {}.abi_encode())?;
    Ok(code_version != stylus_version)
}

/// Activates `new`, paying ArbWasm with the value sent beyond `initValue`.
fn activate_program(
    evm: &mut DevEvm,
    budget: &mut Budget,
    new: Address,
    msg_value: U256,
    init_value: U256,
) -> Result<(), Stop> {
    let Some(fee_value) = msg_value.checked_sub(init_value) else {
        // Solidity's checked subtraction: Panic(0x11).
        let mut panic = vec![0x4e, 0x48, 0x7b, 0x71];
        panic.extend_from_slice(&U256::from(0x11).to_be_bytes::<32>());
        return Err(Stop::Revert(panic));
    };
    budget.charge(own_gas::activation(!fee_value.is_zero()));
    let r = native::call_child(
        evm,
        budget,
        ADDRESS,
        ARB_WASM,
        activateProgramCall { program: new }.abi_encode().into(),
        fee_value,
        false,
    )?;
    if !r.result.is_ok() {
        return Err(Stop::Revert(r.output.to_vec()));
    }
    Ok(())
}

/// Calls `new` with the init data and value; value without init data is refused.
fn initialise(
    evm: &mut DevEvm,
    budget: &mut Budget,
    memory: &mut own_gas::Memory,
    new: Address,
    call: &deployCall,
) -> Result<(), Stop> {
    if call.initData.is_empty() {
        if !call.initValue.is_zero() {
            return Err(Stop::Revert(InitValueButNotInitData {}.abi_encode()));
        }
        return Ok(());
    }
    let value_sent = !call.initValue.is_zero();
    budget.charge(own_gas::init_call(memory, call.initData.len(), value_sent));
    let r = native::call_child(
        evm,
        budget,
        ADDRESS,
        new,
        call.initData.clone(),
        call.initValue,
        false,
    )?;
    budget.charge(own_gas::returned(memory, r.output.len()));
    if !r.result.is_ok() {
        return Err(Stop::Revert(
            ContractInitializationError { newContract: new }.abi_encode(),
        ));
    }
    Ok(())
}

/// Sends the deployer's whole balance back to the sender (the activation fee's excess).
fn refund(evm: &mut DevEvm, budget: &mut Budget, sender: Address) -> Result<(), Stop> {
    let balance = evm
        .ctx_mut()
        .journal_mut()
        .load_account(ADDRESS)
        .map_err(db)?
        .data
        .info
        .balance;
    // Not measured: the few opcodes the contract spends finding a zero balance.
    if balance.is_zero() {
        return Ok(());
    }
    budget.charge(own_gas::refund());
    let r = native::call_child(evm, budget, ADDRESS, sender, Bytes::new(), balance, false)?;
    if !r.result.is_ok() {
        return Err(Stop::Revert(
            RefundExcessValueError {
                excessValue: balance,
            }
            .abi_encode(),
        ));
    }
    Ok(())
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
