//! The trigger's errors. A delivery that the receiver refused or never answered is not an
//! error (it is `Outcome::Failed` in the returned `Delivery`, and logged): these are the
//! problems that make a trigger impossible to attempt or impossible to record.

use std::path::PathBuf;

/// Why a trigger could not be attempted or recorded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("a webhook target needs a signing secret (the receiver authenticates the HMAC-SHA256 signature with it)")]
    MissingSecret,
    #[error("unknown trigger target `{spec}`: expected an http(s):// webhook URL or mlflow+http(s)://host:port[#experiment]")]
    UnknownTarget { spec: String },
    #[error("trigger target `{spec}`: {problem}")]
    BadTarget { spec: String, problem: String },
    #[error("event field `{field}`: {problem}")]
    BadEvent {
        field: &'static str,
        problem: String,
    },
    #[error("HTTP client could not be built (TLS initialisation)")]
    Client(#[source] reqwest::Error),
    #[error("trigger log {}", path.display())]
    Log {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
