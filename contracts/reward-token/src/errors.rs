//! Every way a RewardToken call can revert.

use openzeppelin_stylus::{
    access::ownable::{self, OwnableInvalidOwner, OwnableUnauthorizedAccount},
    token::erc20::{
        self,
        extensions::permit::{self, ERC2612ExpiredSignature, ERC2612InvalidSigner},
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
        /// zero admin or treasury, genesis above the cap, a halving interval of zero or above
        /// 2^32-1, or a pool too small to emit anything. Also a zero `setMinter`.
        #[derive(Debug)]
        error InvalidTokenParameters();
        /// An emission multiplier outside 1.0x..=1.5x.
        #[derive(Debug)]
        error EmissionMultiplierOutOfRange(uint16 multiplierBps);
        /// Only the minter (the consensus verifier) may mint emission.
        #[derive(Debug)]
        error NotMinter(address caller);
        /// The minter is set once and never changed.
        #[derive(Debug)]
        error MinterAlreadySet(address minter);
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
    OwnableUnauthorizedAccount(OwnableUnauthorizedAccount),
    OwnableInvalidOwner(OwnableInvalidOwner),
    InvalidTokenParameters(InvalidTokenParameters),
    EmissionMultiplierOutOfRange(EmissionMultiplierOutOfRange),
    NotMinter(NotMinter),
    MinterAlreadySet(MinterAlreadySet),
}

impl From<ownable::Error> for Error {
    fn from(e: ownable::Error) -> Self {
        match e {
            ownable::Error::UnauthorizedAccount(e) => Error::OwnableUnauthorizedAccount(e),
            ownable::Error::InvalidOwner(e) => Error::OwnableInvalidOwner(e),
        }
    }
}

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
