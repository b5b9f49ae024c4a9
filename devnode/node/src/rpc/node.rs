//! The node: configuration, start-up (accounts, state file, listener, interval miner),
//! the shared state every request works on, and shutdown.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use revm::primitives::{Bytes, B256, U256};

use super::accounts::{derive_accounts, Account, AccountError, DEFAULT_MNEMONIC};
use super::filters::Filters;
use super::server::Server;
use super::state_file::{self, StateFileError};
use super::tx::SignedTx;
use super::types::describe_status;
use crate::chain::CHAIN_ID;
use crate::genesis::default_balance;
use crate::{Chain, ChainConfig, Receipt, DEV_KEY};

/// How to run a node. `Default` is what `devnode` with no flags runs.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    pub host: String,
    /// 0 picks a free port (tests); the bound address is in [`NodeHandle::url`].
    pub port: u16,
    pub chain_id: u64,
    pub mnemonic: String,
    /// How many mnemonic accounts to fund and unlock (the dev account always is).
    pub accounts: usize,
    /// Balance of each mnemonic account at genesis (wei).
    pub balance: U256,
    /// `None`: instant mining (a block per transaction). `Some(t)`: transactions wait in
    /// a pool and a block is mined every `t`.
    pub block_time: Option<Duration>,
    /// Load the chain from this file at start if it exists; save it after each block and
    /// at shutdown.
    pub state_file: Option<PathBuf>,
    /// Larger request bodies are refused (HTTP 413 with a JSON-RPC error).
    pub max_body_bytes: usize,
    /// Blocks before the latest whose state is kept for reads at older tags.
    pub history: usize,
}

impl Default for NodeConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8547,
            chain_id: CHAIN_ID,
            mnemonic: DEFAULT_MNEMONIC.into(),
            accounts: 10,
            balance: U256::from(10_000u64) * U256::from(10u64.pow(18)),
            block_time: None,
            state_file: None,
            max_body_bytes: 16 * 1024 * 1024,
            history: crate::chain::DEFAULT_HISTORY,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    State(#[from] StateFileError),
    #[error("the state file's chain id {file} differs from the configured {configured}")]
    ChainId { file: u64, configured: u64 },
    #[error("cannot listen on {0}: {1}")]
    Bind(String, std::io::Error),
    #[error("cannot start a thread: {0}")]
    Thread(std::io::Error),
    #[error("cannot start the HTTP server's runtime: {0}")]
    Runtime(std::io::Error),
}

/// What the lock protects: the chain and what the RPC layer keeps beside it.
pub(crate) struct Ledger {
    pub chain: Chain,
    /// Signed bytes of every accepted transaction, by hash.
    pub raw: HashMap<B256, Bytes>,
    /// Interval mining: accepted transactions waiting for the next block.
    pub pool: Vec<SignedTx>,
}

/// State shared by the request handlers, the miner and the handle.
pub(crate) struct Shared {
    pub ledger: Mutex<Ledger>,
    pub filters: Mutex<Filters>,
    pub accounts: Vec<Account>,
    pub config: NodeConfig,
    pub stopping: AtomicBool,
}

/// Locks, ignoring poisoning: a request handler that panicked has been answered with an
/// internal error, and the chain is only changed by whole transactions.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub fn ledger(&self) -> MutexGuard<'_, Ledger> {
        lock(&self.ledger)
    }

    pub fn account(&self, address: &revm::primitives::Address) -> Option<&Account> {
        self.accounts.iter().find(|a| a.address == *address)
    }

    /// After each block: write the state file, if any. A failure is logged, not fatal.
    pub fn persist(&self, ledger: &Ledger) {
        if let Some(path) = &self.config.state_file {
            if let Err(e) = state_file::save(path, &ledger.chain, &ledger.raw) {
                tracing::error!("{e}");
            }
        }
    }
}

/// Logs a mined transaction as anvil does: hash, sender, target or created contract, gas,
/// block and outcome (decoded revert reason or custom error selector).
pub(crate) fn log_receipt(r: &Receipt) {
    let target = match (r.contract_address, r.to) {
        (Some(c), _) => format!("created {c}"),
        (None, Some(to)) => format!("to {to}"),
        (None, None) => "create (failed)".into(),
    };
    let outcome = describe_status(&r.status);
    if r.success() {
        tracing::info!(
            "transaction {} from {} {target}, gas used {}, block {}: {outcome}",
            r.tx_hash,
            r.from,
            r.gas_used,
            r.block_number
        );
    } else {
        tracing::warn!(
            "transaction {} from {} {target}, gas used {}, block {}: {outcome}",
            r.tx_hash,
            r.from,
            r.gas_used,
            r.block_number
        );
    }
}

/// Starts nodes.
pub struct Node;

impl Node {
    /// Builds (or loads) the chain, binds the listener and starts serving; returns once
    /// the node answers requests.
    pub fn start(config: NodeConfig) -> Result<NodeHandle, NodeError> {
        let mut accounts = vec![Account::from_hex(DEV_KEY)?];
        accounts.extend(derive_accounts(&config.mnemonic, config.accounts)?);
        let loaded = match &config.state_file {
            Some(path) => state_file::load(path)?,
            None => None,
        };
        let (chain, raw) = match loaded {
            Some((chain, raw)) => {
                if chain.chain_id() != config.chain_id {
                    return Err(NodeError::ChainId {
                        file: chain.chain_id(),
                        configured: config.chain_id,
                    });
                }
                tracing::info!(
                    "loaded state at block {} from {}",
                    chain.block_number(),
                    config
                        .state_file
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                );
                (chain, raw)
            }
            None => {
                let mut funded = vec![(accounts[0].address, default_balance())];
                funded.extend(accounts[1..].iter().map(|a| (a.address, config.balance)));
                let chain = Chain::new(ChainConfig {
                    chain_id: config.chain_id,
                    accounts: funded,
                    history: config.history,
                    ..ChainConfig::default()
                });
                (chain, HashMap::new())
            }
        };
        let bind = format!("{}:{}", config.host, config.port);
        let listener = TcpListener::bind(&bind).map_err(|e| NodeError::Bind(bind.clone(), e))?;
        let addr = listener
            .local_addr()
            .and_then(|addr| listener.set_nonblocking(true).map(|()| addr))
            .map_err(|e| NodeError::Bind(bind, e))?;
        let shared = Arc::new(Shared {
            ledger: Mutex::new(Ledger {
                chain,
                raw,
                pool: Vec::new(),
            }),
            filters: Mutex::new(Filters::default()),
            accounts,
            config,
            stopping: AtomicBool::new(false),
        });
        let server = Server::start(listener, shared.clone())?;
        let miner = match shared.config.block_time {
            Some(period) => {
                let s = shared.clone();
                let miner = std::thread::Builder::new()
                    .name("devnode-miner".into())
                    .spawn(move || mine_every(period, &s))
                    .map_err(NodeError::Thread)?;
                Some(miner)
            }
            None => None,
        };
        Ok(NodeHandle {
            url: format!("http://{addr}"),
            addr,
            shared,
            server,
            miner,
        })
    }
}

/// Interval mining: every `period`, the pool becomes one block (empty blocks too, as
/// anvil's `--block-time` does).
fn mine_every(period: Duration, shared: &Shared) {
    let mut next = Instant::now() + period;
    while !shared.stopping.load(Ordering::SeqCst) {
        let now = Instant::now();
        if now < next {
            std::thread::sleep((next - now).min(Duration::from_millis(50)));
            continue;
        }
        next += period;
        let mut ledger = shared.ledger();
        mine_pool(&mut ledger);
        shared.persist(&ledger);
    }
}

/// Mines the pool into one block (`evm_mine` in interval mode too).
pub(crate) fn mine_pool(ledger: &mut Ledger) {
    let pool = std::mem::take(&mut ledger.pool);
    let requests = pool.iter().map(SignedTx::request).collect();
    let results = ledger.chain.send_block(requests);
    for (tx, result) in pool.into_iter().zip(results) {
        match result {
            Ok(r) => log_receipt(&r),
            Err(e) => {
                tracing::warn!("transaction {} dropped from the block: {e}", tx.hash());
                ledger.raw.remove(&tx.hash());
            }
        }
    }
}

/// A running node. Dropping it shuts the node down too.
pub struct NodeHandle {
    url: String,
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: Server,
    miner: Option<JoinHandle<()>>,
}

impl NodeHandle {
    /// `http://host:port`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The unlocked accounts: the dev account first, then the mnemonic's.
    pub fn accounts(&self) -> &[Account] {
        &self.shared.accounts
    }

    /// Direct access to the chain (the CLI's status output, tests' assertions).
    pub fn with_chain<R>(&self, f: impl FnOnce(&mut Chain) -> R) -> R {
        f(&mut self.shared.ledger().chain)
    }

    /// Stops serving, waits for the server and the miner, and saves the state file.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if self.shared.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        self.server.stop();
        if let Some(miner) = self.miner.take() {
            let _ = miner.join();
        }
        let ledger = self.shared.ledger();
        self.shared.persist(&ledger);
    }
}

impl Drop for NodeHandle {
    fn drop(&mut self) {
        self.stop();
    }
}
