//! A task's on-chain history, read with the paged log reader and replayed against the
//! chain, on the in-process devnode with the real programs: accepted items of two
//! consensus tiers and an audited one, a void item, an escalated item and an untouched
//! one; RPCs that fail, refuse wide ranges or stop answering; publishing and listing
//! dataset versions.

mod common;
#[path = "history_support/proxy.rs"]
mod proxy;

use std::time::Duration;

use labelchain::chain::{connect, Conn};
use labelchain::commands::datasets::{self, Release};
use labelchain::commands::deploy::DeployOptions;
use labelchain::commands::ops::{self, TaskSpec};
use labelchain::commands::up::{start, Up, UpOptions};
use labelchain::config::{parse_key, Endpoint, Network, DEV_KEY};
use labelchain::history::{
    self, EventKind, History, HistoryError, ItemEvent, LogOptions, ReplayError, Status,
};
use labelchain::plan::lbl;
use labelchain::progress::Quiet;
use labelchain::protocol::{Item, ItemStatus, Quality, VoidReason};
use labelchain::state::Addresses;
use labelchain::{demo, Error};
use proxy::{Fault, Proxy};

/// A chain with the protocol, the demo's requester and three staked labellers, and the
/// admin (the dev key) as an auditor.
struct World {
    up: Up,
    a: Addresses,
    requester: Conn,
    labellers: Vec<Conn>,
    salts: tempfile::TempDir,
    deployments: std::path::PathBuf,
    dir: tempfile::TempDir,
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let deployments = dir.path().join("deployments");
    let admin = parse_key(DEV_KEY).unwrap().address();
    let up = start(
        &UpOptions {
            port: 0,
            state: None,
            rpc_url: None,
            deploy: DeployOptions {
                auditors: vec![admin],
                ..common::options(&deployments)
            },
            demo: true,
        },
        &Quiet,
    )
    .await
    .expect("a devnode with the protocol and the demo");
    let a = ops::addresses(&up.conn, &deployments).unwrap();
    let requester = up.conn.with_signer(demo::requester()).unwrap();
    let labellers = demo::labellers()
        .into_iter()
        .map(|k| up.conn.with_signer(k).unwrap())
        .collect();
    World {
        up,
        a,
        requester,
        labellers,
        salts: tempfile::tempdir().unwrap(),
        deployments,
        dir,
    }
}

/// What each labeller commits per item (`None`: no commit). Item 0 unanimous (Strong),
/// 1 two of three (Standard), 2 one commit (void: consensus needs 2), 3 and 4 a
/// three-way split (escalated; 4 is then audited), 5 untouched.
const BALLOTS: [[Option<u8>; 3]; 6] = [
    [Some(1), Some(1), Some(1)],
    [Some(1), Some(1), Some(2)],
    [Some(0), None, None],
    [Some(0), Some(1), Some(2)],
    [Some(0), Some(1), Some(2)],
    [None, None, None],
];

/// Creates the task, commits and reveals [`BALLOTS`], finalizes items 0 to 4. Returns
/// the task id. Item 4 stays escalated: [`audit_item_four`] resolves it.
async fn labelled_task(w: &World) -> u64 {
    let spec = TaskSpec {
        data_root: demo::data_root(BALLOTS.len() as u32),
        items: BALLOTS.len() as u32,
        classes: 3,
        k: 3,
        threshold_bps: 6_000,
        payment_token: None,
        reward: lbl(1),
        stake: lbl(5),
        commit_secs: 3_600,
        reveal_secs: 3_600,
        audit_rate_bps: 0,
        min_tier: 0,
        metadata_uri: "ipfs://history-test/task.json".into(),
    };
    let task = ops::task_create(&w.requester, &w.a, &spec)
        .await
        .unwrap()
        .task;
    let salts = w.salts.path();
    for_each_ballot(w, |c, item, label| async move {
        ops::commit(c, &w.a, salts, task, item, Some(label), false)
            .await
            .unwrap();
    })
    .await;
    w.up.conn.advance(3_601).await.unwrap();
    for_each_ballot(w, |c, item, _| async move {
        ops::reveal(c, &w.a, salts, task, item).await.unwrap();
    })
    .await;
    for item in 0..5 {
        ops::finalize(&w.up.conn, &w.a, task, item).await.unwrap();
    }
    task
}

async fn for_each_ballot<'w, F, Fut>(w: &'w World, f: F)
where
    F: Fn(&'w Conn, u32, u8) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for (item, ballot) in BALLOTS.iter().enumerate() {
        for (c, label) in w.labellers.iter().zip(ballot) {
            if let Some(label) = label {
                f(c, item as u32, *label).await;
            }
        }
    }
}

/// The admin audits escalated item 4 with label 2 (labeller 3's).
async fn audit_item_four(w: &World, task: u64) {
    ops::audit(&w.up.conn, &w.a, task, 4, 2).await.unwrap();
}

fn quick() -> LogOptions {
    LogOptions {
        backoff: Duration::from_millis(1),
        attempts: 2,
        ..LogOptions::default()
    }
}

fn pages(page_blocks: u64) -> LogOptions {
    LogOptions {
        page_blocks,
        ..quick()
    }
}

async fn read(conn: &Conn, a: &Addresses, task: u64, opts: &LogOptions) -> History {
    history::read(conn, a, task, 0, opts, &mut |_| {})
        .await
        .expect("the history replays")
}

async fn items(w: &World, task: u64) -> Vec<Item> {
    let mut out = Vec::new();
    for i in 0..BALLOTS.len() as u32 {
        out.push(ops::item(&w.up.conn, &w.a, task, i).await.unwrap());
    }
    out
}

/// Each item's replayed state is what `getItem` says, in every field the events carry.
fn assert_matches_get_item(h: &History, chain: &[Item]) {
    assert_eq!(h.items.len(), chain.len());
    for (i, (s, c)) in h.items.iter().zip(chain).enumerate() {
        match s.status {
            Status::Accepted => {
                assert_eq!(c.status, ItemStatus::Final, "item {i}");
                assert_eq!(
                    (s.label, s.tier, s.votes, s.commits),
                    (Some(c.label), c.quality, c.votes, c.commits),
                    "item {i}"
                );
            }
            Status::Void { .. } => assert_eq!(c.status, ItemStatus::Void, "item {i}"),
            Status::Escalated { deadline } => {
                assert_eq!(
                    (c.status, c.audit_deadline),
                    (ItemStatus::Escalated, deadline)
                )
            }
            Status::PendingAudit { label, deadline } => assert_eq!(
                (c.status, c.label, c.audit_deadline),
                (ItemStatus::PendingAudit, label, deadline)
            ),
            Status::Open => assert!(
                matches!(c.status, ItemStatus::None | ItemStatus::Open),
                "item {i}: {:?}",
                c.status
            ),
        }
    }
}

async fn the_replay_gives_every_items_state_as_get_item_does(w: &World, task: u64) -> History {
    let h = read(&w.up.conn, &w.a, task, &LogOptions::default()).await;
    assert_matches_get_item(&h, &items(w, task).await);
    let tiers: Vec<_> = h.items.iter().map(|s| s.tier).collect();
    assert_eq!(
        tiers,
        [
            Some(Quality::Strong),
            Some(Quality::Standard),
            None,
            None,
            Some(Quality::Audited),
            None
        ]
    );
    assert_eq!(
        h.items[2].status,
        Status::Void {
            reason: VoidReason::TooFewCommits
        }
    );
    assert!(matches!(h.items[3].status, Status::Escalated { .. }));
    assert_eq!(h.items[4].audited_by, Some(w.up.conn.signer.unwrap()));
    assert_eq!(h.items[5].status, Status::Open);
    let c = h.counts;
    assert_eq!((c.accepted, c.void, c.escalated, c.open), (3, 1, 1, 1));
    assert_eq!(h.final_seq, 3);
    assert_eq!(h.items[4].seq, Some(3));
    h
}

async fn pages_of_one_and_three_blocks_read_the_same_history(
    w: &World,
    task: u64,
    whole: &History,
) {
    for n in [1, 3] {
        let mut calls = 0;
        let h = history::read(&w.up.conn, &w.a, task, 0, &pages(n), &mut |p| {
            calls += 1;
            assert!(p.blocks_done <= p.blocks_total);
        })
        .await
        .unwrap();
        assert_eq!(&h, whole, "pages of {n} blocks");
        // One progress call per page of blocks 0..=head.
        assert_eq!(calls as u64, (whole.block + 1).div_ceil(n));
    }
}

/// One event's label changed: its digest no longer follows, and the replay says where.
async fn a_changed_label_on_a_real_chain_is_refused(w: &World, task: u64) {
    let block = history::head(&w.up.conn).await.unwrap();
    let chain = history::on_chain(&w.up.conn, &w.a, task, block)
        .await
        .unwrap();
    let mut events: Vec<ItemEvent> =
        history::item_events(&w.up.conn, &w.a, task, 0, block, &quick(), &mut |_| {})
            .await
            .unwrap();
    let e = events
        .iter_mut()
        .find(|e| e.item == 1 && matches!(e.kind, EventKind::Finalized { .. }))
        .unwrap();
    let at = e.block;
    if let EventKind::Finalized { label, .. } = &mut e.kind {
        *label = 2;
    }
    let err = History::replay(task, &events, chain).unwrap_err();
    assert!(
        matches!(err, ReplayError::DigestMismatch { item: 1, seq: 2, block, .. } if block == at),
        "{err}"
    );
}

#[tokio::test]
async fn the_history_of_a_task_replays_to_the_chain_and_publishes() {
    let w = world().await;
    let task = labelled_task(&w).await;
    // Before the audit: an export of two items.
    let before = read(&w.up.conn, &w.a, task, &LogOptions::default()).await;
    assert_eq!(before.final_seq, 2);
    audit_item_four(&w, task).await;
    let h = the_replay_gives_every_items_state_as_get_item_does(&w, task).await;
    pages_of_one_and_three_blocks_read_the_same_history(&w, task, &h).await;
    a_changed_label_on_a_real_chain_is_refused(&w, task).await;
    publishing(&w, task, &before, &h).await;
    w.up.node.unwrap().shutdown();
}

fn release(h: &History, uri: &str) -> Release {
    Release {
        labels_digest: h.digest,
        seq: h.final_seq,
        file_hash: alloy::primitives::keccak256(uri),
        uri: uri.into(),
    }
}

/// A stale export is refused with how far the chain moved; the current one publishes
/// and is listed with its transaction; anyone but the requester gets the custom error.
async fn publishing(w: &World, task: u64, stale: &History, h: &History) {
    let e = datasets::publish(&w.requester, &w.a, task, &release(stale, "file:///v0"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::DatasetStale {
                onchain_seq: 3,
                export_seq: 2,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("1 more item(s)"), "{e}");
    let p = datasets::publish(&w.requester, &w.a, task, &release(h, "file:///v0"))
        .await
        .unwrap();
    assert_eq!(p.version, 0);
    let listed = datasets::list(&w.up.conn, &w.a, task, 0, &pages(7), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let v = &listed[0];
    assert_eq!(
        (v.version, v.labels_digest, v.uri.as_str()),
        (0, h.digest, "file:///v0")
    );
    assert_eq!(v.file_hash, alloy::primitives::keccak256("file:///v0"));
    assert_eq!((v.tx, v.block), (Some(p.tx.tx_hash), Some(p.tx.block)));
    assert!(v.published_at > 0);
    the_cli_lists_what_was_published(w, task, stale, &p.tx.tx_hash.to_string());
    let e = datasets::publish(&w.up.conn, &w.a, task, &release(h, "file:///evil"))
        .await
        .unwrap_err();
    match &e {
        Error::Revert { revert, .. } => assert_eq!(revert.name, "NotRequester", "{e}"),
        other => panic!("expected NotRequester, got {other}"),
    }
}

/// `dataset list --json` prints the version with its transaction; `dataset publish` of a
/// stale export exits non-zero with the typed error's kind and sends nothing.
fn the_cli_lists_what_was_published(w: &World, task: u64, stale: &History, tx: &str) {
    let global = |c: &mut std::process::Command| {
        c.args([
            "--rpc-url",
            &w.up.conn.endpoint.url,
            "--json",
            "--deployments",
        ])
        .arg(&w.deployments);
    };
    let mut c = common::labelchain(w.dir.path());
    global(&mut c);
    c.args([
        "dataset",
        "list",
        "--task",
        &task.to_string(),
        "--page-blocks",
        "10",
    ]);
    let (ok, out, err) = common::run(&mut c);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{out}");
    assert_eq!(v[0]["tx"], tx, "{out}");
    // The CLI's stale publish (of an export directory) is tested in tests/export.rs.
    let _ = stale;
}

async fn through(proxy: &Proxy) -> Conn {
    let endpoint = Endpoint::new(Network::Devnode, Some(proxy.url.clone())).unwrap();
    connect(&endpoint, None)
        .await
        .expect("connects through the proxy")
}

/// The served ranges are disjoint, in order, and cover `0..=head` exactly.
fn assert_read_once(served: &[(u64, u64)], head: u64) {
    let mut next = 0;
    for &(from, to) in served {
        assert_eq!(from, next, "ranges {served:?}");
        next = to + 1;
    }
    assert_eq!(next, head + 1, "ranges {served:?}");
}

async fn a_flaky_rpc_is_retried_and_reads_no_range_twice(w: &World, task: u64, whole: &History) {
    let p = Proxy::start(&w.up.conn.endpoint.url, Fault::EveryThirdGetLogs);
    let h = read(&through(&p).await, &w.a, task, &pages(4)).await;
    assert_eq!(&h, whole);
    let s = p.stats();
    assert!(s.failed_get_logs >= 3, "{s:?}");
    assert_read_once(&s.served, whole.block);
}

async fn an_rpc_that_stops_answering_names_the_unread_range(w: &World, task: u64) {
    let p = Proxy::start(&w.up.conn.endpoint.url, Fault::DropAfter(3));
    let conn = through(&p).await; // request 1: eth_chainId
    let head = history::head(&w.up.conn).await.unwrap();
    let e = history::item_events(&conn, &w.a, task, 0, head, &pages(4), &mut |_| {})
        .await
        .unwrap_err();
    match &e {
        Error::History(HistoryError::LogsUnreadable { from, to, .. }) => {
            // Requests 2 and 3 read blocks 0..=7; the rest was never answered.
            assert_eq!(*from, 8, "{e}");
            assert_eq!(*to, 8, "halved down to one block: {e}");
            assert!(e.to_string().contains("8..=8"), "{e}");
            assert!(e.to_string().contains("--page-blocks"), "{e}");
        }
        other => panic!("expected LogsUnreadable, got {other}"),
    }
    assert_eq!(p.stats().served, [(0, 3), (4, 7)]);
}

async fn halving_gets_through_an_rpc_that_refuses_wide_ranges(
    w: &World,
    task: u64,
    whole: &History,
) {
    let p = Proxy::start(&w.up.conn.endpoint.url, Fault::MaxRange(2));
    let h = read(&through(&p).await, &w.a, task, &pages(5_000)).await;
    assert_eq!(&h, whole);
    let s = p.stats();
    assert!(s.served.iter().all(|(f, t)| t - f < 2), "{s:?}");
    assert_read_once(&s.served, whole.block);
    // Halved from the whole chain to 2 blocks once, then kept: a few refusals, not one
    // per page.
    assert!(s.failed_get_logs <= 2 * 8, "{s:?}");
}

#[tokio::test]
async fn reads_survive_rpcs_that_fail_and_name_what_they_could_not_read() {
    let w = world().await;
    let task = labelled_task(&w).await;
    audit_item_four(&w, task).await;
    let whole = read(&w.up.conn, &w.a, task, &LogOptions::default()).await;
    a_flaky_rpc_is_retried_and_reads_no_range_twice(&w, task, &whole).await;
    an_rpc_that_stops_answering_names_the_unread_range(&w, task).await;
    halving_gets_through_an_rpc_that_refuses_wide_ranges(&w, task, &whole).await;
    w.up.node.unwrap().shutdown();
}
