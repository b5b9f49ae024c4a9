//! The simulator's settlement keeps the contracts' invariants for any task the registry
//! accepts: no token is created or lost outside emission and burn, an item never emits
//! more than its fee share or 1.5x the schedule, and the cap holds.

use labelchain_tokenomics::amount::{bps_of, U256, WAD};
use labelchain_tokenomics::books::Asset;
use labelchain_tokenomics::params::{Params, Quality};
use labelchain_tokenomics::protocol::{Outcome, Protocol, TaskId, TaskSpec, MAX_AMOUNT_PER_LABEL};
use proptest::prelude::*;

const TREASURY: u32 = 0;
const AUDITOR: u32 = 1;
const REQUESTER: u32 = 2;
const LABELLERS: u32 = 8;

fn amount() -> impl Strategy<Value = U256> {
    prop_oneof![
        Just(U256::from(1u8)),
        Just(U256::from(MAX_AMOUNT_PER_LABEL)),
        (1u128..=MAX_AMOUNT_PER_LABEL).prop_map(U256::from),
        (1u64..=1_000_000u64).prop_map(|x| U256::from(x) * U256::from(WAD / 1000)),
    ]
}

#[derive(Clone, Debug)]
struct Case {
    spec: TaskSpec,
    /// Per item: per seat `(label, revealed)`.
    votes: Vec<Vec<(u8, bool)>>,
    audits: Vec<Option<u8>>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        1u8..=5,
        5_001u16..=10_000,
        amount(),
        amount(),
        prop_oneof![Just(0u16), Just(10_000u16), 0u16..=10_000],
        any::<bool>(),
    )
        .prop_flat_map(
            |(k, threshold_bps, reward, stake, audit_rate_bps, stable)| {
                let spec = TaskSpec {
                    asset: if stable { Asset::Stable } else { Asset::Lbl },
                    items: 0,
                    k,
                    threshold_bps,
                    reward,
                    stake,
                    audit_rate_bps,
                };
                let seat = (0u8..3, prop::bool::weighted(0.85));
                let item = prop::collection::vec(seat, 0..=k as usize);
                (
                    Just(spec),
                    prop::collection::vec(item, 1..12),
                    prop::collection::vec(prop::option::of(0u8..3), 12),
                )
            },
        )
        .prop_map(|(mut spec, votes, audits)| {
            spec.items = votes.len() as u32;
            Case {
                spec,
                votes,
                audits,
            }
        })
}

fn total(p: &Protocol, asset: Asset, accounts: u32) -> U256 {
    let mut sum = p.escrowed[asset as usize];
    for who in 0..accounts {
        let b = p.books.get(who);
        sum += b.wallet(asset) + b.claimable(asset);
        if asset == Asset::Lbl {
            sum += b.free + b.locked;
        }
    }
    sum
}

/// The requester is paid the task's cost: LBL from the treasury, or freshly minted
/// stablecoin (added to `minted_stable`). The treasury must hold four times what the case
/// needs in LBL, stakes included.
fn fund_requester(
    p: &mut Protocol,
    c: &Case,
    minted_stable: &mut U256,
) -> Result<(), TestCaseError> {
    let bounty = U256::from(c.spec.items as u64 * c.spec.k as u64) * c.spec.reward;
    let cost = bounty + bps_of(bounty, 250).unwrap();
    let lbl_needed = c.spec.stake * U256::from(c.spec.items)
        + if c.spec.asset == Asset::Lbl {
            cost
        } else {
            U256::ZERO
        };
    prop_assert!(lbl_needed < p.books.get(TREASURY).wallet(Asset::Lbl) / U256::from(4u8));
    match c.spec.asset {
        Asset::Lbl => p
            .books
            .transfer(TREASURY, REQUESTER, Asset::Lbl, cost)
            .unwrap(),
        Asset::Stable => {
            p.books.fund(REQUESTER, Asset::Stable, cost).unwrap();
            *minted_stable += cost;
        }
    }
    Ok(())
}

/// Every seat commits its label (its labeller staked first if short), then the seats
/// marked revealed reveal.
fn commit_and_reveal(p: &mut Protocol, task: TaskId, c: &Case) {
    for (item, seats) in c.votes.iter().enumerate() {
        for (seat, &(label, _)) in seats.iter().enumerate() {
            let who = 3 + seat as u32;
            let free = p.books.get(who).free;
            if free < c.spec.stake {
                p.books
                    .transfer(TREASURY, who, Asset::Lbl, c.spec.stake)
                    .unwrap();
                p.books.stake(who, c.spec.stake).unwrap();
            }
            p.commit(task, item as u32, who, label).unwrap();
        }
    }
    for (item, seats) in c.votes.iter().enumerate() {
        for (seat, &(_, revealed)) in seats.iter().enumerate() {
            if revealed {
                p.reveal(task, item as u32, 3 + seat as u32).unwrap();
            }
        }
    }
}

/// Finalizes every item (even items drawn for audit), then audits or lets lapse each
/// item left pending or escalated, as the case says. Returns every outcome.
fn settle_all(p: &mut Protocol, task: TaskId, c: &Case) -> Vec<Outcome> {
    let items: Vec<u32> = (0..c.spec.items).collect();
    let r = p.finalize(task, &items, &mut |i| i % 2 == 0).unwrap();
    let mut outcomes = r.outcomes.clone();
    for (item, o) in r.outcomes.iter().enumerate() {
        if matches!(o, Outcome::PendingAudit | Outcome::Escalated) {
            match c.audits[item % c.audits.len()] {
                Some(label) => {
                    outcomes.extend(p.audit(task, item as u32, AUDITOR, label).unwrap().outcomes)
                }
                None => outcomes.extend(
                    p.finalize(task, &[item as u32], &mut |_| false)
                        .unwrap()
                        .outcomes,
                ),
            }
        }
    }
    outcomes
}

fn run(cases: &[Case]) -> Result<(), TestCaseError> {
    let stable_rate = U256::from(10u64).pow(U256::from(32)); // 100 LBL per USD
                                                             // A genesis large enough to lend 2^96-wei stakes and bounties to the test's accounts.
    let params = Params {
        cap_lbl: 1_000_000_000_000_000_000,
        genesis_lbl: 100_000_000_000_000_000,
        ..Params::default()
    };
    let mut p = Protocol::new(params, TREASURY, [U256::from(WAD), stable_rate]).unwrap();
    let accounts = 3 + LABELLERS;
    let mut minted_stable = U256::ZERO;
    for c in cases {
        fund_requester(&mut p, c, &mut minted_stable)?;
        let task = p.create_task(REQUESTER, c.spec).unwrap();
        let cap = p.emission_cap(task);
        commit_and_reveal(&mut p, task, c);
        let before = p.token.verified;
        let outcomes = settle_all(&mut p, task, c);
        let schedule_max = bps_of(p.token.scheduled(before), 15_000).unwrap();
        for o in &outcomes {
            if let Outcome::Accepted { quality, emitted } = o {
                prop_assert!(
                    *emitted <= cap && *emitted <= schedule_max,
                    "{emitted} > cap {cap} or 1.5 e(n)"
                );
                if *quality == Quality::Strong {
                    prop_assert!(c.spec.k >= 3);
                }
            }
        }
        prop_assert!(p.token.emitted <= p.token.pool && p.token.supply <= p.token.cap);
        prop_assert_eq!(total(&p, Asset::Lbl, accounts), p.token.supply);
        prop_assert_eq!(total(&p, Asset::Stable, accounts), minted_stable);
        for who in 3..accounts {
            prop_assert_eq!(p.books.get(who).locked, U256::ZERO, "stake left locked");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn settlement_conserves_every_token_and_bounds_emission_by_fee_and_schedule(cases in prop::collection::vec(case(), 1..6)) {
        run(&cases)?;
    }
}

#[test]
fn an_unresolved_escalation_forfeits_its_bounty_to_the_treasury_not_the_requester() {
    let mut p = Protocol::new(Params::default(), TREASURY, [U256::from(WAD), U256::ZERO]).unwrap();
    let spec = TaskSpec {
        asset: Asset::Lbl,
        items: 1,
        k: 3,
        threshold_bps: 10_000,
        reward: U256::from(WAD),
        stake: U256::from(WAD),
        audit_rate_bps: 0,
    };
    p.books
        .transfer(TREASURY, REQUESTER, Asset::Lbl, U256::from(4 * WAD))
        .unwrap();
    let task = p.create_task(REQUESTER, spec).unwrap();
    for who in 3..6 {
        p.books
            .transfer(TREASURY, who, Asset::Lbl, U256::from(WAD))
            .unwrap();
        p.books.stake(who, U256::from(WAD)).unwrap();
        p.commit(task, 0, who, 1).unwrap();
    }
    p.reveal(task, 0, 3).unwrap();
    p.reveal(task, 0, 4).unwrap(); // the requester's own labeller (5) never reveals
    let first = p.finalize(task, &[0], &mut |_| false).unwrap();
    assert_eq!(first.outcomes, vec![Outcome::Escalated]);
    let lapsed = p.finalize(task, &[0], &mut |_| false).unwrap();
    assert_eq!(lapsed.outcomes, vec![Outcome::Void { unresolved: true }]);
    assert_eq!(
        (lapsed.refunded, lapsed.forfeited),
        (U256::ZERO, U256::from(3 * WAD))
    );
    assert_eq!(p.books.get(REQUESTER).claimable(Asset::Lbl), U256::ZERO);
    assert_eq!(
        p.books.get(5).free,
        U256::ZERO,
        "the non-revealer lost its whole stake"
    );
}
