//! `deployments/<chainId>.json`: what was deployed where, by which transactions, with
//! which parameters. Written after every step with an atomic replace (temporary file in
//! the same directory, fsync, rename), so a crash leaves either the old or the new file,
//! never half of one.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use alloy::primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub const SCHEMA: u32 = 1;

/// Deploy-time parameters (everything that goes into constructors and wiring).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Params {
    pub admin: Address,
    pub treasury: Address,
    pub cap: U256,
    pub genesis_supply: U256,
    pub halving_interval: u64,
    pub unbonding_period: u64,
    /// Extra payment tokens allow-listed on the registry (LBL is allowed from the start).
    pub payment_tokens: Vec<Address>,
    pub auditors: Vec<Address>,
    /// Salt label: the CREATE2 salts are derived from it.
    pub salt: String,
    pub deployer: Address,
}

/// One deployed program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractRecord {
    pub address: Address,
    /// The deploy transaction, or `None` when the program was found already on chain.
    pub tx_hash: Option<B256>,
    pub block: Option<u64>,
    pub gas_used: Option<u64>,
    /// The activation data fee paid (wei), as ArbWasm reported it to `eth_call`.
    pub data_fee: U256,
    pub codehash: B256,
    pub code_size: usize,
    pub stylus_version: u16,
}

/// One wiring / allow-list step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepRecord {
    pub tx_hash: Option<B256>,
    pub block: Option<u64>,
    pub gas_used: Option<u64>,
}

/// The demo `labelchain up` seeds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoRecord {
    pub task: u64,
    pub requester: Address,
    pub labellers: Vec<Address>,
    pub items: u32,
    /// The demo items' manifest (absent in demos seeded before the demo had files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<std::path::PathBuf>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    pub schema: u32,
    pub chain_id: u64,
    pub network: String,
    /// Tells a restarted devnode (new genesis) from the one this file describes.
    pub genesis_hash: B256,
    pub params: Params,
    /// By program name (`reward_token`, …).
    pub contracts: BTreeMap<String, ContractRecord>,
    /// By step id (`wire:token.setMinter`, …).
    pub steps: BTreeMap<String, StepRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demo: Option<DemoRecord>,
    /// True once every step is done and checked.
    pub complete: bool,
}

/// Addresses of the five programs, for the operation commands.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Addresses {
    pub token: Address,
    pub escrow: Address,
    pub registry: Address,
    pub verifier: Address,
    pub datasets: Address,
    /// The first block of the deployment (its earliest recorded program deploy): no
    /// protocol event is older, so every log scan starts here rather than at block 0 — on
    /// a long chain that is most of its blocks. 0 when a program's block is unknown (it was
    /// found already deployed).
    pub deployed_at: u64,
}

impl Deployment {
    pub fn addresses(&self) -> Option<Addresses> {
        let a = |n: &str| self.contracts.get(n).map(|c| c.address);
        Some(Addresses {
            token: a("reward_token")?,
            escrow: a("staking_escrow")?,
            registry: a("task_registry")?,
            verifier: a("consensus_verifier")?,
            datasets: a("dataset_registry")?,
            deployed_at: self.first_block(),
        })
    }

    /// The earliest block a program of this deployment was deployed in, 0 if any is unknown.
    pub fn first_block(&self) -> u64 {
        self.contracts
            .values()
            .map(|c| c.block)
            .collect::<Option<Vec<u64>>>()
            .and_then(|blocks| blocks.into_iter().min())
            .unwrap_or(0)
    }

    pub fn total_gas(&self) -> u64 {
        self.contracts
            .values()
            .filter_map(|c| c.gas_used)
            .chain(self.steps.values().filter_map(|s| s.gas_used))
            .sum()
    }
}

pub fn path_for(dir: &Path, chain_id: u64) -> PathBuf {
    dir.join(format!("{chain_id}.json"))
}

/// Reads a deployments file; `None` if there is none.
/// The deployment recorded for `chain_id` under `deployments_dir`, with its path and its
/// programs' addresses; [`Error::NoDeployment`] when there is none (or it has no programs).
pub fn load_deployed(
    deployments_dir: &Path,
    chain_id: u64,
) -> Result<(PathBuf, Deployment, Addresses)> {
    let path = path_for(deployments_dir, chain_id);
    let none = |path: &Path| Error::NoDeployment {
        chain_id,
        path: path.to_path_buf(),
    };
    let d = load(&path)?.ok_or_else(|| none(&path))?;
    let a = d.addresses().ok_or_else(|| none(&path))?;
    Ok((path, d, a))
}

pub fn load(path: &Path) -> Result<Option<Deployment>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let d: Deployment = serde_json::from_str(&text).map_err(|e| Error::State {
        path: path.into(),
        detail: format!("not a deployments file: {e}"),
    })?;
    if d.schema != SCHEMA {
        return Err(Error::State {
            path: path.into(),
            detail: format!("schema {} (this labelchain reads {SCHEMA})", d.schema),
        });
    }
    Ok(Some(d))
}

/// Writes `bytes` to `path` atomically: a temporary sibling, fsync, rename, fsync dir.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

pub fn save(path: &Path, d: &Deployment) -> Result<()> {
    let mut text = serde_json::to_string_pretty(d).expect("a deployment serializes");
    text.push('\n');
    write_atomic(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Deployment {
        Deployment {
            schema: SCHEMA,
            chain_id: 412_346,
            network: "devnode".into(),
            genesis_hash: B256::repeat_byte(1),
            params: Params {
                admin: Address::repeat_byte(2),
                treasury: Address::repeat_byte(3),
                cap: U256::from(10),
                genesis_supply: U256::from(1),
                halving_interval: 5,
                unbonding_period: 3600,
                payment_tokens: vec![],
                auditors: vec![Address::repeat_byte(4)],
                salt: "v1".into(),
                deployer: Address::repeat_byte(5),
            },
            contracts: BTreeMap::new(),
            steps: BTreeMap::new(),
            demo: None,
            complete: false,
        }
    }

    #[test]
    fn round_trip_and_atomic_replace() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_for(&dir.path().join("deployments"), 412_346);
        assert!(load(&path).unwrap().is_none());
        let mut d = sample();
        save(&path, &d).unwrap();
        d.complete = true;
        save(&path, &d).unwrap();
        assert_eq!(load(&path).unwrap().unwrap(), d);
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["412346.json"], "no temporary file left behind");
    }

    #[test]
    fn garbage_is_refused_with_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("1.json");
        std::fs::write(&path, "{").unwrap();
        let e = load(&path).unwrap_err().to_string();
        assert!(e.contains("1.json"), "{e}");
    }
}
