//! `labelchain dataset export` and `verify`: the task's final labels, read from the chain
//! and trusted only once they replay to its `labelsDigest` ([`crate::history`]), joined
//! with the requester's item manifest (every line checked against the task's `dataRoot`)
//! and written in the Hugging Face layout by `labelchain-dataset`. Nothing is written
//! unless everything checked out: the writer works in a temporary directory and renames
//! it into place last.

pub mod rows;
pub mod verify;

use std::path::{Path, PathBuf};

use labelchain_dataset::{CardInfo, Contract, SplitSpec, WriteOptions, Writer};
use serde::Serialize;

use crate::chain::Conn;
use crate::commands::ops;
use crate::error::{Error, Result};
use crate::history::{self, History, LogOptions};
use crate::manifest::Manifest;
use crate::progress::BlocksBar;
use crate::state::Addresses;
use rows::Selection;

#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub task: u64,
    pub manifest: PathBuf,
    pub out: PathBuf,
    pub selection: Selection,
    pub split: SplitSpec,
    /// `--classes`: names for a task that recorded none.
    pub classes: Option<Vec<String>>,
    pub overwrite: bool,
    pub logs: LogOptions,
    /// `--json`: no progress bar.
    pub quiet: bool,
}

/// What an export wrote, and what `publish` needs from it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Exported {
    pub dir: PathBuf,
    pub task: u64,
    pub block: u64,
    pub seq: u32,
    pub labels_digest: alloy::primitives::B256,
    pub rows: u64,
    /// Rows per split.
    pub splits: std::collections::BTreeMap<String, u64>,
    /// The SHA-256 of the export's MANIFEST: the `fileHash` `publish` records.
    pub file_hash: String,
}

/// Reads, checks, joins and writes; see the module doc.
pub async fn export(conn: &Conn, a: &Addresses, o: &ExportOptions) -> Result<Exported> {
    let (manifest, manifest_sha256) = Manifest::read(&o.manifest)?;
    let task = ops::task_show(conn, a, o.task).await?;
    manifest.check_against(&o.manifest, task.terms.item_count, task.data_root)?;
    let classes = rows::class_names(
        &task.class_names,
        o.classes.as_deref(),
        task.terms.num_classes,
    )
    .map_err(Error::Config)?;
    let h = read_history(conn, a, o.task, &o.logs, o.quiet).await?;
    let mut w = Writer::create(
        &o.out,
        &classes,
        &o.split,
        WriteOptions {
            overwrite: o.overwrite,
        },
    )?;
    for item in manifest.items() {
        let state = &h.items[item.index as usize];
        if o.selection.includes(state) {
            w.push(&rows::row(item, state, &classes))?;
        }
    }
    let card = card_info(
        conn,
        a,
        &h,
        &task.data_root.to_string(),
        &alloy::hex::encode(manifest_sha256),
        o.selection,
    );
    let written = w.finish(card)?;
    let stats = &written.provenance.stats;
    Ok(Exported {
        dir: written.dir.clone(),
        task: o.task,
        block: h.block,
        seq: h.final_seq,
        labels_digest: h.digest,
        rows: stats.items,
        splits: stats
            .splits
            .iter()
            .map(|(s, n)| (s.as_str().to_owned(), *n))
            .collect(),
        file_hash: written.manifest_sha256.clone(),
    })
}

/// The task's history at the head, with a progress bar over the blocks on a terminal.
pub async fn read_history(
    conn: &Conn,
    a: &Addresses,
    task: u64,
    logs: &LogOptions,
    quiet: bool,
) -> Result<History> {
    let bar = BlocksBar::new(quiet, &format!("task {task}: reading item events"));
    let h = history::read(conn, a, task, a.deployed_at, logs, &mut |p| {
        bar.page(p.blocks_done, p.blocks_total, p.logs)
    })
    .await;
    bar.finish();
    h
}

/// The chain's facts for the card: where, which contracts, which state.
fn card_info(
    conn: &Conn,
    a: &Addresses,
    h: &History,
    data_root: &str,
    manifest_sha256: &str,
    s: Selection,
) -> CardInfo {
    let contract = |name: &str, address: alloy::primitives::Address| Contract {
        name: name.into(),
        address: address.to_string(),
    };
    CardInfo {
        title: format!("Labelchain task {} (chain {})", h.task, conn.chain_id),
        chain_id: conn.chain_id,
        contracts: vec![
            contract("TaskRegistry", a.registry),
            contract("ConsensusVerifier", a.verifier),
            contract("DatasetRegistry", a.datasets),
        ],
        task: h.task,
        labels_digest: h.digest.to_string(),
        seq: u64::from(h.final_seq),
        block: h.block,
        items_in_task: h.items.len() as u32,
        data_root: data_root.into(),
        manifest_sha256: manifest_sha256.into(),
        accepted_only: !s.all,
        min_tier: s.min_tier.map(|t| t as u8),
    }
}

/// The export directory's `fileHash` for `publish`: the SHA-256 of its MANIFEST, after
/// the whole directory checked out against it.
pub fn file_hash(dir: &Path) -> Result<(labelchain_dataset::Export, alloy::primitives::B256)> {
    let export = labelchain_dataset::open(dir)?;
    let hash = export
        .manifest_sha256
        .parse()
        .map_err(|_| Error::Config(format!("{}: MANIFEST hash unreadable", dir.display())))?;
    Ok((export, hash))
}
