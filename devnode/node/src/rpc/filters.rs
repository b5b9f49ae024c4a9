//! Log queries (`eth_getLogs`) and polling filters (`eth_newFilter`,
//! `eth_newBlockFilter`, `eth_getFilterChanges`): a filter remembers the next block it
//! has not reported; idle filters expire after five minutes, as in geth.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use revm::primitives::{Address, B256};
use serde_json::Value;

use super::types::{log_json, qty, BlockId, RpcError};
use crate::Chain;

const EXPIRY: Duration = Duration::from_secs(300);
/// The widest block range one `eth_getLogs` may scan.
const MAX_RANGE: u64 = 100_000;

/// The criteria of `eth_getLogs` / `eth_newFilter`.
#[derive(Clone, Debug, Default)]
pub struct LogFilter {
    pub from: Option<BlockId>,
    pub to: Option<BlockId>,
    pub block_hash: Option<B256>,
    /// Any of these (empty: any address).
    pub addresses: Vec<Address>,
    /// Per position: any of these (`None`: anything).
    pub topics: Vec<Option<Vec<B256>>>,
}

fn one_or_many<T: serde::de::DeserializeOwned>(v: &Value, what: &str) -> Result<Vec<T>, RpcError> {
    let bad = |e: serde_json::Error| RpcError::params(format!("invalid {what}: {e}"));
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|i| T::deserialize(i).map_err(bad))
            .collect(),
        other => Ok(vec![T::deserialize(other).map_err(bad)?]),
    }
}

impl LogFilter {
    pub fn parse(v: &Value) -> Result<LogFilter, RpcError> {
        let Value::Object(o) = v else {
            return Err(RpcError::params("the filter must be an object"));
        };
        let tag = |k: &str| {
            o.get(k)
                .filter(|v| !v.is_null())
                .map(|v| BlockId::parse(Some(v)))
                .transpose()
        };
        let block_hash = match o.get("blockHash") {
            None | Some(Value::Null) => None,
            Some(h) => Some(
                B256::deserialize(h)
                    .map_err(|e| RpcError::params(format!("invalid blockHash: {e}")))?,
            ),
        };
        let mut topics = Vec::new();
        if let Some(t) = o.get("topics").filter(|t| !t.is_null()) {
            let Value::Array(list) = t else {
                return Err(RpcError::params("topics must be an array"));
            };
            if list.len() > 4 {
                return Err(RpcError::params("too many topics: at most 4 positions"));
            }
            for t in list {
                topics.push(if t.is_null() {
                    None
                } else {
                    Some(one_or_many(t, "topic")?)
                });
            }
        }
        let f = LogFilter {
            from: tag("fromBlock")?,
            to: tag("toBlock")?,
            block_hash,
            addresses: one_or_many(o.get("address").unwrap_or(&Value::Null), "address")?,
            topics,
        };
        if f.block_hash.is_some() && (f.from.is_some() || f.to.is_some()) {
            return Err(RpcError::params(
                "blockHash cannot be combined with fromBlock/toBlock",
            ));
        }
        Ok(f)
    }

    fn matches(&self, log: &revm::primitives::Log) -> bool {
        if !self.addresses.is_empty() && !self.addresses.contains(&log.address) {
            return false;
        }
        let topics = log.topics();
        self.topics.iter().enumerate().all(|(i, want)| match want {
            None => true,
            Some(any) if any.is_empty() => true,
            Some(any) => topics.get(i).is_some_and(|t| any.contains(t)),
        })
    }

    /// The block range it covers now.
    fn range(&self, chain: &Chain) -> Result<(u64, u64), RpcError> {
        if let Some(h) = self.block_hash {
            let b = chain
                .block_by_hash(h)
                .ok_or_else(|| RpcError::server("unknown block"))?;
            return Ok((b.number, b.number));
        }
        let latest = chain.block_number();
        // A number past the head is allowed (the range is clipped); an unknown hash is not.
        let end = |id: Option<BlockId>| match id {
            None => Ok(latest),
            Some(id) => match (id.resolve(chain), id) {
                (Some(n), _) | (None, BlockId::Number(n)) => Ok(n),
                (None, _) => Err(RpcError::server("unknown block")),
            },
        };
        Ok((end(self.from)?, end(self.to)?.min(latest)))
    }

    /// Matching logs in blocks `from..=to`.
    pub fn logs_in(&self, chain: &Chain, from: u64, to: u64) -> Result<Vec<Value>, RpcError> {
        if to >= from && to - from > MAX_RANGE {
            return Err(RpcError::server(format!(
                "block range too large: at most {MAX_RANGE} blocks"
            )));
        }
        let mut out = Vec::new();
        for n in from..=to {
            let Some(block) = chain.block(n) else { break };
            let mut index = 0u64;
            for r in super::types::block_receipts(chain, block) {
                for log in &r.logs {
                    if self.matches(log) {
                        let mut v = log_json(log, r, index);
                        v["blockTimestamp"] = qty(block.timestamp);
                        out.push(v);
                    }
                    index += 1;
                }
            }
        }
        Ok(out)
    }

    pub fn logs(&self, chain: &Chain) -> Result<Vec<Value>, RpcError> {
        let (from, to) = self.range(chain)?;
        self.logs_in(chain, from, to)
    }
}

enum Kind {
    Logs(LogFilter),
    Blocks,
}

struct Filter {
    kind: Kind,
    /// The first block not yet reported.
    next: u64,
    polled: Instant,
}

#[derive(Default)]
pub struct Filters {
    next_id: u64,
    filters: HashMap<u64, Filter>,
}

fn not_found() -> RpcError {
    RpcError::server("filter not found")
}

impl Filters {
    fn add(&mut self, kind: Kind, next: u64) -> Value {
        self.filters.retain(|_, f| f.polled.elapsed() < EXPIRY);
        self.next_id += 1;
        self.filters.insert(
            self.next_id,
            Filter {
                kind,
                next,
                polled: Instant::now(),
            },
        );
        qty(self.next_id)
    }

    pub fn new_logs(&mut self, filter: LogFilter, chain: &Chain) -> Value {
        self.add(Kind::Logs(filter), chain.block_number() + 1)
    }

    pub fn new_blocks(&mut self, chain: &Chain) -> Value {
        self.add(Kind::Blocks, chain.block_number() + 1)
    }

    pub fn remove(&mut self, id: u64) -> bool {
        self.filters.remove(&id).is_some()
    }

    /// What happened since the last poll: new logs, or new block hashes.
    pub fn changes(&mut self, id: u64, chain: &Chain) -> Result<Value, RpcError> {
        let f = self.filters.get_mut(&id).ok_or_else(not_found)?;
        f.polled = Instant::now();
        let latest = chain.block_number();
        // After evm_revert the chain may be shorter than what was reported.
        let from = f.next.min(latest + 1);
        f.next = latest + 1;
        match &f.kind {
            Kind::Blocks => Ok(Value::Array(
                (from..=latest)
                    .filter_map(|n| chain.block(n).map(|b| serde_json::json!(b.hash)))
                    .collect(),
            )),
            Kind::Logs(filter) => {
                let (lo, hi) = filter.range(chain)?;
                // Without fromBlock a filter reports everything after its creation.
                let lo = if filter.from.is_some() {
                    lo.max(from)
                } else {
                    from
                };
                if lo > hi {
                    return Ok(Value::Array(Vec::new()));
                }
                Ok(Value::Array(filter.logs_in(chain, lo, hi)?))
            }
        }
    }

    pub fn logs(&mut self, id: u64, chain: &Chain) -> Result<Value, RpcError> {
        let f = self.filters.get_mut(&id).ok_or_else(not_found)?;
        f.polled = Instant::now();
        match &f.kind {
            Kind::Logs(filter) => Ok(Value::Array(filter.logs(chain)?)),
            Kind::Blocks => Err(RpcError::server("filter is not a log filter")),
        }
    }
}

use serde::Deserialize;
