//! `download_dir`: an export from a store into a new local directory, every file checked.

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use object_store::ObjectStoreExt;
use std::io::Write;

use crate::error::{local, remote, Error, Result};
use crate::hashing::Hasher;
use crate::store::Store;

/// Downloads the export under `prefix` into `target`, which must not exist. Files go into a
/// temporary sibling directory; each one's SHA-256 is compared with the MANIFEST as it
/// streams, and only when all match is the directory renamed to `target`. On any error the
/// temporary directory is removed, so `target` is either a whole, verified export or absent.
pub async fn download_dir(store: &Store, prefix: &str, target: &Path) -> Result<PathBuf> {
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
    let scoped = store.scoped(prefix);
    let manifest_name = labelchain_dataset::MANIFEST;
    fetch(&scoped, manifest_name, &temp.path().join(manifest_name)).await?;
    let text = std::fs::read_to_string(temp.path().join(manifest_name))
        .map_err(local(temp.path().join(manifest_name)))?;
    let files = labelchain_dataset::parse_manifest(&text)?;
    for (file, expected) in &files {
        let dest = temp.path().join(file);
        let actual = fetch(&scoped, file, &dest).await?;
        if &actual != expected {
            return Err(Error::HashMismatch {
                file: file.clone(),
                expected: expected.clone(),
                actual,
            });
        }
    }
    let kept = temp.keep();
    if let Err(e) = std::fs::rename(&kept, target) {
        // Best effort: the error below is the one that matters.
        let _ = std::fs::remove_dir_all(&kept);
        return Err(local(target)(e));
    }
    tracing::info!(files = files.len(), target = %target.display(), "downloaded and verified");
    Ok(target.to_owned())
}

/// Streams one object into `dest`, returning the SHA-256 of the bytes written.
async fn fetch(store: &Store, file: &str, dest: &Path) -> Result<String> {
    let path = store.object_path(file);
    let got = store
        .inner
        .get(&path)
        .await
        .map_err(|e| remote(&store.url, file, e))?;
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).map_err(local(dir))?;
    }
    let mut out = std::fs::File::create(dest).map_err(local(dest))?;
    let mut hasher = Hasher::default();
    let mut stream = got.into_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| remote(&store.url, file, e))?;
        hasher.update(&chunk);
        write_chunk(&mut out, &chunk, dest)?;
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
