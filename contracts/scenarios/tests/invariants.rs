//! Random sequences of everything requesters, labellers, an auditor and bystanders can do,
//! with the protocol's accounting invariants checked after every step:
//! - per token, the escrow holds exactly what it owes (`balance == liabilities`);
//! - LBL supply never exceeds the cap, emission never exceeds its pool, and no more was
//!   emitted than the schedule allows at the 1.5x ceiling for the items verified so far;
//! - a claim pays exactly what was claimable, and a second claim pays nothing.
//!
//! Actions that the protocol refuses (wrong window, nothing to claim, ...) are reverted
//! the way a chain reverts them and the run goes on. `LABELCHAIN_INVARIANT_STEPS` raises
//! the number of steps per seed for long runs (default 250, four seeds).

use alloy_primitives::{Address, U256};
use labelchain_scenarios::*;
use motsu::prelude::*;

/// xorshift64*: deterministic, dependency-free randomness for reproducible runs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

fn steps() -> usize {
    std::env::var("LABELCHAIN_INVARIANT_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(250)
}

/// The most the schedule allows for the first `verified` items at the 1.5x ceiling.
fn emission_ceiling(w: &World, verified: u64) -> U256 {
    (0..verified)
        .map(|n| w.token.sender(w.admin).emission_at(n) * U256::from(3) / U256::from(2))
        .sum()
}

fn check(w: &World) {
    w.assert_solvent();
    let (_, _, _, emitted, verified) = w.token.sender(w.admin).emission_state();
    assert!(
        emitted <= emission_ceiling(w, verified),
        "emitted {emitted} over the schedule"
    );
}

fn run(seed: u64) {
    // A small pool with H = 4 crosses several halvings within one run.
    let w = World::new(TokenConfig {
        cap: lbl(1_000_000_000),
        genesis: lbl(999_999_000),
        halving_interval: 4,
    });
    let mut rng = Rng(seed);
    let requesters = [Address::random(), Address::random()];
    let labellers: Vec<Address> = (0..6).map(|_| w.labeller(lbl(500))).collect();
    let tokens = [w.lbl(), w.stable.address()];
    let mut tasks: Vec<u64> = Vec::new();
    // Successful commits, reveals, finality calls, audits and paying claims, so a run that
    // never reached the interesting states fails instead of passing vacuously.
    let mut done = [0u32; 5];
    let rounds = steps() / 25;
    for _ in 0..rounds.max(1) {
        // A task, labelled by a random subset with labels skewed towards class 0 so that
        // consensus, dissent, ties and escalations all happen.
        let spec = TaskSpec {
            items: 1 + rng.below(4) as u32,
            k: 1 + rng.below(4) as u8,
            stable: rng.below(2) == 0,
            reward: if rng.below(2) == 0 { lbl(1) } else { usd(3) },
            audit_rate_bps: rng.pick(&[0u16, 5_000, 10_000]),
            ..TaskSpec::default()
        };
        let task = w.create_task(rng.pick(&requesters), spec);
        tasks.push(task);
        check(&w);
        let mut ballots = Vec::new();
        for item in 0..spec.items {
            for &who in &labellers {
                if rng.below(3) == 0 {
                    continue;
                }
                let label = rng.pick(&[0u8, 0, 0, 1, 2]);
                let c = w.commitment(task, item, who, label);
                if w.verifier
                    .sender(who)
                    .commit(task, item, c)
                    .motsu_res()
                    .is_ok()
                {
                    done[0] += 1;
                    ballots.push((item, who, label));
                }
                check(&w);
            }
        }
        w.end_commit(task);
        for &(item, who, label) in &ballots {
            match rng.below(10) {
                0 => continue, // never revealed
                1 => {
                    let salt = World::salt(task, item, who, label);
                    let wrong = (label + 1) % 3;
                    let refused = w
                        .verifier
                        .sender(who)
                        .reveal(task, item, wrong, salt)
                        .motsu_res();
                    assert!(
                        refused.is_err(),
                        "a reveal with the wrong label was accepted"
                    );
                }
                _ => {
                    let salt = World::salt(task, item, who, label);
                    done[1] += w
                        .verifier
                        .sender(who)
                        .reveal(task, item, label, salt)
                        .motsu_res()
                        .is_ok() as u32;
                }
            }
            check(&w);
        }
        if rng.below(2) == 0 {
            w.end_reveal(task);
        }
        for item in 0..spec.items {
            done[2] += w
                .verifier
                .sender(rng.pick(&labellers))
                .finalize(task, item)
                .motsu_res()
                .is_ok() as u32;
            check(&w);
            if matches!(w.verifier.sender(w.auditor).get_item(task, item).0, 2 | 3)
                && rng.below(2) == 0
            {
                let label = rng.below(3) as u8;
                done[3] += w
                    .verifier
                    .sender(w.auditor)
                    .audit(task, item, label)
                    .motsu_res()
                    .is_ok() as u32;
                check(&w);
            }
        }
        // Whatever is still waiting: past the reveal and audit windows, then finality.
        if rng.below(2) == 0 {
            advance(AUDIT_WINDOW + 1);
            for item in 0..spec.items {
                done[2] += w
                    .verifier
                    .sender(w.auditor)
                    .finalize(task, item)
                    .motsu_res()
                    .is_ok() as u32;
                check(&w);
            }
        }
        // Claims, unstaking, cancelling and reclaiming, by random accounts on random tasks.
        for _ in 0..4 {
            let requester = rng.pick(&requesters);
            let labeller = rng.pick(&labellers);
            let account = rng.pick(&[labeller, w.auditor, w.treasury, requester]);
            let token = rng.pick(&tokens);
            let owed = w.claimable(token, account);
            let before = w.balance(token, account);
            match w.escrow.sender(account).claim(token).motsu_res() {
                Ok(amount) => {
                    done[4] += 1;
                    assert_eq!(amount, owed);
                    assert_eq!(w.balance(token, account) - before, owed);
                    assert!(w.escrow.sender(account).claim(token).motsu_res().is_err());
                }
                Err(_) => assert!(owed.is_zero(), "a claim of {owed} failed"),
            }
            check(&w);
        }
        let who = rng.pick(&labellers);
        let _ = w
            .escrow
            .sender(who)
            .unstake(lbl(1 + rng.below(20)))
            .motsu_res();
        if rng.below(3) == 0 {
            advance(UNBONDING);
        }
        let _ = w.escrow.sender(who).withdraw().motsu_res();
        check(&w);
        let other = rng.pick(&tasks);
        let requester = rng.pick(&requesters);
        let _ = w.registry.sender(requester).cancel_task(other).motsu_res();
        let _ = w.registry.sender(requester).reclaim(other).motsu_res();
        check(&w);
    }
    assert!(
        done.iter().all(|n| *n > 0),
        "a run must reach every kind of step: {done:?}"
    );
    let (.., verified) = w.token.sender(w.admin).emission_state();
    assert!(verified > 0, "no item was verified");
    eprintln!("seed {seed:#x}: commits, reveals, finality, audits, claims = {done:?}; {verified} items verified");
}

#[motsu::test]
fn random_sequences_keep_every_book_balanced_seed_1() {
    run(0x9e37_79b9_7f4a_7c15);
}

#[motsu::test]
fn random_sequences_keep_every_book_balanced_seed_2() {
    run(0xdead_beef_cafe_f00d);
}

#[motsu::test]
fn random_sequences_keep_every_book_balanced_seed_3() {
    run(42);
}

#[motsu::test]
fn random_sequences_keep_every_book_balanced_seed_4() {
    run(7_777_777);
}
