//! Storage of the verifier: per task, per item, per ballot; and labellers' reputation.
//!
//! Every record is one hand-packed word ([`labelchain_protocol::packing`]): an item's
//! header, a ballot, a task's counters, a labeller's reputation. A commit therefore writes
//! two new slots (ballot and commitment) and a reveal rewrites two it already touched.

use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, U256};
use labelchain_protocol::packing::{Put, Take};
use stylus_sdk::{
    prelude::*,
    storage::{StorageB256, StorageMap, StorageU256},
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

/// An item's state apart from its ballots.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Header {
    pub status: u8,
    pub commits: u8,
    pub reveals: u8,
    /// Consensus label while pending audit; final label once final.
    pub label: u8,
    pub quality: u8,
    /// Votes for `label`.
    pub votes: u8,
    /// End of the audit window while pending audit or escalated.
    pub deadline: u64,
    /// XOR of the first 16 bytes of every revealed salt.
    pub seed: u128,
}

impl Header {
    pub fn unpack(w: U256) -> Self {
        let mut t = Take::new(w);
        Header {
            status: t.u8(),
            commits: t.u8(),
            reveals: t.u8(),
            label: t.u8(),
            quality: t.u8(),
            votes: t.u8(),
            deadline: t.u64(),
            seed: t.u128(),
        }
    }

    pub fn pack(&self) -> U256 {
        Put::new()
            .bytes(&[
                self.status,
                self.commits,
                self.reveals,
                self.label,
                self.quality,
                self.votes,
            ])
            .u64(self.deadline)
            .u128(self.seed)
            .word()
    }
}

/// One commit: who, and once revealed, what.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Ballot {
    pub labeller: Address,
    pub revealed: bool,
    pub label: u8,
}

impl Ballot {
    pub fn unpack(w: U256) -> Self {
        let mut t = Take::new(w);
        Ballot {
            labeller: t.address(),
            revealed: t.u8() != 0,
            label: t.u8(),
        }
    }

    pub fn pack(&self) -> U256 {
        Put::new()
            .address(self.labeller)
            .u8(self.revealed as u8)
            .u8(self.label)
            .word()
    }
}

/// A task's counters.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Counts {
    pub commits: u32,
    /// Items with commits that are not yet final or void; their bounty is reserved.
    pub open_items: u32,
    pub final_items: u32,
}

impl Counts {
    pub fn unpack(w: U256) -> Self {
        let mut t = Take::new(w);
        Counts {
            commits: t.u32(),
            open_items: t.u32(),
            final_items: t.u32(),
        }
    }

    pub fn pack(&self) -> U256 {
        Put::new()
            .u32(self.commits)
            .u32(self.open_items)
            .u32(self.final_items)
            .word()
    }
}

/// A labeller's record: `(agreed, total)` labels at finality.
pub fn unpack_reputation(w: U256) -> (u64, u64) {
    let mut t = Take::new(w);
    (t.u64(), t.u64())
}

pub fn pack_reputation(agreed: u64, total: u64) -> U256 {
    Put::new().u64(agreed).u64(total).word()
}

/// The record after one more final label. One increment per finalized commit: 2^64 of
/// them is beyond any chain's gas, but the counters saturate anyway, so a record never
/// wraps to zero (which would reset a Gold labeller's history) and `agreed <= total` holds.
pub fn record_label(record: U256, agreed: bool) -> U256 {
    let (a, total) = unpack_reputation(record);
    pack_reputation(a.saturating_add(agreed as u64), total.saturating_add(1))
}

#[storage]
pub struct Item {
    pub header: StorageU256,
    pub ballots: StorageMap<u8, StorageU256>,
    pub commitments: StorageMap<u8, StorageB256>,
}

#[storage]
pub struct TaskState {
    pub counts: StorageU256,
    pub digest: StorageB256,
    pub items: StorageMap<u32, Item>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    #[test]
    fn records_round_trip_through_their_words() {
        let h = Header {
            status: 2,
            commits: 32,
            reveals: 31,
            label: 255,
            quality: 3,
            votes: 30,
            deadline: u64::MAX - 1,
            seed: u128::MAX - 7,
        };
        assert_eq!(Header::unpack(h.pack()), h);
        let b = Ballot {
            labeller: address!("ff000000000000000000000000000000000000ee"),
            revealed: true,
            label: 200,
        };
        assert_eq!(Ballot::unpack(b.pack()), b);
        let c = Counts {
            commits: u32::MAX,
            open_items: 1,
            final_items: 2,
        };
        assert_eq!(Counts::unpack(c.pack()), c);
        assert_eq!(
            unpack_reputation(pack_reputation(3, u64::MAX)),
            (3, u64::MAX)
        );
    }

    #[test]
    fn reputation_counters_saturate_at_their_width_instead_of_wrapping() {
        let r = |a, t| pack_reputation(a, t);
        assert_eq!(unpack_reputation(record_label(r(5, 9), true)), (6, 10));
        assert_eq!(unpack_reputation(record_label(r(5, 9), false)), (5, 10));
        let max = u64::MAX;
        assert_eq!(
            unpack_reputation(record_label(r(max - 1, max - 1), true)),
            (max, max)
        );
        assert_eq!(
            unpack_reputation(record_label(r(max, max), true)),
            (max, max)
        );
        assert_eq!(unpack_reputation(record_label(r(7, max), false)), (7, max));
    }
}
