//! The protocol's user-facing calls, sent for real and recorded: one task's whole
//! lifecycle at k (single calls and batches), a cancelled and a reclaimed task, and the
//! staking round trip.

use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use alloy::signers::SignerSync;
use alloy::sol_types::{eip712_domain, SolStruct, SolValue};
use e2e::Permit;
use labelchain::bindings::{
    IConsensusVerifier, IDatasetRegistry, IRewardToken, IStakingEscrow, ITaskRegistry,
};
use labelchain::chain::{Conn, Sent};

use crate::gas::{send, Gas, Sample};
use crate::support::{key, lbl, Env};

pub const KS: [u8; 3] = [3, 5, 7];
/// Items 0..SINGLE are labelled with single calls (the last of them escalated, the rest
/// accepted); items SINGLE..ITEMS with one batch call per labeller.
pub const SINGLE: u32 = 4;
pub const ITEMS: u32 = 8;
pub const BATCH: u32 = ITEMS - SINGLE;
/// The escalated item: its labellers all vote differently.
pub const ESCALATED: u32 = SINGLE - 1;
const WINDOW: u64 = 3_600;
/// The published dataset's URI (its length sets how many slots publishDataset creates).
pub const DATASET_URI: &str = "ipfs://labelchain-gas-report/data";

fn commitment(
    chain: u64,
    verifier: Address,
    task: u64,
    item: u32,
    who: Address,
    label: u8,
    salt: B256,
) -> B256 {
    keccak256(
        (
            U256::from(chain),
            verifier,
            U256::from(task),
            U256::from(item),
            who,
            U256::from(label),
            salt,
        )
            .abi_encode(),
    )
}

fn salt(task: u64, item: u32, who: Address) -> B256 {
    keccak256((U256::from(task), U256::from(item), who).abi_encode())
}

/// Labeller `j`'s vote on `item`: the escalated item splits the votes, the others agree.
fn label(item: u32, j: usize) -> u8 {
    if item == ESCALATED {
        j as u8
    } else {
        1
    }
}

/// Approves the escrow for `amount` from `c` (not measured) and stakes it (measured).
async fn stake(env: &Env, c: &Conn, amount: U256) -> Sample {
    let t = IRewardToken::new(env.addrs.token, c.provider.clone());
    let approve = t
        .approve(env.addrs.escrow, amount)
        .into_transaction_request();
    send(c, "approve", approve).await;
    let e = IStakingEscrow::new(env.addrs.escrow, c.provider.clone());
    send(c, "stake", e.stake(amount).into_transaction_request())
        .await
        .1
}

/// The accounts and the record of one measured run.
pub struct Ctx<'a> {
    pub env: &'a Env,
    requester: (PrivateKeySigner, Conn),
    labellers: Vec<(PrivateKeySigner, Conn)>,
    auditor: Conn,
    pub gas: Gas,
}

impl<'a> Ctx<'a> {
    /// Funds the requester and the labellers, then the auditor, in that order (so every
    /// run's accounts and nonces line up); every labeller stakes ("stake (first)").
    pub async fn new(env: &'a Env) -> Ctx<'a> {
        let requester_key = key("gas requester");
        let requester = env.user(&requester_key).await;
        env.give_lbl(requester_key.address(), lbl(10_000)).await;
        let mut gas = Gas::default();
        let mut labellers = vec![];
        for i in 0..KS[KS.len() - 1] {
            let k = key(&format!("gas labeller {i}"));
            let c = env.user(&k).await;
            env.give_lbl(k.address(), lbl(1_000)).await;
            gas.add("stake (first)", 0, stake(env, &c, lbl(500)).await);
            labellers.push((k, c));
        }
        let auditor = env.user(&crate::support::auditor()).await;
        Ctx {
            env,
            requester: (requester_key, requester),
            labellers,
            auditor,
            gas,
        }
    }

    fn a(&self) -> &labelchain::state::Addresses {
        &self.env.addrs
    }

    /// Sends `tx` from `conn` and records it as `name` at `k`.
    async fn record(&mut self, name: &str, k: u8, conn: &Conn, tx: TransactionRequest) -> Sent {
        let (sent, sample) = send(conn, name, tx).await;
        self.gas.add(name, k, sample);
        sent
    }

    fn create_args(&self, k: u8) -> ITaskRegistry::createTaskCall {
        ITaskRegistry::createTaskCall {
            data_root: keccak256(format!("gas report k={k}")),
            item_count: ITEMS,
            num_classes: 8,
            labellers_per_item: k,
            threshold_bps: 6_000,
            payment_token: self.a().token,
            reward_per_label: lbl(1),
            stake_per_label: lbl(2),
            commit_duration: WINDOW,
            reveal_duration: WINDOW,
            audit_rate_bps: 0,
            min_tier: 0,
            metadata_uri: "ipfs://labelchain-gas-report/task.json".into(),
        }
    }

    async fn bounty_plus_fee(&self, k: u8) -> U256 {
        let fee_bps = labelchain::commands::ops::params(&self.env.admin, self.a())
            .await
            .expect("params")
            .fee_bps;
        let bounty = U256::from(ITEMS) * U256::from(k) * lbl(1);
        bounty + bounty * U256::from(fee_bps) / U256::from(10_000)
    }

    /// createTask after an approve; returns the task.
    pub async fn create(&mut self, k: u8) -> u64 {
        let conn = self.requester.1.clone();
        let amount = self.bounty_plus_fee(k).await;
        let token = IRewardToken::new(self.a().token, conn.provider.clone());
        let approve = token.approve(self.a().escrow, amount);
        let name = "approve (escrow, requester)";
        self.record(name, 0, &conn, approve.into_transaction_request())
            .await;
        let reg = ITaskRegistry::new(self.a().registry, conn.provider.clone());
        let c = self.create_args(k);
        let tx = reg
            .createTask(
                c.data_root,
                c.item_count,
                c.num_classes,
                c.labellers_per_item,
                c.threshold_bps,
                c.payment_token,
                c.reward_per_label,
                c.stake_per_label,
                c.commit_duration,
                c.reveal_duration,
                c.audit_rate_bps,
                c.min_tier,
                c.metadata_uri,
            )
            .into_transaction_request();
        e2e::task_created(&self.record("createTask", k, &conn, tx).await)
    }

    /// The requester's EIP-2612 permit for the escrow to pull `amount`: `(deadline, v, r, s)`.
    async fn permit(&self, amount: U256) -> (U256, u8, B256, B256) {
        let (signer, conn) = &self.requester;
        let token = IRewardToken::new(self.a().token, conn.provider.clone());
        let nonce = token.nonces(signer.address()).call().await.expect("nonce");
        let deadline = U256::from(u64::MAX);
        let domain = eip712_domain! {
            name: "Labelchain Reward",
            version: "1",
            chain_id: conn.chain_id,
            verifying_contract: self.a().token,
        };
        let permit = Permit {
            owner: signer.address(),
            spender: self.a().escrow,
            value: amount,
            nonce,
            deadline,
        };
        let sig = signer
            .sign_hash_sync(&permit.eip712_signing_hash(&domain))
            .expect("signs");
        let v = 27 + u8::from(sig.v());
        (deadline, v, B256::from(sig.r()), B256::from(sig.s()))
    }

    /// createTaskWithPermit (no approve); returns the task.
    pub async fn create_with_permit(&mut self, k: u8) -> u64 {
        let conn = self.requester.1.clone();
        let (deadline, v, r, s) = self.permit(self.bounty_plus_fee(k).await).await;
        let reg = ITaskRegistry::new(self.a().registry, conn.provider.clone());
        let c = self.create_args(k);
        let tx = reg
            .createTaskWithPermit(
                c.data_root,
                c.item_count,
                c.num_classes,
                c.labellers_per_item,
                c.threshold_bps,
                c.payment_token,
                c.reward_per_label,
                c.stake_per_label,
                c.commit_duration,
                c.reveal_duration,
                c.audit_rate_bps,
                c.min_tier,
                c.metadata_uri,
                deadline,
                v,
                r,
                s,
            )
            .into_transaction_request();
        let sent = self.record("createTaskWithPermit", k, &conn, tx).await;
        let token = IRewardToken::new(self.a().token, conn.provider.clone());
        let left = token.allowance(self.requester.0.address(), self.a().escrow);
        assert_eq!(
            left.call().await.expect("allowance"),
            U256::ZERO,
            "the permit was used"
        );
        e2e::task_created(&sent)
    }

    /// The first k labellers, as `(address, connection)`.
    fn panel(&self, k: u8) -> Vec<(Address, Conn)> {
        self.labellers[..k as usize]
            .iter()
            .map(|(s, c)| (s.address(), c.clone()))
            .collect()
    }

    /// The whole lifecycle of one task at k.
    pub async fn lifecycle(&mut self, k: u8) {
        let task = self.create(k).await;
        let panel = self.panel(k);
        self.commit_all(task, k, &panel).await;
        self.env.admin.advance(WINDOW + 1).await.expect("advance");
        self.reveal_all(task, k, &panel).await;
        self.finalize_all(task, k).await;
        self.audit_escalated(task, k).await;
        // Labeller 0 claims everything it earned in this task (LBL: rewards + emission).
        let (_, c0) = &panel[0];
        let e = IStakingEscrow::new(self.a().escrow, c0.provider.clone());
        let tx = e.claim(self.a().token).into_transaction_request();
        self.record("claim", k, c0, tx).await;
        self.publish(task, k).await;
    }

    /// Items 0..SINGLE by single commits, the rest by one commitBatch per labeller.
    async fn commit_all(&mut self, task: u64, k: u8, panel: &[(Address, Conn)]) {
        let (chain, verifier) = (self.env.admin.chain_id, self.a().verifier);
        let hash = |item, who, j| {
            commitment(
                chain,
                verifier,
                task,
                item,
                who,
                label(item, j),
                salt(task, item, who),
            )
        };
        for item in 0..SINGLE {
            for (j, (who, conn)) in panel.iter().enumerate() {
                let v = IConsensusVerifier::new(verifier, conn.provider.clone());
                let tx = v.commit(task, item, hash(item, *who, j));
                self.record("commit", k, conn, tx.into_transaction_request())
                    .await;
            }
        }
        let batch: Vec<u32> = (SINGLE..ITEMS).collect();
        for (j, (who, conn)) in panel.iter().enumerate() {
            let v = IConsensusVerifier::new(verifier, conn.provider.clone());
            let cs = batch.iter().map(|&i| hash(i, *who, j)).collect();
            let tx = v.commitBatch(task, batch.clone(), cs);
            self.record("commitBatch", k, conn, tx.into_transaction_request())
                .await;
        }
    }

    /// The same split as [`Self::commit_all`], revealing.
    async fn reveal_all(&mut self, task: u64, k: u8, panel: &[(Address, Conn)]) {
        let verifier = self.a().verifier;
        for item in 0..SINGLE {
            for (j, (who, conn)) in panel.iter().enumerate() {
                let v = IConsensusVerifier::new(verifier, conn.provider.clone());
                let tx = v.reveal(task, item, label(item, j), salt(task, item, *who));
                self.record("reveal", k, conn, tx.into_transaction_request())
                    .await;
            }
        }
        let batch: Vec<u32> = (SINGLE..ITEMS).collect();
        for (j, (who, conn)) in panel.iter().enumerate() {
            let v = IConsensusVerifier::new(verifier, conn.provider.clone());
            let labels = batch.iter().map(|&i| label(i, j)).collect();
            let salts = batch.iter().map(|&i| salt(task, i, *who)).collect();
            let tx = v.revealBatch(task, batch.clone(), labels, salts);
            self.record("revealBatch", k, conn, tx.into_transaction_request())
                .await;
        }
    }

    /// Anyone finalizes (the requester here): the single items one by one, then the batch.
    async fn finalize_all(&mut self, task: u64, k: u8) {
        let rc = self.requester.1.clone();
        let v = IConsensusVerifier::new(self.a().verifier, rc.provider.clone());
        for item in 0..SINGLE {
            let name = if item == ESCALATED {
                "finalize (escalated)"
            } else {
                "finalize (accepted)"
            };
            let tx = v.finalize(task, item).into_transaction_request();
            self.record(name, k, &rc, tx).await;
        }
        let tx = v.finalizeBatch(task, (SINGLE..ITEMS).collect());
        self.record(
            "finalizeBatch (accepted)",
            k,
            &rc,
            tx.into_transaction_request(),
        )
        .await;
    }

    /// The auditor confirms labeller 0's label on the escalated item.
    async fn audit_escalated(&mut self, task: u64, k: u8) {
        let auditor = self.auditor.clone();
        let av = IConsensusVerifier::new(self.a().verifier, auditor.provider.clone());
        let tx = av.audit(task, ESCALATED, 0).into_transaction_request();
        self.record("audit (escalated)", k, &auditor, tx).await;
    }

    /// The requester publishes the dataset at the final digest.
    async fn publish(&mut self, task: u64, k: u8) {
        let rc = self.requester.1.clone();
        let v = IConsensusVerifier::new(self.a().verifier, rc.provider.clone());
        let digest = v.taskProgress(task).call().await.expect("progress")._3;
        let d = IDatasetRegistry::new(self.a().datasets, rc.provider.clone());
        let tx = d.publishDataset(task, digest, keccak256("dataset file"), DATASET_URI.into());
        self.record("publishDataset", k, &rc, tx.into_transaction_request())
            .await;
    }

    /// A task nobody labelled, cancelled before any commit.
    pub async fn cancel(&mut self, task: u64, k: u8) {
        let rc = self.requester.1.clone();
        let reg = ITaskRegistry::new(self.a().registry, rc.provider.clone());
        let tx = reg.cancelTask(task).into_transaction_request();
        self.record("cancelTask", k, &rc, tx).await;
    }

    /// A task nobody labelled, reclaimed after its commit window.
    pub async fn reclaim(&mut self) {
        let task = self.create(KS[0]).await;
        self.env.admin.advance(WINDOW + 1).await.expect("advance");
        let rc = self.requester.1.clone();
        let reg = ITaskRegistry::new(self.a().registry, rc.provider.clone());
        let tx = reg.reclaim(task).into_transaction_request();
        self.record("reclaim", 0, &rc, tx).await;
    }

    /// A second stake, unstake, withdraw after the unbonding period.
    pub async fn staking(&mut self) {
        let (_, c) = self.labellers[0].clone();
        let sample = stake(self.env, &c, lbl(10)).await;
        self.gas.add("stake (again)", 0, sample);
        let e = IStakingEscrow::new(self.a().escrow, c.provider.clone());
        let tx = e.unstake(lbl(10)).into_transaction_request();
        self.record("unstake", 0, &c, tx).await;
        let period = labelchain::plan::DEFAULT_UNBONDING_PERIOD;
        self.env.admin.advance(period + 1).await.expect("advance");
        let tx = e.withdraw().into_transaction_request();
        self.record("withdraw", 0, &c, tx).await;
    }
}
