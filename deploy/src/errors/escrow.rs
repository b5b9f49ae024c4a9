//! The StakingEscrow's errors.

use super::{shared, Sentences};
use crate::bindings::IStakingEscrow::IStakingEscrowErrors as E;

impl Sentences for E {
    fn signature(selector: [u8; 4]) -> Option<&'static str> {
        Self::signature_by_selector(selector)
    }

    fn sentence(&self) -> String {
        match self {
            E::ZeroAmount(_) => "the amount is zero".into(),
            E::InsufficientFreeStake(e) => format!(
                "not enough free stake: {} available, {} needed (stake more, or wait for \
                 locked stake to be released)",
                e._0, e._1
            ),
            E::InsufficientLockedStake(e) => format!(
                "{} has {} locked stake, settlement needs {}",
                e._0, e._1, e._2
            ),
            E::NothingToWithdraw(_) => "no unbonding stake to withdraw (unstake first)".into(),
            E::StillUnbonding(e) => format!(
                "the unbonding stake becomes withdrawable at unix time {}",
                e.0
            ),
            E::NothingToClaim(e) => format!("nothing is claimable in token {}", e.0),
            E::BountyExists(e) => format!("task {}'s bounty was already deposited", e.0),
            E::BountyExceeded(e) => format!(
                "task {} has {} left of its bounty, {} were asked",
                e._0, e._1, e._2
            ),
            E::InvalidEscrowParameters(_) => {
                "zero address or an unbonding period outside 1 hour..=90 days".into()
            }
            E::NotRegistry(e) => format!("{} is not the task registry", e.0),
            E::NotVerifier(e) => format!("{} is not the consensus verifier", e.0),
            E::ProtocolAlreadySet(_) => {
                "the escrow's registry and verifier are already wired and never change".into()
            }
            E::AmountOverflow(_) => "the amount would overflow the escrow's books (above \
                2^256-1 or below zero); nothing was moved"
                .into(),
            E::SafeErc20FailedOperation(e) => format!("a transfer of token {} failed", e.0),
            E::LengthMismatch(_) => shared::length_mismatch(),
            E::OwnableUnauthorizedAccount(e) => shared::ownable_unauthorized_account(e.0),
            E::OwnableInvalidOwner(e) => shared::ownable_invalid_owner(e.0),
        }
    }
}
