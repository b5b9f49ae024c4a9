//! `dataset pull`: a published version fetched by a pipeline, trusting only the chain.
//!
//! The chain gives the URI, the MANIFEST's SHA-256 (`fileHash`), the labels digest and, for
//! an encrypted version, the data key wrapped to this pipeline. Everything is written into
//! a temporary sibling of the target; the target appears (one rename) only after the
//! plaintext MANIFEST hashed to `fileHash`, every file to its MANIFEST line and the card to
//! the task and digest on chain. Any refusal removes the temporary directory.

use std::path::{Path, PathBuf};

use alloy::primitives::{Address, B256};
use labelchain_access::{Identity, CIPHERTEXT};
use serde::Serialize;

use crate::bindings::IDatasetRegistry;
use crate::chain::{contract_error, Conn};
use crate::error::{Error, Result};
use crate::pipeline::keys::pipeline_address;
use crate::pipeline::publish::resolve_version;
use crate::state::Addresses;

#[derive(Clone, Debug)]
pub struct PullOptions {
    pub task: u64,
    /// The latest version if `None`.
    pub version: Option<u32>,
    /// The pipeline's identity file (`labelchain pipeline keygen`); needed for an
    /// encrypted version.
    pub key: Option<PathBuf>,
    /// The address the key was granted under, if not the key's own pipeline address.
    pub granted_to: Option<Address>,
    pub out: PathBuf,
}

/// A version on chain: what pull checks the download against.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub task: u64,
    pub version: u32,
    pub labels_digest: B256,
    pub file_hash: B256,
    pub uri: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pulled {
    #[serde(flatten)]
    pub record: Record,
    pub dir: PathBuf,
    pub encrypted: bool,
    pub pipeline: Option<Address>,
    /// Data files (Parquet, JSONL, JSON, CSV per split) checked.
    pub data_files: usize,
}

/// Reads `task`'s `version` (the latest if `None`) from the registry.
pub async fn record(conn: &Conn, a: &Addresses, task: u64, version: Option<u32>) -> Result<Record> {
    let version = resolve_version(conn, a, task, version).await?;
    let reg = IDatasetRegistry::new(a.datasets, conn.provider.clone());
    let err = |e| contract_error(conn, "reading the dataset version", e);
    let d = reg.getDataset(task, version).call().await.map_err(err)?;
    let uri = reg.datasetURI(task, version).call().await.map_err(err)?;
    Ok(Record {
        task,
        version,
        labels_digest: d._0,
        file_hash: d._1,
        uri,
    })
}

/// Pulls a version into `o.out` (which must not exist).
pub async fn pull(conn: &Conn, a: &Addresses, o: &PullOptions) -> Result<Pulled> {
    if o.out.exists() {
        return Err(Error::Config(format!(
            "{} exists: pull into a new directory (nothing was downloaded)",
            o.out.display()
        )));
    }
    let record = record(conn, a, o.task, o.version).await?;
    let parent = parent_of(&o.out);
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let temp = tempfile::Builder::new()
        .prefix(".labelchain-pull-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io(&parent, e))?;
    let plain = temp.path().join("plain");
    let key = match &o.key {
        Some(path) => match data_key(conn, a, &record, path, o.granted_to).await {
            Ok(k) => Some(k),
            // No key for this version may mean it needs none: say so rather than send the
            // user to ask for a grant that would not help.
            Err(e @ (Error::NoGrant { .. } | Error::GrantForOtherVersion { .. })) => {
                let plain_version = download_plain(&record, &temp.path().join("probe"))
                    .await
                    .is_ok();
                return Err(if plain_version {
                    Error::PullMode {
                        task: record.task,
                        version: record.version,
                        uri: record.uri.clone(),
                        encrypted_expected: true,
                    }
                } else {
                    e
                });
            }
            Err(e) => return Err(e),
        },
        None => None,
    };
    match &key {
        Some((data_key, _)) => {
            let enc = temp.path().join("encrypted");
            download(&record, &enc, CIPHERTEXT, None, true).await?;
            labelchain_access::decrypt_dir(&enc, &plain, data_key)?;
        }
        None => download_plain(&record, &plain).await?,
    }
    let data_files = check_plaintext(&plain, &record)?;
    std::fs::rename(&plain, &o.out).map_err(|e| Error::io(&o.out, e))?;
    Ok(Pulled {
        record,
        dir: o.out.clone(),
        encrypted: key.is_some(),
        pipeline: key.map(|(_, p)| p),
        data_files,
    })
}

/// The version's data key, unwrapped from this pipeline's grant on chain.
async fn data_key(
    conn: &Conn,
    a: &Addresses,
    record: &Record,
    key_file: &Path,
    granted_to: Option<Address>,
) -> Result<(Identity, Address)> {
    let me = Identity::from_file(key_file)?;
    let pipeline = granted_to.unwrap_or_else(|| pipeline_address(&me.recipient()));
    let wrapped = IDatasetRegistry::new(a.datasets, conn.provider.clone())
        .accessKey(record.task, pipeline)
        .call()
        .await
        .map_err(|e| contract_error(conn, "reading the pipeline's access key", e))?;
    if wrapped.is_empty() {
        return Err(Error::NoGrant {
            task: record.task,
            pipeline,
            recipient: me.recipient().to_string(),
        });
    }
    let grant = labelchain_access::unwrap(&wrapped, &me)?;
    if grant.task != record.task || grant.version != record.version {
        return Err(Error::GrantForOtherVersion {
            task: record.task,
            version: record.version,
            granted_task: grant.task,
            granted_version: grant.version,
        });
    }
    Ok((grant.data_key, pipeline))
}

/// A plain version: the MANIFEST itself must hash to the chain's `fileHash`.
async fn download_plain(record: &Record, target: &Path) -> Result<()> {
    let expected = format!("{:x}", record.file_hash);
    download(
        record,
        target,
        labelchain_dataset::MANIFEST,
        Some(&expected),
        false,
    )
    .await
}

/// Downloads the objects at the record's URI, naming the encrypted/plain mix-up when the
/// list file the mode expects is absent but the other one is there.
async fn download(
    record: &Record,
    target: &Path,
    list: &str,
    expected: Option<&str>,
    encrypted: bool,
) -> Result<()> {
    match labelchain_storage::download_uri(&record.uri, target, list, expected).await {
        Ok(_) => Ok(()),
        Err(labelchain_storage::Error::ObjectMissing { path, .. }) if path.ends_with(list) => {
            Err(Error::PullMode {
                task: record.task,
                version: record.version,
                uri: record.uri.clone(),
                encrypted_expected: encrypted,
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// The plaintext against the chain: MANIFEST hash = fileHash (files = MANIFEST is checked
/// by `file_hash`), and the card's task and labels digest = the version's.
fn check_plaintext(dir: &Path, record: &Record) -> Result<usize> {
    let (export, hash) = crate::export::file_hash(dir)?;
    let card = &export.provenance.card;
    let mismatch = |what: &'static str, expected: String, actual: String| Error::PullMismatch {
        task: record.task,
        version: record.version,
        uri: record.uri.clone(),
        what,
        expected,
        actual,
    };
    if hash != record.file_hash {
        return Err(mismatch(
            "the MANIFEST's sha256",
            record.file_hash.to_string(),
            hash.to_string(),
        ));
    }
    if card.task != record.task {
        return Err(mismatch(
            "the task",
            record.task.to_string(),
            card.task.to_string(),
        ));
    }
    if card.labels_digest.to_lowercase() != record.labels_digest.to_string() {
        return Err(mismatch(
            "the labels digest",
            record.labels_digest.to_string(),
            card.labels_digest.clone(),
        ));
    }
    Ok(export.files.len())
}

fn parent_of(p: &Path) -> PathBuf {
    match p.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}
