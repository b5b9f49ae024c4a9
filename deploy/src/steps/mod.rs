//! The deploy's steps, each sent only when the chain shows it is not done yet, and each
//! checked on chain after it is sent.

pub mod cache;
pub mod program;
pub mod wire;
