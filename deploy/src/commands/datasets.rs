//! Dataset versions on chain: `publishDataset` (after checking that the export still
//! names the task's current labels digest) and the list of published versions.

use std::collections::HashMap;

use alloy::primitives::{B256, U256};
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;
use serde::Serialize;

use crate::bindings::{IConsensusVerifier, IDatasetRegistry, IDatasetRegistry::DatasetPublished};
use crate::chain::{contract_error, Conn, Sent};
use crate::commands::ops;
use crate::error::{Error, Result};
use crate::history::{self, LogOptions, PageProgress};
use crate::state::Addresses;

/// A version `publishDataset` recorded.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Published {
    pub version: u32,
    pub tx: Sent,
}

/// What an export says it is: the digest and seq it replayed to, and its files.
#[derive(Clone, Debug)]
pub struct Release {
    pub labels_digest: B256,
    /// The export's final seq (items in the digest): tells how far the chain moved.
    pub seq: u32,
    pub file_hash: B256,
    pub uri: String,
}

/// Publishes `release` as a new version of `task`, from the connection's signer (the
/// requester). The task's digest is read first, so a stale export is refused with how
/// many items it misses before anything is sent; the contract checks it again.
pub async fn publish(
    conn: &Conn,
    a: &Addresses,
    task: u64,
    release: &Release,
) -> Result<Published> {
    ensure_current(conn, a, task, release).await?;
    let tx = IDatasetRegistry::new(a.datasets, conn.provider.clone())
        .publishDataset(
            task,
            release.labels_digest,
            release.file_hash,
            release.uri.clone(),
        )
        .into_transaction_request();
    let sent = conn.send("publishDataset", tx).await?;
    let version = sent
        .logs
        .iter()
        .find_map(|l| DatasetPublished::decode_log(&l.inner).ok())
        .map(|e| e.version)
        .ok_or_else(|| Error::rpc("publishDataset", "no DatasetPublished event in the receipt"))?;
    Ok(Published { version, tx: sent })
}

/// Refuses an export whose digest is not the task's current one, saying how many items it
/// misses: checked before an upload as well as before `publishDataset` (which checks again).
pub async fn ensure_current(
    conn: &Conn,
    a: &Addresses,
    task: u64,
    release: &Release,
) -> Result<()> {
    ops::ensure_task(conn, a, task).await?;
    let p = IConsensusVerifier::new(a.verifier, conn.provider.clone())
        .taskProgress(task)
        .call()
        .await
        .map_err(|e| contract_error(conn, "reading the task's labels digest", e))?;
    if p._3 != release.labels_digest {
        return Err(Error::DatasetStale {
            task,
            onchain_seq: p._2,
            export_seq: release.seq,
        });
    }
    Ok(())
}

/// One published version, as `dataset list` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetVersion {
    pub version: u32,
    pub labels_digest: B256,
    pub file_hash: B256,
    pub uri: String,
    /// The publishing block's timestamp (`getDataset`'s third value).
    pub published_at: u64,
    /// From the `DatasetPublished` event; `None` if the read range did not hold it.
    pub tx: Option<B256>,
    pub block: Option<u64>,
}

/// Every version of `task`, oldest first, with its publishing transaction from the
/// `DatasetPublished` events of blocks `from_block..=head`.
pub async fn list(
    conn: &Conn,
    a: &Addresses,
    task: u64,
    from_block: u64,
    opts: &LogOptions,
    on_page: &mut dyn FnMut(PageProgress),
) -> Result<Vec<DatasetVersion>> {
    ops::ensure_task(conn, a, task).await?;
    let head = history::head(conn).await?;
    let reg = IDatasetRegistry::new(a.datasets, conn.provider.clone());
    let err = |e| contract_error(conn, "reading the task's datasets", e);
    let at = alloy::eips::BlockId::number(head);
    let count = reg.datasetCount(task).block(at).call().await.map_err(err)?;
    let from_block = from_block.max(a.deployed_at);
    let txs = publish_txs(conn, a, task, from_block, head, opts, on_page).await?;
    let mut out = Vec::with_capacity(count as usize);
    for version in 0..count {
        let d = reg
            .getDataset(task, version)
            .block(at)
            .call()
            .await
            .map_err(err)?;
        let uri = reg
            .datasetURI(task, version)
            .block(at)
            .call()
            .await
            .map_err(err)?;
        let (tx, block) = txs.get(&version).copied().unzip();
        out.push(DatasetVersion {
            version,
            labels_digest: d._0,
            file_hash: d._1,
            uri,
            published_at: d._2,
            tx,
            block,
        });
    }
    Ok(out)
}

/// The transaction that published `task`'s `version`, from the `DatasetPublished` events
/// since the deployment's first block (one log scan, no per-version reads).
pub async fn publish_tx(
    conn: &Conn,
    a: &Addresses,
    task: u64,
    version: u32,
) -> Result<Option<B256>> {
    let head = history::head(conn).await?;
    let txs = publish_txs(
        conn,
        a,
        task,
        a.deployed_at,
        head,
        &LogOptions::default(),
        &mut |_| {},
    )
    .await?;
    Ok(txs.get(&version).map(|(tx, _)| *tx))
}

/// Version → (transaction, block) of `task`'s `DatasetPublished` events.
async fn publish_txs(
    conn: &Conn,
    a: &Addresses,
    task: u64,
    from_block: u64,
    to_block: u64,
    opts: &LogOptions,
    on_page: &mut dyn FnMut(PageProgress),
) -> Result<HashMap<u32, (B256, u64)>> {
    let filter = Filter::new()
        .address(a.datasets)
        .event_signature(DatasetPublished::SIGNATURE_HASH)
        .topic1(B256::from(U256::from(task)));
    let logs = history::logs::fetch(conn, &filter, from_block, to_block, opts, on_page).await?;
    let mut txs = HashMap::new();
    for l in &logs {
        let e = DatasetPublished::decode_log(&l.inner).map_err(|e| {
            history::HistoryError::Undecodable {
                block: l.block_number,
                log_index: l.log_index,
                detail: e.to_string(),
            }
        })?;
        if let (Some(tx), Some(block)) = (l.transaction_hash, l.block_number) {
            txs.insert(e.version, (tx, block));
        }
    }
    Ok(txs)
}
