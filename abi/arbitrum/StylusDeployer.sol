// SPDX-License-Identifier: MIT
// Hand-written from the facts of nitro-contracts' public StylusDeployer: the method the
// devnode's native deployer serves, its event and its errors. See README.md.
pragma solidity ^0.8.23;

/// Deploys, activates (when the code is not yet active) and initialises a Stylus program
/// in one transaction; on nitro-devnode, Arbitrum Sepolia and Arbitrum One at
/// 0xcEcba2F1DC234f70Dd89F2041029807F8D03A990.
interface StylusDeployer {
    function deploy(bytes calldata bytecode, bytes calldata initData, uint256 initValue, bytes32 salt) external payable returns (address);

    event ContractDeployed(address deployedContract);

    error EmptyBytecode();
    error ContractDeploymentError(bytes bytecode);
    error ContractInitializationError(address newContract);
    error RefundExcessValueError(uint256 excessValue);
    error InitValueButNotInitData();
}
