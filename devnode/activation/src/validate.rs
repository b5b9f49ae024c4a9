//! The checks nitro makes before and around instrumentation, each with its own error.
//!
//! Sources: `crates/prover/src/binary.rs` (`parse_with_version`, `parse_user`, `check_func`),
//! `crates/prover/src/programs/{start,heap}.rs` and `mod.rs` (`memory_info`), and the import
//! linking of `crates/prover/src/machine.rs`.

use wasmparser::{ExternalKind, TypeRef, ValType, Validator, WasmFeatures};

use super::{
    imports::{host_import, signature, PAY_FOR_MEMORY_GROW, VM_HOOKS},
    module::{declared_locals, ModuleInfo},
    ActivationError, Limit, ADDED_GLOBALS,
};

/// The entrypoint every Stylus program exports, `(i32 args_len) -> i32 status`.
pub const ENTRYPOINT: &str = "user_entrypoint";
/// The export name the memory must have.
pub const MEMORY: &str = "memory";
/// nitro's heap bound: a program may start with at most 128 pages (8 MiB).
pub const HEAP_BOUND: u64 = 128;
/// The longest export or module name, in bytes.
const MAX_NAME_LEN: usize = 512;

/// nitro's feature set (`crates/prover/src/binary.rs`, `parse_with_version`) below ArbOS 60,
/// which this crate follows (ArbOS 50): multi-value on (ArbOS 60 turns it off) and floats on
/// (they validate; every float operator is priced at `u64::MAX` ink, see `meter::op_ink`,
/// so a basic block holding one runs out of ink the moment it is entered).
fn stylus_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::GC_TYPES
}

/// A module that does not validate even with every core proposal on is malformed rather
/// than using an unsupported feature.
///
/// The one exception is SIMD: the workspace builds wasmparser without its `simd` feature, so
/// SIMD opcodes do not even decode ("unexpected SIMD opcode"); that is reported as the
/// unsupported feature it is.
pub(crate) fn check_wellformed(wasm: &[u8]) -> Result<(), ActivationError> {
    let everything = WasmFeatures::all() & !WasmFeatures::COMPONENT_MODEL;
    Validator::new_with_features(everything)
        .validate_all(wasm)
        .map(drop)
        .map_err(|err| {
            let message = err.to_string();
            if message.contains("SIMD") {
                ActivationError::UnsupportedFeature(message)
            } else {
                ActivationError::Malformed(message)
            }
        })
}

/// Validates against nitro's feature set.
pub(crate) fn check_features(wasm: &[u8]) -> Result<(), ActivationError> {
    Validator::new_with_features(stylus_features())
        .validate_all(wasm)
        .map(drop)
        .map_err(|err| ActivationError::UnsupportedFeature(err.to_string()))
}

/// Rejects float types and instructions anywhere in the module: a policy stricter than
/// activation, for tools that want a float path refused at build time rather than found
/// when it runs out of ink (the contracts packager). Validating again with `FLOATS` off
/// catches every float type (signatures, locals, globals) and opcode.
pub fn check_no_floats(wasm: &[u8]) -> Result<(), ActivationError> {
    Validator::new_with_features(stylus_features() & !WasmFeatures::FLOATS)
        .validate_all(wasm)
        .map(drop)
        .map_err(|err| ActivationError::Floats(err.to_string()))
}

/// Rejects multi-value functions and blocks, as activation does from ArbOS 60 on
/// (`binary.rs`, `parse_with_version`): for tools that want programs to stay activatable
/// across that upgrade (the contracts packager).
pub fn check_no_multi_value(wasm: &[u8]) -> Result<(), ActivationError> {
    Validator::new_with_features(stylus_features() & !WasmFeatures::MULTI_VALUE)
        .validate_all(wasm)
        .map(drop)
        .map_err(|err| ActivationError::UnsupportedFeature(err.to_string()))
}

/// Imports must be `vm_hooks`/`console` functions with the host's exact signature, and no
/// import may use the reserved `stylus` prefix.
pub(crate) fn check_imports(info: &ModuleInfo<'_>) -> Result<(), ActivationError> {
    for import in &info.imports {
        if import.name.starts_with("stylus") {
            return Err(ActivationError::ReservedName(import.name.into()));
        }
        let TypeRef::Func(ty) = import.ty else {
            return Err(ActivationError::NonFunctionImport {
                module: import.module.into(),
                name: import.name.into(),
            });
        };
        let Some(host) = host_import(import.module, import.name) else {
            return Err(ActivationError::UnknownImport {
                module: import.module.into(),
                name: import.name.into(),
            });
        };
        let found = info.sig(ty).map_or_else(
            || format!("missing type {ty}"),
            |sig| signature(sig.params(), sig.results()),
        );
        let expected = signature(host.params, host.results);
        if found != expected {
            return Err(ActivationError::ImportSignature {
                module: import.module.into(),
                name: import.name.into(),
                expected,
                found,
            });
        }
    }
    Ok(())
}

/// Export rules of nitro's parser: no reserved names (checked on the part after the last
/// `__`), no export named like an import, names of at most 512 bytes.
///
/// nitro checks the name length on exports that survive pruning, which on a production
/// chain are only `user_entrypoint` and `memory`; the devnode checks every export, as a
/// debug chain (which keeps exports) does.
pub(crate) fn check_exports(info: &ModuleInfo<'_>) -> Result<(), ActivationError> {
    for export in &info.exports {
        let last = export.name.rsplit("__").next().unwrap_or(export.name);
        if last.starts_with("stylus") {
            return Err(ActivationError::ReservedName(export.name.into()));
        }
        if info.imports.iter().any(|import| import.name == last) {
            return Err(ActivationError::ExportShadowsImport(export.name.into()));
        }
        if export.name.len() > MAX_NAME_LEN {
            return Err(ActivationError::NameTooLong {
                what: "export name",
                len: export.name.len(),
            });
        }
    }
    if info.module_name_len > MAX_NAME_LEN {
        return Err(ActivationError::NameTooLong {
            what: "module name",
            len: info.module_name_len,
        });
    }
    Ok(())
}

/// nitro's `StartMover` refuses start functions outside debug chains.
pub(crate) fn check_start(info: &ModuleInfo<'_>) -> Result<(), ActivationError> {
    match info.start {
        Some(_) => Err(ActivationError::StartFunction),
        None => Ok(()),
    }
}

/// One memory, exported as `memory`, at most 128 initial pages (`heap.rs`, `memory_info`).
/// Returns the initial page count.
pub(crate) fn check_memory(info: &ModuleInfo<'_>) -> Result<u64, ActivationError> {
    if info.memories.len() > 1 {
        return Err(ActivationError::TooManyMemories(info.memories.len()));
    }
    let Some(memory) = info.memories.first() else {
        return Err(ActivationError::MissingMemory);
    };
    let exported = info
        .exports
        .iter()
        .any(|e| e.name == MEMORY && e.kind == ExternalKind::Memory && e.index == 0);
    if !exported {
        return Err(ActivationError::MissingMemory);
    }
    if memory.initial > HEAP_BOUND {
        return Err(ActivationError::MemoryTooLarge {
            pages: memory.initial,
        });
    }
    Ok(memory.initial)
}

/// A memory that can grow needs `vm_hooks.pay_for_memory_grow`, which the heap bound calls
/// before each `memory.grow` (`heap.rs`). Returns its function index, if the memory can grow.
pub(crate) fn pay_for_memory_grow(info: &ModuleInfo<'_>) -> Result<Option<u32>, ActivationError> {
    let Some(memory) = info.memories.first() else {
        return Err(ActivationError::MissingMemory);
    };
    if memory.maximum == Some(memory.initial) {
        return Ok(None);
    }
    match info.imported_func(VM_HOOKS, PAY_FOR_MEMORY_GROW) {
        Some(index) => Ok(Some(index)),
        None => Err(ActivationError::MissingPayForMemoryGrow),
    }
}

/// `user_entrypoint` must be an exported function `(i32) -> i32` (`binary.rs`, `check_func`).
/// Returns its function index.
pub(crate) fn check_entrypoint(info: &ModuleInfo<'_>) -> Result<u32, ActivationError> {
    let Some(export) = info.exports.iter().find(|e| e.name == ENTRYPOINT) else {
        return Err(ActivationError::MissingEntrypoint);
    };
    if export.kind != ExternalKind::Func {
        return Err(ActivationError::EntrypointSignature(format!(
            "an export of kind {:?}",
            export.kind
        )));
    }
    let Some(ty) = info.func_type(export.index) else {
        return Err(ActivationError::EntrypointSignature(
            "an unknown function".into(),
        ));
    };
    if ty.params() != [ValType::I32] || ty.results() != [ValType::I32] {
        return Err(ActivationError::EntrypointSignature(signature(
            ty.params(),
            ty.results(),
        )));
    }
    Ok(export.index)
}

/// nitro's anti-DoS bounds that do not depend on instrumentation (`binary.rs`, `parse_user`).
/// The opcode bound is checked per function after instrumentation.
pub(crate) fn check_limits(info: &ModuleInfo<'_>) -> Result<(), ActivationError> {
    let added = ADDED_GLOBALS as u64;
    let table_entries = info
        .tables
        .iter()
        .fold(0u64, |sum, table| sum.saturating_add(table.initial));
    let element_bytes = info
        .elements
        .iter()
        .fold(0u64, |sum, element| sum.saturating_add(element.encoded));
    let checks = [
        (Limit::Datas, info.datas.len() as u64, 128),
        (Limit::Elements, info.elements.len() as u64, 128),
        (Limit::Exports, info.exports.len() as u64 + added, 1024),
        (Limit::Functions, info.codes.len() as u64, 4096),
        (Limit::Globals, info.globals.len() as u64 + added, 32768),
        (Limit::Imports, info.imports.len() as u64, 513),
        (Limit::TableEntries, table_entries, 4096),
        (Limit::ElementEntries, element_bytes, 4096),
    ];
    for (limit, count, max) in checks {
        bound(limit, count, max)?;
    }
    for body in &info.codes {
        bound(Limit::Locals, u64::from(declared_locals(body)?), 348)?;
    }
    Ok(())
}

/// Fails when `count` is above `max`.
pub(crate) fn bound(limit: Limit, count: u64, max: u64) -> Result<(), ActivationError> {
    if count > max {
        return Err(ActivationError::TooMany { limit, count, max });
    }
    Ok(())
}
