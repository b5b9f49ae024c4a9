//! Every way a StakingEscrow call can revert.

use openzeppelin_stylus::{
    access::ownable::{self, OwnableInvalidOwner, OwnableUnauthorizedAccount},
    token::erc20::utils::safe_erc20::{self, SafeErc20FailedOperation},
};
use stylus_sdk::prelude::*;

pub use sol::*;
mod sol {
    alloy_sol_types::sol! {
        /// A stake, unstake or claim of nothing.
        #[derive(Debug)]
        error ZeroAmount();
        /// Only free stake can be unstaked or locked by a commit.
        #[derive(Debug)]
        error InsufficientFreeStake(uint256 available, uint256 requested);
        /// Settlement asked to release or slash more than the labeller has locked.
        #[derive(Debug)]
        error InsufficientLockedStake(address labeller, uint256 locked, uint256 needed);
        /// No unbonding stake to withdraw.
        #[derive(Debug)]
        error NothingToWithdraw();
        /// The unbonding stake becomes withdrawable at `availableAt`.
        #[derive(Debug)]
        error StillUnbonding(uint64 availableAt);
        /// Nothing is claimable in `token` for the caller.
        #[derive(Debug)]
        error NothingToClaim(address token);
        /// A task's bounty can only be deposited once.
        #[derive(Debug)]
        error BountyExists(uint64 task);
        /// Payments and refunds may not exceed what is left of a task's bounty.
        #[derive(Debug)]
        error BountyExceeded(uint64 task, uint256 remaining, uint256 requested);
        /// Settlement rows come in whole five-word records.
        #[derive(Debug)]
        error LengthMismatch();
        /// Zero addresses or an unbonding period outside 1 hour..=90 days.
        #[derive(Debug)]
        error InvalidEscrowParameters();
        /// Only the task registry may deposit, cancel or refund bounties.
        #[derive(Debug)]
        error NotRegistry(address caller);
        /// Only the consensus verifier may collect fees, lock stake or settle.
        #[derive(Debug)]
        error NotVerifier(address caller);
        /// The registry and the verifier are wired once and never changed.
        #[derive(Debug)]
        error ProtocolAlreadySet();
        /// A balance would leave the range of `uint256` (sum above 2^256 - 1, or a
        /// difference below zero). Task bounds keep honest use far from it; the check is
        /// what stops a wrapped amount from ever reaching the books.
        #[derive(Debug)]
        error AmountOverflow();
    }
}

#[derive(SolidityError, Debug)]
pub enum Error {
    OwnableUnauthorizedAccount(OwnableUnauthorizedAccount),
    OwnableInvalidOwner(OwnableInvalidOwner),
    SafeErc20FailedOperation(SafeErc20FailedOperation),
    ZeroAmount(ZeroAmount),
    InsufficientFreeStake(InsufficientFreeStake),
    InsufficientLockedStake(InsufficientLockedStake),
    NothingToWithdraw(NothingToWithdraw),
    StillUnbonding(StillUnbonding),
    NothingToClaim(NothingToClaim),
    BountyExists(BountyExists),
    BountyExceeded(BountyExceeded),
    LengthMismatch(LengthMismatch),
    InvalidEscrowParameters(InvalidEscrowParameters),
    NotRegistry(NotRegistry),
    NotVerifier(NotVerifier),
    ProtocolAlreadySet(ProtocolAlreadySet),
    AmountOverflow(AmountOverflow),
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

impl From<safe_erc20::Error> for Error {
    fn from(e: safe_erc20::Error) -> Self {
        match e {
            safe_erc20::Error::SafeErc20FailedOperation(e) => e.into(),
            // Only raised by allowance decreases, which the escrow never performs.
            safe_erc20::Error::SafeErc20FailedDecreaseAllowance(e) => {
                SafeErc20FailedOperation { token: e.spender }.into()
            }
        }
    }
}

labelchain_protocol::reraise_call_errors!(Error);
