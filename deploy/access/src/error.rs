//! The crate's errors. Each says what happened and what to do about it, so the CLI can
//! print it as it is; callers match on variants, never on text.

use std::path::{Path, PathBuf};

use crate::keys::Recipient;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "this file was not encrypted to {recipient}: none of its {stanzas} recipient stanza(s) \
         opens with this identity (or its header was damaged); use the identity it was \
         encrypted to, or ask the dataset's owner to grant access to {recipient}"
    )]
    WrongKey {
        recipient: Recipient,
        stanzas: usize,
    },
    #[error(
        "{what}: authentication failed, so it was changed (or cut) after it was encrypted; \
         nothing of it can be trusted: fetch a fresh copy from its source"
    )]
    Tampered { what: String },
    #[error("{what}: the file ends early (an incomplete download or copy?); fetch it again")]
    Truncated { what: String },
    #[error("not an age v1 file: {problem}; is this the right file (binary age, not armored)?")]
    NotAge { problem: String },
    #[error("{what}: {problem}; expected {expected}")]
    BadKey {
        what: String,
        problem: String,
        expected: &'static str,
    },
    #[error("no recipients: give at least one age1… recipient to encrypt to")]
    NoRecipients,
    #[error("{path} already exists; a key file is never overwritten: choose another path or move the old key away first")]
    KeyFileExists { path: PathBuf },
    #[error("{file}: sha256 is {actual}, the list says {expected}: the file was changed; fetch or export it again")]
    HashMismatch {
        file: String,
        expected: String,
        actual: String,
    },
    #[error("{file} is listed but missing; fetch or export the directory again")]
    Missing { file: String },
    #[error("{path} already exists; choose another output path or remove it first")]
    TargetExists { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Dataset {
        path: PathBuf,
        source: labelchain_dataset::Error,
    },
    #[error("wrapped key: {problem}; it must be age-encrypted JSON {{\"task\":T,\"version\":V,\"key\":\"AGE-SECRET-KEY-1…\"}} as written by grantAccess")]
    BadGrant { problem: String },
}

/// `map_err(io(path))`: an I/O error about `path`.
pub(crate) fn io(path: impl AsRef<Path>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.as_ref().to_path_buf();
    move |source| Error::Io { path, source }
}

pub(crate) fn not_age(problem: impl Into<String>) -> Error {
    Error::NotAge {
        problem: problem.into(),
    }
}
