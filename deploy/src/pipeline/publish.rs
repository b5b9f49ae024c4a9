//! `dataset publish --store URL [--encrypt]`: the export uploaded (encrypted to a fresh data
//! key first, if asked), then recorded on chain with the URI the upload produced.
//!
//! Order matters for a requester's money and a pipeline's trust: the export is checked and
//! the task's digest compared before anything is uploaded; the upload completes (MANIFEST or
//! CIPHERTEXT last) before `publishDataset`, so a version on chain always names a complete
//! object set; the data key is written (0600) before the first byte is encrypted, so an
//! interrupted run never leaves ciphertext nobody can open.

use std::path::{Path, PathBuf};

use labelchain_access::{Identity, CIPHERTEXT};
use labelchain_storage::Store;
use serde::Serialize;

use crate::bindings::IDatasetRegistry;
use crate::chain::{contract_error, Conn};
use crate::commands::datasets::{self, Published, Release};
use crate::error::{Error, Result};
use crate::pipeline::keys::{data_key_path, staging_dir};
use crate::state::Addresses;

/// Where and how `publish` stores the export.
#[derive(Clone, Debug)]
pub struct StoreSpec {
    /// `file:///dir` or a path, `s3://bucket/prefix`, `gs://bucket/prefix`, `ipfs://`.
    pub url: String,
    pub encrypt: bool,
}

/// What was stored, beside the version `publishDataset` recorded.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stored {
    pub uri: String,
    pub encrypted: bool,
    /// The data key's file (only with --encrypt): `dataset grant` reads it.
    pub key_file: Option<PathBuf>,
    pub sent: usize,
    pub skipped: usize,
    pub bytes: u64,
}

/// Uploads the export in `dir` (whose digest, seq and MANIFEST hash `release` carries; its
/// `uri` is replaced by the upload's) under `task-T/vV` of the store, then publishes it.
pub async fn publish_stored(
    conn: &Conn,
    a: &Addresses,
    deployments: &Path,
    dir: &Path,
    task: u64,
    release: &Release,
    spec: &StoreSpec,
) -> Result<(Published, Stored)> {
    datasets::ensure_current(conn, a, task, release).await?;
    let version = next_version(conn, a, task).await?;
    let store = Store::from_url(&store_url(&spec.url)?)?;
    let prefix = format!("task-{task}/v{version}");
    let (uploaded, key_file) = if spec.encrypt {
        let staged = stage_encrypted(conn.chain_id, deployments, dir, task, version, release)?;
        let up =
            labelchain_storage::upload_dir_with(&staged.dir, &store, &prefix, CIPHERTEXT).await?;
        (up, Some(staged.key_file))
    } else {
        let up =
            labelchain_storage::upload_dir_with(dir, &store, &prefix, labelchain_dataset::MANIFEST)
                .await?;
        (up, None)
    };
    let release = Release {
        uri: uploaded.uri.clone(),
        ..release.clone()
    };
    let published = datasets::publish(conn, a, task, &release).await?;
    if published.version != version {
        // Only the requester publishes, so this is their own concurrent publish: the
        // stored objects sit under the wrong version's prefix (or key).
        return Err(Error::Config(format!(
            "task {task} got version {} while this publish prepared version {version} (another publish ran at the same time); run `labelchain dataset list --task {task}` and publish again",
            published.version
        )));
    }
    if spec.encrypt {
        let staging = staging_dir(deployments, conn.chain_id, task, version);
        std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    }
    let stored = Stored {
        uri: uploaded.uri,
        encrypted: spec.encrypt,
        key_file,
        sent: uploaded.sent.len(),
        skipped: uploaded.skipped.len(),
        bytes: uploaded.bytes,
    };
    Ok((published, stored))
}

/// A plain path as an absolute `file://` URL: the URI recorded on chain must mean the same
/// directory to whoever reads it, whatever their working directory.
fn store_url(url: &str) -> Result<String> {
    if url.contains("://") {
        return Ok(url.to_owned());
    }
    let abs = std::path::absolute(url).map_err(|e| Error::io(url, e))?;
    Ok(format!("file://{}", abs.display()))
}

/// The version `publishDataset` will assign next (versions count from 0).
pub async fn next_version(conn: &Conn, a: &Addresses, task: u64) -> Result<u32> {
    IDatasetRegistry::new(a.datasets, conn.provider.clone())
        .datasetCount(task)
        .call()
        .await
        .map_err(|e| contract_error(conn, "reading the task's dataset count", e))
}

/// `version` if `task` has it, else the latest (versions count from 0): what grant, pull and
/// trigger act on when `--version` is left out.
pub async fn resolve_version(
    conn: &Conn,
    a: &Addresses,
    task: u64,
    version: Option<u32>,
) -> Result<u32> {
    let count = next_version(conn, a, task).await?;
    match version {
        None if count > 0 => Ok(count - 1),
        Some(v) if v < count => Ok(v),
        v => Err(Error::UnknownDataset {
            task,
            version: v,
            count,
        }),
    }
}

/// An export encrypted for upload, and the key it was encrypted to.
struct Staged {
    dir: PathBuf,
    key_file: PathBuf,
}

/// The version's data key (made once, kept) and its ciphertext in the staging directory.
/// A staging directory left by an earlier run of the same export is reused; one of another
/// export (its recorded MANIFEST hash differs) is replaced.
fn stage_encrypted(
    chain_id: u64,
    deployments: &Path,
    dir: &Path,
    task: u64,
    version: u32,
    release: &Release,
) -> Result<Staged> {
    let key_file = data_key_path(deployments, chain_id, task, version);
    if !key_file.exists() {
        if let Some(parent) = key_file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        labelchain_access::keygen(&key_file)?;
    }
    let key = Identity::from_file(&key_file)?;
    let staging = staging_dir(deployments, chain_id, task, version);
    let marker = staging.join("source-manifest-sha256");
    let enc = staging.join("encrypted");
    let source = format!("{:x}", release.file_hash);
    let reusable = std::fs::read_to_string(&marker).is_ok_and(|m| m.trim() == source)
        && enc.join(CIPHERTEXT).exists();
    if !reusable {
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        }
        std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        labelchain_access::encrypt_dir(dir, &enc, &[key.recipient()])?;
        std::fs::write(&marker, &source).map_err(|e| Error::io(&marker, e))?;
    }
    Ok(Staged { dir: enc, key_file })
}
