//! The text formats: JSONL, a JSON array, CSV. Each row is written as it comes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::columns::{Cell, Col};
use crate::error::{io, Error, Result};
use crate::model::Row;

/// Appends one cell's JSON: `null` for a missing value; floats keep a fraction
/// (`1.0`), so a reader types the column as float.
fn push_cell_json(out: &mut String, cell: &Cell<'_>) {
    use std::fmt::Write as _;
    match cell {
        Cell::Null => out.push_str("null"),
        Cell::Int(v) => {
            let _ = write!(out, "{v}");
        }
        Cell::Float(v) => {
            out.push_str(&serde_json::to_string(v).expect("a finite float serializes"))
        }
        Cell::Text(s) => out.push_str(&serde_json::to_string(s).expect("a string serializes")),
    }
}

fn cell_json(cell: &Cell<'_>) -> String {
    let mut s = String::new();
    push_cell_json(&mut s, cell);
    s
}

/// A row as one JSON object, keys in column order (column names are plain ASCII
/// identifiers, so they need no escaping).
pub(crate) fn row_json(row: &Row) -> String {
    let mut out = String::with_capacity(512);
    out.push('{');
    for (i, &c) in Col::ALL.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(c.name());
        out.push_str("\":");
        push_cell_json(&mut out, &row.cell(c));
    }
    out.push('}');
    out
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
        for c in Col::ALL {
            let written = match row.cell(c) {
                // Text as it is, without a copy; numbers as their JSON text.
                Cell::Text(s) => self.out.write_field(s),
                cell => self.out.write_field(cell_csv(&cell)),
            };
            written.map_err(csv_err(&self.path))?;
        }
        self.out
            .write_record(None::<&[u8]>)
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
