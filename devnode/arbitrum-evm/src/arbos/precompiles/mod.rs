//! Arbitrum's precompiles, beside Ethereum's. Each is a Rust function of the call's
//! inputs; revm's precompile dispatch gives them a checkpoint, so a revert undoes their
//! state changes and events. Their accounts hold the code `0xFE` as on Arbitrum, so
//! tools that check for code find some.

mod access;
mod arb_debug;
mod arb_gas_info;
mod arb_owner;
mod arb_owner_public;
mod arb_sys;
mod arb_wasm;
mod arb_wasm_cache;

use std::sync::Arc;

use alloy_sol_types::{SolCall, SolError, SolValue};
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

/// Gas of reading one ArbOS storage word from a precompile (nitro's `StorageReadCost`).
pub const STORAGE_READ_GAS: u64 = 800;
/// Gas of writing one (nitro's `StorageWriteCost`).
pub const STORAGE_WRITE_GAS: u64 = 20_000;

/// The result of one precompile call, before it becomes an `InterpreterResult`.
pub struct Reply {
    pub status: InstructionResult,
    pub output: Bytes,
    pub gas_used: u64,
}

impl Reply {
    pub fn ok(output: impl SolValue, gas_used: u64) -> Self {
        Self {
            status: InstructionResult::Return,
            output: output.abi_encode().into(),
            gas_used,
        }
    }

    pub fn raw(output: Vec<u8>, gas_used: u64) -> Self {
        Self {
            status: InstructionResult::Return,
            output: output.into(),
            gas_used,
        }
    }

    pub fn revert(error: impl SolError, gas_used: u64) -> Self {
        Self {
            status: InstructionResult::Revert,
            output: error.abi_encode().into(),
            gas_used,
        }
    }

    /// A revert with a reason string, for failures nitro reports without a Solidity error.
    pub fn reason(why: &str, gas_used: u64) -> Self {
        let err = alloy_sol_types::Revert::from(why);
        Self {
            status: InstructionResult::Revert,
            output: err.abi_encode().into(),
            gas_used,
        }
    }

    pub fn unknown_selector() -> Self {
        Self {
            status: InstructionResult::Revert,
            output: Bytes::new(),
            gas_used: 0,
        }
    }
}

/// Decodes a call for method `C` or returns a revert for malformed input.
pub fn decode<C: SolCall>(input: &[u8]) -> Result<C, Reply> {
    C::abi_decode(input).map_err(|_| Reply::reason("malformed calldata", 0))
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
        let reply = match target {
            ARB_WASM => arb_wasm::call(ctx, &self.runtime, inputs, &input),
            ARB_SYS => arb_sys::call(ctx, &input),
            ARB_GAS_INFO => arb_gas_info::call(ctx, &input),
            ARB_OWNER_PUBLIC => arb_owner_public::call(ctx, &input),
            ARB_OWNER => arb_owner::call(ctx, inputs, &input),
            ARB_DEBUG => arb_debug::call(ctx, inputs, &input),
            _ => arb_wasm_cache::call(ctx, inputs, &input),
        };
        let limit = inputs.gas_limit;
        let mut gas = Gas::new(limit);
        if reply.gas_used > limit || !gas.record_regular_cost(reply.gas_used) {
            gas.spend_all();
            return Ok(Some(InterpreterResult::new(
                InstructionResult::OutOfGas,
                Bytes::new(),
                gas,
            )));
        }
        Ok(Some(InterpreterResult::new(
            reply.status,
            reply.output,
            gas,
        )))
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.addresses
    }
}
