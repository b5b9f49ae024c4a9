// SPDX-License-Identifier: MIT
// Hand-written from the facts of nitro's public ArbWasmCache interface: only the read
// methods the devnode serves (it has no cache managers). See README.md.
pragma solidity ^0.8.23;

/// ArbOS's program cache precompile, at 0x72.
interface ArbWasmCache {
    function isCacheManager(address manager) external view returns (bool);
    function allCacheManagers() external view returns (address[] memory managers);
    function codehashIsCached(bytes32 codehash) external view returns (bool);
}
