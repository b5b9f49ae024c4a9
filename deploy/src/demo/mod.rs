//! The demo `labelchain up` seeds on a dev chain: a funded requester, three labellers
//! with stake, and one task over six pictures ([`items`]: circles, squares, triangles)
//! with their manifest and class names, all from deterministic demo keys (printed so a
//! person can act as any of them). Idempotent: a seeded demo is recorded in the
//! deployments file and found again on chain. [`play`] has the demo labellers label it.

pub mod items;
pub mod play;

use std::path::Path;

use alloy::network::TransactionBuilder;
use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;

use crate::bindings::{IRewardToken, IStakingEscrow, ITaskRegistry};
use crate::chain::{contract_error, Conn};
use crate::commands::ops::{self, TaskSpec};
use crate::error::Result;
use crate::manifest::merkle;
use crate::manifest::metadata::TaskMetadata;
use crate::plan::lbl;
use crate::progress::{Outcome, Progress};
use crate::state::{self, Addresses, DemoRecord};

pub const LABELLERS: usize = 3;
pub const STAKE_LBL: u64 = 100;

/// The demo's keys: `keccak256("labelchain demo <role>")`.
pub fn key(role: &str) -> PrivateKeySigner {
    let k = keccak256(format!("labelchain demo {role}"));
    PrivateKeySigner::from_bytes(&k).expect("a hash is a valid key")
}

pub fn requester() -> PrivateKeySigner {
    key("requester")
}

pub fn labellers() -> Vec<PrivateKeySigner> {
    (1..=LABELLERS)
        .map(|i| key(&format!("labeller {i}")))
        .collect()
}

pub fn key_hex(s: &PrivateKeySigner) -> String {
    format!("0x{}", alloy::hex::encode(s.to_bytes()))
}

/// A placeholder `dataRoot` for tasks created without a manifest (`task create` with
/// neither `--manifest` nor `--data-root`, and older demos): item `i`'s content hash is
/// `keccak256("demo item i")`, with no files behind it, in the manifest's tree ([`merkle`]).
pub fn data_root(items: u32) -> B256 {
    let leaves: Vec<B256> = (0..items)
        .map(|i| merkle::leaf(i.into(), keccak256(format!("demo item {i}"))))
        .collect();
    merkle::Tree::new(&leaves).map_or(B256::ZERO, |t| t.root())
}

async fn fund_eth(admin: &Conn, to: Address) -> Result<()> {
    let want = U256::from(10u64).pow(U256::from(18));
    if admin.balance(to).await? >= want {
        return Ok(());
    }
    let tx = TransactionRequest::default()
        .with_to(to)
        .with_value(want * U256::from(10u8));
    admin.send("funding a demo account with ETH", tx).await?;
    Ok(())
}

async fn fund_lbl(admin: &Conn, token: Address, to: Address, amount: U256) -> Result<()> {
    let t = IRewardToken::new(token, admin.provider.clone());
    let have = t
        .balanceOf(to)
        .call()
        .await
        .map_err(|e| contract_error(admin, "balanceOf", e))?;
    if have >= amount {
        return Ok(());
    }
    admin
        .send(
            "giving a demo account LBL",
            t.transfer(to, amount - have).into_transaction_request(),
        )
        .await?;
    Ok(())
}

/// Seeds the demo with `admin` (the treasury, which holds the genesis LBL).
pub async fn seed(
    admin: &Conn,
    deployments_dir: &Path,
    progress: &dyn Progress,
) -> Result<DemoRecord> {
    let (path, mut d, a) = state::load_deployed(deployments_dir, admin.chain_id)?;
    let written = items::write(deployments_dir)?;
    if let Some(demo) = &d.demo {
        if seeded(admin, &a, demo).await? {
            progress.finish(
                "demo",
                Outcome::Skipped(format!("task {} already seeded", demo.task)),
            );
            return Ok(demo.clone());
        }
    }
    let requester = requester();
    let labellers = labellers();
    fund_accounts(admin, &a, &requester, &labellers, progress).await?;
    stake_labellers(admin, &a, &labellers, progress).await?;

    progress.start("demo: the requester creates a task");
    let created = ops::task_create(
        &admin.with_signer(requester.clone())?,
        &a,
        &demo_task(&written),
    )
    .await?;
    progress.finish(
        "demo: the requester creates a task",
        Outcome::Done(format!("task {} (tx {})", created.task, created.tx.tx_hash)),
    );
    let demo = DemoRecord {
        task: created.task,
        requester: requester.address(),
        labellers: labellers.iter().map(PrivateKeySigner::address).collect(),
        items: items::COUNT,
        manifest: Some(written.manifest.clone()),
    };
    d.demo = Some(demo.clone());
    state::save(&path, &d)?;
    Ok(demo)
}

/// Whether the recorded demo's task exists on this chain (a state file may be older).
async fn seeded(admin: &Conn, a: &Addresses, demo: &DemoRecord) -> Result<bool> {
    let count = ITaskRegistry::new(a.registry, admin.provider.clone())
        .taskCount()
        .call()
        .await
        .map_err(|e| contract_error(admin, "taskCount", e))?;
    Ok(demo.task <= count)
}

async fn fund_accounts(
    admin: &Conn,
    a: &Addresses,
    requester: &PrivateKeySigner,
    labellers: &[PrivateKeySigner],
    progress: &dyn Progress,
) -> Result<()> {
    progress.start("demo: funding a requester and three labellers");
    for s in std::iter::once(requester).chain(labellers) {
        fund_eth(admin, s.address()).await?;
    }
    fund_lbl(admin, a.token, requester.address(), lbl(1_000)).await?;
    for l in labellers {
        fund_lbl(admin, a.token, l.address(), lbl(500)).await?;
    }
    progress.finish(
        "demo: funding a requester and three labellers",
        Outcome::Done("10 ETH each; 1000 LBL requester, 500 LBL per labeller".into()),
    );
    Ok(())
}

/// Tops each labeller's free stake up to `STAKE_LBL`.
async fn stake_labellers(
    admin: &Conn,
    a: &Addresses,
    labellers: &[PrivateKeySigner],
    progress: &dyn Progress,
) -> Result<()> {
    progress.start("demo: labellers stake 100 LBL each");
    for l in labellers {
        let conn = admin.with_signer(l.clone())?;
        let free = IStakingEscrow::new(a.escrow, conn.provider.clone())
            .stakeOf(l.address())
            .call()
            .await
            .map_err(|e| contract_error(&conn, "stakeOf", e))?
            ._0;
        if free < lbl(STAKE_LBL) {
            ops::stake(&conn, a, lbl(STAKE_LBL) - free).await?;
        }
    }
    progress.finish(
        "demo: labellers stake 100 LBL each",
        Outcome::Done("staked".into()),
    );
    Ok(())
}

/// The demo task: the [`items`], three classes, three labellers each, paid in LBL; its
/// metadata names the classes and where the manifest is served.
fn demo_task(written: &items::DemoItems) -> TaskSpec {
    let metadata = TaskMetadata {
        classes: items::CLASSES.iter().map(|c| c.to_string()).collect(),
        manifest_sha256: Some(alloy::hex::encode(written.manifest_sha256)),
        manifest_uri: Some(items::MANIFEST_URI.into()),
    };
    TaskSpec {
        data_root: written.data_root,
        items: items::COUNT,
        classes: items::CLASSES.len() as u16,
        k: 3,
        threshold_bps: 6_000,
        payment_token: None,
        reward: lbl(2),
        stake: lbl(10),
        commit_secs: 3_600,
        reveal_secs: 3_600,
        audit_rate_bps: 0,
        min_tier: 0,
        metadata_uri: metadata.to_uri(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_keys_are_distinct_and_stable() {
        let mut all: Vec<Address> = labellers().iter().map(|s| s.address()).collect();
        all.push(requester().address());
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 4);
        assert_eq!(requester().address(), requester().address());
    }

    /// Pinned from the demo's tree before it moved into `manifest::merkle`: seeded demo
    /// tasks on existing chains keep their root.
    #[test]
    fn the_demo_root_is_unchanged() {
        let want: B256 = "0x1266ffe677b86f3b052150a8953b1f2bba319736eb36e400cb5b33e9ff7feb59"
            .parse()
            .expect("hex");
        assert_eq!(data_root(4), want);
    }
}
