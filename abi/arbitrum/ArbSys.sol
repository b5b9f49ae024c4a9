// SPDX-License-Identifier: MIT
// Hand-written from the facts of nitro's public ArbSys interface: only the methods the
// devnode serves. See README.md.
pragma solidity ^0.8.23;

/// ArbOS's system information precompile, at 0x64.
interface ArbSys {
    function arbBlockNumber() external view returns (uint256);
    function arbBlockHash(uint256 arbBlockNum) external view returns (bytes32);
    function arbChainID() external view returns (uint256);
    function arbOSVersion() external view returns (uint256);
    function getStorageGasAvailable() external view returns (uint256);
    function isTopLevelCall() external view returns (bool);
    function wasMyCallersAddressAliased() external view returns (bool);

    /// The revert of `arbBlockHash` for a block without a hash to give (a Solidity error
    /// since ArbOS 11; a plain error string before).
    error InvalidBlockNumber(uint256 requested, uint256 current);
}
