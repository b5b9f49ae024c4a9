use alloy_primitives::Address;
use labelchain_scenarios::*;
use motsu::prelude::*;

#[motsu::test]
fn three_labellers_agree_and_everyone_is_paid() {
    let w = World::default();
    let requester = Address::random();
    let spec = TaskSpec {
        items: 1,
        ..TaskSpec::default()
    };
    let task = w.create_task(requester, spec);
    let ls: Vec<Address> = (0..3).map(|_| w.labeller(lbl(100))).collect();
    let votes: Vec<(Address, u8)> = ls.iter().map(|l| (*l, 1u8)).collect();
    w.commit_all(task, 0, &votes);
    w.end_commit(task);
    w.reveal_all(task, 0, &votes);
    w.finalize(task, 0);
    w.assert_solvent();
    let (status, ..) = w.verifier.sender(requester).get_item(task, 0);
    assert_eq!(status, 4);
    for l in &ls {
        assert!(w.claim(w.lbl(), *l) > lbl(2));
    }
    w.assert_solvent();
}
