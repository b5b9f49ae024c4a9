//! Overflow attacks on the real WASM (issue #10: an attacker with 12 wei drained the
//! StakingEscrow), and the bounds that stop them, each at the edge:
//! - the drain, step by step as the attacker ran it — a task with `stakePerLabel =
//!   2^255 + 1`, a batch commit whose lock `stake × 2` wrapped to 2 wei, a settlement
//!   whose `unlocked + slashed` wrapped and credited ~2^255 of free stake, unstake,
//!   withdraw: every step is refused with its decoded custom error, and no balance,
//!   credit, stake, liability nor the supply moves;
//! - `rewardPerLabel` / `stakePerLabel` = 2^96 - 1 accepted (and a batch lock at that
//!   stake is exact), 2^96 refused; `itemCount × k` = 2^32 - 1 accepted, 2^32 refused.
//!   (Windows that would end past 2^64 s cannot be reached on a chain: ArbOS keeps a
//!   program's activation time in 24 bits of hours, so with the clock near 2^64 every
//!   Stylus program is expired even right after re-activation — nitro and the devnode
//!   alike. That bound, `InvalidTaskParameter(7)`, is left to the contracts' own tests.)
//! - an auditor may not judge a task it requested (`AuditorIsRequester`) or an item it
//!   committed on (`AuditorIsLabeller`); `setAuditor(0x0, …)` is refused;
//! - `verifyItem` refuses an index outside the task (`ItemOutOfRange`);
//! - `reclaim` of a task nobody labelled returns the bounty and the fee;
//! - a property test: `createTask`, `stake`, `unstake` and `commitBatch` with edge-heavy
//!   numbers either succeed with the per-account books balanced ([`Books`]) or revert
//!   with one of the five ABIs' custom errors, moving nothing (`E2E_OVERFLOW_CASES`,
//!   default 16; `E2E_OVERFLOW_SEED`).

mod edge;

use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::sol_types::SolValue;
use e2e::*;
use labelchain::bindings::{IDatasetRegistry, ITaskRegistry};
use proptest::prelude::*;
use proptest::sample::Index;

fn wei(n: u64) -> U256 {
    U256::from(n)
}

/// 2^n.
fn pow2(n: usize) -> U256 {
    U256::from(1u8) << n
}

async fn task_count(env: &Env) -> u64 {
    env.admin.registry().taskCount().call().await.unwrap()
}

/// The stake per label of the drain: 2 × (2^255 + 1) = 2^256 + 2 wraps to 2 wei.
fn drain() -> U256 {
    pow2(255) + wei(1)
}

/// Step 1, the task: 2 items, k = 1, 1 wei per label (bounty 2 wei, fee 0), and a stake
/// of 2^255 + 1 per label: refused (estimated or mined) naming `stakePerLabel`, as is
/// every other stake that wraps a lock of up to 64 items, and the same trick on the reward
/// side (a bounty of items × k × reward that wraps) naming `rewardPerLabel`.
async fn the_drain_task_is_refused(m: &Actor) {
    let spec = Spec {
        items: 2,
        k: 1,
        reward: wei(1),
        stake: drain(),
        ..Spec::default()
    };
    assert_eq!(spec.cost(), wei(2), "the attack fits in 12 wei");
    let e = expect_revert(m.send(spec.create_call(m)).await, "InvalidTaskParameter");
    assert_eq!(e.args, vec!["6"], "stakePerLabel: {e}");
    // Mined without an estimate first (an attacker's own gas limit): the same refusal.
    let e = expect_revert(
        m.send_unchecked(spec.create_call(m)).await,
        "InvalidTaskParameter",
    );
    assert_eq!(e.args, vec!["6"]);
    for stake in [pow2(96), pow2(128), pow2(250), pow2(255), U256::MAX] {
        let s = Spec {
            stake,
            ..spec.clone()
        };
        let e = expect_revert(m.send(s.create_call(m)).await, "InvalidTaskParameter");
        assert_eq!(e.args, vec!["6"], "stake {stake}");
    }
    let s = Spec {
        reward: drain(),
        stake: wei(1),
        ..spec.clone()
    };
    let e = expect_revert(m.send(s.create_call(m)).await, "InvalidTaskParameter");
    assert_eq!(e.args, vec!["5"], "rewardPerLabel");
}

/// Steps 2 and 3 on the task the attacker expected, which does not exist: the batch
/// commit and finality are refused as `TaskNotOpen`, and the wrapped settlement (and a
/// lock) sent straight to the escrow as `NotVerifier`.
async fn commit_and_settlement_are_refused(env: &Env, m: &Actor, task: u64) {
    let cs = vec![
        env.commitment(task, 0, m.addr, 1),
        env.commitment(task, 1, m.addr, 1),
    ];
    let verifier = m.verifier();
    let commit = || verifier.commitBatch(task, vec![0, 1], cs.clone());
    let e = expect_revert(m.send(commit()).await, "TaskNotOpen");
    assert_eq!(e.args, vec![task.to_string()]);
    expect_revert(m.send_unchecked(commit()).await, "TaskNotOpen");
    // Finality, which settled `unlocked + slashed` = 2 × (2^255 + 1) wrapped.
    let e = expect_revert(
        m.send(m.verifier().finalizeBatch(task, vec![0, 1])).await,
        "TaskNotOpen",
    );
    assert_eq!(e.args, vec![task.to_string()]);
    let row = vec![
        U256::from_be_slice(m.addr.as_slice()),
        drain(),
        drain(),
        U256::ZERO,
        U256::ZERO,
    ];
    expect_revert(
        m.send(m.escrow().settle(task, row, U256::ZERO, U256::ZERO, 0))
            .await,
        "NotVerifier",
    );
    expect_revert(m.send(m.escrow().lock(m.addr, wei(2))).await, "NotVerifier");
}

/// Steps 4 and 5: unstaking the ~2^255 the settlement credited (or the victim's stake)
/// is refused with the 2 wei the attacker has; nothing to withdraw or claim.
async fn unstake_and_withdraw_are_refused(m: &Actor, lbl_token: Address, victims: U256) {
    let e = expect_revert(
        m.send(m.escrow().unstake(pow2(255))).await,
        "InsufficientFreeStake",
    );
    assert_eq!(e.args, vec!["2".to_string(), pow2(255).to_string()]);
    let e = expect_revert(
        m.send(m.escrow().unstake(victims)).await,
        "InsufficientFreeStake",
    );
    assert_eq!(e.args, vec!["2".to_string(), victims.to_string()]);
    expect_revert(m.send(m.escrow().withdraw()).await, "NothingToWithdraw");
    expect_revert(m.send(m.escrow().claim(lbl_token)).await, "NothingToClaim");
}

#[tokio::test]
async fn the_escrow_drain_of_issue_10_is_refused_at_every_step_and_moves_nothing() {
    let env = Env::start().await;
    let lbl_token = env.lbl();
    // The victim's stake is what the attack drained.
    let victims = lbl(1_000);
    let victim = env.labeller(victims).await;
    let attacker = env.funded(wei(12)).await;
    attacker.approve(lbl_token, env.a.escrow, U256::MAX).await;
    // Staking two wei is legitimate (it is what the wrapped two-item lock took).
    attacker.must(attacker.escrow().stake(wei(2))).await;
    let who = [attacker.addr, victim.addr, env.admin.addr];
    let before = env.books(&[lbl_token], &who).await;
    let tasks_before = task_count(&env).await;
    let m = &attacker;

    the_drain_task_is_refused(m).await;
    assert_eq!(task_count(&env).await, tasks_before, "no task was created");
    commit_and_settlement_are_refused(&env, m, tasks_before + 1).await;
    unstake_and_withdraw_are_refused(m, lbl_token, victims).await;

    // Nothing moved: wallets, credits, stakes, the escrow's holdings and liabilities,
    // the supply.
    assert_eq!(env.books(&[lbl_token], &who).await, before);
    assert_eq!(
        env.stake_of(victim.addr).await,
        (victims, U256::ZERO, U256::ZERO, 0)
    );
    assert_eq!(
        env.stake_of(m.addr).await,
        (wei(2), U256::ZERO, U256::ZERO, 0)
    );
    assert_eq!(env.balance(lbl_token, m.addr).await, wei(10));
    env.assert_solvent(&[]).await;
}

#[tokio::test]
async fn a_stake_that_would_take_the_books_past_2_pow_256_is_refused_with_amount_overflow() {
    let env = Env::start().await;
    let l = env.labeller(lbl(1)).await;
    l.approve(env.lbl(), env.a.escrow, U256::MAX).await;
    let who = [l.addr, env.admin.addr];
    let before = env.books(&[env.lbl()], &who).await;
    // free + MAX and liabilities + MAX both pass 2^256: the escrow's own check refuses it
    // before the token is asked for the transfer (the sum wrapped silently before #10).
    let e = expect_revert(l.send(l.escrow().stake(U256::MAX)).await, "AmountOverflow");
    assert!(e.args.is_empty(), "{e}");
    assert_eq!(env.books(&[env.lbl()], &who).await, before, "nothing moved");
    env.assert_solvent(&[]).await;
}

/// A 64-item task at the largest stake and 1 wei of reward: each amount one past the
/// bound (or zero) is refused naming its field, moving nothing; the task itself is
/// created with the amounts as given. Returns it.
async fn the_largest_per_label_amounts_are_accepted(env: &Env, requester: &Actor) -> u64 {
    let lbl_token = env.lbl();
    let max = edge::max_per_label();
    let spec = Spec {
        items: 64,
        k: 1,
        reward: wei(1),
        stake: max,
        ..Spec::default()
    };
    let who = [requester.addr, env.admin.addr];
    for (stake, reward, field) in [
        (pow2(96), wei(1), "6"),
        (U256::ZERO, wei(1), "6"),
        (max, pow2(96), "5"),
        (max, U256::ZERO, "5"),
    ] {
        let before = env.books(&[lbl_token], &who).await;
        let s = Spec {
            stake,
            reward,
            ..spec.clone()
        };
        let e = expect_revert(
            requester.send(s.create_call(requester)).await,
            "InvalidTaskParameter",
        );
        assert_eq!(e.args, vec![field], "stake {stake}, reward {reward}");
        assert_eq!(env.books(&[lbl_token], &who).await, before);
    }
    let sent = requester.must(spec.create_call(requester)).await;
    let task = task_created(&sent);
    let terms = env.terms(task).await;
    assert_eq!(
        (terms.reward_per_label, terms.stake_per_label),
        (wei(1), max),
        "reward and stake as created"
    );
    task
}

/// A batch of 64 commits at 2^96 - 1 each locks exactly 64 × (2^96 - 1) = 2^102 - 64:
/// refused for want of stake, with the exact amount (it once wrapped to a few wei); one
/// more is over the batch limit. Nothing moves.
async fn a_batch_lock_at_the_largest_stake_is_exact(
    env: &Env,
    requester: &Actor,
    l: &Actor,
    task: u64,
) {
    let lbl_token = env.lbl();
    let items: Vec<u32> = (0..64).collect();
    let cs: Vec<B256> = items
        .iter()
        .map(|&i| env.commitment(task, i, l.addr, 1))
        .collect();
    let who = [requester.addr, l.addr, env.admin.addr];
    let before = env.books(&[lbl_token], &who).await;
    let e = expect_revert(
        l.send(l.verifier().commitBatch(task, items.clone(), cs.clone()))
            .await,
        "InsufficientFreeStake",
    );
    assert_eq!(
        e.args,
        vec![lbl(1_000).to_string(), (pow2(102) - wei(64)).to_string()]
    );
    let mut items65 = items.clone();
    items65.push(0);
    let mut cs65 = cs.clone();
    cs65.push(cs[0]);
    let e = expect_revert(
        l.send(l.verifier().commitBatch(task, items65, cs65)).await,
        "InvalidBatchSize",
    );
    assert_eq!(e.args, vec!["65", "64"]);
    assert_eq!(env.books(&[lbl_token], &who).await, before);
}

/// The largest reward, paid end to end in the 6-decimal stablecoin (which anyone may
/// mint): 2^96 - 1 units to the labeller `l`, 2.5 % fee to the treasury, books exact.
async fn the_largest_reward_is_paid_end_to_end(env: &Env, l: &Actor) {
    let max = edge::max_per_label();
    let usd_token = env.stablecoin().await;
    let spec = Spec {
        items: 1,
        k: 1,
        token: Some(usd_token),
        reward: max,
        ..Spec::default()
    };
    let payer = env.actor().await;
    env.mint_test_token(usd_token, payer.addr, spec.cost())
        .await;
    let too_much = Spec {
        reward: pow2(96),
        ..spec.clone()
    };
    payer.approve(usd_token, env.a.escrow, U256::MAX).await;
    let e = expect_revert(
        payer.send(too_much.create_call(&payer)).await,
        "InvalidTaskParameter",
    );
    assert_eq!(e.args, vec!["5"]);
    let task = env.create_task(&payer, &spec).await;
    let b = env.admin.escrow().bountyOf(task).call().await.unwrap();
    assert_eq!((b._2, b._3), (max, max * wei(250) / wei(10_000)));
    let treasury_before = env.claimable(usd_token, env.admin.addr).await;
    env.vote(std::slice::from_ref(l), task, 0, &[1], &[true])
        .await;
    env.finalize(task, 0).await;
    assert_eq!(env.item(task, 0).await.status, ItemStatus::Final);
    assert_eq!(env.claimable(usd_token, l.addr).await, max);
    assert_eq!(
        env.claimable(usd_token, env.admin.addr).await - treasury_before,
        spec.fee()
    );
    assert_eq!(l.claim(usd_token).await, max);
    assert_eq!(env.free_stake(l.addr).await, lbl(1_000));
    env.assert_solvent(&[usd_token]).await;
}

#[tokio::test]
async fn per_label_amounts_are_accepted_up_to_2_pow_96_minus_1_and_a_lock_never_wraps() {
    let env = Env::start().await;
    assert_eq!(edge::max_per_label(), pow2(96) - wei(1));
    let requester = env.funded(lbl(1)).await;
    requester.approve(env.lbl(), env.a.escrow, U256::MAX).await;
    let task = the_largest_per_label_amounts_are_accepted(&env, &requester).await;
    let l = env.labeller(lbl(1_000)).await;
    a_batch_lock_at_the_largest_stake_is_exact(&env, &requester, &l, task).await;
    if !env.can_travel() {
        eprintln!("skipped the stablecoin lifecycle: no time travel on this node");
        return;
    }
    the_largest_reward_is_paid_end_to_end(&env, &l).await;
}

#[tokio::test]
async fn a_task_takes_at_most_2_pow_32_minus_1_labels() {
    let env = Env::start().await;
    let lbl_token = env.lbl();
    let requester = env.funded(lbl(1)).await;
    requester.approve(lbl_token, env.a.escrow, U256::MAX).await;
    let who = [requester.addr, env.admin.addr];
    let at = |items: u32, k: u8| Spec {
        items,
        k,
        reward: wei(1),
        ..Spec::default()
    };
    // 2^32 labels, as 2 × 2^31, 32 × 2^27 and (2^32 - 1) × 2: refused, naming itemCount.
    for (items, k) in [(1u32 << 31, 2u8), (1 << 27, 32), (u32::MAX, 2)] {
        let before = env.books(&[lbl_token], &who).await;
        let e = expect_revert(
            requester.send(at(items, k).create_call(&requester)).await,
            "InvalidTaskParameter",
        );
        assert_eq!(e.args, vec!["1"], "{items} items × {k}");
        assert_eq!(env.books(&[lbl_token], &who).await, before);
    }
    // 2^32 - 1 labels, as (2^32 - 1) × 1 and 1431655765 × 3: accepted, bounty 2^32 - 1 wei.
    let max_labels = U256::from(u32::MAX);
    for (items, k) in [(u32::MAX, 1u8), (u32::MAX / 3, 3)] {
        let spec = at(items, k);
        assert_eq!(spec.bounty(), max_labels);
        let sent = requester.must(spec.create_call(&requester)).await;
        let task = task_created(&sent);
        let b = env.admin.escrow().bountyOf(task).call().await.unwrap();
        assert_eq!((b._2, b._3), (max_labels, spec.fee()), "{items} × {k}");
    }
    // The last item of a 2^32 - 1 item task can be labelled; the next index is out of range.
    let task = task_count(&env).await - 1;
    let l = env.labeller(lbl(100)).await;
    env.commit(&l, task, u32::MAX - 1, 1).await;
    let c = env.commitment(task, u32::MAX, l.addr, 1);
    let e = expect_revert(
        l.send(l.verifier().commit(task, u32::MAX, c)).await,
        "ItemOutOfRange",
    );
    assert_eq!(e.args, vec![u32::MAX.to_string(), u32::MAX.to_string()]);
    let p = env
        .admin
        .verifier()
        .taskProgress(task)
        .call()
        .await
        .unwrap();
    assert_eq!((p._0, p._1), (1, 1), "one commit, one open item");
    env.assert_solvent(&[]).await;
}

#[tokio::test]
async fn an_auditor_may_not_judge_a_task_it_requested_or_an_item_it_labelled() {
    let env = Env::start().await;
    require_time_travel!(env);
    let admin = &env.admin;
    let other = a_second_auditor(&env).await;
    let auditor = env.auditor.clone();
    env.give_lbl(auditor.addr, lbl(200)).await;
    let mut ls = Vec::new();
    for _ in 0..3 {
        ls.push(env.labeller(lbl(100)).await);
    }
    let own = a_task_the_auditor_requested(&env, &ls).await;
    let theirs = a_task_the_auditor_labelled(&env, &ls).await;

    let who: Vec<Address> = [&auditor, &other, &ls[0], &ls[1], &ls[2], admin]
        .iter()
        .map(|a| a.addr)
        .collect();
    let before = env.books(&[env.lbl()], &who).await;
    let a = &auditor;
    for item in [0, 1] {
        let e = expect_revert(
            a.send(a.verifier().audit(own, item, 1)).await,
            "AuditorIsRequester",
        );
        assert_eq!(e.args, vec![own.to_string()]);
    }
    let e = expect_revert(
        a.send(a.verifier().audit(theirs, 0, 1)).await,
        "AuditorIsLabeller",
    );
    assert_eq!(e.args, vec!["0"]);
    expect_revert(
        a.send_unchecked(a.verifier().audit(theirs, 0, 1)).await,
        "AuditorIsLabeller",
    );
    assert_eq!(env.books(&[env.lbl()], &who).await, before);
    // The item it did not label is its to judge; the others are the other auditor's.
    a.must(a.verifier().audit(theirs, 1, 1)).await;
    for (task, item) in [(own, 0), (own, 1), (theirs, 0)] {
        other.must(other.verifier().audit(task, item, 1)).await;
        let it = env.item(task, item).await;
        assert_eq!(
            (it.status, it.quality),
            (ItemStatus::Final, Some(Quality::Audited))
        );
    }
    // Auditors' cuts (10 % of each audited item's emission, which the fee bound caps at
    // the item's fee share): three items for the other auditor; one for the conflicted
    // auditor, whose claimable also holds its own rewards as a labeller.
    let cap = env.terms(own).await.emission_cap;
    let cut = cap / U256::from(10u8);
    assert!(!cut.is_zero());
    let cut_a = env.claimable(env.lbl(), a.addr).await;
    let cut_other = env.claimable(env.lbl(), other.addr).await;
    assert_eq!(cut_other, cut * U256::from(3u8), "three cuts");
    assert!(cut_a >= cut, "{cut_a} holds at least one cut of {cut}");
    env.assert_solvent(&[]).await;
}

/// `setAuditor(0x0, …)` is refused either way; a second auditor is allow-listed.
async fn a_second_auditor(env: &Env) -> Actor {
    let admin = &env.admin;
    for allowed in [true, false] {
        expect_revert(
            admin
                .send(admin.verifier().setAuditor(Address::ZERO, allowed))
                .await,
            "ZeroAddress",
        );
    }
    assert!(!admin
        .verifier()
        .isAuditor(Address::ZERO)
        .call()
        .await
        .unwrap());
    let other = env.actor().await;
    admin
        .must(admin.verifier().setAuditor(other.addr, true))
        .await;
    other
}

/// A task the auditor requested: item 0 split three ways (escalated), item 1 unanimous
/// and sampled for audit (pending audit).
async fn a_task_the_auditor_requested(env: &Env, ls: &[Actor]) -> u64 {
    let spec = Spec {
        items: 2,
        audit_rate_bps: 10_000,
        ..Spec::default()
    };
    let own = env.create_task(&env.auditor, &spec).await;
    env.commit_all(ls, own, 0, &[0, 1, 2]).await;
    env.commit_all(ls, own, 1, &[1, 1, 1]).await;
    env.end_commit(own).await;
    env.reveal_all(ls, own, 0, &[0, 1, 2], &[true; 3]).await;
    env.reveal_all(ls, own, 1, &[1, 1, 1], &[true; 3]).await;
    env.finalize(own, 0).await;
    env.finalize(own, 1).await;
    assert_eq!(env.item(own, 0).await.status, ItemStatus::Escalated);
    assert_eq!(env.item(own, 1).await.status, ItemStatus::PendingAudit);
    own
}

/// A task someone else requested, where the auditor labelled item 0 (escalated) but not
/// item 1.
async fn a_task_the_auditor_labelled(env: &Env, ls: &[Actor]) -> u64 {
    let auditor = env.auditor.clone();
    let (_, theirs) = env.lbl_task(&Spec::default()).await;
    auditor.stake(lbl(100)).await;
    let on_item0 = [auditor, ls[0].clone(), ls[1].clone()];
    env.commit_all(&on_item0, theirs, 0, &[0, 1, 2]).await;
    env.commit_all(ls, theirs, 1, &[0, 1, 2]).await;
    env.end_commit(theirs).await;
    env.reveal_all(&on_item0, theirs, 0, &[0, 1, 2], &[true; 3])
        .await;
    env.reveal_all(ls, theirs, 1, &[0, 1, 2], &[true; 3]).await;
    env.finalize(theirs, 0).await;
    env.finalize(theirs, 1).await;
    assert_eq!(env.item(theirs, 0).await.status, ItemStatus::Escalated);
    theirs
}

#[tokio::test]
async fn verify_item_refuses_an_index_outside_the_task() {
    let env = Env::start().await;
    let contents = [keccak256("item 0"), keccak256("item 1")];
    let leaf = |i: u32, h: B256| keccak256(keccak256((U256::from(i), h).abi_encode()));
    let (l0, l1) = (leaf(0, contents[0]), leaf(1, contents[1]));
    let (lo, hi) = if l0 < l1 { (l0, l1) } else { (l1, l0) };
    let root = keccak256([lo.as_slice(), hi.as_slice()].concat());
    let spec = Spec {
        items: 2,
        ..Spec::default()
    };
    let requester = env.funded(spec.cost()).await;
    requester
        .approve(env.lbl(), env.a.escrow, spec.cost())
        .await;
    let task = task_created(
        &requester
            .must(spec.create_call_with_root(&requester, root))
            .await,
    );
    assert_eq!(
        env.admin.registry().dataRoot(task).call().await.unwrap(),
        root
    );
    let datasets = IDatasetRegistry::new(env.a.datasets, env.admin.p());
    let verify = |task: u64, item: u32, h: B256, proof: Vec<B256>| {
        let call = datasets.verifyItem(task, item, h, proof);
        async move {
            call.call().await.map_err(|e| {
                let data = e
                    .as_revert_data()
                    .unwrap_or_else(|| panic!("not a revert: {e}"));
                labelchain::errors::decode(&data)
            })
        }
    };
    assert_eq!(verify(task, 0, contents[0], vec![l1]).await, Ok(true));
    assert_eq!(verify(task, 1, contents[1], vec![l0]).await, Ok(true));
    assert_eq!(verify(task, 0, contents[1], vec![l1]).await, Ok(false));
    assert_eq!(verify(task, 1, contents[0], vec![l0]).await, Ok(false));
    // The last item's leaf under another index (a proof that would pass if the index
    // were not bound by itemCount): refused by the index first.
    for item in [2u32, 3, u32::MAX] {
        let e = verify(task, item, contents[1], vec![l0]).await.unwrap_err();
        assert_eq!(e.name, "ItemOutOfRange", "{e}");
        assert_eq!(e.args, vec![item.to_string(), "2".into()]);
    }
    // No such task: it has no items.
    let e = verify(task + 1, 0, contents[0], vec![l1])
        .await
        .unwrap_err();
    assert_eq!(
        (e.name.as_str(), e.args.clone()),
        ("ItemOutOfRange", vec!["0".to_string(), "0".into()])
    );
}

#[tokio::test]
async fn reclaiming_a_task_nobody_labelled_returns_the_bounty_and_the_fee() {
    let env = Env::start().await;
    require_time_travel!(env);
    let usd_token = env.stablecoin().await;
    let bystander = env.actor().await;
    for token in [None, Some(usd_token)] {
        let spec = Spec {
            token,
            reward: if token.is_some() { usd(3) } else { lbl(2) },
            ..Spec::default()
        };
        let t = token.unwrap_or(env.lbl());
        let requester = env.actor().await;
        match token {
            Some(u) => env.mint_test_token(u, requester.addr, spec.cost()).await,
            None => env.give_lbl(requester.addr, spec.cost()).await,
        }
        let task = env.create_task(&requester, &spec).await;
        let b = env.admin.escrow().bountyOf(task).call().await.unwrap();
        assert_eq!((b._2, b._3), (spec.bounty(), spec.fee()));
        assert!(spec.fee() > U256::ZERO);
        let treasury = env.claimable(t, env.admin.addr).await;
        let owed = env.admin.escrow().liabilities(t).call().await.unwrap();
        let r = bystander.registry();
        expect_revert(bystander.send(r.reclaim(task)).await, "CommitWindowOpen");
        env.end_commit(task).await;
        let sent = bystander.must(r.reclaim(task)).await;
        let reclaimed = event::<ITaskRegistry::BountyReclaimed>(&sent);
        assert_eq!(reclaimed.amount, spec.cost(), "bounty + fee");
        assert_eq!(env.claimable(t, requester.addr).await, spec.cost());
        assert_eq!(env.claimable(t, bystander.addr).await, U256::ZERO);
        assert_eq!(env.claimable(t, env.admin.addr).await, treasury, "no fee");
        let b = env.admin.escrow().bountyOf(task).call().await.unwrap();
        assert_eq!((b._2, b._3), (U256::ZERO, U256::ZERO));
        assert_eq!(
            env.admin.escrow().liabilities(t).call().await.unwrap(),
            owed,
            "a refund moves the bounty to a credit inside the escrow"
        );
        let e = expect_revert(bystander.send(r.reclaim(task)).await, "NothingToReclaim");
        assert_eq!(e.args, vec![task.to_string()]);
        assert_eq!(requester.claim(t).await, spec.cost());
        assert_eq!(env.balance(t, requester.addr).await, spec.cost());
        env.assert_solvent(&[usd_token]).await;
    }
}

// ---- the property test ----

/// `createTask` arguments, each mostly ordinary and sometimes an edge.
#[derive(Clone, Debug)]
struct Terms {
    items: u32,
    classes: u16,
    k: u8,
    threshold_bps: u16,
    stable: bool,
    /// `None`: the ordinary 1 LBL (or 3 USD) / 10 LBL.
    reward: Option<U256>,
    stake: Option<U256>,
    commit_secs: u64,
    reveal_secs: u64,
    audit_rate_bps: u16,
    min_tier: u8,
}

#[derive(Clone, Debug)]
enum Op {
    Create(Terms),
    Stake {
        who: Index,
        amount: U256,
    },
    Unstake {
        who: Index,
        amount: U256,
    },
    /// A batch on one of the created tasks (or `raw_task` when there is none).
    Commit {
        who: Index,
        task: Index,
        raw_task: u64,
        items: Vec<u32>,
        empty: bool,
    },
}

fn terms() -> impl Strategy<Value = Terms> {
    let or_edge =
        |edges: BoxedStrategy<U256>| prop_oneof![2 => Just(None), 1 => edges.prop_map(Some)];
    (
        (
            prop_oneof![3 => 1u32..=4, 1 => edge::u32()],
            prop_oneof![7 => Just(3u16), 1 => edge::u16()],
            prop_oneof![3 => 1u8..=3, 1 => edge::u8()],
            prop_oneof![7 => Just(6_000u16), 1 => edge::u16()],
            any::<bool>(),
        ),
        (
            or_edge(edge::u256().boxed()),
            or_edge(edge::u256().boxed()),
            prop_oneof![5 => Just(3_600u64), 1 => edge::u64()],
            prop_oneof![5 => Just(3_600u64), 1 => edge::u64()],
            prop_oneof![7 => Just(0u16), 1 => edge::u16()],
            prop_oneof![7 => Just(0u8), 1 => edge::u8()],
        ),
    )
        .prop_map(
            |(
                (items, classes, k, threshold_bps, stable),
                (reward, stake, commit_secs, reveal_secs, audit_rate_bps, min_tier),
            )| Terms {
                items,
                classes,
                k,
                threshold_bps,
                stable,
                reward,
                stake,
                commit_secs,
                reveal_secs,
                audit_rate_bps,
                min_tier,
            },
        )
}

/// The case's first task: valid terms but for an edge reward or stake now and then, so
/// that the ops after it have a task to commit on.
fn first_task() -> impl Strategy<Value = Terms> {
    let or_edge = || prop_oneof![5 => Just(None), 1 => edge::u256().prop_map(Some)];
    (1u32..=4, 1u8..=3, any::<bool>(), or_edge(), or_edge()).prop_map(
        |(items, k, stable, reward, stake)| Terms {
            items,
            classes: 3,
            k,
            threshold_bps: 6_000,
            stable,
            reward,
            stake,
            commit_secs: 3_600,
            reveal_secs: 3_600,
            audit_rate_bps: 0,
            min_tier: 0,
        },
    )
}

fn op() -> impl Strategy<Value = Op> {
    let item = prop_oneof![4 => 0u32..2, 1 => edge::u32()];
    let len = prop_oneof![
        8 => Just(1usize),
        4 => Just(2),
        1 => Just(0),
        1 => Just(64),
        1 => Just(65),
    ];
    let batch = len.prop_flat_map(move |n| proptest::collection::vec(item.clone(), n));
    // Labellers hold 500 LBL in their wallets and 500 staked.
    let amount = || prop_oneof![1 => (1u64..=600).prop_map(lbl), 1 => edge::u256()];
    prop_oneof![
        3 => terms().prop_map(Op::Create),
        2 => (any::<Index>(), amount()).prop_map(|(who, amount)| Op::Stake { who, amount }),
        2 => (any::<Index>(), amount()).prop_map(|(who, amount)| Op::Unstake { who, amount }),
        4 => (any::<Index>(), any::<Index>(), edge::u64(), batch, proptest::bool::weighted(0.1))
            .prop_map(|(who, task, raw_task, items, empty)| Op::Commit {
                who,
                task,
                raw_task,
                items,
                empty,
            }),
    ]
}

/// The first `createTask` field the registry refuses, in its order (`InvalidTaskParameter`
/// indices), for terms with a non-zero root and an allowed token.
fn invalid_field(t: &Terms, reward: U256, stake: U256) -> Option<u8> {
    let window = |d: u64| (60..=365 * 86_400).contains(&d);
    let amount = |a: U256| !a.is_zero() && a <= edge::max_per_label();
    let labels = t.items as u64 * t.k as u64;
    let checks = [
        true,
        t.items > 0 && labels <= edge::MAX_LABELS_PER_TASK,
        (2..=256).contains(&t.classes),
        (1..=32).contains(&t.k),
        t.threshold_bps > 5_000 && t.threshold_bps <= 10_000,
        amount(reward),
        amount(stake),
        window(t.commit_secs),
        window(t.reveal_secs),
        t.audit_rate_bps <= 10_000,
        t.min_tier <= 2,
    ];
    checks.iter().position(|ok| !ok).map(|i| i as u8)
}

struct Case<'a> {
    env: &'a Env,
    books: Books,
    usd: Address,
    requester: Actor,
    labellers: Vec<Actor>,
    treasury: Address,
    /// Created tasks: (id, stake per label).
    tasks: Vec<(u64, U256)>,
    last: Snapshot,
    /// Calls that worked (createTask, stake, unstake, commitBatch) / were refused.
    ok: [u32; 4],
    refused: u32,
}

impl Case<'_> {
    /// The books after a call; a refused call must carry a custom error and move nothing.
    async fn after(&mut self, r: &TxResult, what: &Op) -> bool {
        let refused = edge::custom_error(r).is_some();
        let snap = self.books.check(self.env, &[self.usd]).await;
        if refused {
            assert_eq!(
                snap, self.last,
                "{what:?} was refused but moved funds: {r:?}"
            );
            self.refused += 1;
        } else {
            let kind = match what {
                Op::Create(_) => 0,
                Op::Stake { .. } => 1,
                Op::Unstake { .. } => 2,
                Op::Commit { .. } => 3,
            };
            self.ok[kind] += 1;
        }
        self.last = snap;
        !refused
    }

    /// Sends `op` and checks what it did against the rules of its call, then the books.
    async fn apply(&mut self, op: &Op) {
        let res = match op {
            Op::Create(t) => self.create(t).await,
            Op::Stake { who, amount } => self.stake(who, *amount).await,
            Op::Unstake { who, amount } => self.unstake(who, *amount).await,
            Op::Commit {
                who,
                task,
                raw_task,
                items,
                empty,
            } => self.commit(op, who, task, *raw_task, items, *empty).await,
        };
        self.after(&res, op).await;
    }

    /// `createTask`: refused naming the first invalid field, or for want of funds;
    /// accepted, it deposits bounty + fee.
    async fn create(&mut self, t: &Terms) -> TxResult {
        let env = self.env;
        let token = if t.stable { self.usd } else { env.lbl() };
        let reward = t.reward.unwrap_or(if t.stable { usd(3) } else { lbl(1) });
        let stake = t.stake.unwrap_or(lbl(10));
        let spec = Spec {
            items: t.items,
            classes: t.classes,
            k: t.k,
            threshold_bps: t.threshold_bps,
            token: t.stable.then_some(self.usd),
            reward,
            stake,
            commit_secs: t.commit_secs,
            reveal_secs: t.reveal_secs,
            audit_rate_bps: t.audit_rate_bps,
            min_tier: t.min_tier,
        };
        let r = &self.requester;
        let funds = env.balance(token, r.addr).await;
        let res = r.send(spec.create_call(r)).await;
        let invalid = invalid_field(t, reward, stake);
        if let Some(field) = invalid {
            let e = edge::refused_with(&res, "InvalidTaskParameter");
            assert_eq!(e.args, vec![field.to_string()], "{t:?}");
        }
        let bounty = U256::from(t.items) * U256::from(t.k) * reward;
        let fee = bounty * U256::from(250u16) / U256::from(10_000u16);
        if let Ok(sent) = &res {
            let task = task_created(sent);
            self.books
                .deposited(task, token, r.addr, self.treasury, bounty, fee);
            self.tasks.push((task, stake));
        } else if invalid.is_none() {
            assert!(
                bounty + fee > funds,
                "{t:?} refused ({res:?}) though {funds} covers {}",
                bounty + fee
            );
        }
        res
    }

    /// `stake`: works exactly for a non-zero amount the wallet holds.
    async fn stake(&mut self, who: &Index, amount: U256) -> TxResult {
        let env = self.env;
        let l = who.get(&self.labellers).clone();
        let wallet = env.balance(env.lbl(), l.addr).await;
        let (free, ..) = env.stake_of(l.addr).await;
        let res = l.send(l.escrow().stake(amount)).await;
        let works = !amount.is_zero() && amount <= wallet;
        assert_eq!(res.is_ok(), works, "stake {amount} of {wallet}: {res:?}");
        if amount.is_zero() {
            edge::refused_with(&res, "ZeroAmount");
        }
        if works {
            self.books.staked(l.addr, amount);
            assert_eq!(env.stake_of(l.addr).await.0, free + amount);
        }
        res
    }

    /// `unstake`: refused for zero or more than the free stake; else free stake moves to
    /// unbonding.
    async fn unstake(&mut self, who: &Index, amount: U256) -> TxResult {
        let env = self.env;
        let l = who.get(&self.labellers).clone();
        let (free, _, unbonding, _) = env.stake_of(l.addr).await;
        let res = l.send(l.escrow().unstake(amount)).await;
        if amount.is_zero() {
            edge::refused_with(&res, "ZeroAmount");
        } else if amount > free {
            let e = edge::refused_with(&res, "InsufficientFreeStake");
            assert_eq!(e.args, vec![free.to_string(), amount.to_string()]);
        } else {
            assert!(res.is_ok(), "unstake {amount} of {free}: {res:?}");
            let (f, _, u, _) = env.stake_of(l.addr).await;
            assert_eq!((f, u), (free - amount, unbonding + amount));
        }
        res
    }

    /// `commitBatch`: refused for an empty or oversized batch or a task that does not
    /// exist; accepted, it locks exactly stake × batch size.
    async fn commit(
        &mut self,
        op: &Op,
        who: &Index,
        task: &Index,
        raw_task: u64,
        items: &[u32],
        empty: bool,
    ) -> TxResult {
        let env = self.env;
        let l = who.get(&self.labellers).clone();
        let (task, stake) = if self.tasks.is_empty() {
            (raw_task, None)
        } else {
            let (t, s) = *task.get(&self.tasks);
            (t, Some(s))
        };
        let mut cs: Vec<B256> = items
            .iter()
            .map(|&i| env.commitment(task, i, l.addr, 1))
            .collect();
        if empty && !cs.is_empty() {
            cs[0] = B256::ZERO;
        }
        let (free, locked, ..) = env.stake_of(l.addr).await;
        let res = l
            .send(l.verifier().commitBatch(task, items.to_vec(), cs))
            .await;
        if items.is_empty() || items.len() > 64 {
            let e = edge::refused_with(&res, "InvalidBatchSize");
            assert_eq!(e.args, vec![items.len().to_string(), "64".into()]);
        } else if stake.is_none() && !self.tasks.iter().any(|(t, _)| *t == task) {
            edge::refused_with(&res, "TaskNotOpen");
        }
        if res.is_ok() {
            // The lock is the exact product: it cannot have wrapped.
            let lock = stake
                .expect("a commit only works on a created task")
                .checked_mul(U256::from(items.len()))
                .expect("a bounded stake × 64 fits");
            let (f, lk, ..) = env.stake_of(l.addr).await;
            assert_eq!((f + lock, lk), (free, locked + lock), "{op:?}");
        }
        res
    }
}

async fn run_case(ops: Vec<Op>) -> ([u32; 4], u32) {
    let env = Env::start().await;
    let usd_token = env.stablecoin().await;
    let mut books = Books::default();
    let treasury = env.admin.escrow().treasury().call().await.unwrap();
    books.account(treasury);
    let requester = env.named("overflow requester").await;
    env.give_lbl(requester.addr, lbl(10_000)).await;
    // Enough of the stablecoin for a few tasks at the largest reward.
    env.mint_test_token(usd_token, requester.addr, pow2(120))
        .await;
    for t in [env.lbl(), usd_token] {
        requester.approve(t, env.a.escrow, U256::MAX).await;
    }
    books.account(requester.addr);
    let mut labellers = Vec::new();
    for i in 0..2 {
        let l = env.named(&format!("overflow labeller {i}")).await;
        env.give_lbl(l.addr, lbl(1_000)).await;
        l.approve(env.lbl(), env.a.escrow, U256::MAX).await;
        l.must(l.escrow().stake(lbl(500))).await;
        books.staked(l.addr, lbl(500));
        labellers.push(l);
    }
    let last = books.check(&env, &[usd_token]).await;
    let mut case = Case {
        env: &env,
        books,
        usd: usd_token,
        requester,
        labellers,
        treasury,
        tasks: Vec::new(),
        last,
        ok: [0; 4],
        refused: 0,
    };
    for op in &ops {
        case.apply(op).await;
    }
    (case.ok, case.refused)
}

#[test]
fn edge_numbers_either_work_with_the_books_balanced_or_revert_with_a_custom_error() {
    let mut runner = edge::runner("E2E_OVERFLOW", 16, 0x0f10_a7ed);
    let totals = std::cell::Cell::new(([0u32; 4], 0u32));
    let started = std::time::Instant::now();
    runner
        .run(
            &(first_task(), proptest::collection::vec(op(), 1..9)),
            |(first, mut ops)| {
                ops.insert(0, Op::Create(first));
                let (ok, refused) = edge::block_on(run_case(ops));
                let (mut a, b) = totals.get();
                for (t, n) in a.iter_mut().zip(ok) {
                    *t += n;
                }
                totals.set((a, b + refused));
                Ok(())
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let (ok, refused) = totals.get();
    eprintln!(
        "worked (createTask, stake, unstake, commitBatch) = {ok:?}, {refused} refused with \
         a custom error, in {:.1?}",
        started.elapsed()
    );
    // Not vacuous: tasks were created and committed on (so the exact-lock check ran),
    // and some calls were refused (so the nothing-moved check ran).
    assert!(
        ok[0] > 0 && ok[3] > 0 && refused > 0,
        "both outcomes must occur: {ok:?} / {refused}"
    );
}
