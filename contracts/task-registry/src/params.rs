//! Global protocol parameters. Each task copies them when it is created
//! (DESIGN.md section 3), so an admin change never alters a running task.

use alloc::{vec, vec::Vec};
use alloy_primitives::U256;
use labelchain_protocol::limits::{MAX_MULTIPLIER_BPS, MIN_MULTIPLIER_BPS};
use stylus_sdk::{prelude::*, storage::StorageU256};

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

/// The parameters packed into one storage word (big-endian, `setParams` order): one
/// SLOAD per task creation instead of nine packed-field reads.
#[storage]
pub struct StoredParams {
    word: StorageU256,
}

impl StoredParams {
    pub fn values(&self) -> ProtocolParams {
        let b = self.word.get().to_be_bytes::<32>();
        let u16_at = |i: usize| u16::from_be_bytes([b[i], b[i + 1]]);
        let mut window = [0u8; 8];
        window.copy_from_slice(&b[8..16]);
        ProtocolParams {
            fee_bps: u16_at(0),
            slash_bps: u16_at(2),
            no_reveal_slash_bps: u16_at(4),
            slash_burn_bps: u16_at(6),
            audit_window: u64::from_be_bytes(window),
            standard_bps: u16_at(16),
            strong_bps: u16_at(18),
            audited_bps: u16_at(20),
            auditor_share_bps: u16_at(22),
        }
    }

    pub fn replace(&mut self, p: &ProtocolParams) {
        let mut b = [0u8; 32];
        let fields = [
            p.fee_bps,
            p.slash_bps,
            p.no_reveal_slash_bps,
            p.slash_burn_bps,
        ];
        for (i, v) in fields.iter().enumerate() {
            b[2 * i..2 * i + 2].copy_from_slice(&v.to_be_bytes());
        }
        b[8..16].copy_from_slice(&p.audit_window.to_be_bytes());
        let fields = [
            p.standard_bps,
            p.strong_bps,
            p.audited_bps,
            p.auditor_share_bps,
        ];
        for (i, v) in fields.iter().enumerate() {
            b[16 + 2 * i..18 + 2 * i].copy_from_slice(&v.to_be_bytes());
        }
        self.word.set(U256::from_be_bytes(b));
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
