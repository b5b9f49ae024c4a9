//! The storage errors: each names the URL, object or file it is about.

use std::path::PathBuf;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "unknown storage scheme `{scheme}` in `{url}` (expected file://, a path, s3://, gs:// or ipfs://)"
    )]
    UnknownScheme { url: String, scheme: String },
    #[error("storage URL `{url}`: {problem}")]
    BadUrl { url: String, problem: &'static str },
    #[error("{backend} credentials missing: set {missing}")]
    MissingCredentials {
        backend: &'static str,
        missing: &'static str,
    },
    #[error("storage server for `{url}` is unreachable")]
    Unreachable {
        url: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("object `{path}` is missing from the store")]
    ObjectMissing { path: String },
    #[error("the bucket of `{url}` does not exist: create it first, or check the URL")]
    NoBucket { url: String },
    #[error("storage request for `{path}` failed")]
    Store {
        path: String,
        #[source]
        source: object_store::Error,
    },
    #[error("disk full while writing {}", path.display())]
    DiskFull {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", path.display())]
    Local {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file differs from its MANIFEST line, or the manifest itself from the expected hash.
    #[error("`{file}` has the wrong content: expected sha256 {expected}, got {actual}")]
    HashMismatch {
        file: String,
        expected: String,
        actual: String,
    },
    /// IPFS served bytes that are not the raw block a CID names.
    #[error("`{file}` is not the content of its CID: expected {expected}, got {actual}")]
    CidMismatch {
        file: String,
        expected: String,
        actual: String,
    },
    #[error("`{cid}` is not a usable CID: {problem}")]
    Cid {
        cid: String,
        problem: crate::cid::CidProblem,
    },
    /// The IPFS node answered a call with an error (kubo: HTTP 500 and `{"Message",…}`).
    #[error("IPFS {call} `{arg}` refused (HTTP {status}): {message}")]
    IpfsRefused {
        call: &'static str,
        arg: String,
        status: u16,
        message: String,
    },
    #[error("IPFS {call} `{arg}` failed")]
    IpfsRequest {
        call: &'static str,
        arg: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("IPFS {call} `{arg}`: unexpected answer")]
    IpfsAnswer {
        call: &'static str,
        arg: String,
        #[source]
        source: serde_json::Error,
    },
    /// The IPFS index object (`<cid>  <path>` lines) is malformed.
    #[error("IPFS index line {line}: {problem}")]
    BadIndex { line: usize, problem: &'static str },
    #[error("export's MANIFEST or files")]
    Export(#[from] labelchain_dataset::Error),
    #[error("{} already exists: a download never overwrites", path.display())]
    TargetExists { path: PathBuf },
}

pub type Result<T> = std::result::Result<T, Error>;

/// A local I/O error, typed as [`Error::DiskFull`] when the disk is out of space.
pub(crate) fn local(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |source| match source.kind() {
        std::io::ErrorKind::StorageFull => Error::DiskFull { path, source },
        _ => Error::Local { path, source },
    }
}

/// Types an object_store error: a missing object, a server that never answered (found by
/// the HTTP error's kind in the source chain, never by its text), or any other failure.
pub(crate) fn remote(url: &str, path: &str, source: object_store::Error) -> Error {
    if let object_store::Error::NotFound { .. } = source {
        return Error::ObjectMissing {
            path: path.to_owned(),
        };
    }
    if is_connect_failure(&source) {
        return Error::Unreachable {
            url: url.to_owned(),
            source: Box::new(source),
        };
    }
    Error::Store {
        path: path.to_owned(),
        source,
    }
}

fn is_connect_failure(err: &object_store::Error) -> bool {
    use object_store::client::{HttpError, HttpErrorKind};
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(http) = e.downcast_ref::<HttpError>() {
            return matches!(http.kind(), HttpErrorKind::Connect);
        }
        cur = e.source();
    }
    false
}
