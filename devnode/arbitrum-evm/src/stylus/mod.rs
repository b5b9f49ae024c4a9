//! Stylus execution: a program call (`call`), the WASM runtime and module cache
//! (`runtime`), the 42 `vm_hooks` host functions (`host`) and the per-call storage cache
//! (`storage_cache`).

pub mod call;
pub mod host;
pub mod runtime;
pub mod storage_cache;
