//! The spot-check draw cannot be steered by the labellers (DESIGN.md §4): it mixes the
//! XOR of the revealed salts with ArbSys's hash of the block before finality, which does
//! not exist when the salts are committed. A ring holding every slot of its items that
//! grinds its salts so that the old, salts-only draw would skip every spot-check, or so
//! that the full draw would skip under the block hash it sees while committing, is
//! spot-checked anyway, exactly where the hash at finality says. The hash is read once
//! per finalize transaction and only when an item needs a draw, and a revert of ArbSys
//! is re-raised unchanged.
//!
//! ArbSys is [`MockArbSys`] here (motsu has no precompiles and its block number is 0);
//! the devnode's ArbSys and the real program are exercised by the e2e tests.

use alloy_primitives::{keccak256, Address, B256, U256};
use consensus_verifier::{commitment_hash, tally::audit_draw, Error};
use labelchain_protocol::math::{keccak_words, word};
use labelchain_scenarios::arb_sys::InvalidBlockNumber;
use labelchain_scenarios::*;
use motsu::prelude::*;

const OPEN: u8 = 1;
const PENDING_AUDIT: u8 = 2;
const ESCALATED: u8 = 3;
const FINAL: u8 = 4;
const VOID: u8 = 5;

const TRUTH: u8 = 0;
const GARBAGE: u8 = 2;
const RATE: u16 = 5_000;

/// The draw as it was before the block hash: from the salts, task and item alone.
fn xor_only_draw(seed: u128, task: u64, item: u32) -> u16 {
    let h = keccak_words(&[word(seed), word(task), word(item)]);
    let mut low = [0u8; 8];
    low.copy_from_slice(&h[24..]);
    (u64::from_be_bytes(low) % 10_000) as u16
}

/// The verifier's seed: the XOR of the first 16 bytes of every revealed salt.
fn seed_of(salts: &[B256]) -> u128 {
    salts.iter().fold(0, |acc, s| {
        let mut half = [0u8; 16];
        half.copy_from_slice(&s[..16]);
        acc ^ u128::from_be_bytes(half)
    })
}

/// The hash the verifier gets from the mock: motsu's block number is 0, so it asks for
/// block 0 (the previous block, saturated).
fn block_hash(seed: B256) -> [u8; 32] {
    mock_block_hash(U256::ZERO, seed).0
}

/// Salts of the ring's `k` members for `item`, the last one ground off-chain until
/// `skips(seed)` says the draw would not spot-check the item.
fn ground(task: u64, item: u32, k: usize, skips: impl Fn(u128) -> bool) -> Vec<B256> {
    let mut salts: Vec<B256> = (0..k - 1)
        .map(|m| keccak256(format!("ring {task} {item} {m}")))
        .collect();
    let fixed = seed_of(&salts);
    let last = (0u64..)
        .map(|n| keccak256(format!("grind {task} {item} {n}")))
        .find(|s| skips(fixed ^ seed_of(&[*s])))
        .expect("half of all salts skip");
    salts.push(last);
    salts
}

/// [`ground`] against the salts-only draw.
fn ground_salts(task: u64, item: u32, k: usize) -> Vec<B256> {
    ground(task, item, k, |seed| {
        xor_only_draw(seed, task, item) >= RATE
    })
}

/// Every member of `ring` commits `label` with its salt on each item, the commit window
/// closes, every member reveals.
fn commit_and_reveal(w: &World, task: u64, ring: &[Address], salts: &[Vec<B256>], label: u8) {
    let items: Vec<u32> = (0..salts.len() as u32).collect();
    for (m, who) in ring.iter().enumerate() {
        let cs = items
            .iter()
            .map(|&i| {
                commitment_hash(
                    MOTSU_CHAIN_ID,
                    w.verifier.address(),
                    task,
                    i,
                    *who,
                    label,
                    salts[i as usize][m],
                )
            })
            .collect();
        w.verifier
            .sender(*who)
            .commit_batch(task, items.clone(), cs)
            .motsu_unwrap();
    }
    w.end_commit(task);
    for (m, who) in ring.iter().enumerate() {
        let own = salts.iter().map(|s| s[m]).collect();
        w.verifier
            .sender(*who)
            .reveal_batch(task, items.clone(), vec![label; items.len()], own)
            .motsu_unwrap();
    }
}

fn status(w: &World, task: u64, item: u32) -> u8 {
    w.verifier.sender(w.admin).get_item(task, item).0
}

fn lookups(w: &World) -> U256 {
    w.arb_sys.sender(w.admin).calls()
}

#[motsu::test]
fn salts_ground_to_skip_the_salts_only_draw_are_spot_checked_where_the_block_hash_says() {
    let w = World::default();
    let spec = TaskSpec {
        items: 16,
        reward: lbl(1),
        stake: lbl(10),
        audit_rate_bps: RATE,
        ..TaskSpec::default()
    };
    let task = w.create_task(Address::random(), spec);
    let ring: Vec<Address> = (0..3).map(|_| w.labeller(lbl(160))).collect();
    let salts: Vec<Vec<B256>> = (0..spec.items)
        .map(|i| ground_salts(task, i, ring.len()))
        .collect();
    // The precondition: under the salts-only draw, no item would be spot-checked.
    for (i, s) in salts.iter().enumerate() {
        assert!(xor_only_draw(seed_of(s), task, i as u32) >= RATE);
    }
    let chain_seed = B256::repeat_byte(0x42);
    w.arb_sys.sender(w.admin).set_seed(chain_seed);
    commit_and_reveal(&w, task, &ring, &salts, GARBAGE);

    let items: Vec<u32> = (0..spec.items).collect();
    w.verifier
        .sender(Address::random())
        .finalize_batch(task, items.clone())
        .motsu_unwrap();
    let hash = block_hash(chain_seed);
    let mut checked = Vec::new();
    for &i in &items {
        let drawn = audit_draw(seed_of(&salts[i as usize]), task, i, hash) < RATE;
        let expected = if drawn { PENDING_AUDIT } else { FINAL };
        assert_eq!(status(&w, task, i), expected, "item {i}");
        if drawn {
            checked.push(i);
        }
    }
    assert!(
        !checked.is_empty(),
        "the block hash spot-checks some of 16 items"
    );
    assert_eq!(lookups(&w), U256::from(1u8), "one lookup for the batch");

    // An honest auditor overrides every spot-checked item: the ring is slashed there.
    for &i in &checked {
        w.verifier
            .sender(w.auditor)
            .audit(task, i, TRUTH)
            .motsu_unwrap();
    }
    let n = U256::from(checked.len());
    let slash = spec.stake * U256::from(w.terms(task).slash_bps) / U256::from(10_000u16);
    for who in &ring {
        let (free, locked, ..) = w.stake_of(*who);
        assert_eq!(locked, U256::ZERO);
        assert_eq!(free, lbl(160) - n * slash);
    }
    w.assert_solvent();
}

#[motsu::test]
fn salts_ground_against_the_block_hash_seen_at_commit_time_are_drawn_with_the_one_at_finality() {
    let w = World::default();
    let spec = TaskSpec {
        items: 16,
        audit_rate_bps: RATE,
        ..TaskSpec::default()
    };
    let task = w.create_task(Address::random(), spec);
    let ring: Vec<Address> = (0..3).map(|_| w.labeller(lbl(160))).collect();
    // The ring sees the chain's latest block hash while committing and grinds against the
    // full draw under it ...
    let seen = B256::repeat_byte(1);
    w.arb_sys.sender(w.admin).set_seed(seen);
    let salts: Vec<Vec<B256>> = (0..spec.items)
        .map(|i| {
            ground(task, i, ring.len(), |seed| {
                audit_draw(seed, task, i, block_hash(seen)) >= RATE
            })
        })
        .collect();
    commit_and_reveal(&w, task, &ring, &salts, GARBAGE);
    // ... but the chain moves on before anyone can finalize.
    let at_finality = B256::repeat_byte(2);
    w.arb_sys.sender(w.admin).set_seed(at_finality);
    let items: Vec<u32> = (0..spec.items).collect();
    w.verifier
        .sender(Address::random())
        .finalize_batch(task, items.clone())
        .motsu_unwrap();
    let got: Vec<bool> = items
        .iter()
        .map(|&i| status(&w, task, i) == PENDING_AUDIT)
        .collect();
    let want: Vec<bool> = items
        .iter()
        .map(|&i| {
            audit_draw(
                seed_of(&salts[i as usize]),
                task,
                i,
                block_hash(at_finality),
            ) < RATE
        })
        .collect();
    assert_eq!(got, want);
    assert!(got.contains(&true), "some of 16 items are spot-checked");
    w.assert_solvent();
}

#[motsu::test]
fn one_block_hash_serves_a_whole_batch_and_none_is_read_without_a_draw() {
    let w = World::default();
    let ls: Vec<Address> = (0..3).map(|_| w.labeller(lbl(200))).collect();
    let vote = |task: u64, items: u32, labels: [u8; 3]| {
        for i in 0..items {
            let votes: Vec<(Address, u8)> = ls.iter().copied().zip(labels).collect();
            w.commit_all(task, i, &votes);
        }
        w.end_commit(task);
        for i in 0..items {
            let votes: Vec<(Address, u8)> = ls.iter().copied().zip(labels).collect();
            w.reveal_all(task, i, &votes);
        }
    };
    let batch = |task: u64, items: u32| {
        w.verifier
            .sender(Address::random())
            .finalize_batch(task, (0..items).collect())
            .motsu_unwrap();
    };
    let sampled = TaskSpec {
        items: 8,
        audit_rate_bps: RATE,
        ..TaskSpec::default()
    };

    // No audit rate: consensus is final at once, no draw, no lookup.
    let unsampled = w.create_task(Address::random(), TaskSpec::default());
    vote(unsampled, 4, [1, 1, 1]);
    batch(unsampled, 4);
    assert_eq!(lookups(&w), U256::ZERO);
    assert_eq!(status(&w, unsampled, 0), FINAL);

    // Disagreement escalates and too few commits void: neither draws.
    let split = w.create_task(Address::random(), sampled);
    vote(split, 8, [0, 1, 2]);
    batch(split, 8);
    assert_eq!(status(&w, split, 0), ESCALATED);
    let thin = w.create_task(Address::random(), sampled);
    w.commit(thin, 0, ls[0], 1);
    w.end_reveal(thin);
    w.finalize(thin, 0);
    assert_eq!(status(&w, thin, 0), VOID);
    assert_eq!(lookups(&w), U256::ZERO);

    // Eight accepted items in one batch: one lookup between them.
    let task = w.create_task(Address::random(), sampled);
    vote(task, 8, [1, 1, 1]);
    batch(task, 8);
    assert_eq!(lookups(&w), U256::from(1u8));
    let pending: Vec<u32> = (0..8)
        .filter(|&i| status(&w, task, i) == PENDING_AUDIT)
        .collect();
    assert!(!pending.is_empty());
    // Items ending their audit window unaudited were drawn already: no new lookup.
    advance(AUDIT_WINDOW + 1);
    w.verifier
        .sender(Address::random())
        .finalize_batch(task, pending.clone())
        .motsu_unwrap();
    for i in pending {
        assert_eq!(status(&w, task, i), FINAL);
    }
    assert_eq!(lookups(&w), U256::from(1u8));
    w.assert_solvent();
}

#[motsu::test]
fn a_revert_of_arb_sys_reverts_the_finalize_unchanged_and_finalizes_nothing() {
    let w = World::default();
    let ls: Vec<Address> = (0..3).map(|_| w.labeller(lbl(100))).collect();
    let spec = TaskSpec {
        audit_rate_bps: RATE,
        ..TaskSpec::default()
    };
    let task = w.create_task(Address::random(), spec);
    let votes: Vec<(Address, u8)> = ls.iter().map(|l| (*l, 1)).collect();
    w.commit_all(task, 0, &votes);
    w.end_commit(task);
    w.reveal_all(task, 0, &votes);
    w.arb_sys.sender(w.admin).set_reverting(true);
    let err = w
        .verifier
        .sender(Address::random())
        .finalize(task, 0)
        .motsu_unwrap_err();
    let Error::Bubbled(b) = err else {
        panic!("expected ArbSys's own revert, got {err:?}");
    };
    let e: InvalidBlockNumber = bubbled(&b);
    assert_eq!(e.requested, U256::ZERO);
    assert_eq!(status(&w, task, 0), OPEN);
    for l in &ls {
        assert_eq!(w.stake_of(*l).1, lbl(10), "stake still locked");
    }
    // Once ArbSys answers again the item is decided as usual.
    w.arb_sys.sender(w.admin).set_reverting(false);
    w.finalize(task, 0);
    assert_ne!(status(&w, task, 0), OPEN);
    w.assert_solvent();
}
