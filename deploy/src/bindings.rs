//! Typed bindings for the five programs, generated from the checked-in ABIs in `abi/`
//! (the seam between the contracts and the host: never from contract source), plus the
//! two Arbitrum system contracts the deploy uses.

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

sol! {
    /// ArbOS's Stylus precompile (0x71), the methods the deploy uses and its errors.
    #[sol(rpc)]
    #[derive(Debug)]
    interface ArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function programVersion(address program) external view returns (uint16 version);
        error ProgramNotWasm();
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }

    /// nitro-contracts' StylusDeployer: deploy, activate and initialise in one transaction.
    #[sol(rpc)]
    #[derive(Debug)]
    interface StylusDeployer {
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
        event ContractDeployed(address deployedContract);
        error EmptyBytecode();
        error ContractDeploymentError(bytes bytecode);
        error ContractInitializationError(address newContract);
        error RefundExcessValueError(uint256 excessValue);
        error InitValueButNotInitData();
    }
}

/// ArbWasm's address.
pub const ARB_WASM: alloy::primitives::Address =
    alloy::primitives::address!("0000000000000000000000000000000000000071");
/// The StylusDeployer's address on nitro-devnode, Arbitrum Sepolia and Arbitrum One.
pub const STYLUS_DEPLOYER: alloy::primitives::Address =
    alloy::primitives::address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
