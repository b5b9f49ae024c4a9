//! `labelchain dataset …`: item manifests, exports checked against the chain, their
//! verification, and published versions.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use labelchain::chain::Conn;
use labelchain::commands::ops;
use labelchain::manifest::Manifest;
use labelchain::state::Addresses;

use crate::{emit, pipeline, Global};

pub(crate) async fn run(g: &Global, cmd: &DatasetCmd) -> anyhow::Result<()> {
    match cmd {
        DatasetCmd::Manifest {
            inputs,
            out,
            uri_prefix,
            no_proofs,
        } => dataset_manifest(inputs, out, uri_prefix, !no_proofs, g.json),
        DatasetCmd::Export(x) => dataset_export(g, x).await,
        DatasetCmd::Publish(p) => dataset_publish(g, p).await,
        DatasetCmd::Grant(x) => pipeline::grant(g, x).await,
        DatasetCmd::Pull(x) => pipeline::pull(g, x).await,
        DatasetCmd::List { task, logs } => dataset_list(g, *task, logs).await,
        DatasetCmd::Verify {
            dir,
            task,
            manifest,
            page_blocks,
        } => dataset_verify(g, dir, *task, manifest.as_deref(), *page_blocks).await,
    }
}

#[derive(Subcommand, Debug)]
pub(crate) enum DatasetCmd {
    /// Hash files into an item manifest (JSONL: index, uri, sha256, mediaType) and print
    /// its dataRoot. Files are indexed in the order of their paths relative to the
    /// directory given (a file given itself: its path as given); the uri is --uri-prefix
    /// followed by that path. Written atomically: on any error nothing is written.
    Manifest {
        /// Directories (walked) and files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        #[arg(long, default_value = "manifest.jsonl")]
        out: PathBuf,
        /// Prepended to each item's relative path, e.g. ipfs://<cid>/ or https://host/data/.
        #[arg(long, default_value = "")]
        uri_prefix: String,
        /// Leave out the per-line Merkle proofs (a smaller file, but a changed line can
        /// then only be detected, not named).
        #[arg(long)]
        no_proofs: bool,
    },
    /// Export a task's final labels, checked against the chain (labelsDigest replayed, every
    /// manifest line against dataRoot), in the Hugging Face layout: Parquet (default
    /// config), JSONL, JSON, CSV, a dataset card and a MANIFEST of sha256s. Nothing is
    /// written unless every check passes.
    Export(ExportArgs),
    /// Check an export: every file's sha256 against its MANIFEST, every row against the
    /// chain (and the item columns against --manifest if given).
    Verify {
        dir: PathBuf,
        /// The task the export must be of.
        #[arg(long)]
        task: Option<u64>,
        /// The item manifest to check the uri/sha256 columns against.
        #[arg(long)]
        manifest: Option<PathBuf>,
        #[arg(long, default_value_t = 5_000)]
        page_blocks: u64,
    },
    /// Record an export as a dataset version on chain (requester only): its labels digest
    /// and the sha256 of its MANIFEST, after the directory checked out against it. Refused
    /// before sending (or uploading) when the task's labels digest moved since the export.
    /// With --store the export is uploaded first (encrypted with --encrypt) and the URI
    /// the upload produced is recorded; --trigger then starts retraining.
    Publish(PublishArgs),
    /// Give a pipeline the data key of an encrypted version: wrapped to its public key
    /// (age, X25519) and stored on chain by grantAccess (requester only). A later grant to
    /// the same pipeline replaces this one; to revoke, publish a new version (a new key)
    /// and grant it to the pipelines that keep access.
    Grant(pipeline::GrantArgs),
    /// Fetch a published version as a pipeline: the URI, MANIFEST hash and wrapped key
    /// come from the chain; every file is checked (and decrypted with --key) before OUT
    /// appears. Nothing is left behind on any refusal.
    Pull(pipeline::PullArgs),
    /// Every published version of a task, with its publishing transaction.
    List {
        #[arg(long)]
        task: u64,
        #[command(flatten)]
        logs: LogArgs,
    },
}

#[derive(Args, Debug)]
pub(crate) struct PublishArgs {
    dir: PathBuf,
    /// Where the dataset already is, recorded on chain as given (nothing is uploaded).
    #[arg(long, required_unless_present = "store", conflicts_with = "store")]
    uri: Option<String>,
    /// Upload the export here and record the URI of what was stored: a path or file:///dir,
    /// s3://bucket/prefix (AWS_* variables, AWS_ENDPOINT_URL), gs://bucket/prefix
    /// (GOOGLE_APPLICATION_CREDENTIALS or STORAGE_EMULATOR_HOST), ipfs:// (IPFS_API_URL).
    /// Objects go under task-T/vV/; a rerun skips those already stored with the same hash.
    #[arg(long)]
    store: Option<String>,
    /// Encrypt every file to a fresh data key first (age; kept in
    /// <deployments>/keys/<chain>/task-T-vV.key for `dataset grant`).
    #[arg(long, requires = "store")]
    encrypt: bool,
    #[command(flatten)]
    trigger: pipeline::TriggerArgs,
}

#[derive(Args, Debug)]
pub(crate) struct ExportArgs {
    #[arg(long)]
    task: u64,
    /// The task's item manifest (`labelchain dataset manifest`).
    #[arg(long)]
    manifest: PathBuf,
    /// The export directory (created; must not exist unless --force).
    out: PathBuf,
    /// Every item with its status (accepted, void, escalated, pending_audit, open), not
    /// only accepted ones.
    #[arg(long)]
    all: bool,
    /// Leave out accepted items below this tier.
    #[arg(long, value_parser = parse_quality)]
    min_tier: Option<labelchain::protocol::Quality>,
    /// Train/validation/test percentages, by a seeded hash of the item index.
    #[arg(long, default_value = "100,0,0")]
    split: String,
    #[arg(long, default_value_t = 0)]
    split_seed: u64,
    /// Class names, for a task that recorded none.
    #[arg(long, value_delimiter = ',')]
    classes: Option<Vec<String>>,
    /// Replace an existing export directory (only once the new one is complete).
    #[arg(long)]
    force: bool,
    /// Blocks per eth_getLogs request (lower it for RPCs that cap ranges).
    #[arg(long, default_value_t = 5_000)]
    page_blocks: u64,
}

fn parse_quality(s: &str) -> Result<labelchain::protocol::Quality, String> {
    use labelchain::protocol::Quality;
    match s.to_ascii_lowercase().as_str() {
        "standard" | "1" => Ok(Quality::Standard),
        "strong" | "2" => Ok(Quality::Strong),
        "audited" | "3" => Ok(Quality::Audited),
        _ => Err(format!("{s:?}: a tier is standard, strong or audited")),
    }
}

/// `labelchain dataset export`.
async fn dataset_export(g: &Global, x: &ExportArgs) -> anyhow::Result<()> {
    let split = labelchain_dataset::SplitSpec::parse(&x.split, x.split_seed)
        .map_err(|e| labelchain::Error::Config(format!("--split {}: {e}", x.split)))?;
    let conn = g.connect().await?;
    let a = ops::addresses(&conn, &g.deployments)?;
    let opts = labelchain::export::ExportOptions {
        task: x.task,
        manifest: x.manifest.clone(),
        out: x.out.clone(),
        selection: labelchain::export::rows::Selection {
            all: x.all,
            min_tier: x.min_tier,
        },
        split,
        classes: x.classes.clone(),
        overwrite: x.force,
        logs: labelchain::history::LogOptions {
            page_blocks: x.page_blocks.max(1),
            ..Default::default()
        },
        quiet: g.json,
    };
    let e = labelchain::export::export(&conn, &a, &opts).await?;
    emit(g.json, &e, |e| {
        println!(
            "wrote {} rows of task {} to {} ({}); labels digest {} after {} final items, block {}",
            e.rows,
            e.task,
            e.dir.display(),
            e.splits
                .iter()
                .map(|(s, n)| format!("{s} {n}"))
                .collect::<Vec<_>>()
                .join(", "),
            e.labels_digest,
            e.seq,
            e.block
        );
        println!(
            "MANIFEST sha256 (the fileHash `dataset publish` records): {}",
            e.file_hash
        );
    });
    Ok(())
}

/// `labelchain dataset verify`.
async fn dataset_verify(
    g: &Global,
    dir: &std::path::Path,
    task: Option<u64>,
    manifest: Option<&std::path::Path>,
    page_blocks: u64,
) -> anyhow::Result<()> {
    let conn = g.connect().await?;
    let logs = labelchain::history::LogOptions {
        page_blocks: page_blocks.max(1),
        ..Default::default()
    };
    let v = labelchain::export::verify::verify(
        &conn,
        &g.deployments,
        dir,
        task,
        manifest,
        &logs,
        g.json,
    )
    .await?;
    emit(g.json, &v, |v| {
        println!(
            "{}: verified — every file matches its MANIFEST; the {} data files hold {} rows each match task {} on chain (labels digest {} after {} items{})",
            v.dir.display(),
            v.files,
            v.rows,
            v.task,
            v.labels_digest,
            v.seq,
            if u64::from(v.chain_seq_now) > v.seq {
                format!("; {} items are final now: re-export for them", v.chain_seq_now)
            } else {
                String::new()
            }
        )
    });
    Ok(())
}

/// How `eth_getLogs` is paged.
#[derive(Args, Debug, Clone)]
pub(crate) struct LogArgs {
    /// Blocks per eth_getLogs request at first (halved on errors down to one block).
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(1..))]
    page_blocks: u64,
    /// First block to read logs from (e.g. the deployment's block).
    #[arg(long, default_value_t = 0)]
    from_block: u64,
}

impl LogArgs {
    fn options(&self) -> labelchain::history::LogOptions {
        labelchain::history::LogOptions {
            page_blocks: self.page_blocks,
            ..Default::default()
        }
    }
}

/// The connection and deployment `dataset publish` and `list` act on.
async fn deployment(g: &Global) -> anyhow::Result<(Conn, Addresses)> {
    let conn = g.connect().await?;
    let a = ops::addresses(&conn, &g.deployments)?;
    Ok((conn, a))
}

/// `labelchain dataset publish DIR`: the export's digest, seq and MANIFEST hash, once the
/// directory checked out against its MANIFEST.
async fn dataset_publish(g: &Global, x: &PublishArgs) -> anyhow::Result<()> {
    let dir = x.dir.as_path();
    // Parsed first: a bad target fails before anything is uploaded or sent.
    let trigger = x.trigger.spec(g)?;
    let (export, file_hash) = labelchain::export::file_hash(dir)?;
    let card = &export.provenance.card;
    let task = card.task;
    let release = labelchain::commands::datasets::Release {
        labels_digest: card.labels_digest.parse().map_err(|_| {
            labelchain::Error::Config(format!("{}: the labels digest is not hex", dir.display()))
        })?,
        seq: u32::try_from(card.seq)
            .map_err(|_| labelchain::Error::Config("seq out of range".into()))?,
        file_hash,
        uri: x.uri.clone().unwrap_or_default(),
    };
    if let Some(store) = &x.store {
        let spec = labelchain::pipeline::publish::StoreSpec {
            url: store.clone(),
            encrypt: x.encrypt,
        };
        return pipeline::publish_stored(g, dir, &release, task, spec, trigger).await;
    }
    let (conn, a) = deployment(g).await?;
    let p = labelchain::commands::datasets::publish(&conn, &a, task, &release).await?;
    if !g.json {
        println!(
            "published version {} of task {task}: tx {}",
            p.version, p.tx.tx_hash
        );
    }
    let record = labelchain::pipeline::pull::Record {
        task,
        version: p.version,
        labels_digest: release.labels_digest,
        file_hash: release.file_hash,
        uri: release.uri.clone(),
    };
    let just = pipeline::JustPublished {
        record,
        tx: p.tx.tx_hash,
        encrypted: false,
        doc: serde_json::to_value(&p)?,
    };
    pipeline::after_publish(g, conn.chain_id, &a, just, trigger.as_ref()).await
}

/// `labelchain dataset list`, with a bar over the blocks read for the publish events.
async fn dataset_list(g: &Global, task: u64, logs: &LogArgs) -> anyhow::Result<()> {
    let (conn, a) = deployment(g).await?;
    let bar = labelchain::progress::BlocksBar::new(g.json, "DatasetPublished events");
    let mut on_page =
        |p: labelchain::history::PageProgress| bar.page(p.blocks_done, p.blocks_total, p.logs);
    let versions = labelchain::commands::datasets::list(
        &conn,
        &a,
        task,
        logs.from_block,
        &logs.options(),
        &mut on_page,
    )
    .await?;
    bar.finish();
    emit(g.json, &versions, |v| print_versions(v));
    Ok(())
}

fn print_versions(versions: &[labelchain::commands::datasets::DatasetVersion]) {
    if versions.is_empty() {
        println!("no dataset published for this task");
        return;
    }
    println!("version  published at  block     tx / digest / file hash / uri");
    for v in versions {
        let show = |x: Option<String>| x.unwrap_or_else(|| "-".into());
        println!(
            "{:<8} {:<13} {:<9} tx {}",
            v.version,
            v.published_at,
            show(v.block.map(|b| b.to_string())),
            show(v.tx.map(|t| t.to_string()))
        );
        println!("{:33}digest {}", "", v.labels_digest);
        println!("{:33}file   {}", "", v.file_hash);
        println!("{:33}uri    {}", "", v.uri);
    }
}

/// `labelchain dataset manifest`: build, write, print the root.
fn dataset_manifest(
    inputs: &[PathBuf],
    out: &std::path::Path,
    uri_prefix: &str,
    proofs: bool,
    json: bool,
) -> anyhow::Result<()> {
    let m = Manifest::build(inputs, uri_prefix, Some(out)).map_err(labelchain::Error::from)?;
    let m = if proofs { m.with_proofs() } else { m };
    m.write_atomic(out).map_err(labelchain::Error::from)?;
    let value = serde_json::json!({
        "dataRoot": m.data_root(),
        "items": m.count(),
        "manifest": out,
    });
    emit(json, &value, |_| {
        println!(
            "wrote {} items to {}; dataRoot {}",
            m.count(),
            out.display(),
            m.data_root()
        )
    });
    Ok(())
}
