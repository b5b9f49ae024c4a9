//! Emission is tied to verified volume (DESIGN.md section 3): it halves every H verified
//! items, is multiplied by the quality tier, and can never take supply past the cap.

use alloy_primitives::{Address, U256};
use labelchain_scenarios::*;
use motsu::prelude::*;
use reward_token::RewardToken;

/// Finalizes `items` unanimous (Strong, 1.25x) items with three labellers in one batch;
/// returns the labellers. The task pays 2 units of the stablecoin per label, whose
/// emission rate is set to its bound (2^128 - 1), so the fee bound on emission (here
/// about 7.6e7 LBL per item) never binds and the schedule alone decides.
fn verify_unanimous(w: &World, items: u32) -> Vec<Address> {
    let requester = Address::random();
    w.registry
        .sender(w.admin)
        .set_emission_rate(w.stable.address(), U256::from(u128::MAX))
        .motsu_unwrap();
    let task = w.create_task(
        requester,
        TaskSpec {
            items,
            stable: true,
            reward: usd(2),
            ..TaskSpec::default()
        },
    );
    let ls: Vec<Address> = (0..3)
        .map(|_| w.labeller(lbl(10) * U256::from(items)))
        .collect();
    let ids: Vec<u32> = (0..items).collect();
    for who in &ls {
        let cs = ids
            .iter()
            .map(|i| w.commitment(task, *i, *who, 1))
            .collect();
        w.verifier
            .sender(*who)
            .commit_batch(task, ids.clone(), cs)
            .motsu_unwrap();
    }
    w.end_commit(task);
    for who in &ls {
        let salts = ids.iter().map(|i| World::salt(task, *i, *who, 1)).collect();
        w.verifier
            .sender(*who)
            .reveal_batch(task, ids.clone(), vec![1; items as usize], salts)
            .motsu_unwrap();
    }
    w.verifier
        .sender(requester)
        .finalize_batch(task, ids)
        .motsu_unwrap();
    ls
}

#[motsu::test]
fn emission_halves_exactly_at_the_halving_boundary() {
    // Pool 900,000 LBL and H = 2 verified items: E0 = 900,000 / 6 = 150,000 LBL.
    let w = World::new(TokenConfig {
        cap: lbl(1_000_000),
        genesis: lbl(100_000),
        halving_interval: 2,
    });
    assert_eq!(w.token.sender(w.admin).emission_at(0), lbl(150_000));
    assert_eq!(w.token.sender(w.admin).emission_at(1), lbl(150_000));
    assert_eq!(w.token.sender(w.admin).emission_at(2), lbl(75_000));
    let ls = verify_unanimous(&w, 4);
    // Items 0 and 1 earn 1.25 x 150,000; items 2 and 3 earn 1.25 x 75,000.
    let minted: Vec<U256> = [lbl(187_500), lbl(187_500), lbl(93_750), lbl(93_750)].into();
    for (n, amount) in minted.iter().enumerate() {
        assert!(w.token.emitted(&reward_token::EmissionMinted {
            item: n as u64,
            to: w.escrow.address(),
            amount: *amount,
            multiplierBps: 12_500,
        }));
    }
    let total: U256 = minted.iter().copied().sum();
    let (_, _, _, emitted, verified) = w.token.sender(w.admin).emission_state();
    assert_eq!((emitted, verified), (total, 4));
    // Split three ways (dust to the first labeller); the rewards are in the stablecoin.
    let credited: U256 = ls.iter().map(|l| w.claimable(w.lbl(), *l)).sum();
    assert_eq!(credited, total);
    let paid: U256 = ls.iter().map(|l| w.claimable(w.stable.address(), *l)).sum();
    assert_eq!(paid, usd(24));
    w.assert_solvent();
}

#[motsu::test]
fn emission_dries_up_before_the_cap_and_finality_still_works_without_it() {
    // A pool of 300 wei and H = 1: E0 = 100 wei, halving on every item.
    let cap = lbl(1_000_000) + U256::from(300);
    let w = World::new(TokenConfig {
        cap,
        genesis: lbl(1_000_000),
        halving_interval: 1,
    });
    verify_unanimous(&w, 12);
    // 1.25 x (100, 50, 25, 12, 6, 3, 1, 0, ...) floored: 125 + 62 + 31 + 15 + 7 + 3 + 1.
    let (_, _, pool, emitted, verified) = w.token.sender(w.admin).emission_state();
    assert_eq!(
        (pool, emitted, verified),
        (U256::from(300), U256::from(244), 12)
    );
    assert_eq!(w.token.sender(w.admin).emission_at(11), U256::ZERO);
    let supply = w.token.sender(w.admin).total_supply();
    assert!(supply <= cap);
    w.assert_solvent();
}

#[motsu::test]
fn the_token_never_mints_past_its_pool_whatever_the_minter_asks() {
    let cap = lbl(1_000) + U256::from(300);
    // A token of its own whose minter is this test, not a verifier.
    let (owner, minter) = (Address::random(), Address::random());
    let token = Contract::<RewardToken>::new();
    token
        .sender(owner)
        .constructor(owner, Address::random(), cap, lbl(1_000), 1)
        .motsu_unwrap();
    token.sender(owner).set_minter(minter).motsu_unwrap();
    let sink = Address::random();
    // 1.5x on 300 consecutive items: 150 + 75 + 37 + 18 + 9 + 4 + 1 = 294 <= 300.
    let amounts = token
        .sender(minter)
        .mint_emission(sink, uncapped(&[15_000; 300]))
        .motsu_unwrap();
    let total: U256 = amounts.iter().copied().sum();
    assert_eq!(total, U256::from(294));
    assert_eq!(token.sender(sink).balance_of(sink), total);
    let more = token
        .sender(minter)
        .mint_emission(sink, uncapped(&[15_000; 10]))
        .motsu_unwrap();
    assert!(more.iter().all(|a| a.is_zero()));
    assert!(token.sender(sink).total_supply() <= cap);
}

#[motsu::test]
fn slashing_burns_supply_and_emission_replaces_none_of_it() {
    let (w, _, task) = World::with_default_task();
    let ls: Vec<Address> = (0..3).map(|_| w.labeller(lbl(100))).collect();
    for (who, label) in ls.iter().zip([1u8, 1, 0]) {
        w.commit(task, 0, *who, label);
    }
    w.end_commit(task);
    w.reveal(task, 0, ls[0], 1);
    w.reveal(task, 0, ls[1], 1);
    w.end_reveal(task);
    let before = w.token.sender(w.admin).total_supply();
    w.finalize(task, 0);
    // Non-reveal: 10 LBL slashed, 5 burned. Emission is bounded by the item's fee share:
    // 3 labels x 2 LBL x 2.5 % = 0.15 LBL (far below e(0) = 300 LBL): minting can replace
    // at most what the requester paid the protocol, never the slashed supply.
    let after = w.token.sender(w.admin).total_supply();
    let fee_share = lbl(15) / U256::from(100u8);
    assert_eq!(after, before + fee_share - lbl(5));
    w.assert_solvent();
}
