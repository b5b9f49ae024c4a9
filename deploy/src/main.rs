//! `labelchain`: argument parsing and output over the `labelchain` library.

use std::path::PathBuf;
use std::process::ExitCode;

use alloy::primitives::Address;
use clap::{Args, Parser, Subcommand};
use labelchain::chain::Conn;
use labelchain::commands::deploy::{DeployOptions, DeployReport};
use labelchain::commands::ops::{self, Status, TaskSpec, TaskView};
use labelchain::commands::up::{UpOptions, UpSummary, WebOptions};
use labelchain::config::{Endpoint, KeyArgs, Network};
use labelchain::manifest::metadata::Classes;
use labelchain::manifest::task::{TaskData, TaskDataArgs};
use labelchain::manifest::Manifest;
use labelchain::protocol::TaskStatus;
use labelchain::state::Addresses;
use labelchain::units::{format_amount, format_eth, parse_amount};

#[derive(Parser, Debug)]
#[command(
    name = "labelchain",
    version,
    about = "Labelchain: deploy and operate the data-labelling protocol on Arbitrum Stylus",
    after_help = "Networks: devnode (default, http://127.0.0.1:8547, chain 412346), nitro-devnode (same), \
arbitrum-sepolia (421614), custom (--rpc-url). RPC_URL, PRIVATE_KEY, NETWORK may also come from the \
environment or a .env file. Mainnets (42161, 42170) need --allow-mainnet."
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug, Clone)]
struct Global {
    /// Network profile: its default RPC URL and the chain id it must report.
    #[arg(
        long,
        global = true,
        env = "NETWORK",
        value_enum,
        default_value = "devnode"
    )]
    network: Network,
    /// RPC URL (overrides the network's default).
    #[arg(long, global = true, env = "RPC_URL")]
    rpc_url: Option<String>,
    /// Insist on this chain id.
    #[arg(long, global = true)]
    chain_id: Option<u64>,
    /// Allow Arbitrum One / Nova (42161, 42170).
    #[arg(long, global = true)]
    allow_mainnet: bool,
    /// Hex private key of the signer.
    #[arg(long, global = true, env = "PRIVATE_KEY", hide_env_values = true)]
    private_key: Option<String>,
    /// Encrypted JSON keystore of the signer.
    #[arg(long, global = true, env = "KEYSTORE", conflicts_with = "private_key")]
    keystore: Option<PathBuf>,
    /// File with the keystore's password (else KEYSTORE_PASSWORD).
    #[arg(long, global = true)]
    password_file: Option<PathBuf>,
    /// Where deployments/<chainId>.json files live.
    #[arg(
        long,
        global = true,
        env = "LABELCHAIN_DEPLOYMENTS",
        default_value = "deployments"
    )]
    deployments: PathBuf,
    /// Machine-readable output: one JSON document on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// Seconds to wait for a transaction's receipt.
    #[arg(long, global = true, default_value_t = 120)]
    tx_timeout: u64,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build (if needed), deploy, activate, initialise and wire the five programs.
    Deploy(DeployArgs),
    /// Start a local devnode, deploy, seed a demo task, and keep running until Ctrl-C.
    Up(UpArgs),
    /// The protocol's own commands (need a deployment).
    #[command(flatten)]
    Protocol(ProtocolCmd),
    /// Datasets: item manifests, exports checked against the chain, published versions.
    #[command(subcommand)]
    Dataset(DatasetCmd),
    /// Dev chains only: move time forward and mine a block.
    Advance { seconds: u64 },
    /// Dev chains only: the demo's labellers at work.
    #[command(subcommand)]
    Demo(DemoCmd),
    /// Print the revert sentences as a JSON table (what the web app reads; kept in
    /// web/src/generated/errors.json). Offline.
    Errors,
    /// Simulate the token economy of a scenario file with the contracts' settlement
    /// rules: days.csv, attackers.csv, summary.md and charts (SVG and PNG). Offline.
    Tokenomics {
        /// Scenario file (.toml or .json); shipped ones: deploy/tokenomics/scenarios/.
        scenario: PathBuf,
        /// Output directory [default: tokenomics/<scenario name>].
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum DemoCmd {
    /// The three demo labellers label every item of `up`'s demo task (labeller 3 disagrees
    /// on item 1), time moves past the commit window, they reveal, every item is
    /// finalized: the task is then ready to export.
    Label,
}

#[derive(Subcommand, Debug)]
enum DatasetCmd {
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
    /// before sending when the task's labels digest moved since the export.
    Publish {
        dir: PathBuf,
        /// Where the dataset is stored (recorded on chain).
        #[arg(long)]
        uri: String,
    },
    /// Every published version of a task, with its publishing transaction.
    List {
        #[arg(long)]
        task: u64,
        #[command(flatten)]
        logs: LogArgs,
    },
}

#[derive(Args, Debug)]
struct ExportArgs {
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
            "{}: verified — {} files match their MANIFEST, {} rows per format match task {} on chain (labels digest {} after {} items{})",
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
struct LogArgs {
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
async fn dataset_publish(g: &Global, dir: &std::path::Path, uri: &str) -> anyhow::Result<()> {
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
        uri: uri.to_owned(),
    };
    let (conn, a) = deployment(g).await?;
    let p = labelchain::commands::datasets::publish(&conn, &a, task, &release).await?;
    emit(g.json, &p, |p| {
        println!(
            "published version {} of task {task}: tx {}",
            p.version, p.tx.tx_hash
        )
    });
    Ok(())
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

/// Commands that act on a deployment of the protocol, read from `--deployments`.
#[derive(Subcommand, Debug)]
enum ProtocolCmd {
    /// Create, show, cancel or reclaim a task.
    #[command(subcommand)]
    Task(TaskCmd),
    /// Stake LBL (approves the escrow first if needed).
    Stake { amount: String },
    /// Start unbonding free stake.
    Unstake { amount: String },
    /// Withdraw stake whose unbonding period is over.
    Withdraw,
    /// Commit a label; the salt is kept in a local file first (never overwritten).
    Commit {
        #[arg(long)]
        task: u64,
        #[arg(long)]
        item: u32,
        #[arg(long, required_unless_present = "resend")]
        label: Option<u8>,
        /// Send the commitment of an existing salt file again (after a failed send).
        #[arg(long)]
        resend: bool,
        #[command(flatten)]
        salts: SaltsArg,
    },
    /// Reveal a committed label from its salt file.
    Reveal {
        #[arg(long)]
        task: u64,
        #[arg(long)]
        item: u32,
        #[command(flatten)]
        salts: SaltsArg,
    },
    /// Finalize an item (anyone, once revealed or after the reveal window).
    Finalize {
        #[arg(long)]
        task: u64,
        #[arg(long)]
        item: u32,
    },
    /// Audit an escalated or pending-audit item (auditors).
    Audit {
        #[arg(long)]
        task: u64,
        #[arg(long)]
        item: u32,
        #[arg(long)]
        label: u8,
    },
    /// Claim credited payouts (LBL unless --token).
    Claim {
        #[arg(long)]
        token: Option<Address>,
    },
    /// Balances, stake, reputation and claimable LBL of an account (default: the signer).
    Status {
        #[arg(long)]
        address: Option<Address>,
    },
    /// Registry owner: set a payment token's emissionRate, as LBL minted at most per whole
    /// token of protocol fee (LBL itself: at most 1). With --scenario, warns when the rate
    /// lets farming stablecoin tasks pay at the scenario's LBL price.
    EmissionRate {
        #[arg(long)]
        token: Address,
        /// LBL per whole token of fee, e.g. 5 (a USD stablecoin: farming pays above 0.20 USD/LBL).
        #[arg(long)]
        lbl_per_token: String,
        /// A tokenomics scenario whose market prices the check uses (the token taken as 1 USD).
        #[arg(long)]
        scenario: Option<PathBuf>,
    },
}

#[derive(Args, Debug, Clone)]
struct SaltsArg {
    /// Directory of the commit salt files.
    #[arg(
        long = "salts",
        env = "LABELCHAIN_SALTS",
        default_value = ".labelchain/salts"
    )]
    dir: PathBuf,
}

#[derive(Subcommand, Debug)]
enum TaskCmd {
    /// Create and fund a task (approves the escrow for bounty + fee if needed).
    Create(Box<CreateArgs>),
    /// Show a task's terms and progress.
    Show { task: u64 },
    /// Cancel a task before its first commit (requester).
    Cancel { task: u64 },
    /// Refund what is left after the commit window.
    Reclaim { task: u64 },
}

#[derive(Args, Debug, Clone)]
struct CreateArgs {
    /// Item manifest (`labelchain dataset manifest`): sets the item count and dataRoot,
    /// and records the manifest's SHA-256 in the task's metadata.
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// Where labellers fetch the manifest (recorded in the metadata; a relative URI is
    /// resolved against the web app's origin).
    #[arg(long, requires = "manifest")]
    manifest_uri: Option<String>,
    /// Item count [default: 4, or the manifest's].
    #[arg(long)]
    items: Option<u32>,
    /// A class count (`3`, the default) or comma-separated class names (`cat,dog,bird`),
    /// which are recorded in the task's metadata so exports can name labels.
    #[arg(long, value_parser = Classes::parse)]
    classes: Option<Classes>,
    /// Labellers per item.
    #[arg(long, default_value_t = 3)]
    k: u8,
    #[arg(long, default_value_t = 6000)]
    threshold_bps: u16,
    /// Payment token (default LBL).
    #[arg(long)]
    payment_token: Option<Address>,
    /// Reward per label, in the payment token's units.
    #[arg(long, default_value = "2")]
    reward: String,
    /// Stake per label in LBL.
    #[arg(long, default_value = "10")]
    stake: String,
    #[arg(long, default_value_t = 3600)]
    commit_secs: u64,
    #[arg(long, default_value_t = 3600)]
    reveal_secs: u64,
    #[arg(long, default_value_t = 0)]
    audit_rate_bps: u16,
    #[arg(long, default_value_t = 0)]
    min_tier: u8,
    /// Merkle root of the items [default: the manifest's, else the demo items' root].
    #[arg(long)]
    data_root: Option<alloy::primitives::B256>,
    /// [default: a data: URI of the class names and manifest hash if given, else
    /// ipfs://task-metadata]
    #[arg(long)]
    metadata_uri: Option<String>,
}

#[derive(Args, Debug, Clone)]
struct UpArgs {
    /// Port of the in-process devnode.
    #[arg(long, default_value_t = 8547)]
    port: u16,
    /// Keep the chain in this file between runs.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Do not seed the demo.
    #[arg(long)]
    no_demo: bool,
    /// Exit after deploying and seeding instead of serving until Ctrl-C.
    #[arg(long)]
    exit: bool,
    /// Port of the web app (0: any free one).
    #[arg(long, default_value_t = 8080)]
    web_port: u16,
    /// The built web app [default: web/dist].
    #[arg(long)]
    web_dir: Option<PathBuf>,
    /// Do not serve the web app.
    #[arg(long)]
    no_web: bool,
    #[command(flatten)]
    deploy: DeployArgs,
}

#[derive(Args, Debug, Clone)]
struct DeployArgs {
    /// Directory with <program>.deploy files (default: contracts/target/programs).
    #[arg(long)]
    programs: Option<PathBuf>,
    /// Run `cargo packager build` first even if the programs exist.
    #[arg(long)]
    build: bool,
    /// Print the plan and the estimated cost; send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Replace a deployments file left by an earlier chain (other genesis).
    #[arg(long)]
    fresh: bool,
    /// Cache the five programs after deploying (ArbWasmCache.cacheProgram), so their calls
    /// pay the cached init gas. The signer must be a chain owner or a wasm cache manager
    /// (on the devnode the dev key is the chain owner); otherwise nothing is sent and the
    /// command fails, naming the cache manager to bid through.
    #[arg(long)]
    cache: bool,
    /// Receives the genesis supply and slashes (default: the signer).
    #[arg(long)]
    treasury: Option<Address>,
    /// Token cap in LBL.
    #[arg(long, default_value = "1000000000")]
    cap: String,
    /// Genesis supply in LBL, minted to the treasury.
    #[arg(long, default_value = "100000000")]
    genesis_supply: String,
    /// Verified items per emission halving.
    #[arg(long, default_value_t = labelchain::plan::DEFAULT_HALVING_INTERVAL)]
    halving_interval: u64,
    /// Unbonding period in seconds.
    #[arg(long, default_value_t = labelchain::plan::DEFAULT_UNBONDING_PERIOD)]
    unbonding_period: u64,
    /// Extra payment token to allow-list (repeatable).
    #[arg(long = "payment-token")]
    payment_tokens: Vec<Address>,
    /// Auditor to add (repeatable).
    #[arg(long = "auditor")]
    auditors: Vec<Address>,
    /// Label the CREATE2 salts derive from: another salt is another deployment.
    #[arg(long, default_value = "labelchain-v1")]
    salt: String,
    /// StylusDeployer address.
    #[arg(long, default_value_t = labelchain::bindings::STYLUS_DEPLOYER)]
    deployer: Address,
    /// Data fee margin over the eth_call estimate, percent (the excess is refunded).
    #[arg(long, default_value_t = 20)]
    fee_margin: u64,
}

impl DeployArgs {
    fn options(&self, g: &Global) -> anyhow::Result<DeployOptions> {
        let d = DeployOptions::default();
        Ok(DeployOptions {
            programs_dir: self.programs.clone().unwrap_or(d.programs_dir),
            build_if_missing: self.programs.is_none(),
            force_build: self.build,
            deployments_dir: g.deployments.clone(),
            treasury: self.treasury,
            cap: parse_amount(&self.cap, 18)?,
            genesis_supply: parse_amount(&self.genesis_supply, 18)?,
            halving_interval: self.halving_interval,
            unbonding_period: self.unbonding_period,
            payment_tokens: self.payment_tokens.clone(),
            auditors: self.auditors.clone(),
            salt: self.salt.clone(),
            deployer: self.deployer,
            fee_margin_bps: self.fee_margin * 100,
            dry_run: self.dry_run,
            fresh: self.fresh,
            cache: self.cache,
            // Library callers (the interrupted-deploy tests) set it; the CLI never stops early.
            stop_after: None,
        })
    }
}

impl Global {
    fn endpoint(&self) -> labelchain::Result<Endpoint> {
        let mut e = Endpoint::new(self.network, self.rpc_url.clone())?;
        if self.chain_id.is_some() {
            e.expected_chain_id = self.chain_id;
        }
        e.allow_mainnet = self.allow_mainnet;
        Ok(e)
    }

    fn keys(&self) -> KeyArgs {
        KeyArgs {
            private_key: self.private_key.clone(),
            keystore: self.keystore.clone(),
            password_file: self.password_file.clone(),
        }
    }

    async fn connect(&self) -> labelchain::Result<labelchain::chain::Conn> {
        let endpoint = self.endpoint()?;
        let signer = self.keys().signer(self.network)?;
        let mut conn = labelchain::chain::connect(&endpoint, signer).await?;
        conn.timeout = std::time::Duration::from_secs(self.tx_timeout);
        Ok(conn)
    }
}

fn print_deploy(r: &DeployReport) {
    let title = if r.dry_run { "Plan" } else { "Deployment" };
    println!(
        "{title} on chain {} ({}), record {}",
        r.chain_id,
        r.network,
        r.deployments_file.display()
    );
    for s in &r.steps {
        let extra = match (s.tx_hash, s.gas_used, s.gas_estimate) {
            (Some(h), Some(g), _) => format!("tx {h}, gas {g}"),
            (Some(h), None, _) => format!("tx {h}"),
            (None, _, Some(g)) => format!("~{g} gas"),
            _ => String::new(),
        };
        let fee = s
            .data_fee
            .map(|f| format!(", data fee {} ETH", format_eth(f)))
            .unwrap_or_default();
        println!("  [{:8}] {}  {extra}{fee}", s.status, s.label);
    }
    let a = &r.addresses;
    println!("Addresses:");
    println!("  RewardToken        {}", a.token);
    println!("  StakingEscrow      {}", a.escrow);
    println!("  TaskRegistry       {}", a.registry);
    println!("  ConsensusVerifier  {}", a.verifier);
    println!("  DatasetRegistry    {}", a.datasets);
    if r.dry_run {
        println!(
            "Estimated: {} gas, {} ETH (gas at 2x the current {} wei price, data fees with margin)",
            r.estimated_gas.unwrap_or_default(),
            format_eth(r.estimated_cost_wei.unwrap_or_default()),
            r.gas_price_wei
        );
    } else if r.sent == 0 {
        println!("Nothing to do: every step is on chain and checked.");
    } else {
        println!(
            "Sent {} transaction(s): {} gas, {} ETH",
            r.sent,
            r.gas_used,
            format_eth(r.cost_wei)
        );
    }
}

fn emit<T: serde::Serialize>(json: bool, value: &T, human: impl FnOnce(&T)) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(value).expect("serializable output")
        );
    } else {
        human(value);
    }
}

fn print_up(s: &UpSummary<'_>) {
    print_deploy(s.deployment);
    println!();
    println!("Local chain: {} (chain id {})", s.rpc_url, s.chain_id);
    if let Some(d) = s.demo {
        println!(
            "Demo task {}: {} pictures, classes circle/square/triangle, 3 labellers per item, 2 LBL per label, 10 LBL stake.",
            d.task, d.items
        );
        if let Some(m) = &d.manifest {
            println!("Its item manifest: {}", m.display());
        }
        println!("Demo accounts (dev keys, never use them elsewhere):");
        for (role, key) in &s.demo_keys {
            println!("  {role:<11} {key}");
        }
        let k1 = &s.demo_keys[1].1;
        println!();
        println!("Next, in another terminal (RPC_URL={}):", s.rpc_url);
        println!("  labelchain task show {}", d.task);
        println!(
            "  labelchain commit --task {} --item 0 --label 1 --private-key {k1}   # each labeller",
            d.task
        );
        println!("  labelchain advance 3601                    # close the commit window");
        println!(
            "  labelchain reveal --task {} --item 0 --private-key {k1}",
            d.task
        );
        println!(
            "  labelchain advance 3601 && labelchain finalize --task {} --item 0",
            d.task
        );
        println!("  labelchain status --private-key {k1}");
        println!("  labelchain claim --private-key {k1}");
    }
    if let Some(url) = &s.web_url {
        println!();
        println!("Web app: {url} (connect a wallet on chain {}; the demo keys above import into MetaMask)", s.chain_id);
    }
    println!();
    println!("Ctrl-C stops the node.");
}

fn print_sent(what: &str) -> impl FnOnce(&labelchain::chain::Sent) + '_ {
    move |s| {
        println!(
            "{what}: tx {} in block {} (gas {})",
            s.tx_hash, s.block, s.gas_used
        )
    }
}

fn print_task(t: &TaskView) {
    let status = match t.terms.status {
        TaskStatus::Open => "open",
        TaskStatus::Cancelled => "cancelled",
        TaskStatus::None => "none",
    };
    println!(
        "Task {} ({status}{})",
        t.id,
        if t.terms.paused {
            ", protocol paused"
        } else {
            ""
        }
    );
    println!("  requester        {}", t.terms.requester);
    println!("  payment token    {}", t.terms.payment_token);
    println!("  data root        {}", t.data_root);
    println!(
        "  items            {} ({} final, {} open), {} classes, {} labellers per item, threshold {} bps",
        t.terms.item_count, t.final_items, t.open_items, t.terms.num_classes, t.terms.labellers_per_item, t.terms.threshold_bps
    );
    println!(
        "  reward / stake   {} / {} per label",
        format_amount(t.terms.reward_per_label, 18),
        format_amount(t.terms.stake_per_label, 18)
    );
    println!("  commit until     {} (unix)", t.terms.commit_end);
    println!("  reveal until     {} (unix)", t.terms.reveal_end);
    println!("  commits          {}", t.commits);
    println!(
        "  bounty left      {}",
        format_amount(t.bounty_remaining, 18)
    );
    println!("  labels digest    {}", t.labels_digest);
    println!(
        "  emission cap     {} LBL per accepted item",
        format_amount(t.terms.emission_cap, 18)
    );
    if let Some(uri) = &t.metadata_uri {
        println!("  metadata         {uri}");
    }
    if !t.class_names.is_empty() {
        println!("  class names      {}", t.class_names.join(", "));
    }
}

fn print_status(s: &Status) {
    println!(
        "Account {}{}",
        s.account,
        if s.is_auditor { " (auditor)" } else { "" }
    );
    println!("  ETH              {}", format_eth(s.eth));
    println!("  LBL              {}", format_amount(s.lbl, 18));
    println!(
        "  stake            {} free, {} locked, {} unbonding{}",
        format_amount(s.stake_free, 18),
        format_amount(s.stake_locked, 18),
        format_amount(s.unbonding, 18),
        if s.unbonding_ends > 0 {
            format!(" (until {})", s.unbonding_ends)
        } else {
            String::new()
        }
    );
    println!(
        "  reputation       {}/{} agreed, tier {}",
        s.agreed, s.total, s.tier
    );
    println!("  claimable LBL    {}", format_amount(s.claimable_lbl, 18));
    println!("  tasks on chain   {}", s.tasks);
}

/// `labelchain tokenomics`: simulate, write every file or none, print the summary and
/// the admin warning when the scenario's stablecoin rate lets farming pay.
fn tokenomics(
    scenario: &std::path::Path,
    out: Option<&std::path::Path>,
    json: bool,
) -> anyhow::Result<()> {
    use labelchain_tokenomics::{economy, report, scenario::Scenario};
    let s = Scenario::load(scenario)?;
    let dir = out
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("tokenomics").join(&s.name));
    let started = std::time::Instant::now();
    let run = economy::simulate(&s)?;
    let secs = started.elapsed().as_secs_f64();
    let files = report::write_all(&run, &dir)?;
    let check = report::FarmingCheck::of(&run);
    if let Some(w) = check.warning() {
        eprintln!("warning: {w}");
    }
    let value = serde_json::json!({
        "scenario": s.name,
        "days": s.days,
        "agents": run.agents,
        "seconds": secs,
        "farming": check,
        "files": files,
    });
    emit(json, &value, |_| {
        print!("{}", report::summary(&run));
        println!(
            "\nsimulated {} days with {} agents in {secs:.2} s; wrote {} files to {}",
            s.days,
            run.agents,
            files.len(),
            dir.display()
        );
    });
    Ok(())
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let g = &cli.global;
    let json = g.json;
    match &cli.command {
        Command::Deploy(args) => {
            let progress = labelchain::progress::for_output(json);
            let opts = args.options(g)?;
            let conn = g.connect().await?;
            let report = labelchain::commands::deploy::run(&conn, &opts, progress.as_ref()).await?;
            emit(json, &report, print_deploy);
            Ok(())
        }
        Command::Up(args) => up(g, args).await,
        Command::Errors => {
            let table = labelchain::errors::table::table()?;
            println!("{}", serde_json::to_string_pretty(&table)?);
            Ok(())
        }
        Command::Tokenomics { scenario, out } => tokenomics(scenario, out.as_deref(), json),
        Command::Dataset(DatasetCmd::Manifest {
            inputs,
            out,
            uri_prefix,
            no_proofs,
        }) => dataset_manifest(inputs, out, uri_prefix, !no_proofs, json),
        Command::Dataset(DatasetCmd::Export(x)) => dataset_export(g, x).await,
        Command::Dataset(DatasetCmd::Publish { dir, uri }) => dataset_publish(g, dir, uri).await,
        Command::Dataset(DatasetCmd::List { task, logs }) => dataset_list(g, *task, logs).await,
        Command::Dataset(DatasetCmd::Verify {
            dir,
            task,
            manifest,
            page_blocks,
        }) => dataset_verify(g, dir, *task, manifest.as_deref(), *page_blocks).await,
        Command::Demo(DemoCmd::Label) => {
            let progress = labelchain::progress::for_output(json);
            let conn = g.connect().await?;
            let played =
                labelchain::demo::play::label(&conn, &g.deployments, progress.as_ref()).await?;
            emit(json, &played, |p| {
                println!(
                    "task {}: {} commits revealed, {} items final",
                    p.task, p.commits, p.finalized
                )
            });
            Ok(())
        }
        Command::Advance { seconds } => {
            let now = g.connect().await?.advance(*seconds).await?;
            emit(json, &serde_json::json!({ "timestamp": now }), |v| {
                println!("chain time is now {}", v["timestamp"])
            });
            Ok(())
        }
        Command::Protocol(cmd) => {
            let conn = g.connect().await?;
            let a = ops::addresses(&conn, &g.deployments)?;
            protocol(&conn, &a, cmd, json).await
        }
    }
}

/// `labelchain up`: runs until Ctrl-C (or at once with `--exit`).
async fn up(g: &Global, args: &UpArgs) -> anyhow::Result<()> {
    let progress = labelchain::progress::for_output(g.json);
    let opts = UpOptions {
        port: args.port,
        state: args.state.clone(),
        rpc_url: g.rpc_url.clone(),
        deploy: args.deploy.options(g)?,
        demo: !args.no_demo,
    };
    // Registered before anything starts, so a Ctrl-C at any point stops cleanly: during
    // the deploy it drops the node (which saves --state), afterwards it shuts it down.
    use tokio::signal::unix::{signal, SignalKind};
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sigterm = signal(SignalKind::terminate())?;
    let up = tokio::select! {
        up = labelchain::commands::up::start(&opts, progress.as_ref()) => up?,
        _ = sigint.recv() => return Err(labelchain::Error::Interrupted.into()),
        _ = sigterm.recv() => return Err(labelchain::Error::Interrupted.into()),
    };
    let web = if args.exit || args.no_web {
        None
    } else {
        let opts = WebOptions {
            port: args.web_port,
            dist: args
                .web_dir
                .clone()
                .unwrap_or_else(labelchain::web::default_dist),
        };
        Some(up.serve_web(&opts, &g.deployments).await?)
    };
    let mut summary = up.summary();
    summary.web_url = web.as_ref().map(|w| w.url());
    emit(g.json, &summary, print_up);
    if !args.exit && (up.node.is_some() || web.is_some()) {
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        tokio::select! {
            _ = sigint.recv() => {}
            _ = sigterm.recv() => {}
        }
        eprintln!(
            "stopping the node{}",
            match &args.state {
                Some(p) => format!(" (state saved to {})", p.display()),
                None => String::new(),
            }
        );
    }
    if let Some(web) = web {
        web.stop().await;
    }
    if let Some(node) = up.node {
        node.shutdown();
    }
    Ok(())
}

/// One command against the deployment at `a`; each prints its result (or JSON). A flat
/// dispatch, one arm per command, so it is long without branching logic of its own.
async fn protocol(conn: &Conn, a: &Addresses, cmd: &ProtocolCmd, json: bool) -> anyhow::Result<()> {
    match cmd {
        ProtocolCmd::Task(TaskCmd::Create(c)) => task_create(conn, a, c, json).await?,
        ProtocolCmd::Task(TaskCmd::Show { task }) => {
            emit(json, &ops::task_show(conn, a, *task).await?, print_task)
        }
        ProtocolCmd::Task(TaskCmd::Cancel { task }) => emit(
            json,
            &ops::task_cancel(conn, a, *task).await?,
            print_sent("cancelled"),
        ),
        ProtocolCmd::Task(TaskCmd::Reclaim { task }) => emit(
            json,
            &ops::task_reclaim(conn, a, *task).await?,
            print_sent("reclaimed"),
        ),
        ProtocolCmd::Stake { amount } => emit(
            json,
            &ops::stake(conn, a, parse_amount(amount, 18)?).await?,
            print_sent("staked"),
        ),
        ProtocolCmd::Unstake { amount } => emit(
            json,
            &ops::unstake(conn, a, parse_amount(amount, 18)?).await?,
            print_sent("unbonding"),
        ),
        ProtocolCmd::Withdraw => emit(
            json,
            &ops::withdraw(conn, a).await?,
            print_sent("withdrawn"),
        ),
        ProtocolCmd::Commit {
            task,
            item,
            label,
            resend,
            salts,
        } => {
            let c = ops::commit(conn, a, &salts.dir, *task, *item, *label, *resend).await?;
            emit(json, &c, |c| {
                println!(
                    "committed {} on task {task} item {item}: tx {}; salt kept in {} (needed to reveal)",
                    c.commitment,
                    c.tx.tx_hash,
                    c.salt_file.display()
                )
            });
        }
        ProtocolCmd::Reveal { task, item, salts } => emit(
            json,
            &ops::reveal(conn, a, &salts.dir, *task, *item).await?,
            print_sent("revealed"),
        ),
        ProtocolCmd::Finalize { task, item } => emit(
            json,
            &ops::finalize(conn, a, *task, *item).await?,
            print_sent("finalized"),
        ),
        ProtocolCmd::Audit { task, item, label } => emit(
            json,
            &ops::audit(conn, a, *task, *item, *label).await?,
            print_sent("audited"),
        ),
        ProtocolCmd::EmissionRate {
            token,
            lbl_per_token,
            scenario,
        } => emission_rate(conn, a, *token, lbl_per_token, scenario.as_deref(), json).await?,
        ProtocolCmd::Claim { token } => emit(
            json,
            &ops::claim(conn, a, *token).await?,
            print_sent("claimed"),
        ),
        ProtocolCmd::Status { address } => {
            let who = match address {
                Some(x) => *x,
                None => conn.from()?,
            };
            emit(json, &ops::status(conn, a, who).await?, print_status)
        }
    }
    Ok(())
}

async fn task_create(conn: &Conn, a: &Addresses, c: &CreateArgs, json: bool) -> anyhow::Result<()> {
    let pay_decimals = match c.payment_token {
        Some(t) => ops::decimals(conn, t).await?,
        None => 18,
    };
    let data = TaskData::resolve(TaskDataArgs {
        manifest: c.manifest.as_deref(),
        manifest_uri: c.manifest_uri.clone(),
        items: c.items,
        data_root: c.data_root,
        classes: c.classes.clone(),
        metadata_uri: c.metadata_uri.clone(),
    })
    .map_err(labelchain::Error::from)?;
    let spec = TaskSpec {
        data_root: data.data_root,
        items: data.items,
        classes: data.classes,
        k: c.k,
        threshold_bps: c.threshold_bps,
        payment_token: c.payment_token,
        reward: parse_amount(&c.reward, pay_decimals)?,
        stake: parse_amount(&c.stake, 18)?,
        commit_secs: c.commit_secs,
        reveal_secs: c.reveal_secs,
        audit_rate_bps: c.audit_rate_bps,
        min_tier: c.min_tier,
        metadata_uri: data.metadata_uri,
    };
    let created = ops::task_create(conn, a, &spec).await?;
    emit(json, &created, |c| {
        println!(
            "created task {} (bounty {}, fee {}): tx {}",
            c.task,
            format_amount(c.bounty, 18),
            format_amount(c.fee, 18),
            c.tx.tx_hash
        )
    });
    Ok(())
}

/// `labelchain emission-rate`: the rate as WAD of LBL wei per smallest unit of the token,
/// with the farming check of `--scenario` first.
async fn emission_rate(
    conn: &Conn,
    a: &Addresses,
    token: Address,
    lbl_per_token: &str,
    scenario: Option<&std::path::Path>,
    json: bool,
) -> anyhow::Result<()> {
    let decimals = ops::decimals(conn, token).await?;
    let lbl_wei = labelchain::units::parse_amount(lbl_per_token, 18)?;
    // WAD of LBL wei per smallest unit of the token.
    let ten = |n: u8| alloy::primitives::U256::from(10u64).pow(alloy::primitives::U256::from(n));
    let rate = lbl_wei
        .checked_mul(ten(18))
        .map(|x| x / ten(decimals))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "--lbl-per-token {lbl_per_token} is beyond any emission rate the registry accepts"
            )
        })?;
    if let Some(path) = scenario {
        let s = labelchain_tokenomics::scenario::Scenario::load(path)?;
        let per_token: f64 = lbl_per_token.parse().unwrap_or(0.0);
        let check = labelchain_tokenomics::report::FarmingCheck::for_rate(&s, per_token);
        if token != a.token {
            if let Some(w) = check.warning() {
                eprintln!("warning: {w}");
            }
        }
    }
    emit(
        json,
        &ops::set_emission_rate(conn, a, token, rate).await?,
        print_sent("emission rate set"),
    );
    Ok(())
}

fn main() -> ExitCode {
    // Output piped into `head` and closed: end quietly, as Unix tools do.
    // SAFETY: restoring the default disposition of a signal before any thread starts.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    labelchain::config::load_dotenv();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_target(false)
        .with_writer(std::io::stderr)
        .init();
    let json = cli.global.json;
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let kind = e
                .downcast_ref::<labelchain::Error>()
                .map(labelchain::Error::kind)
                .unwrap_or("error");
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "error": { "kind": kind, "message": format!("{e:#}") } })
                );
            } else {
                eprintln!("error: {e:#}");
            }
            ExitCode::FAILURE
        }
    }
}
