//! The local trigger log: one JSON line per trigger, success or failure, so an operator
//! can see what was sent where and what came back without asking the receiver.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::{Delivery, Event, Outcome};

#[derive(Serialize)]
struct Line<'a> {
    logged_at: String,
    start_time: &'a str,
    task: u64,
    version: u32,
    file_hash: &'a str,
    uri: &'a str,
    publish_tx: &'a str,
    target: &'a str,
    idempotency_key: &'a str,
    outcome: Outcome,
    attempts: u32,
    status: Option<u16>,
    response: &'a str,
    run_id: Option<&'a str>,
}

/// Appends the line with one `write` on an `O_APPEND` descriptor (so concurrent triggers
/// never interleave within a line) and fsyncs it: the log is the record that the trigger
/// happened, and it must survive a crash right after.
pub(crate) fn append(
    path: &Path,
    event: &Event,
    target: &str,
    key: &str,
    d: &Delivery,
) -> Result<()> {
    let err = |source| Error::Log {
        path: path.to_owned(),
        source,
    };
    let line = Line {
        logged_at: humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string(),
        start_time: &event.start_time,
        task: event.task,
        version: event.version,
        file_hash: &event.file_hash,
        uri: &event.uri,
        publish_tx: &event.publish_tx,
        target,
        idempotency_key: key,
        outcome: d.outcome,
        attempts: d.attempts,
        status: d.status,
        response: &d.response,
        run_id: d.run_id.as_deref(),
    };
    let mut bytes = serde_json::to_vec(&line).map_err(|e| err(e.into()))?;
    bytes.push(b'\n');
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(err)?;
    file.write_all(&bytes).map_err(err)?;
    file.sync_all().map_err(err)
}
