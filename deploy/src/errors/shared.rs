//! The sentences of the errors that sit in more than one ABI (a program re-raises the
//! errors of the contracts it calls, and OpenZeppelin's ownership and pause errors are in
//! every program that uses them). Each interface's module routes its arm for such an
//! error here, so the sentence is written once whichever enum decoded it.

use alloy::primitives::Address;

pub(super) fn ownable_unauthorized_account(account: Address) -> String {
    format!("{account} is not the owner of this contract (admin only)")
}

pub(super) fn ownable_invalid_owner(owner: Address) -> String {
    format!("{owner} cannot be the owner")
}

pub(super) fn enforced_pause() -> String {
    "the protocol is paused: createTask and commit are stopped".into()
}

pub(super) fn zero_address() -> String {
    "an address argument is the zero address".into()
}

pub(super) fn length_mismatch() -> String {
    "the argument lists have different lengths".into()
}

pub(super) fn task_not_open(task: u64) -> String {
    format!("task {task} does not exist or was cancelled")
}

pub(super) fn not_requester(task: u64, requester: Address) -> String {
    format!("only task {task}'s requester {requester} may do this")
}

pub(super) fn item_out_of_range(item: u32, items: u32) -> String {
    format!("item {item} does not exist: the task has {items} items (0-based)")
}
