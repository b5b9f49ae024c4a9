//! Checking that a built program can be activated on a production Stylus chain.
//!
//! The authority is the devnode's activation crate (`stylus-activation`), which applies
//! nitro's activation rules — validation, imports, exports, limits, instrumentation — so
//! the packager and the node cannot disagree on what a chain accepts.
//!
//! On top of them come Labelchain's policies for its programs, checked with the same crate:
//! - no floats: nitro accepts them but prices every float op at `u64::MAX` ink, so a float
//!   path could only fail once it runs ([`stylus_activation::check_no_floats`]);
//! - no multi-value: accepted below ArbOS 60, refused from ArbOS 60 on, so a program using
//!   it could not be activated again after that upgrade
//!   ([`stylus_activation::check_no_multi_value`]).
//!
//! What this module adds beyond that is only what activation leaves open or does not say:
//! - the devnode links nitro's `console` debug imports, as a debug chain does; a production
//!   chain does not, so a deployable program may import from `vm_hooks` only;
//! - the float check reports that a program uses floats, with the validator's offset; the
//!   packager names the functions, locals, globals and operators, which is what it takes to
//!   find the Rust code that brought them in.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use stylus_activation::{
    check_no_floats, check_no_multi_value, imports::VM_HOOKS, ActivationError, PAGE_LIMIT,
};
use wasmparser::{
    BinaryReaderError, FuncType, FunctionBody, KnownCustom, Name, NameSectionReader, Operator,
    Parser, Payload, TypeRef, ValType,
};

/// Why the packager refuses a program.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    /// Stylus activation refuses the program, as the devnode would when it is deployed.
    #[error("Stylus activation refuses it: {0}")]
    Activation(#[from] ActivationError),
    /// Activation accepts the program, Labelchain's policy does not: it uses floats
    /// ([`ActivationError::Floats`]) or multi-value
    /// ([`ActivationError::UnsupportedFeature`], ArbOS 60's rule).
    #[error("Labelchain's program policy refuses it: {0}")]
    Policy(ActivationError),
    /// One place that uses floats, listed after the [`ActivationError::Floats`] it explains.
    #[error("{0}")]
    Float(FloatUse),
    /// An import from a module other than `vm_hooks` that activation accepted: one of the
    /// `console` debug functions, which only a debug chain links.
    #[error(
        "import {module}::{name}: import module must be `{VM_HOOKS}` \
         (`{module}` is linked only on a debug chain)"
    )]
    ForeignImport {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// The packager's own reading of a module activation had parsed failed (which would
    /// be a wasmparser bug, as both read it with the same version).
    #[error("cannot read the module: {0}")]
    Unreadable(#[from] BinaryReaderError),
}

/// A function, by its index in the function index space (imports first), with its name
/// when the module still has a name section (the raw build does; stripped programs do not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Func {
    pub index: u32,
    pub name: Option<String>,
}

impl fmt::Display for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "function #{} <{name}>", self.index),
            None => write!(f, "function #{}", self.index),
        }
    }
}

/// Where a program uses floats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FloatUse {
    /// A float parameter or result in a function's signature.
    Signature { func: Func, ty: ValType },
    /// A float local.
    Local { func: Func, ty: ValType },
    /// A global of float type.
    Global { index: u32, ty: ValType },
    /// A float operator (named as wasmparser spells it, e.g. `F64Add`), seen `count` times
    /// in the function, first at byte `offset` of the module.
    Instruction {
        func: Func,
        op: String,
        count: usize,
        offset: u64,
    },
}

impl fmt::Display for FloatUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Signature { func, ty } => write!(f, "{func}: float type `{ty}` in its signature"),
            Self::Local { func, ty } => write!(f, "{func}: float local of type `{ty}`"),
            Self::Global { index, ty } => write!(f, "global #{index}: float type `{ty}`"),
            Self::Instruction {
                func,
                op,
                count: 1,
                offset,
            } => write!(f, "{func}: float instruction `{op}` (at {offset:#x})"),
            Self::Instruction {
                func,
                op,
                count,
                offset,
            } => write!(
                f,
                "{func}: float instruction `{op}` ({count} times, first at {offset:#x})"
            ),
        }
    }
}

/// Checks one (stripped or not) program; an empty list means it can be deployed.
///
/// Activation, then the policies, report the first rule a program breaks, so a program
/// with several faults shows one at a time; a float refusal is followed by every place that
/// uses floats.
pub fn check_program(wasm: &[u8]) -> Vec<Problem> {
    let checked = stylus_activation::activate(wasm, PAGE_LIMIT)
        .map_err(Problem::Activation)
        .and_then(|_| check_no_multi_value(wasm).map_err(Problem::Policy))
        .and_then(|_| check_no_floats(wasm).map_err(Problem::Policy));
    match checked {
        Ok(()) => foreign_imports(wasm).unwrap_or_else(|err| vec![err.into()]),
        Err(refusal @ Problem::Policy(ActivationError::Floats(_))) => {
            let mut found = vec![refusal];
            match float_uses(wasm) {
                Ok(uses) => found.extend(uses.into_iter().map(Problem::Float)),
                Err(err) => found.push(err.into()),
            }
            found
        }
        Err(refusal) => vec![refusal],
    }
}

/// The imports from modules other than `vm_hooks`, in a module activation accepted.
fn foreign_imports(wasm: &[u8]) -> Result<Vec<Problem>, BinaryReaderError> {
    let mut found = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::ImportSection(reader) = payload? {
            for import in reader.into_imports() {
                let import = import?;
                if import.module != VM_HOOKS {
                    found.push(Problem::ForeignImport {
                        module: import.module.into(),
                        name: import.name.into(),
                    });
                }
            }
        }
    }
    Ok(found)
}

/// What [`float_uses`] reads of a module.
#[derive(Default)]
struct Functions<'a> {
    types: Vec<FuncType>,
    /// Type index of each function, imports first.
    func_types: Vec<u32>,
    imported: u32,
    bodies: Vec<FunctionBody<'a>>,
    /// Function names from the name section, if there is one.
    names: HashMap<u32, String>,
    /// The globals of float type.
    float_globals: Vec<FloatUse>,
}

impl<'a> Functions<'a> {
    fn read(wasm: &'a [u8]) -> Result<Self, BinaryReaderError> {
        let mut module = Self::default();
        for payload in Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::TypeSection(reader) => {
                    for ty in reader.into_iter_err_on_gc_types() {
                        module.types.push(ty?);
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        if let TypeRef::Func(ty) = import?.ty {
                            module.func_types.push(ty);
                            module.imported += 1;
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        module.func_types.push(ty?);
                    }
                }
                Payload::GlobalSection(reader) => {
                    for (index, global) in (0u32..).zip(reader) {
                        let ty = global?.ty.content_type;
                        if is_float(ty) {
                            module.float_globals.push(FloatUse::Global { index, ty });
                        }
                    }
                }
                Payload::CodeSectionEntry(body) => module.bodies.push(body),
                Payload::CustomSection(reader) => {
                    if let KnownCustom::Name(reader) = reader.as_known() {
                        module.names.extend(function_names(reader));
                    }
                }
                _ => {}
            }
        }
        Ok(module)
    }

    /// The name section follows the code, so functions are labelled once all is read.
    fn func(&self, index: u32) -> Func {
        Func {
            index,
            name: self.names.get(&index).cloned(),
        }
    }
}

/// Function names; names only make messages nicer, so a broken name section gives none.
fn function_names(reader: NameSectionReader<'_>) -> impl Iterator<Item = (u32, String)> + '_ {
    reader
        .into_iter()
        .flatten()
        .filter_map(|name| match name {
            Name::Function(map) => Some(map),
            _ => None,
        })
        .flat_map(|map| map.into_iter().flatten())
        .map(|naming| (naming.index, naming.name.to_string()))
}

/// Every place a module uses floats: function signatures, locals, operators (each once
/// per function) and globals.
fn float_uses(wasm: &[u8]) -> Result<Vec<FloatUse>, BinaryReaderError> {
    let module = Functions::read(wasm)?;
    let mut found = Vec::new();
    for (index, &ty) in (0u32..).zip(&module.func_types) {
        let signature = module
            .types
            .get(ty as usize)
            .into_iter()
            .flat_map(|ty| ty.params().iter().chain(ty.results()));
        for &ty in signature.filter(|&&ty| is_float(ty)) {
            let func = module.func(index);
            found.push(FloatUse::Signature { func, ty });
        }
    }
    for (index, body) in (module.imported..).zip(&module.bodies) {
        found.extend(body_float_uses(&module.func(index), body)?);
    }
    found.extend(module.float_globals);
    Ok(found)
}

/// The float locals and operators of one function body.
fn body_float_uses(
    func: &Func,
    body: &FunctionBody<'_>,
) -> Result<Vec<FloatUse>, BinaryReaderError> {
    let mut found = Vec::new();
    for local in body.get_locals_reader()? {
        let (_, ty) = local?;
        if is_float(ty) {
            found.push(FloatUse::Local {
                func: func.clone(),
                ty,
            });
        }
    }
    // operator -> (count, first offset), by operator name.
    let mut ops: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset()?;
        if let Some(op) = float_op(&op) {
            ops.entry(op)
                .and_modify(|(count, _)| *count += 1)
                .or_insert((1, offset));
        }
    }
    found.extend(
        ops.into_iter()
            .map(|(op, (count, offset))| FloatUse::Instruction {
                func: func.clone(),
                op,
                count,
                offset,
            }),
    );
    Ok(found)
}

fn is_float(ty: ValType) -> bool {
    matches!(ty, ValType::F32 | ValType::F64)
}

/// The operator's name as wasmparser spells it (`F64Add`, `I32TruncF64S`, ...) if it
/// touches a float: float arithmetic, constants, conversions and reinterpretations.
fn float_op(op: &Operator) -> Option<String> {
    let debug = format!("{op:?}");
    let name = debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default();
    (name.contains("F32") || name.contains("F64")).then(|| name.to_string())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal acceptable Stylus program: it imports `pay_for_memory_grow` because its
    /// memory may grow, as the real programs do.
    pub(crate) const GOOD: &str = r#"(module
        (import "vm_hooks" "read_args" (func $read_args (param i32)))
        (import "vm_hooks" "pay_for_memory_grow" (func $grow (param i32)))
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

    fn problems(wat: &str) -> Vec<Problem> {
        check_program(&wat::parse_str(wat).expect("valid wat"))
    }

    /// `GOOD` with `extra` spliced in before its final `)`.
    fn with(extra: &str) -> String {
        let base = GOOD.trim_end().strip_suffix(')').unwrap();
        format!("{base}\n{extra})")
    }

    /// The activation error a module is refused with (it must be refused by activation).
    #[track_caller]
    fn refusal(wat: &str) -> ActivationError {
        match problems(wat).into_iter().next() {
            Some(Problem::Activation(err)) => err,
            other => panic!("expected activation to refuse it, got {other:?}"),
        }
    }

    /// Asserts activation refuses the module for using a proposal Stylus does not enable.
    #[track_caller]
    fn assert_unsupported_feature(wat: &str) {
        let err = refusal(wat);
        assert!(
            matches!(err, ActivationError::UnsupportedFeature(_)),
            "{err:?}"
        );
    }

    /// The float uses reported after the float policy's refusal.
    #[track_caller]
    fn float_uses_of(wat: &str) -> Vec<FloatUse> {
        let mut found = problems(wat).into_iter();
        let first = found.next();
        assert!(
            matches!(first, Some(Problem::Policy(ActivationError::Floats(_)))),
            "{first:?}"
        );
        found
            .map(|problem| match problem {
                Problem::Float(site) => site,
                other => panic!("expected only float uses after the refusal, got {other:?}"),
            })
            .collect()
    }

    #[test]
    fn accepts_minimal_program() {
        assert!(problems(GOOD).is_empty(), "{:?}", problems(GOOD));
    }

    #[test]
    fn rejects_float_instructions() {
        let found = float_uses_of(&with(
            "(func $f (result i32) f64.const 1 f64.const 2 f64.add i32.trunc_f64_s)",
        ));
        assert!(
            found
                .iter()
                .any(|u| matches!(u, FloatUse::Instruction { op, count: 1, .. } if op == "F64Add")),
            "{found:#?}"
        );
        assert!(
            found.iter().any(
                |u| matches!(u, FloatUse::Instruction { op, count: 2, .. } if op == "F64Const")
            ),
            "{found:#?}"
        );
        let found = float_uses_of(&with(
            "(func (param i64) (result i32) local.get 0 f32.convert_i64_u i32.reinterpret_f32)",
        ));
        assert!(
            found
                .iter()
                .any(|u| u.to_string().contains("float instruction `F32ConvertI64U`")),
            "{found:#?}"
        );
    }

    #[test]
    fn rejects_float_types() {
        let signature = float_uses_of(&with("(func (param f32))"));
        assert!(
            matches!(
                signature[..],
                [FloatUse::Signature {
                    ty: ValType::F32,
                    ..
                }]
            ),
            "{signature:#?}"
        );
        let local = float_uses_of(&with("(func (local f64))"));
        assert!(
            matches!(
                local[..],
                [FloatUse::Local {
                    ty: ValType::F64,
                    ..
                }]
            ),
            "{local:#?}"
        );
        assert_eq!(
            local[0].to_string(),
            "function #4: float local of type `f64`"
        );
        let global = float_uses_of(&with("(global f64 (f64.const 0))"));
        assert_eq!(
            global,
            [FloatUse::Global {
                index: 1,
                ty: ValType::F64
            }]
        );
    }

    #[test]
    fn names_the_function() {
        let found = float_uses_of(&with("(func $uses_float (result f32) f32.const 0)"));
        let func = Func {
            index: 4,
            name: Some("uses_float".into()),
        };
        assert!(
            found.contains(&FloatUse::Signature {
                func: func.clone(),
                ty: ValType::F32
            }),
            "{found:#?}"
        );
        let op = found
            .iter()
            .find(|u| matches!(u, FloatUse::Instruction { op, .. } if op == "F32Const"))
            .expect("the F32Const is reported");
        assert!(
            op.to_string()
                .starts_with("function #4 <uses_float>: float instruction `F32Const`"),
            "{op}"
        );
    }

    #[test]
    fn rejects_reference_types() {
        assert_unsupported_feature(&with("(func (result i32) ref.null func ref.is_null)"));
        assert_unsupported_feature(&with("(func (result i32) table.size 0)"));
        assert_unsupported_feature(&with("(table $t2 1 funcref)"));
        // A table of anything but funcref, even the only one.
        assert_unsupported_feature(
            r#"(module
                (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
                (table 1 externref)
                (memory (export "memory") 1)
                (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        );
        assert_unsupported_feature(&with(
            "(func (param i32 i32 i32) (result i32) local.get 0 local.get 1 local.get 2 select (result i32))",
        ));
        assert_unsupported_feature(&with(
            "(table $t2 1 funcref) (func (result i32) i32.const 0 i32.const 0 call_indirect $t2 (type $t))",
        ));
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
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend(section(1, &[0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f]));
        wasm.extend(section(3, &[0x01, 0x00]));
        wasm.extend(section(4, &[0x01, 0x70, 0x00, 0x01]));
        // One page that cannot grow, so no `pay_for_memory_grow` import is needed.
        wasm.extend(section(5, &[0x01, 0x01, 0x01, 0x01]));
        wasm.extend(section(7, &exports));
        wasm.extend(section(9, &[0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00]));
        wasm.extend(section(10, &code));
        wasm
    }

    #[test]
    fn rejects_overlong_call_indirect_table_index() {
        // The MVP encoding (a single zero byte) is fine ...
        let mvp = call_indirect_program(&[0x00]);
        let found = check_program(&mvp);
        assert!(found.is_empty(), "{found:?}");
        // ... the 5-byte LEB that LLVM emits with reference types is not.
        let overlong = call_indirect_program(&[0x80, 0x80, 0x80, 0x80, 0x00]);
        let found = check_program(&overlong);
        assert!(
            matches!(
                found[..],
                [Problem::Activation(ActivationError::UnsupportedFeature(_))]
            ),
            "{found:?}"
        );
    }

    /// Activation accepts multi-value (ArbOS 50); the policy refuses it as ArbOS 60 will.
    #[test]
    fn rejects_multi_value_by_policy() {
        for wat in [
            with("(func (result i32 i32) i32.const 0 i32.const 1)"),
            with("(func (result i32) i32.const 1 (block (param i32) (result i32)))"),
        ] {
            let found = problems(&wat);
            assert!(
                matches!(
                    found[..],
                    [Problem::Policy(ActivationError::UnsupportedFeature(_))]
                ),
                "{found:?}"
            );
        }
    }

    #[test]
    fn rejects_simd() {
        assert_unsupported_feature(&with(
            "(func (result i32) v128.const i64x2 0 0 i32x4.extract_lane 0)",
        ));
    }

    #[test]
    fn rejects_threads() {
        assert_unsupported_feature(&with("(func (result i32) i32.const 0 i32.atomic.load)"));
    }

    #[test]
    fn rejects_foreign_imports() {
        let wat = GOOD.replace(
            r#"(import "vm_hooks" "read_args""#,
            r#"(import "env" "read_args""#,
        );
        assert!(
            matches!(
                refusal(&wat),
                ActivationError::UnknownImport { module, name } if module == "env" && name == "read_args"
            ),
            "{:?}",
            problems(&wat)
        );
        // Activation (as a debug chain) links `console`; a production chain does not.
        let wat = GOOD.replace(
            r#"(import "vm_hooks" "read_args""#,
            r#"(import "console" "log_i32" (func $log (param i32)))
            (import "vm_hooks" "read_args""#,
        );
        let found = problems(&wat);
        assert!(
            matches!(
                &found[..],
                [Problem::ForeignImport { module, name }] if module == "console" && name == "log_i32"
            ),
            "{found:?}"
        );
        assert_eq!(
            found[0].to_string(),
            "import console::log_i32: import module must be `vm_hooks` \
             (`console` is linked only on a debug chain)"
        );
    }

    #[test]
    fn rejects_start_section() {
        assert!(matches!(
            refusal(&with("(func $init) (start $init)")),
            ActivationError::StartFunction
        ));
    }

    #[test]
    fn rejects_missing_exports() {
        assert!(matches!(
            refusal(&GOOD.replace(r#"(export "user_entrypoint")"#, "")),
            ActivationError::MissingEntrypoint
        ));
        assert!(matches!(
            refusal(&GOOD.replace(r#"(export "memory")"#, "")),
            ActivationError::MissingMemory
        ));
        let global_entrypoint = GOOD
            .replace(r#"(export "user_entrypoint")"#, r#"(export "other")"#)
            .replace(
                r#"(global $g (mut i32)"#,
                r#"(global $g (export "user_entrypoint") (mut i32)"#,
            );
        assert!(matches!(
            refusal(&global_entrypoint),
            ActivationError::EntrypointSignature(_)
        ));
    }
}
