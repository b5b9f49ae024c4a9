//! Arbitrum's EVM as a variant of revm: code carrying the Stylus prefix runs as WASM on
//! wasmi, activated and instrumented by [`stylus_activation`], metered in ink and served
//! by the 42 `vm_hooks` host functions at nitro's prices; ArbOS's precompiles and the
//! StylusDeployer sit beside revm's own. The chain and the RPC node are the `devnode`
//! crate's.

pub use stylus_activation as activation;

pub mod abi;
pub mod arbos;
pub mod cache_manager;
pub mod deployer;
pub mod evm;
pub mod genesis;
pub mod native;
pub mod stylus;
