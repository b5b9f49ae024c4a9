//! `MANIFEST`: one `<sha256 hex>  <relative path>` line per other file, sorted by
//! path — the format `sha256sum -c MANIFEST` checks.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{io, Error, ManifestProblem, Result};
use crate::layout::MANIFEST;

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The SHA-256 of a file, read in chunks (an export's files can be large).
pub fn file_sha256(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(io(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

/// The MANIFEST text for `(relative path, sha256)` pairs: sorted `<hex>  <path>` lines,
/// what [`parse`] reads back (also used for labelchain-access's CIPHERTEXT list).
pub fn render(hashes: &BTreeMap<String, String>) -> String {
    hashes
        .iter()
        .map(|(path, hash)| format!("{hash}  {path}\n"))
        .collect()
}

/// A relative path the export may contain: `/`-separated plain components.
fn plain_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains('\\'))
        && path != MANIFEST
}

/// Parses MANIFEST text into path → sha256, refusing a malformed or repeated line.
pub fn parse(text: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    if !text.is_empty() && !text.ends_with('\n') {
        let line = text.lines().count();
        return Err(Error::Manifest {
            line,
            problem: ManifestProblem::NoFinalNewline,
        });
    }
    for (i, line) in text.lines().enumerate() {
        let err = |problem| Error::Manifest {
            line: i + 1,
            problem,
        };
        let (hash, path) = line
            .split_once("  ")
            .ok_or_else(|| err(ManifestProblem::Malformed))?;
        let hex_ok = hash.len() == 64
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex_ok {
            return Err(err(ManifestProblem::Malformed));
        }
        if !plain_relative(path) {
            return Err(err(ManifestProblem::Path(path.to_string())));
        }
        if out.insert(path.to_string(), hash.to_string()).is_some() {
            return Err(err(ManifestProblem::Duplicate(path.to_string())));
        }
    }
    Ok(out)
}

/// Every file under `dir` (relative, `/`-separated), except MANIFEST itself.
pub(crate) fn list_files(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((abs, rel)) = stack.pop() {
        for entry in std::fs::read_dir(&abs).map_err(io(&abs))? {
            let entry = entry.map_err(io(&abs))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let child_rel = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let ty = entry.file_type().map_err(io(entry.path()))?;
            if ty.is_dir() {
                stack.push((entry.path(), child_rel));
            } else if child_rel != MANIFEST {
                out.push(child_rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Checks `dir` against its MANIFEST: every listed file exists with its hash, and no
/// other file is there. Returns the listing.
pub(crate) fn check(dir: &Path) -> Result<BTreeMap<String, String>> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    let listed = parse(&text)?;
    let present = list_files(dir)?;
    if let Some(extra) = present.iter().find(|p| !listed.contains_key(*p)) {
        return Err(Error::Unlisted {
            path: extra.clone(),
        });
    }
    for (rel, expected) in &listed {
        if present.binary_search(rel).is_err() {
            return Err(Error::Missing { path: rel.clone() });
        }
        let found = file_sha256(&dir.join(rel))?;
        if &found != expected {
            return Err(Error::HashMismatch {
                path: rel.clone(),
                expected: expected.clone(),
                found,
            });
        }
    }
    Ok(listed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_manifest_line_is_named_by_its_number() {
        let good = format!("{}  README.md\n", "a".repeat(64));
        assert_eq!(parse(&good).expect("valid").len(), 1);
        for (text, line) in [
            (format!("{good}{}  x\n", "A".repeat(64)), 2),
            (format!("{good}{} x\n", "a".repeat(64)), 2),
            (format!("{}  ../etc/passwd\n", "a".repeat(64)), 1),
            (format!("{good}{good}"), 2),
            (format!("{}  /abs\n", "a".repeat(64)), 1),
        ] {
            match parse(&text) {
                Err(Error::Manifest { line: l, .. }) => assert_eq!(l, line, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }
}
