//! Every way a labeller, auditor or bystander can misuse the ConsensusVerifier, and the
//! custom error each one gets. Nothing moves when a call is refused.

use alloy_primitives::{Address, B256, U256};
use consensus_verifier::{ConsensusVerifier, Error};
use labelchain_scenarios::*;
use motsu::prelude::*;

fn setup() -> (World, Address, u64, Vec<Address>) {
    let w = World::default();
    let requester = Address::random();
    let task = w.create_task(requester, TaskSpec::default());
    let ls = (0..4).map(|_| w.labeller(lbl(100))).collect();
    (w, requester, task, ls)
}

#[motsu::test]
fn the_constructor_refuses_zero_addresses() {
    let v: Contract<ConsensusVerifier> = Contract::new();
    let a = Address::random();
    let err = v
        .sender(a)
        .constructor(a, Address::ZERO, a, a)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAddress(_)));
}

#[motsu::test]
fn commits_need_an_open_task_inside_its_window_and_range() {
    let (w, requester, task, ls) = setup();
    let c = w.commitment(task, 0, ls[0], 1);
    let err = w
        .verifier
        .sender(ls[0])
        .commit(task + 1, 0, c)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::TaskNotOpen(e) if e.task == task + 1));
    let err = w
        .verifier
        .sender(ls[0])
        .commit(task, 4, c)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ItemOutOfRange(e) if e.item == 4 && e.itemCount == 4));
    let err = w
        .verifier
        .sender(ls[0])
        .commit(task, 0, B256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::EmptyCommitment(_)));

    let cancelled = w.create_task(requester, TaskSpec::default());
    w.registry
        .sender(requester)
        .cancel_task(cancelled)
        .motsu_unwrap();
    let c2 = w.commitment(cancelled, 0, ls[0], 1);
    let err = w
        .verifier
        .sender(ls[0])
        .commit(cancelled, 0, c2)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::TaskNotOpen(_)));

    w.end_commit(task);
    let err = w
        .verifier
        .sender(ls[0])
        .commit(task, 0, c)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::CommitWindowClosed(_)));
    assert_eq!(
        w.stake_of(ls[0]).1,
        U256::ZERO,
        "no stake locked by refused commits"
    );
    w.assert_solvent();
}

#[motsu::test]
fn an_item_takes_k_commits_one_per_labeller() {
    let (w, _, task, ls) = setup();
    w.commit(task, 0, ls[0], 1);
    let c = w.commitment(task, 0, ls[0], 2);
    let err = w
        .verifier
        .sender(ls[0])
        .commit(task, 0, c)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::AlreadyCommitted(e) if e.item == 0));
    w.commit(task, 0, ls[1], 1);
    w.commit(task, 0, ls[2], 1);
    let c = w.commitment(task, 0, ls[3], 1);
    let err = w
        .verifier
        .sender(ls[3])
        .commit(task, 0, c)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ItemFull(e) if e.item == 0));
    w.assert_solvent();
}

#[motsu::test]
fn a_commit_without_enough_free_stake_is_refused_by_the_escrow() {
    let (w, _, task, _) = setup();
    let poor = w.labeller(lbl(5));
    let c = w.commitment(task, 0, poor, 1);
    let err = w
        .verifier
        .sender(poor)
        .commit(task, 0, c)
        .motsu_unwrap_err();
    let Error::Bubbled(b) = err else {
        panic!("{err:?}")
    };
    let e: staking_escrow::InsufficientFreeStake = bubbled(&b);
    assert_eq!((e.available, e.requested), (lbl(5), lbl(10)));
    let (_, _, commits, ..) = w.verifier.sender(poor).get_item(task, 0);
    assert_eq!(commits, 0, "the refused commit left no ballot");
}

#[motsu::test]
fn reveals_open_after_the_commit_window_and_close_with_the_reveal_window() {
    let (w, _, task, ls) = setup();
    w.commit(task, 0, ls[0], 1);
    let salt = World::salt(task, 0, ls[0], 1);
    let err = w
        .verifier
        .sender(ls[0])
        .reveal(task, 0, 1, salt)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::RevealWindowNotOpen(_)));
    w.end_reveal(task);
    let err = w
        .verifier
        .sender(ls[0])
        .reveal(task, 0, 1, salt)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::RevealWindowClosed(_)));
}

#[motsu::test]
fn a_reveal_must_match_the_callers_own_commitment() {
    let (w, _, task, ls) = setup();
    w.commit(task, 0, ls[0], 1);
    // Someone else replays ls[0]'s commitment: it binds ls[0]'s address, so it can never
    // be opened by the copier.
    let stolen = w.commitment(task, 0, ls[0], 1);
    w.verifier
        .sender(ls[1])
        .commit(task, 0, stolen)
        .motsu_unwrap();
    w.end_commit(task);
    let salt = World::salt(task, 0, ls[0], 1);
    let err = w
        .verifier
        .sender(ls[1])
        .reveal(task, 0, 1, salt)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::CommitmentMismatch(e) if e.item == 0));
    // Wrong salt, wrong label, label out of range, no commit, twice.
    let err = w
        .verifier
        .sender(ls[0])
        .reveal(task, 0, 1, B256::repeat_byte(7))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::CommitmentMismatch(_)));
    let err = w
        .verifier
        .sender(ls[0])
        .reveal(task, 0, 2, salt)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::CommitmentMismatch(_)));
    let err = w
        .verifier
        .sender(ls[0])
        .reveal(task, 0, 3, salt)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidLabel(e) if e.label == 3 && e.numClasses == 3));
    let err = w
        .verifier
        .sender(ls[2])
        .reveal(task, 0, 1, salt)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotCommitted(_)));
    w.reveal(task, 0, ls[0], 1);
    let err = w
        .verifier
        .sender(ls[0])
        .reveal(task, 0, 1, salt)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::AlreadyRevealed(_)));
}

#[motsu::test]
fn a_commitment_cannot_be_replayed_on_another_item_or_task() {
    let (w, requester, task, ls) = setup();
    let other = w.create_task(requester, TaskSpec::default());
    let c = w.commitment(task, 0, ls[0], 1);
    w.verifier.sender(ls[0]).commit(task, 1, c).motsu_unwrap();
    w.verifier.sender(ls[0]).commit(other, 0, c).motsu_unwrap();
    w.end_commit(task);
    let salt = World::salt(task, 0, ls[0], 1);
    for (t, i) in [(task, 1u32), (other, 0)] {
        let err = w
            .verifier
            .sender(ls[0])
            .reveal(t, i, 1, salt)
            .motsu_unwrap_err();
        assert!(matches!(err, Error::CommitmentMismatch(_)));
    }
}

#[motsu::test]
fn only_open_items_can_be_finalized() {
    let (w, requester, task, ls) = setup();
    let err = w
        .verifier
        .sender(requester)
        .finalize(task, 1)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotFinalizable(e) if e.status == 0));
    for who in &ls[..3] {
        w.commit(task, 0, *who, 1);
    }
    w.end_commit(task);
    for who in &ls[..3] {
        w.reveal(task, 0, *who, 1);
    }
    w.finalize(task, 0);
    let err = w
        .verifier
        .sender(requester)
        .finalize(task, 0)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotFinalizable(e) if e.status == 4));
    w.assert_solvent();
}

#[motsu::test]
fn audits_are_for_auditors_on_items_waiting_for_one() {
    let (w, requester, task, ls) = setup();
    for who in &ls[..3] {
        w.commit(task, 0, *who, 1);
    }
    w.end_commit(task);
    for who in &ls[..3] {
        w.reveal(task, 0, *who, 1);
    }
    let err = w
        .verifier
        .sender(ls[0])
        .audit(task, 0, 1)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    let err = w
        .verifier
        .sender(w.auditor)
        .audit(task, 0, 1)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotAuditable(e) if e.status == 1));
    let err = w
        .verifier
        .sender(w.auditor)
        .audit(task, 0, 9)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidLabel(_)));
    w.finalize(task, 0);
    let err = w
        .verifier
        .sender(w.auditor)
        .audit(task, 0, 1)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotAuditable(e) if e.status == 4));
    let _ = requester;
}

#[motsu::test]
fn batches_are_bounded_non_empty_and_aligned() {
    let (w, _, task, ls) = setup();
    let err = w
        .verifier
        .sender(ls[0])
        .commit_batch(task, vec![], vec![])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::EmptyBatch(_)));
    let err = w
        .verifier
        .sender(ls[0])
        .commit_batch(task, vec![0, 1], vec![B256::repeat_byte(1)])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::LengthMismatch(_)));
    let err = w
        .verifier
        .sender(ls[0])
        .finalize_batch(task, vec![0; 65])
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::BatchTooLarge(e) if e.len == U256::from(65) && e.max == U256::from(64))
    );
    let err = w
        .verifier
        .sender(ls[0])
        .reveal_batch(task, vec![0], vec![1], vec![])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::LengthMismatch(_)));
}

#[motsu::test]
fn no_claim_pays_twice() {
    let (w, _, task, ls) = setup();
    for who in &ls[..3] {
        w.commit(task, 0, *who, 1);
    }
    w.end_commit(task);
    for who in &ls[..3] {
        w.reveal(task, 0, *who, 1);
    }
    w.finalize(task, 0);
    assert_eq!(w.claim(w.lbl(), ls[0]), lbl(127));
    let err = w.escrow.sender(ls[0]).claim(w.lbl()).motsu_unwrap_err();
    assert!(matches!(err, staking_escrow::Error::NothingToClaim(_)));
    w.assert_solvent();
}
