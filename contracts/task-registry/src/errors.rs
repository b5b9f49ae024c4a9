//! Every way a TaskRegistry call can revert.

use openzeppelin_stylus::{
    access::ownable::{self, OwnableInvalidOwner, OwnableUnauthorizedAccount},
    utils::pausable::{self, EnforcedPause, ExpectedPause},
};
use stylus_sdk::prelude::*;

pub use sol::*;
mod sol {
    alloy_sol_types::sol! {
        /// A `createTask` argument out of bounds. `field`: 0 dataRoot (zero), 1 itemCount
        /// (1..=(2^32-1)/labellersPerItem), 2 numClasses (2..=256), 3 labellersPerItem
        /// (1..=32), 4 thresholdBps (5001..=10000), 5 rewardPerLabel (1..=2^96-1),
        /// 6 stakePerLabel (1..=2^96-1), 7 commitDuration (60 s..=365 days),
        /// 8 revealDuration (60 s..=365 days), 9 auditRateBps (<= 10000), 10 minTier (<= 2).
        #[derive(Debug)]
        error InvalidTaskParameter(uint8 field);
        /// The payment token is not on the admin's allow-list.
        #[derive(Debug)]
        error PaymentTokenNotAllowed(address token);
        /// `setParams` argument out of bounds; `index` is the argument's position (0-based).
        #[derive(Debug)]
        error ParameterOutOfRange(uint8 index);
        /// No such task, or it was cancelled.
        #[derive(Debug)]
        error TaskNotOpen(uint64 task);
        /// Only the task's requester may do this.
        #[derive(Debug)]
        error NotRequester(uint64 task, address requester);
        /// A task can be cancelled only before its first commit.
        #[derive(Debug)]
        error TaskAlreadyStarted(uint64 task);
        /// Reclaiming waits for the commit window to close at `commitEnd`.
        #[derive(Debug)]
        error CommitWindowOpen(uint64 commitEnd);
        /// Everything left of the bounty is reserved for items still being labelled.
        #[derive(Debug)]
        error NothingToReclaim(uint64 task);
        /// The verifier is wired once, at deployment.
        #[derive(Debug)]
        error VerifierAlreadySet(address verifier);
        /// The verifier is not wired yet.
        #[derive(Debug)]
        error VerifierNotSet();
        /// A zero address where a contract or account is required.
        #[derive(Debug)]
        error ZeroAddress();
        /// `setEmissionRate` above its bound: 1e18 (1 LBL per LBL of fee) for LBL itself,
        /// 2^128 - 1 for any other payment token.
        #[derive(Debug)]
        error EmissionRateOutOfRange(address token, uint256 rate, uint256 max);
    }
}

#[derive(SolidityError, Debug)]
pub enum Error {
    OwnableUnauthorizedAccount(OwnableUnauthorizedAccount),
    OwnableInvalidOwner(OwnableInvalidOwner),
    EnforcedPause(EnforcedPause),
    ExpectedPause(ExpectedPause),
    InvalidTaskParameter(InvalidTaskParameter),
    PaymentTokenNotAllowed(PaymentTokenNotAllowed),
    ParameterOutOfRange(ParameterOutOfRange),
    TaskNotOpen(TaskNotOpen),
    NotRequester(NotRequester),
    TaskAlreadyStarted(TaskAlreadyStarted),
    CommitWindowOpen(CommitWindowOpen),
    NothingToReclaim(NothingToReclaim),
    VerifierAlreadySet(VerifierAlreadySet),
    VerifierNotSet(VerifierNotSet),
    ZeroAddress(ZeroAddress),
    EmissionRateOutOfRange(EmissionRateOutOfRange),
    #[cfg(not(feature = "export-abi"))]
    Bubbled(labelchain_protocol::Bubbled),
}

impl From<ownable::Error> for Error {
    fn from(e: ownable::Error) -> Self {
        match e {
            ownable::Error::UnauthorizedAccount(e) => Error::OwnableUnauthorizedAccount(e),
            ownable::Error::InvalidOwner(e) => Error::OwnableInvalidOwner(e),
        }
    }
}

impl From<pausable::Error> for Error {
    fn from(e: pausable::Error) -> Self {
        match e {
            pausable::Error::EnforcedPause(e) => Error::EnforcedPause(e),
            pausable::Error::ExpectedPause(e) => Error::ExpectedPause(e),
        }
    }
}

labelchain_protocol::reraise_call_errors!(Error);
