//! An export to and from IPFS: each file `add`ed (skipped when its raw block is already on the
//! node), then the index; a download reads the index and checks every block it can.

use std::collections::BTreeMap;
use std::path::Path;

use futures_util::StreamExt;

use super::index::{self, INDEX_NAME};
use super::Ipfs;
use crate::cid::{Cid, Codec};
use crate::download::{write_stream, Source};
use crate::error::{local, Error, Result};
use crate::hashing::Hasher;
use crate::upload::Uploaded;

/// The raw CID of content with this SHA-256 (MANIFEST hashes and [`Hasher`] output are
/// 64 lower-case hex digits; anything else is refused, never unwrapped).
fn local_cid(sha256: &str) -> Result<Cid> {
    Cid::raw_from_sha256_hex(sha256).ok_or_else(|| Error::Cid {
        cid: sha256.to_owned(),
        problem: crate::cid::CidProblem::DigestLength(sha256.len() as u64 / 2),
    })
}

/// A raw CID names exactly one content: `recorded` must then be the `computed` CID of the
/// bytes. A dag-pb CID names a DAG node and is not checked here.
fn check_raw(file: &str, recorded: &Cid, computed: &Cid) -> Result<()> {
    if recorded.codec() == Codec::Raw && recorded != computed {
        return Err(Error::CidMismatch {
            file: file.to_owned(),
            expected: recorded.to_string(),
            actual: computed.to_string(),
        });
    }
    Ok(())
}

/// Adds `files` (path, sha256; manifest last) from `dir`, then the index, whose CID the
/// returned URI names. For resumption a file is skipped when the node already has the raw
/// block of its SHA-256. kubo stores a file above its 256 KiB chunk as a dag-pb DAG instead,
/// whose CID cannot be computed here without kubo's chunker: such a file is added again on a
/// re-upload (kubo deduplicates its blocks; the bytes are sent again).
pub(crate) async fn upload(
    ipfs: &Ipfs,
    dir: &Path,
    files: Vec<(String, String)>,
) -> Result<Uploaded> {
    let mut done = Uploaded::default();
    let mut cids = BTreeMap::new();
    for (file, sha256) in files {
        let expected = local_cid(&sha256)?;
        if ipfs.has_block(&expected).await? {
            tracing::debug!(file, cid = %expected, "already on the node");
            cids.insert(file.clone(), expected);
            done.skipped.push(file);
            continue;
        }
        let source = dir.join(&file);
        let cid = ipfs.add_file(&source, &file).await?;
        check_raw(&file, &cid, &expected)?;
        let size = std::fs::metadata(&source).map_err(local(&source))?.len();
        tracing::info!(file, size, %cid, "added to IPFS");
        cids.insert(file.clone(), cid);
        done.bytes += size;
        done.sent.push(file);
    }
    let text = index::render(&cids).into_bytes();
    let mut hasher = Hasher::default();
    hasher.update(&text);
    let expected = local_cid(&hasher.finish())?;
    let cid = if ipfs.has_block(&expected).await? {
        expected
    } else {
        let cid = ipfs.add_bytes(text, INDEX_NAME).await?;
        check_raw(INDEX_NAME, &cid, &expected)?;
        cid
    };
    done.uri = format!("ipfs://{cid}");
    Ok(done)
}

/// The files of one uploaded export, by the index at a CID.
pub(crate) struct IpfsSource<'a> {
    ipfs: &'a Ipfs,
    files: BTreeMap<String, Cid>,
}

impl<'a> IpfsSource<'a> {
    /// Reads the index at `root`, checking its bytes against `root` when it is a raw CID.
    pub(crate) async fn open(ipfs: &'a Ipfs, root: &Cid) -> Result<IpfsSource<'a>> {
        let resp = ipfs.cat(root).await?;
        let arg = root.to_string();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ipfs.transport("cat", &arg, e))?;
        let mut hasher = Hasher::default();
        hasher.update(&bytes);
        let actual = local_cid(&hasher.finish())?;
        check_raw(INDEX_NAME, root, &actual)?;
        let text = String::from_utf8(bytes.to_vec()).map_err(|_| Error::BadIndex {
            line: 0,
            problem: "not UTF-8",
        })?;
        Ok(IpfsSource {
            ipfs,
            files: index::parse(&text)?,
        })
    }
}

impl Source for IpfsSource<'_> {
    /// Streams a file's CID into `dest`. A raw CID's digest is checked here; a dag-pb CID's is
    /// of a DAG node, not of the bytes, so those rely on the MANIFEST's SHA-256 alone.
    async fn fetch(&self, file: &str, dest: &Path) -> Result<String> {
        let cid = self.files.get(file).ok_or_else(|| Error::ObjectMissing {
            path: file.to_owned(),
        })?;
        let arg = cid.to_string();
        let resp = self.ipfs.cat(cid).await?;
        let stream = resp.bytes_stream().boxed();
        let sha256 = write_stream(stream, dest, |e| self.ipfs.transport("cat", &arg, e)).await?;
        let actual = local_cid(&sha256)?;
        check_raw(file, cid, &actual)?;
        Ok(sha256)
    }
}
