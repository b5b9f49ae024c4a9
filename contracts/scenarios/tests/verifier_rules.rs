//! Every way a labeller, auditor or bystander can misuse the ConsensusVerifier, and the
//! custom error each one gets. Nothing moves when a call is refused. Also its fixed wiring,
//! the owner's set of auditors and the two-step ownership transfer.

use alloy_primitives::{Address, B256, U256};
use consensus_verifier::{AuditorSet, ConsensusVerifier, Error};
use labelchain_scenarios::*;
use motsu::prelude::*;

fn setup() -> (World, Address, u64, Vec<Address>) {
    let (w, requester, task) = World::with_default_task();
    let ls = (0..4).map(|_| w.labeller(lbl(100))).collect();
    (w, requester, task, ls)
}

/// Every one of `ls` commits and reveals `label` on item 0 of `task`.
fn reveal_agreeing(w: &World, task: u64, ls: &[Address], label: u8) {
    let votes: Vec<(Address, u8)> = ls.iter().map(|who| (*who, label)).collect();
    w.commit_all(task, 0, &votes);
    w.end_commit(task);
    w.reveal_all(task, 0, &votes);
}

/// The error `who` gets auditing `(task, item)` as `label`.
fn audit_refused(w: &World, who: Address, task: u64, item: u32, label: u8) -> Error {
    w.verifier
        .sender(who)
        .audit(task, item, label)
        .motsu_unwrap_err()
}

/// The error `who` gets revealing `label` with `salt` for `(task, item)`.
fn reveal_refused(w: &World, who: Address, task: u64, item: u32, label: u8, salt: B256) -> Error {
    w.verifier
        .sender(who)
        .reveal(task, item, label, salt)
        .motsu_unwrap_err()
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
    let err = w.commit_refused(task, 0, ls[0], 2);
    assert!(matches!(err, Error::AlreadyCommitted(e) if e.item == 0));
    w.commit(task, 0, ls[1], 1);
    w.commit(task, 0, ls[2], 1);
    let err = w.commit_refused(task, 0, ls[3], 1);
    assert!(matches!(err, Error::ItemFull(e) if e.item == 0));
    w.assert_solvent();
}

#[motsu::test]
fn a_commit_without_enough_free_stake_is_refused_by_the_escrow() {
    let (w, _, task, _) = setup();
    let poor = w.labeller(lbl(5));
    let err = w.commit_refused(task, 0, poor, 1);
    let b = variant!(err, Error::Bubbled);
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
    let err = reveal_refused(&w, ls[0], task, 0, 1, salt);
    assert!(matches!(err, Error::OutsideRevealWindow(_)));
    w.end_reveal(task);
    let err = reveal_refused(&w, ls[0], task, 0, 1, salt);
    assert!(matches!(err, Error::OutsideRevealWindow(_)));
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
    let err = reveal_refused(&w, ls[1], task, 0, 1, salt);
    assert!(matches!(err, Error::CommitmentMismatch(e) if e.item == 0));
    // Wrong salt, wrong label, label out of range, no commit, twice.
    let err = reveal_refused(&w, ls[0], task, 0, 1, B256::repeat_byte(7));
    assert!(matches!(err, Error::CommitmentMismatch(_)));
    let err = reveal_refused(&w, ls[0], task, 0, 2, salt);
    assert!(matches!(err, Error::CommitmentMismatch(_)));
    let err = reveal_refused(&w, ls[0], task, 0, 3, salt);
    assert!(matches!(err, Error::InvalidLabel(e) if e.label == 3 && e.numClasses == 3));
    let err = reveal_refused(&w, ls[2], task, 0, 1, salt);
    assert!(matches!(err, Error::NotCommitted(_)));
    w.reveal(task, 0, ls[0], 1);
    let err = reveal_refused(&w, ls[0], task, 0, 1, salt);
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
        let err = reveal_refused(&w, ls[0], t, i, 1, salt);
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
    reveal_agreeing(&w, task, &ls[..3], 1);
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
    reveal_agreeing(&w, task, &ls[..3], 1);
    let err = audit_refused(&w, ls[0], task, 0, 1);
    let e = variant!(err, Error::NotAuditor);
    assert_eq!(e.caller, ls[0]);
    // Owning the verifier does not make one an auditor.
    let err = audit_refused(&w, w.admin, task, 0, 1);
    assert!(matches!(err, Error::NotAuditor(_)), "{err:?}");
    let err = audit_refused(&w, w.auditor, task, 0, 1);
    assert!(matches!(err, Error::NotAuditable(e) if e.status == 1));
    let err = audit_refused(&w, w.auditor, task, 0, 9);
    assert!(matches!(err, Error::InvalidLabel(_)));
    w.finalize(task, 0);
    let err = audit_refused(&w, w.auditor, task, 0, 1);
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
    assert!(matches!(err, Error::InvalidBatchSize(e) if e.len == U256::ZERO));
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
        matches!(err, Error::InvalidBatchSize(e) if e.len == U256::from(65) && e.max == U256::from(64))
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
    reveal_agreeing(&w, task, &ls[..3], 1);
    w.finalize(task, 0);
    // Reward 2 LBL + a third of the item's emission, bounded by its fee share (3 x 2 LBL
    // x 2.5 % = 0.15 LBL, Strong or not): 0.05 LBL.
    assert_eq!(w.claim(w.lbl(), ls[0]), lbl(2) + lbl(5) / U256::from(100u8));
    let err = w.escrow.sender(ls[0]).claim(w.lbl()).motsu_unwrap_err();
    assert!(matches!(err, staking_escrow::Error::NothingToClaim(_)));
    w.assert_solvent();
}

// ---- wiring, auditors, ownership ----

/// An escalated item (a three-way split) of a fresh task.
fn escalated(w: &World) -> u64 {
    let task = w.create_task(Address::random(), TaskSpec::default());
    let votes: Vec<(Address, u8)> = (0..3u8).map(|l| (w.labeller(lbl(100)), l)).collect();
    w.commit_all(task, 0, &votes);
    w.end_commit(task);
    w.reveal_all(task, 0, &votes);
    w.finalize(task, 0);
    assert_eq!(w.verifier.sender(w.admin).get_item(task, 0).0, 3);
    task
}

#[motsu::test]
fn the_deployed_verifier_is_wired_owned_and_has_one_auditor() {
    let w = World::default();
    let v = w.verifier.sender(w.admin);
    assert_eq!(
        v.wiring(),
        (w.registry.address(), w.escrow.address(), w.token.address())
    );
    assert_eq!(v.owner(), w.admin);
    assert_eq!(v.pending_owner(), Address::ZERO);
    assert!(v.is_auditor(w.auditor));
    assert!(!v.is_auditor(w.admin));
    assert!(!v.is_auditor(Address::random()));
    w.verifier.assert_emitted(&AuditorSet {
        auditor: w.auditor,
        allowed: true,
    });
}

#[motsu::test]
fn only_the_owner_adds_or_removes_auditors() {
    let w = World::default();
    let stranger = Address::random();
    let err = w
        .verifier
        .sender(stranger)
        .set_auditor(stranger, true)
        .motsu_unwrap_err();
    let e = variant!(err, Error::OwnableUnauthorizedAccount);
    assert_eq!(e.account, stranger);
    let err = w
        .verifier
        .sender(w.auditor)
        .set_auditor(w.auditor, false)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::OwnableUnauthorizedAccount(_)),
        "{err:?}"
    );
    let err = w
        .verifier
        .sender(w.admin)
        .set_auditor(Address::ZERO, true)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAddress(_)), "{err:?}");
    assert!(!w.verifier.sender(w.admin).is_auditor(stranger));
    assert!(w.verifier.sender(w.admin).is_auditor(w.auditor));
}

#[motsu::test]
fn a_removed_auditor_can_no_longer_audit_and_a_new_one_can() {
    let w = World::default();
    let task = escalated(&w);
    let expert = Address::random();
    w.verifier
        .sender(w.admin)
        .set_auditor(expert, true)
        .motsu_unwrap();
    w.verifier.assert_emitted(&AuditorSet {
        auditor: expert,
        allowed: true,
    });
    w.verifier
        .sender(w.admin)
        .set_auditor(w.auditor, false)
        .motsu_unwrap();
    w.verifier.assert_emitted(&AuditorSet {
        auditor: w.auditor,
        allowed: false,
    });
    assert!(!w.verifier.sender(w.admin).is_auditor(w.auditor));
    assert!(w.verifier.sender(w.admin).is_auditor(expert));
    let err = audit_refused(&w, w.auditor, task, 0, 1);
    let e = variant!(err, Error::NotAuditor);
    assert_eq!(e.caller, w.auditor);
    assert_eq!(w.verifier.sender(w.admin).get_item(task, 0).0, 3);
    w.verifier.sender(expert).audit(task, 0, 1).motsu_unwrap();
    assert_eq!(w.verifier.sender(w.admin).get_item(task, 0).0, 4);
    w.assert_solvent();
}

#[motsu::test]
fn a_two_step_ownership_transfer_moves_the_owner() {
    let w = World::default();
    let (successor, stranger) = (Address::random(), Address::random());
    assert_two_step_handover!(w.verifier, Error, w.admin, stranger, successor);
    let expert = Address::random();
    let err = w
        .verifier
        .sender(w.admin)
        .set_auditor(expert, true)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::OwnableUnauthorizedAccount(_)),
        "{err:?}"
    );
    w.verifier
        .sender(successor)
        .set_auditor(expert, true)
        .motsu_unwrap();
    assert!(w.verifier.sender(successor).is_auditor(expert));
}
