//! ArbGasInfo (0x6c): prices (nitro `precompiles/ArbGasInfo.go`). The devnode has no L1
//! data fee (kept: see the devnode README's EVM row for why), so every L1 component is
//! zero and L2 gas costs the base fee. Each method reads the pricing words nitro reads.

use alloy_sol_types::SolCall;
use revm::context::{Block, ContextTr};
use revm::primitives::U256;

use super::{ok, Call, Method, Outcome, STORAGE_WRITE_GAS};
use crate::abi::ArbGasInfo::*;

pub(super) fn method(selector: [u8; 4]) -> Option<Method> {
    Some(Method::view(match selector {
        getPricesInWeiCall::SELECTOR => prices_in_wei,
        getPricesInArbGasCall::SELECTOR => prices_in_arb_gas,
        // the minimum base fee; the L1 price per unit
        getMinimumGasPriceCall::SELECTOR => |c| {
            c.meter.read()?;
            ok(base_fee(c))
        },
        getL1BaseFeeEstimateCall::SELECTOR | getL1GasPriceEstimateCall::SELECTOR => |c| {
            c.meter.read()?;
            ok(U256::ZERO)
        },
        // the poster fee of the current transaction, kept in memory, not in storage
        getCurrentTxL1GasFeesCall::SELECTOR => |_| ok(U256::ZERO),
        getGasAccountingParamsCall::SELECTOR => |c| {
            // the speed limit and the block gas limit
            c.meter.reads(2)?;
            let limit = U256::from(c.ctx.block().gas_limit());
            ok((limit, limit, limit))
        },
        _ => return None,
    }))
}

fn base_fee(c: &Call<'_>) -> U256 {
    U256::from(c.ctx.block().basefee())
}

/// (per L2 tx, per L1 calldata byte, per storage allocation, per ArbGas base,
/// congestion, total); reads the L1 price per unit and the minimum base fee. A storage
/// allocation is priced as one ArbOS word written at the base fee.
fn prices_in_wei(c: &mut Call<'_>) -> Outcome {
    c.meter.reads(2)?;
    let l2 = base_fee(c);
    let z = U256::ZERO;
    let storage = l2.saturating_mul(U256::from(STORAGE_WRITE_GAS));
    ok((z, z, storage, l2, z, l2))
}

/// (gas per L2 tx, gas per L1 calldata byte, gas per storage allocation); reads the L1
/// price per unit.
fn prices_in_arb_gas(c: &mut Call<'_>) -> Outcome {
    c.meter.read()?;
    let z = U256::ZERO;
    ok((z, z, U256::from(STORAGE_WRITE_GAS)))
}
