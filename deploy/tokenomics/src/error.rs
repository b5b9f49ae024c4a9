use std::path::PathBuf;

/// Everything the simulator refuses, each with what to change.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A scenario or parameter value outside the bound the contracts (or the model) use.
    #[error("{field} = {value} is out of bounds: it must be {bound}")]
    OutOfBounds {
        field: String,
        value: String,
        bound: String,
    },
    /// A checked operation that would wrap: the contracts would refuse these amounts too.
    #[error("arithmetic overflow in a {0}: the scenario's amounts are beyond what the contracts accept (at most 2^96-1 wei per label)")]
    Overflow(&'static str),
    /// A protocol rule the simulated call broke (the contract would revert).
    #[error("the protocol refuses this: {0}")]
    Refused(Refusal),
    #[error("{path}: {message}")]
    Scenario { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("drawing {chart}: {message}")]
    Chart {
        chart: &'static str,
        message: String,
    },
}

/// The contracts' custom errors the simulated operations can meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("InsufficientBalance (a wallet pays more than it holds)")]
    InsufficientBalance,
    #[error("InsufficientFreeStake (a commit locks more than the labeller's free stake)")]
    InsufficientFreeStake,
    #[error("InvalidTaskParameter (field {0})")]
    InvalidTaskParameter(u8),
    #[error("ItemFull (k commits already)")]
    ItemFull,
    #[error("AlreadyCommitted")]
    AlreadyCommitted,
    #[error("NotCommitted")]
    NotCommitted,
    #[error("NotFinalizable (the item is final or void)")]
    NotFinalizable,
    #[error("NotAuditable (the item is neither pending audit nor escalated)")]
    NotAuditable,
    #[error("AuditorIsRequester")]
    AuditorIsRequester,
    #[error("AuditorIsLabeller")]
    AuditorIsLabeller,
    #[error("ItemOutOfRange")]
    ItemOutOfRange,
    #[error("NothingToClaim")]
    NothingToClaim,
}

impl SimError {
    pub fn bound(
        field: impl Into<String>,
        value: impl std::fmt::Display,
        bound: impl Into<String>,
    ) -> Self {
        SimError::OutOfBounds {
            field: field.into(),
            value: value.to_string(),
            bound: bound.into(),
        }
    }

    /// The field an out-of-bounds error names, for callers and tests that need it typed.
    pub fn field(&self) -> Option<&str> {
        match self {
            SimError::OutOfBounds { field, .. } => Some(field),
            _ => None,
        }
    }
}
