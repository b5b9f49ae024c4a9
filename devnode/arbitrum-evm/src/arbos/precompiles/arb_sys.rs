//! ArbSys (0x64): the chain's identity, the L2 block number and recent block hashes
//! (nitro `precompiles/ArbSys.go`). None of these methods reads storage beyond the ArbOS
//! version every call pays for, so each costs 800 + 3 per word in and out.

use alloy_sol_types::SolCall;
use revm::context::{Block, ContextTr};
use revm::context_interface::Host;
use revm::primitives::{B256, U256};

use super::{ok, Call, Failure, Method, Outcome};
use crate::abi::ArbSys::*;
use crate::arbos::params::ARBOS_VERSION;

/// How many blocks before the current one have a hash (as EVM `BLOCKHASH`).
pub const BLOCK_HASH_WINDOW: u64 = 256;

pub(super) fn method(selector: [u8; 4]) -> Option<Method> {
    Some(Method::view(match selector {
        arbBlockNumberCall::SELECTOR => |c| ok(c.ctx.block().number),
        arbBlockHashCall::SELECTOR => block_hash,
        arbChainIDCall::SELECTOR => |c| ok(U256::from(c.ctx.cfg().chain_id)),
        // nitro reports 55 + the ArbOS version (a historical offset kept for compatibility).
        arbOSVersionCall::SELECTOR => |_| ok(U256::from(55 + ARBOS_VERSION)),
        getStorageGasAvailableCall::SELECTOR => |_| ok(U256::ZERO),
        isTopLevelCallCall::SELECTOR => |_| ok(true),
        wasMyCallersAddressAliasedCall::SELECTOR => |_| ok(false),
        _ => return None,
    }))
}

/// nitro's rule (`ArbBlockHash`): only the 256 blocks before the current one have a
/// hash; the current block, any later one, an older one and a number beyond 64 bits
/// revert with `InvalidBlockNumber(requested, current)`.
fn block_hash(c: &mut Call<'_>) -> Outcome {
    let requested = c.args::<arbBlockHashCall>()?.arbBlockNum;
    let current = c.ctx.block().number().saturating_to::<u64>();
    let available = u64::try_from(requested)
        .ok()
        .filter(|&n| n < current && n.saturating_add(BLOCK_HASH_WINDOW) >= current);
    match available {
        Some(n) => {
            let hash: B256 = c.ctx.block_hash(n).unwrap_or_default();
            ok(hash)
        }
        None => Err(Failure::error(InvalidBlockNumber {
            requested,
            current: U256::from(current),
        })),
    }
}
