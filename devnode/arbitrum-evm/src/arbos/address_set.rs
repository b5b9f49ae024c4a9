//! Sets of addresses in ArbOS storage: the chain owners and the wasm cache managers
//! (nitro `arbos/addressSet/addressSet.go`). Each set lives in the storage of one
//! precompile account, so it is journaled like any state: a call that reverts leaves it
//! as it was, and `evm_snapshot`/`evm_revert` take it along.
//!
//! The layout follows nitro's: a size word, the members at positions 1..=size, and a map
//! from member to position; removing a member moves the last one into its place, so
//! `members` keeps nitro's order.

use revm::context::{ContextTr, JournalTr};
use revm::primitives::{keccak256, Address, U256};

use super::precompiles::{ARB_OWNER, ARB_WASM_CACHE};
use crate::evm::DevContext;

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
        let mut buf = Vec::with_capacity(self.tag.len() + 1 + key.len());
        buf.extend_from_slice(self.tag);
        buf.push(kind);
        buf.extend_from_slice(key);
        U256::from_be_bytes(keccak256(&buf).0)
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

    fn read(&self, ctx: &mut DevContext, slot: U256) -> U256 {
        let j = ctx.journal_mut();
        // The journal reads storage only of accounts it has loaded.
        let _ = j.load_account(self.account);
        j.sload(self.account, slot)
            .map(|w| w.data)
            .unwrap_or_default()
    }

    fn write(&self, ctx: &mut DevContext, slot: U256, value: U256) {
        let j = ctx.journal_mut();
        let _ = j.load_account(self.account);
        let _ = j.sstore(self.account, slot, value);
    }

    fn size(&self, ctx: &mut DevContext) -> u64 {
        self.read(ctx, self.size_slot()).saturating_to()
    }

    pub fn is_member(&self, ctx: &mut DevContext, addr: Address) -> bool {
        !self.read(ctx, self.index_slot(addr)).is_zero()
    }

    /// The members in nitro's order (insertion order, with removals filled from the end).
    pub fn members(&self, ctx: &mut DevContext) -> Vec<Address> {
        (1..=self.size(ctx))
            .map(|i| word_address(self.read(ctx, self.position_slot(i))))
            .collect()
    }

    /// Adds `addr`; false (and nothing written) when it is already a member.
    pub fn add(&self, ctx: &mut DevContext, addr: Address) -> bool {
        if self.is_member(ctx, addr) {
            return false;
        }
        let position = self.size(ctx).saturating_add(1);
        self.write(ctx, self.index_slot(addr), U256::from(position));
        self.write(ctx, self.position_slot(position), address_word(addr));
        self.write(ctx, self.size_slot(), U256::from(position));
        true
    }

    /// Removes `addr`; false when it was not a member.
    pub fn remove(&self, ctx: &mut DevContext, addr: Address) -> bool {
        let position: u64 = self.read(ctx, self.index_slot(addr)).saturating_to();
        if position == 0 {
            return false;
        }
        self.write(ctx, self.index_slot(addr), U256::ZERO);
        let size = self.size(ctx);
        if position < size {
            let last = self.read(ctx, self.position_slot(size));
            self.write(ctx, self.position_slot(position), last);
            self.write(
                ctx,
                self.index_slot(word_address(last)),
                U256::from(position),
            );
        }
        self.write(ctx, self.position_slot(size), U256::ZERO);
        self.write(ctx, self.size_slot(), U256::from(size.saturating_sub(1)));
        true
    }
}

fn address_word(a: Address) -> U256 {
    U256::from_be_slice(a.as_slice())
}

fn word_address(w: U256) -> Address {
    Address::from_word(w.into())
}
