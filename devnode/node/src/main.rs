//! `devnode`: the local Arbitrum Stylus node users run (`cargo run -p devnode`). JSON-RPC
//! on 127.0.0.1:8547, chain id 412346, the nitro-devnode dev account and anvil's test
//! accounts funded and unlocked; see `devnode --help`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use devnode::rpc::{Node, NodeConfig, DEFAULT_MNEMONIC, DERIVATION_PATH};

#[derive(Parser, Debug)]
#[command(
    name = "devnode",
    version,
    about = "A local Arbitrum Stylus node (JSON-RPC)"
)]
struct Args {
    /// Interface to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, short, default_value_t = 8547)]
    port: u16,
    /// How many accounts to derive from the mnemonic, fund and unlock.
    #[arg(long, short, default_value_t = 10)]
    accounts: usize,
    /// The BIP-39 mnemonic the test accounts come from (m/44'/60'/0'/0/i): 12 to 24
    /// words from the English BIP-39 list with a valid checksum, or the node refuses to
    /// start.
    #[arg(long, short, default_value = DEFAULT_MNEMONIC)]
    mnemonic: String,
    /// Each test account's balance in ETH.
    #[arg(long, default_value_t = 10_000)]
    balance: u64,
    /// Mine a block every SECS seconds instead of one per transaction.
    #[arg(long, short, value_name = "SECS")]
    block_time: Option<f64>,
    /// Blocks before the latest whose state stays readable (eth_call, eth_getBalance, …
    /// at an older block tag).
    #[arg(long, default_value_t = devnode::chain::DEFAULT_HISTORY, value_name = "BLOCKS")]
    history: usize,
    /// Keep the chain in this file: loaded at start, saved after each block and on exit.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Chain id.
    #[arg(long, default_value_t = devnode::chain::CHAIN_ID)]
    chain_id: u64,
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_target(false)
        // Colour only on a terminal: a log piped to a file stays plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let block_time = match args.block_time {
        Some(s) if !(s > 0.0 && s.is_finite()) => anyhow::bail!("--block-time must be positive"),
        Some(s) => Some(Duration::from_secs_f64(s)),
        None => None,
    };
    let config = NodeConfig {
        host: args.host,
        port: args.port,
        chain_id: args.chain_id,
        mnemonic: args.mnemonic.clone(),
        accounts: args.accounts,
        balance: revm::primitives::U256::from(args.balance)
            * revm::primitives::U256::from(10u64.pow(18)),
        block_time,
        state_file: args.state,
        history: args.history,
        ..NodeConfig::default()
    };
    let node = Node::start(config).context("starting the node")?;
    print_banner(&node, &args.mnemonic);
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    while !STOP.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
    }
    tracing::info!("shutting down");
    node.shutdown();
    Ok(())
}

fn print_banner(node: &devnode::rpc::NodeHandle, mnemonic: &str) {
    use std::fmt::Write;
    let accounts = node.accounts();
    let (chain_id, balances) = node.with_chain(|c| {
        (
            c.chain_id(),
            accounts
                .iter()
                .map(|a| c.balance(a.address))
                .collect::<Vec<_>>(),
        )
    });
    let eth = |wei: revm::primitives::U256| {
        let unit = revm::primitives::U256::from(10u64.pow(18));
        format!("{}.{:018}", wei / unit, (wei % unit).to::<u64>())
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\ndevnode {} — local Arbitrum Stylus node\n",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(out, "Available Accounts\n==================");
    for (i, (a, b)) in accounts.iter().zip(&balances).enumerate() {
        let note = if i == 0 {
            "  (nitro-devnode dev account)"
        } else {
            ""
        };
        let _ = writeln!(out, "({i}) {} ({} ETH){note}", a.address, eth(*b));
    }
    let _ = writeln!(out, "\nPrivate Keys\n==================");
    for (i, a) in accounts.iter().enumerate() {
        let _ = writeln!(out, "({i}) {}", a.key_hex());
    }
    let _ = writeln!(out, "\nWallet\n==================");
    let _ = writeln!(out, "Mnemonic:          {mnemonic}");
    let _ = writeln!(
        out,
        "Derivation path:   {DERIVATION_PATH}<index>  (accounts 1..; account 0 is the dev key)"
    );
    let _ = writeln!(out, "\nChain ID\n==================\n{chain_id}\n");
    let _ = writeln!(out, "Listening on {}", node.addr());
    print!("{out}");
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
}
