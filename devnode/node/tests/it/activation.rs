//! The activation module's public API: decompression, every rejection, and the exact ink,
//! stack and cost numbers of instrumented programs, checked by running them on wasmi.

use std::io::Write;

use devnode::activation::{
    activate, check_no_floats, check_no_multi_value, decompress, is_stylus_program, Activated,
    ActivationError, Limit, INK_LEFT, INK_STATUS, MAX_WASM_SIZE, PAGE_LIMIT, SCRATCH, STACK_LEFT,
};
use wasmi::{Caller, Engine, Instance, Linker, Module, Store, Val};

// ---------------------------------------------------------------------------------------
// helpers

fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).expect("test WAT parses")
}

fn activate_wat(wat: &str) -> Result<Activated, ActivationError> {
    activate(&wasm(wat), PAGE_LIMIT)
}

/// A valid program with `extra` spliced into the module.
fn program(extra: &str) -> String {
    format!(
        r#"(module
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0)
            {extra})"#
    )
}

fn rejected(wat: &str) -> ActivationError {
    match activate_wat(wat) {
        Ok(_) => panic!("activation should have failed for:\n{wat}"),
        Err(err) => err,
    }
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(data).expect("compress");
    }
    out
}

fn deployed(dictionary: u8, wasm: &[u8]) -> Vec<u8> {
    let mut code = vec![0xEF, 0xF0, 0x00, dictionary];
    code.extend(brotli(wasm));
    code
}

/// An instantiated program whose `vm_hooks.pay_for_memory_grow` records its argument.
struct Program {
    store: Store<Vec<i32>>,
    instance: Instance,
}

impl Program {
    fn new(activated: &Activated) -> Self {
        let engine = Engine::default();
        wasmparser::Validator::new()
            .validate_all(&activated.module)
            .expect("the instrumented module validates");
        // SAFETY: validated just above; the workspace builds wasmi without its validator.
        let module =
            unsafe { Module::new_unchecked(&engine, &activated.module) }.expect("wasmi loads it");
        let mut store = Store::new(&engine, Vec::new());
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap(
                "vm_hooks",
                "pay_for_memory_grow",
                |mut caller: Caller<'_, Vec<i32>>, pages: i32| caller.data_mut().push(pages),
            )
            .expect("define hook");
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .expect("instantiate");
        Self { store, instance }
    }

    fn set(&mut self, name: &str, value: Val) {
        let global = self.instance.get_global(&self.store, name).expect(name);
        global.set(&mut self.store, value).expect("set global");
    }

    fn get(&self, name: &str) -> Val {
        let global = self.instance.get_global(&self.store, name).expect(name);
        global.get(&self.store)
    }

    fn ink_left(&self) -> i64 {
        match self.get(INK_LEFT) {
            Val::I64(ink) => ink,
            other => panic!("ink is {other:?}"),
        }
    }

    fn i32_global(&self, name: &str) -> i32 {
        match self.get(name) {
            Val::I32(value) => value,
            other => panic!("{name} is {other:?}"),
        }
    }

    /// Runs `user_entrypoint(arg)` with `ink` and `stack` words.
    fn run(&mut self, arg: i32, ink: i64, stack: i32) -> Result<i32, wasmi::Error> {
        self.set(INK_LEFT, Val::I64(ink));
        self.set(INK_STATUS, Val::I32(0));
        self.set(STACK_LEFT, Val::I32(stack));
        let entry = self
            .instance
            .get_typed_func::<i32, i32>(&self.store, "user_entrypoint")
            .expect("entrypoint");
        entry.call(&mut self.store, arg)
    }
}

/// Runs with plenty of stack and asserts the program needs exactly `ink`: it succeeds with
/// `ink` (leaving 0) and runs out with one less.
fn assert_exact_ink(activated: &Activated, arg: i32, ink: i64) {
    let mut program = Program::new(activated);
    let result = program.run(arg, ink, 100_000);
    assert!(result.is_ok(), "with {ink} ink: {result:?}");
    assert_eq!(program.ink_left(), 0, "all {ink} ink is burnt");
    assert_eq!(program.i32_global(INK_STATUS), 0);

    let mut program = Program::new(activated);
    assert!(program.run(arg, ink - 1, 100_000).is_err());
    assert_eq!(program.i32_global(INK_STATUS), 1, "one ink short runs out");
}

// ---------------------------------------------------------------------------------------
// decompression

#[test]
fn decompresses_prefixed_brotli() {
    let wasm = wasm(&program(""));
    let code = deployed(0, &wasm);
    assert!(is_stylus_program(&code));
    assert_eq!(decompress(&code, MAX_WASM_SIZE).expect("decompress"), wasm);
    assert_eq!(MAX_WASM_SIZE, 131_072);
}

#[test]
fn recognises_stylus_code() {
    assert!(!is_stylus_program(&[]));
    assert!(
        !is_stylus_program(&[0xEF, 0xF0, 0x00]),
        "the prefix alone is not a program"
    );
    assert!(is_stylus_program(&[0xEF, 0xF0, 0x00, 0x00]));
    assert!(
        !is_stylus_program(&[0xEF, 0xF0, 0x01, 0x00]),
        "fragments are not supported"
    );
    assert!(!is_stylus_program(&[0x60, 0x80, 0x60, 0x40]), "EVM code");
    assert!(matches!(
        decompress(&[0x60, 0x80, 0x60, 0x40], MAX_WASM_SIZE),
        Err(ActivationError::NotStylus)
    ));
    assert!(matches!(
        decompress(&[0xEF, 0xF0, 0x00], MAX_WASM_SIZE),
        Err(ActivationError::NotStylus)
    ));
}

#[test]
fn rejects_dictionaries() {
    let wasm = wasm(&program(""));
    let err = decompress(&deployed(1, &wasm), MAX_WASM_SIZE).expect_err("dictionary 1");
    assert!(matches!(err, ActivationError::UnsupportedDictionary(1)));
    assert!(err.to_string().contains("without a dictionary"), "{err}");
    assert!(matches!(
        decompress(&deployed(7, &wasm), MAX_WASM_SIZE),
        Err(ActivationError::UnsupportedDictionary(7))
    ));
}

#[test]
fn bounds_the_decompressed_size() {
    let wasm = wasm(&program(""));
    let code = deployed(0, &wasm);
    assert_eq!(decompress(&code, wasm.len()).expect("exact fit"), wasm);
    assert!(matches!(
        decompress(&code, wasm.len() - 1),
        Err(ActivationError::TooLarge { limit }) if limit == wasm.len() - 1
    ));

    // A highly compressible stream far above 128 KiB.
    let mut big = wasm.clone();
    big.extend(std::iter::repeat_n(0u8, 200 * 1024));
    assert!(matches!(
        decompress(&deployed(0, &big), MAX_WASM_SIZE),
        Err(ActivationError::TooLarge {
            limit: MAX_WASM_SIZE
        })
    ));
}

#[test]
fn rejects_corrupt_streams() {
    let wasm = wasm(&program(""));
    let code = deployed(0, &wasm);
    let truncated = &code[..code.len() - 3];
    assert!(matches!(
        decompress(truncated, MAX_WASM_SIZE),
        Err(ActivationError::Decompression(_))
    ));
    assert!(matches!(
        decompress(&[0xEF, 0xF0, 0x00, 0x00, 0xFF, 0xFF, 0xFF], MAX_WASM_SIZE),
        Err(ActivationError::Decompression(_))
    ));
}

// ---------------------------------------------------------------------------------------
// the instrumented module

#[test]
fn instrumented_module_validates_and_exports_the_meter() {
    let activated = activate_wat(&program(
        r#"(global $g (mut i32) (i32.const 5))
           (func (export "helper") (result i32) global.get $g)"#,
    ))
    .expect("activates");
    wasmparser::Validator::new()
        .validate_all(&activated.module)
        .expect("instrumented module validates");

    let mut exports = Vec::new();
    let mut globals = 0;
    for payload in wasmparser::Parser::new(0).parse_all(&activated.module) {
        match payload.expect("parses") {
            wasmparser::Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.expect("export");
                    exports.push((export.name.to_string(), export.kind, export.index));
                }
            }
            wasmparser::Payload::GlobalSection(reader) => globals = reader.count(),
            _ => {}
        }
    }
    use wasmparser::ExternalKind::{Func, Global, Memory};
    // `helper` is pruned; the module's own global keeps index 0, the four added follow.
    assert_eq!(
        exports,
        vec![
            ("memory".to_string(), Memory, 0),
            ("user_entrypoint".to_string(), Func, 0),
            (INK_LEFT.to_string(), Global, 1),
            (INK_STATUS.to_string(), Global, 2),
            (SCRATCH.to_string(), Global, 3),
            (STACK_LEFT.to_string(), Global, 4),
        ]
    );
    assert_eq!(globals, 5);
    assert_eq!(
        alloy_primitives::B256::from(activated.module_hash),
        alloy_primitives::keccak256(&activated.module)
    );
    assert_eq!(activated.footprint, 1);
}

#[test]
fn accepts_host_and_console_imports() {
    let activated = activate_wat(
        r#"(module
            (import "vm_hooks" "read_args" (func $read_args (param i32)))
            (import "vm_hooks" "call_contract" (func (param i32 i32 i32 i32 i64 i32) (result i32)))
            (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
            (import "console" "log_i64" (func (param i64)))
            (import "console" "tee_i32" (func (param i32) (result i32)))
            (memory (export "memory") 2)
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 0 call $read_args
                i32.const 0))"#,
    )
    .expect("activates");
    assert_eq!(activated.footprint, 2);
}

// ---------------------------------------------------------------------------------------
// ink

/// Straight-line code is one block: Σ op ink + 2450.
#[test]
fn charges_one_block_exactly() {
    let activated = activate_wat(
        r#"(module
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32)
                local.get 0   ;; 75
                i32.const 1   ;; 1
                i32.add       ;; 70
                drop          ;; 9
                i32.const 0)) ;; 1, then `end` 1"#,
    )
    .expect("activates");
    // 75 + 1 + 70 + 9 + 1 + 1 = 157, + 2450 header
    assert_exact_ink(&activated, 3, 157 + 2450);
}

/// nitro puts each check in front of its block, the block running up to the op that ends
/// it. A taken `br_if` jumps past the check in front of the `end` it targets.
#[test]
fn charges_blocks_where_nitro_places_the_checks() {
    let activated = activate_wat(
        r#"(module
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32)
                (block        ;; A: block 1
                    local.get 0 ;; A: 75
                    br_if 0)    ;; A: 765, ends A          | B: end 1, ends B
                i32.const 7)) ;; C: 1, then `end` 1, ends C"#,
    )
    .expect("activates");
    let a = 1 + 75 + 765 + 2450; // 3291
    let b = 1 + 2450; // 2451
    let c = 1 + 1 + 2450; // 2452
    assert_exact_ink(&activated, 0, a + b + c); // 8194: falls through `end`
    assert_exact_ink(&activated, 1, a + c); // 5743: branches past B's check
}

/// `loop`, `end` and `call` end blocks; the check after `loop` runs on every iteration and
/// the callee's blocks are charged by the callee.
#[test]
fn charges_calls_and_loops() {
    let activated = activate_wat(
        r#"(module
            (memory (export "memory") 1 1)
            (func $add (param i32 i32) (result i32)
                local.get 0 local.get 1 i32.add) ;; 75 + 75 + 70 + end 1 = 221
            (func (export "user_entrypoint") (param i32) (result i32)
                (local i32)
                i32.const 2       ;; A: 1
                local.set 1       ;; A: 210
                (loop $l          ;; A: 1, ends A
                    local.get 1   ;; B: 75
                    i32.const 1   ;; B: 1
                    i32.sub       ;; B: 70
                    local.tee 1   ;; B: 75
                    br_if $l)     ;; B: 765, ends B        | C: the loop's end 1, ends C
                i32.const 4       ;; D: 1
                i32.const 5       ;; D: 1
                call $add))       ;; D: 3800, ends D       | E: end 1"#,
    )
    .expect("activates");
    let a = 1 + 210 + 1 + 2450;
    let b = 75 + 1 + 70 + 75 + 765 + 2450; // runs twice: 2 → 1 → 0
    let c = 1 + 2450; // every `end` closes a block of its own
    let d = 1 + 1 + 3800 + 2450;
    let callee = 221 + 2450;
    let e = 1 + 2450;
    assert_exact_ink(&activated, 0, a + 2 * b + c + d + callee + e);
}

/// memory.fill/copy pay 100 ink per byte on top of their block, checked right before them.
#[test]
fn charges_memory_fill_per_byte() {
    let activated = activate_wat(
        r#"(module
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 0   ;; 1
                i32.const 7   ;; 1
                local.get 0   ;; 75
                memory.fill   ;; 950 + 100 × size
                i32.const 0)) ;; 1, `end` 1"#,
    )
    .expect("activates");
    let block = 1 + 1 + 75 + 950 + 1 + 1 + 2450; // 3479
    assert_exact_ink(&activated, 0, block);
    assert_exact_ink(&activated, 10, block + 1000);
}

/// Before `memory.grow` the heap bound hands the page count to `pay_for_memory_grow`, which
/// charges the memory model; the op itself costs 8050 ink.
#[test]
fn memory_grow_calls_the_hook_with_the_pages() {
    let activated = activate_wat(
        r#"(module
            (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
            (memory (export "memory") 1)
            (func (export "user_entrypoint") (param i32) (result i32)
                local.get 0   ;; 75
                memory.grow)) ;; 8050, `end` 1"#,
    )
    .expect("activates");
    let mut program = Program::new(&activated);
    assert_eq!(
        program.run(3, 75 + 8050 + 1 + 2450, 100_000).expect("runs"),
        1
    );
    assert_eq!(program.ink_left(), 0);
    assert_eq!(program.store.data(), &vec![3]);
}

// ---------------------------------------------------------------------------------------
// depth

/// Frame = worst operand height (nitro's estimate, meter checks included) + declared locals
/// + 4. Entry traps when stack_left <= frame, leaving 0; a return gives the frame back.
#[test]
fn charges_the_frame_of_a_function() {
    let activated = activate_wat(
        r#"(module
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32)
                (local i64)
                i32.const 1
                i32.const 2
                i32.const 3   ;; height 3
                i32.add
                i32.add))"#,
    )
    .expect("activates");
    // The meter's check runs on an empty stack (height 2), the body reaches 3.
    let frame = 3 + 1 + 4;
    let mut program = Program::new(&activated);
    assert!(program.run(0, 1_000_000, frame).is_err());
    assert_eq!(program.i32_global(STACK_LEFT), 0, "out of stack");
    assert_eq!(program.i32_global(INK_STATUS), 0, "not out of ink");

    let mut program = Program::new(&activated);
    assert_eq!(program.run(0, 1_000_000, frame + 1).expect("runs"), 6);
    assert_eq!(
        program.i32_global(STACK_LEFT),
        frame + 1,
        "the frame is given back"
    );
}

/// The meter check after a call runs on top of the values below it: with two values left
/// its i64 pair reaches height 4.
#[test]
fn counts_meter_checks_and_callee_frames() {
    let activated = activate_wat(
        r#"(module
            (memory (export "memory") 1 1)
            (func $id (param i32) (result i32) local.get 0)
            (func (export "user_entrypoint") (param i32) (result i32)
                i32.const 5
                i32.const 6
                call $id      ;; 2 values, then the next block's check pushes 2 more
                i32.add))"#,
    )
    .expect("activates");
    let caller = 4 + 4; // height 4, no locals
    let callee = 2 + 4; // the check on an empty stack: height 2
    let needed = caller + callee + 1; // the callee needs stack_left > its frame
    let mut program = Program::new(&activated);
    assert!(program.run(0, 1_000_000, needed - 1).is_err());
    assert_eq!(program.i32_global(STACK_LEFT), 0);

    let mut program = Program::new(&activated);
    assert_eq!(program.run(0, 1_000_000, needed).expect("runs"), 11);
    assert_eq!(program.i32_global(STACK_LEFT), needed);
}

// ---------------------------------------------------------------------------------------
// costs

#[test]
fn predicts_nitro_costs() {
    let source = program("");
    let bytes = wasm(&source);
    let activated = activate(&bytes, PAGE_LIMIT).expect("activates");
    let len = bytes.len() as u64;
    // One function (i32) -> i32; no module globals (4 added); no segments; 1 page.
    let (funcs, type_len, globals, pages) = (1u64, 2u64, 4u64, 1u64);
    let init = funcs * 8252 / 1000 + type_len * 1059 / 1000 + len * 1286 / 10_000;
    let cached = funcs * 13_420 / 100_000
        + type_len * 89 / 100_000
        + len * 122 / 100_000
        + globals * 1628 / 1000
        + pages * 5;
    let asm = 512_000 + funcs * 996_829 / 1000 + type_len * 11_416 / 1000 + len * 62_628 / 10_000;
    assert_eq!(u64::from(activated.init_cost), init);
    assert_eq!(u64::from(activated.cached_init_cost), cached);
    assert_eq!(u64::from(activated.asm_estimate), asm);

    // `i32.const 0; end`: 2 ops + a 12-op meter check + the 12-op depth prologue, the added
    // `return` and its 4-op frame refund = 31 ops.
    let ops = 31u64;
    let micros =
        len * 31_733 / 100_000 + funcs * 17_263 / 100_000 + pages * 2217 + ops * 535 / 1000;
    assert_eq!(activated.activation_gas, micros * 28);
}

// ---------------------------------------------------------------------------------------
// rejections

#[test]
fn rejects_malformed_wasm() {
    assert!(matches!(
        activate(b"\0asm\x01\0\0\0\x01", PAGE_LIMIT),
        Err(ActivationError::Malformed(_))
    ));
    assert!(matches!(
        activate(b"not wasm", PAGE_LIMIT),
        Err(ActivationError::Malformed(_))
    ));
}

/// nitro validates floats (`binary.rs`: the `floats` feature is on) and prices every float
/// operator at `u64::MAX` ink (`programs/meter.rs`), so activation accepts them; the
/// packager's policy check refuses them.
#[test]
fn floats_validate_at_activation_and_only_the_policy_check_refuses_them() {
    let cases = [
        r#"(func (param f32))"#,
        r#"(func (result f64) f64.const 0)"#,
        r#"(func (local f32))"#,
        r#"(global f64 (f64.const 1))"#,
        r#"(func (result i32) i32.const 1 f32.convert_i32_s i32.trunc_sat_f32_s)"#,
        r#"(func i64.const 1 f64.reinterpret_i64 drop)"#,
    ];
    activates_but_the_policy_refuses(&cases, check_no_floats, |e| {
        matches!(e, ActivationError::Floats(_))
    });
}

/// Below ArbOS 60 nitro validates with `multi_value` on (`binary.rs`,
/// `parse_with_version`); the devnode follows ArbOS 50. The ArbOS 60 rule is kept as a
/// policy check for the packager.
#[test]
fn multi_value_functions_and_blocks_activate_below_arbos_60() {
    let cases = [
        r#"(func (result i32 i32) i32.const 1 i32.const 2)"#,
        r#"(func (param i32) (result i32) local.get 0 (block (param i32) (result i32)))"#,
    ];
    activates_but_the_policy_refuses(&cases, check_no_multi_value, |e| {
        matches!(e, ActivationError::UnsupportedFeature(_))
    });
}

/// Each of `cases` (module fields added to a minimal program) activates as nitro allows,
/// and `policy`, the packager's stricter rule, refuses it with the error `expected`
/// names, while passing the minimal program itself.
fn activates_but_the_policy_refuses(
    cases: &[&str],
    policy: fn(&[u8]) -> Result<(), ActivationError>,
    expected: fn(&ActivationError) -> bool,
) {
    for extra in cases {
        let wat = program(extra);
        assert!(
            activate_wat(&wat).is_ok(),
            "{extra}: {:?}",
            activate_wat(&wat)
        );
        let refused = policy(&wasm(&wat));
        assert!(
            refused.as_ref().is_err_and(expected),
            "{extra}: {refused:?}"
        );
    }
    assert!(policy(&wasm(&program(""))).is_ok());
}

#[test]
fn rejects_unsupported_features() {
    let cases = [
        ("reference types", r#"(table 1 externref)"#),
        ("reference types", r#"(func (drop (ref.null func)))"#),
        ("SIMD", r#"(func (drop (v128.const i32x4 0 0 0 0)))"#),
        (
            "threads",
            r#"(func (drop (i32.atomic.load (i32.const 0))))"#,
        ),
        ("tail calls", r#"(func $f (return_call $f))"#),
        ("exceptions", r#"(tag $t) (func (throw $t))"#),
        (
            "extended const",
            r#"(global i32 (i32.add (i32.const 1) (i32.const 2)))"#,
        ),
    ];
    for (feature, extra) in cases {
        let err = rejected(&program(extra));
        let expected = if feature == "extended const" {
            matches!(err, ActivationError::NonConstantGlobal(0))
        } else {
            matches!(err, ActivationError::UnsupportedFeature(_))
        };
        assert!(expected, "{feature}: {err:?}");
    }
    // memory64 and shared memories, in place of the regular memory.
    for memory in [
        r#"(memory (export "memory") i64 1 1)"#,
        r#"(memory (export "memory") 1 1 shared)"#,
    ] {
        let wat = format!(
            r#"(module {memory}
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
        );
        assert!(
            matches!(rejected(&wat), ActivationError::UnsupportedFeature(_)),
            "{memory}"
        );
    }
}

#[test]
fn rejects_a_second_memory() {
    assert!(matches!(
        rejected(&program("(memory 1 1)")),
        ActivationError::TooManyMemories(2)
    ));
}

#[test]
fn rejects_foreign_imports() {
    // Imports must precede definitions in the text format, so build these by hand.
    let with_import = |import: &str| {
        format!(
            r#"(module
                (import {import})
                (memory (export "memory") 1 1)
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
        )
    };
    assert!(matches!(
        rejected(&with_import(r#""vm_hooks" "no_such_hook" (func)"#)),
        ActivationError::UnknownImport { module, name } if module == "vm_hooks" && name == "no_such_hook"
    ));
    assert!(matches!(
        rejected(&with_import(r#""env" "read_args" (func (param i32))"#)),
        ActivationError::UnknownImport { module, .. } if module == "env"
    ));
    // nitro's float console functions are linked as the integer ones are.
    assert!(activate_wat(&with_import(r#""console" "log_f32" (func (param f32))"#)).is_ok());
    assert!(matches!(
        rejected(&with_import(r#""console" "log_f32" (func (param f64))"#)),
        ActivationError::ImportSignature { .. }
    ));
    assert!(matches!(
        rejected(&with_import(r#""debug" "null_host" (func)"#)),
        ActivationError::UnknownImport { .. }
    ));
    let err = rejected(&with_import(r#""vm_hooks" "read_args" (func (param i64))"#));
    assert!(
        matches!(&err, ActivationError::ImportSignature { expected, found, .. }
            if expected == "(i32) -> ()" && found == "(i64) -> ()"),
        "{err:?}"
    );
    assert!(matches!(
        rejected(&with_import(r#""vm_hooks" "chainid" (func (result i32))"#)),
        ActivationError::ImportSignature { .. }
    ));
    assert!(matches!(
        rejected(&with_import(r#""vm_hooks" "read_args" (global i32)"#)),
        ActivationError::NonFunctionImport { .. }
    ));
    assert!(matches!(
        rejected(&with_import(r#""vm_hooks" "table" (table 1 funcref)"#)),
        ActivationError::NonFunctionImport { .. }
    ));
    assert!(matches!(
        rejected(&with_import(r#""vm_hooks" "stylus_ink_left" (func)"#)),
        ActivationError::ReservedName(name) if name == "stylus_ink_left"
    ));
}

#[test]
fn rejects_reserved_and_shadowing_exports() {
    assert!(matches!(
        rejected(&program(r#"(global (export "stylus_ink_left") (mut i64) (i64.const 0))"#)),
        ActivationError::ReservedName(name) if name == "stylus_ink_left"
    ));
    assert!(matches!(
        rejected(&program(
            r#"(global (export "my__stylus_stack_left") i32 (i32.const 0))"#
        )),
        ActivationError::ReservedName(_)
    ));
    let shadow = r#"(module
        (import "vm_hooks" "read_args" (func $r (param i32)))
        (memory (export "memory") 1 1)
        (export "read_args" (func $r))
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(matches!(
        rejected(shadow),
        ActivationError::ExportShadowsImport(name) if name == "read_args"
    ));
}

#[test]
fn rejects_start_functions() {
    assert!(matches!(
        rejected(&program("(func $s) (start $s)")),
        ActivationError::StartFunction
    ));
}

#[test]
fn rejects_missing_or_mistyped_entrypoints() {
    let module = |entry: &str| format!(r#"(module (memory (export "memory") 1 1) {entry})"#);
    assert!(matches!(
        rejected(&module(
            "(func (export \"main\") (param i32) (result i32) i32.const 0)"
        )),
        ActivationError::MissingEntrypoint
    ));
    assert!(matches!(
        rejected(&module("(func (export \"user_entrypoint\") (param i64) (result i32) i32.const 0)")),
        ActivationError::EntrypointSignature(found) if found == "(i64) -> (i32)"
    ));
    assert!(matches!(
        rejected(&module("(func (export \"user_entrypoint\") (param i32))")),
        ActivationError::EntrypointSignature(_)
    ));
    assert!(matches!(
        rejected(&module(
            r#"(global (export "user_entrypoint") i32 (i32.const 0))"#
        )),
        ActivationError::EntrypointSignature(_)
    ));
}

#[test]
fn rejects_missing_memory() {
    let entry = r#"(func (export "user_entrypoint") (param i32) (result i32) i32.const 0)"#;
    assert!(matches!(
        rejected(&format!("(module {entry})")),
        ActivationError::MissingMemory
    ));
    assert!(matches!(
        rejected(&format!("(module (memory 1 1) {entry})")),
        ActivationError::MissingMemory
    ));
    assert!(matches!(
        rejected(&format!(r#"(module (memory (export "mem") 1 1) {entry})"#)),
        ActivationError::MissingMemory
    ));
}

#[test]
fn rejects_memory_above_the_limits() {
    let with_memory = |memory: &str| {
        format!(
            r#"(module
                (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
                (memory (export "memory") {memory})
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
        )
    };
    assert!(matches!(
        rejected(&with_memory("129")),
        ActivationError::MemoryTooLarge { pages: 129 }
    ));
    assert!(activate(&wasm(&with_memory("128")), 128).is_ok());
    assert!(matches!(
        activate(&wasm(&with_memory("3 3")), 2),
        Err(ActivationError::ExceedsPageLimit { pages: 3, limit: 2 })
    ));
    assert!(activate(&wasm(&with_memory("3 3")), 3).is_ok());
}

#[test]
fn rejects_growable_memory_without_the_grow_hook() {
    let with_memory = |memory: &str| {
        format!(
            r#"(module
                (memory (export "memory") {memory})
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
        )
    };
    assert!(matches!(
        rejected(&with_memory("1")),
        ActivationError::MissingPayForMemoryGrow
    ));
    assert!(matches!(
        rejected(&with_memory("1 2")),
        ActivationError::MissingPayForMemoryGrow
    ));
    assert!(activate_wat(&with_memory("1 1")).is_ok());
}

#[test]
fn rejects_unsupported_opcodes() {
    let err = rejected(&program(
        r#"(table 1 funcref) (elem func 0) (func elem.drop 0)"#,
    ));
    assert!(
        matches!(&err, ActivationError::UnsupportedOpcode { func: 1, op } if op.contains("ElemDrop")),
        "{err:?}"
    );
    assert!(matches!(
        rejected(&program(
            r#"(table 2 funcref) (func (table.copy (i32.const 0) (i32.const 1) (i32.const 1)))"#
        )),
        ActivationError::UnsupportedOpcode { .. }
    ));
    // data.drop and memory.init need a data count section, which nitro's parser refuses.
    assert!(matches!(
        rejected(&program(r#"(data "x") (func data.drop 0)"#)),
        ActivationError::UnsupportedSection(s) if s == "data count"
    ));
    assert!(matches!(
        rejected(&program(
            r#"(data "x") (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1)))"#
        )),
        ActivationError::UnsupportedSection(_)
    ));
}

#[test]
fn rejects_oversized_frames() {
    // 4097 values on the stack at once.
    let push = "i32.const 0 ".repeat(4097);
    let drop = "drop ".repeat(4097);
    assert!(matches!(
        rejected(&program(&format!("(func {push} {drop})"))),
        ActivationError::StackContention { func: 1, .. }
    ));
    // Height 2 (the meter check) + 10 235 locals + 4 = 10 241 > 10 240. nitro reports the
    // frame before the locals count, as it bounds counts after instrumenting.
    let locals = "(local i32)".repeat(10_235);
    assert!(matches!(
        rejected(&program(&format!("(func {locals})"))),
        ActivationError::FrameTooLarge {
            func: 1,
            size: 10_241
        }
    ));
}

fn too_many(wat: &str, limit: Limit) {
    let err = rejected(wat);
    assert!(
        matches!(&err, ActivationError::TooMany { limit: l, .. } if *l == limit),
        "{limit:?}: {err:?}"
    );
}

#[test]
fn rejects_too_many_segments() {
    too_many(
        &program(&r#"(data (i32.const 0) "x")"#.repeat(129)),
        Limit::Datas,
    );
    assert!(activate_wat(&program(&r#"(data (i32.const 0) "x")"#.repeat(128))).is_ok());
    too_many(
        &program(&format!(
            "(table 1 funcref) {}",
            "(elem (i32.const 0) func 0)".repeat(129)
        )),
        Limit::Elements,
    );
    too_many(&program("(table 4097 funcref)"), Limit::TableEntries);
    assert!(activate_wat(&program("(table 4096 funcref)")).is_ok());
    // nitro bounds the element segments' encoded bytes, not their entries.
    too_many(
        &program(&format!(
            "(table 4096 funcref) (elem (i32.const 0) func {})",
            "0 ".repeat(4096)
        )),
        Limit::ElementEntries,
    );
}

#[test]
fn rejects_too_many_definitions() {
    too_many(&program(&"(func)".repeat(4096)), Limit::Functions);
    assert!(activate_wat(&program(&"(func)".repeat(4095))).is_ok());

    // 32 765 + the 4 instrumentation globals > 32 768.
    too_many(
        &program(&"(global i32 (i32.const 0))".repeat(32_765)),
        Limit::Globals,
    );
    assert!(activate_wat(&program(&"(global i32 (i32.const 0))".repeat(32_764))).is_ok());

    // 1021 exports + the 4 instrumentation globals > 1024.
    let exports: String = (0..1019)
        .map(|i| format!(r#"(export "f{i}" (func 0))"#))
        .collect();
    too_many(&program(&exports), Limit::Exports);

    let imports = r#"(import "vm_hooks" "read_args" (func (param i32)))"#.repeat(514);
    too_many(
        &format!(
            r#"(module {imports}
                (memory (export "memory") 1 1)
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
        ),
        Limit::Imports,
    );
}

#[test]
fn rejects_oversized_functions() {
    too_many(
        &program(&format!("(func {})", "(local i64)".repeat(349))),
        Limit::Locals,
    );
    assert!(activate_wat(&program(&format!("(func {})", "(local i64)".repeat(348)))).is_ok());

    // The bound counts instrumented operators: n `nop`s and `end`, a 12-op meter check, the
    // 12-op depth prologue, the added `return` and its 4-op refund make n + 30.
    let nops = |n: usize| program(&format!("(func {})", "nop ".repeat(n)));
    assert!(activate_wat(&nops(65_506)).is_ok());
    too_many(&nops(65_507), Limit::Opcodes);
}

#[test]
fn rejects_long_names() {
    let long = "x".repeat(513);
    assert!(matches!(
        rejected(&program(&format!(r#"(export "{long}" (func 0))"#))),
        ActivationError::NameTooLong {
            what: "export name",
            len: 513
        }
    ));
    let named = program("").replacen("(module", &format!("(module ${long}"), 1);
    assert!(matches!(
        rejected(&named),
        ActivationError::NameTooLong {
            what: "module name",
            len: 513
        }
    ));
}
