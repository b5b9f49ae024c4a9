//! Fee-bounded emission on the devnode with the real programs (DESIGN §3): an accepted
//! item emits `min(e(n) x tier, feePerItem x emissionRate)`, so the self-dealing farm of
//! issue #11 (375 LBL per item for ~146,500 gas) mints at most the fee it paid.

use alloy::primitives::U256;
use alloy::providers::Provider;
use e2e::*;
use labelchain::bindings::IRewardToken;

const WAD: u64 = 1_000_000_000_000_000_000;

#[tokio::test]
async fn an_item_mints_exactly_its_fee_share_when_that_is_below_the_schedule() {
    let env = Env::start().await;
    require_time_travel!(env);
    let spec = Spec::default(); // 3 labels x 2 LBL, 2.5 % fee: 0.15 LBL per item
    let (_, task) = env.lbl_task(&spec).await;
    let cap = env.terms(task).await.emission_cap;
    assert_eq!(cap, lbl(15) / U256::from(100u8));
    let ls = vec![
        env.labeller(lbl(10)).await,
        env.labeller(lbl(10)).await,
        env.labeller(lbl(10)).await,
    ];
    env.vote(&ls, task, 0, &[1, 1, 1], &[true, true, true])
        .await;
    let sent = env.finalize(task, 0).await;
    let minted = event::<IRewardToken::EmissionMinted>(&sent);
    // Strong (1.25 x 300 LBL on the schedule), but only the fee share is minted.
    assert_eq!((minted.amount, minted.multiplierBps), (cap, 12_500));
    for l in &ls {
        assert_eq!(
            env.claimable(env.lbl(), l.addr).await,
            spec.reward + cap / U256::from(3u8)
        );
    }
    env.assert_solvent(&[]).await;
}

#[tokio::test]
async fn self_dealing_farming_loses_money_gas_included() {
    let env = Env::start().await;
    require_time_travel!(env);
    // The farm of issue #11: one account requests a k = 1 task and labels it itself.
    let spec = Spec {
        items: 8,
        k: 1,
        threshold_bps: 10_000,
        reward: lbl(1),
        stake: lbl(1),
        ..Spec::default()
    };
    let farmer = env.funded(spec.cost() + lbl(8)).await;
    farmer.approve(env.lbl(), env.a.escrow, lbl(8)).await;
    farmer.must(farmer.escrow().stake(lbl(8))).await;
    let lbl_before = env.balance(env.lbl(), farmer.addr).await;
    let eth_before = env.admin.p().get_balance(farmer.addr).await.unwrap();
    let task = env.create_task(&farmer, &spec).await;
    let items: Vec<u32> = (0..8).collect();
    for &i in &items {
        env.commit(&farmer, task, i, 1).await;
    }
    env.end_commit(task).await;
    for &i in &items {
        env.reveal(&farmer, task, i, 1).await;
    }
    for &i in &items {
        env.finalize(task, i).await;
    }
    let claimed = farmer.claim(env.lbl()).await;
    let lbl_after = env.balance(env.lbl(), farmer.addr).await;
    let eth_after = env.admin.p().get_balance(farmer.addr).await.unwrap();
    let (_, _, _, emitted, _) = env.emission_state().await;
    // Emission is exactly the fee paid (rate 1 LBL per LBL of fee), never more.
    assert_eq!(emitted, spec.fee());
    assert_eq!(claimed, spec.bounty() + emitted);
    // Net in LBL: paid bounty + fee, got bounty + emission back: zero at best ...
    assert!(lbl_after <= lbl_before, "{lbl_after} > {lbl_before}");
    // ... and the gas it burned is pure loss.
    assert!(eth_after < eth_before, "the farm cost gas");
    env.assert_solvent(&[]).await;
}

#[tokio::test]
async fn a_new_payment_token_emits_nothing_until_the_admin_prices_it_within_bounds() {
    let env = Env::start().await;
    let usd_token = env.stablecoin().await;
    let reg = env.admin.registry();
    assert_eq!(
        reg.emissionRate(usd_token).call().await.unwrap(),
        U256::ZERO
    );
    assert_eq!(
        reg.emissionRate(env.lbl()).call().await.unwrap(),
        U256::from(WAD)
    );
    let over = U256::from(WAD) + U256::from(1u8);
    let e = expect_revert(
        env.admin.send(reg.setEmissionRate(env.lbl(), over)).await,
        "EmissionRateOutOfRange",
    );
    assert!(e.message.contains("above its bound"), "{e}");
    let too_high = U256::from(u128::MAX) + U256::from(1u8);
    expect_revert(
        env.admin
            .send(reg.setEmissionRate(usd_token, too_high))
            .await,
        "EmissionRateOutOfRange",
    );
    let stranger = env.funded(lbl(1)).await;
    expect_revert(
        stranger
            .send(
                stranger
                    .registry()
                    .setEmissionRate(usd_token, U256::from(1u8)),
            )
            .await,
        "OwnableUnauthorizedAccount",
    );
    env.admin
        .must(reg.setEmissionRate(usd_token, U256::from(u128::MAX)))
        .await;
    assert_eq!(
        reg.emissionRate(usd_token).call().await.unwrap(),
        U256::from(u128::MAX)
    );
}
