//! IPFS through kubo's HTTP RPC API (`/api/v0/…`, every call a POST): the three calls an export
//! needs. object_store has no IPFS backend, so this sits beside it inside [`crate::Store`].
//!
//! - `add` (multipart, `cid-version=1`, `raw-leaves=true`, `pin=true`): a file up to kubo's
//!   256 KiB chunk becomes one raw block whose CID this crate can compute from the MANIFEST's
//!   SHA-256; a larger one becomes a dag-pb DAG, whose CID only kubo's chunker determines.
//! - `cat?arg=CID`: the content, streamed.
//! - `block/stat?arg=CID&offline=true`: is the block on this node? `offline` keeps an online
//!   node from searching the network for a block it lacks.
//!
//! kubo answers a failed call with HTTP 500 and `{"Message","Code","Type":"error"}`.

mod index;
mod transfer;

use std::path::Path;
use std::time::Duration;

use reqwest::multipart::{Form, Part};

use crate::cid::Cid;
use crate::error::{local, Error, Result};

pub(crate) use transfer::{upload, IpfsSource};

/// The environment variable naming kubo's RPC endpoint.
pub const IPFS_API_VAR: &str = "IPFS_API_URL";
/// kubo's default RPC address.
pub const DEFAULT_IPFS_API: &str = "http://127.0.0.1:5001";

/// A kubo RPC endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Ipfs {
    http: reqwest::Client,
    api: String,
}

#[derive(serde::Deserialize)]
struct KuboError {
    #[serde(rename = "Message")]
    message: String,
}

#[derive(serde::Deserialize)]
struct Added {
    #[serde(rename = "Hash")]
    hash: String,
}

impl Ipfs {
    pub(crate) fn new(api: &str) -> Result<Ipfs> {
        if !reqwest::Url::parse(api).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
            return Err(Error::BadUrl {
                url: api.to_owned(),
                problem: "IPFS_API_URL is not an http(s) URL",
            });
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|source| Error::IpfsRequest {
                call: "client",
                arg: api.to_owned(),
                source,
            })?;
        Ok(Ipfs {
            http,
            api: api.trim_end_matches('/').to_owned(),
        })
    }

    /// Sends one RPC call; an HTTP error status becomes [`Error::IpfsRefused`] with kubo's message.
    async fn call(
        &self,
        call: &'static str,
        arg: &str,
        query: &[(&str, &str)],
        form: Option<Form>,
    ) -> Result<reqwest::Response> {
        let url = format!("{}/api/v0/{call}", self.api);
        let url = reqwest::Url::parse_with_params(&url, query).map_err(|_| Error::BadUrl {
            url: self.api.clone(),
            problem: "IPFS_API_URL is not an http(s) URL",
        })?;
        let mut req = self.http.post(url);
        if let Some(form) = form {
            req = req.multipart(form);
        }
        let resp = req.send().await.map_err(|e| self.transport(call, arg, e))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let body = resp
            .bytes()
            .await
            .map_err(|e| self.transport(call, arg, e))?;
        let message = serde_json::from_slice::<KuboError>(&body)
            .map(|e| e.message)
            .unwrap_or_else(|_| String::from_utf8_lossy(&body).into_owned());
        Err(Error::IpfsRefused {
            call,
            arg: arg.to_owned(),
            status: status.as_u16(),
            message,
        })
    }

    pub(crate) fn transport(&self, call: &'static str, arg: &str, source: reqwest::Error) -> Error {
        if source.is_connect() {
            return Error::Unreachable {
                url: self.api.clone(),
                source: Box::new(source),
            };
        }
        Error::IpfsRequest {
            call,
            arg: arg.to_owned(),
            source,
        }
    }

    /// Adds (and pins) one part, returning the CID kubo gives it.
    async fn add(&self, name: &str, part: Part) -> Result<Cid> {
        let form = Form::new().part("file", part.file_name(name.to_owned()));
        let query = [
            ("cid-version", "1"),
            ("raw-leaves", "true"),
            ("hash", "sha2-256"),
            ("pin", "true"),
        ];
        let resp = self.call("add", name, &query, Some(form)).await?;
        let body = resp
            .bytes()
            .await
            .map_err(|e| self.transport("add", name, e))?;
        // One JSON object per line; the last names what was added.
        let last = body
            .split(|&b| b == b'\n')
            .rfind(|l| !l.is_empty())
            .unwrap_or_default();
        let added: Added = serde_json::from_slice(last).map_err(|source| Error::IpfsAnswer {
            call: "add",
            arg: name.to_owned(),
            source,
        })?;
        Cid::parse(&added.hash).map_err(|problem| Error::Cid {
            cid: added.hash,
            problem,
        })
    }

    /// Streams a file to `add`, never holding it in memory.
    pub(crate) async fn add_file(&self, source: &Path, name: &str) -> Result<Cid> {
        let file = tokio::fs::File::open(source).await.map_err(local(source))?;
        let len = file.metadata().await.map_err(local(source))?.len();
        self.add(name, Part::stream_with_length(file, len)).await
    }

    pub(crate) async fn add_bytes(&self, bytes: Vec<u8>, name: &str) -> Result<Cid> {
        self.add(name, Part::bytes(bytes)).await
    }

    /// Whether the node holds the block. Any refusal counts as absent: kubo reports a missing
    /// block only in its message text, and an absent answer merely costs a re-`add`.
    pub(crate) async fn has_block(&self, cid: &Cid) -> Result<bool> {
        let arg = cid.to_string();
        let query = [("arg", arg.as_str()), ("offline", "true")];
        match self.call("block/stat", &arg, &query, None).await {
            Ok(_) => Ok(true),
            Err(Error::IpfsRefused { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The content of a CID, as a response to stream.
    pub(crate) async fn cat(&self, cid: &Cid) -> Result<reqwest::Response> {
        let arg = cid.to_string();
        self.call("cat", &arg, &[("arg", arg.as_str())], None).await
    }
}
