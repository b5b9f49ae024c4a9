//! ArbGasInfo (0x6c): prices. The devnode has no L1 fees (nitro-devnode sets the L1
//! price per unit to zero), so every L1 component is zero and L2 gas costs the base fee.

use alloy_sol_types::SolCall;
use revm::context::{Block, ContextTr};
use revm::primitives::U256;

use super::Reply;
use crate::abi::ArbGasInfo::*;
use crate::evm::DevContext;

pub fn call(ctx: &mut DevContext, input: &[u8]) -> Reply {
    let Some(selector) = input.get(..4) else {
        return Reply::unknown_selector();
    };
    let base_fee = U256::from(ctx.block().basefee());
    let gas_limit = U256::from(ctx.block().gas_limit());
    let z = U256::ZERO;
    match <[u8; 4]>::try_from(selector).unwrap_or_default() {
        getPricesInWeiCall::SELECTOR => Reply::ok((z, z, z, base_fee, z, base_fee), 0),
        getPricesInArbGasCall::SELECTOR => Reply::ok((z, z, z), 0),
        getMinimumGasPriceCall::SELECTOR => Reply::ok(base_fee, 0),
        getL1BaseFeeEstimateCall::SELECTOR
        | getL1GasPriceEstimateCall::SELECTOR
        | getCurrentTxL1GasFeesCall::SELECTOR => Reply::ok(z, 0),
        getGasAccountingParamsCall::SELECTOR => Reply::ok((gas_limit, gas_limit, gas_limit), 0),
        _ => Reply::unknown_selector(),
    }
}
