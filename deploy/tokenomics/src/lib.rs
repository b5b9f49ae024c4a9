//! The Labelchain economy, simulated with the contracts' exact settlement rules.
//!
//! [`protocol::Protocol`] replays what the five programs do to balances (escrow, fee,
//! consensus, slashes, burn, fee-bounded emission and its split) to the wei; the
//! chain-equality test runs one action script on it and on the devnode and compares
//! every balance. [`economy`] drives it day by day with requesters, labellers, auditors
//! and attackers from a [`scenario::Scenario`] file, and [`report`] and [`charts`] turn
//! the run into CSV, a markdown summary and SVG/PNG charts.

pub mod amount;
pub mod attackers;
pub mod books;
pub mod charts;
pub mod economy;
mod error;
pub mod gas;
pub mod params;
pub mod protocol;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod script;
pub mod token;

pub use error::{Refusal, SimError};
