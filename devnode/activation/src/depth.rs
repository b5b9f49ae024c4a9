//! The depth checker (`programs/depth.rs`): a deterministic stack limit, independent of the
//! engine's real stack.
//!
//! Each function's frame is its worst-case operand stack height + its declared locals (not
//! its parameters) + 4 words. On entry the function checks `stack_left >u frame`, else sets
//! `stack_left = 0` and traps (the host reads that as out-of-stack); then it subtracts the
//! frame, and gives it back before every `return`, including one added before the final `end`.
//!
//! The height is nitro's estimate, not the wasm validator's: it runs over the code as the meters
//! left it (so their checks count), treats `br`/`return` as leaving the stack alone, reserves a
//! block's result slot at its start, resets the height to the block's start at `else`/`end`,
//! and for calls pushes the results before popping the arguments. Matching that estimate is
//! what makes out-of-stack happen at the same call depth as on nitro.

use wasmparser::{BlockType, Operator};

use super::{
    instrument::{Context, Ins, Item},
    ActivationError,
};

/// The largest frame a function may have, in words (`programs/config.rs`).
pub const MAX_FRAME_SIZE: u32 = 10 * 1024;
/// The most values a function may keep on its operand stack at once (`programs/config.rs`).
pub const MAX_FRAME_CONTENTION: u32 = 4096;

/// Stack effect of one instruction in nitro's model.
enum Effect {
    /// Pushes `push` values, then pops `pop` (saturating).
    Net {
        push: u32,
        pop: u32,
    },
    /// `block` / `loop` / `if` (after popping `pop` for the condition).
    Open {
        blockty: BlockType,
        pop: u32,
    },
    Else,
    End,
}

const fn net(push: u32, pop: u32) -> Effect {
    Effect::Net { push, pop }
}

fn unsupported(func: u32, op: &Operator<'_>) -> ActivationError {
    ActivationError::UnsupportedOpcode {
        func,
        op: format!("{op:?}"),
    }
}

#[rustfmt::skip]
fn op_effect(
    op: &Operator<'_>,
    ctx: &Context<'_, '_>,
    func: u32,
) -> Result<Effect, ActivationError> {
    use Operator::*;
    let arity = |ty: Option<&wasmparser::FuncType>| {
        ty.map(|ty| (ty.results().len() as u32, ty.params().len() as u32))
            .ok_or_else(|| unsupported(func, op))
    };
    Ok(match op {
        Block { blockty } | Loop { blockty } => Effect::Open { blockty: *blockty, pop: 0 },
        If { blockty } => Effect::Open { blockty: *blockty, pop: 1 },
        Else => Effect::Else,
        End => Effect::End,

        Call { function_index } => {
            let (push, pop) = arity(ctx.info.func_type(*function_index))?;
            net(push, pop)
        }
        CallIndirect { type_index, .. } => {
            let (push, pop) = arity(ctx.info.sig(*type_index))?;
            net(push, pop + 1)
        }
        MemoryFill { .. } | MemoryCopy { .. } => net(0, 3),

        Nop | Unreachable | I32Eqz | I64Eqz | I32Clz | I32Ctz | I32Popcnt | I64Clz | I64Ctz
        | I64Popcnt | Br { .. } | Return | LocalTee { .. } | MemoryGrow { .. }
        | I32Load { .. } | I64Load { .. } | F32Load { .. } | F64Load { .. }
        | I32Load8S { .. } | I32Load8U { .. } | I32Load16S { .. } | I32Load16U { .. }
        | I64Load8S { .. } | I64Load8U { .. } | I64Load16S { .. } | I64Load16U { .. }
        | I64Load32S { .. } | I64Load32U { .. } | I32WrapI64 | I64ExtendI32S | I64ExtendI32U
        | I32Extend8S | I32Extend16S | I64Extend8S | I64Extend16S | I64Extend32S | F32Abs
        | F32Neg | F32Ceil | F32Floor | F32Trunc | F32Nearest | F32Sqrt | F64Abs | F64Neg
        | F64Ceil | F64Floor | F64Trunc | F64Nearest | F64Sqrt | I32TruncF32S | I32TruncF32U
        | I32TruncF64S | I32TruncF64U | I64TruncF32S | I64TruncF32U | I64TruncF64S
        | I64TruncF64U | F32ConvertI32S | F32ConvertI32U | F32ConvertI64S | F32ConvertI64U
        | F32DemoteF64 | F64ConvertI32S | F64ConvertI32U | F64ConvertI64S | F64ConvertI64U
        | F64PromoteF32 | I32ReinterpretF32 | I64ReinterpretF64 | F32ReinterpretI32
        | F64ReinterpretI64 | I32TruncSatF32S | I32TruncSatF32U | I32TruncSatF64S
        | I32TruncSatF64U | I64TruncSatF32S | I64TruncSatF32U | I64TruncSatF64S
        | I64TruncSatF64U => net(0, 0),

        LocalGet { .. } | GlobalGet { .. } | MemorySize { .. } | I32Const { .. }
        | I64Const { .. } | F32Const { .. } | F64Const { .. } => net(1, 0),

        Drop | I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS
        | I32GeU | I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU
        | I64GeS | I64GeU | F32Eq | F32Ne | F32Lt | F32Gt | F32Le | F32Ge | F64Eq | F64Ne
        | F64Lt | F64Gt | F64Le | F64Ge | I32Add | I32Sub | I32Mul | I32DivS | I32DivU
        | I32RemS | I32RemU | I64Add | I64Sub | I64Mul | I64DivS | I64DivU | I64RemS
        | I64RemU | I32And | I32Or | I32Xor | I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr
        | I64And | I64Or | I64Xor | I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr | F32Add
        | F32Sub | F32Mul | F32Div | F32Min | F32Max | F32Copysign | F64Add | F64Sub
        | F64Mul | F64Div | F64Min | F64Max | F64Copysign | BrIf { .. } | BrTable { .. }
        | LocalSet { .. } | GlobalSet { .. } => net(0, 1),

        Select | I32Store { .. } | I64Store { .. } | F32Store { .. } | F64Store { .. }
        | I32Store8 { .. } | I32Store16 { .. } | I64Store8 { .. } | I64Store16 { .. }
        | I64Store32 { .. } => net(0, 2),

        _ => return Err(unsupported(func, op)),
    })
}

fn ins_effect(ins: Ins, ctx: &Context<'_, '_>) -> Effect {
    match ins {
        Ins::GlobalGet(_) | Ins::I32Const(_) | Ins::I64Const(_) => net(1, 0),
        Ins::GlobalSet(_)
        | Ins::I32Add
        | Ins::I32Sub
        | Ins::I32LeU
        | Ins::I64Sub
        | Ins::I64Mul
        | Ins::I64LtU => net(0, 1),
        Ins::I64ExtendI32U | Ins::Unreachable | Ins::Return => net(0, 0),
        Ins::If => Effect::Open {
            blockty: BlockType::Empty,
            pop: 1,
        },
        Ins::End => Effect::End,
        Ins::Call(func) => {
            let (push, pop) = ctx.info.func_type(func).map_or((0, 0), |ty| {
                (ty.results().len() as u32, ty.params().len() as u32)
            });
            net(push, pop)
        }
    }
}

/// nitro's worst-case operand stack height of a function body.
pub(crate) fn worst_case_height(
    items: &[Item<'_>],
    ctx: &Context<'_, '_>,
    func: u32,
) -> Result<u32, ActivationError> {
    let mut worst = 0u32;
    let mut stack = 0u32;
    let mut scopes = vec![0u32];
    let malformed = || ActivationError::Malformed(format!("function {func}: unbalanced blocks"));

    for item in items {
        let effect = match item {
            Item::Op(op, _) => op_effect(op, ctx, func)?,
            Item::Ins(ins) => ins_effect(*ins, ctx),
        };
        let mut push = |count: u32, stack: &mut u32| {
            *stack = stack.saturating_add(count);
            worst = worst.max(*stack);
        };
        match effect {
            Effect::Net { push: p, pop } => {
                push(p, &mut stack);
                stack = stack.saturating_sub(pop);
            }
            Effect::Open { blockty, pop } => {
                stack = stack.saturating_sub(pop);
                match blockty {
                    BlockType::Empty => {}
                    BlockType::Type(_) => push(1, &mut stack),
                    BlockType::FuncType(index) => {
                        let ty = ctx.info.sig(index).ok_or_else(malformed)?;
                        push(ty.results().len() as u32, &mut stack);
                        stack = stack.saturating_sub(ty.params().len() as u32);
                    }
                }
                scopes.push(stack);
            }
            Effect::Else => stack = *scopes.last().ok_or_else(malformed)?,
            Effect::End => stack = scopes.pop().ok_or_else(malformed)?,
        }
    }
    Ok(worst)
}

/// Computes the frame of function `func` and wraps its body with the stack accounting.
pub(crate) fn check_depth<'a>(
    mut items: Vec<Item<'a>>,
    ctx: &Context<'_, 'a>,
    func: u32,
    declared_locals: u32,
) -> Result<Vec<Item<'a>>, ActivationError> {
    let height = worst_case_height(&items, ctx, func)?;
    if height > MAX_FRAME_CONTENTION {
        return Err(ActivationError::StackContention { func, height });
    }
    let size = height.saturating_add(declared_locals).saturating_add(4);
    if size > MAX_FRAME_SIZE {
        return Err(ActivationError::FrameTooLarge { func, size });
    }

    let global = ctx.globals.stack_left;
    // `size` ≤ 10240, so it fits an i32 immediate.
    let words = size as i32;
    let mut out = Vec::with_capacity(items.len() + 24);
    out.extend(
        [
            Ins::GlobalGet(global),
            Ins::I32Const(words),
            Ins::I32LeU,
            Ins::If,
            Ins::I32Const(0),
            Ins::GlobalSet(global),
            Ins::Unreachable,
            Ins::End,
            Ins::GlobalGet(global),
            Ins::I32Const(words),
            Ins::I32Sub,
            Ins::GlobalSet(global),
        ]
        .map(Item::Ins),
    );

    // nitro adds a `return` before the closing `end`, so every exit gives the frame back.
    let last = items
        .pop()
        .ok_or_else(|| ActivationError::Malformed(format!("function {func}: empty body")))?;
    items.push(Item::Ins(Ins::Return));
    items.push(last);

    for item in items {
        let exit = matches!(item, Item::Op(Operator::Return, _) | Item::Ins(Ins::Return));
        if exit {
            out.extend(
                [
                    Ins::GlobalGet(global),
                    Ins::I32Const(words),
                    Ins::I32Add,
                    Ins::GlobalSet(global),
                ]
                .map(Item::Ins),
            );
        }
        out.push(item);
    }
    Ok(out)
}
