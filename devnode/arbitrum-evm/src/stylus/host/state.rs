//! Host functions that read or change state: storage through the per-call cache,
//! transient storage, logs and other accounts.

use revm::context::{ContextTr, JournalTr};
use revm::primitives::{Log, LogData, B256, U256};
use wasmi::Linker;

use super::*;
use crate::arbos::params::{ARBOS_VERSION, ARBOS_VERSION_STYLUS_LAST_CODE_CACHE_FIX};
use crate::stylus::storage_cache::REQUIRED_ACCESS_GAS;

const COLD_SLOAD_GAS: u64 = 2_100;
const WARM_ACCESS_GAS: u64 = 100;
const COLD_ACCOUNT_GAS: u64 = 2_600;
const SSTORE_SENTRY_GAS: u64 = 2_300;
const TRANSIENT_GAS: u64 = 100;
const LOG_TOPIC_GAS: u64 = 375;
const LOG_DATA_GAS: u64 = 8;
/// EXTCODESIZE's EIP-150 price, which nitro adds to code reads (`WasmAccountTouchCost`).
const EXTCODE_GAS: u64 = 700;

/// The gas the EVM API itself costs a cache miss (ArbOS ≥ 32: ink_to_gas(EVM_API_INK)).
fn evm_api_gas() -> u64 {
    crate::arbos::params::ink_to_gas(EVM_API_INK)
}

/// SSTORE's gas and refund under EIP-2200/2929/3529, without the sentry check
/// (geth `WasmStateStoreCost`).
fn store_cost(original: U256, present: U256, new: U256, cold: bool) -> (u64, i64) {
    let mut gas = if cold { COLD_SLOAD_GAS } else { 0 };
    let mut refund = 0i64;
    if present == new {
        return (gas + WARM_ACCESS_GAS, 0);
    }
    if original == present {
        if original.is_zero() {
            return (gas + 20_000, 0);
        }
        if new.is_zero() {
            refund += 4_800;
        }
        return (gas + 5_000 - COLD_SLOAD_GAS, refund);
    }
    gas += WARM_ACCESS_GAS;
    if !original.is_zero() {
        if present.is_zero() {
            refund -= 4_800;
        } else if new.is_zero() {
            refund += 4_800;
        }
    }
    if original == new {
        refund += if original.is_zero() {
            20_000 - WARM_ACCESS_GAS
        } else {
            5_000 - COLD_SLOAD_GAS - WARM_ACCESS_GAS
        } as i64;
    }
    (gas, refund)
}

/// Writes the cache's dirty slots to state, charging each as an SSTORE.
fn flush(c: &mut Cx, clear: bool) -> Hr<()> {
    let dirty = c.data_mut().cache.take_dirty();
    if clear {
        c.data_mut().cache.clear();
    }
    if dirty.is_empty() {
        return Ok(());
    }
    if c.data().frame.is_static {
        return fail("write protection: storage flush in a static call");
    }
    let address = c.data().frame.address;
    let budget = gas_left(c) + 1;
    let mut spent = 0u64;
    for (key, value) in dirty {
        let journal = evm(c).ctx_mut().journal_mut();
        let key = U256::from_be_bytes(key.0);
        let value = U256::from_be_bytes(value.0);
        // Price first from the current state (sstore warms the slot as it writes).
        let current = journal.sload(address, key).map_err(state_err)?;
        let cold = current.is_cold;
        let original = journal
            .evm_state()
            .get(&address)
            .and_then(|a| a.storage.get(&key))
            .map(|s| s.original_value)
            .unwrap_or(current.data);
        let (gas, refund) = store_cost(original, current.data, value, cold);
        spent = spent.saturating_add(gas);
        if spent > budget {
            buy_gas(c, spent)?;
            return fail("out of gas flushing storage");
        }
        let _ = journal.sstore(address, key, value);
        c.data_mut().refund += refund;
    }
    buy_gas(c, spent)
}

pub(super) fn link(l: &mut Linker<HostEnv>) -> Result<(), LinkerError> {
    const M: &str = "vm_hooks";
    l.func_wrap(M, "storage_load_bytes32", storage_load_bytes32)?;
    l.func_wrap(M, "storage_cache_bytes32", storage_cache_bytes32)?;
    l.func_wrap(M, "storage_flush_cache", storage_flush_cache)?;
    l.func_wrap(M, "transient_load_bytes32", transient_load_bytes32)?;
    l.func_wrap(M, "transient_store_bytes32", transient_store_bytes32)?;
    l.func_wrap(M, "emit_log", emit_log)?;
    l.func_wrap(M, "account_balance", account_balance)?;
    l.func_wrap(M, "account_codehash", account_codehash)?;
    l.func_wrap(M, "account_code_size", account_code_size)?;
    l.func_wrap(M, "account_code", account_code)?;
    Ok(())
}

fn storage_load_bytes32(mut c: Cx, key: i32, dest: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + 2 * PTR_INK)?;
    require_gas(&mut c, COLD_SLOAD_GAS + REQUIRED_ACCESS_GAS + evm_api_gas())?;
    let key = B256::from(read32(&c, key)?);
    let read_gas = c.data_mut().cache.read_gas();
    let (value, gas) = match c.data().cache.get(&key) {
        Some(v) => (v, read_gas),
        None => {
            let address = c.data().frame.address;
            let load = evm(&c)
                .ctx_mut()
                .journal_mut()
                .sload(address, U256::from_be_bytes(key.0))
                .map_err(|e| wasmi::Error::host(Escape::Failure(format!("state: {e:?}"))))?;
            let v = B256::from(load.data.to_be_bytes::<32>());
            c.data_mut().cache.insert_clean(key, v);
            let access = if load.is_cold {
                COLD_SLOAD_GAS
            } else {
                WARM_ACCESS_GAS
            };
            (v, read_gas + access + evm_api_gas())
        }
    };
    buy_gas(&mut c, gas)?;
    write(&mut c, dest, value.as_slice())
}

fn storage_cache_bytes32(mut c: Cx, key: i32, value: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + 2 * PTR_INK)?;
    require_gas(&mut c, SSTORE_SENTRY_GAS + REQUIRED_ACCESS_GAS)?;
    let key = B256::from(read32(&c, key)?);
    let value = B256::from(read32(&c, value)?);
    let gas = c.data_mut().cache.write_gas();
    c.data_mut().cache.write(key, value);
    buy_gas(&mut c, gas)
}

fn storage_flush_cache(mut c: Cx, clear: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + EVM_API_INK)?;
    require_gas(&mut c, SSTORE_SENTRY_GAS)?;
    flush(&mut c, clear != 0)
}

fn transient_load_bytes32(mut c: Cx, key: i32, dest: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
    buy_gas(&mut c, TRANSIENT_GAS)?;
    let key = read_u256(&c, key)?;
    let address = c.data().frame.address;
    let v = evm(&c).ctx_mut().journal_mut().tload(address, key);
    write(&mut c, dest, &v.to_be_bytes::<32>())
}

fn transient_store_bytes32(mut c: Cx, key: i32, value: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
    buy_gas(&mut c, TRANSIENT_GAS)?;
    let key = read_u256(&c, key)?;
    let value = read_u256(&c, value)?;
    if c.data().frame.is_static {
        return fail("write protection: transient store in a static call");
    }
    let address = c.data().frame.address;
    evm(&c).ctx_mut().journal_mut().tstore(address, key, value);
    Ok(())
}

fn emit_log(mut c: Cx, ptr: i32, len: i32, topics: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + EVM_API_INK)?;
    let (len, topics) = (len as u32, topics as u32);
    if topics > 4 || len < topics * 32 {
        return fail(format!("bad log: {topics} topics in {len} bytes"));
    }
    pay_for_read(&mut c, len)?;
    let data_len = (len - topics * 32) as u64;
    buy_gas(
        &mut c,
        LOG_TOPIC_GAS * (1 + topics as u64) + LOG_DATA_GAS * data_len,
    )?;
    if c.data().frame.is_static {
        return fail("write protection: log in a static call");
    }
    let bytes = read(&c, ptr, len)?;
    let (t, d) = bytes.split_at(topics as usize * 32);
    let topics = t.chunks(32).map(B256::from_slice).collect();
    let log = Log {
        address: c.data().frame.address,
        data: LogData::new_unchecked(topics, d.to_vec().into()),
    };
    evm(&c).ctx_mut().journal_mut().log(log);
    Ok(())
}

fn account_balance(mut c: Cx, addr: i32, dest: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
    require_gas(&mut c, COLD_ACCOUNT_GAS)?;
    let a = read_address(&c, addr)?;
    let (balance, cold) = {
        let acc = evm(&c)
            .ctx_mut()
            .journal_mut()
            .load_account(a)
            .map_err(state_err)?;
        (acc.data.info.balance, acc.is_cold)
    };
    buy_gas(
        &mut c,
        if cold {
            COLD_ACCOUNT_GAS
        } else {
            WARM_ACCESS_GAS
        },
    )?;
    write(&mut c, dest, &balance.to_be_bytes::<32>())
}

fn account_codehash(mut c: Cx, addr: i32, dest: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
    require_gas(&mut c, COLD_ACCOUNT_GAS)?;
    let a = read_address(&c, addr)?;
    let hash = evm(&c)
        .ctx_mut()
        .journal_mut()
        .code_hash(a)
        .map_err(state_err)?;
    buy_gas(
        &mut c,
        if hash.is_cold {
            COLD_ACCOUNT_GAS
        } else {
            WARM_ACCESS_GAS
        },
    )?;
    write(&mut c, dest, hash.data.as_slice())
}

fn account_code_size(mut c: Cx, addr: i32) -> Hr<i32> {
    Ok(code_access(&mut c, addr)?.len() as i32)
}

fn account_code(mut c: Cx, addr: i32, offset: i32, size: i32, dest: i32) -> Hr<i32> {
    let code = code_access(&mut c, addr)?;
    pay_for_write(&mut c, code.len() as u32)?;
    let start = (offset as u32 as usize).min(code.len());
    let end = start.saturating_add(size as u32 as usize).min(code.len());
    write(&mut c, dest, &code[start..end])?;
    Ok((end - start) as i32)
}

/// The shared part of `account_code` and `account_code_size`: nitro requires the worst
/// case (a cold access) before loading the code, then charges the access and EXTCODESIZE.
///
/// A request for the address of the previous code request is answered from the program's
/// `last_code` at no gas and without touching the state; since ArbOS 40 empty code is
/// not remembered, so an account without code is charged every time
/// (nitro `crates/arbutil/src/evm/req.rs`, `EvmApiRequestor::account_code`).
fn code_access(c: &mut Cx, addr: i32) -> Hr<revm::primitives::Bytes> {
    buy_ink(c, HOSTIO_INK + EVM_API_INK)?;
    require_gas(c, COLD_ACCOUNT_GAS)?;
    let a = read_address(c, addr)?;
    if let Some((last, code)) = &c.data().last_code {
        if *last == a {
            return Ok(code.clone());
        }
    }
    let code = evm(c).ctx_mut().journal_mut().code(a).map_err(state_err)?;
    let access = if code.is_cold {
        COLD_ACCOUNT_GAS
    } else {
        WARM_ACCESS_GAS
    };
    if !code.data.is_empty() || ARBOS_VERSION < ARBOS_VERSION_STYLUS_LAST_CODE_CACHE_FIX {
        c.data_mut().last_code = Some((a, code.data.clone()));
    }
    buy_gas(c, EXTCODE_GAS + access)?;
    Ok(code.data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(v: u64) -> U256 {
        U256::from(v)
    }

    #[test]
    fn sstore_prices_follow_eip_2200_2929_3529() {
        // cold, clean, zero → nonzero: 2100 + 20000
        assert_eq!(store_cost(u(0), u(0), u(1), true), (22_100, 0));
        // warm, clean, nonzero → other: 2900
        assert_eq!(store_cost(u(1), u(1), u(2), false), (2_900, 0));
        // warm, clean, nonzero → zero: 2900 and a 4800 refund
        assert_eq!(store_cost(u(1), u(1), u(0), false), (2_900, 4_800));
        // no-op: 100
        assert_eq!(store_cost(u(1), u(1), u(1), false), (100, 0));
        // dirty, back to original zero: 100 and 19900 back
        assert_eq!(store_cost(u(0), u(5), u(0), false), (100, 19_900));
        // dirty, back to original nonzero: 100 and 2800 back
        assert_eq!(store_cost(u(3), u(5), u(3), false), (100, 2_800));
    }
}
