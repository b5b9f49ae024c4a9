//! Storage of the verifier: per task, per item, per ballot; and labellers' reputation.
//!
//! An item's header (status, counts, outcome, deadline, salt seed) packs into one slot,
//! and each ballot (labeller, revealed, label) into another, so a commit writes two new
//! slots (ballot and commitment) and a reveal rewrites two it already touched.

use alloc::{vec, vec::Vec};
use stylus_sdk::{
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageBool, StorageMap, StorageU128, StorageU32, StorageU64,
        StorageU8,
    },
};

/// Item lifecycle.
pub mod item_status {
    pub const NONE: u8 = 0;
    /// Has commits; reveals may be under way.
    pub const OPEN: u8 = 1;
    pub const PENDING_AUDIT: u8 = 2;
    pub const ESCALATED: u8 = 3;
    pub const FINAL: u8 = 4;
    pub const VOID: u8 = 5;
}

/// Why an item became void.
pub mod void_reason {
    pub const TOO_FEW_COMMITS: u8 = 1;
    pub const UNRESOLVED: u8 = 2;
}

#[storage]
pub struct Ballot {
    pub labeller: StorageAddress,
    pub revealed: StorageBool,
    pub label: StorageU8,
}

#[storage]
pub struct Item {
    pub status: StorageU8,
    pub commits: StorageU8,
    pub reveals: StorageU8,
    /// Consensus label while pending audit; final label once final.
    pub label: StorageU8,
    pub quality: StorageU8,
    /// Votes for `label`.
    pub votes: StorageU8,
    /// End of the audit window while pending audit or escalated.
    pub deadline: StorageU64,
    /// XOR of the first 16 bytes of every revealed salt.
    pub seed: StorageU128,
    pub ballots: StorageMap<u8, Ballot>,
    pub commitments: StorageMap<u8, StorageB256>,
}

#[storage]
pub struct TaskState {
    pub commits: StorageU32,
    /// Items with commits that are not yet final or void; their bounty is reserved.
    pub open_items: StorageU32,
    pub final_items: StorageU32,
    pub digest: StorageB256,
    pub items: StorageMap<u32, Item>,
}

#[storage]
pub struct Reputation {
    pub agreed: StorageU64,
    pub total: StorageU64,
}
