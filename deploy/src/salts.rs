//! Commit salts, kept on disk before the commit is sent so a reveal can never be lost.
//! One file per (chain, verifier, task, item, labeller), created with `create_new` and
//! fsynced: an existing file is never overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::sol_types::SolValue;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaltRecord {
    pub chain_id: u64,
    pub verifier: Address,
    pub task: u64,
    pub item: u32,
    pub labeller: Address,
    pub label: u8,
    pub salt: B256,
    pub commitment: B256,
}

/// `keccak256(abi.encode(uint256 chainId, address verifier, uint64 task, uint32 item,
/// address labeller, uint8 label, bytes32 salt))` (README, "Formulas clients must
/// reproduce").
pub fn commitment(
    chain_id: u64,
    verifier: Address,
    task: u64,
    item: u32,
    labeller: Address,
    label: u8,
    salt: B256,
) -> B256 {
    keccak256(
        (
            U256::from(chain_id),
            verifier,
            task,
            item,
            labeller,
            U256::from(label),
            salt,
        )
            .abi_encode(),
    )
}

pub fn default_dir() -> PathBuf {
    PathBuf::from(".labelchain/salts")
}

pub fn path(
    dir: &Path,
    chain_id: u64,
    verifier: Address,
    task: u64,
    item: u32,
    labeller: Address,
) -> PathBuf {
    dir.join(format!("{chain_id}-{verifier}"))
        .join(format!("task{task}-item{item}-{labeller}.json"))
}

/// A fresh random salt and its commitment, written to a new file (refused if one exists).
pub fn create(
    dir: &Path,
    chain_id: u64,
    verifier: Address,
    task: u64,
    item: u32,
    labeller: Address,
    label: u8,
) -> Result<(PathBuf, SaltRecord)> {
    let p = path(dir, chain_id, verifier, task, item, labeller);
    if let Some(existing) = read(&p)? {
        return Err(Error::CommitExists {
            task,
            item,
            labeller,
            label: existing.label,
            path: p,
        });
    }
    let salt = B256::random();
    let record = SaltRecord {
        chain_id,
        verifier,
        task,
        item,
        labeller,
        label,
        salt,
        commitment: commitment(chain_id, verifier, task, item, labeller, label, salt),
    };
    let parent = p.parent().expect("a file in a directory");
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let text = serde_json::to_string_pretty(&record).expect("serializable");
    let mut f = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&p)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::CommitExists {
                task,
                item,
                labeller,
                label,
                path: p,
            })
        }
        Err(e) => return Err(Error::io(&p, e)),
    };
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io(&p, e))?;
    if let Ok(d) = std::fs::File::open(parent) {
        let _ = d.sync_all();
    }
    Ok((p, record))
}

pub fn read(p: &Path) -> Result<Option<SaltRecord>> {
    match std::fs::read_to_string(p) {
        Ok(t) => serde_json::from_str(&t)
            .map(Some)
            .map_err(|e| Error::State {
                path: p.into(),
                detail: format!("not a salt file: {e}"),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(p, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let (v, l) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let (p, r) = create(dir.path(), 412_346, v, 1, 0, l, 2).unwrap();
        assert_eq!(read(&p).unwrap().unwrap(), r);
        assert_eq!(
            r.commitment,
            commitment(412_346, v, 1, 0, l, 2, r.salt),
            "recomputable"
        );
        let e = create(dir.path(), 412_346, v, 1, 0, l, 1).unwrap_err();
        assert!(matches!(e, Error::CommitExists { label: 2, .. }), "{e}");
        assert_eq!(read(&p).unwrap().unwrap(), r, "the first salt survives");
    }
}
