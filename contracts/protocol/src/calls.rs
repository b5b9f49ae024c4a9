//! The calls the contracts make to each other, each declared once.
//!
//! These are the internal surfaces only (what one contract needs of another); the full
//! public interfaces are exported to `abi/` from the contracts themselves.
#![allow(missing_docs)]
#![allow(clippy::too_many_arguments)] // the interfaces mirror Solidity signatures

use alloc::vec;
use stylus_sdk::prelude::sol_interface;

sol_interface! {
    /// What the escrow needs of the reward token: burning slashed stake it holds.
    interface IBurnable {
        function burn(uint256 value) external;
    }

    /// Any EIP-2612 token, so a requester can fund a task with a signature instead of approve.
    interface IPermit {
        function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;
    }

    /// What the registry needs of the escrow. (The verifier's calls — `lock`, `collectFee`,
    /// `settle`, `mintEmission`, `terms` — are hand-encoded in its `wire` module.)
    interface IEscrowHooks {
        function depositBounty(uint64 task, address requester, address token, uint256 bounty, uint256 fee) external;
        function cancelBounty(uint64 task) external;
        function refundBounty(uint64 task, uint256 amount) external;
        function bountyOf(uint64 task) external view returns (address, address, uint256, uint256);
    }

    /// What the dataset registry needs of the task registry.
    interface ITaskTerms {
        function terms(uint64 task) external view returns (uint256, uint256, uint256, uint256, uint256, uint256);
        function dataRoot(uint64 task) external view returns (bytes32);
    }

    /// What the registry needs of the verifier: whether a task has started, its open items
    /// and its current labels digest.
    interface IVerifierProgress {
        function taskProgress(uint64 task) external view returns (uint32, uint32, uint32, bytes32);
    }
}
