//! Every external function of the five programs, called with numeric arguments drawn from
//! edge-heavy distributions (`labelchain_scenarios::edge`: 0, 1, each bound and one past
//! it, 2^128, 2^255 ± 1, `MAX - 1`, `MAX`), by proptest with shrinking. After each call:
//! refused → nothing the escrow or the token records moved; accepted → the per-account
//! books still sum to `liabilities == balance` for every token, supply ≤ cap, emitted ≤
//! pool. The escrow's and token's trusted hooks are called as their trusted callers too,
//! so their own checks face the edges without the caller's checks in front.
//!
//! `LABELCHAIN_PROPTEST_CASES` raises the case count (default 256).

use alloy_primitives::{Address, B256, U256};
use labelchain_scenarios::*;
use motsu::prelude::*;
use proptest::prelude::*;

/// One external call with its numeric arguments.
#[derive(Clone, Debug)]
enum Call {
    Transfer(U256),
    Approve(U256),
    TransferFrom(U256),
    Burn(U256),
    BurnFrom(U256),
    Permit(U256, U256),
    MintEmission(Vec<(u16, U256)>),
    Stake(U256),
    Unstake(U256),
    Withdraw,
    Claim,
    Lock(U256),
    DepositBounty(u64, U256, U256),
    RefundBounty(u64, U256),
    Settle(u64, [U256; 4], U256, u16),
    SetUnbonding(u64),
    CreateTask(u32, u16, u8, u16, U256, U256, u64, u64, u16, u8),
    SetParams([u16; 4], u64, [u16; 4]),
    CancelTask(u64),
    Reclaim(u64),
    Commit(u64, u32),
    CommitBatch(usize),
    Reveal(u32, u8),
    Finalize(u64, u32),
    Audit(u32, u8),
    Publish(u64),
    VerifyItem(u64, u32),
    GrantAccess(u64),
}

fn call() -> impl Strategy<Value = Call> {
    use edge::{u16, u256, u32, u64, u8};
    let token = prop_oneof![
        u256().prop_map(Call::Transfer),
        u256().prop_map(Call::Approve),
        u256().prop_map(Call::TransferFrom),
        u256().prop_map(Call::Burn),
        u256().prop_map(Call::BurnFrom),
        (u256(), u256()).prop_map(|(v, d)| Call::Permit(v, d)),
        proptest::collection::vec((u16(), u256()), 0..4).prop_map(Call::MintEmission),
    ];
    let escrow = prop_oneof![
        u256().prop_map(Call::Stake),
        u256().prop_map(Call::Unstake),
        Just(Call::Withdraw),
        Just(Call::Claim),
        u256().prop_map(Call::Lock),
        (u64(), u256(), u256()).prop_map(|(t, b, f)| Call::DepositBounty(t, b, f)),
        (u64(), u256()).prop_map(|(t, a)| Call::RefundBounty(t, a)),
        (u64(), [u256(), u256(), u256(), u256()], u256(), u16())
            .prop_map(|(t, r, f, b)| Call::Settle(t, r, f, b)),
        u64().prop_map(Call::SetUnbonding),
    ];
    let registry = prop_oneof![
        (
            (u32(), u16(), u8(), u16(), u256()),
            (u256(), u64(), u64(), u16(), u8())
        )
            .prop_map(|((n, c, k, th, r), (s, cd, rd, a, m))| {
                Call::CreateTask(n, c, k, th, r, s, cd, rd, a, m)
            }),
        (
            [u16(), u16(), u16(), u16()],
            u64(),
            [u16(), u16(), u16(), u16()]
        )
            .prop_map(|(a, w, b)| Call::SetParams(a, w, b)),
        u64().prop_map(Call::CancelTask),
        u64().prop_map(Call::Reclaim),
    ];
    let verifier = prop_oneof![
        (u64(), u32()).prop_map(|(t, i)| Call::Commit(t, i)),
        prop_oneof![Just(0usize), Just(1), Just(64), Just(65)].prop_map(Call::CommitBatch),
        (u32(), u8()).prop_map(|(i, l)| Call::Reveal(i, l)),
        (u64(), u32()).prop_map(|(t, i)| Call::Finalize(t, i)),
        (u32(), u8()).prop_map(|(i, l)| Call::Audit(i, l)),
    ];
    let datasets = prop_oneof![
        u64().prop_map(Call::Publish),
        (u64(), u32()).prop_map(|(t, i)| Call::VerifyItem(t, i)),
        u64().prop_map(Call::GrantAccess),
    ];
    prop_oneof![token, escrow, registry, verifier, datasets]
}

/// A deployment with one open task (id 1, 4 items, k = 3) that has one commit by `who`,
/// and `who` holding spare LBL, approved to the escrow.
struct Setup {
    w: World,
    books: Books,
    who: Address,
    requester: Address,
}

fn setup() -> Setup {
    let w = World::default();
    let requester = Address::random();
    let who = w.labeller(lbl(100));
    w.give_lbl(who, lbl(50));
    w.token
        .sender(who)
        .approve(w.escrow.address(), U256::MAX)
        .motsu_unwrap();
    let task = w.create_task(requester, TaskSpec::default());
    w.commit(task, 0, who, 1);
    // Funds for the tasks the calls create.
    w.give_lbl(requester, lbl(1_000));
    w.token
        .sender(requester)
        .approve(w.escrow.address(), U256::MAX)
        .motsu_unwrap();
    let mut books = Books::default();
    for a in [w.treasury, w.auditor, requester, who] {
        books.account(a);
    }
    books.task(task);
    books.staked(who, lbl(100));
    Setup {
        w,
        books,
        who,
        requester,
    }
}

/// What a refused call must leave untouched.
fn observe(s: &Setup) -> Vec<U256> {
    let w = &s.w;
    let mut v = vec![w.token.sender(w.admin).total_supply()];
    for token in [w.lbl(), w.stable.address()] {
        v.push(w.escrow.sender(w.admin).liabilities(token));
        v.push(w.balance(token, w.escrow.address()));
        for &a in &s.books.accounts {
            v.push(w.claimable(token, a));
            v.push(w.balance(token, a));
        }
    }
    for &a in &s.books.accounts {
        let (f, l, u, _) = w.stake_of(a);
        v.extend([f, l, u]);
    }
    let (_, _, _, emitted, verified) = w.token.sender(w.admin).emission_state();
    v.extend([emitted, U256::from(verified)]);
    v.push(U256::from(w.registry.sender(w.admin).task_count()));
    v
}

/// Sends `c` to its contract as the caller it names, keeping the books of what worked.
///
/// Long but flat (about 130 lines): one arm per external function of the five programs,
/// each a single call plus its books entry; splitting it by contract would only add a
/// second dispatch with an unreachable arm per part.
fn apply(s: &mut Setup, c: &Call) -> Result<(), String> {
    let w = &s.w;
    let (who, req) = (s.who, s.requester);
    let (registry, verifier) = (w.registry.address(), w.verifier.address());
    let other = Address::random();
    let e = |r: Result<(), String>| r;
    macro_rules! run {
        ($x:expr) => {
            e($x.motsu_res().map(|_| ()).map_err(|err| format!("{err:?}")))
        };
    }
    match c.clone() {
        Call::Transfer(v) => run!(w.token.sender(who).transfer(other, v)),
        Call::Approve(v) => run!(w.token.sender(who).approve(other, v)),
        Call::TransferFrom(v) => run!(w
            .token
            .sender(w.escrow.address())
            .transfer_from(who, other, v)),
        Call::Burn(v) => run!(w.token.sender(who).burn(v)),
        Call::BurnFrom(v) => run!(w.token.sender(other).burn_from(who, v)),
        Call::Permit(v, d) => {
            run!(w
                .token
                .sender(other)
                .permit(who, other, v, d, 27, B256::ZERO, B256::ZERO))
        }
        Call::MintEmission(m) => {
            // Minted to an account the books do not hold: only supply and emission move.
            run!(w.token.sender(verifier).mint_emission(other, capped(&m)))
        }
        Call::Stake(v) => {
            let r = run!(w.escrow.sender(who).stake(v));
            if r.is_ok() {
                s.books.staked(who, v);
            }
            r
        }
        Call::Unstake(v) => run!(w.escrow.sender(who).unstake(v)),
        Call::Withdraw => {
            let r = w.escrow.sender(who).withdraw().motsu_res();
            if let Ok(v) = r {
                s.books.withdrew(who, v);
            }
            r.map(|_| ()).map_err(|err| format!("{err:?}"))
        }
        Call::Claim => run!(w.escrow.sender(who).claim(w.lbl())),
        Call::Lock(v) => run!(w.escrow.sender(verifier).lock(who, v)),
        Call::DepositBounty(t, b, f) => {
            let r = run!(w
                .escrow
                .sender(registry)
                .deposit_bounty(t, who, w.lbl(), b, f));
            if r.is_ok() {
                s.books.task(t);
            }
            r
        }
        Call::RefundBounty(t, a) => run!(w.escrow.sender(registry).refund_bounty(t, a)),
        Call::Settle(t, [u, sl, p, forfeit], refund, burn) => {
            // `minted` stays zero: the escrow books emission the verifier minted to it
            // first, which a direct call cannot do (that trust is by design).
            let rows = settlement_rows(&[who], &[u], &[sl], &[p], &[U256::ZERO]);
            run!(w
                .escrow
                .sender(verifier)
                .settle(t, rows, refund, forfeit, burn))
        }
        Call::SetUnbonding(p) => run!(w.escrow.sender(w.admin).set_unbonding_period(p)),
        Call::CreateTask(n, c, k, th, r, st, cd, rd, a, m) => {
            let spec = TaskSpec {
                items: n,
                classes: c,
                k,
                threshold_bps: th,
                stable: false,
                reward: r,
                stake: st,
                commit_duration: cd,
                reveal_duration: rd,
                audit_rate_bps: a,
                min_tier: m,
            };
            let r = w.create_task_unfunded(req, spec).motsu_res();
            if let Ok(t) = r {
                s.books.task(t);
            }
            r.map(|_| ()).map_err(|err| format!("{err:?}"))
        }
        Call::SetParams([a, b, c, d], win, [f, g, h, i]) => {
            run!(w
                .registry
                .sender(w.admin)
                .set_params(a, b, c, d, win, f, g, h, i))
        }
        Call::CancelTask(t) => run!(w.registry.sender(req).cancel_task(t)),
        Call::Reclaim(t) => run!(w.registry.sender(req).reclaim(t)),
        Call::Commit(t, i) => {
            let c = w.commitment(t, i, who, 0);
            run!(w.verifier.sender(who).commit(t, i, c))
        }
        Call::CommitBatch(n) => {
            let items: Vec<u32> = (0..n as u32).collect();
            let cs = items.iter().map(|&i| w.commitment(1, i, who, 0)).collect();
            run!(w.verifier.sender(who).commit_batch(1, items, cs))
        }
        Call::Reveal(i, l) => {
            w.end_commit(1);
            let salt = World::salt(1, i, who, l);
            run!(w.verifier.sender(who).reveal(1, i, l, salt))
        }
        Call::Finalize(t, i) => run!(w.verifier.sender(other).finalize(t, i)),
        Call::Audit(i, l) => run!(w.verifier.sender(w.auditor).audit(1, i, l)),
        Call::Publish(t) => {
            run!(w
                .datasets
                .sender(req)
                .publish_dataset(t, B256::ZERO, B256::ZERO, "uri".into()))
        }
        Call::VerifyItem(t, i) => {
            run!(w.datasets.sender(req).verify_item(t, i, B256::ZERO, vec![]))
        }
        Call::GrantAccess(t) => {
            run!(w
                .datasets
                .sender(req)
                .grant_access(t, other, vec![1u8; 4].into()))
        }
    }
}

#[motsu::test]
fn every_external_function_at_the_edges_keeps_the_books_or_moves_nothing() {
    let mut runner = edge::runner(256);
    let calls = proptest::collection::vec(call(), 1..6);
    runner
        .run(&calls, |calls| {
            let mut s = setup();
            for c in &calls {
                let before = observe(&s);
                match apply(&mut s, c) {
                    Ok(()) => s.books.check(&s.w, |_, _| U256::MAX),
                    Err(err) => {
                        assert_eq!(
                            observe(&s),
                            before,
                            "{c:?} was refused ({err}) but moved state"
                        )
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}
