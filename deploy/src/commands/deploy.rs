//! `labelchain deploy`: load (or build) the programs, plan, survey the chain, estimate
//! and check funds, then send only what is missing — each step checked on chain after it
//! is sent and recorded in `deployments/<chainId>.json` at once, so a rerun after a crash
//! picks up where it stopped and a rerun after success sends nothing. With `--cache` the
//! programs are then cached (ArbWasmCache), when the signer may do that.

use std::collections::BTreeMap;
use std::path::PathBuf;

use alloy::primitives::{Address, B256, U256};
use alloy::providers::Provider;
use alloy::rpc::types::state::AccountOverride;
use serde::Serialize;

use crate::bindings::STYLUS_DEPLOYER;
use crate::chain::Conn;
use crate::error::{Error, Result};
use crate::plan::{self, Plan, Target, Wire};
use crate::progress::{Outcome, Progress};
use crate::state::{self, ContractRecord, Deployment, Params, StepRecord, SCHEMA};
use crate::steps::{cache, program, wire};
use crate::units::format_eth;

/// Gas assumed for a wiring step when it cannot be estimated yet (its contracts are not
/// deployed): the real ones use about 30–60 k.
pub const WIRE_GAS_GUESS: u64 = 150_000;
/// Gas assumed for activating a deployed but inactive program (nitro charges 2–3 M).
const ACTIVATE_GAS_GUESS: u64 = 3_000_000;
/// Gas assumed for caching one program (the devnode charges about 50–60 k).
const CACHE_GAS_GUESS: u64 = 100_000;

#[derive(Clone, Debug)]
pub struct DeployOptions {
    pub programs_dir: PathBuf,
    /// Run `cargo packager build` when the default programs are missing.
    pub build_if_missing: bool,
    /// Run it even when they are there.
    pub force_build: bool,
    pub deployments_dir: PathBuf,
    pub treasury: Option<Address>,
    pub cap: U256,
    pub genesis_supply: U256,
    pub halving_interval: u64,
    pub unbonding_period: u64,
    pub payment_tokens: Vec<Address>,
    pub auditors: Vec<Address>,
    pub salt: String,
    pub deployer: Address,
    /// Extra data fee sent over the estimate, in basis points (refunded by the deployer).
    pub fee_margin_bps: u64,
    pub dry_run: bool,
    /// Ignore a deployments file that belongs to an earlier chain (other genesis).
    pub fresh: bool,
    /// Cache the programs after deploying (the signer must be a chain owner or a wasm
    /// cache manager; otherwise the deploy is refused before anything is sent).
    pub cache: bool,
    /// Tests: stop with [`Error::Interrupted`] after this many steps were sent.
    pub stop_after: Option<usize>,
}

impl Default for DeployOptions {
    fn default() -> Self {
        DeployOptions {
            programs_dir: crate::programs::default_dir(),
            build_if_missing: true,
            force_build: false,
            deployments_dir: PathBuf::from("deployments"),
            treasury: None,
            cap: plan::lbl(1_000_000_000),
            genesis_supply: plan::lbl(100_000_000),
            halving_interval: plan::DEFAULT_HALVING_INTERVAL,
            unbonding_period: plan::DEFAULT_UNBONDING_PERIOD,
            payment_tokens: vec![],
            auditors: vec![],
            salt: "labelchain-v1".into(),
            deployer: STYLUS_DEPLOYER,
            fee_margin_bps: 2_000,
            dry_run: false,
            fresh: false,
            cache: false,
            stop_after: None,
        }
    }
}

impl DeployOptions {
    pub fn params(&self, admin: Address) -> Params {
        Params {
            admin,
            treasury: self.treasury.unwrap_or(admin),
            cap: self.cap,
            genesis_supply: self.genesis_supply,
            halving_interval: self.halving_interval,
            unbonding_period: self.unbonding_period,
            payment_tokens: self.payment_tokens.clone(),
            auditors: self.auditors.clone(),
            salt: self.salt.clone(),
            deployer: self.deployer,
        }
    }
}

/// Where a step stands after this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    /// Sent in this run.
    Sent,
    /// Found done on chain; nothing sent.
    OnChain,
    /// Still to do (a dry run, or before it is sent).
    Planned,
}

impl std::fmt::Display for StepStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            StepStatus::Sent => "sent",
            StepStatus::OnChain => "on-chain",
            StepStatus::Planned => "planned",
        })
    }
}

/// One step in the report.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    pub id: String,
    pub label: String,
    pub status: StepStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx_hash: Option<B256>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gas_used: Option<u64>,
    /// Gas estimated (dry run) for this step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gas_estimate: Option<u64>,
    /// Activation data fee (deploy steps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_fee: Option<U256>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

impl StepReport {
    fn new(id: String, label: String, status: StepStatus) -> Self {
        StepReport {
            id,
            label,
            status,
            tx_hash: None,
            gas_used: None,
            gas_estimate: None,
            data_fee: None,
            address: None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployReport {
    pub chain_id: u64,
    pub network: String,
    pub deployments_file: PathBuf,
    pub dry_run: bool,
    pub addresses: state::Addresses,
    pub steps: Vec<StepReport>,
    /// Steps sent in this run.
    pub sent: usize,
    pub gas_used: u64,
    /// What this run paid: gas × price plus data fees.
    pub cost_wei: U256,
    /// Dry run: the estimate for what is still to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_cost_wei: Option<U256>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_gas: Option<u64>,
    pub gas_price_wei: u128,
}

/// The chain's view of every step, before anything is sent.
struct Survey {
    /// Per target: found on chain.
    programs: Vec<program::Found>,
    /// Per wiring step: done (only known when its contracts exist).
    wiring: Vec<Option<wire::WireState>>,
}

async fn survey(conn: &Conn, plan: &Plan) -> Result<Survey> {
    let mut programs = Vec::new();
    for t in &plan.targets {
        programs.push(program::survey(conn, t).await?);
    }
    let all_there = programs.iter().all(|f| f.code);
    let mut wiring = Vec::new();
    for w in &plan.wiring {
        wiring.push(if all_there {
            Some(wire::state(conn, plan, *w).await?)
        } else {
            None
        });
    }
    Ok(Survey { programs, wiring })
}

/// Gas estimate of a deploy through the StylusDeployer, with the sender's balance raised
/// by a state override so an unfunded key still gets an estimate.
async fn estimate_deploy(
    conn: &Conn,
    plan: &Plan,
    t: &Target,
    from: Address,
    fee: U256,
    margin: u64,
) -> Result<u64> {
    let mut tx = program::deploy_tx(
        conn,
        plan.params.deployer,
        t,
        program::with_margin(fee, margin),
    );
    tx.from = Some(from);
    let rich = U256::from(10u64).pow(U256::from(24));
    let est = conn
        .provider
        .estimate_gas(tx)
        .account_override(
            from,
            AccountOverride {
                balance: Some(rich),
                ..AccountOverride::default()
            },
        )
        .await;
    match est {
        Ok(g) => Ok(g),
        // Some RPCs refuse overrides on estimates; a Stylus deploy with activation is
        // about 2–4 M gas on nitro, take the top of it.
        Err(_) => Ok(5_000_000),
    }
}

fn check_existing(
    path: &std::path::Path,
    existing: &Deployment,
    params: &Params,
    genesis: B256,
) -> Result<()> {
    if existing.genesis_hash != genesis {
        return Err(Error::State {
            path: path.into(),
            detail: format!(
                "it was written for another chain instance (genesis {} here {genesis}): a devnode \
                 restarted without --state? Move the file away, or pass --fresh to replace it",
                existing.genesis_hash
            ),
        });
    }
    if &existing.params != params {
        return Err(Error::State {
            path: path.into(),
            detail: format!(
                "it records a deployment with other parameters ({}); use another --deployments \
                 directory or --salt for a second deployment",
                diff(&existing.params, params)
            ),
        });
    }
    Ok(())
}

fn diff(a: &Params, b: &Params) -> String {
    let a = serde_json::to_value(a).unwrap_or_default();
    let b = serde_json::to_value(b).unwrap_or_default();
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return String::new();
    };
    a.iter()
        .filter(|(k, v)| b.get(*k) != Some(v))
        .map(|(k, v)| {
            format!(
                "{k}: recorded {v}, now {}",
                b.get(k).cloned().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Deploys what the chain lacks. The steps run in order — programs first, then wiring —
/// and each is recorded in the deployments file as soon as it is checked on chain.
pub async fn run(
    conn: &Conn,
    opts: &DeployOptions,
    progress: &dyn Progress,
) -> Result<DeployReport> {
    let from = conn.from()?;
    let plan = load_plan(opts, from, progress)?;
    let path = state::path_for(&opts.deployments_dir, conn.chain_id);
    let genesis = conn.genesis_hash().await?;
    let record = load_record(&path, opts, &plan.params, genesis)?;
    if conn.code(opts.deployer).await?.is_empty() {
        return Err(Error::Config(format!(
            "no StylusDeployer at {} on chain {}: pass --deployer ADDRESS",
            opts.deployer, conn.chain_id
        )));
    }
    if opts.cache {
        cache::access(conn, from).await?;
    }
    let survey = survey(conn, &plan).await?;
    let gas_price = conn.gas_price().await?;
    let estimate = estimate(conn, &plan, &survey, opts, from).await?;
    // Gas priced at twice the current price: what a fee filler may bid.
    let estimated =
        U256::from(estimate.gas) * U256::from(gas_price) * U256::from(2u8) + estimate.fees;
    let mut report = DeployReport {
        chain_id: conn.chain_id,
        network: conn.endpoint.network.name().into(),
        deployments_file: path.clone(),
        dry_run: opts.dry_run,
        addresses: plan.addresses(),
        steps: estimate.steps,
        sent: 0,
        gas_used: 0,
        cost_wei: U256::ZERO,
        estimated_cost_wei: None,
        estimated_gas: None,
        gas_price_wei: gas_price,
    };
    if opts.dry_run {
        report.estimated_cost_wei = Some(estimated);
        report.estimated_gas = Some(estimate.gas);
        return Ok(report);
    }
    if report.steps.iter().any(|s| s.status == StepStatus::Planned) {
        ensure_funded(conn, from, estimated).await?;
    }
    let record = record.unwrap_or_else(|| fresh_record(conn, &plan, genesis));
    let mut run = Run {
        conn,
        opts,
        plan: &plan,
        progress,
        path,
        record,
        report,
        sent: 0,
    };
    for (i, found) in survey.programs.iter().enumerate() {
        run.program(i, *found).await?;
    }
    for j in 0..plan.wiring.len() {
        run.wiring(j).await?;
    }
    if opts.cache {
        for k in 0..plan.targets.len() {
            run.cache(k).await?;
        }
    }
    run.record.complete = true;
    state::save(&run.path, &run.record)?;
    run.report.sent = run.sent;
    Ok(run.report)
}

/// Refuses to start sending when `from` holds less than the estimated cost: a deploy that
/// runs dry half-way leaves a partial record behind.
async fn ensure_funded(conn: &Conn, from: Address, estimated: U256) -> Result<()> {
    let balance = conn.balance(from).await?;
    if balance < estimated {
        return Err(Error::Unfunded {
            address: from,
            balance: format_eth(balance),
            needed: format_eth(estimated),
        });
    }
    Ok(())
}

/// The record of a first deploy on this chain: nothing deployed or wired yet.
fn fresh_record(conn: &Conn, plan: &Plan, genesis: B256) -> Deployment {
    Deployment {
        schema: SCHEMA,
        chain_id: conn.chain_id,
        network: conn.endpoint.network.name().into(),
        genesis_hash: genesis,
        params: plan.params.clone(),
        contracts: BTreeMap::new(),
        steps: BTreeMap::new(),
        demo: None,
        complete: false,
    }
}

/// The programs to deploy (built first if asked or missing) and the plan for them.
fn load_plan(opts: &DeployOptions, from: Address, progress: &dyn Progress) -> Result<Plan> {
    if opts.force_build {
        progress.note("building the programs: cd contracts && cargo packager build");
        crate::programs::build(&crate::programs::repo_root())?;
    }
    let programs = crate::programs::load(&opts.programs_dir, opts.build_if_missing, || {
        progress.note("program files missing: running `cargo packager build` in contracts/")
    })?;
    Plan::new(opts.params(from), programs)
}

/// The deployments file's record of this deployment, if it has one for this chain
/// instance (with `--fresh`, a record of an earlier instance is dropped).
fn load_record(
    path: &std::path::Path,
    opts: &DeployOptions,
    params: &Params,
    genesis: B256,
) -> Result<Option<Deployment>> {
    match state::load(path)? {
        Some(d) if opts.fresh && d.genesis_hash != genesis => Ok(None),
        Some(d) => {
            check_existing(path, &d, params, genesis)?;
            Ok(Some(d))
        }
        None => Ok(None),
    }
}

/// What is left to do, step by step, with its gas and data fees.
struct Estimate {
    steps: Vec<StepReport>,
    gas: u64,
    fees: U256,
}

async fn estimate(
    conn: &Conn,
    plan: &Plan,
    survey: &Survey,
    opts: &DeployOptions,
    from: Address,
) -> Result<Estimate> {
    let mut e = Estimate {
        steps: Vec::new(),
        gas: 0,
        fees: U256::ZERO,
    };
    for (t, found) in plan.targets.iter().zip(&survey.programs) {
        let mut r = StepReport::new(
            format!("deploy:{}", t.program.name),
            format!("deploy + activate + construct {}", t.program.name),
            StepStatus::OnChain,
        );
        r.address = Some(t.address);
        if !found.code {
            let fee = program::data_fee(conn, t, from).await?;
            let gas = estimate_deploy(conn, plan, t, from, fee, opts.fee_margin_bps).await?;
            e.gas += gas;
            e.fees += program::with_margin(fee, opts.fee_margin_bps);
            r.status = StepStatus::Planned;
            r.gas_estimate = Some(gas);
            r.data_fee = Some(fee);
        } else if found.activated.is_none() {
            r.status = StepStatus::Planned;
            r.label = format!("activate {}", t.program.name);
            r.gas_estimate = Some(ACTIVATE_GAS_GUESS);
            e.gas += ACTIVATE_GAS_GUESS;
        }
        e.steps.push(r);
    }
    for (w, st) in plan.wiring.iter().zip(&survey.wiring) {
        let done = *st == Some(wire::WireState::Done);
        let status = if done {
            StepStatus::OnChain
        } else {
            e.gas += WIRE_GAS_GUESS;
            StepStatus::Planned
        };
        let mut r = StepReport::new(w.id(), w.label(), status);
        r.gas_estimate = (!done).then_some(WIRE_GAS_GUESS);
        e.steps.push(r);
    }
    if opts.cache {
        for t in &plan.targets {
            let cached = cache::is_cached(conn, t).await?;
            let status = if cached {
                StepStatus::OnChain
            } else {
                e.gas += CACHE_GAS_GUESS;
                StepStatus::Planned
            };
            let mut r = StepReport::new(cache_id(t), format!("cache {}", t.program.name), status);
            r.gas_estimate = (!cached).then_some(CACHE_GAS_GUESS);
            e.steps.push(r);
        }
    }
    Ok(e)
}

fn cache_id(t: &Target) -> String {
    format!("cache:{}", t.program.name)
}

/// A deployment in progress: the steps sent so far, in the report and in the record.
struct Run<'a> {
    conn: &'a Conn,
    opts: &'a DeployOptions,
    plan: &'a Plan,
    progress: &'a dyn Progress,
    path: PathBuf,
    record: Deployment,
    report: DeployReport,
    sent: usize,
}

impl Run<'_> {
    /// Deploys (or activates) target `i` if the survey found it missing, checks it on
    /// chain and records it.
    async fn program(&mut self, i: usize, found: program::Found) -> Result<()> {
        let t = &self.plan.targets[i];
        let label = format!("deploy {} ({})", t.program.name, t.address);
        self.progress.start(&label);
        let mut rec = self.record.contracts.get(t.program.name).cloned();
        match self.send_program(i, found, &mut rec).await {
            Ok(o) => self.progress.finish(&label, o),
            Err(e) => {
                self.progress.finish(&label, Outcome::Failed(e.to_string()));
                return Err(e);
            }
        }
        if let Some(r) = rec {
            if self.record.contracts.get(t.program.name) != Some(&r) {
                self.record.contracts.insert(t.program.name.into(), r);
                state::save(&self.path, &self.record)?;
            }
        }
        self.interrupt_if_asked()
    }

    async fn send_program(
        &mut self,
        i: usize,
        found: program::Found,
        rec: &mut Option<ContractRecord>,
    ) -> Result<Outcome> {
        let (conn, plan, t) = (self.conn, self.plan, &self.plan.targets[i]);
        let margin = self.opts.fee_margin_bps;
        let mut outcome = Outcome::Skipped("on chain".into());
        if !found.code {
            let (sent, fee) = program::deploy(conn, plan, t, margin).await?;
            self.count(i, &sent, fee);
            outcome = Outcome::Done(format!(
                "tx {} block {}, gas {}, data fee {} ETH",
                sent.tx_hash,
                sent.block,
                sent.gas_used,
                format_eth(fee)
            ));
            *rec = Some(ContractRecord {
                tx_hash: Some(sent.tx_hash),
                block: Some(sent.block),
                gas_used: Some(sent.gas_used),
                data_fee: fee,
                ..contract_record(t)
            });
        } else if found.activated.is_none() {
            let (sent, fee) = program::activate(conn, t, margin).await?;
            self.count(i, &sent, fee);
            outcome = Outcome::Done(format!("activated: tx {}", sent.tx_hash));
        }
        let version = program::check(conn, plan, t).await?;
        rec.get_or_insert_with(|| contract_record(t)).stylus_version = version;
        Ok(outcome)
    }

    /// Runs wiring step `j` unless the chain already has it, and records it.
    async fn wiring(&mut self, j: usize) -> Result<()> {
        let w = self.plan.wiring[j];
        let label = w.label();
        self.progress.start(&label);
        match self.send_wiring(self.plan.targets.len() + j, w).await {
            Ok(o) => {
                self.progress.finish(&label, o);
                state::save(&self.path, &self.record)?;
            }
            Err(e) => {
                self.progress.finish(&label, Outcome::Failed(e.to_string()));
                return Err(e);
            }
        }
        self.interrupt_if_asked()
    }

    async fn send_wiring(&mut self, i: usize, w: Wire) -> Result<Outcome> {
        let (conn, plan) = (self.conn, self.plan);
        if wire::state(conn, plan, w).await? == wire::WireState::Done {
            self.record.steps.entry(w.id()).or_insert(StepRecord {
                tx_hash: None,
                block: None,
                gas_used: None,
            });
            self.report.steps[i].status = StepStatus::OnChain;
            return Ok(Outcome::Skipped("already set".into()));
        }
        let sent = conn.send(&w.label(), wire::tx(conn, plan, w)).await?;
        wire::check(conn, plan, w).await?;
        self.count(i, &sent, U256::ZERO);
        self.record.steps.insert(
            w.id(),
            StepRecord {
                tx_hash: Some(sent.tx_hash),
                block: Some(sent.block),
                gas_used: Some(sent.gas_used),
            },
        );
        Ok(Outcome::Done(format!(
            "tx {} block {}, gas {}",
            sent.tx_hash, sent.block, sent.gas_used
        )))
    }

    /// Caches target `k` unless its codehash is cached already, and records it.
    async fn cache(&mut self, k: usize) -> Result<()> {
        let t = &self.plan.targets[k];
        let i = self.plan.targets.len() + self.plan.wiring.len() + k;
        let label = format!("cache {}", t.program.name);
        self.progress.start(&label);
        let outcome = if cache::is_cached(self.conn, t).await? {
            self.report.steps[i].status = StepStatus::OnChain;
            Outcome::Skipped("already cached".into())
        } else {
            match cache::cache(self.conn, t).await {
                Ok(sent) => {
                    self.count(i, &sent, U256::ZERO);
                    let rec = StepRecord {
                        tx_hash: Some(sent.tx_hash),
                        block: Some(sent.block),
                        gas_used: Some(sent.gas_used),
                    };
                    self.record.steps.insert(cache_id(t), rec);
                    state::save(&self.path, &self.record)?;
                    Outcome::Done(format!("tx {}, gas {}", sent.tx_hash, sent.gas_used))
                }
                Err(e) => {
                    self.progress.finish(&label, Outcome::Failed(e.to_string()));
                    return Err(e);
                }
            }
        };
        self.progress.finish(&label, outcome);
        self.interrupt_if_asked()
    }

    /// Books a sent transaction on step `i` of the report.
    fn count(&mut self, i: usize, sent: &crate::chain::Sent, data_fee: U256) {
        self.report.gas_used += sent.gas_used;
        self.report.cost_wei += sent.fee_wei + data_fee;
        let step = &mut self.report.steps[i];
        step.status = StepStatus::Sent;
        step.tx_hash = Some(sent.tx_hash);
        step.gas_used = Some(sent.gas_used);
        self.sent += 1;
    }

    fn interrupt_if_asked(&self) -> Result<()> {
        match self.opts.stop_after {
            Some(n) if self.sent >= n => Err(Error::Interrupted),
            _ => Ok(()),
        }
    }
}

/// A contract's record before its deploy transaction is known (found on chain).
fn contract_record(t: &Target) -> ContractRecord {
    ContractRecord {
        address: t.address,
        tx_hash: None,
        block: None,
        gas_used: None,
        data_fee: U256::ZERO,
        codehash: t.program.codehash,
        code_size: t.program.code.len(),
        stylus_version: 0,
    }
}

/// Every wiring step of a plan (for callers that list them).
pub fn wiring_ids(plan: &Plan) -> Vec<String> {
    plan.wiring.iter().map(Wire::id).collect()
}
