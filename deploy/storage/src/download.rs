//! `download_dir`: an export from a store into a new local directory, every file checked.

use std::path::{Path, PathBuf};

use futures_util::{Stream, StreamExt};
use object_store::ObjectStoreExt;
use std::io::Write;

use crate::error::{local, remote, Error, Result};
use crate::hashing::Hasher;
use crate::ipfs::IpfsSource;
use crate::store::{parse_cid, Kind, Objects, Store};

/// Where a download's files come from: one stored file into `dest`, returning the SHA-256 of
/// the bytes written. Both backends share the checking in [`verify_into`] through it.
pub(crate) trait Source {
    async fn fetch(&self, file: &str, dest: &Path) -> Result<String>;
}

/// [`download_dir_with`] for a plain export (`MANIFEST`), its manifest's hash not pinned.
pub async fn download_dir(store: &Store, prefix: &str, target: &Path) -> Result<PathBuf> {
    download_dir_with(store, prefix, target, labelchain_dataset::MANIFEST, None).await
}

/// Opens the store a recorded URI names (configured from the environment as
/// [`Store::from_url`]) and downloads everything at it.
pub async fn download_uri(
    uri: &str,
    target: &Path,
    manifest: &str,
    expected_manifest_sha256: Option<&str>,
) -> Result<PathBuf> {
    let store = Store::from_url(uri)?;
    download_dir_with(&store, "", target, manifest, expected_manifest_sha256).await
}

/// Downloads the export under `prefix` into `target`, which must not exist. Files go into a
/// temporary sibling directory; each one's SHA-256 is compared with the `manifest` file as it
/// streams, and only when all match is the directory renamed to `target`. On any error the
/// temporary directory is removed, so `target` is either a whole, verified export or absent.
///
/// `expected_manifest_sha256` (lower-case hex), e.g. the hash recorded on chain, pins the
/// manifest file itself: a different one is [`Error::HashMismatch`] naming it. For IPFS the
/// export is the index at `prefix` when given (a CID), else at the store URL's CID.
pub async fn download_dir_with(
    store: &Store,
    prefix: &str,
    target: &Path,
    manifest: &str,
    expected_manifest_sha256: Option<&str>,
) -> Result<PathBuf> {
    if target.exists() {
        return Err(Error::TargetExists {
            path: target.to_owned(),
        });
    }
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(local(&parent))?;
    let temp = tempfile::Builder::new()
        .prefix(".labelchain-download-")
        .tempdir_in(&parent)
        .map_err(local(&parent))?;
    let expected = expected_manifest_sha256.map(str::to_ascii_lowercase);
    let check = Check {
        dir: temp.path(),
        manifest,
        expected: expected.as_deref(),
    };
    let files = match &store.kind {
        Kind::Objects(inner) => {
            let objects = Objects {
                inner: inner.clone(),
                url: store.url.clone(),
                prefix: store.object_path(prefix),
            };
            check.verify_into(&objects).await?
        }
        Kind::Ipfs { node, root } => {
            let prefix = prefix.trim_matches('/');
            let root = match (prefix.is_empty(), root) {
                (false, _) => parse_cid(prefix)?,
                (true, Some(root)) => *root,
                (true, None) => {
                    return Err(Error::BadUrl {
                        url: store.url.clone(),
                        problem: "no CID to download (ipfs://CID, or the CID as prefix)",
                    })
                }
            };
            check
                .verify_into(&IpfsSource::open(node, &root).await?)
                .await?
        }
    };
    let kept = temp.keep();
    if let Err(e) = std::fs::rename(&kept, target) {
        // Best effort: the error below is the one that matters.
        let _ = std::fs::remove_dir_all(&kept);
        return Err(local(target)(e));
    }
    tracing::info!(files, target = %target.display(), "downloaded and verified");
    Ok(target.to_owned())
}

/// What a download checks its files against.
struct Check<'a> {
    dir: &'a Path,
    manifest: &'a str,
    expected: Option<&'a str>,
}

impl Check<'_> {
    /// Fetches the manifest (checked against the expected hash), then every file it lists,
    /// each checked against its line. Returns the number of files.
    async fn verify_into(&self, source: &impl Source) -> Result<usize> {
        let manifest_path = self.dir.join(self.manifest);
        let actual = source.fetch(self.manifest, &manifest_path).await?;
        if let Some(expected) = self.expected {
            if actual != expected {
                return Err(Error::HashMismatch {
                    file: self.manifest.to_owned(),
                    expected: expected.to_owned(),
                    actual,
                });
            }
        }
        let text = std::fs::read_to_string(&manifest_path).map_err(local(&manifest_path))?;
        let files = labelchain_dataset::parse_manifest(&text)?;
        for (file, expected) in &files {
            let actual = source.fetch(file, &self.dir.join(file)).await?;
            if &actual != expected {
                return Err(Error::HashMismatch {
                    file: file.clone(),
                    expected: expected.clone(),
                    actual,
                });
            }
        }
        Ok(files.len())
    }
}

impl Source for Objects {
    async fn fetch(&self, file: &str, dest: &Path) -> Result<String> {
        let path = self.object_path(file);
        let got = self
            .inner
            .get(&path)
            .await
            .map_err(|e| remote(&self.url, file, e))?;
        write_stream(got.into_stream(), dest, |e| remote(&self.url, file, e)).await
    }
}

/// Streams chunks into a new file at `dest`, returning the SHA-256 of the bytes written.
pub(crate) async fn write_stream<B: AsRef<[u8]>, E>(
    mut stream: impl Stream<Item = std::result::Result<B, E>> + Unpin,
    dest: &Path,
    err: impl Fn(E) -> Error,
) -> Result<String> {
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).map_err(local(dir))?;
    }
    let mut out = std::fs::File::create(dest).map_err(local(dest))?;
    let mut hasher = Hasher::default();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(&err)?;
        hasher.update(chunk.as_ref());
        write_chunk(&mut out, chunk.as_ref(), dest)?;
    }
    out.sync_all().map_err(local(dest))?;
    Ok(hasher.finish())
}

/// One chunk to disk; a full disk is [`Error::DiskFull`].
fn write_chunk(out: &mut impl Write, chunk: &[u8], dest: &Path) -> Result<()> {
    out.write_all(chunk).map_err(local(dest))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// /dev/full fails every write with ENOSPC: the real error a full disk gives.
    #[test]
    fn a_write_to_a_full_disk_is_a_disk_full_error() {
        let dev = Path::new("/dev/full");
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .open(dev)
            .expect("/dev/full exists on Linux");
        let chunk = vec![7u8; 1 << 16];
        let err = write_chunk(&mut out, &chunk, dev).and_then(|()| out.flush().map_err(local(dev)));
        assert!(matches!(err, Err(Error::DiskFull { .. })), "{err:?}");
    }
}
