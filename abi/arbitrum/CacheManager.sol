// SPDX-License-Identifier: MIT
// Hand-written from the facts of nitro-contracts' public CacheManager (src/chain/
// CacheManager.sol): the methods the devnode's native cache manager serves, its events
// and its errors. See README.md.
pragma solidity ^0.8.23;

/// The chain's program-cache auction: a bid caches a program through ArbWasmCache, and
/// when the cache is full the lowest bids are evicted to make room. Registered as a wasm
/// cache manager; `cargo stylus cache` talks to the last one ArbWasmCache lists.
interface CacheManager {
    struct Entry {
        bytes32 code;
        uint64 size;
        uint192 bid;
    }

    function cacheSize() external view returns (uint64);
    function queueSize() external view returns (uint64);
    function decay() external view returns (uint64);
    function isPaused() external view returns (bool);
    function getEntries() external view returns (Entry[] memory);
    function getMinBid(uint64 size) external view returns (uint192 min);
    function getMinBid(bytes32 codehash) external view returns (uint192 min);
    function getMinBid(address program) external view returns (uint192 min);
    function placeBid(address program) external payable;

    // Chain owners only.
    function setCacheSize(uint64 newSize) external;
    function paused() external;
    function unpause() external;
    function evictAll() external;
    function evictPrograms(uint256 count) external;

    event InsertBid(bytes32 indexed codehash, address program, uint192 bid, uint64 size);
    event DeleteBid(bytes32 indexed codehash, uint192 bid, uint64 size);
    event SetCacheSize(uint64 size);
    event Pause();
    event Unpause();

    error NotChainOwner(address sender);
    error AsmTooLarge(uint256 asm, uint256 queueSize, uint256 cacheSize);
    error AlreadyCached(bytes32 codehash);
    error BidTooLarge(uint256 bid);
    error BidTooSmall(uint192 bid, uint192 min);
    error BidsArePaused();
}
