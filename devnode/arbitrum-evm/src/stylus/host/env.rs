//! Host functions about the call itself, the block, the transaction and the meter.

use revm::context::{Block, Transaction};
use revm::primitives::{keccak256, U256};
use wasmi::Linker;

use super::*;
use crate::arbos::params::INK_PRICE;

pub(super) fn link(l: &mut Linker<HostEnv>) {
    const M: &str = "vm_hooks";
    let ok = "host function names are unique";

    l.func_wrap(M, "read_args", |mut c: Cx, ptr: i32| -> Hr<()> {
        let len = c.data().args.len() as u32;
        buy_ink(&mut c, HOSTIO_INK)?;
        pay_for_write(&mut c, len)?;
        let args = c.data().args.clone();
        write(&mut c, ptr, &args)
    })
    .expect(ok);
    l.func_wrap(
        M,
        "write_result",
        |mut c: Cx, ptr: i32, len: i32| -> Hr<()> {
            buy_ink(&mut c, HOSTIO_INK)?;
            pay_for_read(&mut c, len as u32)?;
            pay_for_read(&mut c, len as u32)?; // and again as geth reads it
            let outs = read(&c, ptr, len as u32)?;
            c.data_mut().outs = outs;
            Ok(())
        },
    )
    .expect(ok);
    l.func_wrap(M, "exit_early", |_c: Cx, status: i32| -> Hr<()> {
        Err(wasmi::Error::i32_exit(status))
    })
    .expect(ok);
    l.func_wrap(M, "evm_gas_left", |mut c: Cx| -> Hr<i64> {
        buy_ink(&mut c, HOSTIO_INK)?;
        Ok(gas_left(&c) as i64)
    })
    .expect(ok);
    l.func_wrap(M, "evm_ink_left", |mut c: Cx| -> Hr<i64> {
        buy_ink(&mut c, HOSTIO_INK)?;
        Ok(ink_left(&c) as i64)
    })
    .expect(ok);
    l.func_wrap(M, "tx_ink_price", |mut c: Cx| -> Hr<i32> {
        buy_ink(&mut c, HOSTIO_INK)?;
        Ok(INK_PRICE as i32)
    })
    .expect(ok);
    l.func_wrap(M, "chainid", |mut c: Cx| -> Hr<i64> {
        buy_ink(&mut c, HOSTIO_INK)?;
        Ok(evm(&c).ctx_ref().cfg.chain_id as i64)
    })
    .expect(ok);
    l.func_wrap(M, "block_gas_limit", |mut c: Cx| -> Hr<i64> {
        buy_ink(&mut c, HOSTIO_INK)?;
        Ok(evm(&c).ctx_ref().block.gas_limit() as i64)
    })
    .expect(ok);
    // On Arbitrum, NUMBER and this hook give the L1 block number; the devnode's L1 advances
    // with its L2 (one L1 block per L2 block), so it equals the block env's number.
    l.func_wrap(M, "block_number", |mut c: Cx| -> Hr<i64> {
        buy_ink(&mut c, HOSTIO_INK)?;
        Ok(evm(&c).ctx_ref().block.number().saturating_to::<u64>() as i64)
    })
    .expect(ok);
    l.func_wrap(M, "block_timestamp", |mut c: Cx| -> Hr<i64> {
        buy_ink(&mut c, HOSTIO_INK)?;
        Ok(evm(&c).ctx_ref().block.timestamp().saturating_to::<u64>() as i64)
    })
    .expect(ok);
    l.func_wrap(M, "msg_reentrant", |mut c: Cx| -> Hr<i32> {
        buy_ink(&mut c, HOSTIO_INK)?;
        let me = c.data().frame.address;
        Ok(evm(&c).scope.is_reentrant(me) as i32)
    })
    .expect(ok);
    l.func_wrap(M, "block_basefee", |mut c: Cx, ptr: i32| -> Hr<()> {
        buy_ink(&mut c, HOSTIO_INK + PTR_INK)?;
        let fee = U256::from(evm(&c).ctx_ref().block.basefee());
        write(&mut c, ptr, &fee.to_be_bytes::<32>())
    })
    .expect(ok);
    // Arbitrum ignores the priority fee: the price a transaction pays is the base fee.
    l.func_wrap(M, "tx_gas_price", |mut c: Cx, ptr: i32| -> Hr<()> {
        buy_ink(&mut c, HOSTIO_INK + PTR_INK)?;
        let fee = U256::from(evm(&c).ctx_ref().block.basefee());
        write(&mut c, ptr, &fee.to_be_bytes::<32>())
    })
    .expect(ok);
    l.func_wrap(M, "block_coinbase", |mut c: Cx, ptr: i32| -> Hr<()> {
        buy_ink(&mut c, HOSTIO_INK + PTR_INK)?;
        let a = evm(&c).ctx_ref().block.beneficiary();
        write(&mut c, ptr, a.as_slice())
    })
    .expect(ok);
    l.func_wrap(M, "tx_origin", |mut c: Cx, ptr: i32| -> Hr<()> {
        buy_ink(&mut c, HOSTIO_INK + PTR_INK)?;
        let a = evm(&c).ctx_ref().tx.caller();
        write(&mut c, ptr, a.as_slice())
    })
    .expect(ok);
    l.func_wrap(M, "contract_address", |mut c: Cx, ptr: i32| -> Hr<()> {
        buy_ink(&mut c, HOSTIO_INK + PTR_INK)?;
        let a = c.data().frame.address;
        write(&mut c, ptr, a.as_slice())
    })
    .expect(ok);
    l.func_wrap(M, "msg_sender", |mut c: Cx, ptr: i32| -> Hr<()> {
        buy_ink(&mut c, HOSTIO_INK + PTR_INK)?;
        let a = c.data().frame.caller;
        write(&mut c, ptr, a.as_slice())
    })
    .expect(ok);
    l.func_wrap(M, "msg_value", |mut c: Cx, ptr: i32| -> Hr<()> {
        buy_ink(&mut c, HOSTIO_INK + PTR_INK)?;
        let v = c.data().frame.value;
        write(&mut c, ptr, &v.to_be_bytes::<32>())
    })
    .expect(ok);
    l.func_wrap(
        M,
        "native_keccak256",
        |mut c: Cx, ptr: i32, len: i32, out: i32| -> Hr<()> {
            buy_ink(&mut c, keccak_price(len as u32))?;
            let data = read(&c, ptr, len as u32)?;
            write(&mut c, out, keccak256(&data).as_slice())
        },
    )
    .expect(ok);
    l.func_wrap(
        M,
        "pay_for_memory_grow",
        |mut c: Cx, pages: i32| -> Hr<()> {
            let pages = pages as u16;
            if pages == 0 {
                return buy_ink(&mut c, HOSTIO_INK);
            }
            let scope = &mut evm(&c).scope;
            let gas = scope.pages.gas_cost(pages);
            scope.pages.add(pages);
            buy_gas(&mut c, gas)
        },
    )
    .expect(ok);

    // Debug imports nitro offers on debug chains (`console`); they cost nothing and print
    // through `tracing` at debug level.
    const C: &str = "console";
    l.func_wrap(C, "log_txt", |c: Cx, ptr: i32, len: i32| -> Hr<()> {
        let text = read(&c, ptr, len as u32)?;
        tracing::debug!(target: "devnode::console", "{}", String::from_utf8_lossy(&text));
        Ok(())
    })
    .expect(ok);
    l.func_wrap(C, "log_i32", |_c: Cx, v: i32| -> Hr<()> {
        tracing::debug!(target: "devnode::console", "{v}");
        Ok(())
    })
    .expect(ok);
    l.func_wrap(C, "log_i64", |_c: Cx, v: i64| -> Hr<()> {
        tracing::debug!(target: "devnode::console", "{v}");
        Ok(())
    })
    .expect(ok);
    l.func_wrap(C, "tee_i32", |_c: Cx, v: i32| -> Hr<i32> {
        tracing::debug!(target: "devnode::console", "{v}");
        Ok(v)
    })
    .expect(ok);
    l.func_wrap(C, "tee_i64", |_c: Cx, v: i64| -> Hr<i64> {
        tracing::debug!(target: "devnode::console", "{v}");
        Ok(v)
    })
    .expect(ok);
}
