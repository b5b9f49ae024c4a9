//! The end-to-end harness: the real Stylus programs (`contracts/target/programs/*.deploy`)
//! on a chain, deployed and wired by the `labelchain` CLI's library, driven through the
//! typed bindings generated from `abi/`.
//!
//! By default every [`Env`] starts its own in-process devnode on an ephemeral port (the
//! protocol is deployed once per test binary into a template chain that each test's node
//! starts from, so a test costs a node start, not a deploy). With `STYLUS_RPC_URL` (and
//! `STYLUS_PRIVATE_KEY`, a funded key; nitro-devnode's dev key is the default on chain id
//! 412346) the same tests run against that node instead, each on a fresh deployment
//! (its own CREATE2 salt). Time travel uses `evm_increaseTime` + `evm_mine`; where the
//! node has neither, tests that need it print why and return early
//! ([`require_time_travel!`]).

// The generated call builders mirror the ABI's argument lists.
#![allow(clippy::too_many_arguments)]

pub mod attack;
pub mod books;
pub mod env;
pub mod numbers;
pub mod solidity;

pub use books::{Books, Snapshot};
pub use env::*;
