//! Seeds one task of `n` items to finality as fast as the chain allows: k = 1 (one
//! labeller per item: the registry takes k = 1, and with one commit of one the plurality
//! meets any threshold, so every item is accepted), the items split between `labellers`
//! accounts by batch so their transactions run side by side, and every call a batch of
//! [`MAX_BATCH`]: `commitBatch`, then (past the commit window) `revealBatch`, then
//! `finalizeBatch` (open as soon as an item's one commit is revealed).

use std::path::Path;
use std::time::Instant;

use alloy::primitives::{Address, Bytes, B256, U256};
use alloy::sol_types::SolCall;
use devnode::rpc::NodeHandle;
use e2e::{task_created, Actor, Env};
use futures::future::join_all;
use labelchain::bindings::IConsensusVerifier;
use labelchain::manifest::metadata::Classes;
use labelchain::manifest::task::{TaskData, TaskDataArgs};

use crate::items;
use crate::sender::Sender;

/// Entries per batch call (the verifier's limit, DESIGN §4.9).
pub const MAX_BATCH: usize = 64;
/// Per label, in LBL wei: small, so a 100,000-item task costs the treasury little.
const REWARD: u64 = 1_000_000_000_000;
const STAKE: u64 = 1_000_000_000_000;
/// Both windows (seconds). Instant mining moves block time a second per block at least,
/// and the commits alone take n / 64 blocks.
const WINDOW: u64 = 30 * 86_400;

/// One phase's transactions.
#[derive(Clone, Debug)]
pub struct Phase {
    pub name: &'static str,
    pub txs: usize,
    pub secs: f64,
    pub gas: u64,
}

/// What was seeded and what it took.
pub struct Seeded {
    pub task: u64,
    pub items: u32,
    pub labellers: usize,
    pub manifest_secs: f64,
    /// Creating the task and funding and staking the labellers.
    pub setup: Phase,
    pub phases: Vec<Phase>,
    /// The chain's head once every item is final.
    pub head: u64,
}

/// Writes the manifest to `manifest`, creates the task from it and takes every item to
/// finality; checks after each phase that every transaction succeeded and the verifier
/// counted what was sent.
pub async fn seed(env: &Env, n: u32, labellers: usize, manifest: &Path) -> Seeded {
    let node = env
        .node
        .as_ref()
        .expect("the benchmark runs an in-process devnode");
    let started = Instant::now();
    items::manifest(n)
        .write_atomic(manifest)
        .expect("manifest written");
    let manifest_secs = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let first_block = node.with_chain(|c| c.block_number()) + 1;
    let task = create_task(env, n, manifest).await;
    let batches: Vec<Vec<u32>> = (0..n)
        .collect::<Vec<_>>()
        .chunks(MAX_BATCH)
        .map(<[u32]>::to_vec)
        .collect();
    let mut senders = Vec::new();
    for j in 0..labellers {
        let mine: u32 = batches
            .iter()
            .skip(j)
            .step_by(labellers)
            .map(|b| b.len() as u32)
            .sum();
        let who = env
            .labeller(U256::from(STAKE) * U256::from(mine.max(1)))
            .await;
        senders.push((who.clone(), Sender::new(&who).await));
    }
    let setup = block_phase(node, "setup", first_block, started);

    let a = env.a;
    let commit = |who: &Actor, items: &[u32]| {
        let commitments = items
            .iter()
            .map(|&i| env.commitment(task, i, who.addr, items::label(i)))
            .collect();
        IConsensusVerifier::commitBatchCall {
            task,
            items: items.to_vec(),
            commitments,
        }
        .abi_encode()
    };
    let mut phases = vec![
        run_phase(
            node,
            "commitBatch",
            a.verifier,
            &mut senders,
            &batches,
            commit,
        )
        .await,
    ];
    let progress = verifier_progress(env, task).await;
    assert_eq!(progress.0, n, "commits counted by the verifier");
    env.end_commit(task).await;

    let reveal = |who: &Actor, items: &[u32]| {
        IConsensusVerifier::revealBatchCall {
            task,
            items: items.to_vec(),
            labels: items.iter().map(|&i| items::label(i)).collect(),
            salts: items
                .iter()
                .map(|&i| Env::salt(task, i, who.addr, items::label(i)))
                .collect(),
        }
        .abi_encode()
    };
    phases.push(
        run_phase(
            node,
            "revealBatch",
            a.verifier,
            &mut senders,
            &batches,
            reveal,
        )
        .await,
    );

    let finalize = |_: &Actor, items: &[u32]| {
        IConsensusVerifier::finalizeBatchCall {
            task,
            items: items.to_vec(),
        }
        .abi_encode()
    };
    phases.push(
        run_phase(
            node,
            "finalizeBatch",
            a.verifier,
            &mut senders,
            &batches,
            finalize,
        )
        .await,
    );
    let progress = verifier_progress(env, task).await;
    assert_eq!((progress.1, progress.2), (0, n), "every item final");
    assert_ne!(progress.3, B256::ZERO, "a labels digest");

    Seeded {
        task,
        items: n,
        labellers,
        manifest_secs,
        setup,
        phases,
        head: node.with_chain(|c| c.block_number()),
    }
}

/// A requester funded with exactly bounty + fee creates the task from the manifest (its
/// count, root and a metadata URI carrying the class names and the manifest's hash).
async fn create_task(env: &Env, n: u32, manifest: &Path) -> u64 {
    let names = items::CLASSES.iter().map(|s| s.to_string()).collect();
    let data = TaskData::resolve(TaskDataArgs {
        manifest: Some(manifest),
        classes: Some(Classes::Names(names)),
        ..TaskDataArgs::default()
    })
    .expect("the manifest resolves");
    assert_eq!(data.items, n);
    let bounty = U256::from(n) * U256::from(REWARD);
    let cost = bounty + bounty * U256::from(250u64) / U256::from(10_000u64);
    let requester = env.funded(cost).await;
    requester.approve(env.a.token, env.a.escrow, cost).await;
    let registry = requester.registry();
    let create = registry.createTask(
        data.data_root,
        data.items,
        data.classes,
        1,
        10_000,
        env.a.token,
        U256::from(REWARD),
        U256::from(STAKE),
        WINDOW,
        WINDOW,
        0,
        0,
        data.metadata_uri,
    );
    task_created(&requester.must(create).await)
}

/// Sends `call(who, batch)` for every batch, batch `b` by sender `b % senders`, the
/// senders side by side; then checks every receipt and sums the gas.
async fn run_phase(
    node: &NodeHandle,
    name: &'static str,
    to: Address,
    senders: &mut [(Actor, Sender)],
    batches: &[Vec<u32>],
    call: impl Fn(&Actor, &[u32]) -> Vec<u8>,
) -> Phase {
    let count = senders.len();
    let work: Vec<Vec<Bytes>> = (0..count)
        .map(|j| {
            let who = &senders[j].0;
            batches
                .iter()
                .skip(j)
                .step_by(count)
                .map(|b| Bytes::from(call(who, b)))
                .collect()
        })
        .collect();
    eprintln!(
        "export-bench: {name}: {} transactions from {count} senders",
        batches.len()
    );
    let started = Instant::now();
    let sent: Vec<Vec<B256>> = join_all(senders.iter_mut().zip(work).map(
        |((_, s), calls)| async move {
            let mut hashes = Vec::with_capacity(calls.len());
            for input in calls {
                hashes.push(s.send(to, input).await);
            }
            hashes
        },
    ))
    .await;
    let secs = started.elapsed().as_secs_f64();
    let hashes: Vec<B256> = sent.into_iter().flatten().collect();
    let gas = check_receipts(node, name, &hashes);
    Phase {
        name,
        txs: hashes.len(),
        secs,
        gas,
    }
}

/// Every transaction succeeded (a failure is named with its decoded revert); their gas.
fn check_receipts(node: &NodeHandle, name: &str, hashes: &[B256]) -> u64 {
    node.with_chain(|c| {
        hashes
            .iter()
            .map(|h| {
                let r = c
                    .receipt(h)
                    .unwrap_or_else(|| panic!("{name}: {h} was not mined"));
                if let devnode::chain::Status::Revert(data) = &r.status {
                    panic!("{name}: {h} reverted: {}", labelchain::errors::decode(data));
                }
                assert!(r.success(), "{name}: {h} failed: {:?}", r.status);
                r.gas_used
            })
            .sum()
    })
}

/// The transactions of blocks `first..` (setup sends through `Env`, which waits for each).
fn block_phase(node: &NodeHandle, name: &'static str, first: u64, started: Instant) -> Phase {
    let (txs, gas) = node.with_chain(|c| {
        (first..=c.block_number())
            .filter_map(|n| c.block(n))
            .fold((0, 0), |(t, g), b| {
                (t + b.transactions.len(), g + b.gas_used)
            })
    });
    Phase {
        name,
        txs,
        secs: started.elapsed().as_secs_f64(),
        gas,
    }
}

/// `taskProgress`: `(commits, open items, final items, labelsDigest)`.
async fn verifier_progress(env: &Env, task: u64) -> (u32, u32, u32, B256) {
    let p = env
        .admin
        .verifier()
        .taskProgress(task)
        .call()
        .await
        .expect("taskProgress");
    (p._0, p._1, p._2, p._3)
}
