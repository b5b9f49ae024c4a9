//! The deployable program bytes (`<snake>.deploy`: `EF F0 00 00` + brotli), read from the
//! packager's output directory, built first with `cargo packager build` when asked.

use std::path::{Path, PathBuf};
use std::process::Command;

use alloy::primitives::{keccak256, Bytes, B256};

use crate::error::{Error, Result};

/// The five programs. [`ProgramId::ALL`] is the deployment order: each one's constructor
/// takes the addresses of programs before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProgramId {
    RewardToken,
    StakingEscrow,
    TaskRegistry,
    ConsensusVerifier,
    DatasetRegistry,
}

impl ProgramId {
    pub const ALL: [ProgramId; 5] = [
        ProgramId::RewardToken,
        ProgramId::StakingEscrow,
        ProgramId::TaskRegistry,
        ProgramId::ConsensusVerifier,
        ProgramId::DatasetRegistry,
    ];

    /// The packager's file stem (`<name>.deploy`) and the deployments file's key.
    pub fn name(self) -> &'static str {
        match self {
            ProgramId::RewardToken => "reward_token",
            ProgramId::StakingEscrow => "staking_escrow",
            ProgramId::TaskRegistry => "task_registry",
            ProgramId::ConsensusVerifier => "consensus_verifier",
            ProgramId::DatasetRegistry => "dataset_registry",
        }
    }
}

/// One program's deployable code.
#[derive(Clone, Debug)]
pub struct Program {
    pub id: ProgramId,
    /// `id.name()`, kept for messages.
    pub name: &'static str,
    pub code: Bytes,
    /// keccak256 of the code: what ArbWasm keys activations by.
    pub codehash: B256,
}

/// The 12-byte EVM prelude that returns the rest of the init code as the contract's code,
/// byte for byte as cargo-stylus builds it: the devnode's definition, so CREATE2 addresses
/// computed here and by the node's StylusDeployer agree by construction.
pub fn init_code(code: &[u8]) -> Vec<u8> {
    devnode::deployer::init_code(code).to_vec()
}

/// The repository root: the nearest ancestor of the working directory holding
/// `contracts/Cargo.toml`, else the one this crate was built in.
pub fn repo_root() -> PathBuf {
    if let Ok(mut dir) = std::env::current_dir() {
        loop {
            if dir.join("contracts/Cargo.toml").is_file() {
                return dir;
            }
            if !dir.pop() {
                break;
            }
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

pub fn default_dir() -> PathBuf {
    repo_root().join("contracts/target/programs")
}

fn missing(dir: &Path) -> Vec<&'static str> {
    ProgramId::ALL
        .iter()
        .map(|p| p.name())
        .filter(|p| !dir.join(format!("{p}.deploy")).is_file())
        .collect()
}

/// Runs `cargo packager build` in `contracts/`.
pub fn build(root: &Path) -> Result<()> {
    let contracts = root.join("contracts");
    if !contracts.join("Cargo.toml").is_file() {
        return Err(Error::Build(format!(
            "no contracts workspace at {}",
            contracts.display()
        )));
    }
    let status = Command::new("cargo")
        .args(["packager", "build"])
        .current_dir(&contracts)
        .status()
        .map_err(|e| Error::Build(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(Error::Build(format!(
            "`cargo packager build` in {} exited with {status}",
            contracts.display()
        )));
    }
    Ok(())
}

/// Loads the five programs from `dir`. When files are missing and `build` is set, runs
/// the packager first (only for the repository's own output directory).
pub fn load(dir: &Path, build_if_missing: bool, on_build: impl FnOnce()) -> Result<Vec<Program>> {
    let absent = missing(dir);
    if !absent.is_empty() {
        if build_if_missing && dir == default_dir() {
            on_build();
            build(&repo_root())?;
        } else {
            return Err(Error::ProgramsMissing {
                dir: dir.to_path_buf(),
                missing: absent
                    .iter()
                    .map(|p| format!("{p}.deploy"))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let still = missing(dir);
        if !still.is_empty() {
            return Err(Error::ProgramsMissing {
                dir: dir.to_path_buf(),
                missing: still.join(", "),
            });
        }
    }
    ProgramId::ALL
        .iter()
        .map(|&id| {
            let name = id.name();
            let path = dir.join(format!("{name}.deploy"));
            let code = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            if !code.starts_with(&[0xEF, 0xF0, 0x00]) {
                return Err(Error::Config(format!(
                    "{} is not a Stylus program (no EF F0 00 prefix)",
                    path.display()
                )));
            }
            Ok(Program {
                id,
                name,
                codehash: keccak256(&code),
                code: code.into(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(dir.path(), true, || panic!("no build outside the repo")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("reward_token.deploy"), "{msg}");
        assert!(msg.contains("cargo packager build"), "{msg}");
    }
}
