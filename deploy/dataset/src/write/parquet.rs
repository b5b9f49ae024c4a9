//! The Parquet file, written with the parquet crate's column writers (no arrow): rows
//! are buffered per column up to one row group ([`ROW_GROUP_ROWS`]) and flushed, so
//! memory stays bounded whatever the export's size.

use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use crate::columns::{Cell, Col, Kind};
use crate::error::{Error, Result};
use crate::model::Row;

/// Rows per row group: small enough to bound memory, large enough for good pages.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// The key `datasets` reads its features from in a Parquet file's metadata.
pub const HF_METADATA_KEY: &str = "huggingface";

/// The Parquet schema, from the column table: unsigned integers as INT32 with an
/// INTEGER(bits, false) annotation (pyarrow reads them as uint8/uint32), the label as
/// plain INT64 (a ClassLabel's storage), strings as UTF-8, `Option`s OPTIONAL.
pub fn message_type() -> String {
    let fields: Vec<String> = Col::ALL
        .iter()
        .map(|&c| {
            let rep = if c.optional() { "OPTIONAL" } else { "REQUIRED" };
            let ty = match c.kind() {
                Kind::U32 => "INT32",
                Kind::U8 => "INT32",
                Kind::Label => "INT64",
                Kind::F64 => "DOUBLE",
                Kind::Str => "BYTE_ARRAY",
            };
            let ann = match c.kind() {
                Kind::U32 => " (INTEGER(32,false))",
                Kind::U8 => " (INTEGER(8,false))",
                Kind::Str => " (STRING)",
                Kind::Label | Kind::F64 => "",
            };
            format!("  {rep} {ty} {}{ann};\n", c.name())
        })
        .collect();
    format!("message labelchain_row {{\n{}}}\n", fields.concat())
}

/// One column's buffered values and definition levels (1 present, 0 missing).
enum Values {
    I32(Vec<i32>),
    I64(Vec<i64>),
    F64(Vec<f64>),
    Bytes(Vec<ByteArray>),
}

struct Buffer {
    col: Col,
    values: Values,
    defs: Vec<i16>,
}

impl Buffer {
    fn new(col: Col) -> Buffer {
        let values = match col.kind() {
            Kind::U32 | Kind::U8 => Values::I32(Vec::new()),
            Kind::Label => Values::I64(Vec::new()),
            Kind::F64 => Values::F64(Vec::new()),
            Kind::Str => Values::Bytes(Vec::new()),
        };
        Buffer {
            col,
            values,
            defs: Vec::new(),
        }
    }

    fn push(&mut self, cell: Cell<'_>) {
        self.defs.push(i16::from(cell != Cell::Null));
        match (&mut self.values, cell) {
            (_, Cell::Null) => {}
            // u32 values above i32::MAX keep their bits; the annotation makes them unsigned.
            #[allow(clippy::cast_possible_truncation)]
            (Values::I32(v), Cell::Int(x)) => v.push(x as u32 as i32),
            (Values::I64(v), Cell::Int(x)) => v.push(x),
            (Values::F64(v), Cell::Float(x)) => v.push(x),
            (Values::Bytes(v), Cell::Text(s)) => v.push(ByteArray::from(s.as_bytes().to_vec())),
            _ => unreachable!("Row::cell gives each column its kind's cell"),
        }
    }

    fn write(&mut self, writer: &mut ColumnWriter<'_>) -> parquet::errors::Result<()> {
        let defs = self.col.optional().then_some(&self.defs[..]);
        match (&mut self.values, writer) {
            (Values::I32(v), ColumnWriter::Int32ColumnWriter(w)) => w.write_batch(v, defs, None),
            (Values::I64(v), ColumnWriter::Int64ColumnWriter(w)) => w.write_batch(v, defs, None),
            (Values::F64(v), ColumnWriter::DoubleColumnWriter(w)) => w.write_batch(v, defs, None),
            (Values::Bytes(v), ColumnWriter::ByteArrayColumnWriter(w)) => {
                w.write_batch(v, defs, None)
            }
            _ => unreachable!("the schema is built from the same column table"),
        }?;
        self.defs.clear();
        match &mut self.values {
            Values::I32(v) => v.clear(),
            Values::I64(v) => v.clear(),
            Values::F64(v) => v.clear(),
            Values::Bytes(v) => v.clear(),
        }
        Ok(())
    }
}

pub(crate) struct ParquetSink {
    path: PathBuf,
    writer: SerializedFileWriter<File>,
    buffers: Vec<Buffer>,
    buffered: usize,
}

impl ParquetSink {
    pub fn create(path: PathBuf, hf_features: String) -> Result<Self> {
        let err = perr(&path);
        let file = File::create(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let schema = Arc::new(parse_message_type(&message_type()).map_err(&err)?);
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("labelchain-dataset {}", env!("CARGO_PKG_VERSION")))
            .set_key_value_metadata(Some(vec![KeyValue::new(
                HF_METADATA_KEY.to_string(),
                hf_features,
            )]))
            .build();
        let writer = SerializedFileWriter::new(file, schema, Arc::new(props)).map_err(&err)?;
        drop(err);
        Ok(ParquetSink {
            path,
            writer,
            buffers: Col::ALL.into_iter().map(Buffer::new).collect(),
            buffered: 0,
        })
    }

    pub fn push(&mut self, row: &Row) -> Result<()> {
        for (buf, col) in self.buffers.iter_mut().zip(Col::ALL) {
            buf.push(row.cell(col));
        }
        self.buffered += 1;
        if self.buffered >= ROW_GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.buffered == 0 {
            return Ok(());
        }
        let err = perr(&self.path);
        let mut group = self.writer.next_row_group().map_err(&err)?;
        for buf in &mut self.buffers {
            let mut col = group.next_column().map_err(&err)?.ok_or_else(|| {
                err(parquet::errors::ParquetError::General(
                    "the schema has fewer columns than the table".into(),
                ))
            })?;
            buf.write(col.untyped()).map_err(&err)?;
            col.close().map_err(&err)?;
        }
        group.close().map_err(&err)?;
        self.buffered = 0;
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.flush()?;
        let err = perr(&self.path);
        let file = self.writer.into_inner().map_err(&err)?;
        file.sync_all().map_err(|source| Error::Io {
            path: self.path.clone(),
            source,
        })
    }
}

fn perr(path: &std::path::Path) -> impl Fn(parquet::errors::ParquetError) -> Error + '_ {
    move |source| Error::Parquet {
        path: path.display().to_string(),
        source,
    }
}
