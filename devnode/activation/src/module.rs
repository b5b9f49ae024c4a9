//! A parsed view of a user module: what validation, instrumentation and costing read.
//!
//! It mirrors the sections nitro's parser accepts (`crates/prover/src/binary.rs`, `parse`) and
//! refuses the others, except the data count section (see below).

use std::ops::Range;

use wasmparser::{
    Encoding, Export, FuncType, FunctionBody, Import, KnownCustom, MemoryType, Name, Operator,
    Parser, Payload, TableType, TypeRef,
};

use super::ActivationError;

/// A non-custom section of the input, kept so it can be copied into the output unchanged.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub id: u8,
    pub range: Range<usize>,
}

/// A global with the bytes of its entry, re-emitted as they are.
#[derive(Debug, Clone)]
pub(crate) struct Global {
    pub entry: Range<usize>,
}

/// Sizes of a data or element segment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment {
    /// Bytes of the whole encoded segment (nitro's `range.len()`).
    pub encoded: u64,
    /// Bytes of a data segment's payload; unused for elements.
    pub payload: u64,
}

/// Everything activation needs to know about the input module.
#[derive(Debug)]
pub(crate) struct ModuleInfo<'a> {
    pub wasm: &'a [u8],
    pub sections: Vec<Section>,
    pub types: Vec<FuncType>,
    pub imports: Vec<Import<'a>>,
    /// Type index of each function in the function index space (imports first).
    pub func_types: Vec<u32>,
    pub imported_funcs: u32,
    pub tables: Vec<TableType>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<Global>,
    pub exports: Vec<Export<'a>>,
    pub start: Option<u32>,
    pub elements: Vec<Segment>,
    pub datas: Vec<Segment>,
    pub codes: Vec<FunctionBody<'a>>,
    pub module_name_len: usize,
}

impl ModuleInfo<'_> {
    /// The signature of a function by its index in the function index space.
    pub fn func_type(&self, func: u32) -> Option<&FuncType> {
        let ty = *self.func_types.get(usize::try_from(func).ok()?)?;
        self.types.get(usize::try_from(ty).ok()?)
    }

    /// The signature at a type index.
    pub fn sig(&self, ty: u32) -> Option<&FuncType> {
        self.types.get(usize::try_from(ty).ok()?)
    }

    /// Function index of a `vm_hooks`-style import, if the module imports it.
    pub fn imported_func(&self, module: &str, name: &str) -> Option<u32> {
        let mut index = 0u32;
        for import in &self.imports {
            if let TypeRef::Func(_) = import.ty {
                if import.module == module && import.name == name {
                    return Some(index);
                }
                index += 1;
            }
        }
        None
    }
}

fn malformed(err: wasmparser::BinaryReaderError) -> ActivationError {
    ActivationError::Malformed(err.to_string())
}

fn range(r: Range<u64>) -> Result<Range<usize>, ActivationError> {
    let start = usize::try_from(r.start).map_err(|_| bad_range())?;
    let end = usize::try_from(r.end).map_err(|_| bad_range())?;
    Ok(start..end)
}

fn bad_range() -> ActivationError {
    ActivationError::Malformed("section offset out of range".into())
}

/// Parses an already validated module. One arm per payload kind, in the binary's order,
/// so the match is long but flat; each arm only records what it reads.
pub(crate) fn parse(wasm: &[u8]) -> Result<ModuleInfo<'_>, ActivationError> {
    let mut info = ModuleInfo {
        wasm,
        sections: Vec::new(),
        types: Vec::new(),
        imports: Vec::new(),
        func_types: Vec::new(),
        imported_funcs: 0,
        tables: Vec::new(),
        memories: Vec::new(),
        globals: Vec::new(),
        exports: Vec::new(),
        start: None,
        elements: Vec::new(),
        datas: Vec::new(),
        codes: Vec::new(),
        module_name_len: 0,
    };
    let mut local_funcs = Vec::new();

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(malformed)?;
        let mut section = |id: u8, r: Range<u64>| -> Result<(), ActivationError> {
            info.sections.push(Section {
                id,
                range: range(r)?,
            });
            Ok(())
        };
        match payload {
            Payload::Version { encoding, .. } => {
                if encoding != Encoding::Module {
                    return Err(ActivationError::Malformed(
                        "a component is not a Stylus program".into(),
                    ));
                }
            }
            Payload::TypeSection(reader) => {
                section(1, reader.range())?;
                for ty in reader.into_iter_err_on_gc_types() {
                    info.types.push(ty.map_err(malformed)?);
                }
            }
            Payload::ImportSection(reader) => {
                section(2, reader.range())?;
                for import in reader.into_imports() {
                    let import = import.map_err(malformed)?;
                    if let TypeRef::Func(ty) = import.ty {
                        info.func_types.push(ty);
                        info.imported_funcs += 1;
                    }
                    info.imports.push(import);
                }
            }
            Payload::FunctionSection(reader) => {
                section(3, reader.range())?;
                for ty in reader {
                    local_funcs.push(ty.map_err(malformed)?);
                }
            }
            Payload::TableSection(reader) => {
                section(4, reader.range())?;
                for table in reader {
                    info.tables.push(table.map_err(malformed)?.ty);
                }
            }
            Payload::MemorySection(reader) => {
                section(5, reader.range())?;
                for memory in reader {
                    info.memories.push(memory.map_err(malformed)?);
                }
            }
            Payload::GlobalSection(reader) => {
                section(6, reader.range())?;
                info.globals = globals(reader)?;
            }
            Payload::ExportSection(reader) => {
                section(7, reader.range())?;
                for export in reader {
                    info.exports.push(export.map_err(malformed)?);
                }
            }
            Payload::StartSection { func, range } => {
                section(8, range)?;
                info.start = Some(func);
            }
            Payload::ElementSection(reader) => {
                section(9, reader.range())?;
                for element in reader {
                    let element = element.map_err(malformed)?;
                    info.elements.push(Segment {
                        encoded: element.range.end - element.range.start,
                        payload: 0,
                    });
                }
            }
            Payload::DataSection(reader) => {
                section(11, reader.range())?;
                for data in reader {
                    let data = data.map_err(malformed)?;
                    info.datas.push(Segment {
                        encoded: data.range.end - data.range.start,
                        payload: data.data.len() as u64,
                    });
                }
            }
            Payload::CodeSectionStart {
                unchecked_range, ..
            } => section(10, unchecked_range)?,
            Payload::CodeSectionEntry(body) => info.codes.push(body),
            Payload::CustomSection(reader) => {
                if let Some(len) = module_name_len(&reader)? {
                    info.module_name_len = len;
                }
            }
            // nitro's parser refuses this section ("unsupported section type"); wasm-ld and
            // binaryen emit it whenever bulk memory is on, so packagers must drop it
            // (cargo-stylus loses it through a text round trip; our packager strips it).
            Payload::DataCountSection { .. } => {
                return Err(ActivationError::UnsupportedSection("data count".into()));
            }
            Payload::UnknownSection { id, .. } => {
                return Err(ActivationError::UnsupportedSection(format!(
                    "unknown id {id}"
                )));
            }
            // Exceptions are refused by the feature check, with a clearer message.
            Payload::TagSection(_) | Payload::End(_) => {}
            other => {
                return Err(ActivationError::UnsupportedSection(format!("{other:?}")));
            }
        }
    }
    info.func_types.extend(local_funcs);
    Ok(info)
}

/// The global section's entries by byte range (instrumentation re-encodes them verbatim);
/// nitro refuses any initializer that is not a single constant.
fn globals(reader: wasmparser::GlobalSectionReader<'_>) -> Result<Vec<Global>, ActivationError> {
    let end = range(reader.range())?.end;
    let mut starts = Vec::new();
    for item in reader.into_iter_with_offsets() {
        let (offset, global) = item.map_err(malformed)?;
        let index = u32::try_from(starts.len()).map_err(|_| bad_range())?;
        if !is_constant(&global.init_expr) {
            return Err(ActivationError::NonConstantGlobal(index));
        }
        starts.push(usize::try_from(offset).map_err(|_| bad_range())?);
    }
    Ok(starts
        .iter()
        .enumerate()
        .map(|(i, start)| Global {
            entry: *start..starts.get(i + 1).copied().unwrap_or(end),
        })
        .collect())
}

/// The module name's length from a `name` custom section (it counts toward the size
/// nitro prices), or `None` for any other custom section.
fn module_name_len(
    reader: &wasmparser::CustomSectionReader<'_>,
) -> Result<Option<usize>, ActivationError> {
    let mut len = None;
    if let KnownCustom::Name(names) = reader.as_known() {
        for name in names {
            if let Name::Module { name, .. } = name.map_err(malformed)? {
                len = Some(name.len());
            }
        }
    }
    Ok(len)
}

/// nitro accepts only `<const> end` as a global initializer (`binary.rs`, "Non-constant
/// global initializer").
fn is_constant(expr: &wasmparser::ConstExpr<'_>) -> bool {
    let mut ops = expr.get_operators_reader();
    let first = ops.read();
    let second = ops.read();
    matches!(
        first,
        Ok(Operator::I32Const { .. }
            | Operator::I64Const { .. }
            | Operator::F32Const { .. }
            | Operator::F64Const { .. })
    ) && matches!(second, Ok(Operator::End))
        && ops.eof()
}

/// Declared locals of a function, parameters excluded.
pub(crate) fn declared_locals(body: &FunctionBody<'_>) -> Result<u32, ActivationError> {
    let mut total = 0u32;
    for entry in body.get_locals_reader().map_err(malformed)? {
        let (count, _) = entry.map_err(malformed)?;
        total = total.saturating_add(count);
    }
    Ok(total)
}
