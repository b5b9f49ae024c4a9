//! Words of state that ArbOS and the native contracts keep in an account's storage
//! (program records, the data pricer, the owner and cache-manager sets, the
//! CacheManager's bids): where a keyed word lives, and reading or writing one from outside
//! a frame of that account. Kept in the journal like any storage, so they revert and
//! snapshot with state.

use revm::context::{ContextTr, JournalTr};
use revm::primitives::{keccak256, Address, U256};

use crate::evm::DevContext;

/// The slot of the word named `tag` and `key` (its parts concatenated): keccak of both,
/// so words of different tags never collide.
pub fn tagged_slot(tag: &[u8], key: &[&[u8]]) -> U256 {
    let mut buf = Vec::with_capacity(tag.len() + key.iter().map(|k| k.len()).sum::<usize>());
    buf.extend_from_slice(tag);
    for part in key {
        buf.extend_from_slice(part);
    }
    U256::from_be_bytes(keccak256(&buf).0)
}

/// The word at `slot` of `account`; a word never written (or unreadable) is zero. The
/// journal reads storage only of accounts it has loaded, and `account` is seldom the
/// running frame's, so it is loaded first.
pub fn read(ctx: &mut DevContext, account: Address, slot: U256) -> U256 {
    let j = ctx.journal_mut();
    let _ = j.load_account(account);
    j.sload(account, slot).map(|w| w.data).unwrap_or_default()
}

/// Writes the word at `slot` of `account` (loading the account first, as [`read`] does).
pub fn write(ctx: &mut DevContext, account: Address, slot: U256, value: U256) {
    let j = ctx.journal_mut();
    let _ = j.load_account(account);
    let _ = j.sstore(account, slot, value);
}
