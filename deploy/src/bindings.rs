//! Typed bindings for the five programs, generated from the checked-in ABIs in `abi/`
//! (the seam between the contracts and the host: never from contract source), plus the
//! Arbitrum system contracts the deploy uses.

// The generated call builders mirror the ABI's argument lists.
#![allow(clippy::too_many_arguments)]

use alloy::sol;

sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    IRewardToken,
    "../abi/IRewardToken.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    IStakingEscrow,
    "../abi/IStakingEscrow.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    ITaskRegistry,
    "../abi/ITaskRegistry.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    IConsensusVerifier,
    "../abi/IConsensusVerifier.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    IDatasetRegistry,
    "../abi/IDatasetRegistry.json"
);

// The Arbitrum system contracts, from the hand-written interfaces in `abi/arbitrum/`
// (shared with the devnode, which serves them). A Solidity file takes only `#[sol]`
// attributes at its top: `extra_derives` stands for the `#[derive]` above.
sol!(
    #[sol(rpc, extra_derives(Debug))]
    "../abi/arbitrum/ArbWasm.sol"
);
sol!(
    #[sol(rpc, extra_derives(Debug))]
    "../abi/arbitrum/ArbWasmCache.sol"
);
sol!(
    #[sol(rpc, extra_derives(Debug))]
    "../abi/arbitrum/ArbOwnerPublic.sol"
);
sol!(
    #[sol(rpc, extra_derives(Debug))]
    "../abi/arbitrum/StylusDeployer.sol"
);

/// ArbWasm's address (on every Arbitrum chain; the devnode serves it there too).
pub const ARB_WASM: alloy::primitives::Address = devnode::arbos::precompiles::ARB_WASM;
/// ArbWasmCache's address (the program cache).
pub const ARB_WASM_CACHE: alloy::primitives::Address = devnode::arbos::precompiles::ARB_WASM_CACHE;
/// ArbOwnerPublic's address (who the chain owners are).
pub const ARB_OWNER_PUBLIC: alloy::primitives::Address =
    devnode::arbos::precompiles::ARB_OWNER_PUBLIC;
/// The StylusDeployer's address on nitro-devnode, Arbitrum Sepolia and Arbitrum One, where
/// the devnode puts its native one.
pub const STYLUS_DEPLOYER: alloy::primitives::Address = devnode::deployer::ADDRESS;
