//! The devnode's integration tests in one binary (as anvil's `tests/it`): the heavy
//! crates are linked once, not once per file. Each module is one former test file.

mod common;
mod rpc_common;
mod wat;

mod activation;
mod activation_via_arbwasm;
mod arb_sys;
mod cache_gas;
mod cache_manager;
mod deployer_gas;
mod hooks_calls;
mod hooks_env;
mod hooks_math;
mod hooks_state;
mod metering;
mod outcomes;
mod precompile_gas;
mod program_cache;
mod rpc_clients;
mod rpc_errors;
mod rpc_fuzz;
mod rpc_http;
mod rpc_methods;
mod rpc_sign;
mod rpc_startup;
mod rpc_state;
mod rust_programs;
mod smoke;
mod tx_rules;
