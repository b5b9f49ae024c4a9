//! Operating the protocol: tasks, stake, commit–reveal, finality, audits, claims and a
//! status overview. Every command resolves the contracts from the deployments file of
//! the chain it is connected to; reverts come back decoded ([`crate::errors`]).

use std::path::Path;

use alloy::primitives::{Address, B256, U256};
use alloy::sol_types::SolEvent;
use serde::Serialize;

use crate::bindings::{IConsensusVerifier, IRewardToken, IStakingEscrow, ITaskRegistry};
use crate::chain::{contract_error, Conn, Sent};
use crate::error::{Error, Result};
use crate::manifest::metadata::TaskMetadata;
use crate::protocol::{Item, ProtocolParams, TaskTerms, Tier};
use crate::salts;
use crate::state::{self, Addresses};

/// The contracts of the connected chain's deployment.
pub fn addresses(conn: &Conn, deployments_dir: &Path) -> Result<Addresses> {
    let (path, d, a) = state::load_deployed(deployments_dir, conn.chain_id)?;
    if !d.complete {
        return Err(Error::State {
            path,
            detail: "the deployment is not complete: rerun `labelchain deploy` to finish it".into(),
        });
    }
    Ok(a)
}

/// A task's terms ([`TaskTerms`]) and progress, as `task show` prints them. The terms are
/// flattened so that `--json` lists their fields next to the progress ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskView {
    pub id: u64,
    #[serde(flatten)]
    pub terms: TaskTerms,
    pub data_root: B256,
    /// From the verifier: commits, open items, final items, labels digest.
    pub commits: u32,
    pub open_items: u32,
    pub final_items: u32,
    pub labels_digest: B256,
    /// Escrowed bounty left.
    pub bounty_remaining: U256,
    /// From the `TaskCreated` event (the registry does not store it); `None` when the RPC
    /// would not return the event even in small pages, with a warning.
    pub metadata_uri: Option<String>,
    /// Label `i`'s name, when the metadata URI is a [`TaskMetadata`] data URI with names.
    pub class_names: Vec<String>,
}

impl TaskView {
    /// The terms; the verifier's and the escrow's fields are left at zero.
    fn from_terms(id: u64, terms: TaskTerms) -> Self {
        TaskView {
            id,
            terms,
            data_root: B256::ZERO,
            commits: 0,
            open_items: 0,
            final_items: 0,
            labels_digest: B256::ZERO,
            bounty_remaining: U256::ZERO,
            metadata_uri: None,
            class_names: Vec::new(),
        }
    }
}

/// The registry's `terms(task)`, decoded (one call; no check that the task exists).
pub async fn terms(conn: &Conn, a: &Addresses, task: u64) -> Result<TaskTerms> {
    let what = "reading the task";
    let t = ITaskRegistry::new(a.registry, conn.provider.clone())
        .terms(task)
        .call()
        .await
        .map_err(|e| contract_error(conn, what, e))?;
    TaskTerms::decode([t._0, t._1, t._2, t._3, t._4, t._5]).map_err(Error::unknown_code(what))
}

/// Fails with [`Error::UnknownTask`] unless `task` is a created task id.
pub async fn ensure_task(conn: &Conn, a: &Addresses, task: u64) -> Result<()> {
    let count = ITaskRegistry::new(a.registry, conn.provider.clone())
        .taskCount()
        .call()
        .await
        .map_err(|e| contract_error(conn, "TaskRegistry.taskCount", e))?;
    if task == 0 || task > count {
        return Err(Error::UnknownTask { task, count });
    }
    Ok(())
}

pub async fn task_show(conn: &Conn, a: &Addresses, task: u64) -> Result<TaskView> {
    ensure_task(conn, a, task).await?;
    let what = "reading the task";
    let mut v = TaskView::from_terms(task, terms(conn, a, task).await?);
    v.data_root = ITaskRegistry::new(a.registry, conn.provider.clone())
        .dataRoot(task)
        .call()
        .await
        .map_err(|e| contract_error(conn, what, e))?;
    let p = IConsensusVerifier::new(a.verifier, conn.provider.clone())
        .taskProgress(task)
        .call()
        .await
        .map_err(|e| contract_error(conn, what, e))?;
    (v.commits, v.open_items, v.final_items, v.labels_digest) = (p._0, p._1, p._2, p._3);
    let b = IStakingEscrow::new(a.escrow, conn.provider.clone())
        .bountyOf(task)
        .call()
        .await
        .map_err(|e| contract_error(conn, what, e))?;
    v.bounty_remaining = b._2;
    match metadata_uri(conn, a, task).await {
        Ok(uri) => {
            v.class_names = TaskMetadata::from_uri(&uri)
                .map(|m| m.classes)
                .unwrap_or_default();
            v.metadata_uri = Some(uri);
        }
        // The terms and progress above are still right; only the metadata is missing.
        Err(e) => tracing::warn!("task {task}: metadata not shown: {e}"),
    }
    Ok(v)
}

/// The `metadataURI` of `task`'s `TaskCreated` event (the task is indexed, topic 1), read
/// from the deployment's first block with the paged reader: RPCs that cap `eth_getLogs`
/// ranges still answer.
async fn metadata_uri(conn: &Conn, a: &Addresses, task: u64) -> Result<String> {
    let filter = alloy::rpc::types::Filter::new()
        .address(a.registry)
        .event_signature(ITaskRegistry::TaskCreated::SIGNATURE_HASH)
        .topic1(B256::from(U256::from(task)));
    let head = crate::history::head(conn).await?;
    let opts = crate::history::LogOptions::default();
    let logs =
        crate::history::logs::fetch(conn, &filter, a.deployed_at, head, &opts, &mut |_| {}).await?;
    logs.iter()
        .find_map(|l| ITaskRegistry::TaskCreated::decode_log(&l.inner).ok())
        .map(|e| e.data.metadataURI)
        .ok_or_else(|| {
            Error::rpc(
                "reading the TaskCreated event",
                format!("no event for task {task}"),
            )
        })
}

/// `createTask` arguments.
#[derive(Clone, Debug)]
pub struct TaskSpec {
    pub data_root: B256,
    pub items: u32,
    pub classes: u16,
    pub k: u8,
    pub threshold_bps: u16,
    /// `None`: LBL.
    pub payment_token: Option<Address>,
    pub reward: U256,
    pub stake: U256,
    pub commit_secs: u64,
    pub reveal_secs: u64,
    pub audit_rate_bps: u16,
    pub min_tier: u8,
    pub metadata_uri: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Created {
    pub task: u64,
    pub bounty: U256,
    pub fee: U256,
    pub tx: Sent,
}

/// Decimals of an ERC-20 (the payment token of a task).
pub async fn decimals(conn: &Conn, token: Address) -> Result<u8> {
    IRewardToken::new(token, conn.provider.clone())
        .decimals()
        .call()
        .await
        .map_err(|e| contract_error(conn, "reading the token's decimals", e))
}

/// Approves `spender` for `amount` of `token` unless the allowance already covers it.
pub async fn ensure_allowance(
    conn: &Conn,
    token: Address,
    spender: Address,
    amount: U256,
) -> Result<Option<Sent>> {
    let from = conn.from()?;
    let t = IRewardToken::new(token, conn.provider.clone());
    let have = t
        .allowance(from, spender)
        .call()
        .await
        .map_err(|e| contract_error(conn, "reading the allowance", e))?;
    if have >= amount {
        return Ok(None);
    }
    let tx = t.approve(spender, amount).into_transaction_request();
    conn.send("approve", tx).await.map(Some)
}

/// The registry's protocol-wide parameters, by name.
pub async fn params(conn: &Conn, a: &Addresses) -> Result<ProtocolParams> {
    ITaskRegistry::new(a.registry, conn.provider.clone())
        .params()
        .call()
        .await
        .map(ProtocolParams::from)
        .map_err(|e| contract_error(conn, "TaskRegistry.params", e))
}

pub async fn task_create(conn: &Conn, a: &Addresses, s: &TaskSpec) -> Result<Created> {
    let reg = ITaskRegistry::new(a.registry, conn.provider.clone());
    let fee_bps = params(conn, a).await?.fee_bps;
    let token = s.payment_token.unwrap_or(a.token);
    let bounty = U256::from(s.items) * U256::from(s.k) * s.reward;
    let fee = bounty * U256::from(fee_bps) / U256::from(10_000u64);
    ensure_allowance(conn, token, a.escrow, bounty + fee).await?;
    let tx = reg
        .createTask(
            s.data_root,
            s.items,
            s.classes,
            s.k,
            s.threshold_bps,
            token,
            s.reward,
            s.stake,
            s.commit_secs,
            s.reveal_secs,
            s.audit_rate_bps,
            s.min_tier,
            s.metadata_uri.clone(),
        )
        .into_transaction_request();
    let sent = conn.send("createTask", tx).await?;
    let task = sent
        .logs
        .iter()
        .find_map(|l| ITaskRegistry::TaskCreated::decode_log(&l.inner).ok())
        .map(|e| e.task)
        .ok_or_else(|| Error::rpc("createTask", "no TaskCreated event in the receipt"))?;
    Ok(Created {
        task,
        bounty,
        fee,
        tx: sent,
    })
}

pub async fn task_cancel(conn: &Conn, a: &Addresses, task: u64) -> Result<Sent> {
    ensure_task(conn, a, task).await?;
    let tx = ITaskRegistry::new(a.registry, conn.provider.clone())
        .cancelTask(task)
        .into_transaction_request();
    conn.send("cancelTask", tx).await
}

pub async fn task_reclaim(conn: &Conn, a: &Addresses, task: u64) -> Result<Sent> {
    ensure_task(conn, a, task).await?;
    let tx = ITaskRegistry::new(a.registry, conn.provider.clone())
        .reclaim(task)
        .into_transaction_request();
    conn.send("reclaim", tx).await
}

pub async fn stake(conn: &Conn, a: &Addresses, amount: U256) -> Result<Sent> {
    ensure_allowance(conn, a.token, a.escrow, amount).await?;
    let tx = IStakingEscrow::new(a.escrow, conn.provider.clone())
        .stake(amount)
        .into_transaction_request();
    conn.send("stake", tx).await
}

pub async fn unstake(conn: &Conn, a: &Addresses, amount: U256) -> Result<Sent> {
    let tx = IStakingEscrow::new(a.escrow, conn.provider.clone())
        .unstake(amount)
        .into_transaction_request();
    conn.send("unstake", tx).await
}

pub async fn withdraw(conn: &Conn, a: &Addresses) -> Result<Sent> {
    let tx = IStakingEscrow::new(a.escrow, conn.provider.clone())
        .withdraw()
        .into_transaction_request();
    conn.send("withdraw", tx).await
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Committed {
    pub salt_file: std::path::PathBuf,
    pub commitment: B256,
    pub tx: Sent,
}

/// Commits `label`: the salt is generated and written to its own file first (refused if
/// one exists), then the commitment is sent. `resend` sends the recorded commitment of an
/// existing file again (after a failed send) without ever drawing a new salt.
pub async fn commit(
    conn: &Conn,
    a: &Addresses,
    salts_dir: &Path,
    task: u64,
    item: u32,
    label: Option<u8>,
    resend: bool,
) -> Result<Committed> {
    ensure_task(conn, a, task).await?;
    let who = conn.from()?;
    let path = salts::path(salts_dir, conn.chain_id, a.verifier, task, item, who);
    let record = if resend {
        salts::read(&path)?.ok_or(Error::NoSalt {
            task,
            item,
            labeller: who,
            path: path.clone(),
        })?
    } else {
        let label = label.ok_or_else(|| Error::Config("commit needs --label".into()))?;
        // Validate before the salt file is written: a label the task cannot accept. The
        // terms alone say it (one call; the task's existence is checked above).
        let num_classes = terms(conn, a, task).await?.num_classes;
        if u16::from(label) >= num_classes {
            return Err(Error::Config(format!(
                "label {label} is not a class of task {task} (0..{num_classes})"
            )));
        }
        salts::create(salts_dir, conn.chain_id, a.verifier, task, item, who, label)?.1
    };
    let tx = IConsensusVerifier::new(a.verifier, conn.provider.clone())
        .commit(task, item, record.commitment)
        .into_transaction_request();
    let sent = conn.send("commit", tx).await?;
    Ok(Committed {
        salt_file: path,
        commitment: record.commitment,
        tx: sent,
    })
}

pub async fn reveal(
    conn: &Conn,
    a: &Addresses,
    salts_dir: &Path,
    task: u64,
    item: u32,
) -> Result<Sent> {
    ensure_task(conn, a, task).await?;
    let who = conn.from()?;
    let path = salts::path(salts_dir, conn.chain_id, a.verifier, task, item, who);
    let r = salts::read(&path)?.ok_or(Error::NoSalt {
        task,
        item,
        labeller: who,
        path: path.clone(),
    })?;
    let tx = IConsensusVerifier::new(a.verifier, conn.provider.clone())
        .reveal(task, item, r.label, r.salt)
        .into_transaction_request();
    conn.send("reveal", tx).await
}

pub async fn finalize(conn: &Conn, a: &Addresses, task: u64, item: u32) -> Result<Sent> {
    ensure_task(conn, a, task).await?;
    let tx = IConsensusVerifier::new(a.verifier, conn.provider.clone())
        .finalize(task, item)
        .into_transaction_request();
    conn.send("finalize", tx).await
}

pub async fn audit(conn: &Conn, a: &Addresses, task: u64, item: u32, label: u8) -> Result<Sent> {
    ensure_task(conn, a, task).await?;
    let tx = IConsensusVerifier::new(a.verifier, conn.provider.clone())
        .audit(task, item, label)
        .into_transaction_request();
    conn.send("audit", tx).await
}

/// `setEmissionRate(token, rate)` (registry owner): `rate` is a WAD of LBL wei per unit.
pub async fn set_emission_rate(
    conn: &Conn,
    a: &Addresses,
    token: Address,
    rate: U256,
) -> Result<Sent> {
    let tx = ITaskRegistry::new(a.registry, conn.provider.clone())
        .setEmissionRate(token, rate)
        .into_transaction_request();
    conn.send("setEmissionRate", tx).await
}

pub async fn claim(conn: &Conn, a: &Addresses, token: Option<Address>) -> Result<Sent> {
    let tx = IStakingEscrow::new(a.escrow, conn.provider.clone())
        .claim(token.unwrap_or(a.token))
        .into_transaction_request();
    conn.send("claim", tx).await
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub account: Address,
    pub eth: U256,
    pub lbl: U256,
    pub stake_free: U256,
    pub stake_locked: U256,
    pub unbonding: U256,
    pub unbonding_ends: u64,
    pub agreed: u64,
    pub total: u64,
    pub tier: Tier,
    pub claimable_lbl: U256,
    pub tasks: u64,
    pub is_auditor: bool,
}

pub async fn status(conn: &Conn, a: &Addresses, who: Address) -> Result<Status> {
    let what = "reading the status";
    let err = |e| contract_error(conn, what, e);
    let p = conn.provider.clone();
    let stake = IStakingEscrow::new(a.escrow, p.clone())
        .stakeOf(who)
        .call()
        .await
        .map_err(err)?;
    let rep = IConsensusVerifier::new(a.verifier, p.clone())
        .reputation(who)
        .call()
        .await
        .map_err(err)?;
    Ok(Status {
        account: who,
        eth: conn.balance(who).await?,
        lbl: IRewardToken::new(a.token, p.clone())
            .balanceOf(who)
            .call()
            .await
            .map_err(err)?,
        stake_free: stake._0,
        stake_locked: stake._1,
        unbonding: stake._2,
        unbonding_ends: stake._3,
        agreed: rep._0,
        total: rep._1,
        tier: Tier::try_from(rep._2).map_err(Error::unknown_code(what))?,
        claimable_lbl: IStakingEscrow::new(a.escrow, p.clone())
            .claimable(a.token, who)
            .call()
            .await
            .map_err(err)?,
        tasks: ITaskRegistry::new(a.registry, p.clone())
            .taskCount()
            .call()
            .await
            .map_err(err)?,
        is_auditor: IConsensusVerifier::new(a.verifier, p)
            .isAuditor(who)
            .call()
            .await
            .map_err(err)?,
    })
}

/// `getItem(task, item)`, decoded.
pub async fn item(conn: &Conn, a: &Addresses, task: u64, item: u32) -> Result<Item> {
    let what = "getItem";
    let r = IConsensusVerifier::new(a.verifier, conn.provider.clone())
        .getItem(task, item)
        .call()
        .await
        .map_err(|e| contract_error(conn, what, e))?;
    Item::decode((r._0, r._1, r._2, r._3, r._4, r._5, r._6)).map_err(Error::unknown_code(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys `task show --json` prints (scripts read them): the 28 from before the view
    /// held [`TaskTerms`], and the metadata ones added with item manifests.
    const TASK_SHOW_KEYS: [&str; 30] = [
        "id",
        "requester",
        "itemCount",
        "numClasses",
        "labellersPerItem",
        "minTier",
        "status",
        "thresholdBps",
        "paymentToken",
        "auditRateBps",
        "feeBps",
        "slashBps",
        "noRevealSlashBps",
        "slashBurnBps",
        "auditorShareBps",
        "commitEnd",
        "revealEnd",
        "auditWindow",
        "paused",
        "rewardPerLabel",
        "stakePerLabel",
        "dataRoot",
        "commits",
        "openItems",
        "finalItems",
        "labelsDigest",
        "bountyRemaining",
        "emissionCap",
        // Added with item manifests (from the TaskCreated event).
        "metadataUri",
        "classNames",
    ];

    #[test]
    fn task_show_json_keeps_its_keys_and_adds_the_metadata() {
        let terms = TaskTerms::decode([U256::ZERO; 6]).expect("zero codes are valid");
        let json = serde_json::to_value(TaskView::from_terms(7, terms)).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = TASK_SHOW_KEYS.to_vec();
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(json["id"], 7);
    }
}
