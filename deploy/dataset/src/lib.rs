//! The files of a Labelchain dataset export (DESIGN.md §5), independent of the chain:
//! `labelchain dataset export` joins the chain's final labels with the item manifest
//! into [`Row`]s and streams them into a [`Writer`], which lays out
//!
//! ```text
//! data/{split}-00000-of-00001.parquet   the default config (Parquet)
//! jsonl/{split}.jsonl  json/{split}.json  csv/{split}.csv
//! README.md            dataset card: YAML front matter (configs, features, splits) + provenance
//! labelchain.json      the Provenance, read back by `verify`
//! MANIFEST             sha256sum format, every other file
//! ```
//!
//! `labelchain dataset verify DIR` reads it back with [`open`] and compares each
//! file's rows with the chain. Columns: [`Col::ALL`], the one table every format uses.

mod card;
mod columns;
mod error;
mod layout;
mod manifest;
mod model;
mod provenance;
mod read;
mod split;
mod write;

pub use card::{hf_features_json, pandas_dtypes_python, yaml_str};
pub use columns::{Cell, Col, Kind};
pub use error::{ClassesProblem, Error, ManifestProblem, Result, RowProblem, SplitSpecError};
pub use layout::{Format, SplitFile, MANIFEST, PROVENANCE, README};
pub use manifest::{file_sha256, parse as parse_manifest, render as render_manifest};
pub use model::{Row, Split, Status};
pub use provenance::{CardInfo, Contract, Provenance, Stats, FORMAT_VERSION};
pub use read::{open, DataFile, Export, Rows};
pub use split::{SplitSpec, SPLIT_DOMAIN};
pub use write::{message_type, WriteOptions, Writer, Written, HF_METADATA_KEY, ROW_GROUP_ROWS};
