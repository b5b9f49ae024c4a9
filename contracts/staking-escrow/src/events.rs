//! Events of the StakingEscrow: one for every change of a balance it keeps.

pub use sol::*;
mod sol {
    alloy_sol_types::sol! {
        #[derive(Debug)]
        event Staked(address indexed labeller, uint256 amount);
        #[derive(Debug)]
        event UnstakeRequested(address indexed labeller, uint256 amount, uint64 availableAt);
        #[derive(Debug)]
        event Withdrawn(address indexed labeller, uint256 amount);
        #[derive(Debug)]
        event StakeLocked(address indexed labeller, uint256 amount);
        #[derive(Debug)]
        event StakeSlashed(address indexed labeller, uint64 indexed task, uint256 amount);
        #[derive(Debug)]
        event Claimed(address indexed token, address indexed account, uint256 amount);
        #[derive(Debug)]
        event BountyDeposited(uint64 indexed task, address indexed token, address requester, uint256 bounty, uint256 fee);
        #[derive(Debug)]
        event BountyRefunded(uint64 indexed task, uint256 amount);
        #[derive(Debug)]
        event FeeCollected(uint64 indexed task, uint256 fee);
        /// Bounty of items whose escalation no auditor resolved, credited to the treasury
        /// instead of the requester (DESIGN §4).
        #[derive(Debug)]
        event BountyForfeited(uint64 indexed task, uint256 amount);
        /// Totals of one settlement call; per-account credits follow from the verifier's
        /// `ItemFinalized`/`Revealed` events and are readable with `claimable`.
        #[derive(Debug)]
        event Settled(uint64 indexed task, uint256 paid, uint256 refunded, uint256 slashed, uint256 burned, uint256 minted);
        #[derive(Debug)]
        event TreasurySet(address treasury);
        #[derive(Debug)]
        event UnbondingPeriodSet(uint64 period);
        /// The owner wired the only two contracts the escrow takes calls from (once).
        #[derive(Debug)]
        event ProtocolSet(address registry, address verifier);
    }
}
