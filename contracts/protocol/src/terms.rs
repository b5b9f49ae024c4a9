//! The terms of a task, packed into three storage words.
//!
//! The registry stores a task as these words plus the two amounts, and hands them to the
//! verifier verbatim through `ITaskRegistry::terms`: one call, five words, no decoding of
//! a 20-field tuple on either side. The byte layout is big-endian, fields in declaration
//! order (see [`TaskTerms::pack`]).

use stylus_sdk::alloy_primitives::{Address, U256};

use crate::packing::{Put, Take};

/// Lifecycle of a task as the registry records it.
pub mod status {
    /// No task with this id.
    pub const NONE: u8 = 0;
    /// Created and funded.
    pub const OPEN: u8 = 1;
    /// Cancelled before the first commit; everything refunded.
    pub const CANCELLED: u8 = 2;
}

/// Everything the verifier needs to judge commits, reveals and finality for one task,
/// including the global parameters snapshotted when the task was created.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskTerms {
    pub requester: Address,
    pub item_count: u32,
    pub num_classes: u16,
    pub labellers_per_item: u8,
    pub min_tier: u8,
    pub status: u8,
    pub threshold_bps: u16,

    pub payment_token: Address,
    pub audit_rate_bps: u16,
    pub fee_bps: u16,
    pub slash_bps: u16,
    pub no_reveal_slash_bps: u16,
    pub slash_burn_bps: u16,
    pub auditor_share_bps: u16,

    pub commit_end: u64,
    pub reveal_end: u64,
    pub audit_window: u64,
    pub standard_bps: u16,
    pub strong_bps: u16,
    pub audited_bps: u16,
    /// Not stored: the registry sets it from its pause flag when it answers `terms`.
    pub paused: bool,

    pub reward_per_label: U256,
    pub stake_per_label: U256,
    /// Most LBL one accepted item may emit (fee share x the token's emission rate at
    /// creation); travels as its own word, like the amounts.
    pub emission_cap: U256,
}

impl TaskTerms {
    /// The three packed words; the amounts travel as separate words.
    pub fn pack(&self) -> [U256; 3] {
        let w0 = Put::new()
            .bytes(self.requester.as_slice())
            .bytes(&self.item_count.to_be_bytes())
            .bytes(&self.num_classes.to_be_bytes())
            .bytes(&[self.labellers_per_item, self.min_tier, self.status])
            .bytes(&self.threshold_bps.to_be_bytes())
            .word();
        let w1 = Put::new()
            .bytes(self.payment_token.as_slice())
            .bytes(&self.audit_rate_bps.to_be_bytes())
            .bytes(&self.fee_bps.to_be_bytes())
            .bytes(&self.slash_bps.to_be_bytes())
            .bytes(&self.no_reveal_slash_bps.to_be_bytes())
            .bytes(&self.slash_burn_bps.to_be_bytes())
            .bytes(&self.auditor_share_bps.to_be_bytes())
            .word();
        let w2 = Put::new()
            .bytes(&self.commit_end.to_be_bytes())
            .bytes(&self.reveal_end.to_be_bytes())
            .bytes(&self.audit_window.to_be_bytes())
            .bytes(&self.standard_bps.to_be_bytes())
            .bytes(&self.strong_bps.to_be_bytes())
            .bytes(&self.audited_bps.to_be_bytes())
            .bytes(&[self.paused as u8])
            .word();
        [w0, w1, w2]
    }

    /// Inverse of [`TaskTerms::pack`].
    pub fn unpack(
        words: [U256; 3],
        reward_per_label: U256,
        stake_per_label: U256,
        emission_cap: U256,
    ) -> Self {
        let mut a = Take::new(words[0]);
        let mut b = Take::new(words[1]);
        let mut c = Take::new(words[2]);
        TaskTerms {
            requester: a.address(),
            item_count: a.u32(),
            num_classes: a.u16(),
            labellers_per_item: a.u8(),
            min_tier: a.u8(),
            status: a.u8(),
            threshold_bps: a.u16(),
            payment_token: b.address(),
            audit_rate_bps: b.u16(),
            fee_bps: b.u16(),
            slash_bps: b.u16(),
            no_reveal_slash_bps: b.u16(),
            slash_burn_bps: b.u16(),
            auditor_share_bps: b.u16(),
            commit_end: c.u64(),
            reveal_end: c.u64(),
            audit_window: c.u64(),
            standard_bps: c.u16(),
            strong_bps: c.u16(),
            audited_bps: c.u16(),
            paused: c.u8() != 0,
            reward_per_label,
            stake_per_label,
            emission_cap,
        }
    }

    /// `word0` with the task status replaced (byte 28: after requester, itemCount,
    /// numClasses, labellersPerItem and minTier), so a status change rewrites one field.
    pub fn with_status(word0: U256, status: u8) -> U256 {
        let mut b = word0.to_be_bytes::<32>();
        b[28] = status;
        U256::from_be_bytes(b)
    }

    /// Sets the pause flag in the third packed word, as the registry does when it answers
    /// `terms` while paused (the flag is byte 30 of that word; byte 31 is padding).
    pub fn with_paused_flag(word2: U256) -> U256 {
        word2 | (U256::from(1u8) << 8)
    }

    /// The multiplier in force for a quality tier (see `limits::quality`).
    pub fn multiplier_bps(&self, quality: u8) -> u16 {
        match quality {
            crate::limits::quality::STRONG => self.strong_bps,
            crate::limits::quality::AUDITED => self.audited_bps,
            _ => self.standard_bps,
        }
    }

    /// Fewest commits an item needs to be able to reach consensus: `ceil(k * threshold)`.
    pub fn min_commits(&self) -> u32 {
        let num = self.labellers_per_item as u32 * self.threshold_bps as u32;
        num.div_ceil(crate::limits::BPS as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stylus_sdk::alloy_primitives::address;

    #[test]
    fn packing_round_trips_every_field_at_its_extremes() {
        let t = TaskTerms {
            requester: address!("00000000000000000000000000000000000000ff"),
            item_count: u32::MAX,
            num_classes: 256,
            labellers_per_item: 32,
            min_tier: 2,
            status: 1,
            threshold_bps: 10_000,
            payment_token: address!("ff00000000000000000000000000000000000001"),
            audit_rate_bps: 1,
            fee_bps: 250,
            slash_bps: 2_000,
            no_reveal_slash_bps: 10_000,
            slash_burn_bps: 5_000,
            auditor_share_bps: 1_000,
            commit_end: u64::MAX,
            reveal_end: 7,
            audit_window: 3 * 86_400,
            standard_bps: 10_000,
            strong_bps: 12_500,
            audited_bps: 15_000,
            paused: true,
            reward_per_label: U256::MAX,
            stake_per_label: U256::from(1),
            emission_cap: U256::from(7),
        };
        let words = t.pack();
        assert_eq!(
            TaskTerms::unpack(words, t.reward_per_label, t.stake_per_label, t.emission_cap),
            t
        );
    }

    #[test]
    fn the_pause_flag_lands_on_the_paused_field() {
        let t = TaskTerms {
            commit_end: 5,
            audited_bps: 15_000,
            ..Default::default()
        };
        let [a, b, c] = t.pack();
        let back = TaskTerms::unpack(
            [a, b, TaskTerms::with_paused_flag(c)],
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
        );
        assert_eq!(back, TaskTerms { paused: true, ..t });
    }

    #[test]
    fn a_status_change_touches_only_the_status() {
        let t = TaskTerms {
            item_count: 7,
            min_tier: 2,
            status: 1,
            threshold_bps: 6_000,
            ..Default::default()
        };
        let [a, b, c] = t.pack();
        let back = TaskTerms::unpack(
            [TaskTerms::with_status(a, 2), b, c],
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
        );
        assert_eq!(back, TaskTerms { status: 2, ..t });
    }

    #[test]
    fn min_commits_rounds_up() {
        let t = |k, th| TaskTerms {
            labellers_per_item: k,
            threshold_bps: th,
            ..Default::default()
        };
        assert_eq!(t(3, 6_667).min_commits(), 3);
        assert_eq!(t(3, 6_666).min_commits(), 2);
        assert_eq!(t(5, 5_001).min_commits(), 3);
        assert_eq!(t(1, 10_000).min_commits(), 1);
    }
}
