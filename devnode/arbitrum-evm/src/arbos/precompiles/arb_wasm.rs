//! ArbWasm (0x71): activation and the program queries (nitro `precompiles/ArbWasm.go`,
//! `arbos/programs/programs.go`).

use alloy_sol_types::{SolCall, SolEvent};
use revm::context::{Block, ContextTr, JournalTr};
use revm::interpreter::CallInputs;
use revm::primitives::{Address, Log, B256, U256};

use super::{decode, Reply, ARB_WASM, NETWORK_FEE_ACCOUNT, STORAGE_READ_GAS, STORAGE_WRITE_GAS};
use crate::abi::ArbWasm::*;
use crate::activation;
use crate::arbos::params::*;
use crate::arbos::programs::{self, hours_since_origin, Program};
use crate::evm::DevContext;
use crate::stylus::runtime::StylusRuntime;

fn now(ctx: &DevContext) -> u64 {
    ctx.block().timestamp().saturating_to::<u64>()
}

/// The active program behind a codehash, or the error nitro's getActiveProgram gives.
fn active(ctx: &mut DevContext, codehash: B256) -> Result<Program, Reply> {
    let gas = STORAGE_READ_GAS;
    let Some(p) = programs::load(ctx, codehash) else {
        return Err(Reply::revert(ProgramNotActivated {}, gas));
    };
    if p.version != STYLUS_VERSION {
        return Err(Reply::revert(
            ProgramNeedsUpgrade {
                version: p.version,
                stylusVersion: STYLUS_VERSION,
            },
            gas,
        ));
    }
    let t = now(ctx);
    if p.expired(t) {
        return Err(Reply::revert(
            ProgramExpired {
                ageInSeconds: p.age(t),
            },
            gas,
        ));
    }
    Ok(p)
}

fn codehash_of(ctx: &mut DevContext, program: Address) -> B256 {
    ctx.journal_mut()
        .code_hash(program)
        .map(|h| h.data)
        .unwrap_or_default()
}

fn by_address<T>(
    ctx: &mut DevContext,
    program: Address,
    f: impl FnOnce(&Program, u64) -> T,
) -> Result<T, Reply> {
    let hash = codehash_of(ctx, program);
    let p = active(ctx, hash)?;
    Ok(f(&p, now(ctx)))
}

pub fn call(
    ctx: &mut DevContext,
    runtime: &StylusRuntime,
    inputs: &CallInputs,
    input: &[u8],
) -> Reply {
    let Some(selector) = input.get(..4) else {
        return Reply::unknown_selector();
    };
    let r = STORAGE_READ_GAS;
    let reply = match <[u8; 4]>::try_from(selector).unwrap_or_default() {
        activateProgramCall::SELECTOR => {
            return match decode::<activateProgramCall>(input) {
                Ok(c) => activate(ctx, runtime, inputs, c.program),
                Err(r) => r,
            };
        }
        codehashKeepaliveCall::SELECTOR => match decode::<codehashKeepaliveCall>(input) {
            Ok(c) => keepalive(ctx, inputs, c.codehash),
            Err(r) => Err(r),
        },
        stylusVersionCall::SELECTOR => Ok(Reply::ok(STYLUS_VERSION, r)),
        inkPriceCall::SELECTOR => Ok(Reply::ok(INK_PRICE, r)),
        maxStackDepthCall::SELECTOR => Ok(Reply::ok(MAX_STACK_DEPTH, r)),
        freePagesCall::SELECTOR => Ok(Reply::ok(FREE_PAGES, r)),
        pageGasCall::SELECTOR => Ok(Reply::ok(PAGE_GAS, r)),
        pageRampCall::SELECTOR => Ok(Reply::ok(PAGE_RAMP, r)),
        pageLimitCall::SELECTOR => Ok(Reply::ok(PAGE_LIMIT, r)),
        minInitGasCall::SELECTOR => Ok(Reply::ok(
            (MIN_INIT_GAS as u64 * 128, MIN_CACHED_INIT_GAS as u64 * 32),
            r,
        )),
        initCostScalarCall::SELECTOR => Ok(Reply::ok(INIT_COST_SCALAR as u64 * 2, r)),
        expiryDaysCall::SELECTOR => Ok(Reply::ok(EXPIRY_DAYS, r)),
        keepaliveDaysCall::SELECTOR => Ok(Reply::ok(KEEPALIVE_DAYS, r)),
        blockCacheSizeCall::SELECTOR => Ok(Reply::ok(BLOCK_CACHE_SIZE, r)),
        codehashVersionCall::SELECTOR => decode::<codehashVersionCall>(input)
            .and_then(|c| active(ctx, c.codehash))
            .map(|p| Reply::ok(p.version, 2 * r)),
        codehashAsmSizeCall::SELECTOR => decode::<codehashAsmSizeCall>(input)
            .and_then(|c| active(ctx, c.codehash))
            .map(|p| Reply::ok(p.asm_estimate_kb.saturating_mul(1024), 2 * r)),
        programVersionCall::SELECTOR => decode::<programVersionCall>(input)
            .and_then(|c| by_address(ctx, c.program, |p, _| p.version))
            .map(|v| Reply::ok(v, 2 * r)),
        programInitGasCall::SELECTOR => decode::<programInitGasCall>(input)
            .and_then(|c| by_address(ctx, c.program, |p, _| p.reported_init_gas()))
            .map(|v| Reply::ok(v, 2 * r)),
        programMemoryFootprintCall::SELECTOR => decode::<programMemoryFootprintCall>(input)
            .and_then(|c| by_address(ctx, c.program, |p, _| p.footprint))
            .map(|v| Reply::ok(v, 2 * r)),
        programTimeLeftCall::SELECTOR => decode::<programTimeLeftCall>(input)
            .and_then(|c| {
                by_address(ctx, c.program, |p, t| {
                    (EXPIRY_DAYS as u64 * 86_400).saturating_sub(p.age(t))
                })
            })
            .map(|v| Reply::ok(v, 2 * r)),
        _ => Ok(Reply::unknown_selector()),
    };
    reply.unwrap_or_else(|e| e)
}

/// Moves the fee to the network and the excess back to the caller: the call's value was
/// already transferred to this precompile by the call frame.
fn settle_value(ctx: &mut DevContext, caller: Address, value: U256, fee: U256) {
    let j = ctx.journal_mut();
    if !fee.is_zero() {
        let _ = j.transfer(ARB_WASM, NETWORK_FEE_ACCOUNT, fee);
    }
    if value > fee {
        let _ = j.transfer(ARB_WASM, caller, value - fee);
    }
}

fn activate(
    ctx: &mut DevContext,
    runtime: &StylusRuntime,
    inputs: &CallInputs,
    program: Address,
) -> Reply {
    let mut gas = ACTIVATION_FIXED_GAS;
    let all = inputs.gas_limit.max(gas);
    if inputs.gas_limit < gas {
        return Reply {
            status: revm::interpreter::InstructionResult::OutOfGas,
            output: Default::default(),
            gas_used: all,
        };
    }
    let code = ctx
        .journal_mut()
        .code(program)
        .map(|c| c.data)
        .unwrap_or_default();
    if !activation::is_stylus_program(&code) {
        return Reply::revert(ProgramNotWasm {}, gas);
    }
    let codehash = codehash_of(ctx, program);
    let t = now(ctx);
    let previous = programs::load(ctx, codehash);
    if let Some(p) = previous {
        if p.version == STYLUS_VERSION && !p.expired(t) {
            return Reply::revert(ProgramUpToDate {}, gas + STORAGE_READ_GAS);
        }
    }
    // nitro burns all remaining gas when parsing or validation fails.
    let activated = match activation::decompress(&code, MAX_WASM_SIZE)
        .and_then(|wasm| activation::activate(&wasm, PAGE_LIMIT))
    {
        Ok(a) => a,
        Err(e) => return Reply::reason(&format!("activation failed: {e}"), all),
    };
    gas = gas.saturating_add(activated.activation_gas);
    if gas > inputs.gas_limit {
        return Reply {
            status: revm::interpreter::InstructionResult::OutOfGas,
            output: Default::default(),
            gas_used: all,
        };
    }
    let mut pricer = programs::load_pricer(ctx);
    let fee = U256::from(pricer.update(activated.asm_estimate, t));
    programs::store_pricer(ctx, &pricer);
    let value = inputs.value.get();
    if value < fee {
        return Reply::revert(
            ProgramInsufficientValue {
                have: value,
                want: fee,
            },
            gas,
        );
    }
    if let Err(e) = runtime.compile(codehash, &activated.module) {
        return Reply::reason(&format!("activation failed: {e}"), all);
    }
    let record = Program {
        version: STYLUS_VERSION,
        init_cost: activated.init_cost,
        cached_cost: activated.cached_init_cost,
        footprint: activated.footprint,
        activated_at: hours_since_origin(t),
        asm_estimate_kb: activated.asm_estimate.div_ceil(1024),
        // nitro keeps a cached codehash cached across re-activation (`ActivateProgram`).
        cached: previous.is_some_and(|p| p.cached),
    };
    programs::store(ctx, codehash, &record, activated.module_hash.into());
    gas = gas.saturating_add(2 * STORAGE_WRITE_GAS);
    settle_value(ctx, inputs.caller, value, fee);
    let event = ProgramActivated {
        codehash,
        moduleHash: activated.module_hash.into(),
        program,
        dataFee: fee,
        version: STYLUS_VERSION,
    };
    ctx.journal_mut().log(Log {
        address: ARB_WASM,
        data: event.encode_log_data(),
    });
    Reply::ok((STYLUS_VERSION, fee), gas)
}

fn keepalive(ctx: &mut DevContext, inputs: &CallInputs, codehash: B256) -> Result<Reply, Reply> {
    let mut p = active(ctx, codehash)?;
    let t = now(ctx);
    let age = p.age(t);
    if age < KEEPALIVE_DAYS as u64 * 86_400 {
        return Err(Reply::revert(
            ProgramKeepaliveTooSoon { ageInSeconds: age },
            STORAGE_READ_GAS,
        ));
    }
    let mut pricer = programs::load_pricer(ctx);
    let bytes = p.asm_estimate_kb.saturating_mul(1024);
    let fee = U256::from(pricer.update(bytes, t));
    programs::store_pricer(ctx, &pricer);
    let value = inputs.value.get();
    if value < fee {
        return Err(Reply::revert(
            ProgramInsufficientValue {
                have: value,
                want: fee,
            },
            STORAGE_READ_GAS,
        ));
    }
    p.activated_at = hours_since_origin(t);
    programs::store_record(ctx, codehash, &p);
    settle_value(ctx, inputs.caller, value, fee);
    let event = ProgramLifetimeExtended {
        codehash,
        dataFee: fee,
    };
    ctx.journal_mut().log(Log {
        address: ARB_WASM,
        data: event.encode_log_data(),
    });
    Ok(Reply::raw(Vec::new(), STORAGE_READ_GAS + STORAGE_WRITE_GAS))
}
