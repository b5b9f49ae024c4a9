//! What one transaction owes whom, gathered across all the items it finalizes so the
//! escrow is called once (and the token once) however many items a batch settles.

use alloc::vec::Vec;
use alloy_primitives::{Address, U256};
use labelchain_protocol::math::{bps_of, div_small};

/// An accepted item's emission, to be split once the token says how much it is.
pub struct Emission {
    pub multiplier_bps: u16,
    pub winners: Vec<Address>,
    pub auditor: Option<Address>,
}

#[derive(Default)]
pub struct Ledger {
    pub accounts: Vec<Address>,
    pub unlocked: Vec<U256>,
    pub slashed: Vec<U256>,
    pub paid: Vec<U256>,
    pub minted: Vec<U256>,
    pub refund: U256,
    pub emissions: Vec<Emission>,
}

impl Ledger {
    /// Index of `who`'s row, added on first use. Linear: a batch touches few accounts.
    fn row(&mut self, who: Address) -> usize {
        if let Some(i) = self.accounts.iter().position(|a| *a == who) {
            return i;
        }
        self.accounts.push(who);
        for v in [
            &mut self.unlocked,
            &mut self.slashed,
            &mut self.paid,
            &mut self.minted,
        ] {
            v.push(U256::ZERO);
        }
        self.accounts.len() - 1
    }

    /// Releases `stake` of `who`'s locked stake, slashing `slash_bps` of it and paying `pay`.
    pub fn release(&mut self, who: Address, stake: U256, slash_bps: u16, pay: U256) {
        let slash = bps_of(stake, slash_bps);
        let i = self.row(who);
        self.unlocked[i] += stake - slash;
        self.slashed[i] += slash;
        self.paid[i] += pay;
    }

    /// Splits each item's minted `amounts` (same order as `emissions`): `auditor_share_bps`
    /// to the auditor if one worked on it, the rest equally to the agreeing labellers, the
    /// indivisible remainder (< number of winners, in wei) to the first of them.
    pub fn distribute(&mut self, amounts: &[U256], auditor_share_bps: u16) {
        let emissions = core::mem::take(&mut self.emissions);
        for (e, amount) in emissions.iter().zip(amounts) {
            let mut rest = *amount;
            if let Some(auditor) = e.auditor {
                let cut = bps_of(*amount, auditor_share_bps);
                let i = self.row(auditor);
                self.minted[i] += cut;
                rest -= cut;
            }
            let n = U256::from(e.winners.len());
            let each = div_small(rest, e.winners.len() as u32);
            for (k, w) in e.winners.iter().enumerate() {
                let i = self.row(*w);
                self.minted[i] += if k == 0 {
                    rest - each * (n - U256::from(1))
                } else {
                    each
                };
            }
        }
    }

    /// The escrow's `settle` rows: `[account, unlocked, slashed, paid, minted]` each.
    pub fn rows(&self) -> Vec<U256> {
        let mut rows = Vec::with_capacity(self.accounts.len() * 5);
        for (i, who) in self.accounts.iter().enumerate() {
            rows.push(U256::from_be_bytes(who.into_word().0));
            rows.extend([
                self.unlocked[i],
                self.slashed[i],
                self.paid[i],
                self.minted[i],
            ]);
        }
        rows
    }

    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty() && self.refund.is_zero()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    const A: Address = address!("000000000000000000000000000000000000000a");
    const B: Address = address!("000000000000000000000000000000000000000b");
    const C: Address = address!("000000000000000000000000000000000000000c");

    #[test]
    fn rows_merge_per_account() {
        let mut l = Ledger::default();
        l.release(A, U256::from(100), 2_000, U256::from(5));
        l.release(A, U256::from(100), 0, U256::from(5));
        l.release(B, U256::from(100), 10_000, U256::ZERO);
        assert_eq!(l.accounts, vec![A, B]);
        assert_eq!(l.unlocked, vec![U256::from(180), U256::ZERO]);
        assert_eq!(l.slashed, vec![U256::from(20), U256::from(100)]);
        assert_eq!(l.paid, vec![U256::from(10), U256::ZERO]);
    }

    #[test]
    fn emission_split_accounts_for_every_wei() {
        let mut l = Ledger::default();
        l.emissions.push(Emission {
            multiplier_bps: 15_000,
            winners: vec![A, B],
            auditor: Some(C),
        });
        l.distribute(&[U256::from(1_001)], 1_000);
        // auditor 100, labellers 901: 451 + 450.
        assert_eq!(l.accounts, vec![C, A, B]);
        assert_eq!(
            l.minted,
            vec![U256::from(100), U256::from(451), U256::from(450)]
        );
        assert_eq!(l.minted.iter().copied().sum::<U256>(), U256::from(1_001));
    }
}
