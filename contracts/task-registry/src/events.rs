//! Events of the TaskRegistry.

pub use sol::*;
mod sol {
    alloy_sol_types::sol! {
        #[derive(Debug)]
        event TaskCreated(uint64 indexed task, address indexed requester, address indexed paymentToken, bytes32 dataRoot, uint32 itemCount, uint8 labellersPerItem, uint256 rewardPerLabel, uint256 stakePerLabel, uint64 commitEnd, uint64 revealEnd, string metadataURI);
        #[derive(Debug)]
        event TaskCancelled(uint64 indexed task);
        #[derive(Debug)]
        event BountyReclaimed(uint64 indexed task, uint256 amount);
        #[derive(Debug)]
        event ParamsUpdated(uint16 feeBps, uint16 slashBps, uint16 noRevealSlashBps, uint16 slashBurnBps, uint64 auditWindow, uint16 standardBps, uint16 strongBps, uint16 auditedBps, uint16 auditorShareBps);
        #[derive(Debug)]
        event PaymentTokenSet(address indexed token, bool allowed);
        #[derive(Debug)]
        event VerifierSet(address verifier);
        /// LBL wei that tasks paid in `token` may emit per unit of protocol fee, x 1e18;
        /// snapshotted by each task at creation (as its per-item emission cap).
        #[derive(Debug)]
        event EmissionRateSet(address indexed token, uint256 rate);
    }
}
