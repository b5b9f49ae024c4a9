//! `labelchain pipeline keygen`, `dataset grant | pull`, `publish --store` and the
//! retraining trigger: the way from a published version to the pipelines allowed to read it.

use std::path::{Path, PathBuf};

use alloy::primitives::Address;
use clap::{Args, Subcommand};
use labelchain::commands::datasets::Release;
use labelchain::pipeline::{self, publish::StoreSpec, pull::Record, trigger::TriggerSpec};
use labelchain_access::Recipient;
use labelchain_trigger::{RetryPolicy, Target};

use crate::{emit, Global};

#[derive(Subcommand, Debug)]
pub(crate) enum PipelineCmd {
    /// Make a training pipeline's X25519 key pair (an age identity file, mode 0600) and
    /// print its public key and the address grants are filed under. Give the requester
    /// the public key; keep the file.
    Keygen {
        #[arg(default_value = "pipeline.key")]
        out: PathBuf,
    },
}

pub(crate) fn run(g: &Global, cmd: &PipelineCmd) -> anyhow::Result<()> {
    match cmd {
        PipelineCmd::Keygen { out } => {
            let r = labelchain_access::keygen(out).map_err(labelchain::Error::from)?;
            let value = serde_json::json!({
                "keyFile": out,
                "publicKey": r.to_string(),
                "address": pipeline::pipeline_address(&r),
            });
            emit(g.json, &value, |_| {
                println!("wrote {} (keep it secret; mode 0600)", out.display());
                println!("public key: {r}");
                println!("address:    {}", pipeline::pipeline_address(&r));
                println!("the requester grants it with `labelchain dataset grant --task T --pipeline {r}`");
            });
            Ok(())
        }
    }
}

/// Where the retraining trigger goes (`publish --trigger`, `labelchain trigger`).
#[derive(Args, Debug, Clone)]
pub(crate) struct TriggerArgs {
    /// A webhook URL (the body signed with HMAC-SHA256 under LABELCHAIN_WEBHOOK_SECRET or
    /// --webhook-secret-file) or an MLflow server, mlflow+http://host:port[#experiment].
    /// Repeatable.
    #[arg(long = "trigger", value_name = "TARGET")]
    targets: Vec<String>,
    /// File holding the webhook's HMAC secret.
    #[arg(long)]
    webhook_secret_file: Option<PathBuf>,
    /// The JSONL log every delivery is appended to [default: <deployments>/triggers.jsonl].
    #[arg(long)]
    trigger_log: Option<PathBuf>,
    /// Attempts per target (retries with exponential backoff for 5xx, 408, 429 and
    /// connection errors).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    trigger_attempts: u32,
}

impl TriggerArgs {
    /// The targets parsed up front, so a bad one fails before anything is published.
    pub(crate) fn spec(&self, g: &Global) -> anyhow::Result<Option<TriggerSpec>> {
        if self.targets.is_empty() {
            return Ok(None);
        }
        let secret = self.secret()?;
        let targets = self
            .targets
            .iter()
            .map(|t| Target::parse(t, secret.clone()).map_err(labelchain::Error::from))
            .collect::<Result<Vec<_>, _>>()?;
        let policy = RetryPolicy {
            attempts: self.trigger_attempts,
            ..RetryPolicy::default()
        };
        let log = self
            .trigger_log
            .clone()
            .unwrap_or_else(|| g.deployments.join("triggers.jsonl"));
        Ok(Some(TriggerSpec {
            targets,
            log,
            policy,
        }))
    }

    fn secret(&self) -> anyhow::Result<Option<Vec<u8>>> {
        if let Some(f) = &self.webhook_secret_file {
            let s = std::fs::read(f).map_err(|e| labelchain::Error::io(f, e))?;
            return Ok(Some(trim_newline(s)));
        }
        Ok(std::env::var("LABELCHAIN_WEBHOOK_SECRET")
            .ok()
            .filter(|s| !s.is_empty())
            .map(String::into_bytes))
    }
}

fn trim_newline(mut s: Vec<u8>) -> Vec<u8> {
    while s.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        s.pop();
    }
    s
}

/// `labelchain trigger`: deliver (again) the event of a published version.
#[derive(Args, Debug)]
pub(crate) struct TriggerCmd {
    #[arg(long)]
    task: u64,
    /// The latest version if not given.
    #[arg(long)]
    version: Option<u32>,
    #[command(flatten)]
    trigger: TriggerArgs,
}

pub(crate) async fn trigger(g: &Global, t: &TriggerCmd) -> anyhow::Result<()> {
    let Some(spec) = t.trigger.spec(g)? else {
        anyhow::bail!(
            "no target: pass --trigger URL (a webhook) or --trigger mlflow+http://host:port"
        );
    };
    let conn = g.connect().await?;
    let a = labelchain::commands::ops::addresses(&conn, &g.deployments)?;
    let record = pipeline::pull::record(&conn, &a, t.task, t.version).await?;
    let tx = labelchain::commands::datasets::publish_tx(&conn, &a, t.task, record.version)
        .await?
        .ok_or_else(|| {
            labelchain::Error::Config(format!(
                "no DatasetPublished event for task {} version {} in the chain's logs",
                t.task, record.version
            ))
        })?;
    // Whether the version was encrypted is known where it was published: its data key.
    let encrypted =
        pipeline::data_key_path(&g.deployments, conn.chain_id, t.task, record.version).exists();
    let event = pipeline::trigger::event(conn.chain_id, &a, &record, tx, encrypted);
    let done = deliver(g, &event, &spec).await?;
    emit(g.json, &done, |_| {});
    Ok(())
}

async fn deliver(
    g: &Global,
    event: &labelchain_trigger::Event,
    spec: &TriggerSpec,
) -> anyhow::Result<Vec<pipeline::trigger::Triggered>> {
    let done = pipeline::trigger::run(event, spec).await?;
    if !g.json {
        for t in &done {
            println!(
                "triggered {} for task {} version {}: {} after {} attempt(s){}; logged to {}",
                t.target,
                event.task,
                event.version,
                t.delivery
                    .status
                    .map(|s| format!("HTTP {s}"))
                    .unwrap_or_default(),
                t.delivery.attempts,
                t.delivery
                    .run_id
                    .as_ref()
                    .map(|r| format!(", MLflow run {r}"))
                    .unwrap_or_default(),
                spec.log.display()
            );
        }
    }
    Ok(done)
}

/// A version just published, as the trigger and the output need it.
pub(crate) struct JustPublished {
    pub record: Record,
    pub tx: alloy::primitives::B256,
    pub encrypted: bool,
    /// The publish's own output document (`--json`).
    pub doc: serde_json::Value,
}

/// After a publish: the trigger, if asked, and one output document. A failed trigger
/// fails the command but says the version is on chain (it is: only the delivery is left,
/// for `labelchain trigger`).
pub(crate) async fn after_publish(
    g: &Global,
    chain_id: u64,
    a: &labelchain::state::Addresses,
    p: JustPublished,
    trigger: Option<&TriggerSpec>,
) -> anyhow::Result<()> {
    let triggers = match trigger {
        Some(spec) => {
            let event = pipeline::trigger::event(chain_id, a, &p.record, p.tx, p.encrypted);
            let done = deliver(g, &event, spec).await.map_err(|e| {
                e.context(format!(
                    "published version {} of task {} at {} (tx {}) and the retraining trigger failed",
                    p.record.version, p.record.task, p.record.uri, p.tx
                ))
            })?;
            Some(done)
        }
        None => None,
    };
    if g.json {
        let mut doc = p.doc;
        doc["triggers"] = serde_json::to_value(&triggers)?;
        emit(true, &doc, |_| {});
    }
    Ok(())
}

/// `dataset publish DIR --store URL [--encrypt] [--trigger T]`.
pub(crate) async fn publish_stored(
    g: &Global,
    dir: &Path,
    release: &Release,
    task: u64,
    spec: StoreSpec,
    trigger: Option<TriggerSpec>,
) -> anyhow::Result<()> {
    let conn = g.connect().await?;
    let a = labelchain::commands::ops::addresses(&conn, &g.deployments)?;
    let (p, stored) =
        pipeline::publish::publish_stored(&conn, &a, &g.deployments, dir, task, release, &spec)
            .await?;
    if !g.json {
        println!(
            "uploaded {} file(s) ({} bytes), {} already stored; published version {} of task {task} at {}: tx {}",
            stored.sent, stored.bytes, stored.skipped, p.version, stored.uri, p.tx.tx_hash
        );
        if let Some(k) = &stored.key_file {
            println!(
                "encrypted; the data key is {} — grant it with `labelchain dataset grant --task {task} --version {} --pipeline age1…`",
                k.display(),
                p.version
            );
        }
    }
    let record = Record {
        task,
        version: p.version,
        labels_digest: release.labels_digest,
        file_hash: release.file_hash,
        uri: stored.uri.clone(),
    };
    let just = JustPublished {
        record,
        tx: p.tx.tx_hash,
        encrypted: stored.encrypted,
        doc: serde_json::json!({ "version": p.version, "tx": p.tx, "stored": stored }),
    };
    after_publish(g, conn.chain_id, &a, just, trigger.as_ref()).await
}

/// `dataset grant`.
#[derive(Args, Debug)]
pub(crate) struct GrantArgs {
    #[arg(long)]
    task: u64,
    /// The latest version if not given.
    #[arg(long)]
    version: Option<u32>,
    /// The pipeline: its public key (age1…; the grant is filed under the key's address),
    /// or an address (then --pubkey gives the key).
    #[arg(long)]
    pipeline: String,
    /// The pipeline's public key when --pipeline is an address.
    #[arg(long)]
    pubkey: Option<String>,
}

pub(crate) async fn grant(g: &Global, x: &GrantArgs) -> anyhow::Result<()> {
    let (to, address) = pipeline_of(&x.pipeline, x.pubkey.as_deref())?;
    let conn = g.connect().await?;
    let a = labelchain::commands::ops::addresses(&conn, &g.deployments)?;
    let granted =
        pipeline::grant::grant(&conn, &a, &g.deployments, x.task, x.version, &to, address).await?;
    emit(g.json, &granted, |x| {
        println!(
            "granted task {} version {} to pipeline {} ({}): {} bytes of wrapped key, tx {}",
            x.task, x.version, x.pipeline, x.recipient, x.wrapped_key_bytes, x.tx.tx_hash
        )
    });
    Ok(())
}

fn pipeline_of(
    pipeline: &str,
    pubkey: Option<&str>,
) -> anyhow::Result<(Recipient, Option<Address>)> {
    let parse_key = |s: &str| -> anyhow::Result<Recipient> {
        Ok(s.parse::<Recipient>().map_err(labelchain::Error::from)?)
    };
    if let Ok(address) = pipeline.parse::<Address>() {
        let Some(k) = pubkey else {
            anyhow::bail!("--pipeline {pipeline} is an address: give its public key with --pubkey age1… (the key is what the grant is encrypted to)");
        };
        return Ok((parse_key(k)?, Some(address)));
    }
    if pubkey.is_some() {
        anyhow::bail!("--pubkey is for --pipeline ADDRESS; --pipeline {pipeline} is already a key");
    }
    Ok((parse_key(pipeline)?, None))
}

/// `dataset pull`.
#[derive(Args, Debug)]
pub(crate) struct PullArgs {
    #[arg(long)]
    task: u64,
    /// The latest version if not given.
    #[arg(long)]
    version: Option<u32>,
    /// The pipeline's key file (`labelchain pipeline keygen`), for an encrypted version.
    #[arg(long)]
    key: Option<PathBuf>,
    /// The address the key was granted under, if not the key's own.
    #[arg(long = "as")]
    granted_to: Option<Address>,
    /// The directory to create.
    out: PathBuf,
}

pub(crate) async fn pull(g: &Global, x: &PullArgs) -> anyhow::Result<()> {
    let conn = g.connect().await?;
    let a = labelchain::commands::ops::addresses(&conn, &g.deployments)?;
    let opts = pipeline::pull::PullOptions {
        task: x.task,
        version: x.version,
        key: x.key.clone(),
        granted_to: x.granted_to,
        out: x.out.clone(),
    };
    let p = pipeline::pull::pull(&conn, &a, &opts).await?;
    emit(g.json, &p, |p| {
        println!(
            "pulled task {} version {} from {} into {}{}: the MANIFEST hashes to the chain's {}, every file to the MANIFEST ({} data files), labels digest {}",
            p.record.task,
            p.record.version,
            p.record.uri,
            p.dir.display(),
            if p.encrypted { " and decrypted" } else { "" },
            p.record.file_hash,
            p.data_files,
            p.record.labels_digest
        )
    });
    Ok(())
}
