//! What the web server sends for a path: which file (never one outside its root), with
//! which media type and cache policy.

use std::path::{Component, Path, PathBuf};

/// How long a browser may keep a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cache {
    /// Vite's hashed build outputs (`/assets/name-<hash>.js`): a new build has new names,
    /// so these never change and are cached for a year.
    Immutable,
    /// Everything else (index.html, /deployment.json, demo items): revalidated each time,
    /// so a rebuilt app or a restarted chain is seen at the next load.
    NoCache,
}

impl Cache {
    pub fn header(self) -> &'static str {
        match self {
            Cache::Immutable => "public, max-age=31536000, immutable",
            Cache::NoCache => "no-cache",
        }
    }
}

/// Why a path is not served.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// `..`, a backslash, a NUL, bad percent-encoding, or a symlink out of the root.
    Traversal,
    NotFound,
}

/// The media type for a file name, by extension (the app's own files and the item types
/// manifests list); anything else is `application/octet-stream`.
pub fn media_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "jsonl" => "application/jsonl",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "wav" => "audio/wav",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "flac" => "audio/flac",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The file under `root` that URL path `rel` (without its leading prefix) names. Refuses
/// any `..` or other special component, before and after percent-decoding, and a file
/// whose real path (symlinks resolved) is outside the root.
pub fn resolve(root: &Path, rel: &str) -> Result<PathBuf, Refused> {
    let decoded = percent_decode(rel).ok_or(Refused::Traversal)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return Err(Refused::Traversal);
    }
    let mut path = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        match Path::new(segment).components().next() {
            Some(Component::Normal(_)) if Path::new(segment).components().count() == 1 => {
                path.push(segment)
            }
            _ => return Err(Refused::Traversal),
        }
    }
    let real = path.canonicalize().map_err(|_| Refused::NotFound)?;
    let real_root = root.canonicalize().map_err(|_| Refused::NotFound)?;
    if !real.starts_with(&real_root) {
        return Err(Refused::Traversal);
    }
    if real.is_dir() {
        let index = real.join("index.html");
        return if index.is_file() {
            Ok(index)
        } else {
            Err(Refused::NotFound)
        };
    }
    if real.is_file() {
        Ok(real)
    } else {
        Err(Refused::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_components_are_refused_before_and_after_decoding() {
        let root = std::env::temp_dir();
        for p in [
            "../etc/passwd",
            "a/../../x",
            "%2e%2e/x",
            "%2E%2E%2Fx",
            "..%5cx",
            "a\\b",
            "%00",
            "%zz",
        ] {
            assert_eq!(resolve(&root, p), Err(Refused::Traversal), "{p}");
        }
    }

    #[test]
    fn media_types_follow_the_extension() {
        assert_eq!(
            media_type(Path::new("a/index-Ab12.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(media_type(Path::new("x.SVG")), "image/svg+xml");
        assert_eq!(media_type(Path::new("noext")), "application/octet-stream");
    }
}
