//! The event a trigger carries (DESIGN §5), its idempotency key and the webhook signature.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The JSON body of a trigger: which dataset version was published, where, and when the
/// trigger started. Field names are the wire format receivers parse: keep them stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub chain_id: u64,
    /// The DatasetRegistry contract address, `0x…`.
    pub registry: String,
    pub task: u64,
    pub version: u32,
    /// The task's on-chain labels digest the version names, `0x…` (32 bytes).
    pub labels_digest: String,
    /// sha256 of the export's MANIFEST, `0x…`.
    pub file_hash: String,
    pub uri: String,
    /// The `publishDataset` transaction hash, `0x…`.
    pub publish_tx: String,
    /// RFC 3339 UTC, when the trigger started.
    pub start_time: String,
    pub encrypted: bool,
}

impl Event {
    /// Stable for the same (chain_id, registry, task, version, file_hash): the hex sha256 of
    /// a canonical string, so a redelivery (a retry, or the CLI run again) carries the same
    /// key and a receiver can de-duplicate. Hex fields are lower-cased first, so an
    /// EIP-55-checksummed and a lower-case address give the same key. The start time is
    /// deliberately not part of it: a re-run is the same dataset version.
    pub fn idempotency_key(&self) -> String {
        let canonical = format!(
            "labelchain-trigger/v1\nchain_id={}\nregistry={}\ntask={}\nversion={}\nfile_hash={}\n",
            self.chain_id,
            self.registry.to_ascii_lowercase(),
            self.task,
            self.version,
            self.file_hash.to_ascii_lowercase(),
        );
        hex::encode(Sha256::digest(canonical.as_bytes()))
    }

    /// The start time as Unix milliseconds (MLflow's run start time).
    pub(crate) fn start_millis(&self) -> Result<i64> {
        let t = humantime::parse_rfc3339(&self.start_time).map_err(|e| Error::BadEvent {
            field: "start_time",
            problem: format!("`{}` is not RFC 3339 UTC: {e}", self.start_time),
        })?;
        let since = t
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| Error::BadEvent {
                field: "start_time",
                problem: "before 1970".into(),
            })?;
        i64::try_from(since.as_millis()).map_err(|_| Error::BadEvent {
            field: "start_time",
            problem: "out of range".into(),
        })
    }

    /// The checks a trigger needs before anything is sent: the start time parses (MLflow
    /// needs it as a number) and the file hash is a 32-byte hex value (the MLflow dataset
    /// digest is cut from it). The other fields are passed through as given.
    pub(crate) fn validate(&self) -> Result<()> {
        self.start_millis()?;
        let hex = self.file_hash.strip_prefix("0x").unwrap_or("");
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::BadEvent {
                field: "file_hash",
                problem: format!("`{}` is not 0x and 64 hex digits", self.file_hash),
            });
        }
        Ok(())
    }
}

/// The webhook signature header name.
pub const SIGNATURE_HEADER: &str = "X-Labelchain-Signature";
/// The idempotency key header name (the same value on every retry).
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// The 1-based attempt number, so a receiver's logs show retries.
pub const ATTEMPT_HEADER: &str = "X-Labelchain-Attempt";

/// The signature header value for `body` sent at `timestamp` (Unix seconds):
/// `t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
///
/// The scheme is Stripe's: signing the timestamp with the body lets a receiver reject
/// replays of an old, captured request. To verify, a receiver takes `t` and `v1` from the
/// header, recomputes the HMAC over the ASCII timestamp, a `.`, and the raw body bytes
/// exactly as received (before any JSON parsing), compares it with `v1` in constant time,
/// and rejects a `t` too far from its own clock (e.g. five minutes). The body and the
/// idempotency key are the same on every retry; `t` (and so `v1`) is fresh per attempt.
pub fn signature(secret: &[u8], timestamp: u64, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}
