// SPDX-License-Identifier: MIT
// Hand-written from the facts of nitro's public ArbOwner interface: only the methods the
// devnode serves (chain owners and wasm cache managers), with its event. See README.md.
pragma solidity ^0.8.23;

/// ArbOS's chain-owner precompile, at 0x70. Only chain owners may call it: anyone else's
/// call reverts with all its gas burned; an owner's call costs no gas.
interface ArbOwner {
    function addChainOwner(address newOwner) external;
    function removeChainOwner(address ownerToRemove) external;
    function isChainOwner(address addr) external view returns (bool);
    function getAllChainOwners() external view returns (address[] memory);
    function addWasmCacheManager(address manager) external;
    function removeWasmCacheManager(address manager) external;

    /// Emitted after every successful call made outside a static context.
    event OwnerActs(bytes4 indexed method, address indexed owner, bytes data);
}
