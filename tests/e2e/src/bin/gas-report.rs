//! The gas report (a benchmark, not a test): `cargo run -p e2e --bin gas-report` writes
//! `tests/bench/GAS.md`. One in-process devnode, the protocol deployed through the
//! labelchain library, every user-facing function sent for real at k = 3, 5, 7 (single
//! and batched), each next to its storage-operation floor; the all-in cost per accepted
//! label; and LBL's transfer/approve/transferFrom next to OpenZeppelin's Solidity ERC-20
//! (compiled at report time with npm solc, `tests/clients/oz-token.mjs`) on the same chain.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;

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
use support::{deploy_evm, key, lbl, node_script, Env};

const KS: [u8; 3] = [3, 5, 7];
/// Items 0..SINGLE are labelled with single calls (the last of them escalated, the rest
/// accepted); items SINGLE..ITEMS with one batch call per labeller.
const SINGLE: u32 = 4;
const ITEMS: u32 = 8;
const BATCH: u32 = ITEMS - SINGLE;
const WINDOW: u64 = 3_600;

/// Measured gasUsed, by function name and k (0 = does not depend on k).
#[derive(Default)]
struct Gas(BTreeMap<(String, u8), Vec<u64>>);

impl Gas {
    fn add(&mut self, name: &str, k: u8, s: &Sent) {
        self.0.entry((name.into(), k)).or_default().push(s.gas_used);
    }
    fn mean(&self, name: &str, k: u8) -> Option<u64> {
        let v = self.0.get(&(name.to_string(), k))?;
        Some(v.iter().sum::<u64>() / v.len() as u64)
    }
    fn get(&self, name: &str, k: u8) -> u64 {
        self.mean(name, k)
            .unwrap_or_else(|| panic!("{name} at k={k} was not measured"))
    }
    fn range(&self, name: &str, k: u8) -> String {
        let v = &self.0[&(name.to_string(), k)];
        let (lo, hi) = (v.iter().min().unwrap(), v.iter().max().unwrap());
        if lo == hi {
            format!("{lo}")
        } else {
            format!("{} ({lo}–{hi})", self.get(name, k))
        }
    }
}

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

async fn send(conn: &Conn, what: &str, tx: TransactionRequest) -> Sent {
    conn.send(what, tx)
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

struct Ctx<'a> {
    env: &'a Env,
    requester: (PrivateKeySigner, Conn),
    labellers: Vec<(PrivateKeySigner, Conn)>,
    auditor: Conn,
    gas: Gas,
}

impl Ctx<'_> {
    fn a(&self) -> &labelchain::state::Addresses {
        &self.env.addrs
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
        let fee_bps = ITaskRegistry::new(self.a().registry, self.env.admin.provider.clone())
            .params()
            .call()
            .await
            .unwrap()
            ._0;
        let bounty = U256::from(ITEMS) * U256::from(k) * lbl(1);
        bounty + bounty * U256::from(fee_bps) / U256::from(10_000)
    }

    /// createTask after an approve; returns the task.
    async fn create(&mut self, k: u8) -> u64 {
        let (_, conn) = &self.requester;
        let amount = self.bounty_plus_fee(k).await;
        let token = IRewardToken::new(self.a().token, conn.provider.clone());
        let s = send(
            conn,
            "approve",
            token
                .approve(self.a().escrow, amount)
                .into_transaction_request(),
        )
        .await;
        self.gas.add("approve (escrow, requester)", 0, &s);
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
        let s = send(conn, "createTask", tx).await;
        self.gas.add("createTask", k, &s);
        e2e::task_created(&s)
    }

    /// createTaskWithPermit (no approve); returns the task.
    async fn create_with_permit(&mut self, k: u8) -> u64 {
        let (signer, conn) = &self.requester;
        let amount = self.bounty_plus_fee(k).await;
        let token = IRewardToken::new(self.a().token, conn.provider.clone());
        let nonce = token.nonces(signer.address()).call().await.unwrap();
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
        let (r, s) = (B256::from(sig.r()), B256::from(sig.s()));
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
        let sent = send(conn, "createTaskWithPermit", tx).await;
        self.gas.add("createTaskWithPermit", k, &sent);
        assert_eq!(
            token
                .allowance(signer.address(), self.a().escrow)
                .call()
                .await
                .unwrap(),
            U256::ZERO,
            "the permit was used"
        );
        e2e::task_created(&sent)
    }

    /// The whole lifecycle of one task at k.
    async fn lifecycle(&mut self, k: u8) {
        let a = *self.a();
        let chain = self.env.admin.chain_id;
        let task = self.create(k).await;
        let label = |item: u32, j: usize| -> u8 {
            // The last single item splits the votes (escalated); the others agree on 1.
            if item == SINGLE - 1 {
                j as u8
            } else {
                1
            }
        };
        let labellers: Vec<(Address, Conn)> = self.labellers[..k as usize]
            .iter()
            .map(|(s, c)| (s.address(), c.clone()))
            .collect();

        for item in 0..SINGLE {
            for (j, (who, conn)) in labellers.iter().enumerate() {
                let v = IConsensusVerifier::new(a.verifier, conn.provider.clone());
                let c = commitment(
                    chain,
                    a.verifier,
                    task,
                    item,
                    *who,
                    label(item, j),
                    salt(task, item, *who),
                );
                let s = send(
                    conn,
                    "commit",
                    v.commit(task, item, c).into_transaction_request(),
                )
                .await;
                self.gas.add("commit", k, &s);
            }
        }
        let batch: Vec<u32> = (SINGLE..ITEMS).collect();
        for (j, (who, conn)) in labellers.iter().enumerate() {
            let v = IConsensusVerifier::new(a.verifier, conn.provider.clone());
            let cs = batch
                .iter()
                .map(|&i| {
                    commitment(
                        chain,
                        a.verifier,
                        task,
                        i,
                        *who,
                        label(i, j),
                        salt(task, i, *who),
                    )
                })
                .collect();
            let s = send(
                conn,
                "commitBatch",
                v.commitBatch(task, batch.clone(), cs)
                    .into_transaction_request(),
            )
            .await;
            self.gas.add("commitBatch", k, &s);
        }
        self.env.admin.advance(WINDOW + 1).await.expect("advance");

        for item in 0..SINGLE {
            for (j, (who, conn)) in labellers.iter().enumerate() {
                let v = IConsensusVerifier::new(a.verifier, conn.provider.clone());
                let tx = v.reveal(task, item, label(item, j), salt(task, item, *who));
                let s = send(conn, "reveal", tx.into_transaction_request()).await;
                self.gas.add("reveal", k, &s);
            }
        }
        for (j, (who, conn)) in labellers.iter().enumerate() {
            let v = IConsensusVerifier::new(a.verifier, conn.provider.clone());
            let labels = batch.iter().map(|&i| label(i, j)).collect();
            let salts = batch.iter().map(|&i| salt(task, i, *who)).collect();
            let tx = v.revealBatch(task, batch.clone(), labels, salts);
            let s = send(conn, "revealBatch", tx.into_transaction_request()).await;
            self.gas.add("revealBatch", k, &s);
        }

        // Anyone finalizes: the requester here.
        let rc = self.requester.1.clone();
        let v = IConsensusVerifier::new(a.verifier, rc.provider.clone());
        for item in 0..SINGLE {
            let s = send(
                &rc,
                "finalize",
                v.finalize(task, item).into_transaction_request(),
            )
            .await;
            let name = if item == SINGLE - 1 {
                "finalize (escalated)"
            } else {
                "finalize (accepted)"
            };
            self.gas.add(name, k, &s);
        }
        let s = send(
            &rc,
            "finalizeBatch",
            v.finalizeBatch(task, batch.clone())
                .into_transaction_request(),
        )
        .await;
        self.gas.add("finalizeBatch (accepted)", k, &s);

        // The auditor confirms labeller 0's label on the escalated item.
        let av = IConsensusVerifier::new(a.verifier, self.auditor.provider.clone());
        let s = send(
            &self.auditor,
            "audit",
            av.audit(task, SINGLE - 1, 0).into_transaction_request(),
        )
        .await;
        self.gas.add("audit (escalated)", k, &s);

        // Labeller 0 claims everything it earned in this task (LBL: rewards + emission).
        let (_, c0) = &labellers[0];
        let e = IStakingEscrow::new(a.escrow, c0.provider.clone());
        let s = send(c0, "claim", e.claim(a.token).into_transaction_request()).await;
        self.gas.add("claim", k, &s);

        // The requester publishes the dataset at the final digest.
        let digest = v.taskProgress(task).call().await.unwrap()._3;
        let d = IDatasetRegistry::new(a.datasets, rc.provider.clone());
        let tx = d.publishDataset(
            task,
            digest,
            keccak256("dataset file"),
            "ipfs://labelchain-gas-report/data".into(),
        );
        let s = send(&rc, "publishDataset", tx.into_transaction_request()).await;
        self.gas.add("publishDataset", k, &s);
    }
}

/// Storage-operation floor of a function at k, for the functions whose storage traffic is
/// derived here from the contracts (`None`: not derived). Priced as EIP-2929/2200:
/// intrinsic 21,000; cold SLOAD 2,100 (warm 100); SSTORE 0→x 20,000 + 2,100 cold,
/// x→y 2,900 + 2,100 cold; 2,600 for each cold contract called. Calldata, logs, hashing
/// and refunds are left out, so a real call always costs more. Steady state: the labeller
/// already holds stake and locked stake; "mean" is over the ballot positions 0..k the
/// measured calls took (ballot n scans n earlier ballots; the first commit on an item
/// also creates its header).
fn floor(name: &str, k: u8) -> Option<u64> {
    const TX: u64 = 21_000;
    const COLD: u64 = 2_100;
    const NEW: u64 = 22_100;
    const SET: u64 = 5_000;
    const CALL: u64 = 2_600;
    let k = u64::from(k);
    let b = u64::from(BATCH);
    // Verifier → registry.terms: registry slot, the call, 5 task words + the pause flag.
    let terms = COLD + CALL + 6 * COLD;
    // Mean over ballot positions n = 0..k of 2,100·n (scan), plus the header's creation.
    let scan = COLD * (k - 1) / 2;
    let header_new = (NEW - SET) / k;
    // Verifier → escrow.lock: escrow slot, the call, verifier check, free and locked.
    let lock = COLD + CALL + COLD + SET + SET;
    Some(match name {
        // reputation, counts, header; ballot[n] and commitment[n] created; stake locked.
        "commit" => TX + terms + COLD + SET + SET + header_new + scan + 2 * NEW + lock,
        "commitBatch" => TX + terms + COLD + SET + lock + b * (SET + header_new + scan + 2 * NEW),
        // header; ballots 0..=idx scanned; commitment[idx] read; ballot[idx] rewritten warm.
        "reveal" => TX + terms + SET + COLD + scan + COLD + 2_900,
        "revealBatch" => TX + terms + b * (SET + COLD + scan + COLD + 2_900),
        // stake token slot, free, owed; token.transferFrom: allowance, two balances.
        "stake (again)" => TX + COLD + SET + SET + CALL + 3 * SET,
        "stake (first)" => TX + COLD + NEW + SET + CALL + 3 * SET,
        // period read; free; unbonding and its end time created.
        "unstake" => TX + COLD + SET + 2 * NEW,
        // unbonding cleared, end read, stake token, owed; token.transfer: two balances.
        "withdraw" => TX + SET + COLD + COLD + SET + CALL + 2 * SET,
        // credit cleared, owed; token.transfer: two balances.
        "claim" => TX + SET + SET + CALL + 2 * SET,
        _ => return None,
    })
}

/// ERC-20 floors (the same for any implementation).
fn erc20_floor(name: &str) -> u64 {
    let (tx, new, set) = (21_000, 22_100, 5_000);
    match name {
        "transfer to a new holder" => tx + set + new,
        "transfer to an existing holder" => tx + 2 * set,
        "approve (new allowance)" => tx + new,
        "approve (change allowance)" => tx + set,
        "transferFrom to an existing holder" => tx + 3 * set,
        "transferFrom to a new holder" => tx + 2 * set + new,
        _ => 0,
    }
}

fn with_floor(measured: String, floor: Option<u64>) -> String {
    match floor {
        Some(f) => format!("{measured} / {f}"),
        None => measured,
    }
}

fn table_row(out: &mut String, cells: &[String]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    eprintln!("gas-report: starting a devnode and deploying the protocol");
    let env = Env::start().await;
    let requester_key = key("gas requester");
    let requester = env.user(&requester_key).await;
    env.give_lbl(requester_key.address(), lbl(10_000)).await;
    let mut labellers = vec![];
    let mut gas = Gas::default();
    for i in 0..KS[KS.len() - 1] {
        let k = key(&format!("gas labeller {i}"));
        let c = env.user(&k).await;
        env.give_lbl(k.address(), lbl(1_000)).await;
        let t = IRewardToken::new(env.addrs.token, c.provider.clone());
        send(
            &c,
            "approve",
            t.approve(env.addrs.escrow, lbl(500))
                .into_transaction_request(),
        )
        .await;
        let e = IStakingEscrow::new(env.addrs.escrow, c.provider.clone());
        let s = send(&c, "stake", e.stake(lbl(500)).into_transaction_request()).await;
        gas.add("stake (first)", 0, &s);
        labellers.push((k, c));
    }
    let auditor = env.user(&support::auditor()).await;
    let mut ctx = Ctx {
        env: &env,
        requester: (requester_key, requester),
        labellers,
        auditor,
        gas,
    };

    for k in KS {
        eprintln!("gas-report: lifecycle at k = {k}");
        ctx.lifecycle(k).await;
        let t = ctx.create_with_permit(k).await;
        // A task nobody labelled: cancelled before any commit.
        let rc = ctx.requester.1.clone();
        let reg = ITaskRegistry::new(env.addrs.registry, rc.provider.clone());
        let s = send(
            &rc,
            "cancelTask",
            reg.cancelTask(t).into_transaction_request(),
        )
        .await;
        ctx.gas.add("cancelTask", k, &s);
    }

    // reclaim: a task nobody labelled, after its commit window.
    let t = ctx.create(3).await;
    env.admin.advance(WINDOW + 1).await.unwrap();
    let rc = ctx.requester.1.clone();
    let reg = ITaskRegistry::new(env.addrs.registry, rc.provider.clone());
    let s = send(&rc, "reclaim", reg.reclaim(t).into_transaction_request()).await;
    ctx.gas.add("reclaim", 0, &s);

    // Staking: a second stake, unstake, withdraw after the unbonding period.
    let (_, c) = ctx.labellers[0].clone();
    let e = IStakingEscrow::new(env.addrs.escrow, c.provider.clone());
    let t = IRewardToken::new(env.addrs.token, c.provider.clone());
    send(
        &c,
        "approve",
        t.approve(env.addrs.escrow, lbl(10))
            .into_transaction_request(),
    )
    .await;
    let s = send(&c, "stake", e.stake(lbl(10)).into_transaction_request()).await;
    ctx.gas.add("stake (again)", 0, &s);
    let s = send(&c, "unstake", e.unstake(lbl(10)).into_transaction_request()).await;
    ctx.gas.add("unstake", 0, &s);
    env.admin
        .advance(labelchain::plan::DEFAULT_UNBONDING_PERIOD + 1)
        .await
        .unwrap();
    let s = send(&c, "withdraw", e.withdraw().into_transaction_request()).await;
    ctx.gas.add("withdraw", 0, &s);

    // ERC-20: LBL (Stylus) vs OpenZeppelin's ERC20 (Solidity), the same calls in the same
    // order on the same chain, from the dev account (holder of both).
    eprintln!("gas-report: compiling OpenZeppelin's ERC20 with solc");
    let oz = node_script(&support::clients_dir().join("oz-token.mjs"), &[]);
    let code =
        alloy::hex::decode(oz["bytecode"].as_str().unwrap().trim_start_matches("0x")).unwrap();
    let (oz_token, _) = deploy_evm(&env.admin, "OZToken", &code, &[]).await;
    let spender_key = key("gas spender");
    let spender = env.user(&spender_key).await;
    let mut erc20: Vec<(&str, u64, u64)> = vec![];
    let run_erc20 = |token: Address| {
        let admin = env.admin.clone();
        let spender = spender.clone();
        let sp = spender_key.address();
        async move {
            let holder = Address::repeat_byte(0x77);
            let me = admin.from().unwrap();
            let t = IRewardToken::new(token, admin.provider.clone());
            let ts = IRewardToken::new(token, spender.provider.clone());
            let fresh = |b: u8| Address::from_word(keccak256([b, token.as_slice()[0]]));
            let calls: [(&str, &Conn, &str, TransactionRequest); 6] = [
                (
                    "transfer to a new holder",
                    &admin,
                    "t",
                    t.transfer(holder, U256::from(5)).into_transaction_request(),
                ),
                (
                    "transfer to an existing holder",
                    &admin,
                    "t",
                    t.transfer(holder, U256::from(5)).into_transaction_request(),
                ),
                (
                    "approve (new allowance)",
                    &admin,
                    "a",
                    t.approve(sp, U256::from(100)).into_transaction_request(),
                ),
                (
                    "approve (change allowance)",
                    &admin,
                    "a",
                    t.approve(sp, U256::from(50)).into_transaction_request(),
                ),
                (
                    "transferFrom to an existing holder",
                    &spender,
                    "tf",
                    ts.transferFrom(me, holder, U256::from(5))
                        .into_transaction_request(),
                ),
                (
                    "transferFrom to a new holder",
                    &spender,
                    "tf",
                    ts.transferFrom(me, fresh(1), U256::from(5))
                        .into_transaction_request(),
                ),
            ];
            let mut gas = Vec::with_capacity(calls.len());
            for (name, who, what, tx) in calls {
                gas.push((name, send(who, what, tx).await.gas_used));
            }
            gas
        }
    };
    let lbl_gas = run_erc20(env.addrs.token).await;
    let oz_gas = run_erc20(oz_token).await;
    for ((name, l), (_, o)) in lbl_gas.iter().zip(&oz_gas) {
        erc20.push((name, *l, *o));
    }

    let report = render(&ctx.gas, &erc20, &oz);
    let path = support::repo_root().join("tests/bench/GAS.md");
    std::fs::write(&path, &report).expect("GAS.md written");
    print!("{report}");
    eprintln!("gas-report: wrote {}", path.display());
}

fn render(g: &Gas, erc20: &[(&str, u64, u64)], oz: &serde_json::Value) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Gas report\n");
    let _ = writeln!(
        out,
        "Generated by `cargo run -p e2e --bin gas-report` (do not edit): gasUsed of real \
         transactions on the in-process devnode (Stylus programs metered in ink, 10,000 ink = \
         1 gas, as nitro does). Task: {ITEMS} items, items 0–{} labelled by single calls \
         (item {} with split votes, so escalated and audited), items {SINGLE}–{} by one \
         batch call of {BATCH} per labeller; threshold 60 %, audit rate 0.\n",
        SINGLE - 2,
        SINGLE - 1,
        ITEMS - 1
    );
    let _ = writeln!(out, "## Protocol functions\n");
    let _ = writeln!(
        out,
        "Cells: measured gasUsed (mean, with min–max when the calls differ) / storage-operation \
         floor where derived: intrinsic 21,000 + the SLOADs/SSTOREs (and cold contract calls) \
         the function must do by construction, priced per EIP-2929/2200 (SSTORE 0→x 22,100 \
         cold, x→y 5,000 cold / 2,900 warm, SLOAD 2,100 cold / 100 warm, call 2,600); \
         calldata, logs, hashing and refunds left out. See `floor()` in \
         `tests/e2e/src/bin/gas-report.rs` for each count. Floors for finalize, audit, \
         createTask, cancelTask, reclaim and publishDataset are not derived yet.\n"
    );
    let mut header = vec!["function".to_string()];
    for k in KS {
        header.push(format!("k = {k}"));
    }
    table_row(&mut out, &header);
    table_row(&mut out, &vec!["---".to_string(); header.len()]);
    let per_k = [
        "createTask",
        "createTaskWithPermit",
        "commit",
        "commitBatch",
        "reveal",
        "revealBatch",
        "finalize (accepted)",
        "finalize (escalated)",
        "finalizeBatch (accepted)",
        "audit (escalated)",
        "claim",
        "cancelTask",
        "publishDataset",
    ];
    for name in per_k {
        let mut row = vec![format!("`{name}`")];
        for k in KS {
            row.push(with_floor(g.range(name, k), floor(name, k)));
        }
        table_row(&mut out, &row);
    }
    for name in ["commitBatch", "revealBatch"] {
        let mut row = vec![format!("`{name}` per entry ({BATCH})")];
        for k in KS {
            row.push(format!("{}", g.get(name, k) / u64::from(BATCH)));
        }
        table_row(&mut out, &row);
    }
    let mut row = vec![format!("`finalizeBatch` per item ({BATCH})")];
    for k in KS {
        row.push(format!(
            "{}",
            g.get("finalizeBatch (accepted)", k) / u64::from(BATCH)
        ));
    }
    table_row(&mut out, &row);
    let _ = writeln!(out);
    table_row(
        &mut out,
        &["function (independent of k)".into(), "gasUsed".into()],
    );
    table_row(&mut out, &["---".into(), "---".into()]);
    for name in [
        "stake (first)",
        "stake (again)",
        "unstake",
        "withdraw",
        "reclaim",
        "approve (escrow, requester)",
    ] {
        table_row(
            &mut out,
            &[
                format!("`{name}`"),
                with_floor(g.range(name, 0), floor(name, 3)),
            ],
        );
    }

    let _ = writeln!(out, "\n## All-in cost per accepted label\n");
    let _ = writeln!(
        out,
        "commit + reveal + finalize ÷ k + claim ÷ (labels the claim paid for: {} accepted \
         items plus the audited one per labeller 0).\n",
        SINGLE - 1 + BATCH
    );
    table_row(
        &mut out,
        &[
            "path".into(),
            "k = 3".into(),
            "k = 5".into(),
            "k = 7".into(),
        ],
    );
    table_row(&mut out, &vec!["---".to_string(); 4]);
    let paid = u64::from(SINGLE + BATCH);
    let mut single = vec!["single calls".to_string()];
    let mut batched = vec![format!("batches of {BATCH}")];
    for k in KS {
        let k64 = u64::from(k);
        let claim = g.get("claim", k) / paid;
        single.push(format!(
            "{}",
            g.get("commit", k) + g.get("reveal", k) + g.get("finalize (accepted)", k) / k64 + claim
        ));
        batched.push(format!(
            "{}",
            (g.get("commitBatch", k) + g.get("revealBatch", k)) / u64::from(BATCH)
                + g.get("finalizeBatch (accepted)", k) / (u64::from(BATCH) * k64)
                + claim
        ));
    }
    table_row(&mut out, &single);
    table_row(&mut out, &batched);

    let _ = writeln!(out, "\n## LBL (Stylus) vs OpenZeppelin ERC20 (Solidity)\n");
    let _ = writeln!(
        out,
        "Same calls, same order, same chain and run. OpenZeppelin Contracts {} compiled with \
         solc {} (optimizer 200 runs, cancun) in `contract OZToken is ERC20 {{ constructor() \
         ERC20(\"OZ\",\"OZ\") {{ _mint(msg.sender, 1e27); }} }}`.\n",
        oz["openzeppelin"].as_str().unwrap_or("?"),
        oz["solc"].as_str().unwrap_or("?")
    );
    table_row(
        &mut out,
        &[
            "call".into(),
            "LBL".into(),
            "OZ ERC20".into(),
            "LBL − OZ".into(),
            "storage floor".into(),
        ],
    );
    table_row(&mut out, &vec!["---".to_string(); 5]);
    for (name, l, o) in erc20 {
        table_row(
            &mut out,
            &[
                format!("`{name}`"),
                l.to_string(),
                o.to_string(),
                format!("{:+}", *l as i64 - *o as i64),
                erc20_floor(name).to_string(),
            ],
        );
    }
    out
}
