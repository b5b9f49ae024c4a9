//! Every way a RewardToken call can revert.

use labelchain_admin::{AdminRoleIsTwoStep, NotPendingAdmin};
use openzeppelin_stylus::{
    access::control::{AccessControlBadConfirmation, AccessControlUnauthorizedAccount},
    token::erc20::{
        self,
        extensions::{
            capped::ERC20ExceededCap,
            permit::{self, ERC2612ExpiredSignature, ERC2612InvalidSigner},
        },
        ERC20InsufficientAllowance, ERC20InsufficientBalance, ERC20InvalidApprover,
        ERC20InvalidReceiver, ERC20InvalidSender, ERC20InvalidSpender,
    },
    utils::precompiles::primitives::ecrecover::{ECDSAInvalidSignature, ECDSAInvalidSignatureS},
};
use stylus_sdk::prelude::*;

pub use sol::*;
mod sol {
    alloy_sol_types::sol! {
        /// Constructor arguments that would make the schedule or the cap meaningless:
        /// zero admin or treasury, genesis above the cap, a halving interval of zero or above 2^32-1, or a pool
        /// too small to emit anything.
        #[derive(Debug)]
        error InvalidTokenParameters();
        /// An emission multiplier outside 1.0x..=1.5x.
        #[derive(Debug)]
        error EmissionMultiplierOutOfRange(uint16 multiplierBps);
    }
}

#[derive(SolidityError, Debug)]
pub enum Error {
    InsufficientBalance(ERC20InsufficientBalance),
    InvalidSender(ERC20InvalidSender),
    InvalidReceiver(ERC20InvalidReceiver),
    InsufficientAllowance(ERC20InsufficientAllowance),
    InvalidSpender(ERC20InvalidSpender),
    InvalidApprover(ERC20InvalidApprover),
    ExpiredSignature(ERC2612ExpiredSignature),
    InvalidSigner(ERC2612InvalidSigner),
    InvalidSignature(ECDSAInvalidSignature),
    InvalidSignatureS(ECDSAInvalidSignatureS),
    ExceededCap(ERC20ExceededCap),
    UnauthorizedAccount(AccessControlUnauthorizedAccount),
    BadConfirmation(AccessControlBadConfirmation),
    AdminRoleIsTwoStep(AdminRoleIsTwoStep),
    NotPendingAdmin(NotPendingAdmin),
    InvalidTokenParameters(InvalidTokenParameters),
    EmissionMultiplierOutOfRange(EmissionMultiplierOutOfRange),
}

labelchain_admin::absorb_admin_errors!(Error);

impl From<erc20::Error> for Error {
    fn from(e: erc20::Error) -> Self {
        match e {
            erc20::Error::InsufficientBalance(e) => Error::InsufficientBalance(e),
            erc20::Error::InvalidSender(e) => Error::InvalidSender(e),
            erc20::Error::InvalidReceiver(e) => Error::InvalidReceiver(e),
            erc20::Error::InsufficientAllowance(e) => Error::InsufficientAllowance(e),
            erc20::Error::InvalidSpender(e) => Error::InvalidSpender(e),
            erc20::Error::InvalidApprover(e) => Error::InvalidApprover(e),
        }
    }
}

impl From<permit::Error> for Error {
    fn from(e: permit::Error) -> Self {
        match e {
            permit::Error::ExpiredSignature(e) => Error::ExpiredSignature(e),
            permit::Error::InvalidSigner(e) => Error::InvalidSigner(e),
            permit::Error::InsufficientBalance(e) => Error::InsufficientBalance(e),
            permit::Error::InvalidSender(e) => Error::InvalidSender(e),
            permit::Error::InvalidReceiver(e) => Error::InvalidReceiver(e),
            permit::Error::InsufficientAllowance(e) => Error::InsufficientAllowance(e),
            permit::Error::InvalidSpender(e) => Error::InvalidSpender(e),
            permit::Error::InvalidApprover(e) => Error::InvalidApprover(e),
            permit::Error::InvalidSignature(e) => Error::InvalidSignature(e),
            permit::Error::InvalidSignatureS(e) => Error::InvalidSignatureS(e),
        }
    }
}
