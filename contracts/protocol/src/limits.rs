//! Fixed limits of the protocol (DESIGN.md sections 3, 4 and 6). Deploy-time and admin
//! parameters are bounded by these so no configuration can break an invariant.

/// Basis-point denominator used for every rate in the protocol.
pub const BPS: u16 = 10_000;
/// Largest batch accepted by any `*Batch` entry point, so one call's gas is bounded.
pub const MAX_BATCH: usize = 64;
/// Labellers per item (`k`) are `1..=MAX_LABELLERS_PER_ITEM`.
pub const MAX_LABELLERS_PER_ITEM: u8 = 32;
/// Classes per task are `2..=MAX_CLASSES`; labels are class indices `0..numClasses`.
pub const MAX_CLASSES: u16 = 256;
/// Emission multipliers may not exceed 1.5x; the token enforces this ceiling itself.
pub const MAX_MULTIPLIER_BPS: u16 = 15_000;
/// The lowest multiplier: an accepted item never earns less than the schedule.
pub const MIN_MULTIPLIER_BPS: u16 = 10_000;

/// Upper bound of `rewardPerLabel` and `stakePerLabel`, in the token's smallest unit:
/// 2^96 - 1 (about 7.9e28: 79 billion tokens of 18 decimals, 7.9e22 of 6 decimals).
///
/// Chosen so that every amount the protocol derives from one task fits with room to
/// spare: a task's bounty is at most `MAX_LABELS_PER_TASK * MAX_AMOUNT_PER_LABEL` < 2^128
/// (and the fee at most 10 % of it); one batch locks or releases at most
/// `MAX_BATCH * MAX_AMOUNT_PER_LABEL` < 2^102 per labeller; one finality batch refunds at
/// most `MAX_BATCH * MAX_LABELLERS_PER_ITEM * MAX_AMOUNT_PER_LABEL` < 2^107. A ruint `U256`
/// silently wraps, so without this bound a stake of 2^255 + 1 made a two-item lock wrap
/// to a few wei (the escrow-drain attack this bound and the escrow's checked books stop).
pub const MAX_AMOUNT_PER_LABEL: u128 = (1u128 << 96) - 1;

/// `emissionRate` is a WAD (1e18 = 1 LBL wei minted per unit of protocol fee).
pub const WAD: u64 = 1_000_000_000_000_000_000;
/// The most LBL a task paid in LBL may emit per LBL of fee: 1 (DESIGN §3), so no one can
/// mint more LBL than they paid the protocol, at any price.
pub const MAX_LBL_EMISSION_RATE: u64 = WAD;
/// Upper bound of any other payment token's `emissionRate` (a WAD): 2^128 - 1, e.g. 1e14
/// LBL wei per unit of a 6-decimal stablecoin (100 LBL per dollar) is 1e32 < 2^107. With
/// a fee per item below 2^98 (32 labels x 2^96 x 10 %), `fee x rate` stays below 2^226.
pub const MAX_EMISSION_RATE: u128 = u128::MAX;

/// Upper bound of `itemCount * labellersPerItem` (labels a task can receive): the
/// verifier counts a task's commits, open and final items in `u32`s, so bounding their
/// sum by `u32::MAX` is what makes those counters unable to overflow.
pub const MAX_LABELS_PER_TASK: u64 = u32::MAX as u64;

/// Quality tier of a final item.
pub mod quality {
    /// Agreement reached the task threshold.
    pub const STANDARD: u8 = 1;
    /// Agreement of at least [`STRONG_AGREEMENT_BPS`] or unanimous.
    pub const STRONG: u8 = 2;
    /// An auditor confirmed or set the label.
    pub const AUDITED: u8 = 3;
    /// Agreement that earns the strong tier.
    pub const STRONG_AGREEMENT_BPS: u16 = 9_000;
    /// Agreeing labellers the strong tier needs at the least (DESIGN §3).
    pub const STRONG_MIN_VOTES: u32 = 3;
}

/// Reputation tier of a labeller; tasks may require a minimum.
pub mod tier {
    pub const BRONZE: u8 = 0;
    pub const SILVER: u8 = 1;
    pub const GOLD: u8 = 2;

    /// Tier from a labeller's `(agreed, total)` record: Gold at >= 95 % over >= 50 labels,
    /// Silver at >= 85 % over >= 20, Bronze otherwise.
    pub fn of(agreed: u64, total: u64) -> u8 {
        let pct = |p: u128| (agreed as u128) * 100 >= p * (total as u128);
        if total >= 50 && pct(95) {
            GOLD
        } else if total >= 20 && pct(85) {
            SILVER
        } else {
            BRONZE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_follow_the_design_thresholds() {
        assert_eq!(tier::of(0, 0), tier::BRONZE);
        assert_eq!(tier::of(19, 19), tier::BRONZE);
        assert_eq!(tier::of(17, 20), tier::SILVER);
        assert_eq!(tier::of(16, 20), tier::BRONZE);
        assert_eq!(tier::of(48, 50), tier::GOLD);
        assert_eq!(tier::of(47, 50), tier::SILVER);
    }
}
