//! ArbSys (0x64): the chain's identity, the L2 block number and recent block hashes.

use alloy_sol_types::SolCall;
use revm::context::{Block, ContextTr};
use revm::context_interface::Host;
use revm::primitives::{B256, U256};

use super::{decode, Reply, STORAGE_READ_GAS};
use crate::abi::ArbSys::*;
use crate::arbos::params::ARBOS_VERSION;
use crate::evm::DevContext;

/// How many blocks before the current one have a hash (as EVM `BLOCKHASH`).
pub const BLOCK_HASH_WINDOW: u64 = 256;
/// Gas of copying one 32-byte word in or out of a precompile (geth's `CopyGas`).
const COPY_GAS: u64 = 3;

pub fn call(ctx: &mut DevContext, input: &[u8]) -> Reply {
    let Some(selector) = input.get(..4) else {
        return Reply::unknown_selector();
    };
    match <[u8; 4]>::try_from(selector).unwrap_or_default() {
        arbBlockNumberCall::SELECTOR => Reply::ok(ctx.block().number, 0),
        arbBlockHashCall::SELECTOR => match decode::<arbBlockHashCall>(input) {
            Ok(c) => block_hash(ctx, c.arbBlockNum),
            Err(r) => r,
        },
        arbChainIDCall::SELECTOR => Reply::ok(U256::from(ctx.cfg().chain_id), 0),
        // nitro reports 55 + the ArbOS version (a historical offset kept for compatibility).
        arbOSVersionCall::SELECTOR => Reply::ok(U256::from(55 + ARBOS_VERSION), STORAGE_READ_GAS),
        getStorageGasAvailableCall::SELECTOR => Reply::ok(U256::ZERO, 0),
        isTopLevelCallCall::SELECTOR => Reply::ok(true, 0),
        wasMyCallersAddressAliasedCall::SELECTOR => Reply::ok(false, 0),
        _ => Reply::unknown_selector(),
    }
}

/// nitro's rule (`precompiles/ArbSys.go`, `ArbBlockHash`): only the 256 blocks before the
/// current one have a hash; the current block, any later one, an older one and a number
/// beyond 64 bits revert with `InvalidBlockNumber(requested, current)`.
///
/// Gas as nitro's precompile framework charges a view method: one word of arguments
/// copied in, the ArbOS state opened (one storage read), and the returned words copied
/// out (the hash, or the error's three words).
fn block_hash(ctx: &mut DevContext, requested: U256) -> Reply {
    let current = ctx.block().number().saturating_to::<u64>();
    let gas_in = COPY_GAS + STORAGE_READ_GAS;
    let available = u64::try_from(requested)
        .ok()
        .filter(|&n| n < current && n.saturating_add(BLOCK_HASH_WINDOW) >= current);
    match available {
        Some(n) => {
            let hash: B256 = ctx.block_hash(n).unwrap_or_default();
            Reply::ok(hash, gas_in + COPY_GAS)
        }
        None => Reply::revert(
            InvalidBlockNumber {
                requested,
                current: U256::from(current),
            },
            gas_in + 3 * COPY_GAS,
        ),
    }
}
