//! devnode: a local Arbitrum chain that runs Stylus programs as nitro does.
//!
//! EVM bytecode runs on revm (Prague rules); code carrying the Stylus prefix runs as WASM
//! on wasmi, instrumented at activation with nitro's ink meter, stack-depth checker and
//! memory-grow hook, and served by the 42 `vm_hooks` host functions with nitro's prices.
//! This crate is the node: the chain (blocks, receipts, state dumps, per-block state) and
//! the JSON-RPC server and binary; the EVM variant is [`arbitrum_evm`] and activation is
//! [`stylus_activation`], re-exported here under their old module names. See
//! `devnode/README.md` for the library API and what is (and is not) emulated.
//!
//! ```no_run
//! use devnode::{Chain, ChainConfig, TxRequest, DEV_ACCOUNT};
//! let mut chain = Chain::new(ChainConfig::default());
//! let receipt = chain
//!     .send(TxRequest::create(DEV_ACCOUNT, vec![0x60, 0x00, 0x60, 0x00, 0xf3]))
//!     .expect("a valid transaction");
//! assert!(receipt.success());
//! ```

pub use arbitrum_evm::{abi, activation, arbos, cache_manager, deployer, evm, genesis, stylus};

pub mod chain;

pub use chain::{
    Block, CallResult, Chain, ChainConfig, ChainError, Estimate, HaltReason, Receipt,
    StateOverrides, Status, TxRequest,
};
pub use genesis::{CREATE2_FACTORY, DEV_ACCOUNT, DEV_KEY};
pub mod rpc;
