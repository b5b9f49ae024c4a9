// SPDX-License-Identifier: MIT
// Hand-written from the facts of nitro's public ArbOwnerPublic interface: only the
// methods the devnode serves. See README.md.
pragma solidity ^0.8.23;

/// ArbOS's read-only chain configuration, at 0x6b.
interface ArbOwnerPublic {
    function getMaxStylusContractFragments() external view returns (uint8);
    function getNetworkFeeAccount() external view returns (address);
    function getInfraFeeAccount() external view returns (address);
    function getAllChainOwners() external view returns (address[] memory);
    function isChainOwner(address addr) external view returns (bool);
}
