//! Sets of addresses in ArbOS storage: the chain owners and the wasm cache managers
//! (nitro `arbos/addressSet/addressSet.go`). Each set lives in the storage of one
//! precompile account, so it is journaled like any state: a call that reverts leaves it
//! as it was, and `evm_snapshot`/`evm_revert` take it along.
//!
//! The layout follows nitro's: a size word, the members at positions 1..=size, and a map
//! from member to position; removing a member moves the last one into its place, so
//! `members` keeps nitro's order. Every word read or written is charged to the caller's
//! [`Burner`] as nitro's `arbos/storage/storage.go` charges it.

use revm::primitives::{Address, U256};

use super::precompiles::meter::{Burner, OutOfGas};
use super::precompiles::{ARB_OWNER, ARB_WASM_CACHE};
use super::words;
use crate::evm::DevContext;

/// A set operation's result, or the gas ran out part way (nitro's storage burns as it goes).
pub type Charged<T> = Result<T, OutOfGas>;

/// One set: the account whose storage holds it and the tag its slots are derived from.
#[derive(Clone, Copy, Debug)]
pub struct AddressSet {
    account: Address,
    tag: &'static [u8],
}

/// Who may call ArbOwner and write ArbWasmCache (nitro's `ChainOwners`).
pub const CHAIN_OWNERS: AddressSet = AddressSet {
    account: ARB_OWNER,
    tag: b"devnode.chain_owners",
};

/// Who may write ArbWasmCache besides the owners (nitro's `programs.CacheManagers`).
pub const CACHE_MANAGERS: AddressSet = AddressSet {
    account: ARB_WASM_CACHE,
    tag: b"devnode.cache_managers",
};

impl AddressSet {
    pub fn account(&self) -> Address {
        self.account
    }

    fn slot(&self, kind: u8, key: &[u8]) -> U256 {
        words::tagged_slot(self.tag, &[&[kind], key])
    }

    fn size_slot(&self) -> U256 {
        self.slot(0, &[])
    }

    fn position_slot(&self, position: u64) -> U256 {
        self.slot(1, &position.to_be_bytes())
    }

    fn index_slot(&self, member: Address) -> U256 {
        self.slot(2, member.as_slice())
    }

    /// The storage words of a set holding `members`, for the genesis state.
    pub fn genesis_words(&self, members: &[Address]) -> Vec<(U256, U256)> {
        let mut words = vec![(self.size_slot(), U256::from(members.len()))];
        for (i, m) in members.iter().enumerate() {
            let position = i as u64 + 1;
            words.push((self.position_slot(position), address_word(*m)));
            words.push((self.index_slot(*m), U256::from(position)));
        }
        words
    }

    /// One word read, charged as nitro's `Storage.Get` (`StorageReadCost`).
    fn read(&self, ctx: &mut DevContext, meter: &mut Burner, slot: U256) -> Charged<U256> {
        meter.read()?;
        Ok(words::read(ctx, self.account, slot))
    }

    /// One word written, charged as nitro's `Storage.Set` (by the value written).
    fn write(
        &self,
        ctx: &mut DevContext,
        meter: &mut Burner,
        slot: U256,
        value: U256,
    ) -> Charged<()> {
        meter.write(value)?;
        words::write(ctx, self.account, slot, value);
        Ok(())
    }

    fn size(&self, ctx: &mut DevContext, meter: &mut Burner) -> Charged<u64> {
        Ok(self.read(ctx, meter, self.size_slot())?.saturating_to())
    }

    /// nitro's `IsMember`: the member's index word.
    pub fn is_member(
        &self,
        ctx: &mut DevContext,
        meter: &mut Burner,
        addr: Address,
    ) -> Charged<bool> {
        Ok(!self.read(ctx, meter, self.index_slot(addr))?.is_zero())
    }

    /// The members in nitro's order (insertion order, with removals filled from the end):
    /// nitro's `AllMembers`, the size then each member.
    pub fn members(&self, ctx: &mut DevContext, meter: &mut Burner) -> Charged<Vec<Address>> {
        (1..=self.size(ctx, meter)?)
            .map(|i| {
                Ok(word_address(self.read(
                    ctx,
                    meter,
                    self.position_slot(i),
                )?))
            })
            .collect()
    }

    /// Adds `addr`; false (and nothing written) when it is already a member. nitro's
    /// `Add`: the membership read, the size read, the index and member written, then
    /// `Increment` reads the size again and writes it.
    pub fn add(&self, ctx: &mut DevContext, meter: &mut Burner, addr: Address) -> Charged<bool> {
        if self.is_member(ctx, meter, addr)? {
            return Ok(false);
        }
        let position = self.size(ctx, meter)?.saturating_add(1);
        self.write(ctx, meter, self.index_slot(addr), U256::from(position))?;
        self.write(ctx, meter, self.position_slot(position), address_word(addr))?;
        self.size(ctx, meter)?;
        self.write(ctx, meter, self.size_slot(), U256::from(position))?;
        Ok(true)
    }

    /// Removes `addr`; false when it was not a member. nitro's `Remove` (ArbOS ≥ 11): the
    /// index read and cleared, the size read, the last member moved into the gap (read,
    /// written, its index written), the last position cleared, then `Decrement` reads the
    /// size again and writes it.
    pub fn remove(&self, ctx: &mut DevContext, meter: &mut Burner, addr: Address) -> Charged<bool> {
        let position: u64 = self
            .read(ctx, meter, self.index_slot(addr))?
            .saturating_to();
        if position == 0 {
            return Ok(false);
        }
        self.write(ctx, meter, self.index_slot(addr), U256::ZERO)?;
        let size = self.size(ctx, meter)?;
        if position < size {
            let last = self.read(ctx, meter, self.position_slot(size))?;
            self.write(ctx, meter, self.position_slot(position), last)?;
            let index = self.index_slot(word_address(last));
            self.write(ctx, meter, index, U256::from(position))?;
        }
        self.write(ctx, meter, self.position_slot(size), U256::ZERO)?;
        self.size(ctx, meter)?;
        let smaller = U256::from(size.saturating_sub(1));
        self.write(ctx, meter, self.size_slot(), smaller)?;
        Ok(true)
    }
}

fn address_word(a: Address) -> U256 {
    U256::from_be_slice(a.as_slice())
}

fn word_address(w: U256) -> Address {
    Address::from_word(w.into())
}
