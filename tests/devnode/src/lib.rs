//! devnode: a local Arbitrum chain that runs Stylus programs as nitro does.
//!
//! EVM bytecode runs on revm (Prague rules); code carrying the Stylus prefix runs as WASM
//! on wasmi, instrumented at activation with nitro's ink meter, stack-depth checker and
//! memory-grow hook, and served by the 42 `vm_hooks` host functions with nitro's prices.
//! See `README.md` in this crate for the library API and what is (and is not) emulated.
//!
//! ```no_run
//! use devnode::{Chain, ChainConfig, TxRequest, DEV_ACCOUNT};
//! let mut chain = Chain::new(ChainConfig::default());
//! let receipt = chain
//!     .send(TxRequest::create(DEV_ACCOUNT, vec![0x60, 0x00, 0x60, 0x00, 0xf3]))
//!     .expect("a valid transaction");
//! assert!(receipt.success());
//! ```

pub mod activation;
pub mod arbos;
pub mod chain;
pub mod deployer;
pub mod evm;
pub mod genesis;
pub mod stylus;

pub use chain::{
    Block, CallResult, Chain, ChainConfig, ChainError, Estimate, Receipt, StateOverrides, Status,
    TxRequest,
};
pub use genesis::{CREATE2_FACTORY, DEV_ACCOUNT, DEV_KEY};
pub mod rpc;
