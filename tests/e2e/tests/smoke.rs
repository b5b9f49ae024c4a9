//! The harness itself: a fresh chain per test, the protocol deployed and wired as the
//! CLI does it, funded actors, time travel.

use alloy::primitives::U256;
use e2e::*;

#[tokio::test]
async fn a_fresh_chain_has_the_protocol_deployed_and_wired() {
    let env = Env::start().await;
    let w = env.admin.verifier().wiring().call().await.unwrap();
    assert_eq!(
        (w._0, w._1, w._2),
        (env.a.registry, env.a.escrow, env.a.token)
    );
    assert!(env
        .admin
        .verifier()
        .isAuditor(env.auditor.addr)
        .call()
        .await
        .unwrap());
    assert_eq!(
        env.admin.token().minter().call().await.unwrap(),
        env.a.verifier
    );
    assert_eq!(env.supply().await, lbl(100_000_000));
    let l = env.labeller(lbl(100)).await;
    assert_eq!(
        env.stake_of(l.addr).await,
        (lbl(100), U256::ZERO, U256::ZERO, 0)
    );
    env.assert_solvent(&[]).await;
}

#[tokio::test]
async fn every_test_gets_its_own_chain_and_time_moves_on_demand() {
    let env = Env::start().await;
    let other = Env::start().await;
    if env.is_local() {
        assert_ne!(
            env.node.as_ref().unwrap().url(),
            other.node.as_ref().unwrap().url()
        );
    }
    // What one chain does, the other does not see.
    let l = env.funded(lbl(5)).await;
    assert_eq!(env.balance(env.lbl(), l.addr).await, lbl(5));
    assert_eq!(other.balance(other.lbl(), l.addr).await, U256::ZERO);
    require_time_travel!(env);
    let t = env.now().await;
    env.advance(AUDIT_WINDOW).await;
    let after = env.now().await;
    assert!(after >= t + AUDIT_WINDOW, "{t} -> {after}");
    env.warp_past(after + 10).await;
    assert!(env.now().await > after + 10);
}
