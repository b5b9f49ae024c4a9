//! Several small fields in one storage word.
//!
//! Packing by hand instead of with the SDK's packed storage fields keeps each record one
//! SLOAD/SSTORE and — the reason it exists — keeps the WASM small: the SDK's per-field
//! offset bookkeeping costs more code than these few byte copies. Layouts are big-endian,
//! fields in order from byte 0, unused bytes at the end.

use stylus_sdk::alloy_primitives::{Address, U256};

/// Sequential writer over one 32-byte word.
pub struct Put(pub [u8; 32], pub usize);

impl Default for Put {
    fn default() -> Self {
        Self::new()
    }
}

impl Put {
    pub fn new() -> Self {
        Put([0; 32], 0)
    }
    pub fn bytes(mut self, b: &[u8]) -> Self {
        self.0[self.1..self.1 + b.len()].copy_from_slice(b);
        self.1 += b.len();
        self
    }
    pub fn u8(self, v: u8) -> Self {
        self.bytes(&[v])
    }
    pub fn u16(self, v: u16) -> Self {
        self.bytes(&v.to_be_bytes())
    }
    pub fn u32(self, v: u32) -> Self {
        self.bytes(&v.to_be_bytes())
    }
    pub fn u64(self, v: u64) -> Self {
        self.bytes(&v.to_be_bytes())
    }
    pub fn u128(self, v: u128) -> Self {
        self.bytes(&v.to_be_bytes())
    }
    pub fn address(self, a: Address) -> Self {
        self.bytes(a.as_slice())
    }
    pub fn word(self) -> U256 {
        U256::from_be_bytes(self.0)
    }
}

/// Sequential reader over one 32-byte word.
pub struct Take(pub [u8; 32], pub usize);

impl Take {
    pub fn new(w: U256) -> Self {
        Take(w.to_be_bytes(), 0)
    }
    pub fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        out.copy_from_slice(&self.0[self.1..self.1 + N]);
        self.1 += N;
        out
    }
    pub fn address(&mut self) -> Address {
        Address::new(self.array())
    }
    pub fn u8(&mut self) -> u8 {
        self.array::<1>()[0]
    }
    pub fn u16(&mut self) -> u16 {
        u16::from_be_bytes(self.array())
    }
    pub fn u32(&mut self) -> u32 {
        u32::from_be_bytes(self.array())
    }
    pub fn u64(&mut self) -> u64 {
        u64::from_be_bytes(self.array())
    }
    pub fn u128(&mut self) -> u128 {
        u128::from_be_bytes(self.array())
    }
}
