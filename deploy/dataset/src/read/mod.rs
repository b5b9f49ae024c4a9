//! Reading an export back for `verify`: [`open`] checks the MANIFEST and reads
//! `labelchain.json`; [`Export::rows`] streams one data file's rows, each a
//! `Result<Row>` whose error names the file and the row, so the caller can compare
//! every file with the chain.

mod parquet;
mod text;

use std::fs::File;
use std::io::{BufReader, Lines};
use std::path::{Path, PathBuf};

use crate::columns::Col;
use crate::error::{io, Error, Result, RowProblem};
use crate::layout::{Format, MANIFEST, PROVENANCE, README};
use crate::manifest;
use crate::model::{Row, Split};
use crate::provenance::{Provenance, FORMAT_VERSION};

/// One data file of an opened export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataFile {
    pub format: Format,
    pub split: Split,
    /// Relative to the export directory.
    pub path: String,
}

/// An export whose MANIFEST checked out.
#[derive(Clone, Debug)]
pub struct Export {
    pub dir: PathBuf,
    pub provenance: Provenance,
    /// Every data file, by format then split.
    pub files: Vec<DataFile>,
    /// The MANIFEST's own sha256.
    pub manifest_sha256: String,
}

/// Opens `dir`: every file is listed in MANIFEST with its hash and nothing else is
/// there; `labelchain.json` is read; every other listed file must be a data file of
/// the layout, and each split has all four formats.
pub fn open(dir: &Path) -> Result<Export> {
    let listed = manifest::check(dir)?;
    let prov_path = dir.join(PROVENANCE);
    let text = std::fs::read_to_string(&prov_path).map_err(io(&prov_path))?;
    let provenance: Provenance =
        serde_json::from_str(&text).map_err(|source| Error::Provenance {
            path: PROVENANCE.to_string(),
            source,
        })?;
    if provenance.format_version != FORMAT_VERSION {
        return Err(Error::Version {
            path: PROVENANCE.to_string(),
            found: provenance.format_version,
            supported: FORMAT_VERSION,
        });
    }
    let mut files = Vec::new();
    for rel in listed.keys() {
        if rel == README || rel == PROVENANCE {
            continue;
        }
        let (format, split) =
            Format::parse_path(rel).ok_or_else(|| Error::Layout { path: rel.clone() })?;
        files.push(DataFile {
            format,
            split,
            path: rel.clone(),
        });
    }
    for required in [README, PROVENANCE] {
        if !listed.contains_key(required) {
            return Err(Error::Missing {
                path: required.to_string(),
            });
        }
    }
    let splits: std::collections::BTreeSet<Split> = files.iter().map(|f| f.split).collect();
    for split in splits {
        for format in Format::ALL {
            if !files.iter().any(|f| f.split == split && f.format == format) {
                return Err(Error::Missing {
                    path: format.path(split),
                });
            }
        }
    }
    files.sort_by_key(|f| (f.format, f.split));
    let manifest_sha256 = manifest::file_sha256(&dir.join(MANIFEST))?;
    Ok(Export {
        dir: dir.to_path_buf(),
        provenance,
        files,
        manifest_sha256,
    })
}

enum Source {
    Parquet(::parquet::record::reader::RowIter<'static>),
    Jsonl(Lines<BufReader<File>>),
    Json(Lines<BufReader<File>>, text::JsonArray),
    Csv(csv::StringRecordsIntoIter<File>),
}

/// The rows of one data file, in file order. After an error the iterator ends.
pub struct Rows {
    path: String,
    /// The export's class names: each row's label must be one, named as it is.
    classes: Vec<String>,
    /// 1-based number of the last row given (or refused).
    row: u64,
    source: Source,
    done: bool,
}

impl Export {
    pub fn rows(&self, file: &DataFile) -> Result<Rows> {
        let abs = self.dir.join(&file.path);
        let f = File::open(&abs).map_err(io(&abs))?;
        let source = match file.format {
            Format::Parquet => Source::Parquet(parquet::open(f, &file.path)?),
            Format::Jsonl => Source::Jsonl(text::open_lines(f)),
            Format::Json => Source::Json(text::open_lines(f), text::JsonArray::default()),
            Format::Csv => csv_source(f, &file.path)?,
        };
        Ok(Rows {
            path: file.path.clone(),
            classes: self.provenance.classes.clone(),
            row: 0,
            source,
            done: false,
        })
    }
}

fn csv_source(f: File, path: &str) -> Result<Source> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(f);
    let header = reader.headers().map_err(|e| Error::Row {
        path: path.to_string(),
        row: 0,
        problem: RowProblem::Csv(e),
    })?;
    let expected: Vec<&str> = Col::ALL.iter().map(|c| c.name()).collect();
    if header.iter().ne(expected.iter().copied()) {
        return Err(Error::Schema {
            path: path.to_string(),
            problem: format!("the header is not {}", expected.join(",")),
        });
    }
    Ok(Source::Csv(reader.into_records()))
}

impl Rows {
    /// The next row's result, `None` at the end of the file.
    fn next_raw(&mut self) -> Option<Result<Row, RowProblem>> {
        match &mut self.source {
            Source::Parquet(it) => it.next().map(|r| {
                r.map_err(RowProblem::Parquet)
                    .and_then(|r| parquet::row_from_record(&r))
            }),
            Source::Csv(it) => it.next().map(|r| {
                r.map_err(RowProblem::Csv)
                    .and_then(|r| text::row_from_csv(&r))
            }),
            Source::Jsonl(lines) => lines.next().map(|line| match line {
                Ok(line) => text::row_from_json(&line),
                Err(e) => Err(RowProblem::Json(serde_json::Error::io(e))),
            }),
            Source::Json(lines, array) => loop {
                match lines.next() {
                    None => return array.end().map(Err),
                    Some(Err(e)) => return Some(Err(RowProblem::Json(serde_json::Error::io(e)))),
                    Some(Ok(line)) => match array.line(&line) {
                        text::Step::Skip => continue,
                        text::Step::Row(r) => return Some(r),
                    },
                }
            },
        }
    }
}

impl Iterator for Rows {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        if self.done {
            return None;
        }
        let next = self.next_raw();
        match next {
            None => {
                self.done = true;
                None
            }
            Some(r) => {
                self.row += 1;
                let checked = r.and_then(|row| row.check(Some(&self.classes)).map(|()| row));
                Some(checked.map_err(|problem| {
                    self.done = true;
                    Error::Row {
                        path: self.path.clone(),
                        row: self.row,
                        problem,
                    }
                }))
            }
        }
    }
}
