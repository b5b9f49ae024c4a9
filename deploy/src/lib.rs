//! Labelchain's CLI as a library: deploy and wire the Stylus programs (idempotent,
//! resumable, checked on chain), run a local devnode with a demo, and operate the
//! protocol. The `labelchain` binary is a thin layer of argument parsing over this; the
//! tests and the end-to-end harness call the same functions.

pub mod bindings;
pub mod chain;
pub mod commands;
pub mod config;
pub mod demo;
pub mod error;
pub mod errors;
pub mod export;
pub mod history;
pub mod manifest;
pub mod pipeline;
pub mod plan;
pub mod programs;
pub mod progress;
pub mod protocol;
pub mod salts;
pub mod state;
pub mod steps;
pub mod units;
pub mod web;

pub use error::{Error, Result};
