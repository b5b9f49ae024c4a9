//! The label lifecycle of DESIGN.md section 4, outcome by outcome, with every balance
//! checked to the wei and the escrow's books checked after every scenario.

use alloy_primitives::{Address, U256};
use labelchain_protocol::limits::quality;
use labelchain_scenarios::*;
use motsu::prelude::*;

/// Item status codes of `getItem`.
const FINAL: u8 = 4;
const VOID: u8 = 5;
const PENDING_AUDIT: u8 = 2;
const ESCALATED: u8 = 3;

/// Emission of the first verified items at 1.0x with the default token: pool / (3 H).
fn e0() -> U256 {
    lbl(300)
}

/// Reward per label of these scenarios: 10,000 LBL, so an item's fee share (3 x 10,000 x
/// 2.5 % = 750 LBL) is above 1.5 x e(0) and the fee bound on emission never binds; the
/// schedule and the tier multipliers are what these tests are about. The fee bound has
/// its own tests (`fee_bounded_emission.rs`).
fn r() -> U256 {
    lbl(10_000)
}

fn well_paid() -> TaskSpec {
    TaskSpec {
        reward: r(),
        ..TaskSpec::default()
    }
}

/// A well-paid task whose every item is sampled for audit.
fn sampled() -> TaskSpec {
    TaskSpec {
        audit_rate_bps: 10_000,
        ..well_paid()
    }
}

struct Scene {
    w: World,
    requester: Address,
    spec: TaskSpec,
    task: u64,
    ls: Vec<Address>,
}

/// A task with `labellers` fresh labellers holding 100 LBL of stake each.
fn scene(spec: TaskSpec, labellers: usize) -> Scene {
    let w = World::default();
    let requester = Address::random();
    let task = w.create_task(requester, spec);
    let ls = (0..labellers).map(|_| w.labeller(lbl(100))).collect();
    Scene {
        w,
        requester,
        spec,
        task,
        ls,
    }
}

impl Scene {
    fn votes(&self, labels: &[u8]) -> Vec<(Address, u8)> {
        self.ls
            .iter()
            .copied()
            .zip(labels.iter().copied())
            .collect()
    }

    /// Commits `labels` (one per labeller) on `item`, closes the commit window, reveals
    /// those whose `revealed` flag is set.
    fn vote(&self, item: u32, labels: &[u8], revealed: &[bool]) {
        let votes = self.votes(labels);
        self.w.commit_all(self.task, item, &votes);
        self.w.end_commit(self.task);
        for (v, r) in votes.iter().zip(revealed) {
            if *r {
                self.w.reveal(self.task, item, v.0, v.1);
            }
        }
    }

    /// Every labeller commits and reveals its one of `labels` on `item`; then `item` is
    /// finalized.
    fn vote_all_and_finalize(&self, item: u32, labels: &[u8]) {
        self.vote(item, labels, &ALL);
        self.w.finalize(self.task, item);
    }

    fn item(&self, item: u32) -> (u8, u8, u8, u8, u8, u8, u64) {
        self.w
            .verifier
            .sender(self.requester)
            .get_item(self.task, item)
    }

    /// `(status, label, tier, votes)` of `item`: what a settled item came to.
    fn outcome(&self, item: u32) -> (u8, u8, u8, u8) {
        let (status, _, _, label, tier, votes, _) = self.item(item);
        (status, label, tier, votes)
    }

    fn pay(&self) -> Address {
        self.w.pay_token(&self.spec)
    }

    fn free_stake(&self, who: Address) -> U256 {
        let (free, locked, ..) = self.w.stake_of(who);
        assert_eq!(locked, U256::ZERO, "stake still locked");
        free
    }

    fn lbl_claimable(&self, who: Address) -> U256 {
        self.w.claimable(self.w.lbl(), who)
    }

    fn treasury_lbl(&self) -> U256 {
        self.lbl_claimable(self.w.treasury)
    }

    /// The auditor's verdict `label` on `item`.
    fn audit(&self, item: u32, label: u8) {
        self.w
            .verifier
            .sender(self.w.auditor)
            .audit(self.task, item, label)
            .motsu_unwrap();
    }
}

const ALL: [bool; 3] = [true, true, true];

#[motsu::test]
fn two_of_three_agreeing_is_a_standard_label_and_the_dissenter_is_slashed() {
    let s = scene(well_paid(), 3);
    s.vote_all_and_finalize(0, &[1, 1, 2]);
    let (status, commits, reveals, label, tier, votes, _) = s.item(0);
    assert_eq!(
        (status, commits, reveals, label, tier, votes),
        (FINAL, 3, 3, 1, quality::STANDARD, 2)
    );

    // Winners: reward 2 LBL + half of e(0) each; stake back in full.
    for who in &s.ls[..2] {
        assert_eq!(s.lbl_claimable(*who), r() + e0() / U256::from(2));
        assert_eq!(s.free_stake(*who), lbl(100));
    }
    // Dissenter: 20 % of the 10 LBL stake slashed, half burned, half to the treasury.
    assert_eq!(s.lbl_claimable(s.ls[2]), U256::ZERO);
    assert_eq!(s.free_stake(s.ls[2]), lbl(98));
    let (bounty, fee) = s.w.cost(&s.spec);
    assert_eq!(s.treasury_lbl(), fee + lbl(1));
    // The dissenter's unearned reward goes back to the requester.
    assert_eq!(s.lbl_claimable(s.requester), r());
    let (_, _, remaining, _) = s.w.escrow.sender(s.requester).bounty_of(s.task);
    assert_eq!(remaining, bounty - r() * U256::from(3));
    let supply = s.w.token.sender(s.requester).total_supply();
    assert_eq!(
        supply,
        lbl(100_000_000) + e0() - lbl(1),
        "genesis + emission - burn"
    );
    s.w.assert_solvent();

    for who in &s.ls[..2] {
        assert_eq!(s.w.claim(s.w.lbl(), *who), r() + lbl(150));
    }
    s.w.assert_solvent();
}

#[motsu::test]
fn unanimity_is_strong_and_earns_the_strong_multiplier() {
    let s = scene(well_paid(), 3);
    s.vote_all_and_finalize(0, &[2, 2, 2]);
    assert_eq!(s.outcome(0), (FINAL, 2, quality::STRONG, 3));
    // 1.25 x 300 = 375 LBL over three labellers: 125 each.
    for who in &s.ls {
        assert_eq!(s.lbl_claimable(*who), r() + lbl(125));
    }
    assert_eq!(s.lbl_claimable(s.requester), U256::ZERO);
    s.w.assert_solvent();
}

#[motsu::test]
fn unanimity_of_fewer_than_three_labellers_is_only_standard() {
    // DESIGN §3: Strong needs at least 3 agreeing labellers, so a k = 1 or k = 2 task
    // labelled by the requester's own accounts cannot earn the 1.25x premium.
    for k in [1u8, 2] {
        // 40,000 LBL per label: even at k = 1 the fee share (1,000 LBL) is above e(0).
        let spec = TaskSpec {
            k,
            threshold_bps: 10_000,
            reward: lbl(40_000),
            ..TaskSpec::default()
        };
        let s = scene(spec, k as usize);
        s.vote(0, &vec![1; k as usize], &vec![true; k as usize]);
        s.w.finalize(s.task, 0);
        assert_eq!(s.outcome(0), (FINAL, 1, quality::STANDARD, k));
        // 1.0 x 300 LBL split over the k agreeing labellers.
        let each = e0() / U256::from(k);
        for who in &s.ls {
            assert_eq!(s.lbl_claimable(*who), lbl(40_000) + each);
        }
        s.w.assert_solvent();
    }
}

#[motsu::test]
fn a_stablecoin_task_pays_base_in_the_stablecoin_and_emits_no_lbl_until_a_rate_is_set() {
    let spec = TaskSpec {
        stable: true,
        reward: usd(3),
        ..well_paid()
    };
    let s = scene(spec, 3);
    s.vote_all_and_finalize(0, &[0, 0, 1]);
    let stable = s.pay();
    assert_eq!(stable, s.w.stable.address());
    for who in &s.ls[..2] {
        assert_eq!(s.w.claimable(stable, *who), usd(3));
        // A newly allow-listed token has emission rate 0 (DESIGN §3): no LBL.
        assert_eq!(s.lbl_claimable(*who), U256::ZERO);
    }
    assert_eq!(
        s.w.token.sender(s.w.admin).emission_state().4,
        0,
        "n not advanced"
    );
    assert_eq!(s.w.claimable(stable, s.requester), usd(3));
    let (_, fee) = s.w.cost(&spec);
    assert_eq!(s.w.claimable(stable, s.w.treasury), fee);
    assert_eq!(s.treasury_lbl(), lbl(1), "slashes are always LBL");
    s.w.assert_solvent();
    for who in &s.ls[..2] {
        assert_eq!(s.w.claim(stable, *who), usd(3));
    }
    assert_eq!(s.w.claim(stable, s.requester), usd(3));
    assert_eq!(s.w.claim(stable, s.w.treasury), fee);
    s.w.assert_solvent();
}

#[motsu::test]
fn a_labeller_who_never_reveals_loses_the_whole_stake() {
    let s = scene(well_paid(), 3);
    s.vote(0, &[1, 1, 1], &[true, true, false]);
    // Not everyone revealed: finality waits for the reveal window.
    let err =
        s.w.verifier
            .sender(s.requester)
            .finalize(s.task, 0)
            .motsu_unwrap_err();
    assert!(matches!(
        err,
        consensus_verifier::Error::TooEarlyToFinalize(_)
    ));
    s.w.end_reveal(s.task);
    s.w.finalize(s.task, 0);
    let (status, _, reveals, _, tier, votes, _) = s.item(0);
    // 2 of 3 commits agree (the silent one counts against): standard, not strong.
    assert_eq!(
        (status, reveals, tier, votes),
        (FINAL, 2, quality::STANDARD, 2)
    );
    assert_eq!(s.free_stake(s.ls[2]), lbl(90));
    assert_eq!(
        s.w.verifier.sender(s.requester).reputation(s.ls[2]),
        (0, 1, 0)
    );
    assert_eq!(
        s.w.verifier.sender(s.requester).reputation(s.ls[0]),
        (1, 1, 0)
    );
    let (_, fee) = s.w.cost(&s.spec);
    assert_eq!(s.treasury_lbl(), fee + lbl(5));
    s.w.assert_solvent();
}

#[motsu::test]
fn a_sampled_item_confirmed_by_an_auditor_is_audited_tier_and_pays_the_auditor() {
    let s = scene(sampled(), 3);
    s.vote_all_and_finalize(0, &[1, 1, 2]);
    let (status, _, _, label, tier, _, deadline) = s.item(0);
    assert_eq!((status, label, tier), (PENDING_AUDIT, 1, quality::STANDARD));
    assert_eq!(deadline, s.w.now() + AUDIT_WINDOW);
    // Nothing is settled while the audit is pending.
    assert_eq!(s.w.stake_of(s.ls[0]).1, lbl(10));

    s.audit(0, 1);
    s.w.verifier.assert_emitted(&consensus_verifier::Audited {
        task: s.task,
        item: 0,
        auditor: s.w.auditor,
        label: 1,
        confirmed: true,
    });
    assert_eq!(s.outcome(0), (FINAL, 1, quality::AUDITED, 2));
    // 1.5 x 300 = 450: 45 to the auditor, 202.5 to each agreeing labeller.
    assert_eq!(s.lbl_claimable(s.w.auditor), lbl(45));
    let half = lbl(405) / U256::from(2);
    for who in &s.ls[..2] {
        assert_eq!(s.lbl_claimable(*who), r() + half);
    }
    assert_eq!(s.free_stake(s.ls[2]), lbl(98));
    s.w.assert_solvent();
}

#[motsu::test]
fn an_auditor_overriding_a_sampled_consensus_pays_the_minority_and_slashes_the_majority() {
    let s = scene(sampled(), 3);
    s.vote_all_and_finalize(0, &[1, 1, 2]);
    s.audit(0, 2);
    assert_eq!(s.outcome(0), (FINAL, 2, quality::AUDITED, 1));
    assert_eq!(s.lbl_claimable(s.ls[2]), r() + lbl(405));
    assert_eq!(s.lbl_claimable(s.w.auditor), lbl(45));
    for who in &s.ls[..2] {
        assert_eq!(s.free_stake(*who), lbl(98));
        assert_eq!(s.lbl_claimable(*who), U256::ZERO);
    }
    assert_eq!(s.lbl_claimable(s.requester), r() * U256::from(2));
    s.w.assert_solvent();
}

#[motsu::test]
fn a_sampled_item_no_auditor_looks_at_becomes_final_as_accepted() {
    let s = scene(sampled(), 3);
    s.vote_all_and_finalize(0, &[0, 0, 0]);
    let err =
        s.w.verifier
            .sender(s.requester)
            .finalize(s.task, 0)
            .motsu_unwrap_err();
    assert!(matches!(
        err,
        consensus_verifier::Error::TooEarlyToFinalize(_)
    ));
    advance(AUDIT_WINDOW + 1);
    s.w.finalize(s.task, 0);
    assert_eq!(s.outcome(0), (FINAL, 0, quality::STRONG, 3));
    assert_eq!(s.lbl_claimable(s.w.auditor), U256::ZERO);
    s.w.assert_solvent();
}

#[motsu::test]
fn a_three_way_split_escalates_and_an_auditor_resolves_it() {
    let s = scene(well_paid(), 3);
    s.vote_all_and_finalize(0, &[0, 1, 2]);
    assert_eq!(s.item(0).0, ESCALATED);
    s.audit(0, 1);
    assert_eq!(s.outcome(0), (FINAL, 1, quality::AUDITED, 1));
    s.w.verifier.assert_emitted(&consensus_verifier::Audited {
        task: s.task,
        item: 0,
        auditor: s.w.auditor,
        label: 1,
        confirmed: false,
    });
    assert_eq!(s.lbl_claimable(s.ls[1]), r() + lbl(405));
    assert_eq!(s.free_stake(s.ls[0]), lbl(98));
    assert_eq!(s.free_stake(s.ls[2]), lbl(98));
    s.w.assert_solvent();
}

#[motsu::test]
fn an_escalation_nobody_resolves_is_void_and_its_bounty_goes_to_the_treasury() {
    let s = scene(well_paid(), 3);
    s.vote_all_and_finalize(0, &[0, 1, 2]);
    advance(AUDIT_WINDOW + 1);
    let err =
        s.w.verifier
            .sender(s.w.auditor)
            .audit(s.task, 0, 1)
            .motsu_unwrap_err();
    assert!(matches!(
        err,
        consensus_verifier::Error::AuditWindowClosed(_)
    ));
    s.w.finalize(s.task, 0);
    assert_eq!(s.item(0).0, VOID);
    s.w.verifier
        .assert_emitted(&consensus_verifier::ItemVoided {
            task: s.task,
            item: 0,
            reason: 2,
        });
    for who in &s.ls {
        assert_eq!(s.free_stake(*who), lbl(100));
        assert_eq!(s.w.verifier.sender(*who).reputation(*who), (0, 0, 0));
    }
    // DESIGN §4: not back to the requester, who could otherwise force escalations with
    // one withheld reveal and get the honest labels (public in `Revealed`) for free.
    assert_eq!(s.lbl_claimable(s.requester), U256::ZERO);
    let (_, fee) = s.w.cost(&s.spec);
    assert_eq!(s.lbl_claimable(s.w.treasury), fee + r() * U256::from(3));
    s.w.escrow.assert_emitted(&staking_escrow::BountyForfeited {
        task: s.task,
        amount: r() * U256::from(3),
    });
    assert_eq!(
        s.w.verifier.sender(s.requester).task_progress(s.task).3,
        alloy_primitives::B256::ZERO
    );
    s.w.assert_solvent();
}

#[motsu::test]
fn too_few_commits_to_reach_the_threshold_voids_the_item() {
    let s = scene(well_paid(), 1);
    s.vote(0, &[1], &[true]);
    s.w.finalize(s.task, 0);
    assert_eq!(s.item(0).0, VOID);
    s.w.verifier
        .assert_emitted(&consensus_verifier::ItemVoided {
            task: s.task,
            item: 0,
            reason: 1,
        });
    assert_eq!(s.free_stake(s.ls[0]), lbl(100));
    assert_eq!(s.lbl_claimable(s.requester), r() * U256::from(3));
    s.w.assert_solvent();
}

#[motsu::test]
fn the_labels_digest_chains_every_final_item_in_order() {
    use alloy_primitives::{keccak256, B256};
    use alloy_sol_types::SolValue;
    let s = scene(well_paid(), 3);
    for item in 0..3 {
        s.w.commit_all(s.task, item, &s.votes(&[item as u8, item as u8, 0]));
    }
    s.w.end_commit(s.task);
    for item in 0..3 {
        s.w.reveal_all(s.task, item, &s.votes(&[item as u8, item as u8, 0]));
    }
    let mut expected = B256::ZERO;
    for (seq, item) in [2u32, 0, 1].into_iter().enumerate() {
        s.w.finalize(s.task, item);
        let (_, _, _, label, tier, _, _) = s.item(item);
        expected = keccak256((expected, item, U256::from(label), U256::from(tier)).abi_encode());
        let (_, _, finals, digest) = s.w.verifier.sender(s.requester).task_progress(s.task);
        assert_eq!((finals, digest), (seq as u32 + 1, expected));
    }
    s.w.assert_solvent();
}

#[motsu::test]
fn batches_commit_reveal_and_finalize_many_items_in_one_call_each() {
    let spec = TaskSpec {
        items: 8,
        ..well_paid()
    };
    let s = scene(spec, 3);
    let items: Vec<u32> = (0..8).collect();
    for who in &s.ls {
        let cs = items
            .iter()
            .map(|i| s.w.commitment(s.task, *i, *who, (*i % 3) as u8))
            .collect();
        s.w.verifier
            .sender(*who)
            .commit_batch(s.task, items.clone(), cs)
            .motsu_unwrap();
        assert_eq!(
            s.w.stake_of(*who).1,
            lbl(80),
            "eight stakes locked in one call"
        );
    }
    s.w.end_commit(s.task);
    for who in &s.ls {
        let labels: Vec<u8> = items.iter().map(|i| (*i % 3) as u8).collect();
        let salts = items
            .iter()
            .zip(&labels)
            .map(|(i, l)| World::salt(s.task, *i, *who, *l))
            .collect();
        s.w.verifier
            .sender(*who)
            .reveal_batch(s.task, items.clone(), labels, salts)
            .motsu_unwrap();
    }
    s.w.verifier
        .sender(s.requester)
        .finalize_batch(s.task, items.clone())
        .motsu_unwrap();
    for i in &items {
        assert_eq!(s.item(*i).0, FINAL);
    }
    // Eight strong items at 375 LBL each, split three ways, plus 8 rewards of 2 LBL.
    let each = U256::from(8) * (r() + lbl(125));
    for who in &s.ls {
        assert_eq!(s.lbl_claimable(*who), each);
        assert_eq!(s.free_stake(*who), lbl(100));
    }
    let (.., verified) = s.w.token.sender(s.requester).emission_state();
    assert_eq!(verified, 8);
    s.w.assert_solvent();
}

#[motsu::test]
fn stake_unbonds_for_the_unbonding_period_before_it_can_be_withdrawn() {
    let s = scene(well_paid(), 3);
    s.vote_all_and_finalize(0, &[1, 1, 1]);
    let who = s.ls[0];
    s.w.escrow.sender(who).unstake(lbl(100)).motsu_unwrap();
    let (free, _, unbonding, ends) = s.w.stake_of(who);
    assert_eq!(
        (free, unbonding, ends),
        (U256::ZERO, lbl(100), s.w.now() + UNBONDING)
    );
    let err = s.w.escrow.sender(who).withdraw().motsu_unwrap_err();
    assert!(matches!(err, staking_escrow::Error::StillUnbonding(_)));
    advance(UNBONDING);
    let before = s.w.balance(s.w.lbl(), who);
    s.w.escrow.sender(who).withdraw().motsu_unwrap();
    assert_eq!(s.w.balance(s.w.lbl(), who) - before, lbl(100));
    assert_eq!(s.w.claim(s.w.lbl(), who), r() + lbl(125));
    s.w.assert_solvent();
}

#[motsu::test]
fn locked_stake_cannot_be_unstaked_so_a_pending_slash_cannot_be_escaped() {
    let s = scene(well_paid(), 3);
    let who = s.ls[0];
    s.w.commit(s.task, 0, who, 1);
    let err = s.w.escrow.sender(who).unstake(lbl(100)).motsu_unwrap_err();
    let e = variant!(err, staking_escrow::Error::InsufficientFreeStake);
    assert_eq!((e.available, e.requested), (lbl(90), lbl(100)));
    s.w.assert_solvent();
}

#[motsu::test]
fn pause_stops_task_creation_and_commits_but_never_reveals_or_finality() {
    let s = scene(well_paid(), 3);
    s.w.commit_all(s.task, 0, &s.votes(&[1, 1, 1]));
    s.w.registry
        .sender(s.w.admin)
        .set_paused(true)
        .motsu_unwrap();
    let err =
        s.w.verifier
            .sender(s.ls[0])
            .commit(s.task, 1, s.w.commitment(s.task, 1, s.ls[0], 1))
            .motsu_unwrap_err();
    assert!(matches!(err, consensus_verifier::Error::EnforcedPause(_)));
    let err =
        s.w.create_task_unfunded(s.requester, well_paid())
            .motsu_unwrap_err();
    assert!(matches!(err, task_registry::Error::EnforcedPause(_)));
    s.w.end_commit(s.task);
    s.w.reveal_all(s.task, 0, &s.votes(&[1, 1, 1]));
    s.w.finalize(s.task, 0);
    assert_eq!(s.w.claim(s.w.lbl(), s.ls[0]), r() + lbl(125));
    s.w.assert_solvent();
}

#[motsu::test]
fn reputation_grows_with_agreement_and_gates_tasks_by_tier() {
    let w = World::default();
    let requester = Address::random();
    // Twenty agreeing labels make three labellers Silver.
    let spec = TaskSpec {
        items: 20,
        ..well_paid()
    };
    let task = w.create_task(requester, spec);
    let ls: Vec<Address> = (0..3).map(|_| w.labeller(lbl(1_000))).collect();
    let items: Vec<u32> = (0..20).collect();
    for who in &ls {
        let cs = items
            .iter()
            .map(|i| w.commitment(task, *i, *who, 0))
            .collect();
        w.verifier
            .sender(*who)
            .commit_batch(task, items.clone(), cs)
            .motsu_unwrap();
    }
    w.end_commit(task);
    for who in &ls {
        let salts = items
            .iter()
            .map(|i| World::salt(task, *i, *who, 0))
            .collect();
        w.verifier
            .sender(*who)
            .reveal_batch(task, items.clone(), vec![0; 20], salts)
            .motsu_unwrap();
    }
    w.verifier
        .sender(requester)
        .finalize_batch(task, items)
        .motsu_unwrap();
    assert_eq!(w.verifier.sender(requester).reputation(ls[0]), (20, 20, 1));

    let silver_only = w.create_task(
        requester,
        TaskSpec {
            min_tier: 1,
            ..well_paid()
        },
    );
    w.commit(silver_only, 0, ls[0], 1);
    let newcomer = w.labeller(lbl(100));
    let err = w.commit_refused(silver_only, 0, newcomer, 1);
    let e = variant!(err, consensus_verifier::Error::TierTooLow);
    assert_eq!((e.tier, e.required), (0, 1));
    w.assert_solvent();
}
