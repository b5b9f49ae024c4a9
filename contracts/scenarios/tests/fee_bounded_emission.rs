//! Emission never exceeds what requesters paid the protocol (DESIGN §3): an accepted item
//! emits `min(e(n) x tier, feePerItem x emissionRate)`, the rate being its payment
//! token's when the task was created (at most 1 LBL per LBL of fee for LBL itself, 0 for
//! a newly allow-listed token until the admin sets one).

use alloy_primitives::{Address, U256};
use labelchain_scenarios::*;
use motsu::prelude::*;
use task_registry::Error;

const WAD: u64 = 1_000_000_000_000_000_000;

/// Labels `item` of `task` unanimously by `ls` and finalizes it.
fn unanimous(w: &World, task: u64, item: u32, ls: &[Address]) {
    let votes: Vec<(Address, u8)> = ls.iter().map(|l| (*l, 1)).collect();
    w.commit_all(task, item, &votes);
    w.end_commit(task);
    w.reveal_all(task, item, &votes);
    w.finalize(task, item);
}

/// `farmer` commits, reveals and finalizes items `0..items` of its own k = 1 task.
fn self_label(w: &World, task: u64, farmer: Address, items: u32) {
    for item in 0..items {
        w.commit(task, item, farmer, 1);
    }
    w.end_commit(task);
    for item in 0..items {
        w.reveal(task, item, farmer, 1);
        w.finalize(task, item);
    }
}

fn minted(w: &World) -> (U256, u64) {
    let (_, _, _, emitted, verified) = w.token.sender(w.admin).emission_state();
    (emitted, verified)
}

#[motsu::test]
fn lbl_starts_at_one_lbl_per_lbl_of_fee_and_new_tokens_at_zero() {
    let w = World::default();
    let r = w.registry.sender(w.admin);
    assert_eq!(r.emission_rate(w.lbl()), U256::from(WAD));
    assert_eq!(
        w.registry.sender(w.admin).emission_rate(w.stable.address()),
        U256::ZERO
    );
}

#[motsu::test]
fn an_item_emits_its_fee_share_when_that_is_below_the_schedule() {
    let w = World::default();
    let task = w.create_task(Address::random(), TaskSpec::default());
    // 3 labels x 2 LBL x 2.5 % = 0.15 LBL of fee per item, at rate 1: the cap.
    let fee_share = lbl(15) / U256::from(100u8);
    assert_eq!(w.terms(task).emission_cap, fee_share);
    let ls: Vec<Address> = (0..3).map(|_| w.labeller(lbl(10))).collect();
    unanimous(&w, task, 0, &ls);
    // Strong (1.25 x 300 LBL on the schedule), yet only the fee share is minted.
    assert!(w.token.emitted(&reward_token::EmissionMinted {
        item: 0,
        to: w.escrow.address(),
        amount: fee_share,
        multiplierBps: 12_500,
    }));
    assert_eq!(minted(&w), (fee_share, 1));
    for l in &ls {
        assert_eq!(
            w.claimable(w.lbl(), *l),
            lbl(2) + fee_share / U256::from(3u8)
        );
    }
    w.assert_solvent();
}

#[motsu::test]
fn self_dealing_farming_mints_no_more_than_the_farmer_paid() {
    let w = World::default();
    let farmer = Address::random();
    w.stake(farmer, lbl(10));
    // The farm of issue #11: a k = 1 task labelled by its own requester. With 1 wei per
    // label the fee rounds to 0, so nothing is minted and the schedule does not advance.
    let dust = TaskSpec {
        items: 4,
        k: 1,
        threshold_bps: 10_000,
        reward: U256::from(1u8),
        stake: U256::from(1u8),
        ..TaskSpec::default()
    };
    let task = w.create_task(farmer, dust);
    self_label(&w, task, farmer, 4);
    assert_eq!(
        minted(&w),
        (U256::ZERO, 0),
        "nothing minted, n not advanced"
    );
    // With a real reward the farmer gets back exactly the fee it paid, never more: the
    // farm is at best zero-sum before gas, a loss after it.
    let paid = TaskSpec {
        items: 4,
        k: 1,
        threshold_bps: 10_000,
        reward: lbl(1),
        stake: lbl(1),
        ..TaskSpec::default()
    };
    let (bounty, fee) = w.cost(&paid);
    let task = w.create_task(farmer, paid);
    let before = w.balance(w.lbl(), farmer) + w.claimable(w.lbl(), farmer);
    self_label(&w, task, farmer, 4);
    let after = w.balance(w.lbl(), farmer) + w.claimable(w.lbl(), farmer);
    let (emitted, _) = minted(&w);
    assert_eq!(emitted, fee, "emission == the fee paid, at rate 1");
    // Funded with bounty + fee by the harness before `before`: it got the bounty back
    // as rewards and the fee back as emission.
    assert_eq!(after - before, bounty + emitted);
    assert!(emitted <= fee);
    w.assert_solvent();
}

#[motsu::test]
fn a_stablecoin_emits_at_its_rate_and_each_task_keeps_the_rate_it_was_created_with() {
    let w = World::default();
    let stable = w.stable.address();
    let spec = TaskSpec {
        items: 2,
        stable: true,
        reward: usd(3),
        ..TaskSpec::default()
    };
    let ls: Vec<Address> = (0..3).map(|_| w.labeller(lbl(100))).collect();
    // Rate 0 (never set): no emission.
    let unrated = w.create_task(Address::random(), spec);
    // 100 LBL per dollar: 1e20 LBL wei per 1e6 units, i.e. 1e14 per unit, as a WAD.
    let rate = U256::from(100_000_000_000_000u64) * U256::from(WAD);
    w.registry
        .sender(w.admin)
        .set_emission_rate(stable, rate)
        .motsu_unwrap();
    w.registry.assert_emitted(&task_registry::EmissionRateSet {
        token: stable,
        rate,
    });
    let rated = w.create_task(Address::random(), spec);
    // Fee per item: 3 x 3 USD x 2.5 % = 0.225 USD = 225,000 units; x 1e14 = 22.5 LBL.
    let cap = lbl(225) / U256::from(10u8);
    assert_eq!(w.terms(rated).emission_cap, cap);
    assert_eq!(w.terms(unrated).emission_cap, U256::ZERO);
    // The admin withdraws the rate: tasks created before keep theirs.
    w.registry
        .sender(w.admin)
        .set_emission_rate(stable, U256::ZERO)
        .motsu_unwrap();
    let votes: Vec<(Address, u8)> = ls.iter().map(|l| (*l, 1)).collect();
    for task in [unrated, rated] {
        w.commit_all(task, 0, &votes);
    }
    w.end_commit(rated);
    for task in [unrated, rated] {
        w.reveal_all(task, 0, &votes);
    }
    w.finalize(unrated, 0);
    assert_eq!(minted(&w), (U256::ZERO, 0));
    w.finalize(rated, 0);
    assert_eq!(minted(&w), (cap, 1));
    let later = w.create_task(Address::random(), spec);
    assert_eq!(w.terms(later).emission_cap, U256::ZERO);
    w.assert_solvent();
}

#[motsu::test]
fn emission_rates_are_bounded_owner_only_and_for_allowed_tokens_only() {
    let w = World::default();
    let r = |who| w.registry.sender(who);
    let over = U256::from(WAD) + U256::from(1u8);
    let err = r(w.admin)
        .set_emission_rate(w.lbl(), over)
        .motsu_unwrap_err();
    let e = variant!(err, Error::EmissionRateOutOfRange);
    assert_eq!((e.token, e.rate, e.max), (w.lbl(), over, U256::from(WAD)));
    let max = U256::from(u128::MAX);
    let stable = w.stable.address();
    r(w.admin).set_emission_rate(stable, max).motsu_unwrap();
    let err = r(w.admin)
        .set_emission_rate(stable, max + U256::from(1u8))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::EmissionRateOutOfRange(_)), "{err:?}");
    let err = r(w.admin)
        .set_emission_rate(Address::random(), U256::from(1u8))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::PaymentTokenNotAllowed(_)), "{err:?}");
    let err = r(Address::random())
        .set_emission_rate(w.lbl(), U256::ZERO)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::OwnableUnauthorizedAccount(_)),
        "{err:?}"
    );
    // LBL may go below 1:1, e.g. to 0 (no emission at all).
    r(w.admin)
        .set_emission_rate(w.lbl(), U256::ZERO)
        .motsu_unwrap();
    assert_eq!(r(w.admin).emission_rate(w.lbl()), U256::ZERO);
    assert_eq!(r(w.admin).emission_rate(stable), max);
}
