//! ArbWasm (0x71): activation and the program queries (nitro `precompiles/ArbWasm.go`,
//! `arbos/programs/programs.go`). Each method charges what nitro's charges: the Stylus
//! parameters opened (100), each program record read (800) or written, codehashes read
//! through ArbOS (2,600), the data pricer's words and the events.

use alloy_sol_types::{SolCall, SolEvent};
use revm::context::{Block, ContextTr, JournalTr};
use revm::primitives::{Address, Log, LogData, B256, U256};

use super::{ok, Call, Failure, Method, Outcome, ARB_WASM, NETWORK_FEE_ACCOUNT};
use crate::abi::ArbWasm::*;
use crate::activation::{self, ActivationError};
use crate::arbos::data_pricer::UPDATE_READS;
use crate::arbos::params::*;
use crate::arbos::programs::{self, hours_since_origin, Program};
use crate::evm::DevContext;

pub(super) fn method(selector: [u8; 4]) -> Option<Method> {
    Some(match selector {
        activateProgramCall::SELECTOR => Method::payable(activate),
        codehashKeepaliveCall::SELECTOR => Method::payable(keepalive),
        _ => Method::view(query(selector)?),
    })
}

/// The read methods: a parameter, or a field of an active program's record.
fn query(selector: [u8; 4]) -> Option<fn(&mut Call<'_>) -> Outcome> {
    Some(match selector {
        stylusVersionCall::SELECTOR => |c| param(c, STYLUS_VERSION),
        inkPriceCall::SELECTOR => |c| param(c, INK_PRICE),
        maxStackDepthCall::SELECTOR => |c| param(c, MAX_STACK_DEPTH),
        freePagesCall::SELECTOR => |c| param(c, FREE_PAGES),
        pageGasCall::SELECTOR => |c| param(c, PAGE_GAS),
        pageRampCall::SELECTOR => |c| param(c, PAGE_RAMP),
        pageLimitCall::SELECTOR => |c| param(c, PAGE_LIMIT),
        minInitGasCall::SELECTOR => |c| {
            let init = MIN_INIT_GAS as u64 * 128;
            param(c, (init, MIN_CACHED_INIT_GAS as u64 * 32))
        },
        initCostScalarCall::SELECTOR => |c| param(c, INIT_COST_SCALAR as u64 * 2),
        expiryDaysCall::SELECTOR => |c| param(c, EXPIRY_DAYS),
        keepaliveDaysCall::SELECTOR => |c| param(c, KEEPALIVE_DAYS),
        blockCacheSizeCall::SELECTOR => |c| param(c, BLOCK_CACHE_SIZE),
        codehashVersionCall::SELECTOR => |c| {
            let codehash = c.args::<codehashVersionCall>()?.codehash;
            ok(active(c, codehash)?.version)
        },
        codehashAsmSizeCall::SELECTOR => |c| {
            let codehash = c.args::<codehashAsmSizeCall>()?.codehash;
            ok(active(c, codehash)?.asm_estimate_kb.saturating_mul(1024))
        },
        programVersionCall::SELECTOR => |c| {
            let program = c.args::<programVersionCall>()?.program;
            ok(by_address(c, program)?.version)
        },
        programInitGasCall::SELECTOR => |c| {
            let program = c.args::<programInitGasCall>()?.program;
            ok(by_address(c, program)?.reported_init_gas())
        },
        programMemoryFootprintCall::SELECTOR => |c| {
            let program = c.args::<programMemoryFootprintCall>()?.program;
            ok(by_address(c, program)?.footprint)
        },
        programTimeLeftCall::SELECTOR => |c| {
            let program = c.args::<programTimeLeftCall>()?.program;
            let p = by_address(c, program)?;
            ok((EXPIRY_DAYS as u64 * 86_400).saturating_sub(p.age(now(c.ctx))))
        },
        _ => return None,
    })
}

fn now(ctx: &DevContext) -> u64 {
    ctx.block().timestamp().saturating_to::<u64>()
}

/// A Stylus parameter: nitro opens the parameters' word to read any of them.
fn param(c: &mut Call<'_>, value: impl alloy_sol_types::SolValue) -> Outcome {
    c.meter.params()?;
    ok(value)
}

/// The active program behind a codehash, or the error nitro's `getActiveProgram` gives;
/// opens the parameters and reads the record.
fn active(c: &mut Call<'_>, codehash: B256) -> Result<Program, Failure> {
    c.meter.params()?;
    c.meter.read()?;
    let Some(p) = programs::load(c.ctx, codehash) else {
        return Err(Failure::error(ProgramNotActivated {}));
    };
    if p.version != STYLUS_VERSION {
        return Err(Failure::error(ProgramNeedsUpgrade {
            version: p.version,
            stylusVersion: STYLUS_VERSION,
        }));
    }
    let t = now(c.ctx);
    if p.expired(t) {
        return Err(Failure::error(ProgramExpired {
            ageInSeconds: p.age(t),
        }));
    }
    Ok(p)
}

fn codehash_of(ctx: &mut DevContext, program: Address) -> B256 {
    ctx.journal_mut()
        .code_hash(program)
        .map(|h| h.data)
        .unwrap_or_default()
}

/// The active program at an address: its codehash read through ArbOS, then its record.
fn by_address(c: &mut Call<'_>, program: Address) -> Result<Program, Failure> {
    c.meter.code_hash()?;
    let codehash = codehash_of(c.ctx, program);
    active(c, codehash)
}

/// nitro's `ActivateProgram` (`ArbWasm.go`, `programs.go`) step by step: the fixed cost,
/// the parameters, the existing record, the code, validation and instrumentation (their
/// own gas), the module hash, the data pricer and the record written, the fee paid to the
/// network fee account (read), the `ProgramActivated` event.
fn activate(c: &mut Call<'_>) -> Outcome {
    let program = c.args::<activateProgramCall>()?.program;
    c.meter.burn(ACTIVATION_FIXED_GAS)?;
    c.meter.params()?;
    let codehash = codehash_of(c.ctx, program);
    let t = now(c.ctx);
    c.meter.read()?;
    let existing = programs::load(c.ctx, codehash);
    if existing.is_some_and(|p| p.version == STYLUS_VERSION && !p.expired(t)) {
        return Err(Failure::error(ProgramUpToDate {}));
    }
    let wasm = program_wasm(c.ctx, program)?;
    let activated = activation::activate(&wasm, PAGE_LIMIT)
        .map_err(|e| Failure::Activation(format!("activation failed: {e}")))?;
    c.meter
        .burn(activated.activation_gas)
        .map_err(|_| Failure::Halt)?;
    let cached = existing.is_some_and(|p| p.cached);
    if cached {
        // the old module hash, to evict the old compiled code
        c.meter.read()?;
    }
    let module_hash = B256::from(activated.module_hash);
    c.meter.write(U256::from_be_bytes(module_hash.0))?;
    let fee = update_pricer(c, activated.asm_estimate, t)?;
    let record = Program {
        version: STYLUS_VERSION,
        init_cost: activated.init_cost,
        cached_cost: activated.cached_init_cost,
        footprint: activated.footprint,
        activated_at: hours_since_origin(t),
        asm_estimate_kb: activated.asm_estimate.div_ceil(1024),
        cached,
    };
    c.meter.write(record.pack())?;
    pay_data_fee(c, fee)?;
    if let Err(e) = c.runtime.compile(codehash, &activated.module) {
        return Err(Failure::Activation(format!("activation failed: {e}")));
    }
    programs::store(c.ctx, codehash, &record, module_hash);
    let event = ProgramActivated {
        codehash,
        moduleHash: module_hash,
        program,
        dataFee: fee,
        version: STYLUS_VERSION,
    };
    emit(c, event.encode_log_data())?;
    ok((STYLUS_VERSION, fee))
}

/// The program's wasm, or nitro's refusal at ArbOS 50 (`programs.go` `getWasm`): no code
/// is `ProgramNotWasm`; code without the Stylus prefix, or that does not decompress
/// within the size limit, reverts without data and keeps the unused gas.
fn program_wasm(ctx: &mut DevContext, program: Address) -> Result<Vec<u8>, Failure> {
    let code = ctx
        .journal_mut()
        .code(program)
        .map(|c| c.data)
        .unwrap_or_default();
    if code.is_empty() {
        return Err(Failure::error(ProgramNotWasm {}));
    }
    activation::decompress(&code, MAX_WASM_SIZE).map_err(|e| match e {
        // nitro's built-in dictionary is not shipped here: say so rather than revert blank.
        ActivationError::UnsupportedDictionary(_) => {
            Failure::Activation(format!("activation failed: {e}"))
        }
        _ => Failure::Revert,
    })
}

/// nitro's `UpdateModel` with its storage costs: five words read, demand and the update
/// time written. Returns the data fee in wei.
fn update_pricer(c: &mut Call<'_>, bytes: u32, now: u64) -> Result<U256, Failure> {
    c.meter.reads(UPDATE_READS)?;
    let mut pricer = programs::load_pricer(c.ctx);
    let fee = pricer.update(bytes, now);
    for word in pricer.written_words() {
        c.meter.write(word)?;
    }
    programs::store_pricer(c.ctx, &pricer);
    Ok(U256::from(fee))
}

/// nitro's `payActivationDataFee`: refuses too little value, reads the network fee
/// account, sends it the fee and the caller the rest. The call's value was already
/// transferred to this precompile by the call frame.
fn pay_data_fee(c: &mut Call<'_>, fee: U256) -> Result<(), Failure> {
    let value = c.inputs.value.get();
    if value < fee {
        return Err(Failure::error(ProgramInsufficientValue {
            have: value,
            want: fee,
        }));
    }
    c.meter.read()?;
    let j = c.ctx.journal_mut();
    if !fee.is_zero() {
        let _ = j.transfer(ARB_WASM, NETWORK_FEE_ACCOUNT, fee);
    }
    if value > fee {
        let _ = j.transfer(ARB_WASM, c.inputs.caller, value - fee);
    }
    Ok(())
}

/// Emits one of ArbWasm's events, paying for its topics and data first.
fn emit(c: &mut Call<'_>, data: LogData) -> Result<(), Failure> {
    c.meter.log(&data)?;
    c.ctx.journal_mut().log(Log {
        address: ARB_WASM,
        data,
    });
    Ok(())
}

/// nitro's `CodehashKeepalive`: the active record, the age check, the data pricer, the
/// record rewritten, the fee paid, `ProgramLifetimeExtended`.
fn keepalive(c: &mut Call<'_>) -> Outcome {
    let codehash = c.args::<codehashKeepaliveCall>()?.codehash;
    let mut p = active(c, codehash)?;
    let t = now(c.ctx);
    let age = p.age(t);
    if age < KEEPALIVE_DAYS as u64 * 86_400 {
        return Err(Failure::error(ProgramKeepaliveTooSoon {
            ageInSeconds: age,
        }));
    }
    let fee = update_pricer(c, p.asm_estimate_kb.saturating_mul(1024), t)?;
    p.activated_at = hours_since_origin(t);
    c.meter.write(p.pack())?;
    programs::store_record(c.ctx, codehash, &p);
    pay_data_fee(c, fee)?;
    let event = ProgramLifetimeExtended {
        codehash,
        dataFee: fee,
    };
    emit(c, event.encode_log_data())?;
    Ok(Vec::new())
}
