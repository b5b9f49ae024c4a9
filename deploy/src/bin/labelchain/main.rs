//! `labelchain`: argument parsing and output over the `labelchain` library.

mod dataset;
mod pipeline;
mod protocol;

use std::path::PathBuf;
use std::process::ExitCode;

use alloy::primitives::Address;
use clap::{Args, Parser, Subcommand};
use labelchain::commands::deploy::{DeployOptions, DeployReport};
use labelchain::commands::ops;
use labelchain::commands::up::{UpOptions, UpSummary, WebOptions};
use labelchain::config::{Endpoint, KeyArgs, Network};
use labelchain::units::{format_eth, parse_amount};

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
    Protocol(protocol::ProtocolCmd),
    /// Datasets: item manifests, exports checked against the chain, published versions,
    /// stored (encrypted) and granted to the pipelines that pull them.
    #[command(subcommand)]
    Dataset(dataset::DatasetCmd),
    /// Training pipelines: their keys.
    #[command(subcommand)]
    Pipeline(pipeline::PipelineCmd),
    /// Start retraining for a published version (again): POST the signed event to a
    /// webhook, or create an MLflow run, retried with backoff and logged (JSONL).
    Trigger(pipeline::TriggerCmd),
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
        if let Some(m) = &d.manifest {
            println!();
            println!("Or let the demo labellers label all six, then export the dataset:");
            println!("  labelchain demo label");
            println!(
                "  labelchain dataset export --task {} --manifest {} demo-dataset",
                d.task,
                m.display()
            );
            println!("  labelchain dataset verify demo-dataset");
        }
    }
    if let Some(url) = &s.web_url {
        println!();
        println!("Web app: {url} (connect a wallet on chain {}; the demo keys above import into MetaMask)", s.chain_id);
    }
    println!();
    println!("Ctrl-C stops the node.");
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
        Command::Dataset(cmd) => dataset::run(g, cmd).await,
        Command::Pipeline(cmd) => pipeline::run(g, cmd),
        Command::Trigger(t) => pipeline::trigger(g, t).await,
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
            protocol::protocol(&conn, &a, cmd, json).await
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
