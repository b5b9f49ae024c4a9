//! Whole-file encryption and decryption that never leaves a partial output: the result
//! is built in a temp sibling (same directory, so the final rename is atomic) that is
//! removed on any error.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{io, Error, Result};
use crate::keys::{Identity, Recipient};

/// A temp file or directory next to its target, removed on drop unless kept.
pub(crate) struct TempSibling {
    pub path: PathBuf,
    kept: bool,
}

impl TempSibling {
    /// `.<name>.<random>.tmp` beside `target`, after checking `target` does not exist.
    pub fn for_target(target: &Path) -> Result<TempSibling> {
        if target.symlink_metadata().is_ok() {
            return Err(Error::TargetExists {
                path: target.to_path_buf(),
            });
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::Io {
                path: target.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "the output needs a final file name (not `/`, `.` or `..`)",
                ),
            })?;
        let tmp = format!(".{name}.{:016x}.tmp", u64::from_le_bytes(crate::random()));
        Ok(TempSibling {
            path: target.with_file_name(tmp),
            kept: false,
        })
    }

    /// Moves the temp into place. A file is hard-linked then unlinked, so an existing
    /// target (made meanwhile) is never replaced; a directory rename cannot replace a
    /// non-empty directory, and the target was checked absent just before.
    pub fn persist(mut self, target: &Path) -> Result<()> {
        let is_dir = self.path.is_dir();
        if is_dir {
            if target.symlink_metadata().is_ok() {
                return Err(Error::TargetExists {
                    path: target.to_path_buf(),
                });
            }
            std::fs::rename(&self.path, target).map_err(io(target))?;
        } else {
            std::fs::hard_link(&self.path, target).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    Error::TargetExists {
                        path: target.to_path_buf(),
                    }
                } else {
                    io(target)(e)
                }
            })?;
            std::fs::remove_file(&self.path).map_err(io(&self.path))?;
        }
        self.kept = true;
        Ok(())
    }
}

impl Drop for TempSibling {
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        let gone = if self.path.is_dir() {
            std::fs::remove_dir_all(&self.path)
        } else {
            std::fs::remove_file(&self.path)
        };
        if let Err(e) = gone {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(path = %self.path.display(), error = %e, "could not remove a temp file");
            }
        }
    }
}

/// Streams `src` through `f` into a new file at `tmp`, synced to disk.
fn through(
    src: &Path,
    tmp: &Path,
    f: impl FnOnce(File, &mut BufWriter<File>) -> Result<u64>,
) -> Result<u64> {
    let input = File::open(src).map_err(io(src))?;
    let out = File::options()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(io(tmp))?;
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let n = f(input, &mut out)?;
    out.flush().map_err(io(tmp))?;
    out.get_ref().sync_all().map_err(io(tmp))?;
    Ok(n)
}

/// Encrypts the file `src` to `dst` (which must not exist); returns the plaintext size.
pub fn encrypt_file(src: &Path, dst: &Path, to: &[Recipient]) -> Result<u64> {
    let tmp = TempSibling::for_target(dst)?;
    let n = through(src, &tmp.path, |input, out| {
        crate::age::encrypt_named(input, out, to, (src, dst))
    })?;
    tmp.persist(dst)?;
    Ok(n)
}

/// Decrypts the file `src` to `dst` (which must not exist): all of it or, on any
/// error, nothing. Returns the plaintext size.
pub fn decrypt_file(src: &Path, dst: &Path, with: &Identity) -> Result<u64> {
    let tmp = TempSibling::for_target(dst)?;
    let n = through(src, &tmp.path, |input, out| {
        crate::age::decrypt_named(input, out, with, (src, dst))
    })?;
    tmp.persist(dst)?;
    Ok(n)
}
