//! Arbitrum's precompiles, beside Ethereum's. Each method is a Rust function of one
//! [`Call`] that charges its gas step by step through the call's [`Burner`], as nitro's
//! precompile framework does; `serve` applies the rules common to every method. revm's
//! precompile dispatch gives them a checkpoint, so a revert undoes their state changes
//! and events. Their accounts hold the code `0xFE` as on Arbitrum, so tools that check
//! for code find some.
//!
//! A new method: `Method::view`/`write`/`payable` (its Solidity purity) of a function
//! that decodes with `c.args::<…Call>()?`, charges `c.meter.read()?`, `write(value)?`,
//! `code_hash()?`, `params()?`, `log(&data)?` for what nitro reads, writes and emits,
//! and returns `ok(value)` or `Err(Failure::…)`; arguments, results and the ArbOS
//! version read are charged by `serve`.

mod arb_debug;
mod arb_gas_info;
mod arb_owner;
mod arb_owner_public;
mod arb_sys;
mod arb_wasm;
mod arb_wasm_cache;
pub mod meter;

use std::sync::Arc;

use alloy_sol_types::{SolCall, SolError, SolValue};

pub use meter::{Burner, OutOfGas, COPY_GAS, STORAGE_READ_GAS, STORAGE_WRITE_GAS};
use revm::context::Cfg;
use revm::context::ContextTr;
use revm::handler::{EthPrecompiles, PrecompileProvider};
use revm::interpreter::{CallInputs, Gas, InstructionResult, InterpreterResult};
use revm::primitives::{address, hardfork::SpecId, Address, AddressSet, Bytes};

use crate::evm::DevContext;
use crate::stylus::runtime::StylusRuntime;

pub const ARB_SYS: Address = address!("0000000000000000000000000000000000000064");
pub const ARB_OWNER: Address = address!("0000000000000000000000000000000000000070");
pub const ARB_OWNER_PUBLIC: Address = address!("000000000000000000000000000000000000006b");
pub const ARB_GAS_INFO: Address = address!("000000000000000000000000000000000000006c");
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");
pub const ARB_DEBUG: Address = address!("00000000000000000000000000000000000000ff");
/// Where activation data fees go (nitro's network fee account; here ArbOS's own address).
pub const NETWORK_FEE_ACCOUNT: Address = address!("00000000000000000000000000000000000a4b05");

/// Every Arbitrum precompile this node serves.
pub const ARBITRUM_PRECOMPILES: [Address; 7] = [
    ARB_SYS,
    ARB_OWNER,
    ARB_OWNER_PUBLIC,
    ARB_GAS_INFO,
    ARB_WASM,
    ARB_WASM_CACHE,
    ARB_DEBUG,
];

/// How a method may be called, as nitro's precompile framework classifies it from the
/// method's Solidity declaration (`abi/arbitrum/*.sol`; nitro `precompile.go` purity).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Purity {
    /// Reads state; refuses value.
    View,
    /// Writes state; refuses value and static calls.
    Write,
    /// Writes state and accepts value; refuses static calls.
    Payable,
}

/// How a method fails, in the terms of nitro's `precompile.go` `Call`.
#[derive(Debug)]
pub enum Failure {
    /// A Solidity error: reverts with its encoding (copied out at [`COPY_GAS`] a word) and
    /// the gas not used returns to the caller.
    Error(Vec<u8>),
    /// Any other error: reverts without data; the gas not used returns (ArbOS ≥ 11).
    Revert,
    /// Out of gas, or a call nitro refuses outright: reverts without data and uses all gas.
    BurnOut,
    /// Activation failed (nitro's `ErrProgramActivation`): uses all gas. nitro halts
    /// without data; the devnode reverts with the reason, which tells a developer why.
    Activation(String),
    /// Halts using all gas: out of gas while opening the ArbOS state, or while compiling.
    Halt,
}

impl From<OutOfGas> for Failure {
    fn from(_: OutOfGas) -> Self {
        Failure::BurnOut
    }
}

impl Failure {
    /// A method's Solidity error.
    pub fn error(e: impl SolError) -> Self {
        Failure::Error(e.abi_encode())
    }
}

/// What a method returns: its ABI-encoded results, or how it failed.
pub type Outcome = Result<Vec<u8>, Failure>;

/// Encodes a method's results.
pub fn ok(output: impl SolValue) -> Outcome {
    Ok(output.abi_encode())
}

/// One call to a precompile method: the chain, the call and its meter.
pub struct Call<'a> {
    pub ctx: &'a mut DevContext,
    pub meter: &'a mut Burner,
    pub inputs: &'a CallInputs,
    pub input: &'a [u8],
    pub runtime: &'a StylusRuntime,
}

impl Call<'_> {
    /// Decodes the arguments for method `C`; malformed ones use all gas, as in nitro.
    pub fn args<C: SolCall>(&self) -> Result<C, Failure> {
        C::abi_decode(self.input).map_err(|_| Failure::BurnOut)
    }
}

/// A method: its purity and its body.
#[derive(Clone, Copy)]
pub struct Method {
    pub purity: Purity,
    pub run: fn(&mut Call<'_>) -> Outcome,
}

impl Method {
    pub const fn view(run: fn(&mut Call<'_>) -> Outcome) -> Self {
        Self {
            purity: Purity::View,
            run,
        }
    }

    pub const fn write(run: fn(&mut Call<'_>) -> Outcome) -> Self {
        Self {
            purity: Purity::Write,
            run,
        }
    }

    pub const fn payable(run: fn(&mut Call<'_>) -> Outcome) -> Self {
        Self {
            purity: Purity::Payable,
            run,
        }
    }
}

/// The method of `target` behind `selector`, if it has one.
fn method(target: Address, selector: [u8; 4]) -> Option<Method> {
    match target {
        ARB_WASM => arb_wasm::method(selector),
        ARB_SYS => arb_sys::method(selector),
        ARB_GAS_INFO => arb_gas_info::method(selector),
        ARB_OWNER_PUBLIC => arb_owner_public::method(selector),
        ARB_WASM_CACHE => arb_wasm_cache::method(selector),
        ARB_OWNER => arb_owner::method(selector),
        ARB_DEBUG => arb_debug::method(selector),
        _ => None,
    }
}

/// How a call ended, before it becomes an `InterpreterResult`.
enum End {
    Return(Vec<u8>),
    Revert(Vec<u8>),
    Halt,
}

/// One precompile call; ArbOwner's go through nitro's `OwnerPrecompile` wrapper first.
fn serve(call: &mut Call<'_>) -> End {
    if call.inputs.bytecode_address == ARB_OWNER {
        return arb_owner::owner_only(call, serve_method);
    }
    serve_method(call)
}

/// nitro's `Precompile.Call` in order: the method must exist, be called as itself (not
/// by DELEGATECALL/CALLCODE), not write in a static call and not receive value unless
/// payable, all else uses all gas; then the ArbOS version is read (opening the state),
/// the arguments are paid for at 3 gas a word, the method runs, and its results or its
/// Solidity error are paid for at 3 gas a word.
fn serve_method(call: &mut Call<'_>) -> End {
    let inputs = call.inputs;
    let found = call
        .input
        .get(..4)
        .and_then(|s| <[u8; 4]>::try_from(s).ok())
        .and_then(|s| method(inputs.bytecode_address, s));
    let Some(m) = found else {
        return burn_out(call.meter);
    };
    let acting_as_itself = inputs.target_address == inputs.bytecode_address;
    let refused = !acting_as_itself
        || (m.purity >= Purity::Write && inputs.is_static)
        || (m.purity < Purity::Payable && !inputs.value.get().is_zero());
    if refused {
        return burn_out(call.meter);
    }
    if call.meter.read().is_err() {
        return End::Halt;
    }
    if call.meter.copy(call.input.len() - 4).is_err() {
        return End::Revert(Vec::new());
    }
    match (m.run)(call) {
        Ok(out) => match call.meter.copy(out.len()) {
            Ok(()) => End::Return(out),
            Err(_) => End::Revert(Vec::new()),
        },
        Err(Failure::Error(data)) => match call.meter.copy(data.len()) {
            Ok(()) => End::Revert(data),
            Err(_) => End::Revert(Vec::new()),
        },
        Err(Failure::Revert) => End::Revert(Vec::new()),
        Err(Failure::BurnOut) => burn_out(call.meter),
        Err(Failure::Activation(why)) => {
            call.meter.burn_out();
            End::Revert(alloy_sol_types::Revert::from(why).abi_encode())
        }
        Err(Failure::Halt) => End::Halt,
    }
}

fn burn_out(meter: &mut Burner) -> End {
    meter.burn_out();
    End::Revert(Vec::new())
}

/// Ethereum's precompiles plus Arbitrum's.
pub struct ArbPrecompiles {
    eth: EthPrecompiles,
    addresses: AddressSet,
    runtime: Arc<StylusRuntime>,
}

impl ArbPrecompiles {
    pub fn new(spec: SpecId, runtime: Arc<StylusRuntime>) -> Self {
        let eth = EthPrecompiles::new(spec);
        let mut addresses = eth.warm_addresses().clone();
        addresses.extend(ARBITRUM_PRECOMPILES);
        Self {
            eth,
            addresses,
            runtime,
        }
    }
}

impl PrecompileProvider<DevContext> for ArbPrecompiles {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: <<DevContext as ContextTr>::Cfg as Cfg>::Spec) -> bool {
        let changed =
            <EthPrecompiles as PrecompileProvider<DevContext>>::set_spec(&mut self.eth, spec);
        if changed {
            let mut addresses = self.eth.warm_addresses().clone();
            addresses.extend(ARBITRUM_PRECOMPILES);
            self.addresses = addresses;
        }
        changed
    }

    fn run(
        &mut self,
        ctx: &mut DevContext,
        inputs: &CallInputs,
    ) -> Result<Option<Self::Output>, String> {
        let target = inputs.bytecode_address;
        if !ARBITRUM_PRECOMPILES.contains(&target) {
            return self.eth.run(ctx, inputs);
        }
        let input = inputs.input.bytes(ctx);
        let mut meter = Burner::new(inputs.gas_limit);
        let end = serve(&mut Call {
            ctx,
            meter: &mut meter,
            inputs,
            input: &input,
            runtime: &self.runtime,
        });
        let mut gas = Gas::new(inputs.gas_limit);
        let (status, output) = match end {
            End::Return(out) => (InstructionResult::Return, out),
            End::Revert(out) => (InstructionResult::Revert, out),
            End::Halt => {
                gas.spend_all();
                return Ok(Some(InterpreterResult::new(
                    InstructionResult::OutOfGas,
                    Bytes::new(),
                    gas,
                )));
            }
        };
        // The meter never uses more than it was given, so this records exactly its total.
        let recorded = gas.record_regular_cost(meter.used());
        debug_assert!(recorded, "the meter stays within the call's gas");
        Ok(Some(InterpreterResult::new(status, output.into(), gas)))
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.addresses
    }
}
