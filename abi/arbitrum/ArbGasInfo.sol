// SPDX-License-Identifier: MIT
// Hand-written from the facts of nitro's public ArbGasInfo interface: only the methods
// the devnode serves. See README.md.
pragma solidity ^0.8.23;

/// ArbOS's gas prices, at 0x6c.
interface ArbGasInfo {
    function getPricesInWei() external view returns (uint256, uint256, uint256, uint256, uint256, uint256);
    function getPricesInArbGas() external view returns (uint256, uint256, uint256);
    function getMinimumGasPrice() external view returns (uint256);
    function getL1BaseFeeEstimate() external view returns (uint256);
    function getL1GasPriceEstimate() external view returns (uint256);
    function getCurrentTxL1GasFees() external view returns (uint256);
    function getGasAccountingParams() external view returns (uint256, uint256, uint256);
}
