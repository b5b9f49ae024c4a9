//! StakingEscrow on its own: deployment bounds, staking and unbonding, claims, its fixed
//! wiring to the registry and the verifier, who may call the trusted hooks, the two-step
//! ownership transfer, and the escrow's own defences against a trusted caller that
//! misbehaves (the test calling the hooks directly as the registry and the verifier).

use alloy_primitives::{Address, U256};
use labelchain_scenarios::*;
use motsu::prelude::*;
use staking_escrow::{
    BountyDeposited, BountyRefunded, Claimed, Error, FeeCollected, ProtocolSet, Settled,
    StakeLocked, StakeSlashed, Staked, StakingEscrow, TreasurySet, UnbondingPeriodSet,
    UnstakeRequested, Withdrawn, MAX_UNBONDING, MIN_UNBONDING,
};

/// The escrow's two trusted callers, played by the test: calls sent with the registry's or
/// the verifier's address, bypassing those contracts' own checks.
struct Rogue {
    registry: Address,
    verifier: Address,
}

fn rogue(w: &World) -> Rogue {
    Rogue {
        registry: w.registry.address(),
        verifier: w.verifier.address(),
    }
}

/// An escrow deployed with valid parameters, owned by `owner` and not wired yet.
fn unwired_escrow(owner: Address) -> Contract<StakingEscrow> {
    let escrow = Contract::<StakingEscrow>::new();
    escrow
        .sender(owner)
        .constructor(owner, Address::random(), Address::random(), UNBONDING)
        .motsu_unwrap();
    escrow
}

/// `requester` funded with and approving `bounty + fee` LBL, deposited by `by` for `task`.
fn deposit(w: &World, by: Address, task: u64, requester: Address, bounty: U256, fee: U256) {
    w.give_lbl(requester, bounty + fee);
    w.token
        .sender(requester)
        .approve(w.escrow.address(), bounty + fee)
        .motsu_unwrap();
    w.escrow
        .sender(by)
        .deposit_bounty(task, requester, w.lbl(), bounty, fee)
        .motsu_unwrap();
}

fn zeros(n: usize) -> Vec<U256> {
    vec![U256::ZERO; n]
}

// ---- deployment ----

#[motsu::test]
fn constructor_rejects_each_invalid_parameter() {
    let (admin, token, treasury) = (Address::random(), Address::random(), Address::random());
    let cases: [(&str, Address, Address, Address, u64); 5] = [
        ("zero admin", Address::ZERO, token, treasury, UNBONDING),
        ("zero token", admin, Address::ZERO, treasury, UNBONDING),
        ("zero treasury", admin, token, Address::ZERO, UNBONDING),
        (
            "unbonding under 1 h",
            admin,
            token,
            treasury,
            MIN_UNBONDING - 1,
        ),
        (
            "unbonding over 90 d",
            admin,
            token,
            treasury,
            MAX_UNBONDING + 1,
        ),
    ];
    for (why, a, tok, t, period) in cases {
        let escrow = Contract::<StakingEscrow>::new();
        let err = escrow
            .sender(admin)
            .constructor(a, tok, t, period)
            .motsu_unwrap_err();
        assert!(
            matches!(err, Error::InvalidEscrowParameters(_)),
            "{why}: {err:?}"
        );
    }
    for period in [MIN_UNBONDING, MAX_UNBONDING] {
        let escrow = Contract::<StakingEscrow>::new();
        escrow
            .sender(admin)
            .constructor(admin, token, treasury, period)
            .motsu_unwrap();
        let e = escrow.sender(admin);
        assert_eq!(
            (
                e.unbonding_period(),
                e.stake_token(),
                e.treasury(),
                e.owner(),
                e.registry(),
                e.verifier()
            ),
            (period, token, treasury, admin, Address::ZERO, Address::ZERO)
        );
    }
}

// ---- staking and unbonding ----

#[motsu::test]
fn stake_of_zero_is_refused() {
    let w = World::default();
    let err = w
        .escrow
        .sender(Address::random())
        .stake(U256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAmount(_)), "{err:?}");
}

#[motsu::test]
fn stake_adds_to_free_stake_and_emits_staked() {
    let w = World::default();
    let who = w.labeller(lbl(100));
    w.stake(who, lbl(50));
    assert_eq!(w.stake_of(who), (lbl(150), U256::ZERO, U256::ZERO, 0));
    assert_eq!(w.balance(w.lbl(), w.escrow.address()), lbl(150));
    w.escrow.assert_emitted(&Staked {
        labeller: who,
        amount: lbl(50),
    });
    w.assert_solvent();
}

#[motsu::test]
fn stake_without_approval_is_refused_and_leaves_no_trace() {
    let w = World::default();
    let who = Address::random();
    w.give_lbl(who, lbl(10));
    let err = w.escrow.sender(who).stake(lbl(10)).motsu_unwrap_err();
    let e = variant!(err, Error::SafeErc20FailedOperation);
    assert_eq!(e.token, w.lbl());
    // Approved too little: same.
    w.token
        .sender(who)
        .approve(w.escrow.address(), lbl(9))
        .motsu_unwrap();
    let err = w.escrow.sender(who).stake(lbl(10)).motsu_unwrap_err();
    assert!(matches!(err, Error::SafeErc20FailedOperation(_)), "{err:?}");
    assert_eq!(w.stake_of(who), (U256::ZERO, U256::ZERO, U256::ZERO, 0));
    assert_eq!(w.balance(w.lbl(), who), lbl(10));
    assert_eq!(w.escrow.sender(who).liabilities(w.lbl()), U256::ZERO);
    w.assert_solvent();
}

#[motsu::test]
fn unstake_of_zero_is_refused() {
    let w = World::default();
    let who = w.labeller(lbl(10));
    let err = w.escrow.sender(who).unstake(U256::ZERO).motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAmount(_)), "{err:?}");
}

#[motsu::test]
fn unstake_of_more_than_free_stake_is_refused() {
    let w = World::default();
    let who = w.labeller(lbl(10));
    let err = w.escrow.sender(who).unstake(lbl(11)).motsu_unwrap_err();
    let e = variant!(err, Error::InsufficientFreeStake);
    assert_eq!((e.available, e.requested), (lbl(10), lbl(11)));
    assert_eq!(w.stake_of(who), (lbl(10), U256::ZERO, U256::ZERO, 0));
    w.assert_solvent();
}

#[motsu::test]
fn stake_locked_by_a_commit_cannot_be_unstaked() {
    let (w, _, task) = World::with_default_task();
    let who = w.labeller(lbl(15));
    w.commit(task, 0, who, 1);
    assert_eq!(w.stake_of(who), (lbl(5), lbl(10), U256::ZERO, 0));
    let err = w.escrow.sender(who).unstake(lbl(6)).motsu_unwrap_err();
    let e = variant!(err, Error::InsufficientFreeStake);
    assert_eq!((e.available, e.requested), (lbl(5), lbl(6)));
    w.escrow.sender(who).unstake(lbl(5)).motsu_unwrap();
    w.assert_solvent();
}

#[motsu::test]
fn unstaked_stake_is_withdrawable_exactly_after_the_unbonding_period() {
    let w = World::default();
    let who = w.labeller(lbl(100));
    w.escrow.sender(who).unstake(lbl(40)).motsu_unwrap();
    let available_at = w.now() + UNBONDING;
    assert_eq!(
        w.stake_of(who),
        (lbl(60), U256::ZERO, lbl(40), available_at)
    );
    w.escrow.assert_emitted(&UnstakeRequested {
        labeller: who,
        amount: lbl(40),
        availableAt: available_at,
    });

    let err = w.escrow.sender(who).withdraw().motsu_unwrap_err();
    let e = variant!(err, Error::StillUnbonding);
    assert_eq!(e.availableAt, available_at);
    advance(UNBONDING - 1);
    let err = w.escrow.sender(who).withdraw().motsu_unwrap_err();
    assert!(matches!(err, Error::StillUnbonding(_)), "{err:?}");
    assert_eq!(w.balance(w.lbl(), who), U256::ZERO);

    advance(1);
    let paid = w.escrow.sender(who).withdraw().motsu_unwrap();
    assert_eq!(paid, lbl(40));
    assert_eq!(w.balance(w.lbl(), who), lbl(40));
    assert_eq!(w.stake_of(who).0, lbl(60));
    assert_eq!(w.stake_of(who).2, U256::ZERO);
    w.escrow.assert_emitted(&Withdrawn {
        labeller: who,
        amount: lbl(40),
    });
    w.assert_solvent();
}

#[motsu::test]
fn a_second_unstake_restarts_the_clock_for_everything_unbonding() {
    let w = World::default();
    let who = w.labeller(lbl(100));
    w.escrow.sender(who).unstake(lbl(10)).motsu_unwrap();
    advance(UNBONDING - 10);
    w.escrow.sender(who).unstake(lbl(5)).motsu_unwrap();
    let restarted = w.now() + UNBONDING;
    assert_eq!(w.stake_of(who), (lbl(85), U256::ZERO, lbl(15), restarted));
    advance(10);
    // The first unstake's period is over, but the whole amount now waits for the second.
    let err = w.escrow.sender(who).withdraw().motsu_unwrap_err();
    let e = variant!(err, Error::StillUnbonding);
    assert_eq!(e.availableAt, restarted);
    advance(restarted - w.now());
    assert_eq!(w.escrow.sender(who).withdraw().motsu_unwrap(), lbl(15));
    assert_eq!(w.balance(w.lbl(), who), lbl(15));
    w.assert_solvent();
}

#[motsu::test]
fn withdraw_with_nothing_unbonding_is_refused() {
    let w = World::default();
    let who = w.labeller(lbl(10));
    let err = w.escrow.sender(who).withdraw().motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToWithdraw(_)), "{err:?}");
    // Nor twice.
    w.escrow.sender(who).unstake(lbl(10)).motsu_unwrap();
    advance(UNBONDING);
    w.escrow.sender(who).withdraw().motsu_unwrap();
    let err = w.escrow.sender(who).withdraw().motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToWithdraw(_)), "{err:?}");
    assert_eq!(w.balance(w.lbl(), who), lbl(10));
    w.assert_solvent();
}

#[motsu::test]
fn claim_with_nothing_credited_is_refused() {
    let w = World::default();
    let who = w.labeller(lbl(10));
    for token in [w.lbl(), w.stable.address()] {
        let err = w.escrow.sender(who).claim(token).motsu_unwrap_err();
        let e = variant!(err, Error::NothingToClaim);
        assert_eq!(e.token, token);
    }
    w.assert_solvent();
}

#[motsu::test]
fn a_shorter_unbonding_period_does_not_shorten_a_pending_unstake() {
    let w = World::default();
    let who = w.labeller(lbl(10));
    w.escrow.sender(who).unstake(lbl(10)).motsu_unwrap();
    let ends = w.now() + UNBONDING;
    w.escrow
        .sender(w.admin)
        .set_unbonding_period(MIN_UNBONDING)
        .motsu_unwrap();
    advance(MIN_UNBONDING);
    let err = w.escrow.sender(who).withdraw().motsu_unwrap_err();
    let e = variant!(err, Error::StillUnbonding);
    assert_eq!(e.availableAt, ends);
    w.assert_solvent();
}

// ---- who may call the hooks ----

#[motsu::test]
fn only_the_registry_may_deposit_cancel_or_refund_bounties() {
    let (w, requester, task) = World::with_default_task();
    let before = w.escrow.sender(requester).bounty_of(task);
    for caller in [w.admin, w.verifier.address(), requester, Address::random()] {
        let errs = [
            w.escrow
                .sender(caller)
                .deposit_bounty(99, requester, w.lbl(), lbl(1), U256::ZERO)
                .motsu_unwrap_err(),
            w.escrow
                .sender(caller)
                .cancel_bounty(task)
                .motsu_unwrap_err(),
            w.escrow
                .sender(caller)
                .refund_bounty(task, lbl(1))
                .motsu_unwrap_err(),
        ];
        for err in errs {
            let e = variant!(err, Error::NotRegistry);
            assert_eq!(e.caller, caller);
        }
    }
    assert_eq!(w.escrow.sender(requester).bounty_of(task), before);
    assert_eq!(w.claimable(w.lbl(), requester), U256::ZERO);
    w.assert_solvent();
}

#[motsu::test]
fn only_the_verifier_may_lock_collect_fees_or_settle() {
    let (w, _, task) = World::with_default_task();
    let labeller = w.labeller(lbl(10));
    for caller in [w.admin, w.registry.address(), labeller, Address::random()] {
        let errs = [
            w.escrow
                .sender(caller)
                .lock(labeller, lbl(1))
                .motsu_unwrap_err(),
            w.escrow.sender(caller).collect_fee(task).motsu_unwrap_err(),
            w.escrow
                .sender(caller)
                .settle(
                    task,
                    settlement_rows(&[caller], &zeros(1), &zeros(1), &[lbl(1)], &zeros(1)),
                    U256::ZERO,
                    U256::ZERO,
                    0,
                )
                .motsu_unwrap_err(),
        ];
        for err in errs {
            let e = variant!(err, Error::NotVerifier);
            assert_eq!(e.caller, caller);
        }
    }
    assert_eq!(w.stake_of(labeller), (lbl(10), U256::ZERO, U256::ZERO, 0));
    assert_eq!(w.claimable(w.lbl(), w.treasury), U256::ZERO);
    w.assert_solvent();
}

// ---- defences against a misbehaving trusted caller ----

#[motsu::test]
fn a_bounty_can_be_deposited_only_once_per_task() {
    let w = World::default();
    let r = rogue(&w);
    let requester = Address::random();
    deposit(&w, r.registry, 7, requester, lbl(10), lbl(1));
    w.escrow.assert_emitted(&BountyDeposited {
        task: 7,
        token: w.lbl(),
        requester,
        bounty: lbl(10),
        fee: lbl(1),
    });
    w.give_lbl(requester, lbl(5));
    w.token
        .sender(requester)
        .approve(w.escrow.address(), lbl(5))
        .motsu_unwrap();
    let err = w
        .escrow
        .sender(r.registry)
        .deposit_bounty(7, requester, w.lbl(), lbl(5), U256::ZERO)
        .motsu_unwrap_err();
    let e = variant!(err, Error::BountyExists);
    assert_eq!(e.task, 7);
    assert_eq!(
        w.escrow.sender(r.registry).bounty_of(7),
        (w.lbl(), requester, lbl(10), lbl(1))
    );
    assert_eq!(w.balance(w.lbl(), requester), lbl(5));
    w.assert_solvent();
}

#[motsu::test]
fn the_registry_re_raises_bounty_exists_when_its_task_id_is_taken() {
    let w = World::default();
    let r = rogue(&w);
    // The next task id the registry hands out is 1.
    deposit(&w, r.registry, 1, Address::random(), lbl(1), U256::ZERO);
    let requester = Address::random();
    let spec = TaskSpec::default();
    let (bounty, fee) = w.cost(&spec);
    w.give_lbl(requester, bounty + fee);
    w.token
        .sender(requester)
        .approve(w.escrow.address(), bounty + fee)
        .motsu_unwrap();
    let err = w.create_task_unfunded(requester, spec).motsu_unwrap_err();
    let b = variant!(err, task_registry::Error::Bubbled);
    assert_eq!(bubbled::<staking_escrow::BountyExists>(&b).task, 1);
    assert_eq!(w.registry.sender(requester).task_count(), 0);
    assert_eq!(w.balance(w.lbl(), requester), bounty + fee);
    w.assert_solvent();
}

#[motsu::test]
fn lock_of_more_than_free_stake_is_refused() {
    let w = World::default();
    let r = rogue(&w);
    let labeller = w.labeller(lbl(10));
    let err = w
        .escrow
        .sender(r.verifier)
        .lock(labeller, lbl(11))
        .motsu_unwrap_err();
    let e = variant!(err, Error::InsufficientFreeStake);
    assert_eq!((e.available, e.requested), (lbl(10), lbl(11)));
    w.escrow
        .sender(r.verifier)
        .lock(labeller, lbl(10))
        .motsu_unwrap();
    w.escrow.assert_emitted(&StakeLocked {
        labeller,
        amount: lbl(10),
    });
    assert_eq!(w.stake_of(labeller), (U256::ZERO, lbl(10), U256::ZERO, 0));
    w.assert_solvent();
}

#[motsu::test]
fn settle_rows_must_be_whole_five_word_records() {
    let w = World::default();
    let r = rogue(&w);
    deposit(&w, r.registry, 1, Address::random(), lbl(10), U256::ZERO);
    let whole = settlement_rows(
        &[Address::random(), Address::random()],
        &zeros(2),
        &zeros(2),
        &zeros(2),
        &zeros(2),
    );
    for len in [1, 4, 6, 9, 11] {
        let mut rows = whole.clone();
        rows.resize(len, U256::ZERO);
        let err = w
            .escrow
            .sender(r.verifier)
            .settle(1, rows, U256::ZERO, U256::ZERO, 0)
            .motsu_unwrap_err();
        assert!(matches!(err, Error::LengthMismatch(_)), "{err:?}");
    }
    w.assert_solvent();
}

#[motsu::test]
fn settle_releasing_more_than_is_locked_is_refused() {
    let w = World::default();
    let r = rogue(&w);
    deposit(&w, r.registry, 1, Address::random(), lbl(10), U256::ZERO);
    let labeller = w.labeller(lbl(10));
    w.escrow
        .sender(r.verifier)
        .lock(labeller, lbl(5))
        .motsu_unwrap();
    let err = w
        .escrow
        .sender(r.verifier)
        .settle(
            1,
            settlement_rows(&[labeller], &[lbl(3)], &[lbl(3)], &zeros(1), &zeros(1)),
            U256::ZERO,
            U256::ZERO,
            5_000,
        )
        .motsu_unwrap_err();
    let e = variant!(err, Error::InsufficientLockedStake);
    assert_eq!((e.labeller, e.locked, e.needed), (labeller, lbl(5), lbl(6)));
    assert_eq!(w.stake_of(labeller), (lbl(5), lbl(5), U256::ZERO, 0));
    w.assert_solvent();
}

#[motsu::test]
fn settle_paying_more_than_the_bounty_is_refused() {
    let w = World::default();
    let r = rogue(&w);
    let requester = Address::random();
    deposit(&w, r.registry, 1, requester, lbl(10), U256::ZERO);
    let (a, b) = (Address::random(), Address::random());
    // Payments alone, and payments plus refund, are both capped by the remaining bounty.
    let cases = [
        (vec![lbl(6), lbl(5)], U256::ZERO, lbl(11)),
        (vec![lbl(6), lbl(0)], lbl(5), lbl(11)),
    ];
    for (paid, refund, requested) in cases {
        let err = w
            .escrow
            .sender(r.verifier)
            .settle(
                1,
                settlement_rows(&[a, b], &zeros(2), &zeros(2), &paid, &zeros(2)),
                refund,
                U256::ZERO,
                0,
            )
            .motsu_unwrap_err();
        let e = variant!(err, Error::BountyExceeded);
        assert_eq!((e.task, e.remaining, e.requested), (1, lbl(10), requested));
    }
    assert_eq!(w.claimable(w.lbl(), a), U256::ZERO);
    assert_eq!(w.claimable(w.lbl(), requester), U256::ZERO);
    assert_eq!(w.escrow.sender(r.registry).bounty_of(1).2, lbl(10));
    w.assert_solvent();
}

#[motsu::test]
fn refund_beyond_the_remaining_bounty_is_refused() {
    let w = World::default();
    let r = rogue(&w);
    let requester = Address::random();
    deposit(&w, r.registry, 1, requester, lbl(10), lbl(1));
    w.escrow
        .sender(r.registry)
        .refund_bounty(1, lbl(4))
        .motsu_unwrap();
    w.escrow.assert_emitted(&BountyRefunded {
        task: 1,
        amount: lbl(4),
    });
    // The fee is not part of what a refund may take.
    let err = w
        .escrow
        .sender(r.registry)
        .refund_bounty(1, lbl(7))
        .motsu_unwrap_err();
    let e = variant!(err, Error::BountyExceeded);
    assert_eq!((e.task, e.remaining, e.requested), (1, lbl(6), lbl(7)));
    assert_eq!(w.claimable(w.lbl(), requester), lbl(4));
    assert_eq!(w.claim(w.lbl(), requester), lbl(4));
    w.assert_solvent();
}

#[motsu::test]
fn a_collected_fee_goes_to_the_treasury_and_is_no_longer_cancellable() {
    let w = World::default();
    let r = rogue(&w);
    let requester = Address::random();
    deposit(&w, r.registry, 1, requester, lbl(10), lbl(1));
    w.escrow.sender(r.verifier).collect_fee(1).motsu_unwrap();
    w.escrow.assert_emitted(&FeeCollected {
        task: 1,
        fee: lbl(1),
    });
    // Collecting twice credits nothing more.
    w.escrow.sender(r.verifier).collect_fee(1).motsu_unwrap();
    assert_eq!(w.claimable(w.lbl(), w.treasury), lbl(1));
    w.escrow.sender(r.registry).cancel_bounty(1).motsu_unwrap();
    assert_eq!(w.claimable(w.lbl(), requester), lbl(10));
    assert_eq!(
        w.escrow.sender(r.registry).bounty_of(1),
        (w.lbl(), requester, U256::ZERO, U256::ZERO)
    );
    assert_eq!(w.claim(w.lbl(), requester), lbl(10));
    assert_eq!(w.claim(w.lbl(), w.treasury), lbl(1));
    w.escrow.assert_emitted(&Claimed {
        token: w.lbl(),
        account: w.treasury,
        amount: lbl(1),
    });
    w.assert_solvent();
}

#[motsu::test]
fn a_settlement_moves_stake_bounty_and_emission_between_books_and_stays_solvent() {
    let w = World::default();
    let r = rogue(&w);
    let requester = Address::random();
    deposit(&w, r.registry, 1, requester, lbl(10), U256::ZERO);
    let (good, bad) = (w.labeller(lbl(10)), w.labeller(lbl(10)));
    w.escrow
        .sender(r.verifier)
        .lock(good, lbl(10))
        .motsu_unwrap();
    w.escrow
        .sender(r.verifier)
        .lock(bad, lbl(10))
        .motsu_unwrap();
    // The verifier, the token's minter, mints emission to the escrow first, then settles.
    let minted = w
        .token
        .sender(r.verifier)
        .mint_emission(w.escrow.address(), uncapped(&[10_000]))
        .motsu_unwrap();
    assert_eq!(minted, vec![lbl(300)]);
    let supply_before = w.token.sender(r.verifier).total_supply();
    w.escrow
        .sender(r.verifier)
        .settle(
            1,
            settlement_rows(
                &[good, bad],
                &[lbl(10), lbl(8)],
                &[U256::ZERO, lbl(2)],
                &[lbl(3), U256::ZERO],
                &[lbl(300), U256::ZERO],
            ),
            lbl(7),
            U256::ZERO,
            5_000,
        )
        .motsu_unwrap();
    w.escrow.assert_emitted(&StakeSlashed {
        labeller: bad,
        task: 1,
        amount: lbl(2),
    });
    w.escrow.assert_emitted(&Settled {
        task: 1,
        paid: lbl(3),
        refunded: lbl(7),
        slashed: lbl(2),
        burned: lbl(1),
        minted: lbl(300),
    });
    assert_eq!(w.stake_of(good), (lbl(10), U256::ZERO, U256::ZERO, 0));
    assert_eq!(w.stake_of(bad), (lbl(8), U256::ZERO, U256::ZERO, 0));
    assert_eq!(w.claimable(w.lbl(), good), lbl(303));
    assert_eq!(w.claimable(w.lbl(), bad), U256::ZERO);
    assert_eq!(w.claimable(w.lbl(), requester), lbl(7));
    assert_eq!(w.claimable(w.lbl(), w.treasury), lbl(1));
    assert_eq!(
        w.token.sender(r.verifier).total_supply(),
        supply_before - lbl(1)
    );
    assert_eq!(w.escrow.sender(r.registry).bounty_of(1).2, U256::ZERO);
    w.assert_solvent();
    assert_eq!(w.claim(w.lbl(), good), lbl(303));
    w.assert_solvent();
}

// ---- owner ----

#[motsu::test]
fn unbonding_period_is_bounded_and_owner_only() {
    let w = World::default();
    for bad in [0, MIN_UNBONDING - 1, MAX_UNBONDING + 1, u64::MAX] {
        let err = w
            .escrow
            .sender(w.admin)
            .set_unbonding_period(bad)
            .motsu_unwrap_err();
        assert!(
            matches!(err, Error::InvalidEscrowParameters(_)),
            "{bad}: {err:?}"
        );
    }
    let stranger = Address::random();
    let err = w
        .escrow
        .sender(stranger)
        .set_unbonding_period(MIN_UNBONDING)
        .motsu_unwrap_err();
    let e = variant!(err, Error::OwnableUnauthorizedAccount);
    assert_eq!(e.account, stranger);
    assert_eq!(w.escrow.sender(w.admin).unbonding_period(), UNBONDING);
    for ok in [MIN_UNBONDING, MAX_UNBONDING] {
        w.escrow
            .sender(w.admin)
            .set_unbonding_period(ok)
            .motsu_unwrap();
        w.escrow.assert_emitted(&UnbondingPeriodSet { period: ok });
        assert_eq!(w.escrow.sender(w.admin).unbonding_period(), ok);
    }
}

#[motsu::test]
fn a_new_treasury_receives_later_fees_only() {
    let w = World::default();
    let err = w
        .escrow
        .sender(w.admin)
        .set_treasury(Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidEscrowParameters(_)), "{err:?}");
    let stranger = Address::random();
    let err = w
        .escrow
        .sender(stranger)
        .set_treasury(stranger)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::OwnableUnauthorizedAccount(_)),
        "{err:?}"
    );
    assert_eq!(w.escrow.sender(w.admin).treasury(), w.treasury);

    let r = rogue(&w);
    deposit(&w, r.registry, 1, Address::random(), lbl(10), lbl(1));
    deposit(&w, r.registry, 2, Address::random(), lbl(20), lbl(2));
    w.escrow.sender(r.verifier).collect_fee(1).motsu_unwrap();
    let new_treasury = Address::random();
    w.escrow
        .sender(w.admin)
        .set_treasury(new_treasury)
        .motsu_unwrap();
    w.escrow.assert_emitted(&TreasurySet {
        treasury: new_treasury,
    });
    w.escrow.sender(r.verifier).collect_fee(2).motsu_unwrap();
    assert_eq!(w.claimable(w.lbl(), w.treasury), lbl(1));
    assert_eq!(w.claimable(w.lbl(), new_treasury), lbl(2));
    assert_eq!(w.claim(w.lbl(), w.treasury), lbl(1));
    w.assert_solvent();
}

// ---- wiring ----

#[motsu::test]
fn the_deployed_escrow_trusts_exactly_the_registry_and_the_verifier() {
    let w = World::default();
    let e = w.escrow.sender(w.admin);
    assert_eq!(e.registry(), w.registry.address());
    assert_eq!(e.verifier(), w.verifier.address());
    assert_eq!(e.owner(), w.admin);
    assert_eq!(e.pending_owner(), Address::ZERO);
    w.escrow.assert_emitted(&ProtocolSet {
        registry: w.registry.address(),
        verifier: w.verifier.address(),
    });
    // Wired once, for good: not even the owner can rewire it.
    for (registry, verifier) in [
        (Address::random(), Address::random()),
        (w.registry.address(), w.verifier.address()),
    ] {
        let err = w
            .escrow
            .sender(w.admin)
            .set_protocol(registry, verifier)
            .motsu_unwrap_err();
        assert!(matches!(err, Error::ProtocolAlreadySet(_)), "{err:?}");
    }
    assert_eq!(w.escrow.sender(w.admin).registry(), w.registry.address());
    assert_eq!(w.escrow.sender(w.admin).verifier(), w.verifier.address());
}

#[motsu::test]
fn only_the_owner_wires_the_escrow_and_never_to_zero() {
    let owner = Address::random();
    let escrow = unwired_escrow(owner);
    let (registry, verifier) = (Address::random(), Address::random());
    let stranger = Address::random();
    let err = escrow
        .sender(stranger)
        .set_protocol(stranger, stranger)
        .motsu_unwrap_err();
    let e = variant!(err, Error::OwnableUnauthorizedAccount);
    assert_eq!(e.account, stranger);
    for (r, v) in [
        (Address::ZERO, verifier),
        (registry, Address::ZERO),
        (Address::ZERO, Address::ZERO),
    ] {
        let err = escrow.sender(owner).set_protocol(r, v).motsu_unwrap_err();
        assert!(
            matches!(err, Error::InvalidEscrowParameters(_)),
            "{r} {v}: {err:?}"
        );
    }
    assert_eq!(escrow.sender(owner).registry(), Address::ZERO);
    assert_eq!(escrow.sender(owner).verifier(), Address::ZERO);
    escrow
        .sender(owner)
        .set_protocol(registry, verifier)
        .motsu_unwrap();
    escrow.assert_emitted(&ProtocolSet { registry, verifier });
    assert_eq!(escrow.sender(owner).registry(), registry);
    assert_eq!(escrow.sender(owner).verifier(), verifier);
    let err = escrow
        .sender(owner)
        .set_protocol(Address::random(), Address::random())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ProtocolAlreadySet(_)), "{err:?}");
}

#[motsu::test]
fn an_unwired_escrow_takes_no_hook_calls() {
    let owner = Address::random();
    let escrow = unwired_escrow(owner);
    for caller in [owner, Address::random()] {
        let err = escrow.sender(caller).cancel_bounty(1).motsu_unwrap_err();
        let e = variant!(err, Error::NotRegistry);
        assert_eq!(e.caller, caller);
        let err = escrow.sender(caller).collect_fee(1).motsu_unwrap_err();
        let e = variant!(err, Error::NotVerifier);
        assert_eq!(e.caller, caller);
    }
}

#[motsu::test]
fn the_registry_and_the_verifier_may_not_use_each_others_hooks() {
    let w = World::default();
    let r = rogue(&w);
    let requester = Address::random();
    let task = w.create_task(requester, TaskSpec::default());
    let labeller = w.labeller(lbl(10));
    let err = w
        .escrow
        .sender(r.verifier)
        .cancel_bounty(task)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotRegistry(_)), "{err:?}");
    let err = w
        .escrow
        .sender(r.registry)
        .lock(labeller, lbl(1))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotVerifier(_)), "{err:?}");
    w.assert_solvent();
}

// ---- two-step ownership ----

#[motsu::test]
fn a_two_step_ownership_transfer_moves_the_owner() {
    let w = World::default();
    let successor = Address::random();
    let stranger = Address::random();
    assert_two_step_handover!(w.escrow, Error, w.admin, stranger, successor);
    let err = w
        .escrow
        .sender(w.admin)
        .set_treasury(Address::random())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::OwnableUnauthorizedAccount(_)),
        "{err:?}"
    );
    let new_treasury = Address::random();
    w.escrow
        .sender(successor)
        .set_treasury(new_treasury)
        .motsu_unwrap();
    assert_eq!(w.escrow.sender(successor).treasury(), new_treasury);
}

#[motsu::test]
fn an_owner_who_renounces_freezes_the_parameters_but_not_the_protocol() {
    let w = World::default();
    w.escrow.sender(w.admin).renounce_ownership().motsu_unwrap();
    assert_eq!(w.escrow.sender(w.admin).owner(), Address::ZERO);
    let err = w
        .escrow
        .sender(w.admin)
        .set_unbonding_period(MIN_UNBONDING)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::OwnableUnauthorizedAccount(_)),
        "{err:?}"
    );
    // The wiring stays: tasks still run through the escrow.
    let requester = Address::random();
    let task = w.create_task(requester, TaskSpec::default());
    assert_eq!(w.escrow.sender(requester).bounty_of(task).1, requester);
    w.assert_solvent();
}
