//! What activation predicts and charges: nitro's cost model of a program
//! (`crates/prover/src/binary.rs`, `instrument`) and the gas it charges for parsing and
//! compiling (`crates/prover/src/programs/mod.rs`, `Module::activate`).
//!
//! Every product is rounded down term by term, in nitro's order, so the results match exactly.

use super::{module::ModuleInfo, ActivationError};

/// Gas nitro burns for every activation before any of the per-module charges
/// (`arbos/programs/programs.go`).
pub const FIXED_ACTIVATION_GAS: u64 = 1_659_168;

/// The inputs of the cost formulas.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Shape {
    /// Length of the decompressed wasm, in bytes.
    pub wasm_len: u64,
    /// Functions the module defines.
    pub funcs: u64,
    /// Globals after instrumentation (the module's plus the four added).
    pub globals: u64,
    /// Parameters plus results over the signatures of the defined functions.
    pub type_len: u64,
    /// Encoded bytes of the data and element segments (nitro's `range.len()`).
    pub segment_bytes: u64,
    /// Payload bytes of the data segments.
    pub data_bytes: u64,
    /// Encoded bytes of the element segments.
    pub element_bytes: u64,
    /// Initial memory pages.
    pub footprint: u64,
    /// Operators over all function bodies after instrumentation.
    pub code_ops: u64,
}

impl Shape {
    pub fn new(info: &ModuleInfo<'_>, added_globals: u64, footprint: u64, code_ops: u64) -> Self {
        let imported = info.imported_funcs as usize;
        let type_len = info
            .func_types
            .iter()
            .skip(imported)
            .filter_map(|ty| info.sig(*ty))
            .map(|ty| (ty.params().len() + ty.results().len()) as u64)
            .sum();
        let data_encoded: u64 = info.datas.iter().map(|d| d.encoded).sum();
        let element_bytes: u64 = info.elements.iter().map(|e| e.encoded).sum();
        Self {
            wasm_len: info.wasm.len() as u64,
            funcs: info.codes.len() as u64,
            globals: info.globals.len() as u64 + added_globals,
            type_len,
            segment_bytes: data_encoded + element_bytes,
            data_bytes: info.datas.iter().map(|d| d.payload).sum(),
            element_bytes,
            footprint,
            code_ops,
        }
    }
}

/// The costs stored in a program's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Costs {
    pub init_cost: u16,
    pub cached_init_cost: u16,
    pub asm_estimate: u32,
}

/// `x × num / den`, saturating like nitro's `saturating_mul(..) / ..`.
fn scale(x: u64, num: u64, den: u64) -> u64 {
    x.saturating_mul(num) / den
}

/// nitro's predictions for stylus version ≥ 2, where the init cost no longer includes the
/// cached init cost (version 1 added it).
pub(crate) fn costs(shape: &Shape) -> Result<Costs, ActivationError> {
    let asm = [
        512_000,
        scale(shape.funcs, 996_829, 1000),
        scale(shape.type_len, 11_416, 1000),
        scale(shape.wasm_len, 62_628, 10_000),
    ];
    let cached = [
        scale(shape.funcs, 13_420, 100_000),
        scale(shape.type_len, 89, 100_000),
        scale(shape.wasm_len, 122, 100_000),
        scale(shape.globals, 1628, 1000),
        scale(shape.segment_bytes, 75_244, 100_000),
        shape.footprint.saturating_mul(5),
    ];
    let init = [
        scale(shape.funcs, 8252, 1000),
        scale(shape.type_len, 1059, 1000),
        scale(shape.wasm_len, 1286, 10_000),
    ];
    let sum = |terms: &[u64]| terms.iter().fold(0u64, |acc, x| acc.saturating_add(*x));
    Ok(Costs {
        init_cost: u16::try_from(sum(&init))
            .map_err(|_| ActivationError::CostTooHigh("init cost"))?,
        cached_init_cost: u16::try_from(sum(&cached))
            .map_err(|_| ActivationError::CostTooHigh("cached init cost"))?,
        asm_estimate: u32::try_from(sum(&asm))
            .map_err(|_| ActivationError::CostTooHigh("asm estimate"))?,
    })
}

/// Gas for parsing and compiling, at ArbOS ≥ 32: each term is an estimate in µs, rounded
/// down, then converted at 28 gas/µs (`2 × 7e6 / 5e5`). Excludes [`FIXED_ACTIVATION_GAS`].
pub(crate) fn activation_gas(shape: &Shape) -> u64 {
    const GAS_PER_MICROSECOND: u64 = 28;
    let micros = [
        scale(shape.wasm_len, 31_733, 100_000),
        scale(shape.funcs, 17_263, 100_000),
        scale(shape.data_bytes, 17_376, 100_000),
        scale(shape.element_bytes, 17_376, 100_000),
        shape.footprint.saturating_mul(2217),
        scale(shape.code_ops, 535, 1000),
    ];
    micros.iter().fold(0u64, |gas, us| {
        gas.saturating_add(us.saturating_mul(GAS_PER_MICROSECOND))
    })
}
