//! The commands, as library functions the binary and the tests call.

pub mod deploy;
pub mod ops;
pub mod up;
