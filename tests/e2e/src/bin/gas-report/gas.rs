//! What the report keeps of each transaction: its gasUsed, and the two parts of the floor
//! that come from the transaction itself rather than from counting storage operations —
//! its calldata and the logs it emitted — grouped by function and k.

use std::collections::BTreeMap;

use alloy::rpc::types::{Log, TransactionRequest};
use labelchain::chain::{Conn, Sent};

/// One sent transaction.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub used: u64,
    /// Intrinsic gas of its calldata ([`calldata_gas`]).
    pub calldata: u64,
    /// Gas of the logs it emitted ([`log_gas`]).
    pub logs: u64,
}

/// Calldata's share of intrinsic gas (EIP-2028): 4 per zero byte, 16 per other byte.
pub fn calldata_gas(data: &[u8]) -> u64 {
    data.iter().map(|&b| if b == 0 { 4 } else { 16 }).sum()
}

/// LOG gas (yellow paper, `LOGn`): 375 per log, 375 per topic, 8 per data byte.
pub fn log_gas(logs: &[Log]) -> u64 {
    logs.iter()
        .map(|l| 375 + 375 * l.topics().len() as u64 + 8 * l.data().data.len() as u64)
        .sum()
}

/// Sends `tx` and returns the receipt with its sample; panics with `what` if it fails
/// (a benchmark has no recovery path: a failed call means the scenario is wrong).
pub async fn send(conn: &Conn, what: &str, tx: TransactionRequest) -> (Sent, Sample) {
    let calldata = calldata_gas(tx.input.input().map(|b| b.as_ref()).unwrap_or_default());
    let sent = conn
        .send(what, tx)
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let sample = Sample {
        used: sent.gas_used,
        calldata,
        logs: log_gas(&sent.logs),
    };
    (sent, sample)
}

/// Samples by function name and k (0 = does not depend on k).
#[derive(Default)]
pub struct Gas(BTreeMap<(String, u8), Vec<Sample>>);

impl Gas {
    pub fn add(&mut self, name: &str, k: u8, s: Sample) {
        self.0.entry((name.into(), k)).or_default().push(s);
    }

    /// Every `(name, k, samples)` recorded.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u8, &[Sample])> {
        self.0
            .iter()
            .map(|((name, k), v)| (name.as_str(), *k, v.as_slice()))
    }

    fn samples(&self, name: &str, k: u8) -> &[Sample] {
        self.0
            .get(&(name.to_string(), k))
            .unwrap_or_else(|| panic!("{name} at k={k} was not measured"))
    }

    /// Mean of `part` over the samples (integer division: the report shows whole gas).
    pub fn mean_of(&self, name: &str, k: u8, part: impl Fn(&Sample) -> u64) -> u64 {
        let v = self.samples(name, k);
        v.iter().map(part).sum::<u64>() / v.len() as u64
    }

    /// Mean gasUsed.
    pub fn get(&self, name: &str, k: u8) -> u64 {
        self.mean_of(name, k, |s| s.used)
    }

    /// `(mean, min, max)` of gasUsed.
    pub fn spread(&self, name: &str, k: u8) -> (u64, u64, u64) {
        let v = self.samples(name, k);
        let lo = v.iter().map(|s| s.used).min().unwrap_or_default();
        let hi = v.iter().map(|s| s.used).max().unwrap_or_default();
        (self.get(name, k), lo, hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calldata_costs_4_per_zero_byte_and_16_per_other_byte() {
        assert_eq!(calldata_gas(&[0, 0, 1, 0xff]), 4 + 4 + 16 + 16);
        assert_eq!(calldata_gas(&[]), 0);
    }

    #[test]
    fn a_log_costs_375_plus_375_per_topic_plus_8_per_data_byte() {
        let data = alloy::primitives::LogData::new_unchecked(
            vec![Default::default(); 3],
            vec![0u8; 64].into(),
        );
        let log = Log {
            inner: alloy::primitives::Log {
                address: Default::default(),
                data,
            },
            ..Default::default()
        };
        assert_eq!(log_gas(&[log.clone(), log]), 2 * (375 + 3 * 375 + 8 * 64));
    }
}
