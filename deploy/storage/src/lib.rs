//! Where a Labelchain dataset export is stored (DESIGN.md §5, "Storage"): one abstraction over
//! the `object_store` crate for a local directory (the default), S3-compatible servers and GCS.
//!
//! An export is a directory of files plus a `MANIFEST` of their SHA-256s. [`upload_dir`] copies
//! it under a prefix, MANIFEST last, so a store holding a MANIFEST holds a whole export; it is
//! resumable, skipping every object already stored with the same hash. [`download_dir`] fetches
//! into a temporary directory, checks every file against the MANIFEST and only then renames the
//! directory into place: a refused download leaves nothing behind.

mod cid;
mod crypto;
mod download;
mod error;
mod hashing;
mod ipfs;
mod store;
mod upload;

pub use cid::{Cid, CidProblem, Codec};
pub use download::{download_dir, download_dir_with, download_uri};
pub use error::{Error, Result};
pub use ipfs::{DEFAULT_IPFS_API, IPFS_API_VAR};
pub use store::{Backend, Store, GCS_EMULATOR_VAR};
pub use upload::{upload_dir, upload_dir_with, Layout, Uploaded, SIDECAR_DIR};
