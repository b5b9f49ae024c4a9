//! What one transaction owes whom, gathered across all the items it finalizes so the
//! escrow is called once (and the token once) however many items a batch settles.

use alloc::vec::Vec;
use alloy_primitives::{Address, U256};
use labelchain_protocol::math::{bps_of, div_small};

/// An accepted item's emission, to be split once the token says how much it is.
pub struct Emission {
    pub multiplier_bps: u16,
    /// The most it may mint: the task's per-item fee share times its emission rate.
    pub cap: U256,
    pub winners: Vec<Address>,
    pub auditor: Option<Address>,
}

/// Word offsets within a row: `[account, unlocked, slashed, paid, minted]`, exactly the
/// escrow's `settle` format, so the rows go out as they are.
const ROW: usize = 5;
const UNLOCKED: usize = 1;
const SLASHED: usize = 2;
const PAID: usize = 3;
const MINTED: usize = 4;

#[derive(Default)]
pub struct Ledger {
    /// Five words per account touched.
    pub rows: Vec<U256>,
    /// Bounty going back to the requester.
    pub refund: U256,
    /// Bounty of unresolved escalations, going to the treasury (DESIGN §4: no one may
    /// profit from causing an escalation, the requester included).
    pub forfeit: U256,
    pub emissions: Vec<Emission>,
}

impl Ledger {
    /// Start of `who`'s row, added on first use. Linear: a batch touches few accounts.
    fn row(&mut self, who: Address) -> usize {
        let key = U256::from_be_bytes(who.into_word().0);
        if let Some(i) = self.rows.iter().step_by(ROW).position(|a| *a == key) {
            return i * ROW;
        }
        self.rows.push(key);
        self.rows.extend([U256::ZERO; ROW - 1]);
        self.rows.len() - ROW
    }

    /// Sums cannot wrap: one transaction finalizes at most 64 items, an account has at most
    /// one ballot per item, and stake and reward per label are below 2^96
    /// (`MAX_AMOUNT_PER_LABEL`), so unlocked, slashed and paid stay below 2^102; minted
    /// amounts are bounded by the token's cap (< 2^90 at the defaults, < 2^256 always,
    /// the token clamps every mint to it).
    fn add(&mut self, who: Address, column: usize, amount: U256) {
        let i = self.row(who) + column;
        self.rows[i] += amount;
    }

    /// Releases `stake` of `who`'s locked stake, slashing `slash_bps` of it and paying `pay`.
    pub fn release(&mut self, who: Address, stake: U256, slash_bps: u16, pay: U256) {
        let slash = bps_of(stake, slash_bps);
        self.add(who, UNLOCKED, stake - slash);
        self.add(who, SLASHED, slash);
        self.add(who, PAID, pay);
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
                self.add(auditor, MINTED, cut);
                rest -= cut;
            }
            let each = div_small(rest, e.winners.len() as u32);
            let dust = rest - each * U256::from(e.winners.len());
            for (k, w) in e.winners.iter().enumerate() {
                self.add(*w, MINTED, if k == 0 { each + dust } else { each });
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.refund.is_zero() && self.forfeit.is_zero()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    fn accounts(l: &Ledger) -> Vec<Address> {
        l.rows
            .iter()
            .step_by(ROW)
            .map(|w| Address::from_word(w.to_be_bytes::<32>().into()))
            .collect()
    }

    fn column(l: &Ledger, c: usize) -> Vec<U256> {
        l.rows.iter().skip(c).step_by(ROW).copied().collect()
    }

    const A: Address = address!("000000000000000000000000000000000000000a");
    const B: Address = address!("000000000000000000000000000000000000000b");
    const C: Address = address!("000000000000000000000000000000000000000c");

    #[test]
    fn rows_merge_per_account() {
        let mut l = Ledger::default();
        l.release(A, U256::from(100), 2_000, U256::from(5));
        l.release(A, U256::from(100), 0, U256::from(5));
        l.release(B, U256::from(100), 10_000, U256::ZERO);
        assert_eq!(accounts(&l), vec![A, B]);
        assert_eq!(column(&l, UNLOCKED), vec![U256::from(180), U256::ZERO]);
        assert_eq!(column(&l, SLASHED), vec![U256::from(20), U256::from(100)]);
        assert_eq!(column(&l, PAID), vec![U256::from(10), U256::ZERO]);
    }

    #[test]
    fn emission_split_accounts_for_every_wei() {
        let mut l = Ledger::default();
        l.emissions.push(Emission {
            multiplier_bps: 15_000,
            cap: U256::MAX,
            winners: vec![A, B],
            auditor: Some(C),
        });
        l.distribute(&[U256::from(1_001)], 1_000);
        // auditor 100, labellers 901: 451 + 450.
        assert_eq!(accounts(&l), vec![C, A, B]);
        let minted = column(&l, MINTED);
        assert_eq!(
            minted,
            vec![U256::from(100), U256::from(451), U256::from(450)]
        );
        assert_eq!(minted.iter().copied().sum::<U256>(), U256::from(1_001));
    }
}
