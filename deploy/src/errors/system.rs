//! The errors the chain itself raises: ArbWasm's (activation), the StylusDeployer's, and
//! Solidity's built-in `Error(string)` and `Panic(uint256)`.

use alloy::sol_types::{self, ContractError, GenericContractError, SolError};

use super::Sentences;
use crate::bindings::{ArbWasm::ArbWasmErrors, StylusDeployer::StylusDeployerErrors};

impl Sentences for ArbWasmErrors {
    fn signature(selector: [u8; 4]) -> Option<&'static str> {
        Self::signature_by_selector(selector)
    }

    fn sentence(&self) -> String {
        match self {
            Self::ProgramNotWasm(_) => "the code is not a Stylus program".into(),
            Self::ProgramNotActivated(_) => "the program is not activated".into(),
            Self::ProgramNeedsUpgrade(e) => format!(
                "the program is activated at Stylus version {} but the chain runs {}: \
                 activate it again",
                e.version, e.stylusVersion
            ),
            Self::ProgramExpired(e) => format!(
                "the program's activation expired ({} s old): activate it again",
                e.ageInSeconds
            ),
            Self::ProgramUpToDate(_) => "the program is already activated".into(),
            Self::ProgramKeepaliveTooSoon(_) => "the program was kept alive too recently".into(),
            Self::ProgramInsufficientValue(e) => format!(
                "activation needs a data fee of {} wei, {} were sent",
                e.want, e.have
            ),
        }
    }
}

impl Sentences for StylusDeployerErrors {
    fn signature(selector: [u8; 4]) -> Option<&'static str> {
        Self::signature_by_selector(selector)
    }

    fn sentence(&self) -> String {
        match self {
            Self::EmptyBytecode(_) => "the deployer was given no bytecode".into(),
            Self::ContractDeploymentError(_) => "the deployer's CREATE failed (is the address \
                already taken, or the code invalid?)"
                .into(),
            Self::ContractInitializationError(e) => format!(
                "the constructor of the program at {} reverted (bad constructor arguments?)",
                e.newContract
            ),
            Self::RefundExcessValueError(e) => {
                format!("the deployer could not refund {} wei", e.excessValue)
            }
            Self::InitValueButNotInitData(_) => "value for a constructor that is not called".into(),
        }
    }
}

/// `Error(string)` and `Panic(uint256)`, which any contract can raise; alloy's
/// [`GenericContractError`] is the enum of exactly those two.
impl Sentences for GenericContractError {
    fn signature(selector: [u8; 4]) -> Option<&'static str> {
        match selector {
            sol_types::Revert::SELECTOR => Some(sol_types::Revert::SIGNATURE),
            sol_types::Panic::SELECTOR => Some(sol_types::Panic::SIGNATURE),
            _ => None,
        }
    }

    fn sentence(&self) -> String {
        match self {
            ContractError::Revert(e) => format!("reverted: {}", e.reason),
            ContractError::Panic(e) => format!("panicked with code {}", e.code),
            ContractError::CustomError(never) => match *never {},
        }
    }
}
