//! Global protocol parameters. Each task copies them when it is created
//! (DESIGN.md section 3), so an admin change never alters a running task.

use alloc::{vec, vec::Vec};
use alloy_primitives::{U16, U64};
use labelchain_protocol::limits::{MAX_MULTIPLIER_BPS, MIN_MULTIPLIER_BPS};
use stylus_sdk::{
    prelude::*,
    storage::{StorageU16, StorageU64},
};

/// Bounds of the audit window: auditors need at least an hour, labellers' stakes must not
/// wait more than thirty days.
pub const MIN_AUDIT_WINDOW: u64 = 3_600;
pub const MAX_AUDIT_WINDOW: u64 = 30 * 86_400;
/// The protocol fee is at most 10 % of a bounty.
pub const MAX_FEE_BPS: u16 = 1_000;
/// An auditor's share of an item's emission is at most half.
pub const MAX_AUDITOR_SHARE_BPS: u16 = 5_000;

/// The parameters as plain values, in `setParams` argument order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProtocolParams {
    pub fee_bps: u16,
    pub slash_bps: u16,
    pub no_reveal_slash_bps: u16,
    pub slash_burn_bps: u16,
    pub audit_window: u64,
    pub standard_bps: u16,
    pub strong_bps: u16,
    pub audited_bps: u16,
    pub auditor_share_bps: u16,
}

impl ProtocolParams {
    /// DESIGN.md defaults: 2.5 % fee, 20 % slash, 100 % no-reveal slash, half of every
    /// slash burned, 3-day audit window, 1.00x / 1.25x / 1.50x, 10 % to the auditor.
    pub const DEFAULT: ProtocolParams = ProtocolParams {
        fee_bps: 250,
        slash_bps: 2_000,
        no_reveal_slash_bps: 10_000,
        slash_burn_bps: 5_000,
        audit_window: 3 * 86_400,
        standard_bps: 10_000,
        strong_bps: 12_500,
        audited_bps: 15_000,
        auditor_share_bps: 1_000,
    };

    /// The position of the first out-of-bounds argument, if any.
    pub fn first_invalid(&self) -> Option<u8> {
        let bps = |v: u16| v <= labelchain_protocol::limits::BPS;
        let checks = [
            self.fee_bps <= MAX_FEE_BPS,
            bps(self.slash_bps),
            bps(self.no_reveal_slash_bps),
            bps(self.slash_burn_bps),
            (MIN_AUDIT_WINDOW..=MAX_AUDIT_WINDOW).contains(&self.audit_window),
            self.standard_bps >= MIN_MULTIPLIER_BPS,
            self.strong_bps >= self.standard_bps,
            self.audited_bps >= self.strong_bps && self.audited_bps <= MAX_MULTIPLIER_BPS,
            self.auditor_share_bps <= MAX_AUDITOR_SHARE_BPS,
        ];
        checks.iter().position(|ok| !ok).map(|i| i as u8)
    }
}

#[storage]
pub struct StoredParams {
    fee_bps: StorageU16,
    slash_bps: StorageU16,
    no_reveal_slash_bps: StorageU16,
    slash_burn_bps: StorageU16,
    audit_window: StorageU64,
    standard_bps: StorageU16,
    strong_bps: StorageU16,
    audited_bps: StorageU16,
    auditor_share_bps: StorageU16,
}

impl StoredParams {
    pub fn values(&self) -> ProtocolParams {
        ProtocolParams {
            fee_bps: self.fee_bps.get().to(),
            slash_bps: self.slash_bps.get().to(),
            no_reveal_slash_bps: self.no_reveal_slash_bps.get().to(),
            slash_burn_bps: self.slash_burn_bps.get().to(),
            audit_window: self.audit_window.get().to(),
            standard_bps: self.standard_bps.get().to(),
            strong_bps: self.strong_bps.get().to(),
            audited_bps: self.audited_bps.get().to(),
            auditor_share_bps: self.auditor_share_bps.get().to(),
        }
    }

    pub fn replace(&mut self, p: &ProtocolParams) {
        self.fee_bps.set(U16::from(p.fee_bps));
        self.slash_bps.set(U16::from(p.slash_bps));
        self.no_reveal_slash_bps
            .set(U16::from(p.no_reveal_slash_bps));
        self.slash_burn_bps.set(U16::from(p.slash_burn_bps));
        self.audit_window.set(U64::from(p.audit_window));
        self.standard_bps.set(U16::from(p.standard_bps));
        self.strong_bps.set(U16::from(p.strong_bps));
        self.audited_bps.set(U16::from(p.audited_bps));
        self.auditor_share_bps.set(U16::from(p.auditor_share_bps));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_each_bound_is_reported_by_position() {
        let d = ProtocolParams::DEFAULT;
        assert_eq!(d.first_invalid(), None);
        let cases: [(ProtocolParams, u8); 9] = [
            (
                ProtocolParams {
                    fee_bps: 1_001,
                    ..d
                },
                0,
            ),
            (
                ProtocolParams {
                    slash_bps: 10_001,
                    ..d
                },
                1,
            ),
            (
                ProtocolParams {
                    no_reveal_slash_bps: 10_001,
                    ..d
                },
                2,
            ),
            (
                ProtocolParams {
                    slash_burn_bps: 10_001,
                    ..d
                },
                3,
            ),
            (
                ProtocolParams {
                    audit_window: 3_599,
                    ..d
                },
                4,
            ),
            (
                ProtocolParams {
                    standard_bps: 9_999,
                    ..d
                },
                5,
            ),
            (
                ProtocolParams {
                    strong_bps: 9_999,
                    standard_bps: 10_000,
                    ..d
                },
                6,
            ),
            (
                ProtocolParams {
                    audited_bps: 15_001,
                    ..d
                },
                7,
            ),
            (
                ProtocolParams {
                    auditor_share_bps: 5_001,
                    ..d
                },
                8,
            ),
        ];
        for (p, idx) in cases {
            assert_eq!(p.first_invalid(), Some(idx), "{p:?}");
        }
    }
}
