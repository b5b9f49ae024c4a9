//! The ConsensusVerifier's errors.

use super::{shared, Sentences};
use crate::bindings::IConsensusVerifier::IConsensusVerifierErrors as E;
use crate::protocol::{ItemStatus, Tier};

/// An item's status, as the rest of "item N …".
fn item_status(status: u8) -> &'static str {
    match ItemStatus::try_from(status) {
        Ok(ItemStatus::None) => "has no commits",
        Ok(ItemStatus::Open) => "is open",
        Ok(ItemStatus::PendingAudit) => "is pending audit",
        Ok(ItemStatus::Escalated) => "is escalated",
        Ok(ItemStatus::Final) => "is final",
        Ok(ItemStatus::Void) => "is void",
        Err(_) => "is in an unknown state",
    }
}

fn tier(tier: u8) -> String {
    Tier::try_from(tier).map_or_else(|_| "unknown".into(), |t| t.to_string())
}

impl Sentences for E {
    fn signature(selector: [u8; 4]) -> Option<&'static str> {
        Self::signature_by_selector(selector)
    }

    /// In the order a labeller meets them: commit, reveal, finalisation, audit, then the
    /// errors shared with other programs.
    fn sentence(&self) -> String {
        match self {
            E::CommitWindowClosed(e) => format!("the commit window closed at unix time {}", e.0),
            E::TierTooLow(e) => format!(
                "your reputation tier {} is below the task's minimum {}",
                tier(e._0),
                tier(e._1)
            ),
            E::ItemFull(e) => format!("item {} already has all its commits", e.0),
            E::AlreadyCommitted(e) => format!("you already committed on item {}", e.0),
            E::EmptyCommitment(_) => "the commitment is zero".into(),
            E::OutsideRevealWindow(e) => format!(
                "reveals are accepted after unix time {} until {} (inclusive)",
                e._0, e._1
            ),
            E::NotCommitted(e) => format!("you have no commit on item {}", e.0),
            E::AlreadyRevealed(e) => format!("you already revealed on item {}", e.0),
            E::InvalidLabel(e) => format!(
                "label {} is not a class index below numClasses {}",
                e._0, e._1
            ),
            E::CommitmentMismatch(e) => format!(
                "the label and salt do not match the commitment on item {}",
                e.0
            ),
            E::InvalidBatchSize(e) => {
                format!("a batch of {} entries: batches take 1..={}", e._0, e._1)
            }
            E::TooEarlyToFinalize(e) => format!(
                "item {} can be finalized after unix time {} (reveal or audit window still open)",
                e._0, e._1
            ),
            E::NotFinalizable(e) => {
                format!("nothing to finalize: item {} {}", e._0, item_status(e._1))
            }
            E::NotAuditable(e) => format!(
                "only items pending audit or escalated can be audited; item {} {}",
                e._0,
                item_status(e._1)
            ),
            E::AuditWindowClosed(e) => format!(
                "the audit window of item {} closed at unix time {}",
                e._0, e._1
            ),
            E::NotAuditor(e) => format!("{} is not an auditor", e.0),
            E::AuditorIsRequester(e) => format!(
                "you requested task {}: an auditor may not judge their own task (another \
                 auditor must)",
                e.0
            ),
            E::AuditorIsLabeller(e) => format!(
                "you committed on item {}: an auditor may not judge an item they labelled \
                 (another auditor must)",
                e.0
            ),
            E::EnforcedPause(_) => shared::enforced_pause(),
            E::ZeroAddress(_) => shared::zero_address(),
            E::LengthMismatch(_) => shared::length_mismatch(),
            E::TaskNotOpen(e) => shared::task_not_open(e.0),
            E::ItemOutOfRange(e) => shared::item_out_of_range(e._0, e._1),
            E::OwnableUnauthorizedAccount(e) => shared::ownable_unauthorized_account(e.0),
            E::OwnableInvalidOwner(e) => shared::ownable_invalid_owner(e.0),
        }
    }
}
