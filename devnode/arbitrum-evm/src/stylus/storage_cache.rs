//! The per-call storage cache (nitro `arbutil/src/evm/req.rs`, `storage.rs`): loads are
//! served from it after the first miss, writes stay in it until the program flushes, and
//! its bookkeeping gas grows with the number of reads and writes so a program cannot use it
//! as free scratch memory.

use std::collections::BTreeMap;

use revm::primitives::B256;

/// Every access must leave this much gas (`StorageCache::REQUIRED_ACCESS_GAS`).
pub const REQUIRED_ACCESS_GAS: u64 = 10;

/// A cached word and what the state is known to hold there (nitro's `StorageWord`): a
/// slot is dirty only while its value differs from the known one, so writing back the
/// value that was loaded flushes nothing.
#[derive(Clone, Copy, Debug)]
struct Slot {
    value: B256,
    known: Option<B256>,
}

impl Slot {
    fn dirty(&self) -> bool {
        self.known != Some(self.value)
    }
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
                known: Some(value),
            },
        );
    }

    pub fn write(&mut self, key: B256, value: B256) {
        let known = self.slots.get(&key).and_then(|s| s.known);
        self.slots.insert(key, Slot { value, known });
    }

    /// The dirty slots, in key order, marking them clean (the state now holds them).
    pub fn take_dirty(&mut self) -> Vec<(B256, B256)> {
        let mut out = Vec::new();
        for (k, s) in self.slots.iter_mut() {
            if s.dirty() {
                s.known = Some(s.value);
                out.push((*k, s.value));
            }
        }
        out
    }

    pub fn clear(&mut self) {
        self.slots.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(n: u8) -> B256 {
        B256::repeat_byte(n)
    }

    #[test]
    fn a_slot_written_back_to_its_loaded_value_is_not_flushed_as_in_nitros_storage_word() {
        let mut cache = StorageCache::default();
        cache.insert_clean(word(1), word(7));
        cache.write(word(1), word(8));
        cache.write(word(1), word(7));
        assert_eq!(cache.take_dirty(), vec![]);
    }

    #[test]
    fn a_changed_or_never_loaded_slot_is_flushed_once() {
        let mut cache = StorageCache::default();
        cache.insert_clean(word(1), word(7));
        cache.write(word(1), word(8));
        // Never loaded: the state's value is unknown, so even an equal write is flushed.
        cache.write(word(2), word(0));
        assert_eq!(
            cache.take_dirty(),
            vec![(word(1), word(8)), (word(2), word(0))]
        );
        assert_eq!(cache.take_dirty(), vec![], "flushed slots are clean");
        cache.write(word(1), word(7));
        assert_eq!(cache.take_dirty(), vec![(word(1), word(7))]);
    }
}
