//! `labelchain up` through the library: the demo is seeded, a whole label lifecycle runs
//! through the operation commands, reverts come back decoded, and a second `up` against
//! the same chain deploys and seeds nothing.

mod common;

use std::path::Path;

use alloy::primitives::U256;
use labelchain::chain::Conn;
use labelchain::commands::deploy::DeployOptions;
use labelchain::commands::ops;
use labelchain::commands::up::{start, UpOptions};
use labelchain::progress::Quiet;
use labelchain::protocol::{ItemStatus, TaskStatus};
use labelchain::state::Addresses;
use labelchain::{demo, Error};

/// The demo's three labellers (100 LBL staked each) commit 1, 1, 2 on item 0; a second
/// commit and an early reveal are refused; after the commit window all reveal and the
/// admin finalizes label 1 by two votes.
async fn label_item_zero(
    admin: &Conn,
    a: &Addresses,
    salts: &Path,
    labellers: &[Conn],
    task: u64,
    commit_end: u64,
) {
    for (c, label) in labellers.iter().zip([1u8, 1, 2]) {
        let s = ops::status(c, a, c.signer.unwrap()).await.unwrap();
        assert_eq!(s.stake_free, labelchain::plan::lbl(100));
        ops::commit(c, a, salts, task, 0, Some(label), false)
            .await
            .unwrap();
    }
    // The salt file is never overwritten: a second commit is refused before anything is sent.
    let e = ops::commit(&labellers[0], a, salts, task, 0, Some(2), false)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::CommitExists { label: 1, .. }), "{e}");
    // Reveal too early: the verifier's error, decoded.
    let e = ops::reveal(&labellers[0], a, salts, task, 0)
        .await
        .unwrap_err();
    match &e {
        Error::Revert { revert, .. } => assert_eq!(revert.name, "OutsideRevealWindow", "{e}"),
        other => panic!("expected a revert, got {other}"),
    }
    let after = admin.advance(3_601).await.unwrap();
    assert!(after > commit_end);
    for c in labellers {
        ops::reveal(c, a, salts, task, 0).await.unwrap();
    }
    ops::finalize(admin, a, task, 0).await.unwrap();
    let it = ops::item(admin, a, task, 0).await.unwrap();
    assert_eq!(
        (it.status, it.commits, it.reveals, it.label, it.votes),
        (ItemStatus::Final, 3, 3, 1, 2)
    );
}

/// The winner agreed once in one label and claims its reward and emission.
async fn the_winner_claims(winner: &Conn, a: &Addresses) {
    let s = ops::status(winner, a, winner.signer.unwrap())
        .await
        .unwrap();
    assert_eq!((s.agreed, s.total), (1, 1));
    assert!(
        s.claimable_lbl > labelchain::plan::lbl(2),
        "reward + emission"
    );
    let before = s.lbl;
    ops::claim(winner, a, None).await.unwrap();
    let s = ops::status(winner, a, winner.signer.unwrap())
        .await
        .unwrap();
    assert_eq!(s.claimable_lbl, U256::ZERO);
    assert!(s.lbl > before);
}

/// Unknown task, nothing to finalize (decoded), nothing to claim (decoded), no salt.
async fn errors_are_typed(admin: &Conn, winner: &Conn, a: &Addresses, salts: &Path, task: u64) {
    let e = ops::task_show(admin, a, 99).await.unwrap_err();
    assert!(
        matches!(e, Error::UnknownTask { task: 99, count: 1 }),
        "{e}"
    );
    let e = ops::finalize(admin, a, task, 1).await.unwrap_err();
    assert!(e.to_string().contains("NotFinalizable"), "{e}");
    let e = ops::claim(winner, a, None).await.unwrap_err();
    assert!(e.to_string().contains("NothingToClaim"), "{e}");
    let e = ops::reveal(admin, a, salts, task, 0).await.unwrap_err();
    assert!(matches!(e, Error::NoSalt { .. }), "{e}");
}

#[tokio::test]
async fn up_seeds_a_demo_that_labels_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let deployments = dir.path().join("deployments");
    let salts = dir.path().join("salts");
    let opts = UpOptions {
        port: 0,
        state: None,
        rpc_url: None,
        deploy: DeployOptions {
            deployments_dir: deployments.clone(),
            build_if_missing: false,
            ..DeployOptions::default()
        },
        demo: true,
    };
    let up = start(&opts, &Quiet).await.unwrap();
    let d = up.demo.clone().unwrap();
    assert_eq!(d.task, 1);
    assert_eq!(up.deploy.sent, 8);
    let admin = up.conn.clone();
    let a = ops::addresses(&admin, &deployments).unwrap();

    let t = ops::task_show(&admin, &a, d.task).await.unwrap();
    assert_eq!(
        (
            t.terms.status,
            t.terms.item_count,
            t.terms.num_classes,
            t.terms.labellers_per_item
        ),
        (TaskStatus::Open, 6, 3, 3)
    );
    assert_eq!(t.terms.requester, d.requester);
    assert_eq!(t.bounty_remaining, labelchain::plan::lbl(36));
    assert_eq!(t.class_names, ["circle", "square", "triangle"]);

    let labellers: Vec<_> = demo::labellers()
        .into_iter()
        .map(|k| admin.with_signer(k).unwrap())
        .collect();
    label_item_zero(&admin, &a, &salts, &labellers, d.task, t.terms.commit_end).await;
    let winner = &labellers[0];
    the_winner_claims(winner, &a).await;
    errors_are_typed(&admin, winner, &a, &salts, d.task).await;

    // A second `up` against the same chain: nothing deployed or seeded twice.
    let again = start(
        &UpOptions {
            rpc_url: Some(admin.endpoint.url.clone()),
            ..opts.clone()
        },
        &Quiet,
    )
    .await
    .unwrap();
    assert_eq!(again.deploy.sent, 0);
    assert_eq!(again.demo.unwrap().task, 1);
    up.node.unwrap().shutdown();
}
