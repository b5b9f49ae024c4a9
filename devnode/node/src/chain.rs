//! The chain: state, blocks, receipts and time, with instant mining (one transaction per
//! block, as nitro's sequencer produces them). This is the API the JSON-RPC node and the
//! test harnesses build on.

use std::collections::HashMap;
use std::sync::Arc;

use revm::context::result::{ExecutionResult, Output};
pub use revm::context::result::{HaltReason, OutOfGasError};
use revm::context::transaction::AccessList;
use revm::context::{BlockEnv, CfgEnv, TxEnv};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::{hardfork::SpecId, keccak256, Address, Bytes, Log, TxKind, B256, U256};
use revm::state::{AccountInfo, Bytecode};
use revm::{Context, DatabaseCommit, DatabaseRef};

use crate::arbos::precompiles::ARBITRUM_PRECOMPILES;
use crate::evm::{DevDb, DevError, DevEvm};
use crate::genesis::{
    default_balance, CREATE2_FACTORY, CREATE2_FACTORY_CODE, DEV_ACCOUNT, NATIVE_CODE,
};
use crate::stylus::runtime::StylusRuntime;

mod access_list;
mod dump;
mod executor;
mod history;
mod overrides;
mod view;

pub use access_list::AccessListResult;
pub use dump::{ChainDump, DumpError, VERSION as STATE_VERSION};
pub use history::DEFAULT_HISTORY;
pub use overrides::{AccountOverride, StateOverrides};
pub use view::StateView;

/// The coinbase of Arbitrum blocks: the sequencer's batch-poster alias.
pub const SEQUENCER: Address =
    revm::primitives::address!("A4B000000000000000000073657175656e636572");
/// nitro-devnode's chain id.
pub const CHAIN_ID: u64 = 412_346;
/// Arbitrum's minimum base fee: 0.1 gwei (nitro-devnode's blocks carry it).
pub const BASE_FEE: u64 = 100_000_000;
/// Arbitrum block headers report 2^50 as their gas limit.
pub const BLOCK_GAS_LIMIT: u64 = 1 << 50;
/// The most gas one transaction may use (ArbOS 50's per-transaction limit).
pub const TX_GAS_LIMIT: u64 = 32_000_000;

/// How to build a chain.
#[derive(Clone, Debug)]
pub struct ChainConfig {
    pub chain_id: u64,
    /// Accounts funded at genesis.
    pub accounts: Vec<(Address, U256)>,
    pub base_fee: u64,
    /// Timestamp of the genesis block (seconds).
    pub genesis_time: u64,
    /// Blocks before the latest whose state is kept for reads at older tags.
    pub history: usize,
}

impl Default for ChainConfig {
    fn default() -> Self {
        Self {
            chain_id: CHAIN_ID,
            accounts: vec![(DEV_ACCOUNT, default_balance())],
            base_fee: BASE_FEE,
            genesis_time: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(1_700_000_000),
            history: DEFAULT_HISTORY,
        }
    }
}

/// A transaction to execute. The JSON-RPC layer fills it from a signed transaction;
/// tests fill it directly (the devnode trusts `from`, as anvil's impersonation does).
#[derive(Clone, Debug, Default)]
pub struct TxRequest {
    pub from: Address,
    /// `None` creates a contract.
    pub to: Option<Address>,
    pub input: Bytes,
    pub value: U256,
    /// Defaults to the per-transaction limit.
    pub gas_limit: Option<u64>,
    /// Defaults to the sender's next nonce.
    pub nonce: Option<u64>,
    /// Defaults to the base fee.
    pub gas_price: Option<u128>,
    /// The signed transaction's hash; derived from the fields when absent.
    pub hash: Option<B256>,
    /// EIP-2930 access list: charged (2,400 gas per address, 1,900 per storage key) and
    /// warmed before execution, as nitro's geth does (`core/state_transition.go`:
    /// `IntrinsicGas`, then `StateDB.Prepare`).
    pub access_list: AccessList,
}

impl TxRequest {
    pub fn call(from: Address, to: Address, input: impl Into<Bytes>) -> Self {
        Self {
            from,
            to: Some(to),
            input: input.into(),
            ..Default::default()
        }
    }

    pub fn create(from: Address, initcode: impl Into<Bytes>) -> Self {
        Self {
            from,
            to: None,
            input: initcode.into(),
            ..Default::default()
        }
    }

    pub fn value(mut self, value: U256) -> Self {
        self.value = value;
        self
    }

    pub fn gas(mut self, gas: u64) -> Self {
        self.gas_limit = Some(gas);
        self
    }

    pub fn access_list(mut self, access_list: AccessList) -> Self {
        self.access_list = access_list;
        self
    }
}

/// How a transaction ended.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Status {
    Success,
    /// Reverted with this data (a custom error, `Error(string)`, or empty).
    Revert(Bytes),
    /// Stopped by the machine: out of gas, invalid opcode, stack, … (revm's reason, typed
    /// end to end: the RPC layer and the tests match on it).
    Halt(HaltReason),
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Receipt {
    pub tx_hash: B256,
    pub block_number: u64,
    pub block_hash: B256,
    pub from: Address,
    pub to: Option<Address>,
    pub contract_address: Option<Address>,
    pub gas_used: u64,
    pub effective_gas_price: u128,
    pub status: Status,
    /// Return data of a successful call (empty for creates).
    pub output: Bytes,
    pub logs: Vec<Log>,
    pub nonce: u64,
    pub input: Bytes,
    pub value: U256,
    pub gas_limit: u64,
    /// Position in its block (0 with instant mining; blocks built by `send_block` hold
    /// several transactions).
    #[serde(default)]
    pub transaction_index: u64,
}

impl Receipt {
    pub fn success(&self) -> bool {
        self.status == Status::Success
    }
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Block {
    pub number: u64,
    pub hash: B256,
    pub parent_hash: B256,
    pub timestamp: u64,
    pub base_fee: u64,
    pub gas_limit: u64,
    pub gas_used: u64,
    pub transactions: Vec<B256>,
}

/// Why a transaction was not executed at all (it never reaches a block).
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error("invalid transaction: {0}")]
    Invalid(String),
    #[error("execution thread failed: {0}")]
    Thread(String),
}

impl From<DevError> for ChainError {
    fn from(e: DevError) -> Self {
        ChainError::Invalid(describe(&e))
    }
}

/// geth's wording for a refused transaction, so wallets and tools that match on it (nonce
/// too low, insufficient funds, …) understand the devnode as they understand nitro.
fn describe(e: &DevError) -> String {
    use revm::context::result::{EVMError, InvalidTransaction as I};
    let EVMError::Transaction(t) = e else {
        return e.to_string();
    };
    match t {
        I::NonceTooLow { tx, state } => format!("nonce too low: next nonce {state}, tx nonce {tx}"),
        I::NonceTooHigh { tx, state } => {
            format!("nonce too high: next nonce {state}, tx nonce {tx}")
        }
        I::LackOfFundForMaxFee { fee, balance } => {
            format!("insufficient funds for gas * price + value: balance {balance}, tx cost {fee}")
        }
        I::TxGasLimitGreaterThanCap { gas_limit, cap } => {
            format!("gas limit too high: {gas_limit} exceeds the per-transaction cap {cap}")
        }
        I::CallerGasLimitMoreThanBlock => "exceeds block gas limit".into(),
        I::CallGasCostMoreThanGasLimit {
            initial_gas,
            gas_limit,
        } => format!("intrinsic gas too low: have {gas_limit}, want {initial_gas}"),
        I::GasFloorMoreThanGasLimit {
            gas_floor,
            gas_limit,
        } => format!("intrinsic gas too low: have {gas_limit}, want {gas_floor} (floor data gas)"),
        I::GasPriceLessThanBasefee => "max fee per gas less than block base fee".into(),
        I::PriorityFeeGreaterThanMaxFee => {
            "max priority fee per gas higher than max fee per gas".into()
        }
        I::CreateInitCodeSizeLimit => {
            format!(
                "max initcode size exceeded: the limit is {} bytes (EIP-3860)",
                2 * 24_576
            )
        }
        I::RejectCallerWithCode => "sender not an eoa".into(),
        I::InvalidChainId => "invalid chain id for signer".into(),
        other => other.to_string(),
    }
}

/// The result of a call that changes nothing (`eth_call`).
#[derive(Clone, Debug)]
pub struct CallResult {
    pub status: Status,
    pub output: Bytes,
    pub gas_used: u64,
    pub logs: Vec<Log>,
}

/// What `estimate_gas` found.
#[derive(Clone, Debug)]
pub enum Estimate {
    /// The least gas limit (within 1.5 %, as geth) with which the call succeeds.
    Gas(u64),
    /// The call fails even with the most gas a transaction may have.
    Failed(CallResult),
}

/// A transaction's outcome and the state it changed, or why it was refused.
type Executed = Result<(ExecutionResult, revm::state::EvmState), DevError>;

#[derive(Clone)]
struct Snapshot {
    db: DevDb,
    history: history::History,
    blocks: Vec<Block>,
    receipts: HashMap<B256, Receipt>,
    next_timestamp: Option<u64>,
    time_offset: u64,
}

/// A local Arbitrum chain.
pub struct Chain {
    config: ChainConfig,
    db: DevDb,
    history: history::History,
    runtime: Arc<StylusRuntime>,
    executor: Arc<executor::Executor>,
    blocks: Vec<Block>,
    receipts: HashMap<B256, Receipt>,
    /// Seconds added by `increase_time`.
    time_offset: u64,
    next_timestamp: Option<u64>,
    snapshots: Vec<Snapshot>,
}

impl Chain {
    pub fn new(config: ChainConfig) -> Self {
        let mut db = CacheDB::new(EmptyDB::default());
        for (address, balance) in &config.accounts {
            db.insert_account_info(
                *address,
                AccountInfo {
                    balance: *balance,
                    ..Default::default()
                },
            );
        }
        let native = Bytecode::new_raw(Bytes::from_static(NATIVE_CODE));
        for address in ARBITRUM_PRECOMPILES
            .into_iter()
            .chain([crate::deployer::ADDRESS, crate::cache_manager::ADDRESS])
        {
            db.insert_account_info(address, AccountInfo::default().with_code(native.clone()));
        }
        for (address, slot, value) in crate::genesis::arbos_storage() {
            // The account was inserted just above, so the insert cannot miss it.
            let _ = db.insert_account_storage(address, slot, value);
        }
        let factory = Bytecode::new_raw(Bytes::from_static(CREATE2_FACTORY_CODE));
        db.insert_account_info(CREATE2_FACTORY, AccountInfo::default().with_code(factory));
        let genesis = Block {
            number: 0,
            hash: keccak256(config.genesis_time.to_be_bytes()),
            parent_hash: B256::ZERO,
            timestamp: config.genesis_time,
            base_fee: config.base_fee,
            gas_limit: BLOCK_GAS_LIMIT,
            gas_used: 0,
            transactions: Vec::new(),
        };
        db.cache.block_hashes.insert(U256::ZERO, genesis.hash);
        let mut history = history::History::new(config.history);
        history.record(0, &db);
        Self {
            config,
            db,
            history,
            runtime: Arc::new(StylusRuntime::new()),
            executor: Arc::default(),
            blocks: vec![genesis],
            receipts: HashMap::new(),
            time_offset: 0,
            next_timestamp: None,
            snapshots: Vec::new(),
        }
    }

    pub fn chain_id(&self) -> u64 {
        self.config.chain_id
    }

    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    // ---- reads ----

    pub fn latest(&self) -> &Block {
        self.blocks.last().expect("the genesis block always exists")
    }

    pub fn block_number(&self) -> u64 {
        self.latest().number
    }

    pub fn block(&self, number: u64) -> Option<&Block> {
        self.blocks.get(number as usize)
    }

    pub fn block_by_hash(&self, hash: B256) -> Option<&Block> {
        self.blocks.iter().find(|b| b.hash == hash)
    }

    pub fn receipt(&self, hash: &B256) -> Option<&Receipt> {
        self.receipts.get(hash)
    }

    pub fn balance(&self, address: Address) -> U256 {
        self.latest_state().balance(address)
    }

    pub fn nonce(&self, address: Address) -> u64 {
        self.latest_state().nonce(address)
    }

    pub fn code(&self, address: Address) -> Bytes {
        self.latest_state().code(address)
    }

    pub fn storage(&self, address: Address, slot: U256) -> U256 {
        self.latest_state().storage(address, slot)
    }

    // ---- writes outside transactions (anvil-style cheats) ----

    pub fn set_balance(&mut self, address: Address, balance: U256) {
        let mut info = self
            .db
            .basic_ref(address)
            .ok()
            .flatten()
            .unwrap_or_default();
        info.balance = balance;
        self.db.insert_account_info(address, info);
    }

    /// Keeps the state of the last `keep` blocks besides the latest (the window reads at
    /// older tags see; [`DEFAULT_HISTORY`] unless configured). Each kept block holds a
    /// copy of the whole state, so a chain with a large state (a benchmark's 100,000
    /// items: hundreds of thousands of slots) needs a short window to stay in memory. A
    /// chain loaded from a dump starts with the default window; this sets another.
    pub fn set_history(&mut self, keep: usize) {
        self.config.history = keep;
        self.history.set_keep(keep);
    }

    /// Moves the clock forward for the next block.
    pub fn increase_time(&mut self, seconds: u64) {
        self.time_offset = self.time_offset.saturating_add(seconds);
    }

    pub fn set_next_timestamp(&mut self, timestamp: u64) {
        self.next_timestamp = Some(timestamp);
    }

    /// Mines an empty block.
    pub fn mine(&mut self) -> &Block {
        let ts = self.take_timestamp();
        self.push_block(ts, 0, Vec::new());
        self.latest()
    }

    pub fn snapshot(&mut self) -> u64 {
        self.snapshots.push(Snapshot {
            db: self.db.clone(),
            history: self.history.clone(),
            blocks: self.blocks.clone(),
            receipts: self.receipts.clone(),
            next_timestamp: self.next_timestamp,
            time_offset: self.time_offset,
        });
        self.snapshots.len() as u64 - 1
    }

    /// Restores snapshot `id`; it and every later snapshot are consumed (as in anvil).
    pub fn revert_to(&mut self, id: u64) -> bool {
        if id as usize >= self.snapshots.len() {
            return false;
        }
        let snap = self.snapshots.swap_remove(id as usize);
        self.snapshots.truncate(id as usize);
        self.db = snap.db;
        self.history = snap.history;
        self.blocks = snap.blocks;
        self.receipts = snap.receipts;
        self.next_timestamp = snap.next_timestamp;
        self.time_offset = snap.time_offset;
        true
    }

    // ---- execution ----

    fn wall_clock(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }

    /// The timestamp the next block gets: explicit, or the wall clock plus offsets, but
    /// always later than the previous block.
    fn peek_timestamp(&self) -> u64 {
        let parent = self.latest().timestamp;
        match self.next_timestamp {
            Some(t) => t.max(parent.saturating_add(1)),
            None => (self.wall_clock().max(self.config.genesis_time))
                .saturating_add(self.time_offset)
                .max(parent.saturating_add(1)),
        }
    }

    fn take_timestamp(&mut self) -> u64 {
        let t = self.peek_timestamp();
        self.next_timestamp = None;
        t
    }

    fn block_env(&self, timestamp: u64) -> BlockEnv {
        self.block_env_at(self.block_number() + 1, timestamp)
    }

    /// The environment of block `number` (a call at an older tag runs as the block after
    /// it, as a call at the latest tag runs as the next block).
    fn block_env_at(&self, number: u64, timestamp: u64) -> BlockEnv {
        BlockEnv {
            number: U256::from(number),
            beneficiary: SEQUENCER,
            timestamp: U256::from(timestamp),
            gas_limit: BLOCK_GAS_LIMIT,
            basefee: self.config.base_fee,
            difficulty: U256::from(1),
            prevrandao: Some(B256::with_last_byte(1)),
            ..Default::default()
        }
    }

    fn tx_env(&self, tx: &TxRequest) -> TxEnv {
        TxEnv {
            tx_type: 2,
            caller: tx.from,
            gas_limit: tx.gas_limit.unwrap_or(TX_GAS_LIMIT),
            gas_price: tx.gas_price.unwrap_or(self.config.base_fee as u128),
            gas_priority_fee: Some(0),
            kind: tx.to.map_or(TxKind::Create, TxKind::Call),
            value: tx.value,
            data: tx.input.clone(),
            nonce: tx.nonce.unwrap_or_else(|| self.nonce(tx.from)),
            chain_id: Some(self.config.chain_id),
            access_list: tx.access_list.clone(),
            ..Default::default()
        }
    }

    fn cfg(&self, simulate: bool) -> CfgEnv {
        let mut cfg = CfgEnv::new_with_spec(SpecId::PRAGUE);
        cfg.chain_id = self.config.chain_id;
        cfg.tx_gas_limit_cap = Some(TX_GAS_LIMIT);
        // nitro applies Prague's EIP-7623 calldata floor only when the chain owner turns
        // on ArbOS's increased-calldata-price feature, which chains start without
        // (`arbos/tx_processor.go` IsCalldataPricingIncreaseEnabled, geth fork
        // `core/state_transition.go`); revm's Prague would apply it always.
        cfg.disable_eip7623 = true;
        if simulate {
            cfg.disable_balance_check = true;
            cfg.disable_base_fee = true;
            cfg.disable_nonce_check = true;
        }
        cfg
    }

    /// Runs `tx` against `db` on the chain's execution thread (a deep stack).
    fn execute(
        &self,
        db: DevDb,
        tx: TxEnv,
        block: BlockEnv,
        simulate: bool,
    ) -> Result<(DevDb, Executed), ChainError> {
        let cfg = self.cfg(simulate);
        let runtime = self.runtime.clone();
        self.executor.run(move || {
            let mut ctx: crate::evm::DevContext = Context::new(db, SpecId::PRAGUE);
            ctx.cfg = cfg;
            ctx.block = block;
            let mut evm = DevEvm::new(ctx, runtime);
            let result = evm.transact(tx);
            (evm.into_context().journaled_state.database, result)
        })
    }

    /// Executes a transaction in a new block and returns its receipt. A transaction that
    /// is invalid (nonce, funds, gas limit) is refused and changes nothing.
    pub fn send(&mut self, tx: TxRequest) -> Result<Receipt, ChainError> {
        let timestamp = self.peek_timestamp();
        let mut receipt = self.apply(tx, timestamp, 0)?;
        self.next_timestamp = None;
        receipt.block_hash = self.push_block(timestamp, receipt.gas_used, vec![receipt.tx_hash]);
        self.receipts.insert(receipt.tx_hash, receipt.clone());
        Ok(receipt)
    }

    /// Executes transactions in order in one new block (interval mining). Each refused
    /// one is left out of the block and reported in its slot; the block is mined even
    /// when it ends up empty.
    pub fn send_block(&mut self, txs: Vec<TxRequest>) -> Vec<Result<Receipt, ChainError>> {
        let timestamp = self.take_timestamp();
        let mut results = Vec::with_capacity(txs.len());
        let mut index = 0;
        for tx in txs {
            let r = self.apply(tx, timestamp, index);
            if r.is_ok() {
                index += 1;
            }
            results.push(r);
        }
        let mined: Vec<&Receipt> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        let gas = mined.iter().map(|r| r.gas_used).sum();
        let hashes = mined.iter().map(|r| r.tx_hash).collect();
        let block_hash = self.push_block(timestamp, gas, hashes);
        for r in results.iter_mut().flatten() {
            r.block_hash = block_hash;
            self.receipts.insert(r.tx_hash, r.clone());
        }
        results
    }

    /// Executes `tx` on the state as the `index`th transaction of the next block and
    /// keeps its changes; the caller pushes the block and fills in its hash.
    fn apply(&mut self, tx: TxRequest, timestamp: u64, index: u64) -> Result<Receipt, ChainError> {
        let env = self.tx_env(&tx);
        let block_env = self.block_env(timestamp);
        let db = std::mem::take(&mut self.db);
        let (mut db, result) = self.execute(db, env.clone(), block_env, false)?;
        let (result, state) = match result {
            Ok(r) => r,
            Err(e) => {
                self.db = db;
                return Err(e.into());
            }
        };
        db.commit(state);
        // revm's CacheDB keeps every committed log; receipts hold them already.
        db.cache.logs.clear();
        self.db = db;
        let hash = tx.hash.unwrap_or_else(|| derive_hash(&env));
        let (status, output, contract_address) = status_of(&result);
        let receipt = Receipt {
            tx_hash: hash,
            block_number: self.block_number() + 1,
            block_hash: B256::ZERO,
            from: tx.from,
            to: tx.to,
            contract_address,
            gas_used: result.tx_gas_used(),
            effective_gas_price: self.config.base_fee as u128,
            status,
            output,
            logs: result.logs().to_vec(),
            nonce: env.nonce,
            input: env.data,
            value: env.value,
            gas_limit: env.gas_limit,
            transaction_index: index,
        };
        tracing::debug!(
            tx = %hash, from = %receipt.from, to = ?receipt.to, created = ?receipt.contract_address,
            gas = receipt.gas_used, status = ?receipt.status, "transaction"
        );
        Ok(receipt)
    }

    /// Runs a transaction on top of the latest state and throws the changes away
    /// (`eth_call`): no nonce, balance or base-fee checks.
    pub fn call(&self, tx: TxRequest) -> Result<CallResult, ChainError> {
        self.call_with(tx, &StateOverrides::default())
    }

    /// `call` on the latest state with some accounts changed first (`eth_call`'s state
    /// overrides); the gas limit is capped at the per-transaction limit.
    pub fn call_with(
        &self,
        tx: TxRequest,
        overrides: &StateOverrides,
    ) -> Result<CallResult, ChainError> {
        self.latest_state().call_with(tx, overrides)
    }

    fn call_on(
        &self,
        db: DevDb,
        tx: TxRequest,
        block_env: BlockEnv,
    ) -> Result<CallResult, ChainError> {
        let (result, _) = self.simulate(db, tx, block_env)?;
        let (status, output, _) = status_of(&result);
        Ok(CallResult {
            status,
            output,
            gas_used: result.tx_gas_used(),
            logs: result.logs().to_vec(),
        })
    }

    /// Runs `tx` as `eth_call` does (no nonce, balance or base-fee checks, the gas limit
    /// capped at the per-transaction limit) and returns its outcome and the accounts and
    /// slots it loaded, without keeping anything.
    fn simulate(
        &self,
        db: DevDb,
        tx: TxRequest,
        block_env: BlockEnv,
    ) -> Result<(ExecutionResult, revm::state::EvmState), ChainError> {
        let mut env = self.tx_env(&tx);
        env.gas_price = 0;
        env.gas_limit = env.gas_limit.min(TX_GAS_LIMIT);
        let (_, result) = self.execute(db, env, block_env, true)?;
        Ok(result?)
    }

    /// The least gas limit with which `tx` succeeds on the latest state.
    pub fn estimate_gas(
        &self,
        tx: TxRequest,
        overrides: &StateOverrides,
    ) -> Result<Estimate, ChainError> {
        self.latest_state().estimate_gas(tx, overrides)
    }

    fn push_block(&mut self, timestamp: u64, gas_used: u64, transactions: Vec<B256>) -> B256 {
        // Re-anchor the clock on every block: after a jump (`set_next_timestamp`) the
        // chain's time continues from that block, so a later `increase_time` moves it
        // further, as anvil's does.
        let base = self.wall_clock().max(self.config.genesis_time);
        if timestamp > base.saturating_add(self.time_offset) {
            self.time_offset = timestamp - base;
        }
        let parent = self.latest().hash;
        let number = self.block_number() + 1;
        let mut seed = parent.to_vec();
        seed.extend_from_slice(&number.to_be_bytes());
        seed.extend_from_slice(&timestamp.to_be_bytes());
        for t in &transactions {
            seed.extend_from_slice(t.as_slice());
        }
        let hash = keccak256(&seed);
        // Where the EVM (`BLOCKHASH`) and ArbSys (`arbBlockHash`) look block hashes up.
        self.db.cache.block_hashes.insert(U256::from(number), hash);
        self.blocks.push(Block {
            number,
            hash,
            parent_hash: parent,
            timestamp,
            base_fee: self.config.base_fee,
            gas_limit: BLOCK_GAS_LIMIT,
            gas_used,
            transactions,
        });
        self.history.record(number, &self.db);
        hash
    }
}

/// A stable identifier for an unsigned request: keccak of its fields.
fn derive_hash(tx: &TxEnv) -> B256 {
    let mut b = Vec::with_capacity(128 + tx.data.len());
    b.extend_from_slice(tx.caller.as_slice());
    b.extend_from_slice(&tx.nonce.to_be_bytes());
    if let TxKind::Call(to) = tx.kind {
        b.extend_from_slice(to.as_slice());
    }
    b.extend_from_slice(&tx.value.to_be_bytes::<32>());
    b.extend_from_slice(&tx.gas_limit.to_be_bytes());
    b.extend_from_slice(&tx.data);
    keccak256(&b)
}

fn status_of(result: &ExecutionResult) -> (Status, Bytes, Option<Address>) {
    match result {
        ExecutionResult::Success { output, .. } => match output {
            Output::Call(bytes) => (Status::Success, bytes.clone(), None),
            Output::Create(_, address) => (Status::Success, Bytes::new(), *address),
        },
        ExecutionResult::Revert { output, .. } => {
            (Status::Revert(output.clone()), Bytes::new(), None)
        }
        ExecutionResult::Halt { reason, .. } => (Status::Halt(reason.clone()), Bytes::new(), None),
    }
}
