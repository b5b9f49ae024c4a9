//! Where each file of an export lives (the Hugging Face layout): the one place that
//! maps a (format, split) to its relative path and back.

use crate::model::Split;

pub const README: &str = "README.md";
pub const PROVENANCE: &str = "labelchain.json";
pub const MANIFEST: &str = "MANIFEST";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// The default config: `data/{split}-00000-of-00001.parquet`.
    Parquet,
    /// `jsonl/{split}.jsonl`, one object per line.
    Jsonl,
    /// `json/{split}.json`, one JSON array of objects.
    Json,
    /// `csv/{split}.csv`, with a header row.
    Csv,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Parquet, Format::Jsonl, Format::Json, Format::Csv];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Jsonl => "jsonl",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }

    /// The file's path relative to the export directory.
    pub fn path(self, split: Split) -> String {
        let s = split.as_str();
        match self {
            Format::Parquet => format!("data/{s}-00000-of-00001.parquet"),
            Format::Jsonl => format!("jsonl/{s}.jsonl"),
            Format::Json => format!("json/{s}.json"),
            Format::Csv => format!("csv/{s}.csv"),
        }
    }

    pub fn dir(self) -> &'static str {
        match self {
            Format::Parquet => "data",
            Format::Jsonl => "jsonl",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }

    /// Which (format, split) a relative path is, if it is a data file of the layout.
    pub fn parse_path(path: &str) -> Option<(Format, Split)> {
        Format::ALL.into_iter().find_map(|f| {
            Split::ALL
                .into_iter()
                .find(|&s| f.path(s) == path)
                .map(|s| (f, s))
        })
    }
}

/// One written data file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitFile {
    pub format: Format,
    pub split: Split,
    /// Relative to the export directory, `/`-separated.
    pub path: String,
    pub rows: u64,
    pub bytes: u64,
}
