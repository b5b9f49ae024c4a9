//! Reading the text formats back, one row at a time.

use std::fs::File;
use std::io::{BufRead, BufReader, Lines};

use serde_json::Value;

use crate::columns::{Cell, Col, Kind};
use crate::error::RowProblem;
use crate::model::Row;

/// A row from one JSON object: every column present (null for missing), no others.
pub(crate) fn row_from_json(text: &str) -> Result<Row, RowProblem> {
    let value: Value = serde_json::from_str(text).map_err(RowProblem::Json)?;
    let Value::Object(map) = value else {
        return Err(RowProblem::Syntax("a row must be a JSON object"));
    };
    if let Some(unknown) = map.keys().find(|k| Col::by_name(k).is_none()) {
        return Err(RowProblem::Unknown(unknown.clone()));
    }
    let mut cells = Vec::with_capacity(Col::ALL.len());
    for col in Col::ALL {
        let v = map.get(col.name()).ok_or(RowProblem::Missing(col.name()))?;
        cells.push(json_cell(col, v)?);
    }
    Row::from_cells(&cells)
}

fn json_cell<'a>(col: Col, v: &'a Value) -> Result<Cell<'a>, RowProblem> {
    let type_err = |found| RowProblem::Type {
        column: col.name(),
        expected: col.kind().hf_dtype(),
        found,
    };
    Ok(match (col.kind(), v) {
        (_, Value::Null) => Cell::Null,
        (Kind::Str, Value::String(s)) => Cell::Text(s),
        (Kind::F64, Value::Number(n)) if n.is_f64() => {
            Cell::Float(n.as_f64().ok_or_else(|| type_err("a number"))?)
        }
        (Kind::U32 | Kind::U8 | Kind::Label, Value::Number(n)) => {
            Cell::Int(n.as_i64().ok_or_else(|| type_err("a non-integer number"))?)
        }
        (_, Value::String(_)) => return Err(type_err("text")),
        (_, Value::Number(_)) => return Err(type_err("a number")),
        (_, Value::Bool(_)) => return Err(type_err("a boolean")),
        (_, Value::Array(_) | Value::Object(_)) => return Err(type_err("a JSON array or object")),
    })
}

/// A row from one CSV record's cells (the header was checked already).
pub(crate) fn row_from_csv(record: &csv::StringRecord) -> Result<Row, RowProblem> {
    if record.len() != Col::ALL.len() {
        return Err(RowProblem::ColumnCount {
            expected: Col::ALL.len(),
            found: record.len(),
        });
    }
    let mut cells = Vec::with_capacity(Col::ALL.len());
    for (col, text) in Col::ALL.into_iter().zip(record.iter()) {
        cells.push(csv_cell(col, text)?);
    }
    Row::from_cells(&cells)
}

fn csv_cell(col: Col, text: &str) -> Result<Cell<'_>, RowProblem> {
    if text.is_empty() {
        return Ok(Cell::Null);
    }
    let parse_err = || RowProblem::Parse {
        column: col.name(),
        expected: col.kind().hf_dtype(),
        text: text.to_string(),
    };
    Ok(match col.kind() {
        Kind::Str => Cell::Text(text),
        Kind::F64 => Cell::Float(text.parse().map_err(|_| parse_err())?),
        Kind::U32 | Kind::U8 | Kind::Label => {
            if !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(parse_err());
            }
            Cell::Int(text.parse().map_err(|_| parse_err())?)
        }
    })
}

/// The JSON array file as the writer lays it out: `[`, one object per line followed
/// by `,` except the last, `]`. The MANIFEST pins the bytes, so a file in any other
/// layout is a changed file; reading by lines keeps memory bounded.
#[derive(Default)]
pub(crate) struct JsonArray {
    opened: bool,
    closed: bool,
    /// Whether the last row line ended in `,`; `None` before the first row.
    last_comma: Option<bool>,
}

pub(crate) enum Step {
    Row(Result<Row, RowProblem>),
    Skip,
}

impl JsonArray {
    /// What one line of the file is.
    pub fn line(&mut self, line: &str) -> Step {
        let bad = |why| Step::Row(Err(RowProblem::Syntax(why)));
        if !self.opened {
            self.opened = true;
            return if line == "[" {
                Step::Skip
            } else {
                bad("the file must begin with a line `[`")
            };
        }
        if self.closed {
            return bad("text after the closing `]`");
        }
        if line == "]" {
            self.closed = true;
            return match self.last_comma {
                Some(true) => bad("a `,` after the last row"),
                _ => Step::Skip,
            };
        }
        if self.last_comma == Some(false) {
            return bad("no `,` after the previous row");
        }
        let object = line.strip_suffix(',');
        self.last_comma = Some(object.is_some());
        Step::Row(row_from_json(object.unwrap_or(line)))
    }

    /// At the end of the file: a problem if the array was never closed.
    pub fn end(&self) -> Option<RowProblem> {
        (!self.closed).then_some(RowProblem::Syntax("the file ends before its closing `]`"))
    }
}

pub(crate) fn open_lines(file: File) -> Lines<BufReader<File>> {
    BufReader::with_capacity(1 << 16, file).lines()
}
