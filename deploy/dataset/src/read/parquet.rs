//! Reading the Parquet file back with the parquet crate's record reader (no arrow),
//! one row group in memory at a time.

use std::fs::File;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::reader::RowIter;
use parquet::record::Field;
use parquet::schema::parser::parse_message_type;

use crate::columns::{Cell, Col};
use crate::error::{Error, Result, RowProblem};
use crate::model::Row;
use crate::write::message_type;

/// Opens the file and checks its schema is exactly the one the writer writes.
pub(crate) fn open(file: File, path: &str) -> Result<RowIter<'static>> {
    let err = |source| Error::Parquet {
        path: path.to_string(),
        source,
    };
    let reader = SerializedFileReader::new(file).map_err(err)?;
    let expected = parse_message_type(&message_type()).map_err(err)?;
    let found = reader.metadata().file_metadata().schema();
    if found != &expected {
        return Err(Error::Schema {
            path: path.to_string(),
            problem: format!(
                "the Parquet schema is not the export's (expected {:?}, found {:?})",
                expected
                    .get_fields()
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>(),
                found
                    .get_fields()
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
            ),
        });
    }
    RowIter::from_file_into(Box::new(reader))
        .project(None)
        .map_err(err)
}

pub(crate) fn row_from_record(record: &parquet::record::Row) -> Result<Row, RowProblem> {
    let mut cells = Vec::with_capacity(Col::ALL.len());
    for ((name, field), col) in record.get_column_iter().zip(Col::ALL) {
        if name != col.name() {
            return Err(RowProblem::Unknown(name.clone()));
        }
        cells.push(match field {
            Field::Null => Cell::Null,
            Field::UInt(v) => Cell::Int((*v).into()),
            Field::UByte(v) => Cell::Int((*v).into()),
            Field::Long(v) => Cell::Int(*v),
            Field::Double(v) => Cell::Float(*v),
            Field::Str(s) => Cell::Text(s),
            _ => {
                return Err(RowProblem::Syntax(
                    "a value of a type the export never writes",
                ))
            }
        });
    }
    Row::from_cells(&cells)
}
