//! The per-function instrumentation pipeline, in nitro's order (`programs/config.rs`):
//! ink meter → dynamic meter → depth checker → heap bound. Each stage consumes the previous
//! stage's output, so later stages see (and the depth checker counts) what earlier ones added,
//! exactly as nitro's middlewares do.
//!
//! An [`Item`] is either an original operator, carried with its original bytes so it is
//! re-emitted verbatim, or an instruction instrumentation inserted. Function, type and global
//! indices of the original code stay valid: no function or type is added and the new globals
//! come after the existing ones.

use wasm_encoder::{BlockType, Encode, Instruction};
use wasmparser::{FunctionBody, Operator};

use super::{depth, meter, module::ModuleInfo, ActivationError};

/// An instruction inserted by instrumentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ins {
    GlobalGet(u32),
    GlobalSet(u32),
    I32Const(i32),
    I64Const(i64),
    I32Add,
    I32Sub,
    I32LeU,
    I64Sub,
    I64Mul,
    I64LtU,
    I64ExtendI32U,
    /// `if` with an empty block type.
    If,
    End,
    Unreachable,
    Return,
    Call(u32),
}

impl Ins {
    fn encode(self, sink: &mut Vec<u8>) {
        let ins = match self {
            Self::GlobalGet(index) => Instruction::GlobalGet(index),
            Self::GlobalSet(index) => Instruction::GlobalSet(index),
            Self::I32Const(value) => Instruction::I32Const(value),
            Self::I64Const(value) => Instruction::I64Const(value),
            Self::I32Add => Instruction::I32Add,
            Self::I32Sub => Instruction::I32Sub,
            Self::I32LeU => Instruction::I32LeU,
            Self::I64Sub => Instruction::I64Sub,
            Self::I64Mul => Instruction::I64Mul,
            Self::I64LtU => Instruction::I64LtU,
            Self::I64ExtendI32U => Instruction::I64ExtendI32U,
            Self::If => Instruction::If(BlockType::Empty),
            Self::End => Instruction::End,
            Self::Unreachable => Instruction::Unreachable,
            Self::Return => Instruction::Return,
            Self::Call(index) => Instruction::Call(index),
        };
        ins.encode(sink);
    }
}

/// One instruction of an instrumented function.
#[derive(Debug, Clone)]
pub(crate) enum Item<'a> {
    /// An operator of the input, with its encoded bytes.
    Op(Operator<'a>, &'a [u8]),
    /// An instruction instrumentation added.
    Ins(Ins),
}

/// Indices of the globals instrumentation appends, in nitro's order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Globals {
    pub ink_left: u32,
    pub ink_status: u32,
    pub scratch: u32,
    pub stack_left: u32,
}

/// What instrumentation needs besides the function itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'m, 'a> {
    pub info: &'m ModuleInfo<'a>,
    pub globals: Globals,
    /// `vm_hooks.pay_for_memory_grow`, when the memory can grow.
    pub pay_for_memory_grow: Option<u32>,
}

/// An instrumented function: its locals declaration bytes and its new code.
#[derive(Debug)]
pub(crate) struct Instrumented<'a> {
    pub locals: &'a [u8],
    pub items: Vec<Item<'a>>,
}

impl Instrumented<'_> {
    /// The function body as the code section stores it (without the size prefix).
    pub fn encode(&self) -> Vec<u8> {
        let mut body = self.locals.to_vec();
        for item in &self.items {
            match item {
                Item::Op(_, bytes) => body.extend_from_slice(bytes),
                Item::Ins(ins) => ins.encode(&mut body),
            }
        }
        body
    }
}

/// Reads a body into items, each original operator paired with its bytes.
fn read_body<'a>(
    wasm: &'a [u8],
    body: &FunctionBody<'a>,
) -> Result<(&'a [u8], Vec<Item<'a>>), ActivationError> {
    let malformed =
        |err: wasmparser::BinaryReaderError| ActivationError::Malformed(err.to_string());
    let out_of_range = || ActivationError::Malformed("function body out of range".into());
    let to_usize = |offset: u64| usize::try_from(offset).map_err(|_| out_of_range());

    let range = body.range();
    let (start, end) = (to_usize(range.start)?, to_usize(range.end)?);
    let mut reader = body.get_operators_reader().map_err(malformed)?;
    let ops_start = to_usize(reader.original_position())?;

    let mut ops = Vec::new();
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset().map_err(malformed)?;
        ops.push((op, to_usize(offset)?));
    }
    let mut items = Vec::with_capacity(ops.len());
    for (i, (op, offset)) in ops.iter().enumerate() {
        let next = ops.get(i + 1).map_or(end, |(_, next)| *next);
        let bytes = wasm.get(*offset..next).ok_or_else(out_of_range)?;
        items.push(Item::Op(op.clone(), bytes));
    }
    let locals = wasm.get(start..ops_start).ok_or_else(out_of_range)?;
    Ok((locals, items))
}

/// Instruments function `func` (index in the function space) with the four middlewares.
pub(crate) fn instrument<'a>(
    ctx: &Context<'_, 'a>,
    func: u32,
    body: &FunctionBody<'a>,
    declared_locals: u32,
) -> Result<Instrumented<'a>, ActivationError> {
    let (locals, items) = read_body(ctx.info.wasm, body)?;
    let items = meter::meter(items, ctx)?;
    let items = meter::dynamic(items, ctx, func)?;
    let items = depth::check_depth(items, ctx, func, declared_locals)?;
    let items = heap_bound(items, ctx);
    Ok(Instrumented { locals, items })
}

/// Before each `memory.grow`, passes the page count to `pay_for_memory_grow` through the
/// scratch global (`programs/heap.rs`). Without the import the memory cannot grow
/// (maximum == minimum), and nothing is inserted.
fn heap_bound<'a>(items: Vec<Item<'a>>, ctx: &Context<'_, 'a>) -> Vec<Item<'a>> {
    let Some(pay) = ctx.pay_for_memory_grow else {
        return items;
    };
    let scratch = ctx.globals.scratch;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if let Item::Op(Operator::MemoryGrow { .. }, _) = item {
            out.extend(
                [
                    Ins::GlobalSet(scratch),
                    Ins::GlobalGet(scratch),
                    Ins::GlobalGet(scratch),
                    Ins::Call(pay),
                ]
                .map(Item::Ins),
            );
        }
        out.push(item);
    }
    out
}
