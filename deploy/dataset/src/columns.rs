//! The column table: every writer, every reader and the dataset card's features take
//! the columns' order, names and types from [`Col::ALL`] and [`Col::kind`].

use crate::error::RowProblem;

/// A column of the export, in file order (`Col::ALL[i] as usize == i`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Col {
    Item,
    Status,
    Label,
    LabelName,
    Tier,
    Votes,
    Commits,
    Agreement,
    Seq,
    Uri,
    Sha256,
    MediaType,
    Metadata,
}

/// A column's type, as Parquet stores it and as the Hugging Face features name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Parquet INT32 annotated unsigned 32-bit; `uint32`.
    U32,
    /// Parquet INT32 annotated unsigned 8-bit; `uint8`.
    U8,
    /// Parquet INT64, the storage of a `datasets` ClassLabel (`int64`).
    Label,
    /// Parquet DOUBLE; `float64`.
    F64,
    /// Parquet BYTE_ARRAY annotated STRING; `string`.
    Str,
}

impl Kind {
    /// The `datasets` `Value` dtype (the label's is ClassLabel's storage).
    pub fn hf_dtype(self) -> &'static str {
        match self {
            Kind::U32 => "uint32",
            Kind::U8 => "uint8",
            Kind::Label => "int64",
            Kind::F64 => "float64",
            Kind::Str => "string",
        }
    }

    /// pandas' nullable dtype, which a CSV reader needs for integer columns with
    /// empty cells (numpy integers cannot hold a missing value).
    pub fn pandas_dtype(self) -> &'static str {
        match self {
            Kind::U32 => "UInt32",
            Kind::U8 => "UInt8",
            Kind::Label => "Int64",
            Kind::F64 => "float64",
            Kind::Str => "string",
        }
    }

    /// The inclusive range an integer column's values must lie in.
    pub fn int_range(self) -> Option<(i64, i64)> {
        match self {
            Kind::U32 => Some((0, u32::MAX.into())),
            Kind::U8 => Some((0, u8::MAX.into())),
            // A ClassLabel stored as int64, but labels are u8 on chain.
            Kind::Label => Some((0, u8::MAX.into())),
            Kind::F64 | Kind::Str => None,
        }
    }
}

impl Col {
    pub const ALL: [Col; 13] = [
        Col::Item,
        Col::Status,
        Col::Label,
        Col::LabelName,
        Col::Tier,
        Col::Votes,
        Col::Commits,
        Col::Agreement,
        Col::Seq,
        Col::Uri,
        Col::Sha256,
        Col::MediaType,
        Col::Metadata,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Col::Item => "item",
            Col::Status => "status",
            Col::Label => "label",
            Col::LabelName => "label_name",
            Col::Tier => "tier",
            Col::Votes => "votes",
            Col::Commits => "commits",
            Col::Agreement => "agreement",
            Col::Seq => "seq",
            Col::Uri => "uri",
            Col::Sha256 => "sha256",
            Col::MediaType => "media_type",
            Col::Metadata => "metadata",
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            Col::Item | Col::Seq => Kind::U32,
            Col::Tier | Col::Votes | Col::Commits => Kind::U8,
            Col::Label => Kind::Label,
            Col::Agreement => Kind::F64,
            Col::Status
            | Col::LabelName
            | Col::Uri
            | Col::Sha256
            | Col::MediaType
            | Col::Metadata => Kind::Str,
        }
    }

    /// Whether the column may be missing (Parquet OPTIONAL, JSON null, empty CSV cell).
    pub fn optional(self) -> bool {
        matches!(
            self,
            Col::Label
                | Col::LabelName
                | Col::Tier
                | Col::Agreement
                | Col::Seq
                | Col::MediaType
                | Col::Metadata
        )
    }

    pub fn by_name(name: &str) -> Option<Col> {
        Col::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// One value as the formats see it; integers of every width are `Int`.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Float(f64),
    Text(&'a str),
}

impl<'a> Cell<'a> {
    fn found(&self) -> &'static str {
        match self {
            Cell::Null => "a missing value",
            Cell::Int(_) => "an integer",
            Cell::Float(_) => "a number",
            Cell::Text(_) => "text",
        }
    }

    fn mismatch(&self, col: Col) -> RowProblem {
        RowProblem::Type {
            column: col.name(),
            expected: col.kind().hf_dtype(),
            found: self.found(),
        }
    }

    pub(crate) fn opt_int<T: TryFrom<i64>>(&self, col: Col) -> Result<Option<T>, RowProblem> {
        match self {
            Cell::Null if col.optional() => Ok(None),
            Cell::Null => Err(RowProblem::Missing(col.name())),
            Cell::Int(v) => {
                let (lo, hi) = col.kind().int_range().ok_or_else(|| self.mismatch(col))?;
                if !(lo..=hi).contains(v) {
                    return Err(RowProblem::Range {
                        column: col.name(),
                        value: *v,
                    });
                }
                T::try_from(*v).map(Some).map_err(|_| RowProblem::Range {
                    column: col.name(),
                    value: *v,
                })
            }
            _ => Err(self.mismatch(col)),
        }
    }

    pub(crate) fn int<T: TryFrom<i64>>(&self, col: Col) -> Result<T, RowProblem> {
        self.opt_int(col)?.ok_or(RowProblem::Missing(col.name()))
    }

    pub(crate) fn opt_float(&self, col: Col) -> Result<Option<f64>, RowProblem> {
        match self {
            Cell::Null if col.optional() => Ok(None),
            Cell::Null => Err(RowProblem::Missing(col.name())),
            Cell::Float(v) => Ok(Some(*v)),
            _ => Err(self.mismatch(col)),
        }
    }

    pub(crate) fn opt_text(&self, col: Col) -> Result<Option<String>, RowProblem> {
        match self {
            Cell::Null if col.optional() => Ok(None),
            Cell::Null => Err(RowProblem::Missing(col.name())),
            Cell::Text(s) => Ok(Some((*s).to_string())),
            _ => Err(self.mismatch(col)),
        }
    }

    pub(crate) fn text(&self, col: Col) -> Result<&'a str, RowProblem> {
        match self {
            Cell::Text(s) => Ok(s),
            Cell::Null => Err(RowProblem::Missing(col.name())),
            _ => Err(self.mismatch(col)),
        }
    }
}
