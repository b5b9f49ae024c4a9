//! `labelchain dataset verify DIR`: the directory against its MANIFEST (every byte of
//! every file), then every row of every file against the chain — the labels, tiers,
//! votes and order the task's events give at the export's block, which must replay to
//! the export's digest — and the item columns against each other across the formats (and
//! against the manifest when one is given). The first difference is named: file, row,
//! item, column.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use alloy::primitives::{Address, B256};
use labelchain_dataset::{Col, DataFile, Export, Format, Row};
use serde::Serialize;

use super::rows::{self, Selection};
use crate::chain::Conn;
use crate::error::{Error, Result};
use crate::history::{self, EventKind, History, ItemEvent, LogOptions, OnChain};
use crate::manifest::{Item, Manifest};
use crate::progress::BlocksBar;
use crate::protocol::Quality;
use crate::state::Addresses;

/// Why an export did not verify.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{dir} was exported from chain {export}, but the RPC is chain {rpc}: verify it against the chain it came from (--rpc-url)")]
    WrongChain { dir: PathBuf, export: u64, rpc: u64 },
    #[error("{dir} is an export of task {export}, not of task {expected}")]
    WrongTask {
        dir: PathBuf,
        export: u64,
        expected: u64,
    },
    #[error("{dir} names {name} {export}, but this chain's deployment has it at {chain}: the export is of another deployment")]
    WrongContract {
        dir: PathBuf,
        name: String,
        export: String,
        chain: Address,
    },
    #[error("{dir} says task {task} had labels digest {export} after {seq} final items (block {block}), but the chain's events replay differently: {reason}")]
    DigestNotReached {
        dir: PathBuf,
        task: u64,
        seq: u64,
        block: u64,
        export: String,
        reason: String,
    },
    #[error(
        "{path} row {row}: item {item}'s {column} is {found}, but {expected_from} says {expected}"
    )]
    Mismatch {
        path: String,
        row: u64,
        item: u32,
        column: &'static str,
        found: String,
        expected: String,
        expected_from: String,
    },
    #[error("{path} row {row}: item {item} {why}")]
    Unexpected {
        path: String,
        row: u64,
        item: u32,
        why: String,
    },
    #[error("{path}: item {item} is missing (the chain has it in this export's selection, split {split})")]
    Missing {
        path: String,
        item: u32,
        split: &'static str,
    },
}

/// A verified export.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verified {
    pub dir: PathBuf,
    pub task: u64,
    pub rows: u64,
    pub files: usize,
    pub seq: u64,
    pub labels_digest: String,
    /// Items final on chain now (more than `seq` if the task moved on since the export).
    pub chain_seq_now: u32,
}

/// See the module doc. The deployment comes from `deployments` (the one the user trusts),
/// read only once the export is known to be of this chain. `task`: the task the caller
/// expects; `manifest`: the item manifest to check the item columns against.
pub async fn verify(
    conn: &Conn,
    deployments: &Path,
    dir: &Path,
    task: Option<u64>,
    manifest: Option<&Path>,
    logs: &LogOptions,
    quiet: bool,
) -> Result<Verified> {
    let export = labelchain_dataset::open(dir)?;
    let card = &export.provenance.card;
    if card.chain_id != conn.chain_id {
        return Err(VerifyError::WrongChain {
            dir: dir.into(),
            export: card.chain_id,
            rpc: conn.chain_id,
        }
        .into());
    }
    let a = &crate::commands::ops::addresses(conn, deployments)?;
    check_identity(a, dir, &export, task)?;
    let (now, then) = histories(conn, a, dir, &export, logs, quiet).await?;
    let items = match manifest {
        Some(path) => Some(checked_manifest(conn, a, card.task, path).await?),
        None => None,
    };
    let expected = expected_rows(&export, &then)?;
    let rows = check_files(&export, &expected, items.as_ref())?;
    Ok(Verified {
        dir: dir.to_path_buf(),
        task: card.task,
        rows,
        files: export.files.len(),
        seq: card.seq,
        labels_digest: card.labels_digest.clone(),
        chain_seq_now: now.final_seq,
    })
}

/// The right task and contracts.
fn check_identity(a: &Addresses, dir: &Path, export: &Export, task: Option<u64>) -> Result<()> {
    let card = &export.provenance.card;
    if let Some(t) = task.filter(|&t| t != card.task) {
        return Err(VerifyError::WrongTask {
            dir: dir.into(),
            export: card.task,
            expected: t,
        }
        .into());
    }
    for c in &card.contracts {
        let chain = match c.name.as_str() {
            "TaskRegistry" => a.registry,
            "ConsensusVerifier" => a.verifier,
            "DatasetRegistry" => a.datasets,
            _ => continue,
        };
        if c.address.parse::<Address>().ok() != Some(chain) {
            return Err(VerifyError::WrongContract {
                dir: dir.into(),
                name: c.name.clone(),
                export: c.address.clone(),
                chain,
            }
            .into());
        }
    }
    Ok(())
}

/// The task's history now (checked against the chain's digest at the head) and as it
/// was at the export's block (which must replay to the export's digest).
async fn histories(
    conn: &Conn,
    a: &Addresses,
    dir: &Path,
    export: &Export,
    logs: &LogOptions,
    quiet: bool,
) -> Result<(History, History)> {
    let card = &export.provenance.card;
    let head = history::head(conn).await?;
    let chain = history::on_chain(conn, a, card.task, head).await?;
    let bar = BlocksBar::new(quiet, &format!("task {}: reading item events", card.task));
    let events = history::item_events(conn, a, card.task, a.deployed_at, head, logs, &mut |p| {
        bar.page(p.blocks_done, p.blocks_total, p.logs)
    })
    .await;
    bar.finish();
    let events = events?;
    let now = History::replay(card.task, &events, chain).map_err(history::HistoryError::from)?;
    let not_reached = |reason: String| VerifyError::DigestNotReached {
        dir: dir.into(),
        task: card.task,
        seq: card.seq,
        block: card.block,
        export: card.labels_digest.clone(),
        reason,
    };
    let digest: B256 = card
        .labels_digest
        .parse()
        .map_err(|_| not_reached("the export's digest is not a 32-byte hex value".into()))?;
    let seq = u32::try_from(card.seq).map_err(|_| not_reached("seq out of range".into()))?;
    let before: Vec<ItemEvent> = events
        .into_iter()
        .filter(|e| e.block <= card.block)
        .collect();
    let claimed = OnChain {
        block: card.block,
        item_count: chain.item_count,
        final_items: seq,
        digest,
    };
    let then = History::replay(card.task, &before, claimed).map_err(|e| {
        let at_seq = finalized_digest(&before, seq);
        not_reached(match at_seq {
            Some(d) => format!("at seq {seq} the chain's digest was {d} ({e})"),
            None => e.to_string(),
        })
    })?;
    Ok((now, then))
}

/// The digest an `ItemFinalized` of `seq` carried, if any.
fn finalized_digest(events: &[ItemEvent], seq: u32) -> Option<B256> {
    events.iter().find_map(|e| match e.kind {
        EventKind::Finalized { seq: s, digest, .. } if s == seq => Some(digest),
        _ => None,
    })
}

/// The manifest, checked against the task's dataRoot, by item index.
async fn checked_manifest(conn: &Conn, a: &Addresses, task: u64, path: &Path) -> Result<Vec<Item>> {
    let (m, _) = Manifest::read(path)?;
    let t = crate::commands::ops::task_show(conn, a, task).await?;
    m.check_against(path, t.terms.item_count, t.data_root)?;
    Ok(m.items().to_vec())
}

/// The rows the export must hold (item columns left empty: they are not the chain's).
fn expected_rows(export: &Export, then: &History) -> Result<BTreeMap<u32, Row>> {
    let card = &export.provenance.card;
    let min_tier = match card.min_tier {
        Some(t) => {
            Some(Quality::try_from(t).map_err(Error::unknown_code("the export's min tier"))?)
        }
        None => None,
    };
    let selection = Selection {
        all: !card.accepted_only,
        min_tier,
    };
    let blank = |index: u32| Item {
        index,
        uri: String::new(),
        sha256: B256::ZERO,
        media_type: None,
        metadata: None,
        proof: None,
    };
    Ok(then
        .items
        .iter()
        .enumerate()
        .filter(|(_, s)| selection.includes(s))
        .map(|(i, s)| {
            let i = i as u32;
            (i, rows::row(&blank(i), s, &export.provenance.classes))
        })
        .collect())
}

const ITEM_COLUMNS: [Col; 4] = [Col::Uri, Col::Sha256, Col::MediaType, Col::Metadata];

/// Every row of every file; returns the rows per format.
fn check_files(
    export: &Export,
    expected: &BTreeMap<u32, Row>,
    manifest: Option<&Vec<Item>>,
) -> Result<u64> {
    // The item columns of the first file that had the item: every other must agree.
    let mut first: HashMap<u32, (String, Row)> = HashMap::new();
    let mut by_format: BTreeMap<&'static str, HashSet<u32>> = BTreeMap::new();
    let chain_columns: Vec<Col> = Col::ALL
        .into_iter()
        .filter(|c| !ITEM_COLUMNS.contains(c))
        .collect();
    for file in &export.files {
        let seen = by_format.entry(format_name(file.format)).or_default();
        for (n, row) in export.rows(file)?.enumerate() {
            let row = row?;
            let at = n as u64 + 1;
            check_row(file, at, &row, expected, seen, &chain_columns)?;
            if export.provenance.split.assign(row.item) != file.split {
                return Err(VerifyError::Unexpected {
                    path: file.path.clone(),
                    row: at,
                    item: row.item,
                    why: format!(
                        "belongs to split {} by the export's split seed, not {}",
                        export.provenance.split.assign(row.item).as_str(),
                        file.split.as_str()
                    ),
                }
                .into());
            }
            let reference = match manifest {
                Some(items) => items
                    .get(row.item as usize)
                    .map(|i| ("the item manifest".to_string(), rows::item_only(i))),
                None => first.get(&row.item).cloned(),
            };
            match reference {
                Some((from, r)) => compare(file, at, &row, &r, &ITEM_COLUMNS, &from)?,
                None => {
                    first.insert(row.item, (file.path.clone(), row));
                }
            }
        }
    }
    for (file, seen) in export
        .files
        .iter()
        .map(|f| (f, &by_format[format_name(f.format)]))
    {
        if let Some((item, _)) = expected.iter().find(|(i, r)| {
            !seen.contains(i) && export.provenance.split.assign(r.item) == file.split
        }) {
            return Err(VerifyError::Missing {
                path: file.path.clone(),
                item: *item,
                split: file.split.as_str(),
            }
            .into());
        }
    }
    Ok(expected.len() as u64)
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Parquet => "parquet",
        Format::Jsonl => "jsonl",
        Format::Json => "json",
        Format::Csv => "csv",
    }
}

/// One row against the chain: wanted, once per format, in its split, same values.
fn check_row(
    file: &DataFile,
    at: u64,
    row: &Row,
    expected: &BTreeMap<u32, Row>,
    seen: &mut HashSet<u32>,
    chain_columns: &[Col],
) -> Result<()> {
    let unexpected = |why: String| VerifyError::Unexpected {
        path: file.path.clone(),
        row: at,
        item: row.item,
        why,
    };
    let want = expected.get(&row.item).ok_or_else(|| {
        unexpected("is not in the export's selection on chain (not final, or below its tier, or not an item of the task)".into())
    })?;
    if !seen.insert(row.item) {
        return Err(unexpected("appears a second time in this format".into()).into());
    }
    compare(file, at, row, want, chain_columns, "the chain")
}

fn compare(
    file: &DataFile,
    at: u64,
    found: &Row,
    want: &Row,
    columns: &[Col],
    from: &str,
) -> Result<()> {
    for &c in columns {
        if found.cell(c) != want.cell(c) {
            return Err(VerifyError::Mismatch {
                path: file.path.clone(),
                row: at,
                item: found.item,
                column: c.name(),
                found: format!("{:?}", found.cell(c)),
                expected: format!("{:?}", want.cell(c)),
                expected_from: from.to_string(),
            }
            .into());
        }
    }
    Ok(())
}
