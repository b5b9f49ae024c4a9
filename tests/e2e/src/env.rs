//! [`Env`]: one chain with the protocol deployed and wired, funded actors, time travel,
//! and the vocabulary the tests are written in (create a task, commit, reveal, finalize,
//! claim, check the escrow's books).

use std::path::PathBuf;
use std::sync::OnceLock;

use alloy::contract::{CallBuilder, CallDecoder};
use alloy::network::TransactionBuilder;
use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolEvent;
use devnode::rpc::{Node, NodeConfig, NodeHandle};
use devnode::Chain;
use labelchain::bindings::{IConsensusVerifier, IRewardToken, IStakingEscrow, ITaskRegistry};
use labelchain::chain::{connect, Conn, Sent};
use labelchain::commands::deploy::{self, DeployOptions};
use labelchain::commands::ops::{self, TaskView};
use labelchain::config::{parse_key, Endpoint, Network, DEVNODE_CHAIN_ID, DEV_KEY};
use labelchain::errors::Revert;
use labelchain::progress::Quiet;
use labelchain::state::Addresses;

pub use labelchain::plan::lbl;
/// The protocol's codes and the decoded `getItem` / `terms`, as the CLI reads them.
pub use labelchain::protocol::{
    Item, ItemStatus, ProtocolParams, Quality, TaskStatus, TaskTerms, Tier, VoidReason,
};

/// DESIGN.md defaults the deploy uses.
pub const AUDIT_WINDOW: u64 = 3 * 86_400;
pub const UNBONDING: u64 = 7 * 86_400;

/// One whole unit of a 6-decimal token.
pub fn usd(n: u64) -> U256 {
    U256::from(n) * U256::from(1_000_000u64)
}

/// The repository root (the harness lives in `tests/e2e`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A [`labelchain::Result`] of a transaction.
pub type TxResult = labelchain::Result<Sent>;

/// Anything that can be sent: a binding's call builder or a raw request.
pub trait IntoTx {
    fn into_tx(self) -> TransactionRequest;
}

impl IntoTx for TransactionRequest {
    fn into_tx(self) -> TransactionRequest {
        self
    }
}

impl<P: Provider, D: CallDecoder> IntoTx for CallBuilder<P, D> {
    fn into_tx(self) -> TransactionRequest {
        self.into_transaction_request()
    }
}

/// The revert a failed transaction carried, checked by error name (decoded by
/// [`labelchain::errors::decode`] against every ABI of the protocol).
#[track_caller]
pub fn expect_revert(r: TxResult, name: &str) -> Revert {
    match r {
        Ok(s) => panic!(
            "expected {name}, but the transaction succeeded ({})",
            s.tx_hash
        ),
        Err(labelchain::Error::Revert { revert, .. }) => {
            assert_eq!(revert.name, name, "expected {name}, got {revert}");
            *revert
        }
        Err(other) => panic!("expected the revert {name}, got: {other}"),
    }
}

/// A key with a connection of its own.
#[derive(Clone)]
pub struct Actor {
    pub key: PrivateKeySigner,
    pub addr: Address,
    pub conn: Conn,
    pub a: Addresses,
}

impl Actor {
    pub fn p(&self) -> DynProvider {
        self.conn.provider.clone()
    }
    pub fn token(&self) -> IRewardToken::IRewardTokenInstance<DynProvider> {
        IRewardToken::new(self.a.token, self.p())
    }
    pub fn erc20(&self, token: Address) -> IRewardToken::IRewardTokenInstance<DynProvider> {
        IRewardToken::new(token, self.p())
    }
    pub fn escrow(&self) -> IStakingEscrow::IStakingEscrowInstance<DynProvider> {
        IStakingEscrow::new(self.a.escrow, self.p())
    }
    pub fn registry(&self) -> ITaskRegistry::ITaskRegistryInstance<DynProvider> {
        ITaskRegistry::new(self.a.registry, self.p())
    }
    pub fn verifier(&self) -> IConsensusVerifier::IConsensusVerifierInstance<DynProvider> {
        IConsensusVerifier::new(self.a.verifier, self.p())
    }

    /// Estimates (a revert there is decoded and nothing is sent), sends, waits.
    pub async fn send(&self, tx: impl IntoTx) -> TxResult {
        self.conn.send("e2e", tx.into_tx()).await
    }

    /// Sends with a fixed gas limit, skipping estimation, so a failing call is mined and
    /// reverts on chain; its revert data comes from replaying the call (`eth_call`) on
    /// the state before its block, decoded like any other.
    pub async fn send_unchecked(&self, tx: impl IntoTx) -> TxResult {
        let tx = tx.into_tx().with_from(self.addr);
        let pending = self
            .p()
            .send_transaction(tx.clone().with_gas_limit(3_000_000))
            .await
            .map_err(|e| {
                labelchain::chain::rpc_error(&self.conn.endpoint.url, "send", &e, Some(self.addr))
            })?;
        let hash = *pending.tx_hash();
        let receipt = self.conn.wait("send", hash).await?;
        if receipt.status() {
            return Ok(Sent {
                tx_hash: receipt.transaction_hash,
                block: receipt.block_number.unwrap_or_default(),
                gas_used: receipt.gas_used,
                fee_wei: U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price),
                logs: receipt.inner.logs().to_vec(),
            });
        }
        let block = receipt.block_number.expect("a mined receipt");
        // Replayed on the state before its block to recover the revert reason.
        let replay = self
            .p()
            .call(tx)
            .block(alloy::eips::BlockId::number(block - 1))
            .await;
        match replay {
            Err(e) => Err(labelchain::chain::rpc_error(
                &self.conn.endpoint.url,
                "replay",
                &e,
                Some(self.addr),
            )),
            Ok(out) => panic!("{hash} failed on chain, but its replay succeeded ({out})"),
        }
    }

    /// [`Actor::send`] that must succeed.
    #[track_caller]
    pub fn must(&self, tx: impl IntoTx) -> impl std::future::Future<Output = Sent> + '_ {
        let at = std::panic::Location::caller();
        let tx = tx.into_tx();
        async move {
            match self.send(tx).await {
                Ok(s) => s,
                Err(e) => panic!("{at}: transaction from {} failed: {e}", self.addr),
            }
        }
    }

    pub async fn approve(&self, token: Address, spender: Address, amount: U256) {
        self.must(self.erc20(token).approve(spender, amount)).await;
    }

    pub async fn stake(&self, amount: U256) {
        self.approve(self.a.token, self.a.escrow, amount).await;
        self.must(self.escrow().stake(amount)).await;
    }

    /// Claims `token`; what arrived in the wallet.
    pub async fn claim(&self, token: Address) -> U256 {
        let before = balance_of(&self.p(), token, self.addr).await;
        self.must(self.escrow().claim(token)).await;
        balance_of(&self.p(), token, self.addr).await - before
    }
}

/// `balanceOf` of any ERC-20.
pub async fn balance_of(p: &DynProvider, token: Address, who: Address) -> U256 {
    IRewardToken::new(token, p.clone())
        .balanceOf(who)
        .call()
        .await
        .expect("balanceOf")
}

/// `createTask` arguments, with defaults that make a typical task (DESIGN.md's example
/// and the native scenarios' defaults).
#[derive(Clone, Debug)]
pub struct Spec {
    pub items: u32,
    pub classes: u16,
    pub k: u8,
    pub threshold_bps: u16,
    /// `None`: LBL.
    pub token: Option<Address>,
    pub reward: U256,
    pub stake: U256,
    pub commit_secs: u64,
    pub reveal_secs: u64,
    pub audit_rate_bps: u16,
    pub min_tier: u8,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            items: 4,
            classes: 3,
            k: 3,
            threshold_bps: 6_000,
            token: None,
            reward: lbl(2),
            stake: lbl(10),
            commit_secs: 3_600,
            reveal_secs: 3_600,
            audit_rate_bps: 0,
            min_tier: 0,
        }
    }
}

/// The `dataRoot` of the tests' tasks.
pub const DATA_ROOT: B256 = B256::repeat_byte(0xda);

impl Spec {
    pub fn bounty(&self) -> U256 {
        U256::from(self.items) * U256::from(self.k) * self.reward
    }
    /// The fee at the default 2.5 %.
    pub fn fee(&self) -> U256 {
        self.bounty() * U256::from(250u64) / U256::from(10_000u64)
    }
    pub fn cost(&self) -> U256 {
        self.bounty() + self.fee()
    }

    /// The `createTask` transaction (not sent).
    pub fn create_call(&self, who: &Actor) -> TransactionRequest {
        self.create_call_with_root(who, DATA_ROOT)
    }

    /// [`Spec::create_call`] for items under another Merkle `root`.
    pub fn create_call_with_root(&self, who: &Actor, root: B256) -> TransactionRequest {
        let r = who.registry();
        r.createTask(
            root,
            self.items,
            self.classes,
            self.k,
            self.threshold_bps,
            self.token.unwrap_or(who.a.token),
            self.reward,
            self.stake,
            self.commit_secs,
            self.reveal_secs,
            self.audit_rate_bps,
            self.min_tier,
            "ipfs://e2e/task.json".into(),
        )
        .into_transaction_request()
    }
}

/// The protocol deployed once into a template chain, copied into every test's node.
struct Template {
    /// A copy of the deployed chain (`ChainDump` is not exported: a closure keeps it).
    chain: Box<dyn Fn() -> Chain + Send + Sync>,
    deployment: String,
    chain_id: u64,
}

fn auditor_key() -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&keccak256("labelchain e2e auditor")).expect("a valid key")
}

fn template() -> &'static Template {
    static T: OnceLock<Template> = OnceLock::new();
    T.get_or_init(|| {
        // Deploy on a thread of its own: the caller is inside a test's runtime.
        std::thread::spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(build_template())
        })
        .join()
        .expect("the template deploy")
    })
}

async fn build_template() -> Template {
    assert!(
        labelchain::programs::default_dir()
            .join("reward_token.deploy")
            .is_file(),
        "the e2e tests deploy the real programs: run `cd contracts && cargo packager build` first"
    );
    let node = Node::start(NodeConfig {
        port: 0,
        accounts: 1,
        ..NodeConfig::default()
    })
    .expect("devnode starts");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let endpoint = Endpoint::new(Network::Devnode, Some(node.url().into())).expect("endpoint");
    let admin = connect(&endpoint, Some(parse_key(DEV_KEY).expect("dev key")))
        .await
        .expect("connects");
    let opts = DeployOptions {
        deployments_dir: dir.path().to_path_buf(),
        build_if_missing: false,
        auditors: vec![auditor_key().address()],
        ..DeployOptions::default()
    };
    deploy::run(&admin, &opts, &Quiet)
        .await
        .expect("the protocol deploys");
    let file = labelchain::state::path_for(dir.path(), admin.chain_id);
    let deployment = std::fs::read_to_string(file).expect("the deployments file");
    let dump = node.with_chain(|c| c.dump());
    node.shutdown();
    Template {
        chain: Box::new(move || Chain::from_dump(dump.clone()).expect("the template chain loads")),
        deployment,
        chain_id: admin.chain_id,
    }
}

/// A chain with the protocol on it.
pub struct Env {
    /// The in-process node (`None` with `STYLUS_RPC_URL`).
    pub node: Option<NodeHandle>,
    /// Deployer, owner of every program and treasury (holds the genesis LBL).
    pub admin: Actor,
    /// Allow-listed on the verifier.
    pub auditor: Actor,
    pub a: Addresses,
    pub chain_id: u64,
    travel: bool,
    /// Wei each new actor gets.
    fund_wei: U256,
    pub dir: tempfile::TempDir,
    /// On a shared node whose clock the tests move, one test at a time.
    _exclusive: Option<std::sync::MutexGuard<'static, ()>>,
}

/// Held by a test on a shared node with time travel: its clock is everyone's.
static SHARED_CLOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Env {
    /// A fresh chain with the protocol deployed: an in-process devnode (from the
    /// template), or the node at `STYLUS_RPC_URL` with a deployment of its own.
    pub async fn start() -> Env {
        match std::env::var("STYLUS_RPC_URL") {
            Ok(url) if !url.is_empty() => Env::remote(url).await,
            _ => Env::local().await,
        }
    }

    async fn local() -> Env {
        let t = template();
        let node = Node::start(NodeConfig {
            port: 0,
            accounts: 0,
            ..NodeConfig::default()
        })
        .expect("devnode starts");
        let chain = (t.chain)();
        node.with_chain(|c| *c = chain);
        let dir = tempfile::tempdir().expect("a temporary directory");
        let deployments = dir.path().join("deployments");
        std::fs::create_dir_all(&deployments).expect("mkdir");
        std::fs::write(
            labelchain::state::path_for(&deployments, t.chain_id),
            &t.deployment,
        )
        .expect("write the deployments file");
        let endpoint = Endpoint::new(Network::Devnode, Some(node.url().into())).expect("endpoint");
        let conn = connect(&endpoint, Some(parse_key(DEV_KEY).expect("dev key")))
            .await
            .expect("connects");
        let a = ops::addresses(&conn, &deployments).expect("the deployment");
        let admin = actor_of(&conn, parse_key(DEV_KEY).expect("dev key"), a);
        let auditor = actor_of(&conn, auditor_key(), a);
        let env = Env {
            node: Some(node),
            admin,
            auditor,
            a,
            chain_id: t.chain_id,
            travel: true,
            fund_wei: U256::from(10u64).pow(U256::from(19)),
            dir,
            _exclusive: None,
        };
        env.fund_eth(env.auditor.addr).await;
        env
    }

    #[allow(clippy::await_holding_lock)]
    async fn remote(url: String) -> Env {
        let endpoint = Endpoint::new(Network::Custom, Some(url.clone())).expect("endpoint");
        let probe = connect(&endpoint, None)
            .await
            .expect("STYLUS_RPC_URL answers");
        let travel = probe
            .provider
            .raw_request::<_, serde_json::Value>("evm_increaseTime".into(), (0u64,))
            .await
            .is_ok()
            && std::env::var("E2E_TIME_TRAVEL").as_deref() != Ok("0");
        let exclusive = travel.then(|| SHARED_CLOCK.lock().unwrap_or_else(|e| e.into_inner()));
        let key = match std::env::var("STYLUS_PRIVATE_KEY") {
            Ok(k) if !k.is_empty() => parse_key(&k).expect("STYLUS_PRIVATE_KEY is a key"),
            _ if probe.chain_id == DEVNODE_CHAIN_ID => parse_key(DEV_KEY).expect("dev key"),
            _ => panic!("STYLUS_RPC_URL needs STYLUS_PRIVATE_KEY (a funded key)"),
        };
        // Each test deploys from an admin key of its own, funded by the shared key; the
        // shared key sends one transaction at a time (tests run on parallel threads, each
        // with its own runtime, so blocking another test's thread here is intended).
        let master = connect(&endpoint, Some(key)).await.expect("connects");
        let key = PrivateKeySigner::random();
        let admin_wei = std::env::var("E2E_ADMIN_WEI")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(U256::from(50_000_000_000_000_000u64));
        {
            static MASTER: std::sync::Mutex<()> = std::sync::Mutex::new(());
            let _one_at_a_time = MASTER.lock().unwrap_or_else(|e| e.into_inner());
            let tx = TransactionRequest::default()
                .with_to(key.address())
                .with_value(admin_wei);
            master
                .send("funding the test's admin", tx)
                .await
                .expect("the shared key funds the test's admin");
        }
        let conn = connect(&endpoint, Some(key.clone()))
            .await
            .expect("connects");
        let dir = tempfile::tempdir().expect("a temporary directory");
        let auditor_key = PrivateKeySigner::random();
        // A deployment of this test's own: a fresh CREATE2 salt.
        let salt = format!("e2e-{}", alloy::hex::encode(B256::random()));
        let opts = DeployOptions {
            deployments_dir: dir.path().join("deployments"),
            build_if_missing: false,
            auditors: vec![auditor_key.address()],
            salt,
            ..DeployOptions::default()
        };
        deploy::run(&conn, &opts, &Quiet)
            .await
            .expect("the protocol deploys");
        let a = ops::addresses(&conn, &opts.deployments_dir).expect("the deployment");
        let fund_wei = std::env::var("E2E_FUND_WEI")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(U256::from(5_000_000_000_000_000u64));
        let env = Env {
            node: None,
            admin: actor_of(&conn, key, a),
            auditor: actor_of(&conn, auditor_key, a),
            a,
            chain_id: conn.chain_id,
            travel,
            fund_wei,
            dir,
            _exclusive: exclusive,
        };
        env.fund_eth(env.auditor.addr).await;
        env
    }

    /// Whether blocks can be moved forward in time here.
    pub fn can_travel(&self) -> bool {
        self.travel
    }

    /// Whether this is an in-process devnode.
    pub fn is_local(&self) -> bool {
        self.node.is_some()
    }

    pub fn lbl(&self) -> Address {
        self.a.token
    }

    async fn fund_eth(&self, to: Address) {
        match &self.node {
            Some(node) => node.with_chain(|c| c.set_balance(to, self.fund_wei)),
            None => {
                let tx = TransactionRequest::default()
                    .with_to(to)
                    .with_value(self.fund_wei);
                self.admin.must(tx).await;
            }
        }
    }

    /// A new key with ETH for gas and nothing else.
    pub async fn actor(&self) -> Actor {
        let key = PrivateKeySigner::random();
        self.fund_eth(key.address()).await;
        actor_of(&self.admin.conn, key, self.a)
    }

    /// A key derived from `name`, with ETH for gas: the same address on every run of an
    /// in-process devnode, so a property test's failing case replays exactly (on a shared
    /// node, where the same key would carry state from earlier runs, a random one).
    pub async fn named(&self, name: &str) -> Actor {
        if !self.is_local() {
            return self.actor().await;
        }
        let key = PrivateKeySigner::from_bytes(&keccak256(format!("labelchain e2e actor {name}")))
            .expect("a hash is a valid key");
        self.fund_eth(key.address()).await;
        actor_of(&self.admin.conn, key, self.a)
    }

    /// A new key holding `amount` LBL (from the treasury's genesis allocation).
    pub async fn funded(&self, amount: U256) -> Actor {
        let who = self.actor().await;
        self.give_lbl(who.addr, amount).await;
        who
    }

    /// A new labeller with `amount` LBL staked.
    pub async fn labeller(&self, amount: U256) -> Actor {
        let who = self.funded(amount).await;
        who.stake(amount).await;
        who
    }

    pub async fn give_lbl(&self, to: Address, amount: U256) {
        if amount > U256::ZERO {
            self.admin
                .must(self.admin.token().transfer(to, amount))
                .await;
        }
    }

    /// The latest block's timestamp.
    pub async fn now(&self) -> u64 {
        self.admin.conn.now().await.expect("latest block")
    }

    /// Mines a block whose timestamp is after `ts` (nothing if the chain is past it).
    pub async fn warp_past(&self, ts: u64) {
        assert!(self.travel, "time travel is not available on this node");
        match &self.node {
            Some(node) => node.with_chain(|c| {
                if c.latest().timestamp <= ts {
                    c.set_next_timestamp(ts + 1);
                    c.mine();
                }
            }),
            None => {
                for _ in 0..5 {
                    let now = self.now().await;
                    if now > ts {
                        return;
                    }
                    let p = &self.admin.conn.provider;
                    let _: serde_json::Value = p
                        .raw_request("evm_increaseTime".into(), (ts - now + 1,))
                        .await
                        .expect("evm_increaseTime");
                    let _: serde_json::Value = p
                        .raw_request("evm_mine".into(), ())
                        .await
                        .expect("evm_mine");
                }
                panic!("the node did not move past {ts}");
            }
        }
    }

    /// Moves the chain `secs` seconds past its latest block.
    pub async fn advance(&self, secs: u64) {
        let now = self.now().await;
        self.warp_past(now + secs - 1).await;
    }

    /// A task's terms and progress.
    pub async fn task(&self, task: u64) -> TaskView {
        ops::task_show(&self.admin.conn, &self.a, task)
            .await
            .expect("task_show")
    }

    /// A task's terms alone (one call).
    /// The registry's protocol-wide parameters, by name.
    pub async fn params(&self) -> ProtocolParams {
        ops::params(&self.admin.conn, &self.a)
            .await
            .expect("params")
    }

    pub async fn terms(&self, task: u64) -> TaskTerms {
        ops::terms(&self.admin.conn, &self.a, task)
            .await
            .expect("terms")
    }

    /// Closes the commit window of `task` (the reveal window opens).
    pub async fn end_commit(&self, task: u64) {
        let t = self.terms(task).await;
        self.warp_past(t.commit_end).await;
    }

    pub async fn end_reveal(&self, task: u64) {
        let t = self.terms(task).await;
        self.warp_past(t.reveal_end).await;
    }

    /// Approves the escrow for bounty + fee and creates the task; its id.
    pub async fn create_task(&self, requester: &Actor, spec: &Spec) -> u64 {
        let token = spec.token.unwrap_or(self.a.token);
        requester.approve(token, self.a.escrow, spec.cost()).await;
        let sent = requester.must(spec.create_call(requester)).await;
        task_created(&sent)
    }

    /// Funds a new requester with exactly bounty + fee in LBL and creates the task.
    pub async fn lbl_task(&self, spec: &Spec) -> (Actor, u64) {
        let requester = self.funded(spec.cost()).await;
        let task = self.create_task(&requester, spec).await;
        (requester, task)
    }

    /// The salt a labeller uses for a label (deterministic so tests can reveal later).
    pub fn salt(task: u64, item: u32, who: Address, label: u8) -> B256 {
        keccak256(
            [
                &task.to_be_bytes()[..],
                &item.to_be_bytes(),
                who.as_slice(),
                &[label],
            ]
            .concat(),
        )
    }

    /// The commitment, computed as a client does (README's formula).
    pub fn commitment(&self, task: u64, item: u32, who: Address, label: u8) -> B256 {
        labelchain::salts::commitment(
            self.chain_id,
            self.a.verifier,
            task,
            item,
            who,
            label,
            Self::salt(task, item, who, label),
        )
    }

    pub async fn commit(&self, who: &Actor, task: u64, item: u32, label: u8) {
        let c = self.commitment(task, item, who.addr, label);
        who.must(who.verifier().commit(task, item, c)).await;
    }

    pub async fn reveal(&self, who: &Actor, task: u64, item: u32, label: u8) {
        let salt = Self::salt(task, item, who.addr, label);
        who.must(who.verifier().reveal(task, item, label, salt))
            .await;
    }

    /// One `commitBatch` of `(item, label)` votes by `who` (salts from [`Env::salt`]).
    pub async fn commit_batch(&self, who: &Actor, task: u64, votes: &[(u32, u8)]) -> Sent {
        let items = votes.iter().map(|v| v.0).collect();
        let cs = votes
            .iter()
            .map(|&(i, l)| self.commitment(task, i, who.addr, l))
            .collect();
        who.must(who.verifier().commitBatch(task, items, cs)).await
    }

    /// One `revealBatch` of the votes [`Env::commit_batch`] committed.
    pub async fn reveal_batch(&self, who: &Actor, task: u64, votes: &[(u32, u8)]) -> Sent {
        let items = votes.iter().map(|v| v.0).collect();
        let labels = votes.iter().map(|v| v.1).collect();
        let salts = votes
            .iter()
            .map(|&(i, l)| Self::salt(task, i, who.addr, l))
            .collect();
        who.must(who.verifier().revealBatch(task, items, labels, salts))
            .await
    }

    /// Commits `labels[i]` for `ls[i]` on `item`.
    pub async fn commit_all(&self, ls: &[Actor], task: u64, item: u32, labels: &[u8]) {
        for (who, l) in ls.iter().zip(labels) {
            self.commit(who, task, item, *l).await;
        }
    }

    /// Reveals `labels[i]` for `ls[i]` where `revealed[i]`.
    pub async fn reveal_all(
        &self,
        ls: &[Actor],
        task: u64,
        item: u32,
        labels: &[u8],
        revealed: &[bool],
    ) {
        for ((who, l), r) in ls.iter().zip(labels).zip(revealed) {
            if *r {
                self.reveal(who, task, item, *l).await;
            }
        }
    }

    /// Commit, close the commit window, reveal (where `revealed`).
    pub async fn vote(&self, ls: &[Actor], task: u64, item: u32, labels: &[u8], revealed: &[bool]) {
        self.commit_all(ls, task, item, labels).await;
        self.end_commit(task).await;
        self.reveal_all(ls, task, item, labels, revealed).await;
    }

    /// `finalize` by a bystander (anyone may).
    pub async fn finalize(&self, task: u64, item: u32) -> Sent {
        self.admin
            .must(self.admin.verifier().finalize(task, item))
            .await
    }

    pub async fn item(&self, task: u64, item: u32) -> Item {
        ops::item(&self.admin.conn, &self.a, task, item)
            .await
            .expect("getItem")
    }

    pub async fn balance(&self, token: Address, who: Address) -> U256 {
        balance_of(&self.admin.p(), token, who).await
    }

    pub async fn claimable(&self, token: Address, who: Address) -> U256 {
        self.admin
            .escrow()
            .claimable(token, who)
            .call()
            .await
            .expect("claimable")
    }

    /// `(free, locked, unbonding, unbondingEnds)`.
    pub async fn stake_of(&self, who: Address) -> (U256, U256, U256, u64) {
        let s = self
            .admin
            .escrow()
            .stakeOf(who)
            .call()
            .await
            .expect("stakeOf");
        (s._0, s._1, s._2, s._3)
    }

    /// Free stake, asserting nothing is locked any more.
    pub async fn free_stake(&self, who: Address) -> U256 {
        let (free, locked, ..) = self.stake_of(who).await;
        assert_eq!(locked, U256::ZERO, "stake of {who} still locked");
        free
    }

    /// `(agreed, total, tier)`.
    pub async fn reputation(&self, who: Address) -> (u64, u64, Tier) {
        let r = self
            .admin
            .verifier()
            .reputation(who)
            .call()
            .await
            .expect("reputation");
        (r._0, r._1, Tier::try_from(r._2).expect("a reputation tier"))
    }

    pub async fn supply(&self) -> U256 {
        self.admin
            .token()
            .totalSupply()
            .call()
            .await
            .expect("totalSupply")
    }

    /// `(E0, H, pool, emitted so far, verified items so far)`.
    pub async fn emission_state(&self) -> (U256, u64, U256, U256, u64) {
        let s = self
            .admin
            .token()
            .emissionState()
            .call()
            .await
            .expect("emissionState");
        (s._0, s._1, s._2, s._3, s._4)
    }

    /// `emissionAt(n)`: the schedule's emission for the n-th verified item (1.0x).
    pub async fn emission_at(&self, n: u64) -> U256 {
        self.admin
            .token()
            .emissionAt(n)
            .call()
            .await
            .expect("emissionAt")
    }

    /// The escrow's invariant: for each token, its balance equals what it owes; and the
    /// LBL supply is within the cap.
    pub async fn assert_solvent(&self, tokens: &[Address]) {
        for &token in std::iter::once(&self.a.token).chain(tokens) {
            let held = self.balance(token, self.a.escrow).await;
            let owed = self
                .admin
                .escrow()
                .liabilities(token)
                .call()
                .await
                .expect("liabilities");
            assert_eq!(held, owed, "escrow holds {held} of {token} but owes {owed}");
        }
        let supply = self.supply().await;
        let cap = self.admin.token().cap().call().await.expect("cap");
        assert!(supply <= cap, "supply {supply} above cap {cap}");
    }

    /// Token balances of `who` in each of `tokens`, plus the escrow's and its
    /// liabilities: to check that a refused action moved nothing.
    pub async fn books(&self, tokens: &[Address], who: &[Address]) -> Vec<U256> {
        let mut v = Vec::new();
        for &t in tokens {
            for &w in who.iter().chain([&self.a.escrow]) {
                v.push(self.balance(t, w).await);
                v.push(self.claimable(t, w).await);
            }
            v.push(
                self.admin
                    .escrow()
                    .liabilities(t)
                    .call()
                    .await
                    .expect("liabilities"),
            );
        }
        for &w in who {
            let (a, b, c, d) = self.stake_of(w).await;
            v.extend([a, b, c, U256::from(d)]);
        }
        v.push(self.supply().await);
        v
    }

    /// Deploys EVM init code from the admin; the new contract's address.
    pub async fn deploy_evm(&self, init_code: Vec<u8>) -> Address {
        let tx = TransactionRequest::default().with_deploy_code(init_code);
        let sent = self.admin.must(tx).await;
        let receipt = self
            .admin
            .p()
            .get_transaction_receipt(sent.tx_hash)
            .await
            .expect("receipt")
            .expect("mined");
        receipt.contract_address.expect("a contract was created")
    }
}

fn actor_of(conn: &Conn, key: PrivateKeySigner, a: Addresses) -> Actor {
    let addr = key.address();
    Actor {
        conn: conn.with_signer(key.clone()).expect("a connection"),
        key,
        addr,
        a,
    }
}

/// The first event of type `E` in a receipt; a panic naming the event when there is none.
pub fn event<E: SolEvent>(sent: &Sent) -> E {
    sent.logs
        .iter()
        .find_map(|l| E::decode_log(&l.inner).ok())
        .map(|e| e.data)
        .unwrap_or_else(|| panic!("no {} event in the receipt", E::SIGNATURE))
}

/// The task id of a `TaskCreated` event in a receipt.
pub fn task_created(sent: &Sent) -> u64 {
    event::<ITaskRegistry::TaskCreated>(sent).task
}

/// Returns from the test (printing why) when the chain cannot move in time.
#[macro_export]
macro_rules! require_time_travel {
    ($env:expr) => {
        if !$env.can_travel() {
            eprintln!(
                "skipped {}: the node at STYLUS_RPC_URL has no evm_increaseTime (or \
                 E2E_TIME_TRAVEL=0), and this test crosses commit/reveal/audit windows",
                std::thread::current().name().unwrap_or(module_path!())
            );
            return;
        }
    };
}

alloy::sol! {
    /// EIP-2612's signed struct.
    struct Permit {
        address owner;
        address spender;
        uint256 value;
        uint256 nonce;
        uint256 deadline;
    }
}

impl Env {
    /// The timestamp of the block a transaction was mined in.
    pub async fn block_time(&self, sent: &Sent) -> u64 {
        self.admin
            .p()
            .get_block_by_number(sent.block.into())
            .await
            .expect("eth_getBlockByNumber")
            .expect("the block")
            .header
            .timestamp
    }

    /// An EIP-2612 permit of LBL from `owner` to `spender`, signed with alloy's signer
    /// over the EIP-712 digest (the domain is rebuilt from the token's name, "1", the
    /// chain id and the token's address, and checked against `DOMAIN_SEPARATOR()`).
    /// `(v, r, s)`.
    pub async fn sign_permit(
        &self,
        owner: &Actor,
        spender: Address,
        value: U256,
        deadline: U256,
    ) -> (u8, B256, B256) {
        use alloy::signers::SignerSync;
        use alloy::sol_types::SolStruct;
        let token = self.admin.token();
        let name = token.name().call().await.expect("name");
        let nonce = token.nonces(owner.addr).call().await.expect("nonces");
        let domain = alloy::sol_types::eip712_domain! {
            name: name,
            version: "1",
            chain_id: self.chain_id,
            verifying_contract: self.a.token,
        };
        let on_chain = token
            .DOMAIN_SEPARATOR()
            .call()
            .await
            .expect("DOMAIN_SEPARATOR");
        assert_eq!(domain.separator(), on_chain, "the token's EIP-712 domain");
        let permit = Permit {
            owner: owner.addr,
            spender,
            value,
            nonce,
            deadline,
        };
        let sig = owner
            .key
            .sign_hash_sync(&permit.eip712_signing_hash(&domain))
            .expect("signing");
        (
            27 + u8::from(sig.v()),
            B256::from(sig.r()),
            B256::from(sig.s()),
        )
    }
}
