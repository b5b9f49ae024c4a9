// SPDX-License-Identifier: MIT
// Hand-written from the facts of nitro's public ArbWasmCache interface: the methods the
// devnode serves (ArbOS 31+: `cacheProgram` replaced `cacheCodehash`), with their event
// and errors. See README.md.
pragma solidity ^0.8.23;

/// ArbOS's program cache precompile, at 0x72. Writes are for cache managers and chain
/// owners; anyone else's call reverts with all its gas burned.
interface ArbWasmCache {
    function isCacheManager(address manager) external view returns (bool);
    function allCacheManagers() external view returns (address[] memory managers);
    function cacheProgram(address addr) external;
    function evictCodehash(bytes32 codehash) external;
    function codehashIsCached(bytes32 codehash) external view returns (bool);

    /// Emitted when a codehash's cached flag flips; `manager` is the caller.
    event UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached);

    /// Caching a program whose record is not at the current Stylus version (never
    /// activated reads as version 0).
    error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
    /// Caching a program whose activation has expired.
    error ProgramExpired(uint64 ageInSeconds);
}
