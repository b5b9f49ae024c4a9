//! A published dataset's way to the training pipelines that may read it (DESIGN.md §5,
//! "Access keys", "Storage", "pull", "Retraining trigger").
//!
//! ```text
//! export ──encrypt (age, fresh data key)──▶ staging ──upload──▶ store (file/S3/GCS/IPFS)
//!    │                                                               │ uri
//!    └── MANIFEST sha256 ─────────────────▶ publishDataset(task, digest, fileHash, uri)
//!                                            grantAccess(task, pipeline, wrap(data key))
//! pull: chain (uri, fileHash, wrapped key) ──▶ download ──▶ decrypt ──▶ MANIFEST == fileHash ──▶ OUT
//! ```
//!
//! The chain is the only thing a pipeline trusts: the URI, the MANIFEST's hash and the
//! wrapped key come from it; the store and the network may be hostile. Ciphertext objects
//! are listed with their hashes in `CIPHERTEXT` (so a changed object is named before any
//! decryption); after decryption the plaintext MANIFEST must hash to the on-chain
//! `fileHash`, and every file to its MANIFEST line.

pub mod grant;
pub mod keys;
pub mod publish;
pub mod pull;
pub mod trigger;

pub use keys::{data_key_path, pipeline_address};
