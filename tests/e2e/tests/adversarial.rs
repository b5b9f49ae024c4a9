//! Attacks and mistakes on the real WASM: each is refused with the expected custom error
//! (decoded by name against the protocol's ABIs) and moves no funds — every balance,
//! claimable amount, stake, the escrow's holdings and liabilities and the LBL supply are
//! the same before and after.

use alloy::primitives::{Address, Bytes, B256, U256};
use alloy::sol_types::SolCall;
use e2e::solidity::IReentrantToken;
use e2e::*;
use labelchain::bindings::IStakingEscrow;

/// A fresh chain, a default LBL task and three labellers with 100 LBL staked.
async fn setup() -> (Env, Actor, u64, Vec<Actor>) {
    let env = Env::start().await;
    let (requester, task) = env.lbl_task(&Spec::default()).await;
    let mut ls = Vec::new();
    for _ in 0..3 {
        ls.push(env.labeller(lbl(100)).await);
    }
    (env, requester, task, ls)
}

fn addrs(actors: &[&Actor]) -> Vec<Address> {
    actors.iter().map(|a| a.addr).collect()
}

#[tokio::test]
async fn a_commitment_replayed_by_another_labeller_or_on_another_item_cannot_be_revealed() {
    let (env, requester, task, ls) = setup().await;
    require_time_travel!(env);
    let (alice, mallory) = (&ls[0], &ls[1]);
    let c = env.commitment(task, 0, alice.addr, 1);
    alice.must(alice.verifier().commit(task, 0, c)).await;
    // Mallory copies Alice's commitment from the mempool/log, on the same item and on
    // another one; Alice reuses hers on item 1.
    mallory.must(mallory.verifier().commit(task, 0, c)).await;
    alice.must(alice.verifier().commit(task, 1, c)).await;
    env.commit(&ls[2], task, 0, 1).await;
    env.end_commit(task).await;
    let who = addrs(&[alice, mallory, &requester]);
    let before = env.books(&[env.lbl()], &who).await;
    let salt = Env::salt(task, 0, alice.addr, 1);
    // Mallory learns Alice's label and salt (Alice revealed first) and replays them.
    env.reveal(alice, task, 0, 1).await;
    let before_replay = env.books(&[env.lbl()], &who).await;
    assert_eq!(before, before_replay, "a reveal moves no funds");
    let r = mallory
        .send(mallory.verifier().reveal(task, 0, 1, salt))
        .await;
    let e = expect_revert(r, "CommitmentMismatch");
    assert_eq!(e.args, vec!["0"]);
    let r = alice.send(alice.verifier().reveal(task, 1, 1, salt)).await;
    let e = expect_revert(r, "CommitmentMismatch");
    assert_eq!(e.args, vec!["1"]);
    assert_eq!(env.books(&[env.lbl()], &who).await, before);
    // The mempool copy cost Mallory the no-reveal slash in the end, not Alice.
    env.reveal(&ls[2], task, 0, 1).await;
    env.end_reveal(task).await;
    env.finalize(task, 0).await;
    assert_eq!(env.free_stake(mallory.addr).await, lbl(90));
    env.assert_solvent(&[]).await;
}

#[tokio::test]
async fn a_reveal_with_a_wrong_salt_or_label_is_refused() {
    let (env, requester, task, ls) = setup().await;
    require_time_travel!(env);
    let who = &ls[0];
    env.commit(who, task, 0, 2).await;
    env.end_commit(task).await;
    let books = addrs(&[who, &requester]);
    let before = env.books(&[env.lbl()], &books).await;
    let salt = Env::salt(task, 0, who.addr, 2);
    let wrong_salt = B256::repeat_byte(0x5a);
    for (label, s) in [(2, wrong_salt), (1, salt)] {
        let r = who.send(who.verifier().reveal(task, 0, label, s)).await;
        expect_revert(r, "CommitmentMismatch");
    }
    // A label outside the task's classes is refused before any hashing.
    let r = who.send(who.verifier().reveal(task, 0, 7, salt)).await;
    expect_revert(r, "InvalidLabel");
    // The same refusal mined on chain (no estimate first): still nothing moves.
    let r = who
        .send_unchecked(who.verifier().reveal(task, 0, 2, wrong_salt))
        .await;
    expect_revert(r, "CommitmentMismatch");
    assert_eq!(env.books(&[env.lbl()], &books).await, before);
    env.reveal(who, task, 0, 2).await;
    let r = who.send(who.verifier().reveal(task, 0, 2, salt)).await;
    expect_revert(r, "AlreadyRevealed");
}

#[tokio::test]
async fn reveals_outside_the_reveal_window_are_refused() {
    let (env, requester, task, ls) = setup().await;
    require_time_travel!(env);
    let who = &ls[0];
    env.commit(who, task, 0, 1).await;
    let salt = Env::salt(task, 0, who.addr, 1);
    let books = addrs(&[who, &requester]);
    let before = env.books(&[env.lbl()], &books).await;
    // Too early: the commit window is still open.
    let r = who.send(who.verifier().reveal(task, 0, 1, salt)).await;
    expect_revert(r, "OutsideRevealWindow");
    // Too late.
    env.end_reveal(task).await;
    let r = who.send(who.verifier().reveal(task, 0, 1, salt)).await;
    let e = expect_revert(r, "OutsideRevealWindow");
    let t = env.terms(task).await;
    assert_eq!(
        e.args,
        vec![t.commit_end.to_string(), t.reveal_end.to_string()]
    );
    assert_eq!(env.books(&[env.lbl()], &books).await, before);
    // And a commit after the commit window.
    let late = &ls[1];
    let c = env.commitment(task, 0, late.addr, 1);
    expect_revert(
        late.send(late.verifier().commit(task, 0, c)).await,
        "CommitWindowClosed",
    );
    assert_eq!(env.books(&[env.lbl()], &books).await, before);
}

#[tokio::test]
async fn a_second_commit_by_the_same_labeller_and_a_k_plus_first_commit_are_refused() {
    let (env, requester, task, ls) = setup().await;
    env.commit_all(&ls, task, 0, &[1, 1, 2]).await;
    let extra = env.labeller(lbl(100)).await;
    let who = addrs(&[&ls[0], &extra, &requester]);
    // Double commit, with another label, on an item that still has room.
    env.commit(&ls[0], task, 1, 1).await;
    let before = env.books(&[env.lbl()], &who).await;
    let c = env.commitment(task, 1, ls[0].addr, 2);
    let e = expect_revert(
        ls[0].send(ls[0].verifier().commit(task, 1, c)).await,
        "AlreadyCommitted",
    );
    assert_eq!(e.args, vec!["1"]);
    // A fourth commit on an item with k = 3.
    let c = env.commitment(task, 0, extra.addr, 1);
    let e = expect_revert(
        extra.send(extra.verifier().commit(task, 0, c)).await,
        "ItemFull",
    );
    assert_eq!(e.args, vec!["0"]);
    // Out of range, empty, and without enough free stake.
    let c = env.commitment(task, 9, extra.addr, 1);
    expect_revert(
        extra.send(extra.verifier().commit(task, 9, c)).await,
        "ItemOutOfRange",
    );
    expect_revert(
        extra
            .send(extra.verifier().commit(task, 1, B256::ZERO))
            .await,
        "EmptyCommitment",
    );
    let poor = env.actor().await;
    let c = env.commitment(task, 1, poor.addr, 1);
    expect_revert(
        poor.send(poor.verifier().commit(task, 1, c)).await,
        "InsufficientFreeStake",
    );
    assert_eq!(env.books(&[env.lbl()], &who).await, before);
    env.assert_solvent(&[]).await;
}

/// Audit by a non-auditor (a labeller of the item, even), minting emission directly, and
/// slashing or paying through the escrow's protocol entry points: each refused, naming
/// the role it lacks.
async fn protocol_entry_points_refuse(m: &Actor, task: u64, ls: &[Actor]) {
    // Audit by a non-auditor (a labeller of the item, even).
    for a in [m, &ls[1]] {
        let e = expect_revert(a.send(a.verifier().audit(task, 0, 1)).await, "NotAuditor");
        assert_eq!(e.args, vec![a.addr.to_checksum(None)]);
    }
    // Minting emission directly.
    expect_revert(
        m.send(m.token().mintEmission(m.addr, vec![U256::from(15_000u16)]))
            .await,
        "NotMinter",
    );
    // Slashing / paying through the escrow's protocol entry points.
    let row = vec![
        U256::from_be_slice(ls[0].addr.as_slice()),
        U256::ZERO,
        lbl(10),
        U256::ZERO,
        U256::ZERO,
    ];
    expect_revert(
        m.send(m.escrow().settle(task, row, U256::ZERO, U256::ZERO, 10_000))
            .await,
        "NotVerifier",
    );
    expect_revert(
        m.send(m.escrow().lock(ls[0].addr, lbl(10))).await,
        "NotVerifier",
    );
    expect_revert(
        m.send(m.escrow().refundBounty(task, lbl(1))).await,
        "NotRegistry",
    );
    expect_revert(m.send(m.escrow().cancelBounty(task)).await, "NotRegistry");
    expect_revert(m.send(m.escrow().collectFee(task)).await, "NotVerifier");
}

/// Every owner-only setting, refused to `m`.
async fn owner_settings_refuse(m: &Actor) {
    // Admin settings.
    let unauthorized = "OwnableUnauthorizedAccount";
    expect_revert(
        m.send(m.registry().setParams(
            1_000, 10_000, 10_000, 0, 3_600, 10_000, 10_000, 15_000, 5_000,
        ))
        .await,
        unauthorized,
    );
    expect_revert(m.send(m.registry().setPaused(true)).await, unauthorized);
    expect_revert(
        m.send(m.registry().setPaymentToken(m.addr, true)).await,
        unauthorized,
    );
    expect_revert(
        m.send(m.verifier().setAuditor(m.addr, true)).await,
        unauthorized,
    );
    expect_revert(
        m.send(m.escrow().setUnbondingPeriod(3_600)).await,
        unauthorized,
    );
    expect_revert(m.send(m.escrow().setTreasury(m.addr)).await, unauthorized);
    expect_revert(
        m.send(m.escrow().setProtocol(m.addr, m.addr)).await,
        unauthorized,
    );
    expect_revert(m.send(m.token().setMinter(m.addr)).await, unauthorized);
}

/// Even the owner cannot re-wire what is wired once.
async fn wiring_happens_once(admin: &Actor, m: &Actor) {
    // Even the owner cannot re-wire what is wired once.
    expect_revert(
        admin.send(admin.token().setMinter(m.addr)).await,
        "MinterAlreadySet",
    );
    expect_revert(
        admin.send(admin.escrow().setProtocol(m.addr, m.addr)).await,
        "ProtocolAlreadySet",
    );
}

#[tokio::test]
async fn only_auditors_audit_only_the_verifier_mints_and_slashes_only_owners_set_parameters() {
    let (env, requester, task, ls) = setup().await;
    require_time_travel!(env);
    env.vote(&ls, task, 0, &[0, 1, 2], &[true, true, true])
        .await;
    env.finalize(task, 0).await;
    assert_eq!(env.item(task, 0).await.status, ItemStatus::Escalated);
    let mallory = env.funded(lbl(10)).await;
    let who = addrs(&[&mallory, &requester, &ls[0], &ls[1], &ls[2], &env.admin]);
    let before = env.books(&[env.lbl()], &who).await;
    let m = &mallory;

    protocol_entry_points_refuse(m, task, &ls).await;
    owner_settings_refuse(m).await;
    wiring_happens_once(&env.admin, m).await;
    // Someone else's stake: nothing to withdraw, nothing to claim.
    expect_revert(m.send(m.escrow().withdraw()).await, "NothingToWithdraw");
    expect_revert(m.send(m.escrow().claim(env.lbl())).await, "NothingToClaim");
    assert_eq!(env.books(&[env.lbl()], &who).await, before);
    assert!(!env.admin.registry().paused().call().await.unwrap());
    assert!(!env.admin.verifier().isAuditor(m.addr).call().await.unwrap());
    env.assert_solvent(&[]).await;
}

#[tokio::test]
async fn while_paused_no_task_is_created_and_nobody_commits_and_nothing_moves() {
    let (env, requester, task, ls) = setup().await;
    env.admin.must(env.admin.registry().setPaused(true)).await;
    let spec = Spec::default();
    let r2 = env.funded(spec.cost()).await;
    r2.approve(env.lbl(), env.a.escrow, spec.cost()).await;
    let who = addrs(&[&requester, &r2, &ls[0]]);
    let before = env.books(&[env.lbl()], &who).await;
    expect_revert(r2.send(spec.create_call(&r2)).await, "EnforcedPause");
    let c = env.commitment(task, 0, ls[0].addr, 1);
    expect_revert(
        ls[0].send(ls[0].verifier().commit(task, 0, c)).await,
        "EnforcedPause",
    );
    let cs = vec![c, env.commitment(task, 1, ls[0].addr, 1)];
    expect_revert(
        ls[0]
            .send(ls[0].verifier().commitBatch(task, vec![0, 1], cs))
            .await,
        "EnforcedPause",
    );
    assert_eq!(env.books(&[env.lbl()], &who).await, before);
    assert_eq!(env.admin.registry().taskCount().call().await.unwrap(), task);
    // Pausing twice is refused too.
    expect_revert(
        env.admin.send(env.admin.registry().setPaused(true)).await,
        "EnforcedPause",
    );
    // The requester can still leave: cancelling is not stopped by a pause.
    requester.must(requester.registry().cancelTask(task)).await;
    assert_eq!(requester.claim(env.lbl()).await, spec.cost());
    env.assert_solvent(&[]).await;
}

/// A task paid in a malicious token that, once armed, re-enters the escrow's `claim`
/// from inside its own `transfer`/`transferFrom`.
#[tokio::test]
async fn a_malicious_payment_token_that_re_enters_on_transfer_gains_nothing() {
    let env = Env::start().await;
    require_time_travel!(env);
    let evil = env.deploy_solidity("ReentrantToken").await;
    env.allow_payment_token(evil).await;
    let token = IReentrantToken::new(evil, env.admin.p());
    let spec = Spec {
        token: Some(evil),
        k: 1,
        items: 2,
        reward: lbl(5),
        ..Spec::default()
    };
    let requester = env.actor().await;
    env.mint_test_token(evil, requester.addr, spec.cost() * U256::from(2))
        .await;
    let task = env.create_task(&requester, &spec).await;
    let l = env.labeller(lbl(100)).await;
    env.vote(std::slice::from_ref(&l), task, 0, &[1], &[true])
        .await;
    env.finalize(task, 0).await;
    assert_eq!(env.claimable(evil, l.addr).await, lbl(5));
    let claim = Bytes::from(IStakingEscrow::claimCall { token: evil }.abi_encode());
    let tokens = [env.lbl(), evil];
    let who = addrs(&[&l, &requester, &env.admin]);

    // 1. The re-entry fails and the token passes the failure on: the claim fails whole.
    env.admin
        .must(token.arm(env.a.escrow, claim.clone(), true))
        .await;
    let before = env.books(&tokens, &who).await;
    let r = l.send(l.escrow().claim(evil)).await;
    let e = expect_revert(r, "SafeErc20FailedOperation");
    assert_eq!(e.args, vec![evil.to_checksum(None)]);
    // ... and the same on deposit (transferFrom inside createTask).
    requester.approve(evil, env.a.escrow, spec.cost()).await;
    let before_create = env.books(&tokens, &who).await;
    let r = requester.send(spec.create_call(&requester)).await;
    expect_revert(r, "SafeErc20FailedOperation");
    assert_eq!(env.books(&tokens, &who).await, before_create);
    assert_eq!(env.admin.registry().taskCount().call().await.unwrap(), task);
    assert_eq!(env.books(&tokens, &who).await, before);

    // 2. The token swallows the failed re-entry: the claim pays exactly once.
    env.admin
        .must(token.arm(env.a.escrow, claim.clone(), false))
        .await;
    let attempts = token.attempts().call().await.unwrap();
    assert_eq!(l.claim(evil).await, lbl(5));
    assert_eq!(
        token.attempts().call().await.unwrap(),
        attempts + U256::from(1)
    );
    assert!(
        !token.lastOk().call().await.unwrap(),
        "the re-entrant claim failed"
    );
    assert_eq!(env.claimable(evil, l.addr).await, U256::ZERO);
    expect_revert(l.send(l.escrow().claim(evil)).await, "NothingToClaim");
    env.assert_solvent(&[evil]).await;
    // What the escrow refused the re-entry with: Stylus's reentrancy guard (no data).
    let ret = token.lastRet().call().await.unwrap();
    eprintln!(
        "re-entrant claim reverted with {}",
        labelchain::errors::decode(&ret)
    );
}
