//! Turning a linked wasm into a deployable Stylus program, and checking that a
//! program only uses what Stylus activation accepts.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use anyhow::{bail, ensure, Context, Result};
use wasmparser::{
    BlockType, ElementItems, ElementKind, ExternalKind, FuncType, KnownCustom, Name, Operator,
    Parser, Payload, RefType, TableInit, TypeRef, ValType, Validator, WasmFeatures,
};

/// The 4 bytes in front of the brotli stream in deployed Stylus code: the
/// `0xEF 0xF0` EOF-style magic, version 0, and dictionary 0 (no dictionary).
pub const DEPLOY_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x00, 0x00];

/// Brotli settings used by `cargo stylus` for deployed code.
pub const BROTLI_QUALITY: i32 = 11;
pub const BROTLI_WINDOW: i32 = 22;

const WASM_HEADER: [u8; 8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00];

/// The only import module a Stylus program may use.
pub const HOST_MODULE: &str = "vm_hooks";

/// Returns `wasm` without its custom sections (names, producers, target
/// features, ...). Every other section is copied byte for byte, header included.
pub fn strip_custom_sections(wasm: &[u8]) -> Result<Vec<u8>> {
    strip_sections(wasm, |id| id == 0)
}

/// Returns `wasm` without its data count section (id 12).
///
/// LLVM and binaryen emit one whenever bulk memory is enabled, but nitro's activation
/// parser refuses the section ("unsupported section type"), so a program carrying it
/// cannot be activated on a real chain. It only declares the number of data segments for
/// `memory.init`/`data.drop`, which our programs never use (the checker refuses them), so
/// dropping it changes nothing else. cargo-stylus loses it the same way, by a round trip
/// through the text format.
pub fn strip_data_count(wasm: &[u8]) -> Result<Vec<u8>> {
    strip_sections(wasm, |id| id == 12)
}

fn strip_sections(wasm: &[u8], drop: impl Fn(u8) -> bool) -> Result<Vec<u8>> {
    ensure!(
        wasm.len() >= WASM_HEADER.len() && wasm[..8] == WASM_HEADER,
        "not a wasm module (bad magic or version)"
    );
    let mut out = Vec::with_capacity(wasm.len());
    out.extend_from_slice(&WASM_HEADER);
    let mut pos = WASM_HEADER.len();
    while pos < wasm.len() {
        let start = pos;
        let id = wasm[pos];
        pos += 1;
        let (size, leb_len) = read_leb_u32(&wasm[pos..])
            .with_context(|| format!("bad section size at offset {pos:#x}"))?;
        pos += leb_len;
        let end = pos
            .checked_add(size as usize)
            .filter(|&end| end <= wasm.len())
            .with_context(|| format!("section {id} at offset {start:#x} runs past the end"))?;
        if !drop(id) {
            out.extend_from_slice(&wasm[start..end]);
        }
        pos = end;
    }
    Ok(out)
}

fn read_leb_u32(bytes: &[u8]) -> Result<(u32, usize)> {
    let mut value: u64 = 0;
    for (i, &byte) in bytes.iter().take(5).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            let value = u32::try_from(value).context("LEB128 value overflows u32")?;
            return Ok((value, i + 1));
        }
    }
    bail!("unterminated LEB128")
}

/// Runs binaryen's `wasm-opt -Oz` on a stripped module and returns the result.
///
/// rustc's `opt-level = "z"` leaves a lot for a whole-module optimizer: on our programs
/// `wasm-opt` removes about a quarter of the code, which is the difference between
/// fitting Stylus's 24 KiB compressed limit and not. Features are pinned to what Stylus
/// activation accepts (MVP + bulk memory), so the optimizer cannot introduce anything
/// the checker would reject; the checker still runs on its output.
pub fn optimize(stripped: &[u8], scratch: &std::path::Path) -> Result<Vec<u8>> {
    let input = scratch.join("wasm-opt-in.wasm");
    let output = scratch.join("wasm-opt-out.wasm");
    std::fs::write(&input, stripped)?;
    let status = std::process::Command::new("wasm-opt")
        .args([
            "-Oz",
            "--mvp-features",
            "--enable-bulk-memory",
            "--strip-debug",
            "--strip-producers",
        ])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .status()
        .context("running wasm-opt: install binaryen (Debian: `apt-get install binaryen`)")?;
    ensure!(status.success(), "wasm-opt failed ({status})");
    let optimized = std::fs::read(&output)?;
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&output);
    Ok(optimized)
}

/// Brotli-compresses (quality 11, window 22) and prepends [`DEPLOY_PREFIX`]:
/// the exact bytes that go on chain as the program's code.
pub fn deployable(stripped: &[u8]) -> Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        ..Default::default()
    };
    let mut out = DEPLOY_PREFIX.to_vec();
    brotli::BrotliCompress(&mut Cursor::new(stripped), &mut out, &params)
        .context("brotli compression failed")?;
    Ok(out)
}

/// The wasm features Stylus activation accepts, minus floats (which the
/// programs must not use even though Nitro can meter some of them): MVP +
/// mutable globals + sign extension + bulk memory. Everything else —
/// reference types (including the overlong `call_indirect` table immediate),
/// multi-value, SIMD, threads, tail calls, exceptions, multi-memory, memory64,
/// GC — is rejected by the validator.
pub fn stylus_features() -> WasmFeatures {
    (WasmFeatures::WASM1 | WasmFeatures::SIGN_EXTENSION | WasmFeatures::BULK_MEMORY)
        .difference(WasmFeatures::FLOATS)
}

/// Checks one (stripped or not) program. Returns every problem found, each a
/// human-readable line; an empty list means the program is acceptable.
pub fn check_program(wasm: &[u8]) -> Result<Vec<String>> {
    let mut problems = Walk::default().run(wasm)?;
    if let Err(err) = Validator::new_with_features(stylus_features()).validate_all(wasm) {
        problems.push(format!(
            "wasm validation with the Stylus feature set failed: {err}"
        ));
    }
    Ok(problems)
}

/// Where an operator problem was seen: (function index, what, operator).
type OpKey = (u32, &'static str, String);

#[derive(Default)]
struct Walk {
    problems: Vec<String>,
    types: Vec<Option<FuncType>>,
    func_types: Vec<u32>,
    imported_funcs: u32,
    tables: u32,
    names: HashMap<u32, String>,
    exports: HashMap<String, (ExternalKind, u32)>,
    /// Operator problems, folded so each (function, operator) is reported once.
    ops: BTreeMap<OpKey, (usize, usize)>,
}

impl Walk {
    fn run(mut self, wasm: &[u8]) -> Result<Vec<String>> {
        let mut defined = 0u32;
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.context("malformed wasm")? {
                Payload::TypeSection(reader) => {
                    for (i, group) in reader.into_iter().enumerate() {
                        for sub in group?.into_types() {
                            let index = self.types.len();
                            match sub.composite_type.inner {
                                wasmparser::CompositeInnerType::Func(ty) => {
                                    self.check_func_type(&format!("type #{index}"), &ty);
                                    self.types.push(Some(ty));
                                }
                                _ => {
                                    self.problems
                                        .push(format!("type #{index} (group {i}): GC type"));
                                    self.types.push(None);
                                }
                            }
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader {
                        let import = import?;
                        let what = format!("import {}::{}", import.module, import.name);
                        if import.module != HOST_MODULE {
                            self.problems
                                .push(format!("{what}: import module must be `{HOST_MODULE}`"));
                        }
                        match import.ty {
                            TypeRef::Func(ty) | TypeRef::FuncExact(ty) => {
                                self.func_types.push(ty);
                                self.imported_funcs += 1;
                            }
                            TypeRef::Table(table) => {
                                self.problems.push(format!("{what}: imported table"));
                                self.check_table(&what, table.element_type);
                            }
                            TypeRef::Memory(_) => {
                                self.problems.push(format!(
                                    "{what}: imported memory (the program must define and export it)"
                                ));
                            }
                            TypeRef::Global(global) => {
                                self.problems.push(format!("{what}: imported global"));
                                self.check_val_type(&what, global.content_type);
                            }
                            TypeRef::Tag(_) => {
                                self.problems
                                    .push(format!("{what}: imported tag (exceptions)"));
                            }
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        self.func_types.push(ty?);
                    }
                }
                Payload::TableSection(reader) => {
                    for table in reader {
                        let table = table?;
                        let what = format!("table #{}", self.tables);
                        self.check_table(&what, table.ty.element_type);
                        if let TableInit::Expr(_) = table.init {
                            self.problems
                                .push(format!("{what}: initializer expression (reference types)"));
                        }
                    }
                }
                Payload::MemorySection(reader) => {
                    for (i, memory) in reader.into_iter().enumerate() {
                        let memory = memory?;
                        if memory.shared {
                            self.problems
                                .push(format!("memory #{i}: shared memory (threads)"));
                        }
                        if memory.memory64 {
                            self.problems.push(format!("memory #{i}: memory64"));
                        }
                        if i > 0 {
                            self.problems
                                .push(format!("memory #{i}: more than one memory"));
                        }
                    }
                }
                Payload::TagSection(_) => {
                    self.problems.push("tag section (exceptions)".into());
                }
                Payload::GlobalSection(reader) => {
                    for (i, global) in reader.into_iter().enumerate() {
                        let global = global?;
                        let what = format!("global #{i}");
                        self.check_val_type(&what, global.ty.content_type);
                        if global.ty.shared {
                            self.problems
                                .push(format!("{what}: shared global (threads)"));
                        }
                        let mut ops = global.init_expr.get_operators_reader();
                        while !ops.eof() {
                            let (op, offset) = ops.read_with_offset()?;
                            if let Some(what_op) = classify(&op) {
                                self.problems.push(format!(
                                    "{what}: initializer uses {} `{}` at {offset:#x}",
                                    what_op,
                                    op_name(&op)
                                ));
                            }
                        }
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export?;
                        self.exports
                            .insert(export.name.to_string(), (export.kind, export.index));
                    }
                }
                Payload::StartSection { func, .. } => {
                    self.problems
                        .push(format!("start section (start function #{func})"));
                }
                Payload::DataCountSection { .. } => {
                    self.problems
                        .push("data count section (nitro's activation refuses it)".to_string());
                }
                Payload::ElementSection(reader) => {
                    for (i, element) in reader.into_iter().enumerate() {
                        let element = element?;
                        let what = format!("element segment #{i}");
                        match element.kind {
                            ElementKind::Active { table_index, .. } => {
                                if table_index.unwrap_or(0) != 0 {
                                    self.problems.push(format!(
                                        "{what}: targets table {} (reference types)",
                                        table_index.unwrap_or(0)
                                    ));
                                }
                            }
                            ElementKind::Passive | ElementKind::Declared => {
                                self.problems.push(format!(
                                    "{what}: passive/declared segment (reference types)"
                                ));
                            }
                        }
                        if let ElementItems::Expressions(..) = element.items {
                            self.problems
                                .push(format!("{what}: expression items (reference types)"));
                        }
                    }
                }
                Payload::CodeSectionEntry(body) => {
                    let func = self.imported_funcs + defined;
                    defined += 1;
                    self.check_body(wasm, func, &body)?;
                }
                Payload::CustomSection(reader) => {
                    if let KnownCustom::Name(names) = reader.as_known() {
                        // Names only make messages nicer; ignore a broken name section.
                        for name in names.into_iter().flatten() {
                            if let Name::Function(map) = name {
                                for naming in map.into_iter().flatten() {
                                    self.names.insert(naming.index, naming.name.to_string());
                                }
                            }
                        }
                    }
                }
                Payload::Version { encoding, .. } if encoding != wasmparser::Encoding::Module => {
                    bail!("not a core wasm module (component?)");
                }
                _ => {}
            }
        }

        self.check_exports();
        for ((func, what, op), (count, offset)) in std::mem::take(&mut self.ops) {
            let times = if count > 1 {
                format!(" ({count} times, first at {offset:#x})")
            } else {
                format!(" (at {offset:#x})")
            };
            self.problems
                .push(format!("{}: {what} `{op}`{times}", self.func_label(func)));
        }
        Ok(self.problems)
    }

    fn func_label(&self, func: u32) -> String {
        match self.names.get(&func) {
            Some(name) => format!("function #{func} <{name}>"),
            None => format!("function #{func}"),
        }
    }

    fn check_func_type(&mut self, what: &str, ty: &FuncType) {
        for &val in ty.params().iter().chain(ty.results()) {
            self.check_val_type(what, val);
        }
        if ty.results().len() > 1 {
            self.problems.push(format!(
                "{what}: {} results (multi-value)",
                ty.results().len()
            ));
        }
    }

    fn check_val_type(&mut self, what: &str, val: ValType) {
        if let Some(problem) = val_type_problem(val) {
            self.problems
                .push(format!("{what}: {problem} type `{val}`"));
        }
    }

    fn check_table(&mut self, what: &str, element_type: RefType) {
        self.tables += 1;
        if element_type != RefType::FUNCREF {
            self.problems.push(format!(
                "{what}: element type `{element_type}` is not funcref (reference types)"
            ));
        }
        if self.tables == 2 {
            self.problems
                .push(format!("{what}: more than one table (reference types)"));
        }
    }

    fn check_body(
        &mut self,
        wasm: &[u8],
        func: u32,
        body: &wasmparser::FunctionBody,
    ) -> Result<()> {
        let label = self.func_label(func);
        for local in body.get_locals_reader()? {
            let (_, val) = local?;
            if let Some(problem) = val_type_problem(val) {
                self.problems
                    .push(format!("{label}: {problem} local of type `{val}`"));
            }
        }
        let mut ops = body.get_operators_reader()?;
        while !ops.eof() {
            let (op, offset) = ops.read_with_offset()?;
            let mut problem = classify(&op);
            match &op {
                Operator::CallIndirect { table_index, .. } => {
                    // Before reference types the table immediate was one zero
                    // byte; LLVM's reference-types output pads it to a 5-byte
                    // LEB, which Stylus activation rejects.
                    let end = ops.original_position();
                    if *table_index != 0 {
                        problem = Some("call_indirect through a non-zero table (reference types)");
                    } else if end >= 2 && wasm[end - 2] & 0x80 != 0 {
                        problem = Some(
                            "call_indirect with an overlong table index (reference-types encoding)",
                        );
                    }
                }
                Operator::Block { blockty }
                | Operator::Loop { blockty }
                | Operator::If { blockty } => {
                    if let BlockType::FuncType(index) = blockty {
                        let ty = self.types.get(*index as usize).cloned().flatten();
                        if ty.is_none_or(|ty| !ty.params().is_empty() || ty.results().len() > 1) {
                            problem = Some("multi-value block type in");
                        }
                    }
                }
                _ => {}
            }
            if let Some(what) = problem {
                self.ops
                    .entry((func, what, op_name(&op)))
                    .and_modify(|(count, _)| *count += 1)
                    .or_insert((1, offset));
            }
        }
        Ok(())
    }

    fn check_exports(&mut self) {
        match self.exports.get("user_entrypoint") {
            None => self
                .problems
                .push("missing export `user_entrypoint` (func)".into()),
            Some(&(ExternalKind::Func, index)) => {
                let ty = self
                    .func_types
                    .get(index as usize)
                    .and_then(|&ty| self.types.get(ty as usize).cloned().flatten());
                let ok = ty.is_some_and(|ty| {
                    ty.params() == [ValType::I32] && ty.results() == [ValType::I32]
                });
                if !ok {
                    self.problems.push(
                        "export `user_entrypoint` must have type (func (param i32) (result i32))"
                            .into(),
                    );
                }
            }
            Some((kind, _)) => self.problems.push(format!(
                "export `user_entrypoint` is a {kind:?}, not a function"
            )),
        }
        match self.exports.get("memory") {
            None => self
                .problems
                .push("missing export `memory` (memory)".into()),
            Some((ExternalKind::Memory, _)) => {}
            Some((kind, _)) => self
                .problems
                .push(format!("export `memory` is a {kind:?}, not a memory")),
        }
    }
}

fn val_type_problem(val: ValType) -> Option<&'static str> {
    match val {
        ValType::I32 | ValType::I64 => None,
        ValType::F32 | ValType::F64 => Some("float"),
        ValType::V128 => Some("SIMD"),
        ValType::Ref(_) => Some("reference-types"),
    }
}

/// The operator's name as wasmparser spells it (`F64Add`, `TableGet`, ...).
fn op_name(op: &Operator) -> String {
    let debug = format!("{op:?}");
    debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Why an operator is not allowed in a Stylus program, if it is not.
fn classify(op: &Operator) -> Option<&'static str> {
    let name = op_name(op);
    const SIMD: [&str; 7] = ["V128", "I8x16", "I16x8", "I32x4", "I64x2", "F32x4", "F64x2"];
    if SIMD.iter().any(|prefix| name.starts_with(prefix)) {
        return Some("SIMD instruction");
    }
    if name.contains("Atomic") {
        return Some("threads/atomics instruction");
    }
    if name.contains("F32") || name.contains("F64") {
        return Some("float instruction");
    }
    if name.starts_with("Ref")
        || name.starts_with("Table")
        || name.starts_with("TypedSelect")
        || name == "ElemDrop"
        || name == "MemoryInit"
        || name == "DataDrop"
        || name.starts_with("CallRef")
        || name.starts_with("ReturnCallRef")
    {
        return Some("reference-types instruction");
    }
    if name.starts_with("ReturnCall") {
        return Some("tail-call instruction");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_data_count_drops_section_12_and_keeps_everything_else() {
        let wasm = wat::parse_str(GOOD).expect("GOOD parses");
        let mut with_count = wasm.clone();
        with_count.extend_from_slice(&[12, 1, 0]);
        assert_eq!(strip_data_count(&with_count).expect("strips"), wasm);
        assert_eq!(strip_data_count(&wasm).expect("no-op"), wasm);
    }

    /// A minimal acceptable Stylus program.
    const GOOD: &str = r#"(module
        (import "vm_hooks" "read_args" (func $read_args (param i32)))
        (type $t (func (param i32) (result i32)))
        (table 1 funcref)
        (elem (i32.const 0) $helper)
        (memory (export "memory") 1)
        (global $g (mut i32) (i32.const 0))
        (func $helper (type $t) local.get 0)
        (func (export "user_entrypoint") (param $len i32) (result i32)
            (local $tmp i64)
            local.get $len
            call $read_args
            (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
            local.get $len
            i32.const 0
            call_indirect (type $t)))"#;

    fn problems(wat: &str) -> Vec<String> {
        let wasm = wat::parse_str(wat).expect("valid wat");
        check_program(&wasm).expect("parsable wasm")
    }

    /// `GOOD` with `extra` spliced in before its final `)`.
    fn with(extra: &str) -> String {
        let base = GOOD.trim_end().strip_suffix(')').unwrap();
        format!("{base}\n{extra})")
    }

    #[track_caller]
    fn assert_rejected(wat: &str, needle: &str) {
        let found = problems(wat);
        assert!(
            found.iter().any(|p| p.contains(needle)),
            "expected a problem containing {needle:?}, got {found:#?}"
        );
    }

    #[test]
    fn accepts_minimal_program() {
        assert_eq!(problems(GOOD), Vec::<String>::new());
    }

    #[test]
    fn rejects_float_instructions() {
        assert_rejected(
            &with("(func $f (result i32) f64.const 1 f64.const 2 f64.add i32.trunc_f64_s)"),
            "float instruction `F64Add`",
        );
        assert_rejected(
            &with(
                "(func (param i64) (result i32) local.get 0 f32.convert_i64_u i32.reinterpret_f32)",
            ),
            "float instruction `F32ConvertI64U`",
        );
    }

    #[test]
    fn rejects_float_types() {
        assert_rejected(&with("(func (param f32))"), "float type `f32`");
        assert_rejected(&with("(func (local f64))"), "float local of type `f64`");
        assert_rejected(&with("(global f64 (f64.const 0))"), "float type `f64`");
    }

    #[test]
    fn names_the_function() {
        let found = problems(&with("(func $uses_float (result f32) f32.const 0)"));
        assert!(
            found
                .iter()
                .any(|p| p.contains("function #3") && p.contains("F32Const")),
            "{found:#?}"
        );
    }

    #[test]
    fn rejects_reference_types() {
        assert_rejected(
            &with("(func (result i32) ref.null func ref.is_null)"),
            "RefNull",
        );
        assert_rejected(&with("(func (result i32) table.size 0)"), "TableSize");
        assert_rejected(&with("(table $t2 1 funcref)"), "more than one table");
        assert_rejected(&with("(table $t3 1 externref)"), "not funcref");
        assert_rejected(
            &with("(func (param i32 i32 i32) (result i32) local.get 0 local.get 1 local.get 2 select (result i32))"),
            "TypedSelect",
        );
        assert_rejected(
            &with("(table $t2 1 funcref) (func (result i32) i32.const 0 i32.const 0 call_indirect $t2 (type $t))"),
            "non-zero table",
        );
    }

    /// A hand-encoded program whose entry point does
    /// `call_indirect (type 0)` with the given table-index immediate bytes.
    fn call_indirect_program(table_immediate: &[u8]) -> Vec<u8> {
        fn section(id: u8, contents: &[u8]) -> Vec<u8> {
            assert!(contents.len() < 0x80);
            let mut out = vec![id, contents.len() as u8];
            out.extend_from_slice(contents);
            out
        }
        let mut body = vec![0x00, 0x20, 0x00, 0x41, 0x00, 0x11, 0x00];
        body.extend_from_slice(table_immediate);
        body.push(0x0b);
        let mut code = vec![0x01, body.len() as u8];
        code.extend_from_slice(&body);
        let mut exports = vec![0x02, 0x06];
        exports.extend_from_slice(b"memory");
        exports.extend_from_slice(&[0x02, 0x00, 0x0f]);
        exports.extend_from_slice(b"user_entrypoint");
        exports.extend_from_slice(&[0x00, 0x00]);
        let mut wasm = WASM_HEADER.to_vec();
        wasm.extend(section(1, &[0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f]));
        wasm.extend(section(3, &[0x01, 0x00]));
        wasm.extend(section(4, &[0x01, 0x70, 0x00, 0x01]));
        wasm.extend(section(5, &[0x01, 0x00, 0x01]));
        wasm.extend(section(7, &exports));
        wasm.extend(section(9, &[0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00]));
        wasm.extend(section(10, &code));
        wasm
    }

    #[test]
    fn rejects_overlong_call_indirect_table_index() {
        // The MVP encoding (a single zero byte) is fine ...
        let mvp = call_indirect_program(&[0x00]);
        assert_eq!(check_program(&mvp).unwrap(), Vec::<String>::new());
        // ... the 5-byte LEB that LLVM emits with reference types is not.
        let overlong = call_indirect_program(&[0x80, 0x80, 0x80, 0x80, 0x00]);
        let found = check_program(&overlong).unwrap();
        assert!(
            found
                .iter()
                .any(|p| p.contains("function #0: call_indirect with an overlong table index")),
            "{found:#?}"
        );
    }

    #[test]
    fn rejects_multi_value() {
        assert_rejected(
            &with("(func (result i32 i32) i32.const 0 i32.const 1)"),
            "2 results (multi-value)",
        );
        assert_rejected(
            &with("(func (result i32) i32.const 1 (block (param i32) (result i32)))"),
            "multi-value block type",
        );
    }

    #[test]
    fn rejects_simd() {
        assert_rejected(
            &with("(func (result i32) v128.const i64x2 0 0 i32x4.extract_lane 0)"),
            "SIMD instruction",
        );
    }

    #[test]
    fn rejects_threads() {
        assert_rejected(
            &with("(func (result i32) i32.const 0 i32.atomic.load)"),
            "threads/atomics instruction `I32AtomicLoad`",
        );
    }

    #[test]
    fn rejects_foreign_imports() {
        let wat = GOOD.replace(
            r#"(import "vm_hooks" "read_args""#,
            r#"(import "env" "read_args""#,
        );
        assert_rejected(
            &wat,
            "import env::read_args: import module must be `vm_hooks`",
        );
    }

    #[test]
    fn rejects_start_section() {
        assert_rejected(&with("(func $init) (start $init)"), "start section");
    }

    #[test]
    fn rejects_missing_exports() {
        assert_rejected(
            &GOOD.replace(r#"(export "user_entrypoint")"#, ""),
            "missing export `user_entrypoint`",
        );
        assert_rejected(
            &GOOD.replace(r#"(export "memory")"#, ""),
            "missing export `memory`",
        );
        assert_rejected(
            &GOOD.replace(
                r#"(export "user_entrypoint") (param $len i32) (result i32)"#,
                r#"(export "user_entrypoint") (param $len i32) (result i32) (local $unused i32)"#,
            )
            .replace(r#"(export "user_entrypoint")"#, r#"(export "other")"#)
            .replace(r#"(global $g (mut i32)"#, r#"(global $g (export "user_entrypoint") (mut i32)"#),
            "not a function",
        );
    }

    #[test]
    fn strip_keeps_everything_but_custom_sections() {
        let wat = with(r#"(@custom "producers" "rustc") (@custom "target_features" "x")"#);
        let wasm = wat::parse_str(&wat).unwrap();
        let stripped = strip_custom_sections(&wasm).unwrap();
        assert!(stripped.len() < wasm.len());
        let custom = Parser::new(0)
            .parse_all(&stripped)
            .filter(|p| matches!(p, Ok(Payload::CustomSection(_))))
            .count();
        assert_eq!(custom, 0);
        assert_eq!(check_program(&stripped).unwrap(), Vec::<String>::new());
        // Stripping is idempotent and keeps the header.
        assert_eq!(strip_custom_sections(&stripped).unwrap(), stripped);
        assert_eq!(stripped[..8], WASM_HEADER);
    }

    #[test]
    fn deployable_round_trips() {
        let wasm = wat::parse_str(GOOD).unwrap();
        let deploy = deployable(&wasm).unwrap();
        assert_eq!(deploy[..4], DEPLOY_PREFIX);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut Cursor::new(&deploy[4..]), &mut back).unwrap();
        assert_eq!(back, wasm);
    }
}
