//! Grants: a dataset version's data key, age-encrypted to one pipeline's recipient.
//! The bytes are what `grantAccess(task, pipeline, wrappedKey)` stores on chain.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::keys::{Identity, Recipient};

/// A wrapped key larger than this is not a grant (a grant's JSON is ~130 bytes).
const MAX_WRAPPED: usize = 16 * 1024;

/// A dataset version's data key as granted to a pipeline. Revocation is a new version
/// with a new data key, granted only to the pipelines that keep access.
#[derive(Debug, Clone)]
pub struct Grant {
    pub task: u64,
    pub version: u32,
    pub data_key: Identity,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantJson {
    task: u64,
    version: u32,
    key: String,
}

/// The `wrappedKey` for `grant`: binary age (no armor), to `to`, of the UTF-8 JSON
/// `{"task":T,"version":V,"key":"AGE-SECRET-KEY-1…"}`.
pub fn wrap(grant: &Grant, to: &Recipient) -> Result<Vec<u8>> {
    let json = GrantJson {
        task: grant.task,
        version: grant.version,
        key: grant.data_key.to_secret_string(),
    };
    let text = Zeroizing::new(serde_json::to_vec(&json).map_err(|e| Error::BadGrant {
        problem: e.to_string(),
    })?);
    let _wipe = Zeroizing::new(json.key);
    let mut out = Vec::new();
    crate::encrypt(text.as_slice(), &mut out, std::slice::from_ref(to))?;
    Ok(out)
}

/// Opens a `wrappedKey` with the pipeline's identity.
pub fn unwrap(wrapped: &[u8], with: &Identity) -> Result<Grant> {
    if wrapped.len() > MAX_WRAPPED {
        return Err(Error::BadGrant {
            problem: format!("{} bytes, more than a grant can be", wrapped.len()),
        });
    }
    let mut text = Zeroizing::new(Vec::new());
    crate::decrypt(wrapped, &mut *text, with)?;
    let json: GrantJson = serde_json::from_slice(&text).map_err(|e| Error::BadGrant {
        problem: format!("not the grant JSON ({e})"),
    })?;
    let key = Zeroizing::new(json.key);
    let data_key = key.parse().map_err(|e| Error::BadGrant {
        problem: format!("its key does not parse ({e})"),
    })?;
    Ok(Grant {
        task: json.task,
        version: json.version,
        data_key,
    })
}
