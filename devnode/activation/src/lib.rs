//! Stylus activation, as nitro's `ArbWasm.activateProgram` performs it: decompress the
//! deployed code, validate the wasm, instrument it with nitro's ink meter, dynamic meter,
//! depth checker and heap bound, and predict its costs.
//!
//! The instrumented module is plain wasm for wasmi. Its host reads and writes the meter
//! through exported globals: [`INK_LEFT`] (i64) and [`INK_STATUS`] (i32, 0 ready,
//! 1 exhausted), and the depth checker's [`STACK_LEFT`] (i32, 0 after an out-of-stack trap).
//! The host sets `ink_left` to `gas × ink_price` and `stack_left` to `MaxStackDepth` before
//! calling `user_entrypoint`.
//!
//! Deviations from nitro, all deliberate:
//! - none in what is accepted: floats validate and multi-value is allowed, as in nitro below
//!   ArbOS 60; a float operator can never run (its basic block costs `u64::MAX` ink, so
//!   entering it runs out of ink). [`check_no_floats`] and [`check_no_multi_value`] are
//!   stricter policies for tools (the contracts packager uses both);
//! - the `console` debug imports are allowed (as on a debug chain) while start functions are
//!   rejected and exports pruned (as on a production chain), see [`imports`];
//! - the export count and export name length are checked on the module's own exports, as on a
//!   debug chain (on production chains nitro prunes exports first, so these never bind);
//! - [`Activated::module_hash`] is keccak256 of the instrumented module, not nitro's hash of
//!   its prover module (which nothing in the devnode can reproduce);
//! - only classic `EF F0 00` programs with dictionary 0 are decompressed (no fragments, no
//!   `StylusProgramDictionary`).
//!
//! The contracts' packager checks every program it builds with [`activate`], so the
//! programs deployed and the devnode agree on what activation accepts.

mod codec;
mod costs;
mod depth;
mod encode;
mod error;
pub mod imports;
mod instrument;
mod meter;
mod module;
mod validate;

use sha3::{Digest, Keccak256};

pub use codec::{decompress, is_stylus_program, DICTIONARY_NONE, MAX_WASM_SIZE, STYLUS_PREFIX};
pub use costs::FIXED_ACTIVATION_GAS;
pub use depth::{MAX_FRAME_CONTENTION, MAX_FRAME_SIZE};
pub use error::{ActivationError, Limit};
pub use meter::{INK_HEADER_COST, MEMORY_BYTE_INK};
pub use validate::{check_no_floats, check_no_multi_value, ENTRYPOINT, HEAP_BOUND, MEMORY};

use instrument::{Context, Globals};

/// Exported i64 global: ink left. Read as 0 when [`INK_STATUS`] is 1.
pub const INK_LEFT: &str = "stylus_ink_left";
/// Exported i32 global: 0 while ink remains, 1 once a meter check ran out.
pub const INK_STATUS: &str = "stylus_ink_status";
/// Exported i32 global: stack words left for the depth checker; 0 after out-of-stack.
pub const STACK_LEFT: &str = "stylus_stack_left";
/// Exported i32 global the meters use to move an operand aside; the host never needs it.
pub const SCRATCH: &str = "stylus_scratch_global";
/// nitro's initial page limit (`arbos/programs/params.go`).
pub const PAGE_LIMIT: u16 = 128;

/// How many globals instrumentation appends (ink left, ink status, scratch, stack left).
pub(crate) const ADDED_GLOBALS: u32 = 4;

/// A validated, instrumented program and what nitro would record for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activated {
    /// The instrumented wasm, to be loaded by wasmi.
    pub module: Vec<u8>,
    /// Initial memory pages, charged at every call.
    pub footprint: u16,
    /// nitro's `init_cost` (stylus version ≥ 2: without the cached part).
    pub init_cost: u16,
    /// nitro's `cached_init_cost`.
    pub cached_init_cost: u16,
    /// nitro's estimate of the compiled size in bytes; the data fee is priced on it.
    pub asm_estimate: u32,
    /// Gas for parsing and compiling (28 gas per estimated µs), excluding the fixed
    /// [`FIXED_ACTIVATION_GAS`].
    pub activation_gas: u64,
    /// keccak256 of [`Activated::module`].
    pub module_hash: [u8; 32],
}

/// Validates a decompressed wasm as nitro's activation does and instruments it.
///
/// `page_limit` is the number of pages the program may start with (nitro: `PageLimit` minus
/// the pages already open in the transaction; [`PAGE_LIMIT`] when none are).
///
/// The checks run in this order, so a module with several faults reports the first:
/// well-formedness, sections, memory count, features, imports, exports, start
/// function, memory, entrypoint, then per function the unsupported opcodes and the frame,
/// then (after instrumentation, as in nitro) the page limit and the counts, and finally the
/// costs.
pub fn activate(wasm: &[u8], page_limit: u16) -> Result<Activated, ActivationError> {
    validate::check_wellformed(wasm)?;
    let info = module::parse(wasm)?;
    if info.memories.len() > 1 {
        return Err(ActivationError::TooManyMemories(info.memories.len()));
    }
    validate::check_features(wasm)?;
    validate::check_imports(&info)?;
    validate::check_exports(&info)?;
    validate::check_start(&info)?;
    let pages = validate::check_memory(&info)?;
    let pay_for_memory_grow = validate::pay_for_memory_grow(&info)?;
    validate::check_entrypoint(&info)?;

    let first = u32::try_from(info.globals.len())
        .map_err(|_| ActivationError::Malformed("too many globals".into()))?;
    let globals = Globals {
        ink_left: first,
        ink_status: first + 1,
        scratch: first + 2,
        stack_left: first + 3,
    };
    let ctx = Context {
        info: &info,
        globals,
        pay_for_memory_grow,
    };

    let mut code = Vec::with_capacity(info.codes.len());
    let mut code_ops = 0u64;
    for (i, body) in info.codes.iter().enumerate() {
        let func = info.imported_funcs + i as u32;
        let declared = module::declared_locals(body)?;
        let function = instrument::instrument(&ctx, func, body, declared)?;
        code_ops += function.items.len() as u64;
        code.push(function);
    }

    // nitro checks the page limit and the counts after instrumenting (`parse_user`), so a
    // frame too large is reported before, say, too many locals.
    if pages > u64::from(page_limit) {
        return Err(ActivationError::ExceedsPageLimit {
            pages,
            limit: page_limit,
        });
    }
    validate::check_limits(&info)?;
    for function in &code {
        validate::bound(Limit::Opcodes, function.items.len() as u64, 65536)?;
    }

    // `pages` ≤ 128 here (heap bound), so it fits a u16.
    let footprint = pages as u16;
    let shape = costs::Shape::new(&info, u64::from(ADDED_GLOBALS), pages, code_ops);
    let predicted = costs::costs(&shape)?;
    let module = encode::encode(&info, &globals, &code);
    Ok(Activated {
        module_hash: Keccak256::digest(&module).into(),
        module,
        footprint,
        init_cost: predicted.init_cost,
        cached_init_cost: predicted.cached_init_cost,
        asm_estimate: predicted.asm_estimate,
        activation_gas: costs::activation_gas(&shape),
    })
}
