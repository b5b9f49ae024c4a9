//! The commands, as library functions the binary and the tests call.

pub mod datasets;
pub mod deploy;
pub mod ops;
pub mod up;
