//! The DatasetRegistry: dataset versions published from a task, each naming a labels
//! digest the chain actually reached, and per-pipeline wrapped data keys.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolValue;
use dataset_registry::{AccessGranted, DatasetPublished, DatasetRegistry, Error};
use labelchain_scenarios::*;
use motsu::prelude::*;
use stylus_sdk::abi::Bytes;

/// One item of `task` labelled 1 by three agreeing labellers and final.
fn finalize_one(w: &World, task: u64, item: u32) {
    let votes: Vec<(Address, u8)> = (0..3).map(|_| (w.labeller(lbl(100)), 1u8)).collect();
    w.commit_all(task, item, &votes);
    w.end_commit(task);
    w.reveal_all(task, item, &votes);
    w.finalize(task, item);
}

#[motsu::test]
fn the_constructor_refuses_zero_addresses() {
    let d = Contract::<DatasetRegistry>::new();
    let a = Address::random();
    let err = d.sender(a).constructor(Address::ZERO, a).motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAddress(_)), "{err:?}");
    let err = d.sender(a).constructor(a, Address::ZERO).motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAddress(_)), "{err:?}");
}

#[motsu::test]
fn nothing_is_published_for_an_unknown_or_cancelled_task() {
    let w = World::default();
    let requester = Address::random();
    let err = w
        .datasets
        .sender(requester)
        .publish_dataset(9, B256::repeat_byte(1), B256::ZERO, "x".into())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::TaskNotOpen(_)), "{err:?}");
    let task = w.create_task(requester, TaskSpec::default());
    w.registry
        .sender(requester)
        .cancel_task(task)
        .motsu_unwrap();
    let err = w
        .datasets
        .sender(requester)
        .grant_access(task, requester, Bytes::from(vec![1]))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::TaskNotOpen(_)), "{err:?}");
}

// ---- datasets ----

#[motsu::test]
fn publish_dataset_needs_the_requester_and_the_current_digest() {
    let (w, requester, task) = World::with_default_task();
    let file = B256::repeat_byte(0xf1);
    // No final item yet: the on-chain digest is zero, and zero is not a digest.
    let err = w
        .datasets
        .sender(requester)
        .publish_dataset(task, B256::ZERO, file, "s3://d".into())
        .motsu_unwrap_err();
    let e = variant!(err, Error::DigestMismatch);
    assert_eq!((e.onchain, e.given), (B256::ZERO, B256::ZERO));

    finalize_one(&w, task, 0);
    let digest = w.verifier.sender(requester).task_progress(task).3;
    assert_ne!(digest, B256::ZERO);

    let stranger = Address::random();
    let err = w
        .datasets
        .sender(stranger)
        .publish_dataset(task, digest, file, "s3://d".into())
        .motsu_unwrap_err();
    let e = variant!(err, Error::NotRequester);
    assert_eq!((e.task, e.requester), (task, requester));
    for wrong in [B256::ZERO, B256::repeat_byte(7)] {
        let err = w
            .datasets
            .sender(requester)
            .publish_dataset(task, wrong, file, "s3://d".into())
            .motsu_unwrap_err();
        let e = variant!(err, Error::DigestMismatch);
        assert_eq!((e.onchain, e.given), (digest, wrong));
    }
    assert_eq!(w.datasets.sender(requester).dataset_count(task), 0);
    w.assert_solvent();
}

#[motsu::test]
fn published_datasets_are_numbered_from_zero_and_readable() {
    let (w, requester, task) = World::with_default_task();
    let votes: Vec<(Address, u8)> = (0..3).map(|_| (w.labeller(lbl(100)), 1u8)).collect();
    w.commit_all(task, 0, &votes);
    w.commit_all(task, 1, &votes);
    w.end_commit(task);
    w.reveal_all(task, 0, &votes);
    w.reveal_all(task, 1, &votes);
    w.finalize(task, 0);
    let first = w.verifier.sender(requester).task_progress(task).3;
    let t0 = w.now();
    let v0 = w
        .datasets
        .sender(requester)
        .publish_dataset(task, first, B256::repeat_byte(1), "s3://v0".into())
        .motsu_unwrap();
    assert_eq!(v0, 0);
    w.datasets.assert_emitted(&DatasetPublished {
        task,
        version: 0,
        labelsDigest: first,
        fileHash: B256::repeat_byte(1),
        uri: "s3://v0".into(),
    });

    // A second final item moves the digest; the old one is no longer publishable.
    advance(60);
    w.finalize(task, 1);
    let second = w.verifier.sender(requester).task_progress(task).3;
    assert_ne!(second, first);
    let err = w
        .datasets
        .sender(requester)
        .publish_dataset(task, first, B256::repeat_byte(2), "s3://v1".into())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::DigestMismatch(_)), "{err:?}");
    let t1 = w.now();
    let v1 = w
        .datasets
        .sender(requester)
        .publish_dataset(task, second, B256::repeat_byte(2), "s3://v1".into())
        .motsu_unwrap();
    assert_eq!(v1, 1);

    let r = w.datasets.sender(requester);
    assert_eq!(r.dataset_count(task), 2);
    assert_eq!(
        r.get_dataset(task, 0).motsu_unwrap(),
        (first, B256::repeat_byte(1), t0)
    );
    let uri = |v| w.datasets.sender(requester).dataset_uri(task, v);
    assert_eq!(uri(0).motsu_unwrap(), "s3://v0");
    assert_eq!(uri(1).motsu_unwrap(), "s3://v1");
    assert!(matches!(
        uri(2).motsu_unwrap_err(),
        Error::UnknownDataset(_)
    ));
    assert_eq!(
        w.datasets
            .sender(requester)
            .get_dataset(task, 1)
            .motsu_unwrap(),
        (second, B256::repeat_byte(2), t1)
    );
    let err = w
        .datasets
        .sender(requester)
        .get_dataset(task, 2)
        .motsu_unwrap_err();
    let e = variant!(err, Error::UnknownDataset);
    assert_eq!((e.task, e.version), (task, 2));
    w.assert_solvent();
}

// ---- pipeline access ----

#[motsu::test]
fn access_keys_round_trip_per_pipeline() {
    let (w, requester, task) = World::with_default_task();
    let (p1, p2) = (Address::random(), Address::random());
    let k1: Vec<u8> = (0u8..80).collect();
    let k2 = vec![0xab; 48];
    w.datasets
        .sender(requester)
        .grant_access(task, p1, Bytes::from(k1.clone()))
        .motsu_unwrap();
    w.datasets
        .sender(requester)
        .grant_access(task, p2, Bytes::from(k2.clone()))
        .motsu_unwrap();
    w.datasets.assert_emitted(&AccessGranted {
        task,
        pipeline: p1,
        wrappedKey: k1.clone().into(),
    });
    assert_eq!(w.datasets.sender(p1).access_key(task, p1).0, k1);
    assert_eq!(w.datasets.sender(p2).access_key(task, p2).0, k2);

    // An empty key revokes.
    w.datasets
        .sender(requester)
        .grant_access(task, p1, Bytes::from(vec![]))
        .motsu_unwrap();
    w.datasets.assert_emitted(&AccessGranted {
        task,
        pipeline: p1,
        wrappedKey: Vec::<u8>::new().into(),
    });
    assert!(w.datasets.sender(p1).access_key(task, p1).0.is_empty());
    assert_eq!(w.datasets.sender(p2).access_key(task, p2).0, k2);

    // A re-grant replaces the key.
    w.datasets
        .sender(requester)
        .grant_access(task, p2, Bytes::from(vec![1, 2, 3]))
        .motsu_unwrap();
    assert_eq!(w.datasets.sender(p2).access_key(task, p2).0, vec![1, 2, 3]);
}

#[motsu::test]
fn access_is_granted_only_by_the_requester_and_never_to_zero() {
    let (w, requester, task) = World::with_default_task();
    let err = w
        .datasets
        .sender(requester)
        .grant_access(task, Address::ZERO, Bytes::from(vec![1]))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAddress(_)), "{err:?}");
    let stranger = Address::random();
    let err = w
        .datasets
        .sender(stranger)
        .grant_access(task, stranger, Bytes::from(vec![1]))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotRequester(_)), "{err:?}");
    let err = w
        .datasets
        .sender(stranger)
        .grant_access(task, stranger, Bytes::from(vec![]))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotRequester(_)), "{err:?}");
    let err = w
        .datasets
        .sender(requester)
        .grant_access(99, stranger, Bytes::from(vec![1]))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::TaskNotOpen(_)), "{err:?}");
    assert!(w
        .datasets
        .sender(stranger)
        .access_key(task, stranger)
        .0
        .is_empty());
}

// ---- verifyItem ----

fn leaf(index: u32, content: B256) -> B256 {
    keccak256(keccak256((U256::from(index), content).abi_encode()))
}

fn hash_pair(a: B256, b: B256) -> B256 {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    keccak256([lo.as_slice(), hi.as_slice()].concat())
}

#[motsu::test]
fn verify_item_checks_an_openzeppelin_standard_merkle_proof() {
    let w = World::default();
    let requester = Address::random();
    let (h0, h1) = (keccak256("item zero"), keccak256("item one"));
    let (l0, l1) = (leaf(0, h0), leaf(1, h1));
    let root = hash_pair(l0, l1);
    let spec = TaskSpec {
        items: 2,
        ..TaskSpec::default()
    };
    let task = w.create_task_with_root(requester, root, spec);
    assert_eq!(w.get_task(task).2, root);

    let r = w.datasets.sender(requester);
    assert!(r.verify_item(task, 0, h0, vec![l1]).motsu_unwrap());
    assert!(w
        .datasets
        .sender(requester)
        .verify_item(task, 1, h1, vec![l0])
        .motsu_unwrap());
    let rejected = [
        (0, h1, vec![l0]),             // wrong index for the content
        (1, h0, vec![l1]),             // the same
        (0, keccak256("x"), vec![l1]), // wrong content
        (0, h0, vec![]),               // missing proof
        (0, h0, vec![l0]),             // proof is the leaf itself
        (0, h0, vec![l1, l1]),         // too long
    ];
    for (i, h, proof) in rejected {
        assert!(
            !w.datasets
                .sender(requester)
                .verify_item(task, i, h, proof.clone())
                .motsu_unwrap(),
            "item {i} {h} {proof:?}"
        );
    }
    // The inner hash alone (a 64-byte preimage attack on a single hash) is not a leaf.
    let inner = keccak256((U256::from(0u64), h0).abi_encode());
    assert_ne!(inner, l0);
    // A proof against another task's root fails.
    let other = w.create_task(requester, TaskSpec::default());
    assert!(!w
        .datasets
        .sender(requester)
        .verify_item(other, 0, h0, vec![l1])
        .motsu_unwrap());
    w.assert_solvent();
}
