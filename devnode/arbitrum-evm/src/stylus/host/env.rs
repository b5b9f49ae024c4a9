//! Host functions about the call itself, the block, the transaction and the meter.

use revm::context::{Block, Transaction};
use revm::primitives::{keccak256, U256};
use wasmi::Linker;

use super::*;
use crate::arbos::params::INK_PRICE;

pub(super) fn link(l: &mut Linker<HostEnv>) -> Result<(), LinkerError> {
    const M: &str = "vm_hooks";
    // Debug imports nitro offers on debug chains (`console`); they cost nothing and
    // print through `tracing` at debug level.
    const C: &str = "console";
    l.func_wrap(M, "read_args", read_args)?;
    l.func_wrap(M, "write_result", write_result)?;
    l.func_wrap(M, "exit_early", exit_early)?;
    l.func_wrap(M, "evm_gas_left", evm_gas_left)?;
    l.func_wrap(M, "evm_ink_left", evm_ink_left)?;
    l.func_wrap(M, "tx_ink_price", tx_ink_price)?;
    l.func_wrap(M, "chainid", chainid)?;
    l.func_wrap(M, "block_gas_limit", block_gas_limit)?;
    l.func_wrap(M, "block_number", block_number)?;
    l.func_wrap(M, "block_timestamp", block_timestamp)?;
    l.func_wrap(M, "msg_reentrant", msg_reentrant)?;
    l.func_wrap(M, "block_basefee", block_basefee)?;
    l.func_wrap(M, "tx_gas_price", tx_gas_price)?;
    l.func_wrap(M, "block_coinbase", block_coinbase)?;
    l.func_wrap(M, "tx_origin", tx_origin)?;
    l.func_wrap(M, "contract_address", contract_address)?;
    l.func_wrap(M, "msg_sender", msg_sender)?;
    l.func_wrap(M, "msg_value", msg_value)?;
    l.func_wrap(M, "native_keccak256", native_keccak256)?;
    l.func_wrap(M, "pay_for_memory_grow", pay_for_memory_grow)?;
    l.func_wrap(C, "log_txt", console_log_txt)?;
    l.func_wrap(C, "log_i32", console_log_i32)?;
    l.func_wrap(C, "log_i64", console_log_i64)?;
    l.func_wrap(C, "log_f32", console_log_f32)?;
    l.func_wrap(C, "log_f64", console_log_f64)?;
    l.func_wrap(C, "tee_i32", console_tee_i32)?;
    l.func_wrap(C, "tee_i64", console_tee_i64)?;
    l.func_wrap(C, "tee_f32", console_tee_f32)?;
    l.func_wrap(C, "tee_f64", console_tee_f64)?;
    Ok(())
}

fn read_args(mut c: Cx, ptr: i32) -> Hr<()> {
    let len = c.data().args.len() as u32;
    buy_ink(&mut c, HOSTIO_INK)?;
    pay_for_write(&mut c, len)?;
    let args = c.data().args.clone();
    write(&mut c, ptr, &args)
}

fn write_result(mut c: Cx, ptr: i32, len: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK)?;
    pay_for_read(&mut c, len as u32)?;
    pay_for_read(&mut c, len as u32)?; // and again as geth reads it
    let outs = read(&c, ptr, len as u32)?;
    c.data_mut().outs = outs;
    Ok(())
}

fn exit_early(_c: Cx, status: i32) -> Hr<()> {
    Err(wasmi::Error::i32_exit(status))
}

fn evm_gas_left(mut c: Cx) -> Hr<i64> {
    buy_ink(&mut c, HOSTIO_INK)?;
    Ok(gas_left(&c) as i64)
}

fn evm_ink_left(mut c: Cx) -> Hr<i64> {
    buy_ink(&mut c, HOSTIO_INK)?;
    Ok(ink_left(&c) as i64)
}

fn tx_ink_price(mut c: Cx) -> Hr<i32> {
    buy_ink(&mut c, HOSTIO_INK)?;
    Ok(INK_PRICE as i32)
}

fn chainid(mut c: Cx) -> Hr<i64> {
    buy_ink(&mut c, HOSTIO_INK)?;
    Ok(evm(&c).ctx_ref().cfg.chain_id as i64)
}

fn block_gas_limit(mut c: Cx) -> Hr<i64> {
    buy_ink(&mut c, HOSTIO_INK)?;
    Ok(evm(&c).ctx_ref().block.gas_limit() as i64)
}

/// On Arbitrum, NUMBER and this hook give the L1 block number; the devnode's L1 advances
/// with its L2 (one L1 block per L2 block), so it equals the block env's number.
fn block_number(mut c: Cx) -> Hr<i64> {
    buy_ink(&mut c, HOSTIO_INK)?;
    Ok(evm(&c).ctx_ref().block.number().saturating_to::<u64>() as i64)
}

fn block_timestamp(mut c: Cx) -> Hr<i64> {
    buy_ink(&mut c, HOSTIO_INK)?;
    Ok(evm(&c).ctx_ref().block.timestamp().saturating_to::<u64>() as i64)
}

fn msg_reentrant(mut c: Cx) -> Hr<i32> {
    buy_ink(&mut c, HOSTIO_INK)?;
    let me = c.data().frame.address;
    Ok(evm(&c).scope.is_reentrant(me) as i32)
}

fn block_basefee(mut c: Cx, ptr: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + PTR_INK)?;
    let fee = U256::from(evm(&c).ctx_ref().block.basefee());
    write(&mut c, ptr, &fee.to_be_bytes::<32>())
}

/// Arbitrum ignores the priority fee: the price a transaction pays is the base fee.
fn tx_gas_price(mut c: Cx, ptr: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + PTR_INK)?;
    let fee = U256::from(evm(&c).ctx_ref().block.basefee());
    write(&mut c, ptr, &fee.to_be_bytes::<32>())
}

fn block_coinbase(mut c: Cx, ptr: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + PTR_INK)?;
    let a = evm(&c).ctx_ref().block.beneficiary();
    write(&mut c, ptr, a.as_slice())
}

fn tx_origin(mut c: Cx, ptr: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + PTR_INK)?;
    let a = evm(&c).ctx_ref().tx.caller();
    write(&mut c, ptr, a.as_slice())
}

fn contract_address(mut c: Cx, ptr: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + PTR_INK)?;
    let a = c.data().frame.address;
    write(&mut c, ptr, a.as_slice())
}

fn msg_sender(mut c: Cx, ptr: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + PTR_INK)?;
    let a = c.data().frame.caller;
    write(&mut c, ptr, a.as_slice())
}

fn msg_value(mut c: Cx, ptr: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + PTR_INK)?;
    let v = c.data().frame.value;
    write(&mut c, ptr, &v.to_be_bytes::<32>())
}

fn native_keccak256(mut c: Cx, ptr: i32, len: i32, out: i32) -> Hr<()> {
    buy_ink(&mut c, keccak_price(len as u32))?;
    let data = read(&c, ptr, len as u32)?;
    write(&mut c, out, keccak256(&data).as_slice())
}

fn pay_for_memory_grow(mut c: Cx, pages: i32) -> Hr<()> {
    let pages = pages as u16;
    if pages == 0 {
        return buy_ink(&mut c, HOSTIO_INK);
    }
    let scope = &mut evm(&c).scope;
    let gas = scope.pages.gas_cost(pages);
    scope.pages.add(pages);
    buy_gas(&mut c, gas)
}

fn console_log_txt(c: Cx, ptr: i32, len: i32) -> Hr<()> {
    let text = read(&c, ptr, len as u32)?;
    tracing::debug!(target: "devnode::console", "{}", String::from_utf8_lossy(&text));
    Ok(())
}

fn console_log_i32(_c: Cx, v: i32) -> Hr<()> {
    tracing::debug!(target: "devnode::console", "{v}");
    Ok(())
}

fn console_log_i64(_c: Cx, v: i64) -> Hr<()> {
    tracing::debug!(target: "devnode::console", "{v}");
    Ok(())
}

fn console_tee_i32(_c: Cx, v: i32) -> Hr<i32> {
    tracing::debug!(target: "devnode::console", "{v}");
    Ok(v)
}

fn console_tee_i64(_c: Cx, v: i64) -> Hr<i64> {
    tracing::debug!(target: "devnode::console", "{v}");
    Ok(v)
}

fn console_log_f32(_c: Cx, v: f32) -> Hr<()> {
    tracing::debug!(target: "devnode::console", "{v}");
    Ok(())
}

fn console_log_f64(_c: Cx, v: f64) -> Hr<()> {
    tracing::debug!(target: "devnode::console", "{v}");
    Ok(())
}

fn console_tee_f32(_c: Cx, v: f32) -> Hr<f32> {
    tracing::debug!(target: "devnode::console", "{v}");
    Ok(v)
}

fn console_tee_f64(_c: Cx, v: f64) -> Hr<f64> {
    tracing::debug!(target: "devnode::console", "{v}");
    Ok(v)
}
