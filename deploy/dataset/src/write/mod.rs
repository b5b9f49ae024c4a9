//! The streaming writer. Everything is written into a hidden sibling directory
//! (`.OUT.partial-PID`) that becomes `OUT` by one rename in [`Writer::finish`]; an
//! error, a panic or dropping the writer removes it, so a reader never sees half an
//! export under `OUT`.

mod parquet;
mod text;

pub use self::parquet::{message_type, HF_METADATA_KEY, ROW_GROUP_ROWS};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::card;
use crate::error::{io, ClassesProblem, Error, Result};
use crate::layout::{Format, SplitFile, MANIFEST, PROVENANCE, README};
use crate::manifest;
use crate::model::{Row, Split};
use crate::provenance::{CardInfo, Provenance, Tally, FORMAT_VERSION};
use crate::split::SplitSpec;

use self::parquet::ParquetSink;
use self::text::{CsvSink, JsonSink, JsonlSink};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Replace an existing `out` (only at the final rename; until then it is untouched).
    pub overwrite: bool,
}

/// What [`Writer::finish`] wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    pub dir: PathBuf,
    pub files: Vec<SplitFile>,
    pub provenance: Provenance,
    /// The MANIFEST's own sha256 (what `publishDataset` can record as the file hash).
    pub manifest_sha256: String,
}

/// The four files of one split, opened when the split gets its first row.
struct SplitSinks {
    parquet: ParquetSink,
    jsonl: JsonlSink,
    json: JsonSink,
    csv: CsvSink,
    rows: u64,
}

/// The temporary directory; removed on drop unless it was renamed into place.
struct TempDir {
    path: PathBuf,
    keep: bool,
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.keep {
            if let Err(e) = std::fs::remove_dir_all(&self.path) {
                tracing::warn!(path = %self.path.display(), error = %e, "could not remove the partial export");
            }
        }
    }
}

pub struct Writer {
    out: PathBuf,
    classes: Vec<String>,
    splits: SplitSpec,
    options: WriteOptions,
    sinks: BTreeMap<Split, SplitSinks>,
    stats: Tally,
    seen: BTreeSet<u32>,
    // Dropped last, after every file in it is closed.
    tmp: TempDir,
}

fn check_classes(classes: &[String]) -> Result<()> {
    if classes.len() > 256 {
        return Err(Error::Classes(ClassesProblem::TooMany(classes.len())));
    }
    let mut seen = BTreeSet::new();
    for (i, c) in classes.iter().enumerate() {
        if c.is_empty() {
            return Err(Error::Classes(ClassesProblem::Empty(i)));
        }
        if !seen.insert(c) {
            return Err(Error::Classes(ClassesProblem::Duplicate(c.clone())));
        }
    }
    Ok(())
}

/// `.NAME.partial-PID` next to `out`.
fn temp_path(out: &Path) -> Result<PathBuf> {
    let name = out
        .file_name()
        .filter(|n| !n.is_empty() && *n != "." && *n != "..")
        .ok_or_else(|| Error::BadOutput {
            path: out.to_path_buf(),
        })?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Ok(parent.join(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

impl Writer {
    pub fn create(
        out: &Path,
        classes: &[String],
        splits: &SplitSpec,
        options: WriteOptions,
    ) -> Result<Writer> {
        check_classes(classes)?;
        if out.exists() && !options.overwrite {
            return Err(Error::Exists {
                path: out.to_path_buf(),
            });
        }
        let path = temp_path(out)?;
        if path.exists() {
            // A leftover of a crashed run of this same process id: not anyone's export.
            std::fs::remove_dir_all(&path).map_err(io(&path))?;
        }
        std::fs::create_dir(&path).map_err(io(&path))?;
        let tmp = TempDir { path, keep: false };
        for f in Format::ALL {
            let dir = tmp.path.join(f.dir());
            std::fs::create_dir(&dir).map_err(io(&dir))?;
        }
        Ok(Writer {
            out: out.to_path_buf(),
            classes: classes.to_vec(),
            splits: *splits,
            options,
            sinks: BTreeMap::new(),
            stats: Tally::default(),
            seen: BTreeSet::new(),
            tmp,
        })
    }

    fn sinks(&mut self, split: Split) -> Result<&mut SplitSinks> {
        if !self.sinks.contains_key(&split) {
            let p = |f: Format| self.tmp.path.join(f.path(split));
            let sinks = SplitSinks {
                parquet: ParquetSink::create(
                    p(Format::Parquet),
                    card::hf_features_json(&self.classes),
                )?,
                jsonl: JsonlSink::create(p(Format::Jsonl))?,
                json: JsonSink::create(p(Format::Json))?,
                csv: CsvSink::create(p(Format::Csv))?,
                rows: 0,
            };
            self.sinks.insert(split, sinks);
        }
        Ok(self.sinks.get_mut(&split).expect("inserted above"))
    }

    /// Writes one row to its split's four files. The row is checked first (label in
    /// the classes, its name matching, hash format, no empty strings); an item may
    /// come only once.
    pub fn push(&mut self, row: &Row) -> Result<()> {
        row.check(Some(&self.classes))
            .map_err(|problem| Error::InvalidRow {
                item: row.item,
                problem,
            })?;
        if !self.seen.insert(row.item) {
            return Err(Error::DuplicateItem { item: row.item });
        }
        let split = self.splits.assign(row.item);
        let s = self.sinks(split)?;
        s.parquet.push(row)?;
        s.jsonl.push(row)?;
        s.json.push(row)?;
        s.csv.push(row)?;
        s.rows += 1;
        self.stats.add(row, split);
        Ok(())
    }

    /// Closes the data files, writes the card, `labelchain.json` and MANIFEST, and
    /// renames the directory into place.
    pub fn finish(mut self, card: CardInfo) -> Result<Written> {
        if self.stats.stats.items == 0 {
            return Err(Error::NoRows);
        }
        let mut files = Vec::new();
        for (split, s) in std::mem::take(&mut self.sinks) {
            s.parquet.finish()?;
            s.jsonl.finish()?;
            s.json.finish()?;
            s.csv.finish()?;
            for format in Format::ALL {
                let path = format.path(split);
                let abs = self.tmp.path.join(&path);
                let bytes = std::fs::metadata(&abs).map_err(io(&abs))?.len();
                files.push(SplitFile {
                    format,
                    split,
                    path,
                    rows: s.rows,
                    bytes,
                });
            }
        }
        let provenance = Provenance {
            format_version: FORMAT_VERSION,
            classes: self.classes.clone(),
            split: self.splits,
            card,
            stats: std::mem::take(&mut self.stats).stats,
        };
        self.write_file(README, card::render(&provenance, &files).as_bytes())?;
        let json = serde_json::to_vec_pretty(&provenance).expect("provenance serializes");
        self.write_file(PROVENANCE, &json)?;
        let mut hashes = BTreeMap::new();
        for rel in manifest::list_files(&self.tmp.path)? {
            let hash = manifest::file_sha256(&self.tmp.path.join(&rel))?;
            hashes.insert(rel, hash);
        }
        self.write_file(MANIFEST, manifest::render(&hashes).as_bytes())?;
        let manifest_sha256 = manifest::file_sha256(&self.tmp.path.join(MANIFEST))?;
        self.rename_into_place()?;
        Ok(Written {
            dir: self.out.clone(),
            files,
            provenance,
            manifest_sha256,
        })
    }

    fn write_file(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.tmp.path.join(rel);
        std::fs::write(&path, bytes).map_err(io(&path))
    }

    /// The one step that makes the export visible. With `overwrite`, the old `out` is
    /// moved aside first and removed only after the new one is in place (restored if
    /// the rename fails).
    fn rename_into_place(&mut self) -> Result<()> {
        let old = if self.out.exists() {
            if !self.options.overwrite {
                return Err(Error::Exists {
                    path: self.out.clone(),
                });
            }
            let mut aside = self.tmp.path.clone().into_os_string();
            aside.push(".old");
            let aside = PathBuf::from(aside);
            std::fs::rename(&self.out, &aside).map_err(io(&self.out))?;
            Some(aside)
        } else {
            None
        };
        if let Err(e) = std::fs::rename(&self.tmp.path, &self.out) {
            if let Some(aside) = &old {
                let _ = std::fs::rename(aside, &self.out);
            }
            return Err(io(&self.out)(e));
        }
        self.tmp.keep = true;
        if let Some(aside) = old {
            // The new export is in place: failing to delete the old one is not the
            // export's failure, only litter to report.
            let removed = match std::fs::symlink_metadata(&aside) {
                Ok(m) if m.is_dir() => std::fs::remove_dir_all(&aside),
                _ => std::fs::remove_file(&aside),
            };
            if let Err(e) = removed {
                tracing::warn!(path = %aside.display(), error = %e, "could not remove the replaced export");
            }
        }
        tracing::info!(dir = %self.out.display(), rows = self.seen.len(), "dataset export written");
        Ok(())
    }
}
