//! Calls and creates from a program (nitro `arbos/programs/api.go`): the EVM's own
//! CALL/DELEGATECALL/STATICCALL/CREATE/CREATE2 run as child frames of the program's frame,
//! priced by geth's EIP-2929 call cost, the 63/64 rule and the value stipend.

use revm::context::{ContextTr, JournalTr};
use revm::context_interface::CreateScheme;
use revm::handler::FrameResult;
use revm::interpreter::{
    CallInput, CallInputs, CallScheme, CallValue, CreateInputs, FrameInput, InstructionResult,
};
use revm::primitives::{Address, Bytes, U256};
use wasmi::Linker;

use super::*;

const CALL_STIPEND: u64 = 2_300;
const CALL_VALUE_GAS: u64 = 9_000;
const NEW_ACCOUNT_GAS: u64 = 25_000;
const WARM_ACCESS_GAS: u64 = 100;
const COLD_ACCOUNT_EXTRA_GAS: u64 = 2_500;
const CREATE_GAS: u64 = 32_000;
const KECCAK_WORD_GAS: u64 = 6;

/// One call from the program: returns (status, gas cost) and leaves the callee's output
/// as the program's return data. Status is 0 on success and 2 on any failure, as nitro
/// reports it.
fn call(
    c: &mut Cx,
    scheme: CallScheme,
    target: Address,
    input: Bytes,
    value: U256,
    gas_req: u64,
) -> Hr<(u8, u64)> {
    let gas_left = gas_left(c);
    let frame = c.data().frame.clone();
    let is_static = frame.is_static || scheme == CallScheme::StaticCall;
    c.data_mut().return_data = Bytes::new();
    if frame.is_static && !value.is_zero() {
        return Ok((2, 0));
    }
    let ev = evm(c);
    let (cold, empty, hash, code) = {
        let acc = ev
            .ctx_mut()
            .journal_mut()
            .load_account_with_code(target)
            .map_err(state_err)?;
        let code = acc.info.code.clone().unwrap_or_default();
        (acc.is_cold, acc.is_empty(), acc.info.code_hash, code)
    };
    let mut base = WARM_ACCESS_GAS + if cold { COLD_ACCOUNT_EXTRA_GAS } else { 0 };
    let transfers = scheme == CallScheme::Call && !value.is_zero();
    if transfers {
        base += CALL_VALUE_GAS + if empty { NEW_ACCOUNT_GAS } else { 0 };
    }
    if base > gas_left {
        return Ok((2, gas_left));
    }
    let start_gas = (gas_left - base) * 63 / 64;
    let mut gas = start_gas.min(gas_req);
    if transfers {
        gas = gas.saturating_add(CALL_STIPEND);
    }
    let (target_address, caller, call_value) = match scheme {
        CallScheme::DelegateCall => (
            frame.address,
            frame.caller,
            CallValue::Apparent(frame.value),
        ),
        CallScheme::StaticCall => (target, frame.address, CallValue::Transfer(U256::ZERO)),
        _ => (target, frame.address, CallValue::Transfer(value)),
    };
    let inputs = CallInputs {
        input: CallInput::Bytes(input),
        return_memory_offset: 0..0,
        gas_limit: gas,
        reservoir: 0,
        bytecode_address: target,
        known_bytecode: (hash, code),
        target_address,
        caller,
        value: call_value,
        scheme,
        is_static,
        charged_new_account_state_gas: false,
    };
    let result = ev
        .run_child(FrameInput::Call(Box::new(inputs)))
        .map_err(state_err)?;
    let FrameResult::Call(outcome) = result else {
        return fail("a call produced a create result");
    };
    let r = outcome.result;
    if r.result.is_ok() {
        c.data_mut().refund += r.gas.refunded();
    }
    let returned = r.gas.remaining();
    let cost = base.saturating_add(gas.saturating_sub(returned));
    c.data_mut().return_data = r.output;
    Ok((if r.result.is_ok() { 0 } else { 2 }, cost))
}

fn call_hook(
    mut c: Cx,
    scheme: CallScheme,
    (contract, data, len, value, gas, ret_len): (i32, i32, i32, Option<i32>, i64, i32),
) -> Hr<i32> {
    buy_ink(&mut c, HOSTIO_INK + 3 * PTR_INK + EVM_API_INK)?;
    pay_for_read(&mut c, len as u32)?;
    pay_for_read(&mut c, len as u32)?;
    let target = read_address(&c, contract)?;
    let input = Bytes::from(read(&c, data, len as u32)?);
    let value = match value {
        Some(p) => read_u256(&c, p)?,
        None => U256::ZERO,
    };
    let (status, cost) = call(&mut c, scheme, target, input, value, gas as u64)?;
    buy_gas(&mut c, cost)?;
    let n = c.data().return_data.len() as u32;
    write_u32(&mut c, ret_len, n)?;
    Ok(status as i32)
}

/// CREATE/CREATE2 from the program; writes the new address (zero on failure) and
/// returns the revert-data length.
fn create(c: &mut Cx, code: Bytes, endowment: U256, salt: Option<U256>) -> Hr<(Address, u64)> {
    if c.data().frame.is_static {
        return fail("write protection: create in a static call");
    }
    let start = gas_left(c);
    let mut base = CREATE_GAS;
    if salt.is_some() {
        base += KECCAK_WORD_GAS * (code.len() as u64).div_ceil(32);
    }
    if start < base {
        return fail("out of gas for create");
    }
    let mut gas = start - base;
    let one64th = gas / 64;
    gas -= one64th;
    let scheme = match salt {
        Some(salt) => CreateScheme::Create2 { salt },
        None => CreateScheme::Create,
    };
    let me = c.data().frame.address;
    let inputs = CreateInputs::new(me, scheme, endowment, code, gas, 0);
    let result = evm(c)
        .run_child(FrameInput::Create(Box::new(inputs)))
        .map_err(state_err)?;
    let FrameResult::Create(outcome) = result else {
        return fail("a create produced a call result");
    };
    let r = &outcome.result;
    let ok = r.result.is_ok();
    if ok {
        c.data_mut().refund += r.gas.refunded();
    }
    let address = if ok {
        outcome.address.unwrap_or_default()
    } else {
        Address::ZERO
    };
    c.data_mut().return_data = if r.result == InstructionResult::Revert {
        r.output.clone()
    } else {
        Bytes::new()
    };
    let cost = start.saturating_sub(r.gas.remaining() + one64th);
    Ok((address, cost))
}

pub(super) fn link(l: &mut Linker<HostEnv>) -> Result<(), LinkerError> {
    const M: &str = "vm_hooks";
    l.func_wrap(M, "call_contract", call_contract)?;
    l.func_wrap(M, "delegate_call_contract", delegate_call_contract)?;
    l.func_wrap(M, "static_call_contract", static_call_contract)?;
    l.func_wrap(M, "create1", create1)?;
    l.func_wrap(M, "create2", create2)?;
    l.func_wrap(M, "return_data_size", return_data_size)?;
    l.func_wrap(M, "read_return_data", read_return_data)?;
    Ok(())
}

fn call_contract(c: Cx, to: i32, data: i32, len: i32, value: i32, gas: i64, ret: i32) -> Hr<i32> {
    call_hook(c, CallScheme::Call, (to, data, len, Some(value), gas, ret))
}

fn delegate_call_contract(c: Cx, to: i32, data: i32, len: i32, gas: i64, ret: i32) -> Hr<i32> {
    call_hook(c, CallScheme::DelegateCall, (to, data, len, None, gas, ret))
}

fn static_call_contract(c: Cx, to: i32, data: i32, len: i32, gas: i64, ret: i32) -> Hr<i32> {
    call_hook(c, CallScheme::StaticCall, (to, data, len, None, gas, ret))
}

fn create1(mut c: Cx, code: i32, len: i32, endowment: i32, out: i32, rlen: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + 3 * PTR_INK + EVM_API_INK)?;
    pay_for_read(&mut c, len as u32)?;
    pay_for_read(&mut c, len as u32)?;
    let code = Bytes::from(read(&c, code, len as u32)?);
    let endowment = read_u256(&c, endowment)?;
    let (address, cost) = create(&mut c, code, endowment, None)?;
    buy_gas(&mut c, cost)?;
    let n = c.data().return_data.len() as u32;
    write_u32(&mut c, rlen, n)?;
    write(&mut c, out, address.as_slice())
}

fn create2(
    mut c: Cx,
    code: i32,
    len: i32,
    endowment: i32,
    salt: i32,
    out: i32,
    rlen: i32,
) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + 4 * PTR_INK + EVM_API_INK)?;
    pay_for_read(&mut c, len as u32)?;
    pay_for_read(&mut c, len as u32)?;
    let code = Bytes::from(read(&c, code, len as u32)?);
    let endowment = read_u256(&c, endowment)?;
    let salt = read_u256(&c, salt)?;
    let (address, cost) = create(&mut c, code, endowment, Some(salt))?;
    buy_gas(&mut c, cost)?;
    let n = c.data().return_data.len() as u32;
    write_u32(&mut c, rlen, n)?;
    write(&mut c, out, address.as_slice())
}

fn return_data_size(mut c: Cx) -> Hr<i32> {
    buy_ink(&mut c, HOSTIO_INK)?;
    Ok(c.data().return_data.len() as i32)
}

fn read_return_data(mut c: Cx, dest: i32, offset: i32, size: i32) -> Hr<i32> {
    buy_ink(&mut c, HOSTIO_INK + EVM_API_INK)?;
    let data = c.data().return_data.clone();
    let offset = offset as u32 as usize;
    let available = data.len().saturating_sub(offset);
    let n = (size as u32 as usize).min(available);
    pay_for_write(&mut c, n as u32)?;
    if available == 0 {
        return Ok(0);
    }
    write(&mut c, dest, &data[offset..offset + n])?;
    Ok(n as i32)
}
