//! `labelchain deploy` against the in-process devnode: a full deploy, an idempotent
//! rerun, resuming after a crash, and the refusals (wrong chain, unfunded key,
//! unreachable RPC) that must leave nothing written.

mod common;

use alloy::primitives::U256;
use labelchain::commands::deploy::{run, StepStatus};
use labelchain::config::{parse_key, Endpoint, Network};
use labelchain::progress::Quiet;
use labelchain::{state, Error};

use common::*;

#[tokio::test]
async fn full_deploy_then_a_rerun_sends_nothing() {
    let node = node();
    let conn = dev_conn(node.url()).await;
    let dir = tempfile::tempdir().unwrap();
    let opts = options(dir.path());

    let dry = run(
        &conn,
        &DeployOptions {
            dry_run: true,
            ..opts.clone()
        },
        &Quiet,
    )
    .await
    .unwrap();
    assert!(dry.steps.iter().all(|s| s.status == StepStatus::Planned));
    assert!(dry.estimated_cost_wei.unwrap() > U256::ZERO);
    assert!(files(dir.path()).is_empty(), "a dry run writes nothing");

    let first = run(&conn, &opts, &Quiet).await.unwrap();
    assert_eq!(first.sent, 5 + 3 + 1, "{:#?}", first.steps);
    println!(
        "full deploy: {} gas, {} wei; per step: {:?}",
        first.gas_used,
        first.cost_wei,
        first
            .steps
            .iter()
            .map(|s| (s.id.clone(), s.gas_used, s.data_fee))
            .collect::<Vec<_>>()
    );
    let path = state::path_for(dir.path(), conn.chain_id);
    let d = state::load(&path).unwrap().unwrap();
    assert!(d.complete);
    assert_eq!(d.contracts.len(), 5);
    assert!(d
        .contracts
        .values()
        .all(|c| c.tx_hash.is_some() && c.stylus_version > 0));
    assert_eq!(d.steps.len(), 4);
    assert_eq!(d.addresses().unwrap().token, first.addresses.token);

    let second = run(&conn, &opts, &Quiet).await.unwrap();
    assert_eq!(second.sent, 0);
    assert!(second.steps.iter().all(|s| s.status == StepStatus::OnChain));
    assert_eq!(
        state::load(&path).unwrap().unwrap(),
        d,
        "the record is unchanged"
    );

    // Other parameters against the same record: refused, nothing changed.
    let other = DeployOptions {
        unbonding_period: 3_600,
        ..opts.clone()
    };
    let e = run(&conn, &other, &Quiet).await.unwrap_err();
    assert!(matches!(e, Error::State { .. }), "{e}");
    assert!(e.to_string().contains("unbondingPeriod"), "{e}");
}

#[tokio::test]
async fn a_deploy_killed_half_way_is_finished_by_a_rerun() {
    let node = node();
    let conn = dev_conn(node.url()).await;
    let dir = tempfile::tempdir().unwrap();
    let opts = options(dir.path());
    let path = state::path_for(dir.path(), conn.chain_id);

    let crashed = DeployOptions {
        stop_after: Some(2),
        ..opts.clone()
    };
    assert!(matches!(
        run(&conn, &crashed, &Quiet).await.unwrap_err(),
        Error::Interrupted
    ));
    let d = state::load(&path).unwrap().unwrap();
    assert_eq!(d.contracts.len(), 2);
    assert!(!d.complete);

    // A crash between a transaction and its record: the program is on chain but the
    // file does not know it. The rerun finds it (CREATE2 address) and sends nothing.
    let mut forgotten = d.clone();
    forgotten.contracts.remove("staking_escrow");
    state::save(&path, &forgotten).unwrap();

    let rest = run(&conn, &opts, &Quiet).await.unwrap();
    assert_eq!(rest.sent, 3 + 3 + 1, "{:#?}", rest.steps);
    let statuses: Vec<_> = rest.steps.iter().map(|s| s.status).collect();
    assert_eq!(&statuses[..2], &[StepStatus::OnChain, StepStatus::OnChain]);
    let d = state::load(&path).unwrap().unwrap();
    assert!(d.complete);
    assert_eq!(d.contracts.len(), 5);
    assert!(
        d.contracts["staking_escrow"].tx_hash.is_none(),
        "adopted from the chain"
    );
    assert_eq!(run(&conn, &opts, &Quiet).await.unwrap().sent, 0);
}

#[tokio::test]
async fn refusals_leave_nothing_written() {
    let node = node();
    let dir = tempfile::tempdir().unwrap();
    let deployments = dir.path().join("deployments");
    let opts = options(&deployments);

    // Wrong chain: Arbitrum Sepolia's profile pointed at the devnode.
    let sepolia = Endpoint::new(Network::ArbitrumSepolia, Some(node.url().into())).unwrap();
    let e = labelchain::chain::connect(&sepolia, None)
        .await
        .err()
        .unwrap();
    assert!(
        matches!(
            e,
            Error::WrongChain {
                expected: 421_614,
                actual: 412_346,
                ..
            }
        ),
        "{e}"
    );

    // Unreachable RPC.
    let dead = Endpoint::new(Network::Devnode, Some("http://127.0.0.1:9".into())).unwrap();
    let e = labelchain::chain::connect(&dead, None).await.err().unwrap();
    assert!(matches!(e, Error::Unreachable { .. }), "{e}");
    assert!(e.to_string().contains("127.0.0.1:9"), "{e}");

    // Unfunded key: refused before anything is sent.
    let endpoint = Endpoint::new(Network::Devnode, Some(node.url().into())).unwrap();
    let poor =
        parse_key("0x1111111111111111111111111111111111111111111111111111111111111111").unwrap();
    let conn = labelchain::chain::connect(&endpoint, Some(poor))
        .await
        .unwrap();
    let e = run(&conn, &opts, &Quiet).await.unwrap_err();
    assert!(matches!(e, Error::Unfunded { .. }), "{e}");
    assert!(files(&deployments).is_empty(), "nothing written");
    assert_eq!(
        node.with_chain(|c| c.nonce(conn.signer.unwrap())),
        0,
        "nothing sent"
    );

    // Programs missing: named, with what to run.
    let e = run(
        &conn,
        &DeployOptions {
            programs_dir: dir.path().join("nope"),
            ..opts.clone()
        },
        &Quiet,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, Error::ProgramsMissing { .. }), "{e}");
    assert!(files(&deployments).is_empty());
}

use labelchain::commands::deploy::DeployOptions;
