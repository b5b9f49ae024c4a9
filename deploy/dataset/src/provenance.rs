//! What the export says about where its rows came from: [`CardInfo`] is given by the
//! caller (the chain's facts and the export's options), [`Stats`] is counted by the
//! writer from the rows themselves, and [`Provenance`] is both, written as
//! `labelchain.json` and read back by `open()`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Row, Split, Status};
use crate::split::SplitSpec;

/// The version of this layout; `open()` refuses any other.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    /// e.g. "TaskRegistry".
    pub name: String,
    /// 0x-prefixed address.
    pub address: String,
}

/// The chain's facts and the export's options, for the card and `labelchain.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardInfo {
    /// The card's heading, e.g. "Labelchain task 3: cats and dogs".
    pub title: String,
    pub chain_id: u64,
    pub contracts: Vec<Contract>,
    pub task: u64,
    /// The task's labelsDigest (0x-prefixed hex) that the exported labels replay to.
    pub labels_digest: String,
    /// How many items were final when the digest was read (the last item's `seq`; seq
    /// counts from 1).
    pub seq: u64,
    /// The block the chain was read at.
    pub block: u64,
    pub items_in_task: u32,
    /// The task's dataRoot (0x-prefixed hex), every manifest line was checked against.
    pub data_root: String,
    /// SHA-256 (hex) of the item manifest the rows' uri/sha256 came from.
    pub manifest_sha256: String,
    /// Only accepted items (true) or every item with its status (false).
    pub accepted_only: bool,
    pub min_tier: Option<u8>,
}

/// Counted from the rows written, so the card cannot disagree with the files.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stats {
    pub items: u64,
    /// Rows per tier ("1", "2", "3"; "none" for rows without a tier).
    pub tiers: BTreeMap<String, u64>,
    pub statuses: BTreeMap<Status, u64>,
    pub splits: BTreeMap<Split, u64>,
    /// Over the rows that have an agreement.
    pub agreement_mean: Option<f64>,
    pub agreement_min: Option<f64>,
}

/// The writer's running [`Stats`] (the mean needs a sum and a count).
#[derive(Default)]
pub(crate) struct Tally {
    pub stats: Stats,
    agreement_sum: f64,
    agreement_n: u64,
}

impl Tally {
    pub(crate) fn add(&mut self, row: &Row, split: Split) {
        let s = &mut self.stats;
        s.items += 1;
        let tier = row
            .tier
            .map_or_else(|| "none".to_string(), |t| t.to_string());
        *s.tiers.entry(tier).or_default() += 1;
        *s.statuses.entry(row.status).or_default() += 1;
        *s.splits.entry(split).or_default() += 1;
        if let Some(a) = row.agreement {
            self.agreement_sum += a;
            self.agreement_n += 1;
            s.agreement_min = Some(s.agreement_min.map_or(a, |m| m.min(a)));
            // Precision loss is irrelevant for a u64 row count.
            #[allow(clippy::cast_precision_loss)]
            let mean = self.agreement_sum / self.agreement_n as f64;
            s.agreement_mean = Some(mean);
        }
    }
}

/// `labelchain.json`: everything `verify` needs to know about the export besides its files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    pub format_version: u32,
    /// Label `i` is `classes[i]`.
    pub classes: Vec<String>,
    pub split: SplitSpec,
    pub card: CardInfo,
    pub stats: Stats,
}
