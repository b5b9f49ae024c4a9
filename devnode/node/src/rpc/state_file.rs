//! `--state FILE`: the chain (see `Chain::dump`) and the signed bytes of every transaction
//! (for `eth_getTransactionByHash`), as JSON. Written to `FILE.tmp` and renamed over
//! `FILE`, so a crash mid-write leaves the previous state intact.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use revm::primitives::{Bytes, B256};

use crate::chain::{ChainDump, DumpError, STATE_VERSION};
use crate::Chain;

#[derive(Debug, thiserror::Error)]
pub enum StateFileError {
    #[error("reading state file {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("writing state file {0}: {1}")]
    Write(PathBuf, std::io::Error),
    #[error("state file {0} is not a devnode state: {1}")]
    Format(PathBuf, serde_json::Error),
    #[error("state file {0}: {1}")]
    Dump(PathBuf, DumpError),
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StateFile {
    chain: ChainDump,
    transactions: BTreeMap<B256, Bytes>,
}

/// Signed transaction bytes by hash.
pub type RawTxs = HashMap<B256, Bytes>;

/// The chain and transactions in `path`, or `None` when the file does not exist yet.
pub fn load(path: &Path) -> Result<Option<(Chain, RawTxs)>, StateFileError> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StateFileError::Read(path.into(), e)),
    };
    let format = |e| StateFileError::Format(path.into(), e);
    // The text is parsed once. The version is read first, so a file of another layout is
    // named as such rather than reported as whichever field no longer parses; a version
    // that is missing or not a u32 is left to the typed read below to report.
    let json: serde_json::Value = serde_json::from_slice(&text).map_err(format)?;
    let version = json
        .pointer("/chain/version")
        .and_then(serde_json::Value::as_u64);
    if let Some(version) = version.and_then(|v| u32::try_from(v).ok()) {
        if version != STATE_VERSION {
            return Err(StateFileError::Dump(
                path.into(),
                DumpError::Version(version),
            ));
        }
    }
    let file: StateFile = serde_json::from_value(json).map_err(format)?;
    let chain = Chain::from_dump(file.chain).map_err(|e| StateFileError::Dump(path.into(), e))?;
    Ok(Some((chain, file.transactions.into_iter().collect())))
}

pub fn save(path: &Path, chain: &Chain, txs: &HashMap<B256, Bytes>) -> Result<(), StateFileError> {
    let file = StateFile {
        chain: chain.dump(),
        transactions: txs.iter().map(|(k, v)| (*k, v.clone())).collect(),
    };
    let write = |e| StateFileError::Write(path.into(), e);
    let text = serde_json::to_vec(&file).map_err(|e| write(std::io::Error::other(e)))?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text).map_err(write)?;
    std::fs::rename(&tmp, path).map_err(write)
}
