//! Encrypted exports: every file of an export (and its MANIFEST) as `<path>.age`, plus a
//! plaintext `CIPHERTEXT` list of the .age files' sha256 in MANIFEST's own format, so a
//! changed or missing file is named before any key is used.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use labelchain_dataset::{file_sha256, parse_manifest, render_manifest, MANIFEST};

use crate::error::{io, Error, Result};
use crate::files::TempSibling;
use crate::keys::{Identity, Recipient};

/// The list of an encrypted directory's .age files with their sha256 (sha256sum format).
pub const CIPHERTEXT: &str = "CIPHERTEXT";
/// The suffix of every encrypted file.
pub const AGE_SUFFIX: &str = ".age";

/// What [`encrypt_dir`] wrote: files encrypted (MANIFEST included) and their sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncryptedDir {
    pub files: usize,
    pub plain_bytes: u64,
    pub cipher_bytes: u64,
}

fn dataset(path: &Path) -> impl FnOnce(labelchain_dataset::Error) -> Error + '_ {
    move |source| Error::Dataset {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads a sha256sum-format list (`MANIFEST`, `CIPHERTEXT`) and checks that every file
/// it names is under `dir` with that hash.
fn check_listed(dir: &Path, list: &Path) -> Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(list).map_err(io(list))?;
    let listed = parse_manifest(&text).map_err(dataset(list))?;
    for (rel, expected) in &listed {
        let path = dir.join(rel);
        if !path.is_file() {
            return Err(Error::Missing { file: rel.clone() });
        }
        let actual = file_sha256(&path).map_err(dataset(&path))?;
        if &actual != expected {
            return Err(Error::HashMismatch {
                file: rel.clone(),
                expected: expected.clone(),
                actual,
            });
        }
    }
    Ok(listed)
}

fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(p) => std::fs::create_dir_all(p).map_err(io(p)),
        None => Ok(()),
    }
}

/// Encrypts an export to `to`. Every file is checked against the export's MANIFEST
/// first (a changed file is a [`Error::HashMismatch`] naming it), then `out/<path>.age`
/// is written for each MANIFEST entry, `out/MANIFEST.age`, and last `out/CIPHERTEXT`.
/// `out` must not exist: the directory is built in a temp sibling and renamed at the end.
///
/// Files are encrypted to a dataset version's data key; pipelines get that key through
/// [`crate::wrap`]. Revoking a pipeline means a new version with a new data key: a key
/// once granted cannot be taken back from files already published.
pub fn encrypt_dir(export: &Path, out: &Path, to: &[Recipient]) -> Result<EncryptedDir> {
    if to.is_empty() {
        return Err(Error::NoRecipients);
    }
    let listed = check_listed(export, &export.join(MANIFEST))?;
    let tmp = TempSibling::for_target(out)?;
    std::fs::create_dir(&tmp.path).map_err(io(&tmp.path))?;
    let mut hashes = BTreeMap::new();
    let mut done = EncryptedDir {
        files: 0,
        plain_bytes: 0,
        cipher_bytes: 0,
    };
    for rel in listed.keys().map(String::as_str).chain([MANIFEST]) {
        let name = format!("{rel}{AGE_SUFFIX}");
        let dst = tmp.path.join(&name);
        create_parent(&dst)?;
        done.plain_bytes += crate::encrypt_file(&export.join(rel), &dst, to)?;
        done.cipher_bytes += dst.metadata().map_err(io(&dst))?.len();
        done.files += 1;
        hashes.insert(name, file_sha256(&dst).map_err(dataset(&dst))?);
    }
    let list = tmp.path.join(CIPHERTEXT);
    std::fs::write(&list, render_manifest(&hashes)).map_err(io(&list))?;
    File::open(&tmp.path)
        .and_then(|d| d.sync_all())
        .map_err(io(&tmp.path))?;
    tmp.persist(out)?;
    tracing::info!(out = %out.display(), files = done.files, "encrypted an export");
    Ok(done)
}

/// Decrypts an [`encrypt_dir`] output into `out` (which must not exist). Every .age file
/// is checked against CIPHERTEXT first (a changed or missing one is named), then all are
/// decrypted into a temp sibling, the plaintext is checked against the decrypted
/// MANIFEST, and the directory is renamed to `out`. On any error nothing is left.
pub fn decrypt_dir(enc: &Path, out: &Path, with: &Identity) -> Result<()> {
    let encrypted = check_listed(enc, &enc.join(CIPHERTEXT))?;
    let manifest_age = format!("{MANIFEST}{AGE_SUFFIX}");
    if !encrypted.contains_key(&manifest_age) {
        return Err(Error::Missing { file: manifest_age });
    }
    let tmp = TempSibling::for_target(out)?;
    std::fs::create_dir(&tmp.path).map_err(io(&tmp.path))?;
    let manifest = tmp.path.join(MANIFEST);
    crate::decrypt_file(&enc.join(&manifest_age), &manifest, with)?;
    let text = std::fs::read_to_string(&manifest).map_err(io(&manifest))?;
    let listed = parse_manifest(&text).map_err(dataset(&manifest))?;
    for rel in listed.keys() {
        let name = format!("{rel}{AGE_SUFFIX}");
        if !encrypted.contains_key(&name) {
            return Err(Error::Missing { file: name });
        }
        let dst = tmp.path.join(rel);
        create_parent(&dst)?;
        crate::decrypt_file(&enc.join(&name), &dst, with)?;
    }
    check_listed(&tmp.path, &manifest)?;
    tmp.persist(out)?;
    tracing::info!(out = %out.display(), files = listed.len(), "decrypted an export");
    Ok(())
}
