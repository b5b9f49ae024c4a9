//! `dataset grant`: a version's data key wrapped to a pipeline's X25519 key (age) and
//! stored on chain by `grantAccess(task, pipeline, wrappedKey)`.
//!
//! The registry keeps one wrapped key per (task, pipeline): a new grant replaces the old.
//! Revoking a pipeline is therefore publishing a new version with a new data key and
//! granting it to every pipeline but that one; the revoked pipeline keeps what it could
//! already read (no encryption can take back a key once given).

use std::path::Path;

use alloy::primitives::Address;
use labelchain_access::{Grant, Identity, Recipient};
use serde::Serialize;

use crate::bindings::IDatasetRegistry;
use crate::chain::{Conn, Sent};
use crate::error::{Error, Result};
use crate::pipeline::keys::{data_key_path, pipeline_address};
use crate::pipeline::publish::resolve_version;
use crate::state::Addresses;

/// A grant sent.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Granted {
    pub task: u64,
    pub version: u32,
    pub pipeline: Address,
    pub recipient: String,
    pub wrapped_key_bytes: usize,
    pub tx: Sent,
}

/// Grants `task`'s `version` (the latest if `None`) to the pipeline with public key `to`,
/// under `address` (default: [`pipeline_address`] of `to`). Needs the data key that
/// `publish --encrypt` left in the deployments directory.
pub async fn grant(
    conn: &Conn,
    a: &Addresses,
    deployments: &Path,
    task: u64,
    version: Option<u32>,
    to: &Recipient,
    address: Option<Address>,
) -> Result<Granted> {
    let version = resolve_version(conn, a, task, version).await?;
    let key_file = data_key_path(deployments, conn.chain_id, task, version);
    if !key_file.exists() {
        return Err(Error::NoDataKey {
            task,
            version,
            path: key_file,
        });
    }
    let data_key = Identity::from_file(&key_file)?;
    let wrapped = labelchain_access::wrap(
        &Grant {
            task,
            version,
            data_key,
        },
        to,
    )?;
    let pipeline = address.unwrap_or_else(|| pipeline_address(to));
    let tx = IDatasetRegistry::new(a.datasets, conn.provider.clone())
        .grantAccess(task, pipeline, wrapped.clone().into())
        .into_transaction_request();
    let sent = conn.send("grantAccess", tx).await?;
    Ok(Granted {
        task,
        version,
        pipeline,
        recipient: to.to_string(),
        wrapped_key_bytes: wrapped.len(),
        tx: sent,
    })
}
