//! The per-call storage cache (nitro `arbutil/src/evm/req.rs`, `storage.rs`): loads are
//! served from it after the first miss, writes stay in it until the program flushes, and
//! its bookkeeping gas grows with the number of reads and writes so a program cannot use it
//! as free scratch memory.

use std::collections::BTreeMap;

use revm::primitives::B256;

/// Every access must leave this much gas (`StorageCache::REQUIRED_ACCESS_GAS`).
pub const REQUIRED_ACCESS_GAS: u64 = 10;

#[derive(Clone, Copy, Debug)]
struct Slot {
    value: B256,
    dirty: bool,
}

#[derive(Debug, Default)]
pub struct StorageCache {
    slots: BTreeMap<B256, Slot>,
    reads: u32,
    writes: u32,
}

impl StorageCache {
    /// Bookkeeping gas of one more read: free for the first 32, then 2, then 10.
    pub fn read_gas(&mut self) -> u64 {
        self.reads = self.reads.saturating_add(1);
        match self.reads {
            0..=32 => 0,
            33..=128 => 2,
            _ => 10,
        }
    }

    /// Bookkeeping gas of one more write: free for the first 8, then 7, then 10.
    pub fn write_gas(&mut self) -> u64 {
        self.writes = self.writes.saturating_add(1);
        match self.writes {
            0..=8 => 0,
            9..=64 => 7,
            _ => 10,
        }
    }

    pub fn get(&self, key: &B256) -> Option<B256> {
        self.slots.get(key).map(|s| s.value)
    }

    /// Remembers a value read from state (clean).
    pub fn insert_clean(&mut self, key: B256, value: B256) {
        self.slots.insert(
            key,
            Slot {
                value,
                dirty: false,
            },
        );
    }

    pub fn write(&mut self, key: B256, value: B256) {
        self.slots.insert(key, Slot { value, dirty: true });
    }

    /// The dirty slots, in key order, marking them clean.
    pub fn take_dirty(&mut self) -> Vec<(B256, B256)> {
        let mut out = Vec::new();
        for (k, s) in self.slots.iter_mut() {
            if s.dirty {
                s.dirty = false;
                out.push((*k, s.value));
            }
        }
        out
    }

    pub fn clear(&mut self) {
        self.slots.clear();
    }
}
