//! The library's error type: every way a command can fail, each with a message that says
//! what to do next. The binary prints it and exits non-zero.

use std::path::PathBuf;

use alloy::primitives::{Address, B256};

use crate::errors::Revert;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot reach the RPC at {url}: {reason}. Is the node running? (`labelchain up` starts one; `--rpc-url` / RPC_URL points elsewhere)")]
    Unreachable { url: String, reason: String },
    #[error("wrong chain: {network} is chain id {expected} but the RPC at {url} reports chain id {actual}. Check --network / --rpc-url / --chain-id")]
    WrongChain {
        network: String,
        url: String,
        expected: u64,
        actual: u64,
    },
    #[error("chain id {0} is an Arbitrum mainnet; refusing without --allow-mainnet")]
    MainnetRefused(u64),
    #[error("account {address} has {balance} ETH but this needs about {needed} ETH (gas and activation data fees). Fund it, or use another key")]
    Unfunded {
        address: Address,
        balance: String,
        needed: String,
    },
    #[error("{0}")]
    Config(String),
    #[error("program files missing in {dir}: {missing}. Build them with `cd contracts && cargo packager build`, or pass --build, or --programs DIR")]
    ProgramsMissing { dir: PathBuf, missing: String },
    #[error("building the programs failed: {0}")]
    Build(String),
    #[error("{what} reverted with {revert}")]
    Revert { what: String, revert: Box<Revert> },
    #[error("{what}: transaction {hash} failed on chain ({detail})")]
    TxFailed {
        what: String,
        hash: B256,
        detail: String,
    },
    #[error("{what}: transaction {hash} was not mined within {secs} s; rerun to resume (the step is checked on chain first)")]
    TxTimeout { what: String, hash: B256, secs: u64 },
    #[error("check after {step} failed: {detail}")]
    Mismatch { step: String, detail: String },
    #[error("RPC error during {what}: {detail}")]
    Rpc { what: String, detail: String },
    #[error("deployments file {path}: {detail}")]
    State { path: PathBuf, detail: String },
    #[error("no deployment for chain {chain_id} in {path}: run `labelchain deploy` (or `labelchain up`) first")]
    NoDeployment { chain_id: u64, path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("unknown task {task}: the registry has {count} task(s), ids 1..={count}")]
    UnknownTask { task: u64, count: u64 },
    #[error("{what}: the program answered {source}; is the address a Labelchain program of this version?")]
    UnknownCode {
        what: String,
        source: crate::protocol::UnknownCode,
    },
    #[error("a commit for task {task} item {item} by {labeller} is already recorded in {path} (label {label}); reveal it with `labelchain reveal --task {task} --item {item}`, or send that same commitment again with --resend")]
    CommitExists {
        task: u64,
        item: u32,
        labeller: Address,
        label: u8,
        path: PathBuf,
    },
    #[error("no salt file for task {task} item {item} by {labeller} at {path}: nothing to reveal from this machine")]
    NoSalt {
        task: u64,
        item: u32,
        labeller: Address,
        path: PathBuf,
    },
    #[error("starting the devnode: {0}")]
    Node(String),
    #[error("account {signer} may not cache programs on this chain: ArbWasmCache.cacheProgram is for chain owners and wasm cache managers{}. Deploy without --cache, or ask a chain owner to cache them", match bid_through { Some(m) => format!(". To bid for a place in the cache instead, go through its cache manager {m}: `cargo stylus cache bid --endpoint <RPC> --private-key <KEY> <PROGRAM> <BID_WEI>`"), None => String::new() })]
    CacheRefused {
        signer: Address,
        /// The cache manager `cargo stylus cache bid` would use (ArbWasmCache's last).
        bid_through: Option<Address>,
    },
    #[error("interrupted")]
    Interrupted,
    #[error("manifest: {0}")]
    Manifest(#[from] crate::manifest::ManifestError),
    #[error(transparent)]
    Classes(#[from] crate::manifest::metadata::ClassesError),
    #[error("dataset: {0}")]
    Dataset(#[from] labelchain_dataset::Error),
    /// Boxed: its variants carry the file, row and both values, and `Error` is returned
    /// everywhere.
    #[error("verify: {0}")]
    Verify(Box<crate::export::verify::VerifyError>),
    #[error(transparent)]
    History(#[from] crate::history::HistoryError),
    #[error("{}", stale_message(*task, *onchain_seq, *export_seq))]
    DatasetStale {
        task: u64,
        onchain_seq: u32,
        export_seq: u32,
    },
    #[error(transparent)]
    Web(#[from] crate::web::WebError),
    /// Transparent (as the others below): the CLI prints the error's sources after it, and
    /// a storage error's source is the server's answer, which says what to fix.
    #[error(transparent)]
    Storage(#[from] labelchain_storage::Error),
    #[error(transparent)]
    Access(#[from] labelchain_access::Error),
    #[error(transparent)]
    Trigger(#[from] labelchain_trigger::Error),
    #[error("{}", match version { Some(v) => format!("task {task} has no dataset version {v}: it has {count} (versions 0..{count}, see `labelchain dataset list --task {task}`)"), None => format!("task {task} has no published dataset: publish one with `labelchain dataset publish`") })]
    UnknownDataset {
        task: u64,
        version: Option<u32>,
        count: u32,
    },
    #[error("no data key for task {task} version {version} at {}: only the machine that published it with `dataset publish --encrypt` holds it (a version published without --encrypt needs no grant). Publish a new encrypted version to grant from here", path.display())]
    NoDataKey {
        task: u64,
        version: u32,
        path: PathBuf,
    },
    #[error("no access key for pipeline {pipeline} ({recipient}) on task {task}: the requester grants it with `labelchain dataset grant --task {task} --pipeline {recipient}`")]
    NoGrant {
        task: u64,
        pipeline: Address,
        recipient: String,
    },
    #[error("this pipeline's access key opens task {granted_task} version {granted_version}, not task {task} version {version}: pull --version {granted_version}, or ask the requester to grant version {version}")]
    GrantForOtherVersion {
        task: u64,
        version: u32,
        granted_task: u64,
        granted_version: u32,
    },
    #[error("{}", if *encrypted_expected { format!("task {task} version {version} at {uri} is not encrypted (no CIPHERTEXT there): pull it without --key") } else { format!("task {task} version {version} at {uri} is encrypted (no MANIFEST in the clear): pull it with --key PIPELINE_KEY") })]
    PullMode {
        task: u64,
        version: u32,
        uri: String,
        encrypted_expected: bool,
    },
    #[error("refused task {task} version {version} from {uri}: {what} is {actual} but the chain records {expected}; the stored copy is not the published dataset (nothing was written)")]
    PullMismatch {
        task: u64,
        version: u32,
        uri: String,
        what: &'static str,
        expected: String,
        actual: String,
    },
    #[error("trigger to {target} failed after {attempts} attempt(s){}: {response}. {failed} target(s) failed; every attempt is in {}; rerun `labelchain trigger` to deliver again (same idempotency key)", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default(), log.display())]
    TriggerFailed {
        target: String,
        attempts: u32,
        status: Option<u16>,
        response: String,
        failed: usize,
        log: PathBuf,
    },
}

impl From<crate::export::verify::VerifyError> for Error {
    fn from(e: crate::export::verify::VerifyError) -> Self {
        Error::Verify(Box::new(e))
    }
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn rpc(what: impl Into<String>, e: impl std::fmt::Display) -> Self {
        Error::Rpc {
            what: what.into(),
            detail: e.to_string(),
        }
    }

    /// A code read from `what` that the programs do not use.
    pub fn unknown_code(
        what: impl Into<String>,
    ) -> impl FnOnce(crate::protocol::UnknownCode) -> Self {
        let what = what.into();
        move |source| Error::UnknownCode { what, source }
    }

    /// A short machine-readable kind for `--json` output.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Unreachable { .. } => "unreachable",
            Error::WrongChain { .. } => "wrong_chain",
            Error::MainnetRefused(_) => "mainnet_refused",
            Error::Unfunded { .. } => "unfunded",
            Error::Config(_) => "config",
            Error::ProgramsMissing { .. } => "programs_missing",
            Error::Build(_) => "build",
            Error::Revert { .. } => "revert",
            Error::TxFailed { .. } => "tx_failed",
            Error::TxTimeout { .. } => "tx_timeout",
            Error::Mismatch { .. } => "mismatch",
            Error::Rpc { .. } => "rpc",
            Error::State { .. } => "state",
            Error::NoDeployment { .. } => "no_deployment",
            Error::Io { .. } => "io",
            Error::UnknownTask { .. } => "unknown_task",
            Error::UnknownCode { .. } => "unknown_code",
            Error::CommitExists { .. } => "commit_exists",
            Error::NoSalt { .. } => "no_salt",
            Error::Node(_) => "node",
            Error::CacheRefused { .. } => "cache_refused",
            Error::Interrupted => "interrupted",
            Error::Manifest(_) => "manifest",
            Error::Classes(_) => "classes",
            Error::Dataset(_) => "dataset",
            Error::Verify(_) => "verify",
            Error::History(_) => "history",
            Error::DatasetStale { .. } => "dataset_stale",
            Error::Web(_) => "web",
            Error::Storage(_) => "storage",
            Error::Access(_) => "access",
            Error::Trigger(_) => "trigger",
            Error::UnknownDataset { .. } => "unknown_dataset",
            Error::NoDataKey { .. } => "no_data_key",
            Error::NoGrant { .. } => "no_grant",
            Error::GrantForOtherVersion { .. } => "grant_for_other_version",
            Error::PullMode { .. } => "pull_mode",
            Error::PullMismatch { .. } => "pull_mismatch",
            Error::TriggerFailed { .. } => "trigger_failed",
        }
    }
}

/// [`Error::DatasetStale`]'s sentence: how far the chain moved, when it moved forward.
fn stale_message(task: u64, onchain_seq: u32, export_seq: u32) -> String {
    let moved = match onchain_seq.checked_sub(export_seq) {
        Some(n) if n > 0 => format!("{n} more item(s) were finalized since the export"),
        _ => "the export's digest is not one this task's chain reached".into(),
    };
    format!("task {task}'s labels digest differs from the export's: {moved} (on chain seq {onchain_seq}, the export's seq {export_seq}). Re-export with `labelchain dataset export --task {task} ...` and publish that")
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
