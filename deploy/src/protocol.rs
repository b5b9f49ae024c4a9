//! The protocol's codes and packed layouts as the host reads them: task and item
//! statuses, void reasons, reputation and quality tiers, the registry's packed task
//! terms and the verifier's `getItem`. Every host crate (the CLI, the e2e harness) reads
//! them through here; [`Quality`] is declared by the simulator, which this crate depends
//! on, and re-exported.
//!
//! The programs keep their own declarations (`contracts/protocol`, the verifier's
//! `state.rs`): the contracts' workspace cannot share a crate with the host (stylus-sdk
//! pins). The tests below read those declarations and check these against them.

use alloy::primitives::{Address, U256};
use serde::Serialize;

use crate::bindings::ITaskRegistry;

pub use labelchain_tokenomics::params::{Quality, UnknownCode};

/// Declares a protocol code: the enum with its numbers (written once, here), `TryFrom<u8>`
/// refusing any other number, `u8::from`, `ALL`, and serialisation as the number, so JSON
/// output carries the code the programs use.
macro_rules! codes {
    ($(#[$meta:meta])* $name:ident, $what:literal {
        $($(#[$vmeta:meta])* $variant:ident = $code:literal,)+
    }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
        #[serde(into = "u8")]
        #[repr(u8)]
        pub enum $name {
            $($(#[$vmeta])* $variant = $code,)+
        }

        impl $name {
            /// Every code, in numeric order.
            pub const ALL: &[$name] = &[$($name::$variant),+];
        }

        impl From<$name> for u8 {
            fn from(v: $name) -> u8 {
                v as u8
            }
        }

        impl TryFrom<u8> for $name {
            type Error = UnknownCode;

            fn try_from(code: u8) -> Result<Self, UnknownCode> {
                match code {
                    $($code => Ok($name::$variant),)+
                    _ => Err(UnknownCode { what: $what, code }),
                }
            }
        }
    };
}

codes! {
    /// A task's lifecycle in the registry (`terms` word 0, byte 28).
    TaskStatus, "task status" {
        /// No task with this id.
        None = 0,
        /// Created and funded.
        Open = 1,
        /// Cancelled before the first commit; everything refunded.
        Cancelled = 2,
    }
}

codes! {
    /// An item's lifecycle in the verifier (`getItem`'s first value).
    ItemStatus, "item status" {
        /// No commits yet.
        None = 0,
        /// Has commits; reveals may be under way.
        Open = 1,
        /// Accepted, and drawn for a spot-check: settles after the audit window.
        PendingAudit = 2,
        /// No consensus: waits for an auditor.
        Escalated = 3,
        Final = 4,
        Void = 5,
    }
}

codes! {
    /// Why an item became void (`ItemVoided.reason`).
    VoidReason, "void reason" {
        /// Fewer commits than consensus needs.
        TooFewCommits = 1,
        /// Escalated and never audited within the window.
        Unresolved = 2,
    }
}

codes! {
    /// A labeller's reputation tier (`reputation`'s third value, a task's `minTier`).
    Tier, "reputation tier" {
        Bronze = 0,
        Silver = 1,
        Gold = 2,
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Tier::Bronze => "Bronze",
            Tier::Silver => "Silver",
            Tier::Gold => "Gold",
        })
    }
}

/// A task's terms as the registry's `terms(task)` returns them: three packed words
/// (big-endian, fields in this order), then the reward and stake per label and the
/// per-item emission cap as words of their own. Serialized (camelCase) as part of
/// `task show --json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskTerms {
    pub requester: Address,
    pub item_count: u32,
    pub num_classes: u16,
    pub labellers_per_item: u8,
    pub min_tier: Tier,
    pub status: TaskStatus,
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
    /// The quality multipliers are not part of `task show --json` (its keys predate them
    /// being read here); kept out so its output stays as scripts know it.
    #[serde(skip)]
    pub standard_bps: u16,
    #[serde(skip)]
    pub strong_bps: u16,
    #[serde(skip)]
    pub audited_bps: u16,
    /// Set by the registry from its pause flag when it answers.
    pub paused: bool,

    pub reward_per_label: U256,
    pub stake_per_label: U256,
    /// Most LBL (wei) one accepted item may emit.
    pub emission_cap: U256,
}

/// The registry's protocol-wide parameters as `params()` returns them (unnamed in the ABI,
/// which the Stylus SDK prints from a tuple), in `setParams`'s order.
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

impl From<ITaskRegistry::paramsReturn> for ProtocolParams {
    fn from(p: ITaskRegistry::paramsReturn) -> Self {
        ProtocolParams {
            fee_bps: p._0,
            slash_bps: p._1,
            no_reveal_slash_bps: p._2,
            slash_burn_bps: p._3,
            audit_window: p._4,
            standard_bps: p._5,
            strong_bps: p._6,
            audited_bps: p._7,
            auditor_share_bps: p._8,
        }
    }
}

/// Reads fixed-width big-endian fields off the front of a packed word.
struct Take([u8; 32], usize);

impl Take {
    fn new(word: U256) -> Self {
        Take(word.to_be_bytes(), 0)
    }
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        out.copy_from_slice(&self.0[self.1..self.1 + N]);
        self.1 += N;
        out
    }
    fn address(&mut self) -> Address {
        Address::from(self.bytes::<20>())
    }
    fn u8(&mut self) -> u8 {
        self.bytes::<1>()[0]
    }
    fn u16(&mut self) -> u16 {
        u16::from_be_bytes(self.bytes())
    }
    fn u32(&mut self) -> u32 {
        u32::from_be_bytes(self.bytes())
    }
    fn u64(&mut self) -> u64 {
        u64::from_be_bytes(self.bytes())
    }
}

impl TaskTerms {
    /// Decodes `terms(task)`'s six words; refuses a status or tier the programs never
    /// store.
    pub fn decode(words: [U256; 6]) -> Result<Self, UnknownCode> {
        let [w0, w1, w2, reward_per_label, stake_per_label, emission_cap] = words;
        let (mut a, mut b, mut c) = (Take::new(w0), Take::new(w1), Take::new(w2));
        Ok(TaskTerms {
            requester: a.address(),
            item_count: a.u32(),
            num_classes: a.u16(),
            labellers_per_item: a.u8(),
            min_tier: Tier::try_from(a.u8())?,
            status: TaskStatus::try_from(a.u8())?,
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
        })
    }
}

/// One item as the verifier's `getItem(task, item)` returns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    pub status: ItemStatus,
    pub commits: u8,
    pub reveals: u8,
    pub label: u8,
    /// `None` until consensus (or an audit) gave the item one.
    pub quality: Option<Quality>,
    pub votes: u8,
    /// When a pending audit settles as accepted (0 if none is pending).
    pub audit_deadline: u64,
}

impl Item {
    /// Decodes `getItem`'s `(status, commits, reveals, label, tier, votes, auditDeadline)`.
    pub fn decode(
        (status, commits, reveals, label, tier, votes, audit_deadline): (
            u8,
            u8,
            u8,
            u8,
            u8,
            u8,
            u64,
        ),
    ) -> Result<Self, UnknownCode> {
        Ok(Item {
            status: ItemStatus::try_from(status)?,
            commits,
            reveals,
            label,
            quality: match tier {
                0 => None,
                t => Some(Quality::try_from(t)?),
            },
            votes,
            audit_deadline,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacks_the_protocol_layout() {
        // word0: requester(20) itemCount(4) numClasses(2) k(1) minTier(1) status(1) threshold(2)
        let mut w0 = [0u8; 32];
        w0[..20].copy_from_slice(&[0x11; 20]);
        w0[20..24].copy_from_slice(&4u32.to_be_bytes());
        w0[24..26].copy_from_slice(&3u16.to_be_bytes());
        w0[26] = 3;
        w0[27] = 1;
        w0[28] = 1;
        w0[29..31].copy_from_slice(&6000u16.to_be_bytes());
        // word1: paymentToken(20) then six bps fields
        let mut w1 = [0u8; 32];
        w1[..20].copy_from_slice(&[0x22; 20]);
        for (i, bps) in [100u16, 250, 2_000, 10_000, 5_000, 1_000]
            .iter()
            .enumerate()
        {
            w1[20 + 2 * i..22 + 2 * i].copy_from_slice(&bps.to_be_bytes());
        }
        // word2: commitEnd(8) revealEnd(8) auditWindow(8) three multipliers(2 each) paused(1)
        let mut w2 = [0u8; 32];
        w2[..8].copy_from_slice(&100u64.to_be_bytes());
        w2[8..16].copy_from_slice(&200u64.to_be_bytes());
        w2[16..24].copy_from_slice(&300u64.to_be_bytes());
        for (i, bps) in [10_000u16, 12_500, 15_000].iter().enumerate() {
            w2[24 + 2 * i..26 + 2 * i].copy_from_slice(&bps.to_be_bytes());
        }
        w2[30] = 1;
        let word = U256::from_be_bytes;
        let t = TaskTerms::decode([
            word(w0),
            word(w1),
            word(w2),
            U256::from(2),
            U256::from(10),
            U256::from(7),
        ])
        .unwrap();
        assert_eq!(t.requester, Address::repeat_byte(0x11));
        assert_eq!(
            (
                t.item_count,
                t.num_classes,
                t.labellers_per_item,
                t.min_tier,
                t.status,
                t.threshold_bps
            ),
            (4, 3, 3, Tier::Silver, TaskStatus::Open, 6000)
        );
        assert_eq!(t.payment_token, Address::repeat_byte(0x22));
        assert_eq!(
            (
                t.audit_rate_bps,
                t.fee_bps,
                t.slash_bps,
                t.no_reveal_slash_bps,
                t.slash_burn_bps,
                t.auditor_share_bps
            ),
            (100, 250, 2_000, 10_000, 5_000, 1_000)
        );
        assert_eq!(
            (t.commit_end, t.reveal_end, t.audit_window, t.paused),
            (100, 200, 300, true)
        );
        assert_eq!(
            (t.standard_bps, t.strong_bps, t.audited_bps),
            (10_000, 12_500, 15_000)
        );
        assert_eq!(
            (t.reward_per_label, t.stake_per_label, t.emission_cap),
            (U256::from(2), U256::from(10), U256::from(7))
        );
    }

    #[test]
    fn terms_with_a_status_the_registry_never_stores_are_refused() {
        let mut w0 = [0u8; 32];
        w0[28] = 3;
        let e = TaskTerms::decode([
            U256::from_be_bytes(w0),
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
        ])
        .unwrap_err();
        assert_eq!(
            e,
            UnknownCode {
                what: "task status",
                code: 3
            }
        );
    }

    #[test]
    fn an_item_without_a_tier_has_no_quality() {
        let open = Item::decode((1, 2, 0, 0, 0, 0, 0)).unwrap();
        assert_eq!((open.status, open.quality), (ItemStatus::Open, None));
        let audited = Item::decode((4, 3, 3, 1, 3, 2, 0)).unwrap();
        assert_eq!(
            (audited.status, audited.quality),
            (ItemStatus::Final, Some(Quality::Audited))
        );
        assert!(Item::decode((6, 0, 0, 0, 0, 0, 0)).is_err());
        assert!(Item::decode((4, 0, 0, 0, 4, 0, 0)).is_err());
    }

    /// `(NAME, code)` of each `pub const NAME: u8 = code;` in `pub mod <module> { … }` of a
    /// contract source file.
    fn contract_codes(source: &str, module: &str) -> Vec<(String, u8)> {
        let start = format!("pub mod {module} {{");
        let body = source
            .split_once(&start)
            .unwrap_or_else(|| panic!("no `{start}` in the contract source"))
            .1;
        let body = body.split_once("\n}").expect("the module ends").0;
        body.lines()
            .filter_map(|l| l.trim().strip_prefix("pub const "))
            .filter_map(|l| l.split_once(": u8 = "))
            .map(|(name, code)| {
                let code = code.trim_end_matches(';').parse().expect("a u8 literal");
                (name.to_string(), code)
            })
            .collect()
    }

    /// `PendingAudit` -> `PENDING_AUDIT`.
    fn screaming(name: &str) -> String {
        let mut out = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
        }
        out
    }

    fn host_codes<T: std::fmt::Debug + Copy + Into<u8>>(all: &[T]) -> Vec<(String, u8)> {
        all.iter()
            .map(|v| (screaming(&format!("{v:?}")), (*v).into()))
            .collect()
    }

    #[test]
    fn the_codes_are_the_ones_the_contracts_declare() {
        let terms = include_str!("../../contracts/protocol/src/terms.rs");
        let limits = include_str!("../../contracts/protocol/src/limits.rs");
        let verifier = include_str!("../../contracts/consensus-verifier/src/state.rs");
        assert_eq!(host_codes(TaskStatus::ALL), contract_codes(terms, "status"));
        assert_eq!(
            host_codes(ItemStatus::ALL),
            contract_codes(verifier, "item_status")
        );
        assert_eq!(
            host_codes(VoidReason::ALL),
            contract_codes(verifier, "void_reason")
        );
        assert_eq!(host_codes(Tier::ALL), contract_codes(limits, "tier"));
        let quality: Vec<_> = Quality::ALL
            .iter()
            .map(|q| (screaming(&format!("{q:?}")), *q as u8))
            .collect();
        assert_eq!(quality, contract_codes(limits, "quality"));
    }

    #[test]
    fn codes_serialise_as_the_programs_numbers() {
        let json = serde_json::to_string(&(TaskStatus::Cancelled, Tier::Gold)).unwrap();
        assert_eq!(json, "[2,2]");
    }
}
