//! Random sequences of everything requesters, labellers, an auditor and bystanders can do,
//! drawn by `proptest` (failures shrink to a minimal sequence), with the protocol's
//! accounting invariants checked after every step:
//! - the per-account books ([`Books`]): for each token, the stakes, credits and open
//!   bounties of every account and task sum to `liabilities == balance`; no account's
//!   stake ever grows; no account can take out more than it put in or earned;
//! - LBL supply never exceeds the cap, emission never exceeds its pool, and no more was
//!   emitted than the schedule allows at the 1.5x ceiling for the items verified so far;
//! - a claim pays exactly what was claimable, and a second claim pays nothing.
//!
//! A case is a tape of choices that the run reads from (zero once it is used up), so
//! proptest's shrinking shortens and zeroes it towards the smallest failing run. Amounts
//! (rewards, stakes, unstakes) come from edge-heavy lists: ordinary values, each bound and
//! just over it, 2^128, 2^255 + 1, `MAX`. Refused actions are reverted the way a chain
//! reverts them and the run goes on. `LABELCHAIN_PROPTEST_CASES` raises the case count.

use alloy_primitives::{Address, U256};
use labelchain_protocol::limits::MAX_AMOUNT_PER_LABEL;
use labelchain_scenarios::*;
use motsu::prelude::*;
use proptest::prelude::*;

/// The choices of one run; `below(n)` reads the next one modulo `n`.
struct Tape {
    choices: Vec<u16>,
    at: usize,
}

impl Tape {
    fn below(&mut self, n: u64) -> u64 {
        let c = self.choices.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        c as u64 % n
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// The most the schedule allows for the first `verified` items at the 1.5x ceiling.
fn emission_ceiling(w: &World, verified: u64) -> U256 {
    (0..verified)
        .map(|n| w.token.sender(w.admin).emission_at(n) * U256::from(3) / U256::from(2))
        .sum()
}

struct Run {
    w: World,
    books: Books,
    requesters: [Address; 2],
    labellers: Vec<Address>,
    /// Largest reward per label of any task created so far, per token index (LBL, stable).
    max_reward: [U256; 2],
}

impl Run {
    fn token_index(&self, token: Address) -> usize {
        (token != self.w.lbl()) as usize
    }

    /// What `who` can at most have been credited in `token`, derived from the run, not
    /// from the escrow: requesters their deposits (refunds); labellers one reward per
    /// agreed label plus at most all emission; the auditor at most all emission; the
    /// treasury at most every deposit (fees) plus every stake (slashes).
    fn earn_bound(&self, token: Address, who: Address) -> U256 {
        let w = &self.w;
        let lbl = token == w.lbl();
        let (_, _, _, emitted, _) = w.token.sender(w.admin).emission_state();
        let emission = if lbl { emitted } else { U256::ZERO };
        if self.requesters.contains(&who) {
            self.books.deposits_of(token, who)
        } else if self.labellers.contains(&who) {
            let (agreed, _, _) = w.verifier.sender(w.admin).reputation(who);
            U256::from(agreed) * self.max_reward[self.token_index(token)] + emission
        } else if who == w.auditor {
            emission
        } else if who == w.treasury {
            let stakes = if lbl {
                self.books.all_staked()
            } else {
                U256::ZERO
            };
            self.books.all_deposits(token) + stakes
        } else {
            U256::ZERO
        }
    }

    fn check(&self) {
        self.books.check(&self.w, |t, a| self.earn_bound(t, a));
        let (_, _, _, emitted, verified) = self.w.token.sender(self.w.admin).emission_state();
        assert!(
            emitted <= emission_ceiling(&self.w, verified),
            "emitted {emitted} over the schedule"
        );
    }
}

/// Rewards and stakes a task may ask for: mostly ordinary, sometimes a bound or beyond.
fn amounts() -> Vec<U256> {
    let bound = U256::from(MAX_AMOUNT_PER_LABEL);
    vec![
        lbl(1),
        usd(3),
        lbl(10),
        U256::from(1u8),
        bound,
        bound + U256::from(1u8),
        (U256::from(1u8) << 255) + U256::from(1u8),
        U256::MAX,
    ]
}

fn run(choices: Vec<u16>) -> [u32; 5] {
    // A small pool with H = 4 crosses several halvings within one run.
    let w = World::new(TokenConfig {
        cap: lbl(1_000_000_000),
        genesis: lbl(999_999_000),
        halving_interval: 4,
    });
    let mut books = Books::default();
    books.account(w.treasury);
    books.account(w.auditor);
    let requesters = [Address::random(), Address::random()];
    let labellers: Vec<Address> = (0..6).map(|_| Address::random()).collect();
    for &who in &labellers {
        w.stake(who, lbl(500));
        books.staked(who, lbl(500));
    }
    for &r in &requesters {
        books.account(r);
    }
    let mut r = Run {
        w,
        books,
        requesters,
        labellers,
        max_reward: [U256::ZERO; 2],
    };
    let mut tape = Tape { choices, at: 0 };
    let tokens = [r.w.lbl(), r.w.stable.address()];
    // Successful commits, reveals, finality calls, audits and paying claims.
    let mut done = [0u32; 5];
    for _ in 0..8 {
        round(&mut r, &mut tape, &tokens, &mut done);
    }
    done
}

/// One task's life, drawn from the tape: created (or refused), committed, revealed,
/// finalized and audited, then the accounts settle.
fn round(r: &mut Run, tape: &mut Tape, tokens: &[Address; 2], done: &mut [u32; 5]) {
    let Some((task, spec)) = create_task(r, tape) else {
        return;
    };
    let ballots = commit_ballots(r, tape, task, &spec, done);
    r.w.end_commit(task);
    reveal_ballots(r, tape, task, &ballots, done);
    if tape.below(2) == 0 {
        r.w.end_reveal(task);
    }
    finalize_and_audit(r, tape, task, &spec, done);
    settle_accounts(r, tape, tokens, done);
}

/// A task, to be labelled by a random subset with labels skewed towards class 0 so that
/// consensus, dissent, ties and escalations all happen. `None` when it is refused.
fn create_task(r: &mut Run, tape: &mut Tape) -> Option<(u64, TaskSpec)> {
    let amounts = amounts();
    let stable = tape.below(2) == 0;
    let spec = TaskSpec {
        items: 1 + tape.below(4) as u32,
        k: 1 + tape.below(4) as u8,
        stable,
        reward: if tape.below(4) == 0 {
            tape.pick(&amounts)
        } else if stable {
            usd(3)
        } else {
            lbl(1)
        },
        stake: if tape.below(4) == 0 {
            tape.pick(&amounts)
        } else {
            lbl(10)
        },
        audit_rate_bps: tape.pick(&[0u16, 5_000, 10_000]),
        ..TaskSpec::default()
    };
    let requester = tape.pick(&r.requesters);
    let w = &r.w;
    let (bounty, fee) = w.cost_checked(&spec);
    let bound = U256::from(MAX_AMOUNT_PER_LABEL);
    let in_bounds = spec.reward <= bound && spec.stake <= bound;
    let created = match bounty {
        Some(b) => w.try_create_task(requester, spec, b, fee),
        None => w.create_task_unfunded(requester, spec).motsu_res(),
    };
    let task = match created {
        Ok(task) => task,
        Err(e) => {
            // Out-of-bounds terms are refused by their bound; terms within bounds only for
            // want of funds (a bounty larger than the treasury could hand out). Nothing moved.
            let bound_hit = matches!(e, task_registry::Error::InvalidTaskParameter(_));
            assert_eq!(bound_hit, !in_bounds, "{spec:?}: {e:?}");
            r.check();
            return None;
        }
    };
    let token = w.pay_token(&spec);
    r.books.task(task);
    r.books
        .deposited(token, requester, bounty.unwrap_or_default() + fee);
    let i = r.token_index(token);
    r.max_reward[i] = r.max_reward[i].max(spec.reward);
    r.check();
    Some((task, spec))
}

/// About two thirds of the labellers commit on each item; returns the accepted
/// `(item, labeller, label)` ballots.
fn commit_ballots(
    r: &mut Run,
    tape: &mut Tape,
    task: u64,
    spec: &TaskSpec,
    done: &mut [u32; 5],
) -> Vec<(u32, Address, u8)> {
    let mut ballots = Vec::new();
    for item in 0..spec.items {
        for &who in &r.labellers.clone() {
            if tape.below(3) == 0 {
                continue;
            }
            let label = tape.pick(&[0u8, 0, 0, 1, 2]);
            let c = r.w.commitment(task, item, who, label);
            if r.w
                .verifier
                .sender(who)
                .commit(task, item, c)
                .motsu_res()
                .is_ok()
            {
                done[0] += 1;
                ballots.push((item, who, label));
            }
            r.check();
        }
    }
    ballots
}

/// Each ballot is revealed, never revealed (1 in 10) or revealed with a wrong label, which
/// must be refused (1 in 10).
fn reveal_ballots(
    r: &mut Run,
    tape: &mut Tape,
    task: u64,
    ballots: &[(u32, Address, u8)],
    done: &mut [u32; 5],
) {
    for &(item, who, label) in ballots {
        let salt = World::salt(task, item, who, label);
        match tape.below(10) {
            0 => continue, // never revealed
            1 => {
                let wrong = (label + 1) % 3;
                let refused = r.w.verifier.sender(who).reveal(task, item, wrong, salt);
                assert!(refused.motsu_res().is_err(), "a wrong label was accepted");
            }
            _ => {
                let ok = r.w.verifier.sender(who).reveal(task, item, label, salt);
                done[1] += ok.motsu_res().is_ok() as u32;
            }
        }
        r.check();
    }
}

/// A random labeller finalizes each item, the auditor judges half of those waiting for it,
/// and half the time whatever still waits is finalized past the audit window.
fn finalize_and_audit(
    r: &mut Run,
    tape: &mut Tape,
    task: u64,
    spec: &TaskSpec,
    done: &mut [u32; 5],
) {
    for item in 0..spec.items {
        let by = tape.pick(&r.labellers);
        done[2] +=
            r.w.verifier
                .sender(by)
                .finalize(task, item)
                .motsu_res()
                .is_ok() as u32;
        r.check();
        let auditor = r.w.auditor;
        if matches!(r.w.verifier.sender(auditor).get_item(task, item).0, 2 | 3)
            && tape.below(2) == 0
        {
            let label = tape.below(3) as u8;
            let audit = r.w.verifier.sender(auditor).audit(task, item, label);
            done[3] += audit.motsu_res().is_ok() as u32;
            r.check();
        }
    }
    // Whatever is still waiting: past the reveal and audit windows, then finality.
    if tape.below(2) == 0 {
        advance(AUDIT_WINDOW + 1);
        for item in 0..spec.items {
            let auditor = r.w.auditor;
            done[2] +=
                r.w.verifier
                    .sender(auditor)
                    .finalize(task, item)
                    .motsu_res()
                    .is_ok() as u32;
            r.check();
        }
    }
}

/// Claims, unstaking, withdrawing, cancelling and reclaiming by random accounts.
fn settle_accounts(r: &mut Run, tape: &mut Tape, tokens: &[Address; 2], done: &mut [u32; 5]) {
    for _ in 0..4 {
        let requester = tape.pick(&r.requesters);
        let labeller = tape.pick(&r.labellers);
        let account = tape.pick(&[labeller, r.w.auditor, r.w.treasury, requester]);
        let token = tape.pick(tokens);
        let owed = r.w.claimable(token, account);
        let before = r.w.balance(token, account);
        match r.w.escrow.sender(account).claim(token).motsu_res() {
            Ok(amount) => {
                done[4] += 1;
                assert_eq!(amount, owed);
                assert_eq!(r.w.balance(token, account) - before, owed);
                assert!(r.w.escrow.sender(account).claim(token).motsu_res().is_err());
                r.books.claimed(token, account, amount);
            }
            Err(_) => assert!(owed.is_zero(), "a claim of {owed} failed"),
        }
        r.check();
    }
    let who = tape.pick(&r.labellers);
    let mut amounts = amounts();
    amounts.extend([lbl(1), lbl(7), lbl(20)]);
    let _ =
        r.w.escrow
            .sender(who)
            .unstake(tape.pick(&amounts))
            .motsu_res();
    r.check();
    if tape.below(3) == 0 {
        advance(UNBONDING);
    }
    if let Ok(amount) = r.w.escrow.sender(who).withdraw().motsu_res() {
        r.books.withdrew(who, amount);
    }
    r.check();
    if let Some(&other) = r.books.tasks.get(tape.below(8) as usize) {
        let requester = tape.pick(&r.requesters);
        let _ =
            r.w.registry
                .sender(requester)
                .cancel_task(other)
                .motsu_res();
        let _ = r.w.registry.sender(requester).reclaim(other).motsu_res();
    }
    r.check();
}

#[motsu::test]
fn random_sequences_keep_every_account_book_balanced() {
    let totals = std::cell::RefCell::new([0u32; 5]);
    let mut runner = edge::runner(24);
    let tape = proptest::collection::vec(any::<u16>(), 0..400);
    runner
        .run(&tape, |choices| {
            let done = run(choices);
            for (t, d) in totals.borrow_mut().iter_mut().zip(done) {
                *t += d;
            }
            Ok(())
        })
        .unwrap();
    // Over all cases, every kind of step happened, so the run did not pass vacuously.
    let totals = totals.into_inner();
    assert!(
        totals.iter().all(|n| *n > 0),
        "the cases must reach every kind of step: {totals:?}"
    );
    eprintln!("commits, reveals, finality, audits, claims over all cases = {totals:?}");
}
