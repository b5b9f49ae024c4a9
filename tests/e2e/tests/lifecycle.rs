//! Every lifecycle path of DESIGN.md section 4 on the real WASM, end to end through the
//! CLI's deployment and the ABI bindings: standard and strong consensus, pending audit
//! (confirmed, overridden, expired), escalation (resolved, voided), too few commits,
//! non-reveal, cancel and reclaim, unbonding, pause; batch forms; payment in LBL and in
//! a 6-decimal stablecoin; task creation with an EIP-2612 permit. Amounts are the native
//! scenarios' (`contracts/scenarios/tests/lifecycle.rs`), checked to the wei, and the
//! escrow's books after every scenario.

use alloy::primitives::{Address, U256};
use e2e::solidity::ITestUSD;
use e2e::*;
use labelchain::bindings::{IConsensusVerifier, IStakingEscrow, ITaskRegistry};
use labelchain::chain::Sent;

const ALL: [bool; 3] = [true, true, true];

/// Reward per label of these scenarios: 10,000 LBL, so an item's fee share (k x 10,000 x
/// 2.5 %, 500 LBL at k = 2) is above 1.5 x e(0) and the fee bound on emission never
/// binds here: the schedule and the tier multipliers are what these tests are about.
/// The fee bound has its own tests (`fee_bounded_emission.rs`).
fn reward() -> U256 {
    lbl(10_000)
}

fn well_paid() -> Spec {
    Spec {
        reward: reward(),
        ..Spec::default()
    }
}

struct Scene {
    env: Env,
    spec: Spec,
    requester: Actor,
    task: u64,
    ls: Vec<Actor>,
    /// Emission of the first verified item at 1.0x: pool / (3 H) = 300 LBL by default.
    e0: U256,
}

/// A fresh chain, a task and `labellers` labellers with 100 LBL staked each.
async fn scene(spec: Spec, labellers: usize) -> Scene {
    let env = Env::start().await;
    let requester = match spec.token {
        None => env.funded(spec.cost()).await,
        Some(token) => {
            let r = env.actor().await;
            env.mint_test_token(token, r.addr, spec.cost()).await;
            r
        }
    };
    let task = env.create_task(&requester, &spec).await;
    let mut ls = Vec::new();
    for _ in 0..labellers {
        ls.push(env.labeller(lbl(100)).await);
    }
    let e0 = env.emission_at(0).await;
    assert_eq!(e0, lbl(300), "the default schedule");
    Scene {
        env,
        spec,
        requester,
        task,
        ls,
        e0,
    }
}

impl Scene {
    async fn vote(&self, item: u32, labels: &[u8], revealed: &[bool]) {
        self.env
            .vote(&self.ls, self.task, item, labels, revealed)
            .await;
    }
    /// Every labeller commits and reveals its one of `labels` on `item`; then `item` is
    /// finalized.
    async fn vote_all_and_finalize(&self, item: u32, labels: &[u8]) {
        self.vote(item, labels, &ALL).await;
        self.env.finalize(self.task, item).await;
    }
    async fn item(&self, item: u32) -> Item {
        self.env.item(self.task, item).await
    }
    async fn lbl_claimable(&self, who: Address) -> U256 {
        self.env.claimable(self.env.lbl(), who).await
    }
    async fn treasury_lbl(&self) -> U256 {
        self.lbl_claimable(self.env.admin.addr).await
    }
    /// The auditor's verdict `label` on `item`.
    async fn audit(&self, item: u32, label: u8) -> Sent {
        let auditor = &self.env.auditor;
        auditor
            .must(auditor.verifier().audit(self.task, item, label))
            .await
    }
    /// Finalizing `item` now reverts with `reason`.
    async fn finalize_refused(&self, item: u32, reason: &str) {
        let admin = &self.env.admin;
        let r = admin.send(admin.verifier().finalize(self.task, item)).await;
        expect_revert(r, reason);
    }
    async fn progress(&self) -> IConsensusVerifier::taskProgressReturn {
        let admin = &self.env.admin;
        admin
            .verifier()
            .taskProgress(self.task)
            .call()
            .await
            .unwrap()
    }
    async fn solvent(&self) {
        let extra: Vec<Address> = self.spec.token.into_iter().collect();
        self.env.assert_solvent(&extra).await;
    }
}

#[tokio::test]
async fn two_of_three_agreeing_is_a_standard_label_and_the_dissenter_is_slashed() {
    let s = scene(well_paid(), 3).await;
    let env = &s.env;
    require_time_travel!(env);
    let supply0 = env.supply().await;
    s.vote_all_and_finalize(0, &[1, 1, 2]).await;
    let it = s.item(0).await;
    assert_eq!(
        (it.status, it.commits, it.reveals, it.label, it.quality, it.votes),
        (ItemStatus::Final, 3, 3, 1, Some(Quality::Standard), 2)
    );
    // Winners: reward 2 LBL + half of e(0) each; stake back in full.
    for who in &s.ls[..2] {
        assert_eq!(
            s.lbl_claimable(who.addr).await,
            reward() + s.e0 / U256::from(2)
        );
        assert_eq!(env.free_stake(who.addr).await, lbl(100));
    }
    // Dissenter: 20 % of the 10 LBL stake slashed, half burned, half to the treasury.
    assert_eq!(s.lbl_claimable(s.ls[2].addr).await, U256::ZERO);
    assert_eq!(env.free_stake(s.ls[2].addr).await, lbl(98));
    assert_eq!(s.treasury_lbl().await, s.spec.fee() + lbl(1));
    // The dissenter's unearned reward goes back to the requester.
    assert_eq!(s.lbl_claimable(s.requester.addr).await, reward());
    let b = env.admin.escrow().bountyOf(s.task).call().await.unwrap();
    assert_eq!(b._2, s.spec.bounty() - reward() * U256::from(3));
    assert_eq!(
        env.supply().await,
        supply0 + s.e0 - lbl(1),
        "emission - burn"
    );
    assert_eq!(env.reputation(s.ls[0].addr).await, (1, 1, Tier::Bronze));
    assert_eq!(env.reputation(s.ls[2].addr).await, (0, 1, Tier::Bronze));
    s.solvent().await;

    for who in &s.ls[..2] {
        assert_eq!(who.claim(env.lbl()).await, reward() + lbl(150));
        assert_eq!(s.lbl_claimable(who.addr).await, U256::ZERO);
    }
    assert_eq!(s.requester.claim(env.lbl()).await, reward());
    s.solvent().await;
}

#[tokio::test]
async fn unanimity_is_strong_and_earns_the_strong_multiplier() {
    let s = scene(well_paid(), 3).await;
    require_time_travel!(s.env);
    s.vote(0, &[2, 2, 2], &ALL).await;
    s.env.finalize(s.task, 0).await;
    let it = s.item(0).await;
    assert_eq!(
        (it.status, it.label, it.quality, it.votes),
        (ItemStatus::Final, 2, Some(Quality::Strong), 3)
    );
    // 1.25 x 300 = 375 LBL over three labellers: 125 each.
    for who in &s.ls {
        assert_eq!(s.lbl_claimable(who.addr).await, reward() + lbl(125));
    }
    assert_eq!(s.lbl_claimable(s.requester.addr).await, U256::ZERO);
    s.solvent().await;
}

#[tokio::test]
async fn unanimity_of_two_is_only_standard_strong_needs_three_agreeing_labellers() {
    let spec = Spec {
        k: 2,
        threshold_bps: 10_000,
        ..well_paid()
    };
    let s = scene(spec, 2).await;
    require_time_travel!(s.env);
    s.vote(0, &[1, 1], &[true, true]).await;
    s.env.finalize(s.task, 0).await;
    let it = s.item(0).await;
    assert_eq!(
        (it.status, it.label, it.quality, it.votes),
        (ItemStatus::Final, 1, Some(Quality::Standard), 2)
    );
    // 1.0 x 300 LBL over two labellers: 150 each, not the 1.25x premium.
    for who in &s.ls {
        assert_eq!(s.lbl_claimable(who.addr).await, reward() + lbl(150));
    }
    s.solvent().await;
}

#[tokio::test]
async fn a_stablecoin_task_pays_base_in_the_stablecoin_and_emission_in_lbl_at_its_rate() {
    let env = Env::start().await;
    require_time_travel!(env);
    let usd_token = env.stablecoin().await;
    let decimals = ITestUSD::new(usd_token, env.admin.p())
        .decimals()
        .call()
        .await
        .unwrap();
    assert_eq!(decimals, 6);
    let spec = Spec {
        token: Some(usd_token),
        reward: usd(3),
        ..Spec::default()
    };
    // The admin prices the stablecoin for emission: 100 LBL per dollar, i.e. 1e14 LBL
    // wei per unit of 6 decimals, as a WAD (a new token starts at 0: no emission).
    let rate = U256::from(100_000_000_000_000u64) * U256::from(1_000_000_000_000_000_000u64);
    env.admin
        .must(env.admin.registry().setEmissionRate(usd_token, rate))
        .await;
    let requester = env.actor().await;
    env.mint_test_token(usd_token, requester.addr, spec.cost())
        .await;
    let task = env.create_task(&requester, &spec).await;
    assert_eq!(env.balance(usd_token, requester.addr).await, U256::ZERO);
    assert_eq!(env.balance(usd_token, env.a.escrow).await, spec.cost());
    let mut ls = Vec::new();
    for _ in 0..3 {
        ls.push(env.labeller(lbl(100)).await);
    }
    env.vote(&ls, task, 0, &[0, 0, 1], &ALL).await;
    env.finalize(task, 0).await;
    // Fee per item 3 x 3 USD x 2.5 % = 225,000 units, x 1e14 = 22.5 LBL (below e(0)):
    // 11.25 LBL to each agreeing labeller.
    let half = lbl(225) / U256::from(20u8);
    for who in &ls[..2] {
        assert_eq!(env.claimable(usd_token, who.addr).await, usd(3));
        assert_eq!(env.claimable(env.lbl(), who.addr).await, half);
    }
    assert_eq!(env.claimable(usd_token, requester.addr).await, usd(3));
    assert_eq!(env.claimable(usd_token, env.admin.addr).await, spec.fee());
    assert_eq!(
        env.claimable(env.lbl(), env.admin.addr).await,
        lbl(1),
        "slashes are always LBL"
    );
    env.assert_solvent(&[usd_token]).await;
    for who in &ls[..2] {
        assert_eq!(who.claim(usd_token).await, usd(3));
        assert_eq!(who.claim(env.lbl()).await, half);
    }
    assert_eq!(requester.claim(usd_token).await, usd(3));
    assert_eq!(env.admin.claim(usd_token).await, spec.fee());
    // The escrow keeps exactly what the task still owes: the three open items' bounty.
    assert_eq!(
        env.balance(usd_token, env.a.escrow).await,
        U256::from(3 * 3) * usd(3)
    );
    env.assert_solvent(&[usd_token]).await;
}

#[tokio::test]
async fn a_labeller_who_never_reveals_loses_the_whole_stake() {
    let s = scene(well_paid(), 3).await;
    let env = &s.env;
    require_time_travel!(env);
    s.vote(0, &[1, 1, 1], &[true, true, false]).await;
    // Not everyone revealed: finality waits for the reveal window.
    s.finalize_refused(0, "TooEarlyToFinalize").await;
    env.end_reveal(s.task).await;
    env.finalize(s.task, 0).await;
    let it = s.item(0).await;
    // 2 of 3 commits agree (the silent one counts against): standard, not strong.
    assert_eq!(
        (it.status, it.reveals, it.quality, it.votes),
        (ItemStatus::Final, 2, Some(Quality::Standard), 2)
    );
    assert_eq!(env.free_stake(s.ls[2].addr).await, lbl(90));
    assert_eq!(env.reputation(s.ls[2].addr).await, (0, 1, Tier::Bronze));
    assert_eq!(env.reputation(s.ls[0].addr).await, (1, 1, Tier::Bronze));
    assert_eq!(s.treasury_lbl().await, s.spec.fee() + lbl(5));
    s.solvent().await;
}

fn sampled() -> Spec {
    Spec {
        audit_rate_bps: 10_000,
        ..well_paid()
    }
}

#[tokio::test]
async fn a_sampled_item_confirmed_by_an_auditor_is_audited_tier_and_pays_the_auditor() {
    let s = scene(sampled(), 3).await;
    let env = &s.env;
    require_time_travel!(env);
    s.vote(0, &[1, 1, 2], &ALL).await;
    let fin = env.finalize(s.task, 0).await;
    let it = s.item(0).await;
    assert_eq!(
        (it.status, it.label, it.quality),
        (ItemStatus::PendingAudit, 1, Some(Quality::Standard))
    );
    assert_eq!(it.audit_deadline, env.block_time(&fin).await + AUDIT_WINDOW);
    // Nothing is settled while the audit is pending.
    assert_eq!(env.stake_of(s.ls[0].addr).await.1, lbl(10));

    let sent = s.audit(0, 1).await;
    let audited = event::<IConsensusVerifier::Audited>(&sent);
    assert_eq!(
        (
            audited.task,
            audited.item,
            audited.auditor,
            audited.label,
            audited.confirmed
        ),
        (s.task, 0, env.auditor.addr, 1, true)
    );
    let it = s.item(0).await;
    assert_eq!(
        (it.status, it.label, it.quality, it.votes),
        (ItemStatus::Final, 1, Some(Quality::Audited), 2)
    );
    // 1.5 x 300 = 450: 45 to the auditor, 202.5 to each agreeing labeller.
    assert_eq!(s.lbl_claimable(env.auditor.addr).await, lbl(45));
    let half = lbl(405) / U256::from(2);
    for who in &s.ls[..2] {
        assert_eq!(s.lbl_claimable(who.addr).await, reward() + half);
    }
    assert_eq!(env.free_stake(s.ls[2].addr).await, lbl(98));
    assert_eq!(env.auditor.claim(env.lbl()).await, lbl(45));
    s.solvent().await;
}

#[tokio::test]
async fn an_auditor_overriding_a_sampled_consensus_pays_the_minority_and_slashes_the_majority() {
    let s = scene(sampled(), 3).await;
    let env = &s.env;
    require_time_travel!(env);
    s.vote_all_and_finalize(0, &[1, 1, 2]).await;
    s.audit(0, 2).await;
    let it = s.item(0).await;
    assert_eq!(
        (it.status, it.label, it.quality, it.votes),
        (ItemStatus::Final, 2, Some(Quality::Audited), 1)
    );
    assert_eq!(s.lbl_claimable(s.ls[2].addr).await, reward() + lbl(405));
    assert_eq!(s.lbl_claimable(env.auditor.addr).await, lbl(45));
    for who in &s.ls[..2] {
        assert_eq!(env.free_stake(who.addr).await, lbl(98));
        assert_eq!(s.lbl_claimable(who.addr).await, U256::ZERO);
    }
    assert_eq!(
        s.lbl_claimable(s.requester.addr).await,
        reward() * U256::from(2)
    );
    s.solvent().await;
}

#[tokio::test]
async fn a_sampled_item_no_auditor_looks_at_becomes_final_as_accepted() {
    let s = scene(sampled(), 3).await;
    let env = &s.env;
    require_time_travel!(env);
    s.vote_all_and_finalize(0, &[0, 0, 0]).await;
    s.finalize_refused(0, "TooEarlyToFinalize").await;
    env.advance(AUDIT_WINDOW + 1).await;
    env.finalize(s.task, 0).await;
    let it = s.item(0).await;
    assert_eq!(
        (it.status, it.label, it.quality, it.votes),
        (ItemStatus::Final, 0, Some(Quality::Strong), 3)
    );
    assert_eq!(s.lbl_claimable(env.auditor.addr).await, U256::ZERO);
    for who in &s.ls {
        assert_eq!(s.lbl_claimable(who.addr).await, reward() + lbl(125));
    }
    s.solvent().await;
}

#[tokio::test]
async fn a_three_way_split_escalates_and_an_auditor_resolves_it() {
    let s = scene(well_paid(), 3).await;
    let env = &s.env;
    require_time_travel!(env);
    s.vote_all_and_finalize(0, &[0, 1, 2]).await;
    assert_eq!(s.item(0).await.status, ItemStatus::Escalated);
    let sent = s.audit(0, 1).await;
    let audited = event::<IConsensusVerifier::Audited>(&sent);
    assert!(!audited.confirmed);
    let it = s.item(0).await;
    assert_eq!(
        (it.status, it.label, it.quality, it.votes),
        (ItemStatus::Final, 1, Some(Quality::Audited), 1)
    );
    assert_eq!(s.lbl_claimable(s.ls[1].addr).await, reward() + lbl(405));
    assert_eq!(env.free_stake(s.ls[0].addr).await, lbl(98));
    assert_eq!(env.free_stake(s.ls[2].addr).await, lbl(98));
    s.solvent().await;
}

#[tokio::test]
async fn an_escalation_nobody_resolves_is_void_and_its_bounty_goes_to_the_treasury() {
    let s = scene(well_paid(), 3).await;
    let env = &s.env;
    require_time_travel!(env);
    s.vote_all_and_finalize(0, &[0, 1, 2]).await;
    env.advance(AUDIT_WINDOW + 1).await;
    let r = env
        .auditor
        .send(env.auditor.verifier().audit(s.task, 0, 1))
        .await;
    expect_revert(r, "AuditWindowClosed");
    let sent = env.finalize(s.task, 0).await;
    let voided = event::<IConsensusVerifier::ItemVoided>(&sent);
    assert_eq!(
        VoidReason::try_from(voided.reason),
        Ok(VoidReason::Unresolved)
    );
    assert_eq!(s.item(0).await.status, ItemStatus::Void);
    for who in &s.ls {
        assert_eq!(env.free_stake(who.addr).await, lbl(100));
        assert_eq!(env.reputation(who.addr).await, (0, 0, Tier::Bronze));
    }
    // DESIGN §4: the item's bounty (3 x 2 LBL) goes to the treasury, not back to the
    // requester, who could otherwise force escalations with one withheld reveal and get
    // the honest labels (public in `Revealed`) for free.
    assert_eq!(s.lbl_claimable(s.requester.addr).await, U256::ZERO);
    let forfeited = event::<IStakingEscrow::BountyForfeited>(&sent);
    assert_eq!(
        (forfeited.task, forfeited.amount),
        (s.task, reward() * U256::from(3))
    );
    let fee = well_paid().fee();
    assert_eq!(
        s.lbl_claimable(env.admin.addr).await,
        fee + reward() * U256::from(3),
        "the treasury"
    );
    let progress = s.progress().await;
    assert_eq!(
        progress._3,
        alloy::primitives::B256::ZERO,
        "no labels digest"
    );
    s.solvent().await;
}

#[tokio::test]
async fn too_few_commits_to_reach_the_threshold_voids_the_item() {
    let s = scene(well_paid(), 1).await;
    let env = &s.env;
    require_time_travel!(env);
    s.vote(0, &[1], &[true]).await;
    let sent = env.finalize(s.task, 0).await;
    let voided = event::<IConsensusVerifier::ItemVoided>(&sent);
    assert_eq!(
        VoidReason::try_from(voided.reason),
        Ok(VoidReason::TooFewCommits)
    );
    assert_eq!(s.item(0).await.status, ItemStatus::Void);
    assert_eq!(env.free_stake(s.ls[0].addr).await, lbl(100));
    assert_eq!(
        s.lbl_claimable(s.requester.addr).await,
        reward() * U256::from(3)
    );
    assert_eq!(s.requester.claim(env.lbl()).await, reward() * U256::from(3));
    s.solvent().await;
}

#[tokio::test]
async fn batches_commit_reveal_and_finalize_many_items_in_one_call_each() {
    let spec = Spec {
        items: 8,
        ..well_paid()
    };
    let s = scene(spec, 3).await;
    let env = &s.env;
    require_time_travel!(env);
    let items: Vec<u32> = (0..8).collect();
    let labels: Vec<u8> = items.iter().map(|i| (*i % 3) as u8).collect();
    for who in &s.ls {
        let cs = items
            .iter()
            .zip(&labels)
            .map(|(i, l)| env.commitment(s.task, *i, who.addr, *l))
            .collect();
        who.must(who.verifier().commitBatch(s.task, items.clone(), cs))
            .await;
        assert_eq!(
            env.stake_of(who.addr).await.1,
            lbl(80),
            "eight stakes locked"
        );
    }
    env.end_commit(s.task).await;
    for who in &s.ls {
        let salts = items
            .iter()
            .zip(&labels)
            .map(|(i, l)| Env::salt(s.task, *i, who.addr, *l))
            .collect();
        who.must(
            who.verifier()
                .revealBatch(s.task, items.clone(), labels.clone(), salts),
        )
        .await;
    }
    env.admin
        .must(env.admin.verifier().finalizeBatch(s.task, items.clone()))
        .await;
    for i in &items {
        assert_eq!(s.item(*i).await.status, ItemStatus::Final);
    }
    // Eight strong items at 375 LBL each, split three ways, plus 8 rewards of 2 LBL.
    let each = U256::from(8) * (reward() + lbl(125));
    for who in &s.ls {
        assert_eq!(s.lbl_claimable(who.addr).await, each);
        assert_eq!(env.free_stake(who.addr).await, lbl(100));
    }
    assert_eq!(env.emission_state().await.4, 8);
    let progress = s.progress().await;
    assert_eq!(progress._2, 8, "final items");
    s.solvent().await;
}

#[tokio::test]
async fn stake_unbonds_for_the_unbonding_period_before_it_can_be_withdrawn() {
    let s = scene(well_paid(), 3).await;
    let env = &s.env;
    require_time_travel!(env);
    s.vote_all_and_finalize(0, &[1, 1, 1]).await;
    let who = &s.ls[0];
    let sent = who.must(who.escrow().unstake(lbl(100))).await;
    let at = env.block_time(&sent).await;
    assert_eq!(
        env.stake_of(who.addr).await,
        (U256::ZERO, U256::ZERO, lbl(100), at + UNBONDING)
    );
    expect_revert(who.send(who.escrow().withdraw()).await, "StillUnbonding");
    env.warp_past(at + UNBONDING - 1).await;
    let before = env.balance(env.lbl(), who.addr).await;
    who.must(who.escrow().withdraw()).await;
    assert_eq!(env.balance(env.lbl(), who.addr).await - before, lbl(100));
    let (free, locked, unbonding, _) = env.stake_of(who.addr).await;
    assert_eq!(
        (free, locked, unbonding),
        (U256::ZERO, U256::ZERO, U256::ZERO)
    );
    assert_eq!(who.claim(env.lbl()).await, reward() + lbl(125));
    s.solvent().await;
}

#[tokio::test]
async fn pause_stops_task_creation_and_commits_but_never_reveals_or_finality() {
    let s = scene(well_paid(), 3).await;
    let env = &s.env;
    require_time_travel!(env);
    env.commit_all(&s.ls, s.task, 0, &[1, 1, 1]).await;
    env.admin.must(env.admin.registry().setPaused(true)).await;
    let c = env.commitment(s.task, 1, s.ls[0].addr, 1);
    let r = s.ls[0].send(s.ls[0].verifier().commit(s.task, 1, c)).await;
    expect_revert(r, "EnforcedPause");
    let requester = env.funded(s.spec.cost()).await;
    requester
        .approve(env.lbl(), env.a.escrow, s.spec.cost())
        .await;
    expect_revert(
        requester.send(s.spec.create_call(&requester)).await,
        "EnforcedPause",
    );
    env.end_commit(s.task).await;
    env.reveal_all(&s.ls, s.task, 0, &[1, 1, 1], &ALL).await;
    env.finalize(s.task, 0).await;
    assert_eq!(s.ls[0].claim(env.lbl()).await, reward() + lbl(125));
    // Unstake and withdraw work while paused too.
    s.ls[1].must(s.ls[1].escrow().unstake(lbl(1))).await;
    env.admin.must(env.admin.registry().setPaused(false)).await;
    // Unpaused, tasks can be created again (the refused attempt consumed nothing).
    let sent = requester.must(s.spec.create_call(&requester)).await;
    assert_eq!(task_created(&sent), s.task + 1);
    s.solvent().await;
}

#[tokio::test]
async fn cancelling_before_the_first_commit_refunds_bounty_and_fee() {
    let env = Env::start().await;
    let spec = Spec::default();
    let (requester, task) = env.lbl_task(&spec).await;
    assert_eq!(env.balance(env.lbl(), requester.addr).await, U256::ZERO);
    requester.must(requester.registry().cancelTask(task)).await;
    assert_eq!(env.task(task).await.terms.status, TaskStatus::Cancelled);
    assert_eq!(env.claimable(env.lbl(), requester.addr).await, spec.cost());
    env.assert_solvent(&[]).await;
    assert_eq!(requester.claim(env.lbl()).await, spec.cost());
    assert_eq!(env.balance(env.lbl(), requester.addr).await, spec.cost());
    expect_revert(
        requester.send(requester.registry().cancelTask(task)).await,
        "TaskNotOpen",
    );
    // Nor can anyone commit to it any more.
    let who = env.labeller(lbl(100)).await;
    let c = env.commitment(task, 0, who.addr, 0);
    expect_revert(
        who.send(who.verifier().commit(task, 0, c)).await,
        "TaskNotOpen",
    );
    env.assert_solvent(&[]).await;
}

#[tokio::test]
async fn reclaim_refunds_items_never_committed_and_open_items_refund_themselves() {
    let env = Env::start().await;
    require_time_travel!(env);
    let spec = Spec::default();
    let (requester, task) = env.lbl_task(&spec).await;
    let who = env.labeller(lbl(100)).await;
    env.commit(&who, task, 0, 1).await;
    // After the first commit the fee is the treasury's and the task cannot be cancelled.
    assert_eq!(env.claimable(env.lbl(), env.admin.addr).await, spec.fee());
    expect_revert(
        requester.send(requester.registry().cancelTask(task)).await,
        "TaskAlreadyStarted",
    );
    expect_revert(
        requester.send(requester.registry().reclaim(task)).await,
        "CommitWindowOpen",
    );
    env.end_commit(task).await;
    // Anyone may trigger it; the money goes to the requester.
    let bystander = env.actor().await;
    let sent = bystander.must(bystander.registry().reclaim(task)).await;
    let per_item = U256::from(spec.k) * spec.reward;
    let reclaimed = event::<ITaskRegistry::BountyReclaimed>(&sent);
    assert_eq!(reclaimed.amount, per_item * U256::from(3u64));
    assert_eq!(
        env.claimable(env.lbl(), requester.addr).await,
        per_item * U256::from(3u64)
    );
    let b = env.admin.escrow().bountyOf(task).call().await.unwrap();
    assert_eq!(b._2, per_item);
    expect_revert(
        requester.send(requester.registry().reclaim(task)).await,
        "NothingToReclaim",
    );
    // The open item ends void (one commit of the two needed) and refunds its own bounty.
    env.end_reveal(task).await;
    env.finalize(task, 0).await;
    assert_eq!(env.item(task, 0).await.status, ItemStatus::Void);
    assert_eq!(
        env.admin.escrow().bountyOf(task).call().await.unwrap()._2,
        U256::ZERO
    );
    assert_eq!(requester.claim(env.lbl()).await, spec.bounty());
    // The silent labeller: the whole stake of 10 LBL slashed for the missing reveal.
    assert_eq!(env.free_stake(who.addr).await, lbl(90));
    env.assert_solvent(&[]).await;
}

#[tokio::test]
async fn a_task_created_with_an_eip2612_permit_needs_no_approve() {
    let env = Env::start().await;
    let spec = Spec::default();
    let requester = env.funded(spec.cost()).await;
    let deadline = U256::from(env.now().await + 3_600);
    let (v, r, s) = env
        .sign_permit(&requester, env.a.escrow, spec.cost(), deadline)
        .await;
    let registry = requester.registry();
    let call = registry.createTaskWithPermit(
        DATA_ROOT,
        spec.items,
        spec.classes,
        spec.k,
        spec.threshold_bps,
        env.lbl(),
        spec.reward,
        spec.stake,
        spec.commit_secs,
        spec.reveal_secs,
        spec.audit_rate_bps,
        spec.min_tier,
        "ipfs://e2e/permit.json".into(),
        deadline,
        v,
        r,
        s,
    );
    let sent = requester.must(call).await;
    let task = task_created(&sent);
    let b = env.admin.escrow().bountyOf(task).call().await.unwrap();
    assert_eq!(
        (b._0, b._1, b._2, b._3),
        (env.lbl(), requester.addr, spec.bounty(), spec.fee())
    );
    let t = env.admin.token();
    assert_eq!(
        t.nonces(requester.addr).call().await.unwrap(),
        U256::from(1)
    );
    assert_eq!(
        t.allowance(requester.addr, env.a.escrow)
            .call()
            .await
            .unwrap(),
        U256::ZERO
    );
    assert_eq!(env.balance(env.lbl(), requester.addr).await, U256::ZERO);
    env.assert_solvent(&[]).await;
}
