//! Writes the instrumented module: every section of the input copied byte for byte, except
//! the globals (the input's, then the four instrumentation globals), the exports (pruned to
//! `user_entrypoint` and `memory`, then the instrumentation globals, as nitro's `StartMover`
//! and `add_global` leave them) and the code. Custom sections (names, producers) are dropped,
//! as nitro drops debug names.

use wasm_encoder::{
    CodeSection, ConstExpr, ExportKind, ExportSection, GlobalSection, GlobalType, Module,
    RawSection, ValType,
};
use wasmparser::ExternalKind;

use super::{
    instrument::{Globals, Instrumented},
    module::ModuleInfo,
    validate::{ENTRYPOINT, MEMORY},
    INK_LEFT, INK_STATUS, SCRATCH, STACK_LEFT,
};

const GLOBAL_SECTION: u8 = 6;
const EXPORT_SECTION: u8 = 7;
const CODE_SECTION: u8 = 10;

/// Sections that come after the global section in a module.
fn after_globals(id: u8) -> bool {
    matches!(id, 7..=12)
}

/// Sections that come after the export section in a module.
fn after_exports(id: u8) -> bool {
    matches!(id, 8..=12)
}

fn globals_section(info: &ModuleInfo<'_>, globals: &Globals) -> GlobalSection {
    let mut section = GlobalSection::new();
    for global in &info.globals {
        section.raw(&info.wasm[global.entry.clone()]);
    }
    let var = |val_type| GlobalType {
        val_type,
        mutable: true,
        shared: false,
    };
    // Appended in nitro's order, so their indices are those of `globals`.
    debug_assert_eq!(globals.ink_left as usize, info.globals.len());
    section.global(var(ValType::I64), &ConstExpr::i64_const(0));
    section.global(var(ValType::I32), &ConstExpr::i32_const(0));
    section.global(var(ValType::I32), &ConstExpr::i32_const(0));
    section.global(var(ValType::I32), &ConstExpr::i32_const(0));
    section
}

fn exports_section(info: &ModuleInfo<'_>, globals: &Globals) -> ExportSection {
    let mut section = ExportSection::new();
    for export in &info.exports {
        match (export.name, export.kind) {
            (ENTRYPOINT, ExternalKind::Func) => {
                section.export(ENTRYPOINT, ExportKind::Func, export.index);
            }
            (MEMORY, ExternalKind::Memory) => {
                section.export(MEMORY, ExportKind::Memory, export.index);
            }
            _ => {}
        }
    }
    section.export(INK_LEFT, ExportKind::Global, globals.ink_left);
    section.export(INK_STATUS, ExportKind::Global, globals.ink_status);
    section.export(SCRATCH, ExportKind::Global, globals.scratch);
    section.export(STACK_LEFT, ExportKind::Global, globals.stack_left);
    section
}

/// Assembles the instrumented module.
pub(crate) fn encode(
    info: &ModuleInfo<'_>,
    globals: &Globals,
    code: &[Instrumented<'_>],
) -> Vec<u8> {
    let mut module = Module::new();
    let mut wrote_globals = false;
    let mut wrote_exports = false;

    let write_globals = |module: &mut Module, wrote: &mut bool| {
        if !*wrote {
            module.section(&globals_section(info, globals));
            *wrote = true;
        }
    };
    let write_exports = |module: &mut Module, wrote: &mut bool| {
        if !*wrote {
            module.section(&exports_section(info, globals));
            *wrote = true;
        }
    };

    for section in &info.sections {
        if after_globals(section.id) {
            write_globals(&mut module, &mut wrote_globals);
        }
        if after_exports(section.id) {
            write_exports(&mut module, &mut wrote_exports);
        }
        match section.id {
            GLOBAL_SECTION => write_globals(&mut module, &mut wrote_globals),
            EXPORT_SECTION => write_exports(&mut module, &mut wrote_exports),
            CODE_SECTION => {
                let mut bodies = CodeSection::new();
                for function in code {
                    bodies.raw(&function.encode());
                }
                module.section(&bodies);
            }
            id => {
                module.section(&RawSection {
                    id,
                    data: &info.wasm[section.range.clone()],
                });
            }
        }
    }
    write_globals(&mut module, &mut wrote_globals);
    write_exports(&mut module, &mut wrote_exports);
    module.finish()
}
