//! Ink metering: the basic-block meter (`programs/meter.rs`) and the dynamic meter for
//! `memory.fill`/`memory.copy` (`programs/dynamic.rs`).

use wasmparser::Operator;

use super::{
    instrument::{Context, Ins, Item},
    ActivationError,
};

/// Ink charged per basic block on top of its operators: the cost of the check itself
/// (stylus versions 1–3, `programs/config.rs`).
pub const INK_HEADER_COST: u64 = 2450;
/// Ink per byte of `memory.fill` and `memory.copy` (800 / 8, `programs/config.rs`).
pub const MEMORY_BYTE_INK: u64 = 100;

/// Does `op` end a basic block (`arbutil/src/operator.rs`, `ends_basic_block`)? Note that
/// `block` and `unreachable` do not, and `loop` does.
pub(crate) fn ends_basic_block(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::End
            | Operator::Else
            | Operator::Return
            | Operator::Loop { .. }
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::BrIf { .. }
            | Operator::If { .. }
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
    )
}

/// The ink price of one operator, nitro's `pricing_v1` (`programs/meter.rs`). Everything not
/// priced there — floats, SIMD, atomics, reference, table and exception ops, `memory.init`,
/// `data.drop` — costs `u64::MAX`, so a block containing it can never run.
#[rustfmt::skip]
pub(crate) fn op_ink(op: &Operator<'_>, ctx: &Context<'_, '_>) -> u64 {
    use Operator::*;
    match op {
        Unreachable | Return | Nop | I32Const { .. } | I64Const { .. } => 1,
        Drop => 9,
        Block { .. } | Loop { .. } | Else | End => 1,
        Br { .. } | BrIf { .. } | If { .. } => 765,
        Select => 1250,
        Call { .. } => 3800,
        LocalGet { .. } | LocalTee { .. } => 75,
        LocalSet { .. } => 210,
        GlobalGet { .. } => 225,
        GlobalSet { .. } => 575,
        I32Load { .. } | I32Load8S { .. } | I32Load8U { .. } | I32Load16S { .. }
        | I32Load16U { .. } => 670,
        I64Load { .. } | I64Load8S { .. } | I64Load8U { .. } | I64Load16S { .. }
        | I64Load16U { .. } | I64Load32S { .. } | I64Load32U { .. } => 680,
        I32Store { .. } | I32Store8 { .. } | I32Store16 { .. } => 825,
        I64Store { .. } | I64Store8 { .. } | I64Store16 { .. } | I64Store32 { .. } => 950,
        MemorySize { .. } => 3000,
        MemoryGrow { .. } => 8050, // the pages are paid by `pay_for_memory_grow`

        I32Eqz | I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS
        | I32GeU => 170,
        I64Eqz | I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS
        | I64GeU => 225,

        I32Clz | I32Ctz => 210,
        I32Add | I32Sub => 70,
        I32Mul => 160,
        I32DivS | I32DivU | I32RemS | I32RemU => 1120,
        I32And | I32Or | I32Xor | I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr => 70,

        I64Clz | I64Ctz => 210,
        I64Add | I64Sub => 100,
        I64Mul => 160,
        I64DivS | I64DivU | I64RemS | I64RemU => 1270,
        I64And | I64Or | I64Xor | I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => 100,

        I32Popcnt => 2650,
        I64Popcnt => 6000,

        I32WrapI64 | I64ExtendI32S | I64ExtendI32U => 100,
        I32Extend8S | I32Extend16S | I64Extend8S | I64Extend16S | I64Extend32S => 100,
        MemoryCopy { .. } | MemoryFill { .. } => 950, // plus 100 per byte, `dynamic`

        BrTable { targets } => 2400 + 325 * u64::from(targets.len()),
        CallIndirect { type_index, .. } => {
            let params = ctx.info.sig(*type_index).map_or(0, |ty| ty.params().len());
            13610 + 650 * params as u64
        }
        _ => u64::MAX,
    }
}

/// Before each basic block, checks and burns its ink: `if ink_left <u cost { ink_status = 1;
/// unreachable } ink_left -= cost`, with cost = Σ op ink + [`INK_HEADER_COST`] (saturating).
/// The check goes in front of the block's first operator; the block runs up to and including
/// the operator that ends it.
pub(crate) fn meter<'a>(
    items: Vec<Item<'a>>,
    ctx: &Context<'_, 'a>,
) -> Result<Vec<Item<'a>>, ActivationError> {
    let ink = ctx.globals.ink_left;
    let status = ctx.globals.ink_status;
    let mut out = Vec::with_capacity(items.len() * 2);
    let mut block = Vec::new();
    let mut cost = 0u64;
    for item in items {
        let end = match &item {
            Item::Op(op, _) => {
                cost = cost.saturating_add(op_ink(op, ctx));
                ends_basic_block(op)
            }
            Item::Ins(_) => false,
        };
        block.push(item);
        if end {
            // nitro encodes the cost as an i64 immediate; u64::MAX becomes -1.
            let total = cost.saturating_add(INK_HEADER_COST) as i64;
            let check = [Ins::GlobalGet(ink), Ins::I64Const(total)];
            let charge = [
                Ins::GlobalGet(ink),
                Ins::I64Const(total),
                Ins::I64Sub,
                Ins::GlobalSet(ink),
            ];
            let header = check.into_iter().chain(trap_if_below(status)).chain(charge);
            out.extend(header.map(Item::Ins));
            out.append(&mut block);
            cost = 0;
        }
    }
    // A validated body ends with `end`, which closes the last block.
    out.append(&mut block);
    Ok(out)
}

/// How both meters run out of ink: `if (a < b) { ink_status = 1; unreachable }` on the two
/// i64 operands on the stack, so the host reads one status whichever meter tripped.
fn trap_if_below(status: u32) -> [Ins; 6] {
    [
        Ins::I64LtU,
        Ins::If,
        Ins::I32Const(1),
        Ins::GlobalSet(status),
        Ins::Unreachable,
        Ins::End,
    ]
}

/// Before `memory.fill`/`memory.copy`, burns `size × 100` ink, `size` being the operand on
/// top of the stack, moved aside through the scratch global (`programs/dynamic.rs`). The
/// subtraction is checked for wrap-around, which is how running out shows.
///
/// `memory.init`, `data.drop`, `elem.drop` and the table operators are refused, as there.
pub(crate) fn dynamic<'a>(
    items: Vec<Item<'a>>,
    ctx: &Context<'_, 'a>,
    func: u32,
) -> Result<Vec<Item<'a>>, ActivationError> {
    let ink = ctx.globals.ink_left;
    let status = ctx.globals.ink_status;
    let scratch = ctx.globals.scratch;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if let Item::Op(op, _) = &item {
            match op {
                Operator::MemoryFill { .. } | Operator::MemoryCopy { .. } => {
                    // ink_before < ink_after only when the subtraction wrapped.
                    let charge = [
                        Ins::GlobalSet(scratch),
                        Ins::GlobalGet(ink),
                        Ins::GlobalGet(ink),
                        Ins::GlobalGet(scratch),
                        Ins::I64ExtendI32U,
                        Ins::I64Const(MEMORY_BYTE_INK as i64),
                        Ins::I64Mul,
                        Ins::I64Sub,
                        Ins::GlobalSet(ink),
                        Ins::GlobalGet(ink),
                    ];
                    let size_back = Ins::GlobalGet(scratch);
                    let ins = charge.into_iter().chain(trap_if_below(status));
                    out.extend(ins.chain([size_back]).map(Item::Ins));
                }
                Operator::MemoryInit { .. }
                | Operator::DataDrop { .. }
                | Operator::ElemDrop { .. }
                | Operator::TableInit { .. }
                | Operator::TableCopy { .. }
                | Operator::TableFill { .. }
                | Operator::TableGet { .. }
                | Operator::TableSet { .. }
                | Operator::TableGrow { .. }
                | Operator::TableSize { .. } => {
                    return Err(ActivationError::UnsupportedOpcode {
                        func,
                        op: format!("{op:?}"),
                    });
                }
                _ => {}
            }
        }
        out.push(item);
    }
    Ok(out)
}
