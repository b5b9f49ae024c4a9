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
