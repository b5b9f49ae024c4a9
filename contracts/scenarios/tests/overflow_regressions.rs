//! One test per arithmetic site that could wrap (issue #10), each feeding the value that
//! wrapped before the fix, plus the bounds that keep honest use in range, tested at the
//! bound and one past it. The escrow's hooks are called directly as its two trusted
//! callers, so its own checks are tested without the registry's and verifier's in front.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolValue;
use labelchain_protocol::limits::{MAX_AMOUNT_PER_LABEL, MAX_LABELS_PER_TASK};
use labelchain_scenarios::*;
use motsu::prelude::*;
use staking_escrow::Error as EscrowError;
use task_registry::Error as RegistryError;

fn bound() -> U256 {
    U256::from(MAX_AMOUNT_PER_LABEL)
}

fn p255() -> U256 {
    U256::from(1u8) << 255
}

#[track_caller]
fn refused_field(r: Result<u64, RegistryError>) -> u8 {
    match r.motsu_res() {
        Err(RegistryError::InvalidTaskParameter(e)) => e.field,
        other => panic!("expected InvalidTaskParameter, got {other:?}"),
    }
}

#[track_caller]
fn overflow<T: std::fmt::Debug>(r: Result<T, EscrowError>) {
    // `motsu_res` reverts the call's writes on `Err`, as a chain does.
    let r = r.motsu_res();
    assert!(
        matches!(r, Err(EscrowError::AmountOverflow(_))),
        "expected AmountOverflow, got {r:?}"
    );
}

/// Everything the escrow and the token hold or owe that a refused call must leave alone.
fn snapshot(w: &World, accounts: &[Address]) -> Vec<U256> {
    let mut v = vec![
        w.escrow.sender(w.admin).liabilities(w.lbl()),
        w.balance(w.lbl(), w.escrow.address()),
        w.token.sender(w.admin).total_supply(),
    ];
    for &a in accounts {
        let (free, locked, unbonding, _) = w.stake_of(a);
        v.extend([
            free,
            locked,
            unbonding,
            w.claimable(w.lbl(), a),
            w.balance(w.lbl(), a),
        ]);
    }
    v
}

// ---- the recipe of the drain, at the registry ----

#[motsu::test]
fn the_escrow_drain_recipe_is_refused_when_the_task_is_created() {
    let w = World::default();
    let victim = w.labeller(lbl(1_000));
    let attacker = Address::random();
    w.stake(attacker, U256::from(12u8));
    // stakePerLabel = 2^255 + 1: two commits' lock wrapped to 2 wei before the bound.
    let spec = TaskSpec {
        items: 2,
        k: 1,
        threshold_bps: 10_000,
        reward: U256::from(1u8),
        stake: p255() + U256::from(1u8),
        ..TaskSpec::default()
    };
    w.give_lbl(attacker, U256::from(10u8));
    w.token
        .sender(attacker)
        .approve(w.escrow.address(), U256::from(10u8))
        .motsu_unwrap();
    let before = snapshot(&w, &[victim, attacker]);
    assert_eq!(refused_field(w.create_task_unfunded(attacker, spec)), 6);
    assert_eq!(w.registry.sender(w.admin).task_count(), 0);
    assert_eq!(snapshot(&w, &[victim, attacker]), before);
    w.assert_solvent();
}

#[motsu::test]
fn stake_and_reward_per_label_are_accepted_up_to_2_96_minus_1_and_refused_above() {
    let w = World::default();
    let requester = Address::random();
    // At the bound: both accepted (the stablecoin can fund a bounty of 2^96 - 1).
    let at = TaskSpec {
        items: 1,
        k: 1,
        threshold_bps: 10_000,
        stable: true,
        reward: bound(),
        stake: bound(),
        ..TaskSpec::default()
    };
    let task = w.create_task(requester, at);
    assert_eq!(w.terms(task).stake_per_label, bound());
    assert_eq!(w.terms(task).reward_per_label, bound());
    // One past it, and the values that used to wrap: refused, naming the field.
    for over in [
        bound() + U256::from(1u8),
        p255() + U256::from(1u8),
        U256::MAX,
    ] {
        let reward = TaskSpec { reward: over, ..at };
        assert_eq!(refused_field(w.create_task_unfunded(requester, reward)), 5);
        let stake = TaskSpec { stake: over, ..at };
        assert_eq!(refused_field(w.create_task_unfunded(requester, stake)), 6);
    }
    assert_eq!(w.registry.sender(w.admin).task_count(), 1);
    w.assert_solvent();
}

#[motsu::test]
fn a_task_takes_at_most_2_32_minus_1_labels_so_its_u32_counters_cannot_overflow() {
    let w = World::default();
    let requester = Address::random();
    let one_wei = TaskSpec {
        stable: true,
        reward: U256::from(1u8),
        ..TaskSpec::default()
    };
    // itemCount * k == u32::MAX: the commit counter's largest reachable value fits.
    let at = TaskSpec {
        items: u32::MAX,
        k: 1,
        ..one_wei
    };
    let task = w.create_task(requester, at);
    let (token, _, bounty, _) = w.escrow.sender(w.admin).bounty_of(task);
    assert_eq!(token, w.stable.address());
    assert_eq!(bounty, U256::from(MAX_LABELS_PER_TASK));
    for (items, k) in [(1u32 << 31, 2u8), (u32::MAX, 32), ((u32::MAX / 3) + 1, 3)] {
        let over = TaskSpec {
            items,
            k,
            ..one_wei
        };
        assert_eq!(refused_field(w.create_task_unfunded(requester, over)), 1);
    }
    // The largest k with the most items it allows is accepted.
    let k32 = TaskSpec {
        items: u32::MAX / 32,
        k: 32,
        ..one_wei
    };
    w.create_task(requester, k32);
    w.assert_solvent();
}

#[motsu::test]
fn windows_that_would_end_beyond_u64_are_refused_not_wrapped() {
    let w = World::default();
    let requester = Address::random();
    // A clock two minutes short of the end of u64: a 60 s commit and 60 s reveal window
    // would end at 2^64 (wrapping to 0 before the fix: a task whose windows were over).
    advance(u64::MAX - w.now() - 119);
    let spec = TaskSpec {
        commit_duration: 60,
        reveal_duration: 60,
        ..TaskSpec::default()
    };
    assert_eq!(refused_field(w.create_task_unfunded(requester, spec)), 7);
}

// ---- the escrow's own checks ----

/// Task 1's bounty of 10 LBL, deposited as the registry would; returns its requester.
fn bounty_of_ten_lbl(w: &World) -> Address {
    let requester = Address::random();
    w.give_lbl(requester, lbl(10));
    w.token
        .sender(requester)
        .approve(w.escrow.address(), lbl(10))
        .motsu_unwrap();
    w.escrow
        .sender(w.registry.address())
        .deposit_bounty(1, requester, w.lbl(), lbl(10), U256::ZERO)
        .motsu_unwrap();
    requester
}

#[motsu::test]
fn a_settlement_row_whose_release_wraps_cannot_credit_free_stake() {
    let w = World::default();
    let verifier = w.verifier.address();
    let requester = bounty_of_ten_lbl(&w);
    let attacker = w.labeller(lbl(5));
    w.escrow
        .sender(verifier)
        .lock(attacker, lbl(5))
        .motsu_unwrap();
    let before = snapshot(&w, &[attacker, requester]);
    // unlocked + slashed = 2^255 + (2^255 + 5 LBL) wraps to 5 LBL, exactly what is
    // locked; before the fix `free += 2^255` followed.
    let rows = settlement_rows(
        &[attacker],
        &[p255()],
        &[p255() + lbl(5)],
        &[U256::ZERO],
        &[U256::ZERO],
    );
    // No burn, so no later check (the burn's liability decrease) can mask this site.
    overflow(
        w.escrow
            .sender(verifier)
            .settle(1, rows, U256::ZERO, U256::ZERO, 0),
    );
    // unlocked alone at MAX with nothing slashed: free + MAX wraps.
    let rows = settlement_rows(
        &[attacker],
        &[U256::MAX],
        &[U256::ZERO],
        &[U256::ZERO],
        &[U256::ZERO],
    );
    let refused = w
        .escrow
        .sender(verifier)
        .settle(1, rows, U256::ZERO, U256::ZERO, 0)
        .motsu_res();
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(snapshot(&w, &[attacker, requester]), before);
    w.assert_solvent();
}

#[motsu::test]
fn settlement_totals_that_wrap_are_refused() {
    let w = World::default();
    let verifier = w.verifier.address();
    let requester = bounty_of_ten_lbl(&w);
    let slashed_one = w.labeller(lbl(5));
    w.escrow
        .sender(verifier)
        .lock(slashed_one, lbl(5))
        .motsu_unwrap();
    let (a, b) = (Address::random(), Address::random());
    let before = snapshot(&w, &[a, b, slashed_one, requester, w.treasury]);
    let z = U256::ZERO;
    // Paid MAX + 1 wraps to 0: before the fix the bounty check passed and `a` was
    // credited MAX.
    let paid = settlement_rows(
        &[a, b],
        &[z, z],
        &[z, z],
        &[U256::MAX, U256::from(1u8)],
        &[z, z],
    );
    overflow(w.escrow.sender(verifier).settle(1, paid, z, U256::ZERO, 0));
    // Minted MAX + 1 wraps the liability added for emission.
    let minted = settlement_rows(
        &[a, b],
        &[z, z],
        &[z, z],
        &[z, z],
        &[U256::MAX, U256::from(1u8)],
    );
    overflow(
        w.escrow
            .sender(verifier)
            .settle(1, minted, z, U256::ZERO, 0),
    );
    // Paid + refund wraps the bounty spent.
    let paid_one = settlement_rows(&[a], &[z], &[z], &[lbl(1)], &[z]);
    overflow(
        w.escrow
            .sender(verifier)
            .settle(1, paid_one, U256::MAX, U256::ZERO, 0),
    );
    // A burn share above 100 % would burn more than was slashed: the treasury's share
    // `slashed - burned` wrapped to ~2^256 before the fix.
    let slash = settlement_rows(&[slashed_one], &[lbl(4)], &[lbl(1)], &[z], &[z]);
    overflow(
        w.escrow
            .sender(verifier)
            .settle(1, slash, z, U256::ZERO, 10_001),
    );
    assert_eq!(
        snapshot(&w, &[a, b, slashed_one, requester, w.treasury]),
        before
    );
    w.assert_solvent();
}

#[motsu::test]
fn a_deposit_whose_bounty_plus_fee_wraps_is_refused() {
    let w = World::default();
    let registry = w.registry.address();
    let requester = Address::random();
    w.give_lbl(requester, lbl(1));
    w.token
        .sender(requester)
        .approve(w.escrow.address(), U256::MAX)
        .motsu_unwrap();
    let before = snapshot(&w, &[requester]);
    // MAX + 1 = 0 before the fix: a bounty of MAX recorded for a transfer of nothing.
    overflow(w.escrow.sender(registry).deposit_bounty(
        9,
        requester,
        w.lbl(),
        U256::MAX,
        U256::from(1u8),
    ));
    assert_eq!(w.escrow.sender(w.admin).bounty_of(9).2, U256::ZERO);
    assert_eq!(snapshot(&w, &[requester]), before);
    w.assert_solvent();
}

#[motsu::test]
fn staking_past_2_256_is_refused_by_the_books_before_the_transfer() {
    let w = World::default();
    let who = w.labeller(U256::from(1u8));
    w.token
        .sender(who)
        .approve(w.escrow.address(), U256::MAX)
        .motsu_unwrap();
    let before = snapshot(&w, &[who]);
    overflow(w.escrow.sender(who).stake(U256::MAX));
    assert_eq!(snapshot(&w, &[who]), before);
    w.assert_solvent();
}

// ---- a batch lock at the bound ----

#[motsu::test]
fn a_64_commit_batch_at_the_largest_stake_locks_and_releases_exactly() {
    // A token big enough to stake 64 * (2^96 - 1).
    let w = World::new(TokenConfig {
        cap: U256::from(1u8) << 110,
        genesis: U256::from(1u8) << 109,
        halving_interval: 1_000_000,
    });
    let requester = Address::random();
    let spec = TaskSpec {
        items: 64,
        k: 1,
        threshold_bps: 10_000,
        stable: true,
        reward: U256::from(1u8),
        stake: bound(),
        ..TaskSpec::default()
    };
    let task = w.create_task(requester, spec);
    let total = bound() * U256::from(64u8);
    let labeller = w.labeller(total);
    let items: Vec<u32> = (0..64).collect();
    let commitments = items
        .iter()
        .map(|&i| w.commitment(task, i, labeller, 1))
        .collect();
    w.verifier
        .sender(labeller)
        .commit_batch(task, items.clone(), commitments)
        .motsu_unwrap();
    assert_eq!(w.stake_of(labeller), (U256::ZERO, total, U256::ZERO, 0));
    w.end_commit(task);
    let salts = items
        .iter()
        .map(|&i| World::salt(task, i, labeller, 1))
        .collect();
    w.verifier
        .sender(labeller)
        .reveal_batch(task, items.clone(), vec![1; 64], salts)
        .motsu_unwrap();
    w.verifier
        .sender(labeller)
        .finalize_batch(task, items)
        .motsu_unwrap();
    assert_eq!(w.stake_of(labeller).0, total);
    assert_eq!(w.claimable(w.stable.address(), labeller), U256::from(64u8));
    w.assert_solvent();
}

// ---- auditors without conflicts of interest ----

#[motsu::test]
fn an_auditor_may_not_audit_a_task_they_requested() {
    let w = World::default();
    let requester = w.auditor;
    let spec = TaskSpec {
        items: 1,
        k: 3,
        ..TaskSpec::default()
    };
    let task = w.create_task(requester, spec);
    let votes: Vec<(Address, u8)> = (0..3).map(|i| (w.labeller(lbl(10)), i as u8)).collect();
    w.commit_all(task, 0, &votes);
    w.end_commit(task);
    w.reveal_all(task, 0, &votes);
    w.finalize(task, 0); // a three-way tie: escalated
    assert_eq!(w.verifier.sender(w.admin).get_item(task, 0).0, 3);
    let err = w
        .verifier
        .sender(w.auditor)
        .audit(task, 0, 1)
        .motsu_unwrap_err();
    let e = variant!(err, consensus_verifier::Error::AuditorIsRequester);
    assert_eq!(e.task, task);
    assert_eq!(w.verifier.sender(w.admin).get_item(task, 0).0, 3);
    w.assert_solvent();
}

#[motsu::test]
fn an_auditor_may_not_audit_an_item_they_committed_on() {
    let w = World::default();
    let spec = TaskSpec {
        items: 1,
        k: 3,
        ..TaskSpec::default()
    };
    let task = w.create_task(Address::random(), spec);
    w.stake(w.auditor, lbl(10));
    let votes = [
        (w.auditor, 0u8),
        (w.labeller(lbl(10)), 1),
        (w.labeller(lbl(10)), 2),
    ];
    w.commit_all(task, 0, &votes);
    w.end_commit(task);
    w.reveal_all(task, 0, &votes);
    w.finalize(task, 0);
    let err = w
        .verifier
        .sender(w.auditor)
        .audit(task, 0, 0)
        .motsu_unwrap_err();
    let e = variant!(err, consensus_verifier::Error::AuditorIsLabeller);
    assert_eq!(e.item, 0);
    // Another auditor, with no stake in the item, may.
    let other = Address::random();
    w.verifier
        .sender(w.admin)
        .set_auditor(other, true)
        .motsu_unwrap();
    w.verifier.sender(other).audit(task, 0, 0).motsu_unwrap();
    assert_eq!(w.verifier.sender(w.admin).get_item(task, 0).0, 4);
    w.assert_solvent();
}

#[motsu::test]
fn the_zero_address_cannot_be_made_an_auditor() {
    let w = World::default();
    let err = w
        .verifier
        .sender(w.admin)
        .set_auditor(Address::ZERO, true)
        .motsu_unwrap_err();
    assert!(
        matches!(err, consensus_verifier::Error::ZeroAddress(_)),
        "{err:?}"
    );
    assert!(!w.verifier.sender(w.admin).is_auditor(Address::ZERO));
}

// ---- no proof for a nonexistent item, no wei stuck ----

#[motsu::test]
fn verify_item_refuses_an_index_at_or_above_the_item_count() {
    let w = World::default();
    let requester = Address::random();
    let content = keccak256("the only item");
    let leaf = keccak256(keccak256((U256::ZERO, content).abi_encode()));
    let spec = TaskSpec {
        items: 1,
        ..TaskSpec::default()
    };
    let task = w.create_task_with_root(requester, leaf, spec);
    let d = &w.datasets;
    assert!(d
        .sender(requester)
        .verify_item(task, 0, content, vec![])
        .motsu_unwrap());
    for item in [1u32, u32::MAX] {
        let err = d
            .sender(requester)
            .verify_item(task, item, content, vec![])
            .motsu_unwrap_err();
        let e = variant!(err, dataset_registry::Error::ItemOutOfRange);
        assert_eq!((e.item, e.itemCount), (item, 1));
    }
    // A task that does not exist has no items.
    let err = d
        .sender(requester)
        .verify_item(task + 1, 0, B256::ZERO, vec![])
        .motsu_unwrap_err();
    assert!(
        matches!(err, dataset_registry::Error::ItemOutOfRange(_)),
        "{err:?}"
    );
}

#[motsu::test]
fn reclaiming_a_task_nobody_labelled_returns_the_fee_too() {
    let w = World::default();
    let requester = Address::random();
    let spec = TaskSpec::default();
    let (bounty, fee) = w.cost(&spec);
    let task = w.create_task(requester, spec);
    w.end_commit(task);
    let amount = w.registry.sender(requester).reclaim(task).motsu_unwrap();
    assert_eq!(amount, bounty + fee);
    assert_eq!(w.claimable(w.lbl(), requester), bounty + fee);
    let (_, _, remaining, left_fee) = w.escrow.sender(w.admin).bounty_of(task);
    assert_eq!((remaining, left_fee), (U256::ZERO, U256::ZERO));
    let again = w
        .registry
        .sender(requester)
        .reclaim(task)
        .motsu_unwrap_err();
    assert!(
        matches!(again, RegistryError::NothingToReclaim(_)),
        "{again:?}"
    );
    assert_eq!(w.claim(w.lbl(), requester), bounty + fee);
    w.assert_solvent();
}

// ---- ERC-5267 ----

#[motsu::test]
fn lbl_describes_its_permit_domain_as_erc_5267_says() {
    use alloy_sol_types::SolCall;
    use reward_token::eip712DomainCall;
    let w = World::default();
    let out = w
        .token
        .sender(w.admin)
        .fallback(&eip712DomainCall::SELECTOR)
        .motsu_unwrap();
    // Decoded by alloy's standard return decoder (strict validation): the encoding that
    // OpenZeppelin's Solidity ERC20Permit produces, no leading tuple offset.
    let d = eip712DomainCall::abi_decode_returns(&out, true).expect("standard encoding");
    assert_eq!(out.len(), 12 * 32);
    assert_eq!(d.fields.0, [0x0f]);
    assert_eq!(
        (d.name.as_str(), d.version.as_str()),
        ("Labelchain Reward", "1")
    );
    assert_eq!(d.chainId, U256::from(MOTSU_CHAIN_ID));
    assert_eq!(d.verifyingContract, w.token.address());
    assert_eq!(d.salt, B256::ZERO);
    assert!(d.extensions.is_empty());
    // A wallet that builds the domain from these fields gets the separator permits use.
    let typehash = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
    );
    let separator = keccak256(
        (
            typehash,
            keccak256(&d.name),
            keccak256(&d.version),
            d.chainId,
            d.verifyingContract,
        )
            .abi_encode(),
    );
    assert_eq!(separator, w.token.sender(w.admin).domain_separator());
    // Any other unknown selector still reverts, with empty data.
    let err = w
        .token
        .sender(w.admin)
        .fallback(&[0xde, 0xad, 0xbe, 0xef])
        .motsu_unwrap_err();
    assert!(err.is_empty());
}
