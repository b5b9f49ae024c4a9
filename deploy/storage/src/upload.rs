//! `upload_dir`: an export's files under a prefix, MANIFEST last, skipping what is stored.
//!
//! Resumption needs each stored object's SHA-256, which S3 and GCS do not report (an ETag
//! is an MD5 only for single-part uploads; local files have none). So each object gets a
//! sidecar object `SIDECAR_DIR/<path>` holding its hex digest, written only after the object
//! itself completed: a sidecar therefore vouches for a whole object. A file is skipped when
//! its object exists (HEAD) with the local size and its sidecar names the local hash. The sidecar
//! is a shortcut for upload only; a download trusts nothing but the MANIFEST's hashes.

use std::path::Path;

use object_store::buffered::BufWriter;
use object_store::{ObjectStoreExt, PutPayload};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::error::{local, remote, Error, Result};
use crate::store::{Kind, Objects, Store};

/// The folder under a prefix holding each object's SHA-256 sidecar.
pub const SIDECAR_DIR: &str = ".labelchain-sha256";

/// What an upload did: relative paths sent and skipped, the bytes sent, and the URI to record
/// on chain for it ([`crate::download_uri`] opens it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uploaded {
    pub sent: Vec<String>,
    pub skipped: Vec<String>,
    pub bytes: u64,
    /// For an object store its URL joined with the prefix (`s3://bucket/base/task-1/v0`); for
    /// IPFS `ipfs://<CID of the index>`.
    pub uri: String,
}

/// The name of an export's file list: `MANIFEST` for a plain export, `CIPHERTEXT` for an
/// encrypted one (its files are the ciphertexts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout<'a> {
    pub manifest: &'a str,
}

impl Layout<'static> {
    pub const PLAIN: Layout<'static> = Layout {
        manifest: labelchain_dataset::MANIFEST,
    };
    pub const ENCRYPTED: Layout<'static> = Layout {
        manifest: "CIPHERTEXT",
    };
}

/// [`upload_dir_with`] for a plain export, its file list named `MANIFEST`.
pub async fn upload_dir(dir: &Path, store: &Store, prefix: &str) -> Result<Uploaded> {
    upload_dir_with(dir, store, prefix, labelchain_dataset::MANIFEST).await
}

/// Uploads every file the export in `dir` lists in its `manifest` file (sha256sum format), then
/// the manifest, under `prefix` in `store` (IPFS, content-addressed, has no prefixes and ignores
/// it). A local file that differs from its manifest line is refused before anything is sent.
pub async fn upload_dir_with(
    dir: &Path,
    store: &Store,
    prefix: &str,
    manifest: &str,
) -> Result<Uploaded> {
    let files = local_files(dir, manifest)?;
    match &store.kind {
        Kind::Objects(inner) => {
            let objects = Objects {
                inner: inner.clone(),
                url: store.url.clone(),
                prefix: store.object_path(prefix),
            };
            let mut done = objects.upload(dir, files).await?;
            done.uri = store.uri_of(prefix);
            Ok(done)
        }
        Kind::Ipfs { node, .. } => crate::ipfs::upload(node, dir, files).await,
    }
}

/// The export's files with their checked hashes, in path order and the manifest last (so a
/// store holding the manifest holds the whole export).
fn local_files(dir: &Path, manifest: &str) -> Result<Vec<(String, String)>> {
    let manifest_path = dir.join(manifest);
    let text = std::fs::read_to_string(&manifest_path).map_err(local(&manifest_path))?;
    let mut files = labelchain_dataset::parse_manifest(&text)?;
    for (file, expected) in &files {
        let actual = labelchain_dataset::file_sha256(&dir.join(file))?;
        if &actual != expected {
            return Err(Error::HashMismatch {
                file: file.clone(),
                expected: expected.clone(),
                actual,
            });
        }
    }
    let manifest_hash = labelchain_dataset::file_sha256(&manifest_path)?;
    files.remove(manifest);
    Ok(files
        .into_iter()
        .chain([(manifest.to_owned(), manifest_hash)])
        .collect())
}

impl Objects {
    async fn upload(&self, dir: &Path, files: Vec<(String, String)>) -> Result<Uploaded> {
        let mut done = Uploaded::default();
        for (file, hash) in files {
            let source = dir.join(&file);
            let size = std::fs::metadata(&source).map_err(local(&source))?.len();
            if self.stored_size(&file).await? == Some(size)
                && self.sidecar(&file).await?.as_ref() == Some(&hash)
            {
                tracing::debug!(file, "already stored with the same sha256");
                done.skipped.push(file);
                continue;
            }
            // A write answered "not found" is the bucket (or container) that is missing.
            self.put_file(&source, &file).await.map_err(|e| match e {
                Error::ObjectMissing { .. } => Error::NoBucket {
                    url: self.url.clone(),
                },
                other => other,
            })?;
            self.put_sidecar(&file, &hash).await?;
            tracing::info!(file, size, "uploaded");
            done.bytes += size;
            done.sent.push(file);
        }
        Ok(done)
    }

    /// The size of a stored object, or None if absent. One HEAD per file rather than one
    /// listing: GCS's XML listing is not served by fake-gcs-server, and an export has few files.
    async fn stored_size(&self, file: &str) -> Result<Option<u64>> {
        let path = self.object_path(file);
        match self.inner.head(&path).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(remote(&self.url, path.as_ref(), e)),
        }
    }

    async fn sidecar(&self, file: &str) -> Result<Option<String>> {
        let path = self.object_path(&format!("{SIDECAR_DIR}/{file}"));
        match self.inner.get(&path).await {
            Ok(got) => {
                let bytes = got
                    .bytes()
                    .await
                    .map_err(|e| remote(&self.url, path.as_ref(), e))?;
                Ok(Some(String::from_utf8_lossy(&bytes).trim().to_owned()))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(remote(&self.url, path.as_ref(), e)),
        }
    }

    async fn put_sidecar(&self, file: &str, hash: &str) -> Result<()> {
        let path = self.object_path(&format!("{SIDECAR_DIR}/{file}"));
        self.inner
            .put(&path, PutPayload::from(hash.to_owned()))
            .await
            .map_err(|e| remote(&self.url, path.as_ref(), e))?;
        Ok(())
    }

    /// Streams a file into an object: one PUT below the writer's buffer size, a multipart
    /// upload above it, so a multi-GB file never sits in memory.
    async fn put_file(&self, source: &Path, file: &str) -> Result<()> {
        let path = self.object_path(file);
        let err = |e| remote(&self.url, path.as_ref(), e);
        let mut reader = tokio::fs::File::open(source).await.map_err(local(source))?;
        let mut writer = BufWriter::new(self.inner.clone(), path.clone());
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = reader.read(&mut buf).await.map_err(local(source))?;
            if n == 0 {
                break;
            }
            if let Err(e) = writer.write_all(&buf[..n]).await {
                writer.abort().await.map_err(err)?;
                return Err(io_to_store(&self.url, file, e));
            }
        }
        writer
            .shutdown()
            .await
            .map_err(|e| io_to_store(&self.url, file, e))
    }
}

/// BufWriter reports object_store errors as io::Error wrapping them: unwrap to type them.
fn io_to_store(url: &str, file: &str, e: std::io::Error) -> Error {
    match e.downcast::<object_store::Error>() {
        Ok(inner) => remote(url, file, inner),
        Err(e) => remote(
            url,
            file,
            object_store::Error::Generic {
                store: "upload",
                source: Box::new(e),
            },
        ),
    }
}
