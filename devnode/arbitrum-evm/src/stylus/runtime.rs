//! The WASM engine, the host-function linker and the cache of compiled modules.
//!
//! Modules are keyed by codehash; the cache is only an accelerator: whether a program may
//! run is decided by its record in state (`arbos::programs`), and a module missing from the
//! cache (for instance after a restart from a saved state) is rebuilt from the code.

use std::collections::HashMap;
use std::sync::Mutex;

use revm::primitives::B256;
use wasmi::{Config, Engine, Linker, Module};

use super::host::{self, HostEnv};

pub struct StylusRuntime {
    engine: Engine,
    linker: Linker<HostEnv>,
    modules: Mutex<HashMap<B256, Module>>,
}

impl std::fmt::Debug for StylusRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StylusRuntime").finish_non_exhaustive()
    }
}

impl Default for StylusRuntime {
    fn default() -> Self {
        Self::new()
    }
}

impl StylusRuntime {
    pub fn new() -> Self {
        let mut config = Config::default();
        // The instrumented module enforces nitro's stack limit itself; the engine's own
        // limits only need to be above it.
        config
            .set_max_recursion_depth(100_000)
            .set_max_stack_height(64 * 1024 * 1024)
            .wasm_reference_types(false)
            .wasm_tail_call(false)
            .wasm_bulk_memory(true)
            // Floats validate as on nitro; the meter makes every float op unrunnable.
            .floats(true)
            .consume_fuel(false);
        let engine = Engine::new(&config);
        let mut linker = Linker::new(&engine);
        host::link(&mut linker).expect("the host functions have unique names");
        Self {
            engine,
            linker,
            modules: Mutex::new(HashMap::new()),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn linker(&self) -> &Linker<HostEnv> {
        &self.linker
    }

    pub fn cached(&self, codehash: &B256) -> Option<Module> {
        self.modules.lock().ok()?.get(codehash).cloned()
    }

    /// Compiles an instrumented module and caches it under `codehash`.
    pub fn compile(&self, codehash: B256, instrumented: &[u8]) -> Result<Module, wasmi::Error> {
        let module = Module::new(&self.engine, instrumented)?;
        if let Ok(mut m) = self.modules.lock() {
            m.insert(codehash, module.clone());
        }
        Ok(module)
    }
}
