//! 256-bit arithmetic host functions: results overwrite the first operand, and division by
//! zero gives zero, as the EVM's opcodes do.

use revm::primitives::U256;
use wasmi::Linker;

use super::*;

pub(super) fn link(l: &mut Linker<HostEnv>) -> Result<(), LinkerError> {
    const M: &str = "vm_hooks";
    l.func_wrap(M, "math_div", math_div)?;
    l.func_wrap(M, "math_mod", math_mod)?;
    l.func_wrap(M, "math_pow", math_pow)?;
    l.func_wrap(M, "math_add_mod", math_add_mod)?;
    l.func_wrap(M, "math_mul_mod", math_mul_mod)?;
    Ok(())
}

fn math_div(mut c: Cx, a: i32, b: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + 3 * PTR_INK + DIV_INK)?;
    let (x, y) = (read_u256(&c, a)?, read_u256(&c, b)?);
    let r = x.checked_div(y).unwrap_or_default();
    write(&mut c, a, &r.to_be_bytes::<32>())
}

fn math_mod(mut c: Cx, a: i32, b: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + 3 * PTR_INK + DIV_INK)?;
    let (x, y) = (read_u256(&c, a)?, read_u256(&c, b)?);
    let r = x.checked_rem(y).unwrap_or_default();
    write(&mut c, a, &r.to_be_bytes::<32>())
}

fn math_pow(mut c: Cx, a: i32, e: i32) -> Hr<()> {
    let exp = read32(&c, e)?;
    buy_ink(&mut c, HOSTIO_INK + 3 * PTR_INK + pow_price(&exp))?;
    let base = read_u256(&c, a)?;
    let r = base.wrapping_pow(U256::from_be_bytes(exp));
    write(&mut c, a, &r.to_be_bytes::<32>())
}

fn math_add_mod(mut c: Cx, a: i32, b: i32, m: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + 4 * PTR_INK + ADD_MOD_INK)?;
    let (x, y, n) = (read_u256(&c, a)?, read_u256(&c, b)?, read_u256(&c, m)?);
    write(&mut c, a, &x.add_mod(y, n).to_be_bytes::<32>())
}

fn math_mul_mod(mut c: Cx, a: i32, b: i32, m: i32) -> Hr<()> {
    buy_ink(&mut c, HOSTIO_INK + 4 * PTR_INK + MUL_MOD_INK)?;
    let (x, y, n) = (read_u256(&c, a)?, read_u256(&c, b)?, read_u256(&c, m)?);
    write(&mut c, a, &x.mul_mod(y, n).to_be_bytes::<32>())
}
