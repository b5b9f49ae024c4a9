//! The text formats: JSONL, a JSON array, CSV. Each row is written as it comes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::columns::{Cell, Col};
use crate::error::{io, Error, Result};
use crate::model::Row;

/// JSON text for one cell: `null` for a missing value; floats keep a fraction
/// (`1.0`), so a reader types the column as float.
fn cell_json(cell: &Cell<'_>) -> String {
    match cell {
        Cell::Null => "null".into(),
        Cell::Int(v) => v.to_string(),
        Cell::Float(v) => serde_json::to_string(v).expect("a finite float serializes"),
        Cell::Text(s) => serde_json::to_string(s).expect("a string serializes"),
    }
}

/// A row as one JSON object, keys in column order.
pub(crate) fn row_json(row: &Row) -> String {
    let fields: Vec<String> = Col::ALL
        .iter()
        .map(|&c| {
            let key = serde_json::to_string(c.name()).expect("a string serializes");
            format!("{key}:{}", cell_json(&row.cell(c)))
        })
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// The CSV cell text: empty for a missing value.
pub(crate) fn cell_csv(cell: &Cell<'_>) -> String {
    match cell {
        Cell::Null => String::new(),
        Cell::Text(s) => (*s).to_string(),
        number => cell_json(number),
    }
}

fn create(path: &Path) -> Result<BufWriter<File>> {
    Ok(BufWriter::with_capacity(
        1 << 16,
        File::create(path).map_err(io(path))?,
    ))
}

/// `jsonl/{split}.jsonl`.
pub(crate) struct JsonlSink {
    path: PathBuf,
    out: BufWriter<File>,
}

impl JsonlSink {
    pub fn create(path: PathBuf) -> Result<Self> {
        Ok(JsonlSink {
            out: create(&path)?,
            path,
        })
    }
    pub fn push(&mut self, row: &Row) -> Result<()> {
        writeln!(self.out, "{}", row_json(row)).map_err(io(&self.path))
    }
    pub fn finish(self) -> Result<()> {
        finish(self.out, &self.path)
    }
}

/// `json/{split}.json`: `[` on the first line, one object per line (`,`-separated),
/// `]` on the last — valid JSON that the reader can also stream line by line.
pub(crate) struct JsonSink {
    path: PathBuf,
    out: BufWriter<File>,
    first: bool,
}

impl JsonSink {
    pub fn create(path: PathBuf) -> Result<Self> {
        let mut out = create(&path)?;
        out.write_all(b"[\n").map_err(io(&path))?;
        Ok(JsonSink {
            out,
            path,
            first: true,
        })
    }
    pub fn push(&mut self, row: &Row) -> Result<()> {
        let sep = if self.first { "" } else { ",\n" };
        self.first = false;
        write!(self.out, "{sep}{}", row_json(row)).map_err(io(&self.path))
    }
    pub fn finish(mut self) -> Result<()> {
        self.out.write_all(b"\n]\n").map_err(io(&self.path))?;
        finish(self.out, &self.path)
    }
}

/// `csv/{split}.csv`: a header row of the column names, then one record per row.
pub(crate) struct CsvSink {
    path: PathBuf,
    out: csv::Writer<BufWriter<File>>,
}

fn csv_err(path: &Path) -> impl FnOnce(csv::Error) -> Error + '_ {
    move |e| Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    }
}

impl CsvSink {
    pub fn create(path: PathBuf) -> Result<Self> {
        let mut out = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(create(&path)?);
        out.write_record(Col::ALL.iter().map(|c| c.name()))
            .map_err(csv_err(&path))?;
        Ok(CsvSink { path, out })
    }
    pub fn push(&mut self, row: &Row) -> Result<()> {
        self.out
            .write_record(Col::ALL.iter().map(|&c| cell_csv(&row.cell(c))))
            .map_err(csv_err(&self.path))
    }
    pub fn finish(self) -> Result<()> {
        let path = self.path;
        let inner = self
            .out
            .into_inner()
            .map_err(|e| io(&path)(e.into_error()))?;
        finish(inner, &path)
    }
}

fn finish(out: BufWriter<File>, path: &Path) -> Result<()> {
    let file = out.into_inner().map_err(|e| io(path)(e.into_error()))?;
    file.sync_all().map_err(io(path))
}
