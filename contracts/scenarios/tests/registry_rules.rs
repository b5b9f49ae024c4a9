//! TaskRegistry on its own: deployment, every `createTask` bound, the payment-token
//! allow-list, global parameters and their per-task snapshot, pause, verifier wiring,
//! cancel and reclaim, datasets and pipeline access, permit funding and the data-root proof.

use alloy_primitives::{Address, B256, U256};
use labelchain_scenarios::*;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::utils::safe_erc20::SafeErc20FailedOperation;
use task_registry::{
    BountyReclaimed, Error, ParamsUpdated, ProtocolParams, TaskCancelled, TaskCreated,
    TaskRegistry, VerifierSet,
};

const ROOT: B256 = B256::repeat_byte(0xda);

/// Gives `who` `amount` LBL and approves the escrow for it.
fn fund_lbl(w: &World, who: Address, amount: U256) {
    w.give_lbl(who, amount);
    w.token
        .sender(who)
        .approve(w.escrow.address(), amount)
        .motsu_unwrap();
}

fn set_params(w: &World, who: Address, p: ProtocolParams) -> Result<(), Error> {
    w.registry.sender(who).set_params(
        p.fee_bps,
        p.slash_bps,
        p.no_reveal_slash_bps,
        p.slash_burn_bps,
        p.audit_window,
        p.standard_bps,
        p.strong_bps,
        p.audited_bps,
        p.auditor_share_bps,
    )
}

fn rules(p: ProtocolParams) -> (u16, u16, u16, u16, u64, u16, u16, u16, u16) {
    (
        p.fee_bps,
        p.slash_bps,
        p.no_reveal_slash_bps,
        p.slash_burn_bps,
        p.audit_window,
        p.standard_bps,
        p.strong_bps,
        p.audited_bps,
        p.auditor_share_bps,
    )
}

// ---- deployment ----

#[motsu::test]
fn constructor_rejects_zero_addresses() {
    let (a, e, t) = (Address::random(), Address::random(), Address::random());
    for (admin, escrow, token) in [
        (Address::ZERO, e, t),
        (a, Address::ZERO, t),
        (a, e, Address::ZERO),
    ] {
        let registry = Contract::<TaskRegistry>::new();
        let err = registry
            .sender(a)
            .constructor(admin, escrow, token)
            .motsu_unwrap_err();
        assert!(matches!(err, Error::ZeroAddress(_)), "{err:?}");
    }
}

#[motsu::test]
fn a_new_registry_allows_lbl_and_starts_with_the_design_parameters() {
    let w = World::default();
    let r = w.registry.sender(w.admin);
    assert!(r.is_payment_token(w.lbl()));
    assert!(r.is_payment_token(w.stable.address()));
    assert!(!r.is_payment_token(Address::random()));
    assert_eq!(r.params(), rules(ProtocolParams::DEFAULT));
    assert_eq!(r.escrow(), w.escrow.address());
    assert_eq!(r.verifier(), w.verifier.address());
    assert_eq!(r.task_count(), 0);
    assert!(!r.paused());
}

// ---- createTask ----

#[motsu::test]
fn create_task_records_the_terms_and_escrows_bounty_plus_fee() {
    let w = World::default();
    let requester = Address::random();
    let spec = TaskSpec::default();
    let (bounty, fee) = w.cost(&spec);
    let now = w.now();
    let task = w.create_task(requester, spec);
    assert_eq!(task, 1);
    assert_eq!(w.registry.sender(requester).task_count(), 1);
    let commit_end = now + spec.commit_duration;
    let reveal_end = commit_end + spec.reveal_duration;
    let (
        req,
        token,
        root,
        items,
        classes,
        k,
        threshold,
        reward,
        stake,
        ce,
        re,
        audit,
        tier,
        status,
    ) = w.get_task(task);
    assert_eq!(
        (req, token, root, items, classes, k, threshold),
        (
            requester,
            w.lbl(),
            ROOT,
            spec.items,
            spec.classes,
            spec.k,
            spec.threshold_bps
        )
    );
    assert_eq!(
        (reward, stake, ce, re, audit, tier, status),
        (
            spec.reward,
            spec.stake,
            commit_end,
            reveal_end,
            spec.audit_rate_bps,
            spec.min_tier,
            1
        )
    );
    assert_eq!(
        w.escrow.sender(requester).bounty_of(task),
        (w.lbl(), requester, bounty, fee)
    );
    assert_eq!((bounty, fee), (lbl(24), lbl(24) / U256::from(40u64)));
    assert_eq!(w.balance(w.lbl(), requester), U256::ZERO);
    w.registry.assert_emitted(&TaskCreated {
        task,
        requester,
        paymentToken: w.lbl(),
        dataRoot: ROOT,
        itemCount: spec.items,
        labellersPerItem: spec.k,
        rewardPerLabel: spec.reward,
        stakePerLabel: spec.stake,
        commitEnd: commit_end,
        revealEnd: reveal_end,
        // The metadata pointer lives in this event only (no storage write).
        metadataURI: "ipfs://task-metadata".into(),
    });
    assert_eq!(w.create_task(requester, spec), 2);
    w.assert_solvent();
}

#[motsu::test]
fn each_invalid_task_parameter_is_reported_by_its_field_index() {
    let w = World::default();
    let requester = Address::random();
    let d = TaskSpec::default();
    let year = 365 * 86_400;
    let overflow_after_fee = U256::MAX / U256::from(12u64 * 10_000) + U256::from(1u64);
    let cases: Vec<(u8, TaskSpec)> = vec![
        (1, with(d, |s| s.items = 0)),
        (2, with(d, |s| s.classes = 0)),
        (2, with(d, |s| s.classes = 1)),
        (2, with(d, |s| s.classes = 257)),
        (3, with(d, |s| s.k = 0)),
        (3, with(d, |s| s.k = 33)),
        (4, with(d, |s| s.threshold_bps = 0)),
        (4, with(d, |s| s.threshold_bps = 5_000)),
        (4, with(d, |s| s.threshold_bps = 10_001)),
        (5, with(d, |s| s.reward = U256::ZERO)),
        // items * k * reward overflows.
        (5, with(d, |s| s.reward = U256::MAX)),
        // The bounty fits, but the fee computation (bounty * 10000) would overflow.
        (5, with(d, |s| s.reward = overflow_after_fee)),
        (6, with(d, |s| s.stake = U256::ZERO)),
        (7, with(d, |s| s.commit_duration = 59)),
        (7, with(d, |s| s.commit_duration = year + 1)),
        (8, with(d, |s| s.reveal_duration = 59)),
        (8, with(d, |s| s.reveal_duration = year + 1)),
        (9, with(d, |s| s.audit_rate_bps = 10_001)),
        (10, with(d, |s| s.min_tier = 3)),
    ];
    for (field, spec) in cases {
        let err = w.create_task_unfunded(requester, spec).motsu_unwrap_err();
        let Error::InvalidTaskParameter(e) = err else {
            panic!("field {field}: {err:?}")
        };
        assert_eq!(e.field, field);
    }
    // Field 0: the data root.
    let err = create_task_on(&w.registry, requester, B256::ZERO, w.lbl(), &d).motsu_unwrap_err();
    let e = variant!(err, Error::InvalidTaskParameter);
    assert_eq!(e.field, 0);
    // When several are wrong, the first is reported.
    let err = w
        .create_task_unfunded(
            requester,
            TaskSpec {
                k: 0,
                min_tier: 9,
                ..d
            },
        )
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidTaskParameter(ref e) if e.field == 3),
        "{err:?}"
    );
    assert_eq!(w.registry.sender(requester).task_count(), 0);
    w.assert_solvent();
}

#[motsu::test]
fn every_bound_of_a_task_parameter_is_itself_accepted() {
    let w = World::default();
    let requester = Address::random();
    let d = TaskSpec::default();
    let year = 365 * 86_400;
    let edges = [
        TaskSpec { items: 1, ..d },
        TaskSpec { classes: 2, ..d },
        TaskSpec { classes: 256, ..d },
        TaskSpec { k: 1, ..d },
        TaskSpec { k: 32, ..d },
        TaskSpec {
            threshold_bps: 5_001,
            ..d
        },
        TaskSpec {
            threshold_bps: 10_000,
            ..d
        },
        TaskSpec {
            reward: U256::from(1u64),
            ..d
        },
        TaskSpec {
            stake: U256::from(1u64),
            ..d
        },
        TaskSpec {
            commit_duration: 60,
            reveal_duration: 60,
            ..d
        },
        TaskSpec {
            commit_duration: year,
            reveal_duration: year,
            ..d
        },
        TaskSpec {
            audit_rate_bps: 10_000,
            ..d
        },
        TaskSpec { min_tier: 2, ..d },
        TaskSpec { stable: true, ..d },
    ];
    for (i, spec) in edges.into_iter().enumerate() {
        assert_eq!(w.create_task(requester, spec), i as u64 + 1);
    }
    w.assert_solvent();
}

#[motsu::test]
fn a_payment_token_off_the_allow_list_is_refused() {
    let w = World::default();
    let requester = Address::random();
    let stranger_token = Address::random();
    let err = create_task_on(
        &w.registry,
        requester,
        ROOT,
        stranger_token,
        &TaskSpec::default(),
    )
    .motsu_unwrap_err();
    let e = variant!(err, Error::PaymentTokenNotAllowed);
    assert_eq!(e.token, stranger_token);

    // Delisting the stablecoin stops new tasks in it.
    w.registry
        .sender(w.admin)
        .set_payment_token(w.stable.address(), false)
        .motsu_unwrap();
    assert!(!w
        .registry
        .sender(w.admin)
        .is_payment_token(w.stable.address()));
    let spec = TaskSpec {
        stable: true,
        ..TaskSpec::default()
    };
    let err = w.create_task_unfunded(requester, spec).motsu_unwrap_err();
    let e = variant!(err, Error::PaymentTokenNotAllowed);
    assert_eq!(e.token, w.stable.address());
    w.assert_solvent();
}

#[motsu::test]
fn the_allow_list_is_admin_only_and_never_holds_the_zero_address() {
    let w = World::default();
    let stranger = Address::random();
    let err = w
        .registry
        .sender(stranger)
        .set_payment_token(stranger, true)
        .motsu_unwrap_err();
    let e = variant!(err, Error::OwnableUnauthorizedAccount);
    assert_eq!(e.account, stranger);
    let err = w
        .registry
        .sender(w.admin)
        .set_payment_token(Address::ZERO, true)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAddress(_)), "{err:?}");
    assert!(!w.registry.sender(w.admin).is_payment_token(stranger));
}

// ---- global parameters ----

#[motsu::test]
fn each_out_of_range_parameter_is_reported_by_its_index() {
    let w = World::default();
    let d = ProtocolParams::DEFAULT;
    let cases: [(u8, ProtocolParams); 13] = [
        (0, with(d, |s| s.fee_bps = 1_001)),
        (1, with(d, |s| s.slash_bps = 10_001)),
        (2, with(d, |s| s.no_reveal_slash_bps = 10_001)),
        (3, with(d, |s| s.slash_burn_bps = 10_001)),
        (4, with(d, |s| s.audit_window = 3_599)),
        (4, with(d, |s| s.audit_window = 30 * 86_400 + 1)),
        (5, with(d, |s| s.standard_bps = 9_999)),
        (6, with(d, |s| s.strong_bps = 9_999)),
        (6, with(d, |s| s.standard_bps = 12_600)),
        (7, with(d, |s| s.audited_bps = 15_001)),
        (7, with(d, |s| s.audited_bps = 12_499)),
        (8, with(d, |s| s.auditor_share_bps = 5_001)),
        (
            0,
            with(d, |s| {
                s.fee_bps = u16::MAX;
                s.auditor_share_bps = u16::MAX;
            }),
        ),
    ];
    for (index, p) in cases {
        let err = set_params(&w, w.admin, p).motsu_unwrap_err();
        let Error::ParameterOutOfRange(e) = err else {
            panic!("index {index}: {err:?}")
        };
        assert_eq!(e.index, index, "{p:?}");
    }
    assert_eq!(w.registry.sender(w.admin).params(), rules(d));
    // Every upper and lower bound itself is accepted.
    let edges = ProtocolParams {
        fee_bps: 1_000,
        slash_bps: 10_000,
        no_reveal_slash_bps: 0,
        slash_burn_bps: 10_000,
        audit_window: 3_600,
        standard_bps: 15_000,
        strong_bps: 15_000,
        audited_bps: 15_000,
        auditor_share_bps: 5_000,
    };
    set_params(&w, w.admin, edges).motsu_unwrap();
    assert_eq!(w.registry.sender(w.admin).params(), rules(edges));
}

#[motsu::test]
fn only_the_admin_may_set_parameters() {
    let w = World::default();
    let stranger = Address::random();
    let err = set_params(&w, stranger, ProtocolParams::DEFAULT).motsu_unwrap_err();
    let e = variant!(err, Error::OwnableUnauthorizedAccount);
    assert_eq!(e.account, stranger);
}

/// The global parameters a task copied at creation, read from its packed terms.
fn task_rules(w: &World, task: u64) -> (u16, u16, u16, u16, u64, u16, u16, u16, u16) {
    let (a, b, c, reward, stake, cap) = w.registry.sender(w.admin).terms(task);
    let t = labelchain_protocol::TaskTerms::unpack([a, b, c], reward, stake, cap);
    (
        t.fee_bps,
        t.slash_bps,
        t.no_reveal_slash_bps,
        t.slash_burn_bps,
        t.audit_window,
        t.standard_bps,
        t.strong_bps,
        t.audited_bps,
        t.auditor_share_bps,
    )
}

#[motsu::test]
fn a_task_keeps_the_parameters_in_force_when_it_was_created() {
    let w = World::default();
    let requester = Address::random();
    let spec = TaskSpec::default();
    let before = w.create_task(requester, spec);

    let new = ProtocolParams {
        fee_bps: 500,
        slash_bps: 3_000,
        no_reveal_slash_bps: 9_000,
        slash_burn_bps: 4_000,
        audit_window: 86_400,
        standard_bps: 10_000,
        strong_bps: 11_000,
        audited_bps: 12_000,
        auditor_share_bps: 2_000,
    };
    set_params(&w, w.admin, new).motsu_unwrap();
    w.registry.assert_emitted(&ParamsUpdated {
        feeBps: 500,
        slashBps: 3_000,
        noRevealSlashBps: 9_000,
        slashBurnBps: 4_000,
        auditWindow: 86_400,
        standardBps: 10_000,
        strongBps: 11_000,
        auditedBps: 12_000,
        auditorShareBps: 2_000,
    });
    assert_eq!(w.registry.sender(w.admin).params(), rules(new));

    let (bounty, _) = w.cost(&spec);
    let fee = bounty * U256::from(500u64) / U256::from(10_000u64);
    fund_lbl(&w, requester, bounty + fee);
    let after = w.create_task_unfunded(requester, spec).motsu_unwrap();

    assert_eq!(task_rules(&w, before), rules(ProtocolParams::DEFAULT));
    assert_eq!(task_rules(&w, after), rules(new));
    assert_eq!(
        w.escrow.sender(w.admin).bounty_of(before).3,
        lbl(24) / U256::from(40u64)
    );
    assert_eq!(w.escrow.sender(w.admin).bounty_of(after).3, fee);
    w.assert_solvent();
}

// ---- pause ----

#[motsu::test]
fn pause_and_unpause_are_admin_only_and_stop_task_creation() {
    let w = World::default();
    let stranger = Address::random();
    let err = w
        .registry
        .sender(stranger)
        .set_paused(true)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::OwnableUnauthorizedAccount(_)),
        "{err:?}"
    );
    let err = w
        .registry
        .sender(w.admin)
        .set_paused(false)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ExpectedPause(_)), "{err:?}");

    w.registry.sender(w.admin).set_paused(true).motsu_unwrap();
    assert!(w.registry.sender(w.admin).paused());
    let err = w
        .registry
        .sender(w.admin)
        .set_paused(true)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::EnforcedPause(_)), "{err:?}");
    let err = w
        .registry
        .sender(stranger)
        .set_paused(false)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::OwnableUnauthorizedAccount(_)),
        "{err:?}"
    );

    let requester = Address::random();
    let spec = TaskSpec::default();
    let (bounty, fee) = w.cost(&spec);
    fund_lbl(&w, requester, bounty + fee);
    let err = w.create_task_unfunded(requester, spec).motsu_unwrap_err();
    assert!(matches!(err, Error::EnforcedPause(_)), "{err:?}");
    assert_eq!(w.registry.sender(w.admin).task_count(), 0);

    w.registry.sender(w.admin).set_paused(false).motsu_unwrap();
    assert!(!w.registry.sender(w.admin).paused());
    assert_eq!(w.create_task_unfunded(requester, spec).motsu_unwrap(), 1);
    w.assert_solvent();
}

#[motsu::test]
fn a_pause_stops_commits_on_existing_tasks_and_the_flag_reaches_the_verifier() {
    let (w, _, task) = World::with_default_task();
    let who = w.labeller(lbl(100));
    w.registry.sender(w.admin).set_paused(true).motsu_unwrap();
    // The pause flag travels inside the packed terms the verifier reads.
    let (w0, w1, w2, reward, stake, cap) = w.registry.sender(w.admin).terms(task);
    let terms = labelchain_protocol::TaskTerms::unpack([w0, w1, w2], reward, stake, cap);
    assert!(
        terms.paused,
        "terms() of a paused registry decode as not paused"
    );
    let err = w.commit_refused(task, 0, who, 1);
    assert!(
        matches!(err, consensus_verifier::Error::EnforcedPause(_)),
        "{err:?}"
    );
    w.assert_solvent();
}

// ---- verifier wiring ----

#[motsu::test]
fn the_verifier_is_wired_once_by_the_admin_and_never_to_zero() {
    let w = World::default();
    let err = w
        .registry
        .sender(w.admin)
        .set_verifier(Address::random())
        .motsu_unwrap_err();
    let e = variant!(err, Error::VerifierAlreadySet);
    assert_eq!(e.verifier, w.verifier.address());

    let fresh = Contract::<TaskRegistry>::new();
    fresh
        .sender(w.admin)
        .constructor(w.admin, w.escrow.address(), w.lbl())
        .motsu_unwrap();
    let err = fresh
        .sender(w.admin)
        .set_verifier(Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAddress(_)), "{err:?}");
    let stranger = Address::random();
    let err = fresh
        .sender(stranger)
        .set_verifier(stranger)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::OwnableUnauthorizedAccount(_)),
        "{err:?}"
    );
    assert_eq!(fresh.sender(w.admin).verifier(), Address::ZERO);
    let v = Address::random();
    fresh.sender(w.admin).set_verifier(v).motsu_unwrap();
    fresh.assert_emitted(&VerifierSet { verifier: v });
    assert_eq!(fresh.sender(w.admin).verifier(), v);
}

#[motsu::test]
fn a_registry_without_a_verifier_cannot_cancel_or_reclaim() {
    let w = World::default();
    // A second deployment whose escrow trusts a registry that was never given a verifier.
    let escrow = Contract::<staking_escrow::StakingEscrow>::new();
    escrow
        .sender(w.admin)
        .constructor(w.admin, w.lbl(), w.treasury, UNBONDING)
        .motsu_unwrap();
    let unwired = Contract::<TaskRegistry>::new();
    unwired
        .sender(w.admin)
        .constructor(w.admin, escrow.address(), w.lbl())
        .motsu_unwrap();
    escrow
        .sender(w.admin)
        .set_protocol(unwired.address(), Address::random())
        .motsu_unwrap();
    let requester = Address::random();
    let spec = TaskSpec::default();
    let (bounty, fee) = w.cost(&spec);
    w.give_lbl(requester, bounty + fee);
    w.token
        .sender(requester)
        .approve(escrow.address(), bounty + fee)
        .motsu_unwrap();
    let task = create_task_on(&unwired, requester, ROOT, w.lbl(), &spec).motsu_unwrap();

    let err = unwired
        .sender(requester)
        .cancel_task(task)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::VerifierNotSet(_)), "{err:?}");
    advance(spec.commit_duration + 1);
    let err = unwired.sender(requester).reclaim(task).motsu_unwrap_err();
    assert!(matches!(err, Error::VerifierNotSet(_)), "{err:?}");
    assert_eq!(
        escrow.sender(requester).bounty_of(task),
        (w.lbl(), requester, bounty, fee)
    );
}

// ---- cancelTask ----

#[motsu::test]
fn only_the_requester_may_cancel_and_only_an_open_task() {
    let (w, requester, task) = World::with_default_task();
    let stranger = Address::random();
    let err = w
        .registry
        .sender(stranger)
        .cancel_task(task)
        .motsu_unwrap_err();
    let e = variant!(err, Error::NotRequester);
    assert_eq!((e.task, e.requester), (task, requester));
    let err = w
        .registry
        .sender(requester)
        .cancel_task(42)
        .motsu_unwrap_err();
    let e = variant!(err, Error::TaskNotOpen);
    assert_eq!(e.task, 42);
    w.assert_solvent();
}

#[motsu::test]
fn a_task_with_a_commit_cannot_be_cancelled() {
    let (w, requester, task) = World::with_default_task();
    let who = w.labeller(lbl(100));
    w.commit(task, 2, who, 0);
    let err = w
        .registry
        .sender(requester)
        .cancel_task(task)
        .motsu_unwrap_err();
    let e = variant!(err, Error::TaskAlreadyStarted);
    assert_eq!(e.task, task);
    // The fee went to the treasury with the first commit.
    assert_eq!(w.escrow.sender(requester).bounty_of(task).3, U256::ZERO);
    assert_eq!(
        w.claimable(w.lbl(), w.treasury),
        lbl(24) / U256::from(40u64)
    );
    w.assert_solvent();
}

#[motsu::test]
fn cancelling_refunds_the_whole_bounty_and_the_fee_and_closes_the_task() {
    for stable in [false, true] {
        let w = World::default();
        let requester = Address::random();
        let spec = TaskSpec {
            stable,
            ..TaskSpec::default()
        };
        let token = w.pay_token(&spec);
        let (bounty, fee) = w.cost(&spec);
        let task = w.create_task(requester, spec);
        w.registry
            .sender(requester)
            .cancel_task(task)
            .motsu_unwrap();
        w.registry.assert_emitted(&TaskCancelled { task });
        assert_eq!(w.claimable(token, requester), bounty + fee);
        assert_eq!(w.get_task(task).13, 2);
        w.assert_solvent();
        assert_eq!(w.claim(token, requester), bounty + fee);
        assert_eq!(w.balance(token, requester), bounty + fee);
        w.assert_solvent();

        let err = w
            .registry
            .sender(requester)
            .cancel_task(task)
            .motsu_unwrap_err();
        assert!(matches!(err, Error::TaskNotOpen(_)), "{err:?}");
        let err = w
            .registry
            .sender(requester)
            .reclaim(task)
            .motsu_unwrap_err();
        assert!(matches!(err, Error::TaskNotOpen(_)), "{err:?}");
        // Nor can anyone commit to it any more.
        let who = w.labeller(lbl(100));
        let err = w.commit_refused(task, 0, who, 0);
        assert!(
            matches!(err, consensus_verifier::Error::TaskNotOpen(_)),
            "{err:?}"
        );
        w.assert_solvent();
    }
}

// ---- reclaim ----

#[motsu::test]
fn reclaim_waits_for_the_commit_window_to_close() {
    let (w, requester, task) = World::with_default_task();
    let commit_end = w.get_task(task).9;
    for _ in 0..2 {
        let err = w
            .registry
            .sender(requester)
            .reclaim(task)
            .motsu_unwrap_err();
        let e = variant!(err, Error::CommitWindowOpen);
        assert_eq!(e.commitEnd, commit_end);
        // The last second of the window is still inside it.
        advance(commit_end - w.now());
    }
    advance(1);
    w.registry.sender(requester).reclaim(task).motsu_unwrap();
    w.assert_solvent();
}

#[motsu::test]
fn reclaim_refunds_items_never_committed_and_keeps_open_items_reserved() {
    let w = World::default();
    let requester = Address::random();
    let spec = TaskSpec::default();
    let task = w.create_task(requester, spec);
    let who = w.labeller(lbl(100));
    w.commit(task, 0, who, 1);
    w.end_commit(task);

    let per_item = U256::from(spec.k) * spec.reward;
    // Anyone may trigger it; the money goes to the requester.
    let refunded = w
        .registry
        .sender(Address::random())
        .reclaim(task)
        .motsu_unwrap();
    assert_eq!(refunded, per_item * U256::from(3u64));
    w.registry.assert_emitted(&BountyReclaimed {
        task,
        amount: refunded,
    });
    assert_eq!(w.claimable(w.lbl(), requester), refunded);
    assert_eq!(w.escrow.sender(requester).bounty_of(task).2, per_item);
    w.assert_solvent();

    let err = w
        .registry
        .sender(requester)
        .reclaim(task)
        .motsu_unwrap_err();
    let e = variant!(err, Error::NothingToReclaim);
    assert_eq!(e.task, task);

    // The open item ends void (one commit of the two needed) and refunds its own bounty.
    w.end_reveal(task);
    w.finalize(task, 0);
    assert_eq!(w.escrow.sender(requester).bounty_of(task).2, U256::ZERO);
    assert_eq!(w.claimable(w.lbl(), requester), refunded + per_item);
    let err = w
        .registry
        .sender(requester)
        .reclaim(task)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToReclaim(_)), "{err:?}");
    assert_eq!(w.claim(w.lbl(), requester), refunded + per_item);
    w.assert_solvent();
}

// ---- createTaskWithPermit ----

/// A permit over `owner`'s LBL, signed by `signer`, letting the escrow pull `value`
/// (the owner's first nonce, no deadline).
fn escrow_permit(w: &World, signer: Account, owner: Address, value: U256) -> (u8, B256, B256) {
    sign_permit(
        w,
        signer,
        owner,
        w.escrow.address(),
        value,
        U256::ZERO,
        U256::MAX,
    )
}

fn create_with_permit(
    w: &World,
    requester: Account,
    spec: &TaskSpec,
    token: Address,
    (v, r, s): (u8, B256, B256),
) -> Result<u64, Error> {
    w.registry.sender(requester).create_task_with_permit(
        ROOT,
        spec.items,
        spec.classes,
        spec.k,
        spec.threshold_bps,
        token,
        spec.reward,
        spec.stake,
        spec.commit_duration,
        spec.reveal_duration,
        spec.audit_rate_bps,
        spec.min_tier,
        "ipfs://task-metadata".into(),
        U256::MAX,
        v,
        r,
        s,
    )
}

#[motsu::test]
fn create_task_with_permit_needs_no_approve() {
    let w = World::default();
    let requester = Account::from_seed("requester");
    let spec = TaskSpec::default();
    let (bounty, fee) = w.cost(&spec);
    w.give_lbl(requester.address(), bounty + fee);
    let sig = escrow_permit(&w, requester, requester.address(), bounty + fee);
    let task = create_with_permit(&w, requester, &spec, w.lbl(), sig).motsu_unwrap();
    assert_eq!(task, 1);
    assert_eq!(
        w.escrow.sender(requester).bounty_of(task),
        (w.lbl(), requester.address(), bounty, fee)
    );
    let t = w.token.sender(requester);
    assert_eq!(t.nonces(requester.address()), U256::from(1u64));
    assert_eq!(
        t.allowance(requester.address(), w.escrow.address()),
        U256::ZERO
    );
    assert_eq!(w.balance(w.lbl(), requester.address()), U256::ZERO);
    w.assert_solvent();
}

#[motsu::test]
fn a_failed_permit_falls_back_to_an_existing_allowance() {
    let w = World::default();
    let requester = Account::from_seed("requester");
    let mallory = Account::from_seed("mallory");
    let spec = TaskSpec::default();
    let (bounty, fee) = w.cost(&spec);
    w.give_lbl(requester.address(), bounty + fee);
    let bad = escrow_permit(&w, mallory, requester.address(), bounty + fee);
    // Without an allowance the deposit fails, and the escrow's revert comes through.
    let err = create_with_permit(&w, requester, &spec, w.lbl(), bad).motsu_unwrap_err();
    let b = variant!(err, Error::Bubbled);
    assert_eq!(bubbled::<SafeErc20FailedOperation>(&b).token, w.lbl());
    assert_eq!(w.registry.sender(requester).task_count(), 0);

    // With one, the bad permit is ignored and its nonce is not consumed.
    w.token
        .sender(requester)
        .approve(w.escrow.address(), bounty + fee)
        .motsu_unwrap();
    let task = create_with_permit(&w, requester, &spec, w.lbl(), bad).motsu_unwrap();
    assert_eq!(task, 1);
    assert_eq!(
        w.token.sender(requester).nonces(requester.address()),
        U256::ZERO
    );
    // A token without permit (the stablecoin) works the same way with an approve.
    let stable_spec = TaskSpec {
        stable: true,
        ..spec
    };
    w.stable
        .sender(requester)
        .mint(requester.address(), bounty + fee)
        .motsu_unwrap();
    w.stable
        .sender(requester)
        .approve(w.escrow.address(), bounty + fee)
        .motsu_unwrap();
    let task =
        create_with_permit(&w, requester, &stable_spec, w.stable.address(), bad).motsu_unwrap();
    assert_eq!(
        w.escrow.sender(requester).bounty_of(task).0,
        w.stable.address()
    );
    w.assert_solvent();
}

#[motsu::test]
fn create_task_with_permit_validates_before_using_the_permit() {
    let w = World::default();
    let requester = Account::from_seed("requester");
    let spec = TaskSpec {
        k: 0,
        ..TaskSpec::default()
    };
    let sig = escrow_permit(&w, requester, requester.address(), U256::ZERO);
    let err = create_with_permit(&w, requester, &spec, w.lbl(), sig).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidTaskParameter(ref e) if e.field == 3),
        "{err:?}"
    );
    assert_eq!(
        w.token.sender(requester).nonces(requester.address()),
        U256::ZERO
    );
}
