//! Events of the ConsensusVerifier. `ItemFinalized` is the dataset's source of truth:
//! replaying its `(item, label, tier)` in `seq` order reproduces `labelsDigest`.

pub use sol::*;
mod sol {
    alloy_sol_types::sol! {
        #[derive(Debug)]
        event Committed(uint64 indexed task, uint32 indexed item, address indexed labeller, bytes32 commitment);
        #[derive(Debug)]
        event Revealed(uint64 indexed task, uint32 indexed item, address indexed labeller, uint8 label);
        /// Accepted, but sampled for a spot-check; final as accepted after `deadline`
        /// unless an auditor acts.
        #[derive(Debug)]
        event ItemPendingAudit(uint64 indexed task, uint32 indexed item, uint8 label, uint64 deadline);
        /// No consensus; auditors may resolve it until `deadline`, else it becomes void.
        #[derive(Debug)]
        event ItemEscalated(uint64 indexed task, uint32 indexed item, uint64 deadline);
        /// `tier`: 1 Standard, 2 Strong, 3 Audited. `votes`: labellers who agreed with
        /// `label`; `seq`: 1-based order of finality within the task; `digest`: the task's
        /// labels digest after this item.
        #[derive(Debug)]
        event ItemFinalized(uint64 indexed task, uint32 indexed item, uint8 label, uint8 tier, uint8 votes, uint8 commits, uint32 seq, bytes32 digest);
        /// `reason`: 1 too few commits to reach consensus, 2 escalation unresolved.
        #[derive(Debug)]
        event ItemVoided(uint64 indexed task, uint32 indexed item, uint8 reason);
        /// `confirmed`: the auditor agreed with a sampled consensus label.
        #[derive(Debug)]
        event Audited(uint64 indexed task, uint32 indexed item, address indexed auditor, uint8 label, bool confirmed);
        /// The owner added (`allowed`) or removed an auditor.
        #[derive(Debug)]
        event AuditorSet(address indexed auditor, bool allowed);
    }
}
