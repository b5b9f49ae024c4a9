//! `labelchain deploy`: load (or build) the programs, plan, survey the chain, estimate
//! and check funds, then send only what is missing — each step checked on chain after it
//! is sent and recorded in `deployments/<chainId>.json` at once, so a rerun after a crash
//! picks up where it stopped and a rerun after success sends nothing.

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
use crate::steps::{program, wire};
use crate::units::format_eth;

/// Gas assumed for a wiring step when it cannot be estimated yet (its contracts are not
/// deployed): the real ones use about 30–60 k.
pub const WIRE_GAS_GUESS: u64 = 150_000;

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

/// One step in the report.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    pub id: String,
    pub label: String,
    /// `sent`, `on-chain` (found done, nothing sent) or `planned` (dry run).
    pub status: &'static str,
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

pub async fn run(
    conn: &Conn,
    opts: &DeployOptions,
    progress: &dyn Progress,
) -> Result<DeployReport> {
    let from = conn.from()?;
    if opts.force_build {
        progress.note("building the programs: cd contracts && cargo packager build");
        crate::programs::build(&crate::programs::repo_root())?;
    }
    let programs = crate::programs::load(&opts.programs_dir, opts.build_if_missing, || {
        progress.note("program files missing: running `cargo packager build` in contracts/")
    })?;
    let params = opts.params(from);
    let plan = Plan::new(params.clone(), programs)?;
    let path = state::path_for(&opts.deployments_dir, conn.chain_id);
    let genesis = conn.genesis_hash().await?;
    let mut record = match state::load(&path)? {
        Some(d) if opts.fresh && d.genesis_hash != genesis => None,
        Some(d) => {
            check_existing(&path, &d, &params, genesis)?;
            Some(d)
        }
        None => None,
    };
    if conn.code(opts.deployer).await?.is_empty() {
        return Err(Error::Config(format!(
            "no StylusDeployer at {} on chain {}: pass --deployer ADDRESS",
            opts.deployer, conn.chain_id
        )));
    }
    let survey = survey(conn, &plan).await?;
    let gas_price = conn.gas_price().await?;

    // Estimate what is left to do.
    let mut reports: Vec<StepReport> = Vec::new();
    let mut est_gas = 0u64;
    let mut est_fees = U256::ZERO;
    for (t, found) in plan.targets.iter().zip(&survey.programs) {
        let mut r = StepReport {
            id: format!("deploy:{}", t.program.name),
            label: format!("deploy + activate + construct {}", t.program.name),
            status: "on-chain",
            tx_hash: None,
            gas_used: None,
            gas_estimate: None,
            data_fee: None,
            address: Some(t.address),
        };
        if !found.code {
            let fee = program::data_fee(conn, t, from).await?;
            let gas = estimate_deploy(conn, &plan, t, from, fee, opts.fee_margin_bps).await?;
            est_gas += gas;
            est_fees += program::with_margin(fee, opts.fee_margin_bps);
            r.status = "planned";
            r.gas_estimate = Some(gas);
            r.data_fee = Some(fee);
        } else if found.activated.is_none() {
            r.status = "planned";
            r.label = format!("activate {}", t.program.name);
            r.gas_estimate = Some(3_000_000);
            est_gas += 3_000_000;
        }
        reports.push(r);
    }
    for (w, st) in plan.wiring.iter().zip(&survey.wiring) {
        let done = *st == Some(wire::WireState::Done);
        if !done {
            est_gas += WIRE_GAS_GUESS;
        }
        reports.push(StepReport {
            id: w.id(),
            label: w.label(),
            status: if done { "on-chain" } else { "planned" },
            tx_hash: None,
            gas_used: None,
            gas_estimate: (!done).then_some(WIRE_GAS_GUESS),
            data_fee: None,
            address: None,
        });
    }
    // Gas priced at twice the current price: what a fee filler may bid.
    let estimated = U256::from(est_gas) * U256::from(gas_price) * U256::from(2u8) + est_fees;
    let mut report = DeployReport {
        chain_id: conn.chain_id,
        network: conn.endpoint.network.name().into(),
        deployments_file: path.clone(),
        dry_run: opts.dry_run,
        addresses: plan.addresses(),
        steps: reports,
        sent: 0,
        gas_used: 0,
        cost_wei: U256::ZERO,
        estimated_cost_wei: None,
        estimated_gas: None,
        gas_price_wei: gas_price,
    };
    if opts.dry_run {
        report.estimated_cost_wei = Some(estimated);
        report.estimated_gas = Some(est_gas);
        return Ok(report);
    }
    let pending = report
        .steps
        .iter()
        .filter(|s| s.status == "planned")
        .count();
    if pending > 0 {
        let balance = conn.balance(from).await?;
        if balance < estimated {
            return Err(Error::Unfunded {
                address: from,
                balance: format_eth(balance),
                needed: format_eth(estimated),
            });
        }
    }

    let mut d = record.take().unwrap_or_else(|| Deployment {
        schema: SCHEMA,
        chain_id: conn.chain_id,
        network: conn.endpoint.network.name().into(),
        genesis_hash: genesis,
        params: params.clone(),
        contracts: BTreeMap::new(),
        steps: BTreeMap::new(),
        demo: None,
        complete: false,
    });
    let mut sent_count = 0usize;
    let stop = |n: usize| opts.stop_after.is_some_and(|s| n >= s);

    for (i, t) in plan.targets.iter().enumerate() {
        let label = format!("{} ({})", t.program.name, t.address);
        progress.start(&format!("deploy {label}"));
        let found = survey.programs[i];
        let mut rec = d.contracts.get(t.program.name).cloned();
        let result: Result<Outcome> = async {
            let mut outcome = Outcome::Skipped("on chain".into());
            if !found.code {
                let (sent, fee) = program::deploy(conn, &plan, t, opts.fee_margin_bps).await?;
                report.gas_used += sent.gas_used;
                report.cost_wei += sent.fee_wei + fee;
                report.steps[i].status = "sent";
                report.steps[i].tx_hash = Some(sent.tx_hash);
                report.steps[i].gas_used = Some(sent.gas_used);
                outcome = Outcome::Done(format!(
                    "tx {} block {}, gas {}, data fee {} ETH",
                    sent.tx_hash,
                    sent.block,
                    sent.gas_used,
                    format_eth(fee)
                ));
                rec = Some(ContractRecord {
                    address: t.address,
                    tx_hash: Some(sent.tx_hash),
                    block: Some(sent.block),
                    gas_used: Some(sent.gas_used),
                    data_fee: fee,
                    codehash: t.program.codehash,
                    code_size: t.program.code.len(),
                    stylus_version: 0,
                });
                sent_count += 1;
            } else if found.activated.is_none() {
                let (sent, fee) = program::activate(conn, t, opts.fee_margin_bps).await?;
                report.gas_used += sent.gas_used;
                report.cost_wei += sent.fee_wei + fee;
                report.steps[i].status = "sent";
                report.steps[i].tx_hash = Some(sent.tx_hash);
                outcome = Outcome::Done(format!("activated: tx {}", sent.tx_hash));
                sent_count += 1;
            }
            let version = program::check(conn, &plan, t).await?;
            let r = rec.get_or_insert_with(|| ContractRecord {
                address: t.address,
                tx_hash: None,
                block: None,
                gas_used: None,
                data_fee: U256::ZERO,
                codehash: t.program.codehash,
                code_size: t.program.code.len(),
                stylus_version: version,
            });
            r.stylus_version = version;
            Ok(outcome)
        }
        .await;
        match result {
            Ok(o) => {
                progress.finish(&format!("deploy {label}"), o);
                if let Some(r) = rec {
                    if d.contracts.get(t.program.name) != Some(&r) {
                        d.contracts.insert(t.program.name.into(), r);
                        state::save(&path, &d)?;
                    }
                }
            }
            Err(e) => {
                progress.finish(&format!("deploy {label}"), Outcome::Failed(e.to_string()));
                return Err(e);
            }
        }
        if stop(sent_count) {
            return Err(Error::Interrupted);
        }
    }

    for (j, w) in plan.wiring.iter().enumerate() {
        let i = plan.targets.len() + j;
        progress.start(&w.label());
        let result: Result<Outcome> = async {
            match wire::state(conn, &plan, *w).await? {
                wire::WireState::Done => {
                    d.steps.entry(w.id()).or_insert(StepRecord {
                        tx_hash: None,
                        block: None,
                        gas_used: None,
                    });
                    report.steps[i].status = "on-chain";
                    Ok(Outcome::Skipped("already set".into()))
                }
                wire::WireState::Pending => {
                    let sent = conn.send(&w.label(), wire::tx(conn, &plan, *w)).await?;
                    wire::check(conn, &plan, *w).await?;
                    report.gas_used += sent.gas_used;
                    report.cost_wei += sent.fee_wei;
                    report.steps[i].status = "sent";
                    report.steps[i].tx_hash = Some(sent.tx_hash);
                    report.steps[i].gas_used = Some(sent.gas_used);
                    d.steps.insert(
                        w.id(),
                        StepRecord {
                            tx_hash: Some(sent.tx_hash),
                            block: Some(sent.block),
                            gas_used: Some(sent.gas_used),
                        },
                    );
                    sent_count += 1;
                    Ok(Outcome::Done(format!(
                        "tx {} block {}, gas {}",
                        sent.tx_hash, sent.block, sent.gas_used
                    )))
                }
            }
        }
        .await;
        match result {
            Ok(o) => {
                progress.finish(&w.label(), o);
                state::save(&path, &d)?;
            }
            Err(e) => {
                progress.finish(&w.label(), Outcome::Failed(e.to_string()));
                return Err(e);
            }
        }
        if stop(sent_count) {
            return Err(Error::Interrupted);
        }
    }
    if !d.complete {
        d.complete = true;
    }
    state::save(&path, &d)?;
    report.sent = sent_count;
    Ok(report)
}

/// Every wiring step of a plan (for callers that list them).
pub fn wiring_ids(plan: &Plan) -> Vec<String> {
    plan.wiring.iter().map(Wire::id).collect()
}
