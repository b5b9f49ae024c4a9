//! Every way a ConsensusVerifier call can revert.

use openzeppelin_stylus::{
    access::ownable::{self, OwnableInvalidOwner, OwnableUnauthorizedAccount},
    utils::pausable::EnforcedPause,
};
use stylus_sdk::prelude::*;

pub use sol::*;
mod sol {
    alloy_sol_types::sol! {
        /// No such task, or it was cancelled.
        #[derive(Debug)]
        error TaskNotOpen(uint64 task);
        /// Commits are accepted until `commitEnd` (inclusive).
        #[derive(Debug)]
        error CommitWindowClosed(uint64 commitEnd);
        #[derive(Debug)]
        error ItemOutOfRange(uint32 item, uint32 itemCount);
        /// The task requires a higher reputation tier (0 Bronze, 1 Silver, 2 Gold).
        #[derive(Debug)]
        error TierTooLow(uint8 tier, uint8 required);
        /// The item already has its `k` commits.
        #[derive(Debug)]
        error ItemFull(uint32 item);
        /// One commit per labeller per item.
        #[derive(Debug)]
        error AlreadyCommitted(uint32 item);
        #[derive(Debug)]
        error EmptyCommitment();
        /// Reveals are accepted after `opensAfter` (the end of the commit window) until
        /// `closesAt` (inclusive).
        #[derive(Debug)]
        error OutsideRevealWindow(uint64 opensAfter, uint64 closesAt);
        /// The caller has no commit on this item.
        #[derive(Debug)]
        error NotCommitted(uint32 item);
        #[derive(Debug)]
        error AlreadyRevealed(uint32 item);
        /// Labels are class indices below `numClasses`.
        #[derive(Debug)]
        error InvalidLabel(uint8 label, uint16 numClasses);
        /// `keccak256(abi.encode(chainId, verifier, task, item, labeller, label, salt))`
        /// differs from the commitment.
        #[derive(Debug)]
        error CommitmentMismatch(uint32 item);
        /// The item can be finalized after `after`: the end of the reveal window while some
        /// commits are unrevealed, or of the audit window while auditors may still act.
        #[derive(Debug)]
        error TooEarlyToFinalize(uint32 item, uint64 after);
        /// Nothing to finalize: the item has no commits or is already final/void.
        #[derive(Debug)]
        error NotFinalizable(uint32 item, uint8 status);
        /// Only items pending audit or escalated can be audited.
        #[derive(Debug)]
        error NotAuditable(uint32 item, uint8 status);
        #[derive(Debug)]
        error AuditWindowClosed(uint32 item, uint64 deadline);
        /// Batches take `1..=max` entries.
        #[derive(Debug)]
        error InvalidBatchSize(uint256 len, uint256 max);
        #[derive(Debug)]
        error LengthMismatch();
        #[derive(Debug)]
        error ZeroAddress();
        /// Only accounts the owner made auditors (`setAuditor`) may audit.
        #[derive(Debug)]
        error NotAuditor(address caller);
        /// An auditor may not judge a task they requested (conflict of interest).
        #[derive(Debug)]
        error AuditorIsRequester(uint64 task);
        /// An auditor may not judge an item they committed on (conflict of interest).
        #[derive(Debug)]
        error AuditorIsLabeller(uint32 item);
    }
}

#[derive(SolidityError, Debug)]
pub enum Error {
    OwnableUnauthorizedAccount(OwnableUnauthorizedAccount),
    OwnableInvalidOwner(OwnableInvalidOwner),
    EnforcedPause(EnforcedPause),
    TaskNotOpen(TaskNotOpen),
    CommitWindowClosed(CommitWindowClosed),
    ItemOutOfRange(ItemOutOfRange),
    TierTooLow(TierTooLow),
    ItemFull(ItemFull),
    AlreadyCommitted(AlreadyCommitted),
    EmptyCommitment(EmptyCommitment),
    OutsideRevealWindow(OutsideRevealWindow),
    NotCommitted(NotCommitted),
    AlreadyRevealed(AlreadyRevealed),
    InvalidLabel(InvalidLabel),
    CommitmentMismatch(CommitmentMismatch),
    TooEarlyToFinalize(TooEarlyToFinalize),
    NotFinalizable(NotFinalizable),
    NotAuditable(NotAuditable),
    AuditWindowClosed(AuditWindowClosed),
    InvalidBatchSize(InvalidBatchSize),
    LengthMismatch(LengthMismatch),
    ZeroAddress(ZeroAddress),
    NotAuditor(NotAuditor),
    AuditorIsRequester(AuditorIsRequester),
    AuditorIsLabeller(AuditorIsLabeller),
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

labelchain_protocol::reraise_call_errors!(Error);
