//! The TaskRegistry's errors.

use super::{shared, Sentences};
use crate::bindings::ITaskRegistry::ITaskRegistryErrors as E;

/// `InvalidTaskParameter`'s index: the task fields in `createTask`'s order, with bounds.
const TASK_FIELDS: [&str; 11] = [
    "dataRoot (must not be zero)",
    "itemCount (1..=(2^32-1)/labellersPerItem: a task takes at most 2^32-1 labels)",
    "numClasses (2..=256)",
    "labellersPerItem (1..=32)",
    "thresholdBps (5001..=10000)",
    "rewardPerLabel (1..=2^96-1 in the token's smallest unit)",
    "stakePerLabel (1..=2^96-1 in the token's smallest unit)",
    "commitDuration (60 s..=365 days, and the windows must end before 2^64 s)",
    "revealDuration (60 s..=365 days)",
    "auditRateBps (at most 10000)",
    "minTier (0 Bronze, 1 Silver, 2 Gold)",
];

/// `ParameterOutOfRange`'s index: the protocol parameters in `setParams`'s order, with bounds.
const PARAMS: [&str; 9] = [
    "feeBps (at most 10 %)",
    "slashBps (at most 100 %)",
    "noRevealSlashBps (at most 100 %)",
    "slashBurnBps (at most 100 %)",
    "auditWindow (1 h..=30 days)",
    "standardBps (1.0x..=strong)",
    "strongBps (standard..=audited)",
    "auditedBps (strong..=1.5x)",
    "auditorShareBps (at most 50 %)",
];

impl Sentences for E {
    fn signature(selector: [u8; 4]) -> Option<&'static str> {
        Self::signature_by_selector(selector)
    }

    fn sentence(&self) -> String {
        match self {
            E::InvalidTaskParameter(e) => {
                let field = TASK_FIELDS.get(usize::from(e.0));
                let field = field.copied().unwrap_or("an unknown field");
                format!("task parameter out of bounds: {field}")
            }
            E::ParameterOutOfRange(e) => {
                let field = PARAMS.get(usize::from(e.0));
                let field = field.copied().unwrap_or("an unknown parameter");
                format!("protocol parameter out of bounds: {field}")
            }
            E::EmissionRateOutOfRange(e) => format!(
                "emission rate {} for token {} is above its bound {} (1e18 = 1 LBL per LBL \
                 of fee for LBL itself)",
                e._1, e._0, e._2
            ),
            E::PaymentTokenNotAllowed(e) => format!(
                "{} is not an allow-listed payment token (the admin adds it with \
                 setPaymentToken)",
                e.0
            ),
            E::TaskAlreadyStarted(e) => format!(
                "task {} already has commits, so it can no longer be cancelled (reclaim \
                 after the commit window instead)",
                e.0
            ),
            E::CommitWindowOpen(e) => format!(
                "the commit window is open until unix time {}; reclaim works after it",
                e.0
            ),
            E::NothingToReclaim(e) => format!("task {} has nothing left to reclaim", e.0),
            E::VerifierAlreadySet(e) => format!(
                "the registry's verifier is already {} and never changes",
                e.0
            ),
            E::VerifierNotSet(_) => "the registry has no verifier yet: the deployment is not \
                wired (rerun `labelchain deploy`)"
                .into(),
            E::ExpectedPause(_) => "the protocol is not paused".into(),
            E::EnforcedPause(_) => shared::enforced_pause(),
            E::ZeroAddress(_) => shared::zero_address(),
            E::TaskNotOpen(e) => shared::task_not_open(e.0),
            E::NotRequester(e) => shared::not_requester(e._0, e._1),
            E::OwnableUnauthorizedAccount(e) => shared::ownable_unauthorized_account(e.0),
            E::OwnableInvalidOwner(e) => shared::ownable_invalid_owner(e.0),
        }
    }
}
