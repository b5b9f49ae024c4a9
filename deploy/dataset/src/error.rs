//! The crate's errors. Each names the file (and line or row) it is about, so a caller
//! can show it as it is; callers match on variants, never on text.

use std::path::PathBuf;

use crate::columns::Col;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} already exists; choose another directory or allow overwriting it")]
    Exists { path: PathBuf },
    #[error(
        "{path}: the output must be a directory path with a final name (not `/`, `.` or `..`)"
    )]
    BadOutput { path: PathBuf },
    #[error(
        "the export has no rows: no item matched the export's options, so nothing was written"
    )]
    NoRows,
    #[error("item {item}: {problem}")]
    InvalidRow { item: u32, problem: RowProblem },
    #[error("item {item} was pushed twice")]
    DuplicateItem { item: u32 },
    #[error(transparent)]
    SplitSpec(#[from] SplitSpecError),
    #[error("MANIFEST line {line}: {problem}")]
    Manifest {
        line: usize,
        problem: ManifestProblem,
    },
    #[error("{path}: sha256 is {found}, MANIFEST says {expected} (the file was changed)")]
    HashMismatch {
        path: String,
        expected: String,
        found: String,
    },
    #[error("{path} is in the export directory but not in its MANIFEST")]
    Unlisted { path: String },
    #[error("{path} is listed in MANIFEST but missing")]
    Missing { path: String },
    #[error("{path}: not a file of this export's layout")]
    Layout { path: String },
    #[error("{path} row {row}: {problem}")]
    Row {
        path: String,
        row: u64,
        problem: RowProblem,
    },
    #[error("{path}: {problem}")]
    Schema { path: String, problem: String },
    #[error("{path}: {source}")]
    Parquet {
        path: String,
        source: parquet::errors::ParquetError,
    },
    #[error("{path}: {source}")]
    Provenance {
        path: String,
        source: serde_json::Error,
    },
    #[error("{path}: format version {found}; this labelchain reads version {supported}")]
    Version {
        path: String,
        found: u32,
        supported: u32,
    },
    #[error("classes: {0}")]
    Classes(ClassesProblem),
}

/// Why the class names given to the writer were refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClassesProblem {
    #[error("{0} names; labels are 0..=255, so at most 256")]
    TooMany(usize),
    #[error("class {0} has an empty name")]
    Empty(usize),
    #[error("{0:?} is given twice")]
    Duplicate(String),
}

/// Why one row was refused, by the writer or by a reader.
#[derive(Debug, thiserror::Error)]
pub enum RowProblem {
    #[error("{found} columns where {expected} were due")]
    ColumnCount { expected: usize, found: usize },
    #[error("column {column}: expected {expected}, found {found}")]
    Type {
        column: &'static str,
        expected: &'static str,
        found: &'static str,
    },
    #[error("column {0} is missing")]
    Missing(&'static str),
    #[error("column {0} is not one of the export's columns")]
    Unknown(String),
    #[error("column {column}: {value} is out of range")]
    Range { column: &'static str, value: i64 },
    #[error("column {column}: {text:?} is not a valid {expected}")]
    Parse {
        column: &'static str,
        expected: &'static str,
        text: String,
    },
    #[error("status {0:?} is not one of accepted, void, escalated, pending_audit, open")]
    Status(String),
    #[error("sha256 {0:?} is not 64 lowercase hex digits")]
    Sha256(String),
    #[error("column {} is an empty string (write None instead: CSV cannot tell them apart)", .0.name())]
    Empty(Col),
    #[error("tier {0} is not 1 (standard), 2 (strong) or 3 (audited)")]
    Tier(u8),
    #[error("agreement {0} is not within 0..=1")]
    Agreement(f64),
    #[error("label and label_name must both be given or both be missing")]
    LabelNameWithoutLabel,
    #[error("label {label} but the task has {classes} classes")]
    LabelOutOfRange { label: u8, classes: usize },
    #[error("label {label} is named {expected:?}, not {found:?}")]
    LabelName {
        label: u8,
        expected: String,
        found: String,
    },
    #[error("{0}")]
    Json(serde_json::Error),
    #[error("{0}")]
    Csv(csv::Error),
    #[error("{0}")]
    Parquet(parquet::errors::ParquetError),
    #[error("{0}")]
    Syntax(&'static str),
}

/// Why a MANIFEST line was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ManifestProblem {
    #[error("not `<64 lowercase hex>  <relative path>`")]
    Malformed,
    #[error("{0:?} is not a plain relative path inside the export")]
    Path(String),
    #[error("{0} is listed twice")]
    Duplicate(String),
    #[error("the MANIFEST does not end in a newline")]
    NoFinalNewline,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SplitSpecError {
    #[error("split {0:?}: give three comma-separated percentages, e.g. 80,10,10")]
    Syntax(String),
    #[error("split {0:?}: each part is a percentage 0-100 with at most two decimals")]
    Part(String),
    #[error("split: train {train_bps} + validation {validation_bps} + test {test_bps} basis points is not 10000")]
    Sum {
        train_bps: u32,
        validation_bps: u32,
        test_bps: u32,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |source| Error::Io { path, source }
}
