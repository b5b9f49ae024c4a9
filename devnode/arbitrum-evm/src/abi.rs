//! The Arbitrum system contracts' interfaces the node serves, expanded from the Solidity
//! in `abi/arbitrum/` (hand-written from nitro's public interfaces, see its README): the
//! one declaration the precompiles, the native StylusDeployer, the CLI and the tests share.
//!
//! Each module (`ArbWasm`, …) holds the calls, events and errors of one contract, with
//! their `…Calls` / `…Events` / `…Errors` enums.

alloy_sol_types::sol!("../../abi/arbitrum/ArbSys.sol");
alloy_sol_types::sol!("../../abi/arbitrum/ArbOwner.sol");
alloy_sol_types::sol!("../../abi/arbitrum/ArbOwnerPublic.sol");
alloy_sol_types::sol!("../../abi/arbitrum/ArbGasInfo.sol");
alloy_sol_types::sol!("../../abi/arbitrum/ArbWasm.sol");
alloy_sol_types::sol!("../../abi/arbitrum/ArbWasmCache.sol");
alloy_sol_types::sol!("../../abi/arbitrum/ArbDebug.sol");
alloy_sol_types::sol!("../../abi/arbitrum/CacheManager.sol");
alloy_sol_types::sol!("../../abi/arbitrum/StylusDeployer.sol");
