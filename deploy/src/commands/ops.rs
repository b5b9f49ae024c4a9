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
use crate::salts;
use crate::state::{self, Addresses};

/// The contracts of the connected chain's deployment.
pub fn addresses(conn: &Conn, deployments_dir: &Path) -> Result<Addresses> {
    let path = state::path_for(deployments_dir, conn.chain_id);
    let d = state::load(&path)?.ok_or_else(|| Error::NoDeployment {
        chain_id: conn.chain_id,
        path: path.clone(),
    })?;
    if !d.complete {
        return Err(Error::State {
            path,
            detail: "the deployment is not complete: rerun `labelchain deploy` to finish it".into(),
        });
    }
    d.addresses().ok_or(Error::NoDeployment {
        chain_id: conn.chain_id,
        path,
    })
}

/// A task's terms, decoded from the registry's packed words
/// (`labelchain_protocol::TaskTerms` layout, big-endian, fields in declaration order).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskView {
    pub id: u64,
    pub requester: Address,
    pub item_count: u32,
    pub num_classes: u16,
    pub labellers_per_item: u8,
    pub min_tier: u8,
    /// 0 none, 1 open, 2 cancelled.
    pub status: u8,
    pub threshold_bps: u16,
    pub payment_token: Address,
    pub audit_rate_bps: u16,
    pub fee_bps: u16,
    pub slash_bps: u16,
    pub no_reveal_slash_bps: u16,
    pub slash_burn_bps: u16,
    pub auditor_share_bps: u16,
    pub commit_end: u64,
    pub reveal_end: u64,
    pub audit_window: u64,
    pub paused: bool,
    pub reward_per_label: U256,
    pub stake_per_label: U256,
    pub data_root: B256,
    /// From the verifier: commits, open items, final items, labels digest.
    pub commits: u32,
    pub open_items: u32,
    pub final_items: u32,
    pub labels_digest: B256,
    /// Escrowed bounty left.
    pub bounty_remaining: U256,
    /// Most LBL (wei) one accepted item may emit: the item's fee share times the payment
    /// token's `emissionRate` when the task was created (DESIGN §3).
    pub emission_cap: U256,
}

struct Take([u8; 32], usize);

impl Take {
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        out.copy_from_slice(&self.0[self.1..self.1 + N]);
        self.1 += N;
        out
    }
    fn address(&mut self) -> Address {
        Address::from(self.bytes::<20>())
    }
    fn u8(&mut self) -> u8 {
        self.bytes::<1>()[0]
    }
    fn u16(&mut self) -> u16 {
        u16::from_be_bytes(self.bytes())
    }
    fn u32(&mut self) -> u32 {
        u32::from_be_bytes(self.bytes())
    }
    fn u64(&mut self) -> u64 {
        u64::from_be_bytes(self.bytes())
    }
}

/// Unpacks `terms(task)`'s three words into a [`TaskView`] (the verifier-side fields
/// are left at zero).
pub fn unpack(id: u64, w: [U256; 3], reward: U256, stake: U256) -> TaskView {
    let mut a = Take(w[0].to_be_bytes(), 0);
    let mut b = Take(w[1].to_be_bytes(), 0);
    let mut c = Take(w[2].to_be_bytes(), 0);
    TaskView {
        id,
        requester: a.address(),
        item_count: a.u32(),
        num_classes: a.u16(),
        labellers_per_item: a.u8(),
        min_tier: a.u8(),
        status: a.u8(),
        threshold_bps: a.u16(),
        payment_token: b.address(),
        audit_rate_bps: b.u16(),
        fee_bps: b.u16(),
        slash_bps: b.u16(),
        no_reveal_slash_bps: b.u16(),
        slash_burn_bps: b.u16(),
        auditor_share_bps: b.u16(),
        commit_end: c.u64(),
        reveal_end: c.u64(),
        audit_window: c.u64(),
        paused: {
            let _standard = c.u16();
            let _strong = c.u16();
            let _audited = c.u16();
            c.u8() != 0
        },
        reward_per_label: reward,
        stake_per_label: stake,
        ..TaskView::default()
    }
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
    let reg = ITaskRegistry::new(a.registry, conn.provider.clone());
    let t = reg
        .terms(task)
        .call()
        .await
        .map_err(|e| contract_error(conn, what, e))?;
    let mut v = unpack(task, [t._0, t._1, t._2], t._3, t._4);
    v.emission_cap = t._5;
    v.data_root = reg
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
    Ok(v)
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

pub async fn task_create(conn: &Conn, a: &Addresses, s: &TaskSpec) -> Result<Created> {
    let reg = ITaskRegistry::new(a.registry, conn.provider.clone());
    let params = reg
        .params()
        .call()
        .await
        .map_err(|e| contract_error(conn, "TaskRegistry.params", e))?;
    let token = s.payment_token.unwrap_or(a.token);
    let bounty = U256::from(s.items) * U256::from(s.k) * s.reward;
    let fee = bounty * U256::from(params._0) / U256::from(10_000u64);
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
        // Validate before the salt file is written: a label the task cannot accept.
        let t = task_show(conn, a, task).await?;
        if u16::from(label) >= t.num_classes {
            return Err(Error::Config(format!(
                "label {label} is not a class of task {task} (0..{})",
                t.num_classes
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
    /// 0 Bronze, 1 Silver, 2 Gold.
    pub tier: u8,
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
        tier: rep._2,
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

/// `getItem(task, item)`: `(status, commits, reveals, label, tier, votes, auditDeadline)`.
pub async fn item(
    conn: &Conn,
    a: &Addresses,
    task: u64,
    item: u32,
) -> Result<(u8, u8, u8, u8, u8, u8, u64)> {
    let r = IConsensusVerifier::new(a.verifier, conn.provider.clone())
        .getItem(task, item)
        .call()
        .await
        .map_err(|e| contract_error(conn, "getItem", e))?;
    Ok((r._0, r._1, r._2, r._3, r._4, r._5, r._6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacks_the_protocol_layout() {
        // word0: requester(20) itemCount(4) numClasses(2) k(1) minTier(1) status(1) threshold(2)
        let mut w0 = [0u8; 32];
        w0[..20].copy_from_slice(&[0x11; 20]);
        w0[20..24].copy_from_slice(&4u32.to_be_bytes());
        w0[24..26].copy_from_slice(&3u16.to_be_bytes());
        w0[26] = 3;
        w0[27] = 1;
        w0[28] = 1;
        w0[29..31].copy_from_slice(&6000u16.to_be_bytes());
        let mut w2 = [0u8; 32];
        w2[..8].copy_from_slice(&100u64.to_be_bytes());
        w2[8..16].copy_from_slice(&200u64.to_be_bytes());
        w2[30] = 1;
        let v = unpack(
            7,
            [U256::from_be_bytes(w0), U256::ZERO, U256::from_be_bytes(w2)],
            U256::from(2),
            U256::from(10),
        );
        assert_eq!(v.requester, Address::repeat_byte(0x11));
        assert_eq!(
            (
                v.item_count,
                v.num_classes,
                v.labellers_per_item,
                v.min_tier,
                v.status,
                v.threshold_bps
            ),
            (4, 3, 3, 1, 1, 6000)
        );
        assert_eq!((v.commit_end, v.reveal_end, v.paused), (100, 200, true));
    }
}
