//! The replay against a reference digest chain: every event sequence the verifier could
//! emit replays to its items' states; any single change to a final event is refused.

use proptest::prelude::*;

use super::*;

/// How an item ends in a generated history.
#[derive(Clone, Copy, Debug)]
enum Fate {
    Open,
    Pending(u8),
    Escalated,
    /// Accepted: label, tier, whether it was escalated (or pending) and audited first.
    Accepted(u8, Quality, bool),
    Void(VoidReason),
}

fn fate() -> impl Strategy<Value = Fate> {
    let tier = prop::sample::select(Quality::ALL.to_vec());
    let reason = prop::sample::select(VoidReason::ALL.to_vec());
    prop_oneof![
        1 => Just(Fate::Open),
        1 => any::<u8>().prop_map(Fate::Pending),
        1 => Just(Fate::Escalated),
        5 => (any::<u8>(), tier, any::<bool>()).prop_map(|(l, t, a)| Fate::Accepted(l, t, a)),
        2 => reason.prop_map(Fate::Void),
    ]
}

/// Items' fates in the order they are finalized (item ids shuffled), the verifier's
/// events for them, and the chain's final count and digest.
fn history() -> impl Strategy<Value = (Vec<Fate>, Vec<ItemEvent>, OnChain)> {
    prop::collection::vec(fate(), 1..16)
        .prop_flat_map(|fates| {
            let n = fates.len() as u32;
            (
                Just(fates),
                Just((0..n).collect::<Vec<u32>>()).prop_shuffle(),
            )
        })
        .prop_map(|(fates, order)| {
            let (events, on_chain) = events_for(&fates, &order);
            (fates, events, on_chain)
        })
}

fn event(block: u64, item: u32, kind: EventKind) -> ItemEvent {
    ItemEvent {
        block,
        tx: B256::repeat_byte(block as u8),
        log_index: 0,
        item,
        kind,
    }
}

/// Appends an event in a block of its own.
fn push(out: &mut Vec<ItemEvent>, item: u32, kind: EventKind) {
    let block = out.len() as u64 + 1;
    out.push(event(block, item, kind));
}

/// The reference: what the verifier emits for `fates[i]` of item `i`, items taken in
/// `order`, one block per event.
fn events_for(fates: &[Fate], order: &[u32]) -> (Vec<ItemEvent>, OnChain) {
    let (mut out, mut seq, mut digest) = (Vec::new(), 0u32, B256::ZERO);
    let auditor = Address::repeat_byte(0xa1);
    let escalated = EventKind::Escalated { deadline: 9 };
    for &item in order {
        match fates[item as usize] {
            Fate::Open => {}
            Fate::Pending(label) => push(
                &mut out,
                item,
                EventKind::PendingAudit { label, deadline: 9 },
            ),
            Fate::Escalated => push(&mut out, item, escalated.clone()),
            Fate::Void(reason) => {
                if reason == VoidReason::Unresolved {
                    push(&mut out, item, escalated.clone());
                }
                push(&mut out, item, EventKind::Voided { reason });
            }
            Fate::Accepted(label, tier, audited) => {
                if audited {
                    push(&mut out, item, escalated.clone());
                }
                seq += 1;
                digest = next_digest(digest, item, label, tier);
                let kind = EventKind::Finalized {
                    label,
                    tier,
                    votes: 2,
                    commits: 3,
                    seq,
                    digest,
                };
                push(&mut out, item, kind);
                if audited {
                    let kind = EventKind::Audited {
                        auditor,
                        label,
                        confirmed: false,
                    };
                    push(&mut out, item, kind);
                }
            }
        }
    }
    let on_chain = OnChain {
        block: out.len() as u64 + 1,
        item_count: fates.len() as u32,
        final_items: seq,
        digest,
    };
    (out, on_chain)
}

/// One change to one `ItemFinalized` event (or to the order of two).
#[derive(Clone, Copy, Debug)]
enum Mutation {
    Label,
    Tier,
    Item,
    Drop,
    SwapWithNextFinal,
    Digest,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop::sample::select(vec![
        Mutation::Label,
        Mutation::Tier,
        Mutation::Item,
        Mutation::Drop,
        Mutation::SwapWithNextFinal,
        Mutation::Digest,
    ])
}

fn mutate(events: &mut Vec<ItemEvent>, at: usize, m: Mutation) {
    let finals: Vec<usize> = (0..events.len())
        .filter(|&i| matches!(events[i].kind, EventKind::Finalized { .. }))
        .collect();
    let i = finals[at % finals.len()];
    let e = &mut events[i];
    let EventKind::Finalized {
        label,
        tier,
        digest,
        ..
    } = &mut e.kind
    else {
        unreachable!("chosen among final events");
    };
    match m {
        Mutation::Label => *label = label.wrapping_add(1),
        Mutation::Tier => {
            *tier = match tier {
                Quality::Standard => Quality::Strong,
                Quality::Strong => Quality::Audited,
                Quality::Audited => Quality::Standard,
            }
        }
        Mutation::Item => e.item += 1,
        Mutation::Digest => digest.0[31] ^= 1,
        Mutation::Drop => {
            events.remove(i);
        }
        Mutation::SwapWithNextFinal => {
            let j = finals[(at + 1) % finals.len()];
            events.swap(i, j);
        }
    }
}

proptest! {
    #[test]
    fn a_history_the_verifier_could_emit_replays_to_its_items(
        (fates, events, on_chain) in history()
    ) {
        let h = History::replay(7, &events, on_chain).expect("the reference replays");
        prop_assert_eq!(h.items.len(), fates.len());
        prop_assert_eq!((h.final_seq, h.digest), (on_chain.final_items, on_chain.digest));
        for (s, f) in h.items.iter().zip(&fates) {
            match *f {
                Fate::Open => prop_assert_eq!(s.status, Status::Open),
                Fate::Pending(label) => {
                    prop_assert_eq!(s.status, Status::PendingAudit { label, deadline: 9 })
                }
                Fate::Escalated => prop_assert_eq!(s.status, Status::Escalated { deadline: 9 }),
                Fate::Void(reason) => prop_assert_eq!(s.status, Status::Void { reason }),
                Fate::Accepted(label, tier, audited) => {
                    prop_assert_eq!(s.status, Status::Accepted);
                    prop_assert_eq!((s.label, s.tier), (Some(label), Some(tier)));
                    prop_assert_eq!(s.audited_by.is_some(), audited);
                }
            }
        }
        let accepted = fates.iter().filter(|f| matches!(f, Fate::Accepted(..))).count();
        prop_assert_eq!(h.counts.accepted as usize, accepted);
    }

    #[test]
    fn any_single_change_to_a_final_event_is_refused(
        (_, mut events, on_chain) in history(),
        at in any::<usize>(),
        m in mutation(),
    ) {
        let finals = events.iter().filter(|e| matches!(e.kind, EventKind::Finalized { .. })).count();
        prop_assume!(finals >= 2);
        mutate(&mut events, at, m);
        prop_assert!(History::replay(7, &events, on_chain).is_err(), "{:?} accepted", m);
    }
}

#[test]
fn a_missing_last_event_names_the_chains_digest_and_the_replays() {
    let fates = [
        Fate::Accepted(1, Quality::Strong, false),
        Fate::Accepted(2, Quality::Standard, false),
    ];
    let (mut events, on_chain) = events_for(&fates, &[0, 1]);
    events.pop();
    let e = History::replay(7, &events, on_chain).unwrap_err();
    assert!(
        matches!(
            e,
            ReplayError::ChainMismatch {
                chain_items: 2,
                replay_items: 1,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains(&format!(
        "at block {} is {}",
        on_chain.block, on_chain.digest
    )));
}

#[test]
fn an_item_finalized_twice_is_refused() {
    let fates = [Fate::Accepted(1, Quality::Strong, false)];
    let (mut events, _) = events_for(&fates, &[0]);
    let digest = next_digest(
        next_digest(B256::ZERO, 0, 1, Quality::Strong),
        0,
        1,
        Quality::Strong,
    );
    events.push(event(
        5,
        0,
        EventKind::Finalized {
            label: 1,
            tier: Quality::Strong,
            votes: 3,
            commits: 3,
            seq: 2,
            digest,
        },
    ));
    let on_chain = OnChain {
        block: 6,
        item_count: 1,
        final_items: 2,
        digest,
    };
    let e = History::replay(7, &events, on_chain).unwrap_err();
    assert!(
        matches!(
            e,
            ReplayError::AlreadyFinal {
                item: 0,
                block: 5,
                ..
            }
        ),
        "{e}"
    );
}

/// Pinned against the verifier's `keccak_words(prev, word(item), word(label), word(tier))`:
/// one digest step computed by hand from the ABI words.
#[test]
fn the_digest_step_is_the_abi_encoding_of_prev_item_label_tier() {
    let mut words = [0u8; 128];
    words[63] = 5; // item
    words[95] = 2; // label
    words[127] = 3; // tier (Audited)
    assert_eq!(
        next_digest(B256::ZERO, 5, 2, Quality::Audited),
        keccak256(words)
    );
}
