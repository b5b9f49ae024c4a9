//! The protocol's parameters as the contracts hold them, with the contracts' defaults
//! (task-registry `ProtocolParams::DEFAULT`, reward-token constructor, DESIGN §3). The
//! chain-equality test reads the deployed registry and token and checks them against
//! [`Params::default`], so a default changed on one side fails a test.

use serde::{Deserialize, Serialize};

use crate::amount::{bps_of, from_wad, mul, U256, WAD};
use crate::SimError;

/// Settlement parameters a task snapshots at creation, plus the token's schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// Protocol fee on a task's bounty, in bps (registry bound: <= 1,000).
    pub fee_bps: u16,
    /// Slash of a revealed label that lost consensus (<= 10,000).
    pub slash_bps: u16,
    /// Slash of a commit never revealed (<= 10,000).
    pub no_reveal_slash_bps: u16,
    /// Share of every slash burned; the rest goes to the treasury (<= 10,000).
    pub slash_burn_bps: u16,
    /// Emission multipliers of the Standard, Strong and Audited tiers (10,000..=15,000).
    pub standard_bps: u16,
    pub strong_bps: u16,
    pub audited_bps: u16,
    /// The auditor's cut of an audited item's emission (<= 5,000).
    pub auditor_share_bps: u16,
    /// Supply cap and genesis mint, in whole LBL.
    pub cap_lbl: u64,
    pub genesis_lbl: u64,
    /// Emission-earning items between halvings (1..=2^32-1).
    pub halving_interval: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            fee_bps: 250,
            slash_bps: 2_000,
            no_reveal_slash_bps: 10_000,
            slash_burn_bps: 5_000,
            standard_bps: 10_000,
            strong_bps: 12_500,
            audited_bps: 15_000,
            auditor_share_bps: 1_000,
            cap_lbl: 1_000_000_000,
            genesis_lbl: 100_000_000,
            halving_interval: 1_000_000,
        }
    }
}

/// Quality tier of a final item, as the verifier numbers them (`getItem`'s and
/// `ItemFinalized`'s `tier`; 0 there means "none yet"). Declared here because the
/// simulator settles by it; `labelchain::protocol` re-exports it beside the host's other
/// protocol codes, and a test there checks the numbers against the contracts'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Quality {
    Standard = 1,
    Strong = 2,
    Audited = 3,
}

impl Quality {
    pub const ALL: [Quality; 3] = [Quality::Standard, Quality::Strong, Quality::Audited];
}

impl TryFrom<u8> for Quality {
    type Error = UnknownCode;

    fn try_from(code: u8) -> Result<Self, UnknownCode> {
        Quality::ALL
            .into_iter()
            .find(|q| *q as u8 == code)
            .ok_or(UnknownCode {
                what: "quality tier",
                code,
            })
    }
}

/// A number the programs do not use for that kind of code: read from a program of
/// another version, or from something that is not a Labelchain program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code} is not a {what} of the Labelchain programs")]
pub struct UnknownCode {
    pub what: &'static str,
    pub code: u8,
}

/// Strong agreement: 90 %, or unanimity, with at least this many agreeing labellers.
pub const STRONG_AGREEMENT_BPS: u16 = 9_000;
pub const STRONG_MIN_VOTES: u32 = 3;

impl Params {
    pub fn cap(&self) -> U256 {
        U256::from(self.cap_lbl) * U256::from(WAD)
    }

    pub fn genesis(&self) -> U256 {
        U256::from(self.genesis_lbl) * U256::from(WAD)
    }

    /// `E0 = (pool / 3) / H`, both divisions rounding down, as the token's constructor.
    pub fn emission_base(&self) -> U256 {
        let pool = self.cap() - self.genesis();
        pool / U256::from(3) / U256::from(self.halving_interval)
    }

    pub fn multiplier_bps(&self, q: Quality) -> u16 {
        match q {
            Quality::Standard => self.standard_bps,
            Quality::Strong => self.strong_bps,
            Quality::Audited => self.audited_bps,
        }
    }

    /// The most one accepted item may emit: its share of the fee (`bps(k * reward)`)
    /// times the payment token's `emissionRate` (a WAD), as the registry stores it.
    pub fn emission_cap(&self, k: u8, reward: U256, rate: U256) -> Result<U256, SimError> {
        let fee = bps_of(mul(U256::from(k), reward)?, self.fee_bps)?;
        Ok(from_wad(mul(fee, rate)?))
    }

    /// Every bound the registry and token constructors enforce, by field name.
    pub fn validate(&self) -> Result<(), SimError> {
        let bps = |field: &'static str, v: u16, lo: u16, hi: u16| {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(SimError::bound(field, v, format!("{lo}..={hi}")))
            }
        };
        bps("params.fee_bps", self.fee_bps, 0, 1_000)?;
        bps("params.slash_bps", self.slash_bps, 0, 10_000)?;
        bps(
            "params.no_reveal_slash_bps",
            self.no_reveal_slash_bps,
            0,
            10_000,
        )?;
        bps("params.slash_burn_bps", self.slash_burn_bps, 0, 10_000)?;
        bps("params.standard_bps", self.standard_bps, 10_000, 15_000)?;
        bps(
            "params.strong_bps",
            self.strong_bps,
            self.standard_bps,
            15_000,
        )?;
        bps(
            "params.audited_bps",
            self.audited_bps,
            self.strong_bps,
            15_000,
        )?;
        bps("params.auditor_share_bps", self.auditor_share_bps, 0, 5_000)?;
        if self.genesis_lbl > self.cap_lbl {
            return Err(SimError::bound(
                "params.genesis_lbl",
                self.genesis_lbl,
                format!("<= params.cap_lbl ({})", self.cap_lbl),
            ));
        }
        if !(1..=u32::MAX as u64).contains(&self.halving_interval) {
            return Err(SimError::bound(
                "params.halving_interval",
                self.halving_interval,
                "1..=4294967295",
            ));
        }
        if self.emission_base().is_zero() {
            return Err(SimError::bound(
                "params.cap_lbl",
                self.cap_lbl,
                "a pool (cap - genesis) of at least 3 x halving_interval wei",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_give_the_design_schedule_of_300_lbl_per_item() {
        let p = Params::default();
        p.validate().unwrap();
        assert_eq!(p.emission_base(), U256::from(300u64) * U256::from(WAD));
    }

    #[test]
    fn an_lbl_task_may_emit_at_most_its_fee_share() {
        let p = Params::default();
        let reward = U256::from(WAD);
        let cap = p.emission_cap(3, reward, U256::from(WAD)).unwrap();
        assert_eq!(cap, U256::from(3 * WAD / 40)); // 2.5 % of 3 LBL
    }

    #[test]
    fn each_bound_names_its_field() {
        let p = Params {
            strong_bps: 9_000,
            ..Params::default()
        };
        let e = p.validate().unwrap_err();
        assert_eq!(e.field(), Some("params.strong_bps"));
    }

    #[test]
    fn a_quality_code_reads_back_as_its_tier_and_no_other_code_does() {
        for q in Quality::ALL {
            assert_eq!(Quality::try_from(q as u8), Ok(q));
        }
        for code in [0, 4, u8::MAX] {
            assert_eq!(
                Quality::try_from(code),
                Err(UnknownCode {
                    what: "quality tier",
                    code
                })
            );
        }
    }
}
