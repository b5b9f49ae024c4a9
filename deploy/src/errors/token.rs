//! The RewardToken's errors (its own, OpenZeppelin's ERC-20 / ERC-2612 / ECDSA ones and
//! ownership).

use super::{shared, Sentences};
use crate::bindings::IRewardToken::IRewardTokenErrors as E;

impl Sentences for E {
    fn signature(selector: [u8; 4]) -> Option<&'static str> {
        Self::signature_by_selector(selector)
    }

    fn sentence(&self) -> String {
        match self {
            E::ERC20InsufficientBalance(e) => format!(
                "{} holds {} token units but {} are needed",
                e._0, e._1, e._2
            ),
            E::ERC20InsufficientAllowance(e) => format!(
                "{} may spend only {} token units of the owner, {} are needed: approve more",
                e._0, e._1, e._2
            ),
            E::ERC20InvalidSender(e) => format!("{} cannot send tokens", e.0),
            E::ERC20InvalidReceiver(e) => format!("{} cannot receive tokens", e.0),
            E::ERC20InvalidSpender(e) => format!("{} cannot be a spender", e.0),
            E::ERC20InvalidApprover(e) => format!("{} cannot approve", e.0),
            E::ERC2612ExpiredSignature(e) => format!("the permit expired at {}", e.0),
            E::ERC2612InvalidSigner(e) => format!(
                "the permit was signed by {}, not by the owner {}",
                e._0, e._1
            ),
            E::ECDSAInvalidSignature(_) | E::ECDSAInvalidSignatureS(_) => {
                "the signature is invalid".into()
            }
            E::InvalidTokenParameters(_) => "token parameters are invalid: zero admin or \
                treasury, genesis above the cap, a halving interval of zero or above 2^32-1, \
                or a pool too small to emit anything"
                .into(),
            E::EmissionMultiplierOutOfRange(e) => {
                format!("emission multiplier {} bps is outside 1.0x..=1.5x", e.0)
            }
            E::NotMinter(e) => {
                format!("{} is not the token's minter (the consensus verifier)", e.0)
            }
            E::MinterAlreadySet(e) => format!(
                "the token's minter is already set to {} and never changes",
                e.0
            ),
            E::OwnableUnauthorizedAccount(e) => shared::ownable_unauthorized_account(e.0),
            E::OwnableInvalidOwner(e) => shared::ownable_invalid_owner(e.0),
        }
    }
}
