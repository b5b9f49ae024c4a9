//! Why activation refused a program.
//!
//! nitro reports every activation failure as an opaque string and burns all remaining gas
//! (`arbos/programs/programs.go`, `ActivateProgram`); we keep one variant per rejection
//! reason so the devnode's logs and tests can say exactly which rule a program broke.

use std::fmt;

/// A count nitro bounds at activation (`crates/prover/src/binary.rs`, `parse_user`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Data segments (128).
    Datas,
    /// Element segments (128).
    Elements,
    /// Exports, counting the four globals instrumentation exports (1024).
    Exports,
    /// Functions defined by the module (4096).
    Functions,
    /// Globals, counting the four globals instrumentation adds (32768).
    Globals,
    /// Declared locals of one function, parameters excluded (348).
    Locals,
    /// Operators of one function after instrumentation (65536).
    Opcodes,
    /// Imports (513).
    Imports,
    /// Sum of the tables' initial sizes (4096).
    TableEntries,
    /// Sum of the element segments' encoded sizes in bytes (4096; nitro measures bytes).
    ElementEntries,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Datas => "data segments",
            Self::Elements => "element segments",
            Self::Exports => "exports",
            Self::Functions => "functions",
            Self::Globals => "globals",
            Self::Locals => "locals in a function",
            Self::Opcodes => "opcodes in a function body",
            Self::Imports => "imports",
            Self::TableEntries => "table entries",
            Self::ElementEntries => "element entry bytes",
        };
        f.write_str(name)
    }
}

/// Every reason the devnode refuses to decompress or activate a Stylus program.
#[derive(Debug, thiserror::Error)]
pub enum ActivationError {
    /// The code does not start with the Stylus prefix `EF F0 00`, or has nothing after it.
    #[error("not a Stylus program: code must start with EF F0 00, a dictionary byte and a brotli stream")]
    NotStylus,
    /// The dictionary byte names a dictionary the devnode does not ship.
    #[error(
        "unsupported brotli dictionary {0}: the devnode only supports dictionary 0 \
         (no dictionary); compress the wasm without a dictionary, as cargo-stylus does"
    )]
    UnsupportedDictionary(u8),
    /// The decompressed wasm is larger than nitro's `MaxWasmSize`.
    #[error("decompressed wasm exceeds the maximum size of {limit} bytes")]
    TooLarge {
        /// The bound in bytes.
        limit: usize,
    },
    /// The brotli stream is corrupt or truncated.
    #[error("brotli decompression failed: {0}")]
    Decompression(String),
    /// The wasm does not parse or validate even with every proposal enabled.
    #[error("malformed wasm: {0}")]
    Malformed(String),
    /// The wasm uses a proposal nitro does not enable (reference types, SIMD, threads,
    /// tail calls, multi-memory, exceptions, memory64, ...; multi-value only from
    /// [`check_no_multi_value`](crate::check_no_multi_value)).
    #[error("wasm uses a feature Stylus does not support: {0}")]
    UnsupportedFeature(String),
    /// A section nitro's parser does not accept (for example the data count section).
    #[error("unsupported wasm section: {0}")]
    UnsupportedSection(String),
    /// Floating-point types or instructions, from [`check_no_floats`](crate::check_no_floats)
    /// (activation itself accepts them, as nitro does).
    #[error(
        "floating point is not allowed: {0} (nitro validates floats but prices every float \
         op at u64::MAX ink, so a float op can never run)"
    )]
    Floats(String),
    /// An import that is not a function.
    #[error("import {module}.{name} is not a function; Stylus programs may only import functions")]
    NonFunctionImport {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// An import that is neither a `vm_hooks` host function nor a `console` debug function.
    #[error("no such import {module}.{name}")]
    UnknownImport {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// A known import declared with the wrong signature.
    #[error("import {module}.{name} has signature {found}, expected {expected}")]
    ImportSignature {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
        /// The host's signature.
        expected: String,
        /// The module's signature.
        found: String,
    },
    /// An import or export name starting with `stylus`, which instrumentation reserves.
    #[error(
        "name {0:?} is reserved: names starting with \"stylus\" belong to the instrumentation"
    )]
    ReservedName(String),
    /// An export with the same name as an import.
    #[error("the module exports {0:?}, which is also the name of an import")]
    ExportShadowsImport(String),
    /// An export name or the module name is longer than 512 bytes.
    #[error("wasm {what} too long: {len} > 512 bytes")]
    NameTooLong {
        /// `"export name"` or `"module name"`.
        what: &'static str,
        /// The length in bytes.
        len: usize,
    },
    /// The module declares a start function.
    #[error("wasm start functions are not allowed")]
    StartFunction,
    /// There is no memory, or it is not exported as `memory`.
    #[error("missing memory: a Stylus program must define one memory exported as \"memory\"")]
    MissingMemory,
    /// More than one memory.
    #[error("only one memory is allowed, found {0}")]
    TooManyMemories(usize),
    /// The initial memory is above nitro's heap bound of 128 pages.
    #[error("initial memory of {pages} pages exceeds the heap bound of 128 pages")]
    MemoryTooLarge {
        /// Initial pages.
        pages: u64,
    },
    /// The initial memory is above the page limit left for this activation.
    #[error("initial memory of {pages} pages exceeds the page limit {limit}")]
    ExceedsPageLimit {
        /// Initial pages.
        pages: u64,
        /// The page limit passed to `activate`.
        limit: u16,
    },
    /// The memory can grow but the module does not import the grow hook.
    #[error(
        "memory can grow (no maximum, or maximum above minimum) but the module does not import \
         vm_hooks.pay_for_memory_grow"
    )]
    MissingPayForMemoryGrow,
    /// No function exported as `user_entrypoint`.
    #[error("missing export user_entrypoint")]
    MissingEntrypoint,
    /// `user_entrypoint` is not a function of type `(i32) -> i32`.
    #[error("user_entrypoint must be an exported function (i32) -> i32, found {0}")]
    EntrypointSignature(String),
    /// A global is not initialised by a single constant.
    #[error("global {0} has a non-constant initializer")]
    NonConstantGlobal(u32),
    /// A count is above nitro's anti-DoS bound.
    #[error("too many wasm {limit}: {count} > {max}")]
    TooMany {
        /// Which count.
        limit: Limit,
        /// The module's count.
        count: u64,
        /// The bound.
        max: u64,
    },
    /// An instruction instrumentation does not support (`memory.init`, `data.drop`,
    /// `table.*`, `elem.drop`).
    #[error("function {func}: opcode {op} is not supported")]
    UnsupportedOpcode {
        /// Function index (imports included).
        func: u32,
        /// The opcode.
        op: String,
    },
    /// A function keeps more than 4096 values on its operand stack at once.
    #[error("function {func}: too many values on the stack at once: {height} > 4096")]
    StackContention {
        /// Function index (imports included).
        func: u32,
        /// Worst-case operand stack height.
        height: u32,
    },
    /// A function's frame is above 10 * 1024 words.
    #[error("function {func}: frame too large: {size} > 10240-word limit")]
    FrameTooLarge {
        /// Function index (imports included).
        func: u32,
        /// Frame size in words.
        size: u32,
    },
    /// A predicted cost does not fit the field nitro stores it in.
    #[error("{0} too high")]
    CostTooHigh(&'static str),
}
