//! The requester's item manifest: one JSON line per item (`index`, `uri`, `sha256`,
//! optional `mediaType` and `metadata`) and its `dataRoot`, the [`merkle`] root the
//! DatasetRegistry checks items against. `dataset manifest` builds one from files;
//! `task create --manifest` reads one back, checking every line first.
//!
//! Files are indexed in the order of their relative paths (bytewise), so the same files
//! give the same manifest on any machine; the `uri` is `--uri-prefix` + that relative
//! path, never an absolute path of the machine that built it.

pub mod merkle;
pub mod metadata;
pub mod task;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use alloy::primitives::B256;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One item of a manifest. `sha256` is the SHA-256 of the item's bytes, written as 64
/// lowercase hex digits, and is the leaf's `contentHash`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Item {
    pub index: u32,
    pub uri: String,
    #[serde(with = "hex64")]
    pub sha256: B256,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
    /// The item's Merkle proof (siblings, leaf to root, as OpenZeppelin's tree dump gives
    /// them). Optional, but with it every line can be checked against the task's
    /// `dataRoot` alone, so a changed line is named instead of only "the root differs",
    /// and a browser can check one item without the whole manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<Vec<B256>>,
}

impl Item {
    pub fn leaf(&self) -> B256 {
        merkle::leaf(self.index.into(), self.sha256)
    }
}

/// Why a manifest line was refused (the line number is in [`ManifestError::Line`]).
#[derive(Debug, thiserror::Error)]
pub enum LineProblem {
    #[error("empty line")]
    Blank,
    #[error("{0}")]
    Json(serde_json::Error),
    #[error("index {index} was already given on line {first_line}")]
    Duplicate { index: u32, first_line: usize },
    #[error("index {found} where index {expected} was due (indices run 0, 1, 2, … in line order; a gap means a missing item)")]
    OutOfOrder { expected: u32, found: u32 },
}

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} line {line}: {problem}")]
    Line {
        path: PathBuf,
        line: usize,
        problem: LineProblem,
    },
    #[error("{0}: the manifest has no items")]
    Empty(PathBuf),
    #[error("no files found in {0:?}: a manifest needs at least one item")]
    NoFiles(Vec<PathBuf>),
    #[error("{path} is not valid UTF-8, so it cannot be part of an item's uri; rename it")]
    NonUtf8Path { path: PathBuf },
    #[error("{first} and {second} both name the item {rel}; give each file once")]
    DuplicatePath {
        rel: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("{count} items: a task holds at most {} items", u32::MAX)]
    TooMany { count: usize },
    #[error("no items: a manifest needs at least one")]
    NoItems,
    #[error("item {position} of the list: {problem}")]
    Item {
        position: usize,
        problem: LineProblem,
    },
    #[error("{flag} {given} disagrees with the manifest's {manifest}; drop {flag} (the manifest gives it)")]
    Disagrees {
        flag: &'static str,
        given: String,
        manifest: String,
    },
    #[error("{path} line {line}: item {index}'s proof does not lead to the task's dataRoot {root}: the line was changed, or the manifest is another task's")]
    ProofFails {
        path: PathBuf,
        line: usize,
        index: u32,
        root: B256,
    },
    #[error("{path}: its items' root {manifest} is not the task's dataRoot {root}, so it is another task's manifest or a line was changed (this manifest has no per-line proofs to tell which; `labelchain dataset manifest` writes them)")]
    RootMismatch {
        path: PathBuf,
        manifest: B256,
        root: B256,
    },
    #[error("{path}: {found} items, but the task has {expected}")]
    CountMismatch {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error("--manifest-uri needs --manifest (the metadata records the manifest's hash next to where it is served)")]
    UriWithoutManifest,
    #[error("--metadata-uri and class names both set the task's metadataURI (names go in a data: URI); give one of them")]
    MetadataConflict,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ManifestError + '_ {
    move |source| ManifestError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A checked manifest: items in index order, indices `0..len`, at least one item.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    items: Vec<Item>,
}

impl Manifest {
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// A manifest of items made in memory (generated items, a benchmark's synthetic
    /// ones) rather than hashed from files, held to the rules [`Manifest::read`] holds
    /// a file to: at least one item, indices 0, 1, 2, … in order.
    pub fn from_items(items: Vec<Item>) -> Result<Manifest, ManifestError> {
        if items.is_empty() {
            return Err(ManifestError::NoItems);
        }
        let count = items.len();
        for (position, item) in items.iter().enumerate() {
            let expected = u32::try_from(position).map_err(|_| ManifestError::TooMany { count })?;
            if item.index != expected {
                let problem = if item.index < expected {
                    LineProblem::Duplicate {
                        index: item.index,
                        first_line: item.index as usize + 1,
                    }
                } else {
                    LineProblem::OutOfOrder {
                        expected,
                        found: item.index,
                    }
                };
                return Err(ManifestError::Item { position, problem });
            }
        }
        Ok(Manifest { items })
    }

    /// The item count as the registry takes it (checked on construction).
    pub fn count(&self) -> u32 {
        u32::try_from(self.items.len()).expect("checked when built or read")
    }

    pub fn tree(&self) -> merkle::Tree {
        let leaves: Vec<B256> = self.items.iter().map(Item::leaf).collect();
        merkle::Tree::new(&leaves).expect("a manifest has items")
    }

    pub fn data_root(&self) -> B256 {
        self.tree().root()
    }

    /// Every item with its proof filled in from this manifest's own tree.
    pub fn with_proofs(mut self) -> Manifest {
        let tree = self.tree();
        for (k, item) in self.items.iter_mut().enumerate() {
            item.proof = tree.proof(k);
        }
        self
    }

    /// Checks the manifest (read from `path`) against a task's `items` and `root`: each
    /// line that carries a proof on its own (the first that fails is named), and, when
    /// any line has none, the root of the whole tree.
    pub fn check_against(&self, path: &Path, items: u32, root: B256) -> Result<(), ManifestError> {
        if self.count() != items {
            return Err(ManifestError::CountMismatch {
                path: path.to_path_buf(),
                found: self.count(),
                expected: items,
            });
        }
        let mut all_proved = true;
        for (n, item) in self.items.iter().enumerate() {
            match &item.proof {
                Some(p) if merkle::verify(root, item.leaf(), p) => {}
                Some(_) => {
                    return Err(ManifestError::ProofFails {
                        path: path.to_path_buf(),
                        line: n + 1,
                        index: item.index,
                        root,
                    })
                }
                None => all_proved = false,
            }
        }
        let manifest = if all_proved { root } else { self.data_root() };
        if manifest != root {
            return Err(ManifestError::RootMismatch {
                path: path.to_path_buf(),
                manifest,
                root,
            });
        }
        Ok(())
    }

    /// The JSONL text: one line per item, each ending in a newline.
    pub fn to_jsonl(&self) -> String {
        self.items
            .iter()
            .map(|i| serde_json::to_string(i).expect("an item serializes") + "\n")
            .collect()
    }

    /// Writes the JSONL to `path` through a temporary file in the same directory and a
    /// rename, so `path` is either the old file or the whole new one, never half of it.
    pub fn write_atomic(&self, path: &Path) -> Result<(), ManifestError> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let written = std::fs::File::create(&tmp).and_then(|mut f| {
            f.write_all(self.to_jsonl().as_bytes())?;
            f.sync_all()
        });
        match written.and_then(|()| std::fs::rename(&tmp, path)) {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(io(path)(e))
            }
        }
    }

    /// Reads and checks a manifest; also returns the SHA-256 of the file's bytes (what
    /// the task metadata records as `manifestSha256`).
    pub fn read(path: &Path) -> Result<(Manifest, B256), ManifestError> {
        let bytes = std::fs::read(path).map_err(io(path))?;
        let file_sha256 = B256::from_slice(&Sha256::digest(&bytes));
        let text = String::from_utf8(bytes)
            .map_err(|e| io(path)(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        let line_error = |line: usize, problem| ManifestError::Line {
            path: path.to_path_buf(),
            line,
            problem,
        };
        let mut items: Vec<Item> = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = n + 1;
            if raw.trim().is_empty() {
                return Err(line_error(line, LineProblem::Blank));
            }
            let item: Item =
                serde_json::from_str(raw).map_err(|e| line_error(line, LineProblem::Json(e)))?;
            let expected = u32::try_from(n).map_err(|_| ManifestError::TooMany { count: n })?;
            if item.index < expected {
                let first_line = item.index as usize + 1;
                let problem = LineProblem::Duplicate {
                    index: item.index,
                    first_line,
                };
                return Err(line_error(line, problem));
            }
            if item.index != expected {
                let problem = LineProblem::OutOfOrder {
                    expected,
                    found: item.index,
                };
                return Err(line_error(line, problem));
            }
            items.push(item);
        }
        if items.is_empty() {
            return Err(ManifestError::Empty(path.to_path_buf()));
        }
        Ok((Manifest { items }, file_sha256))
    }

    /// The manifest of the files under `inputs` (directories are walked; a file given
    /// itself is named by its path as given), skipping `exclude` (the output file, so a
    /// manifest written into the directory does not list itself on the next run).
    pub fn build(
        inputs: &[PathBuf],
        uri_prefix: &str,
        exclude: Option<&Path>,
    ) -> Result<Manifest, ManifestError> {
        let exclude = exclude.and_then(|p| std::fs::canonicalize(p).ok());
        let mut files = Vec::new();
        for input in inputs {
            let meta = std::fs::metadata(input).map_err(io(input))?;
            if meta.is_dir() {
                walk(input, "", &mut files)?;
            } else {
                files.push((rel_of_file(input)?, input.clone()));
            }
        }
        files.retain(|(_, p)| exclude.is_none() || std::fs::canonicalize(p).ok() != exclude);
        files.sort_by(|a, b| a.0.cmp(&b.0));
        for pair in files.windows(2) {
            if pair[0].0 == pair[1].0 {
                return Err(ManifestError::DuplicatePath {
                    rel: pair[0].0.clone(),
                    first: pair[0].1.clone(),
                    second: pair[1].1.clone(),
                });
            }
        }
        if files.is_empty() {
            return Err(ManifestError::NoFiles(inputs.to_vec()));
        }
        let count = files.len();
        let mut items = Vec::with_capacity(count);
        for (index, (rel, path)) in files.into_iter().enumerate() {
            let index = u32::try_from(index).map_err(|_| ManifestError::TooMany { count })?;
            items.push(Item {
                index,
                uri: format!("{uri_prefix}{rel}"),
                sha256: sha256_file(&path)?,
                media_type: media_type(&rel).map(str::to_owned),
                metadata: None,
                proof: None,
            });
        }
        Ok(Manifest { items })
    }
}

/// A file named on the command line: its path as given, `/`-separated, without `./`.
fn rel_of_file(path: &Path) -> Result<String, ManifestError> {
    let parts: Vec<&str> = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| match c {
            // An absolute path keeps its leading `/` through the join below.
            std::path::Component::RootDir => Some(""),
            _ => c.as_os_str().to_str(),
        })
        .collect::<Option<_>>()
        .ok_or_else(|| ManifestError::NonUtf8Path {
            path: path.to_path_buf(),
        })?;
    Ok(parts.join("/"))
}

/// Every file under `dir` (following symlinks), as (path relative to the walk's root, path).
fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) -> Result<(), ManifestError> {
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| ManifestError::NonUtf8Path { path: path.clone() })?;
        let child = if rel.is_empty() {
            name.to_owned()
        } else {
            format!("{rel}/{name}")
        };
        if std::fs::metadata(&path).map_err(io(&path))?.is_dir() {
            walk(&path, &child, out)?;
        } else {
            out.push((child, path));
        }
    }
    Ok(())
}

/// SHA-256 of a file, read in 64 KiB chunks (items can be larger than memory).
pub fn sha256_file(path: &Path) -> Result<B256, ManifestError> {
    let mut f = std::fs::File::open(path).map_err(io(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            return Ok(B256::from_slice(&h.finalize()));
        }
        h.update(&buf[..n]);
    }
}

/// The media type of common data-labelling files, from the extension; `None` otherwise.
pub fn media_type(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "svg" => "image/svg+xml",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "jsonl" => "application/jsonl",
        "pdf" => "application/pdf",
        "wav" => "audio/wav",
        "mp3" => "audio/mpeg",
        "flac" => "audio/flac",
        "ogg" => "audio/ogg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => return None,
    })
}

/// `sha256` as exactly 64 hex digits (no `0x`), the way `sha256sum` prints it.
mod hex64 {
    use alloy::primitives::B256;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(h: &B256, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&alloy::hex::encode(h))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<B256, D::Error> {
        let s = String::deserialize(d)?;
        if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(D::Error::custom(format!(
                "sha256 must be 64 hex digits, got {s:?}"
            )));
        }
        alloy::hex::decode(&s)
            .map(|b| B256::from_slice(&b))
            .map_err(D::Error::custom)
    }
}
