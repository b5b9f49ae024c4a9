//! What each precompile call costs, rule by rule as nitro charges it (`precompiles/
//! precompile.go` `Call`, `context.go`, `arbos/storage/storage.go`, `ArbWasm.go`,
//! `arbos/programs/programs.go`, `data_pricer.go`). Every number is the transaction's
//! gasUsed minus its intrinsic gas, written as the sum of nitro's charges.

use crate::common::*;
use alloy_sol_types::{SolCall, SolError};
use devnode::abi::ArbSys::arbOSVersionCall;
use devnode::abi::ArbWasm::{
    activateProgramCall, codehashKeepaliveCall, codehashVersionCall, inkPriceCall,
    programVersionCall, ProgramKeepaliveTooSoon, ProgramNotActivated,
};
use devnode::arbos::data_pricer::DataPricer;
use devnode::arbos::params::{ACTIVATION_FIXED_GAS, PAGE_LIMIT};
use devnode::arbos::precompiles::ARB_SYS;
use devnode::{Chain, Receipt, Status, TxRequest, DEV_ACCOUNT};
use revm::primitives::{keccak256, Address, Bytes, B256, U256};

/// Every non-pure method opens the ArbOS state, reading its version (`StorageReadCost`).
pub const VERSION_READ: u64 = 800;
/// One 32-byte word of arguments or results (`CopyGas`).
pub const WORD: u64 = 3;
/// The Stylus parameters, read as warm (`params.go` `Params`).
pub const PARAMS: u64 = 100;
/// One ArbOS storage word read (`StorageReadCost`).
pub const READ: u64 = 800;
/// One non-zero ArbOS storage word written (`StorageWriteCost`).
pub const WRITE: u64 = 20_000;
/// An account's codehash through ArbOS (`StorageCodeHashCost`).
pub const CODE_HASH: u64 = 2_600;

const WAT: &str = r#"(module
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#;

/// The gas a transaction used beyond its intrinsic gas.
pub fn beyond_intrinsic(r: &Receipt, data: &[u8]) -> u64 {
    r.gas_used - intrinsic_gas(data)
}

fn send(chain: &mut Chain, to: Address, data: &[u8], value: U256, gas: u64) -> Receipt {
    chain
        .send(
            TxRequest::call(DEV_ACCOUNT, to, data.to_vec())
                .value(value)
                .gas(gas),
        )
        .expect("valid")
}

/// A deployed, not yet activated copy of [`WAT`] and the gas its validation and
/// instrumentation cost (the activation crate's own figure, charged as it is).
fn unactivated(chain: &mut Chain) -> (Address, u64) {
    let wasm = ::wat::parse_str(WAT).expect("wat");
    let program = deploy_wasm(chain, &wasm);
    let activated = devnode::activation::activate(&wasm, PAGE_LIMIT).expect("valid");
    (program, activated.activation_gas)
}

#[test]
fn a_stylus_parameter_costs_the_version_read_the_parameters_and_one_result_word() {
    let mut chain = chain();
    let data = inkPriceCall {}.abi_encode();
    let r = send(&mut chain, ARB_WASM, &data, U256::ZERO, 100_000);
    assert!(r.success(), "{:?}", r.status);
    assert_eq!(beyond_intrinsic(&r, &data), VERSION_READ + PARAMS + WORD); // 903
}

#[test]
fn arb_os_version_costs_the_version_read_and_one_result_word() {
    let mut chain = chain();
    let data = arbOSVersionCall {}.abi_encode();
    let r = send(&mut chain, ARB_SYS, &data, U256::ZERO, 100_000);
    assert!(r.success(), "{:?}", r.status);
    assert_eq!(beyond_intrinsic(&r, &data), VERSION_READ + WORD); // 803
}

#[test]
fn program_version_reads_the_codehash_the_parameters_and_the_record() {
    let mut chain = chain();
    let (program, _) = unactivated(&mut chain);
    assert!(activate(&mut chain, program).success());
    let data = programVersionCall { program }.abi_encode();
    let r = send(&mut chain, ARB_WASM, &data, U256::ZERO, 100_000);
    assert!(r.success(), "{:?}", r.status);
    // 800 + 3 + 2,600 + 100 + 800 + 3 = 4,306
    let expected = VERSION_READ + WORD + CODE_HASH + PARAMS + READ + WORD;
    assert_eq!(beyond_intrinsic(&r, &data), expected);
}

#[test]
fn a_solidity_error_pays_for_its_words_and_returns_the_rest_of_the_gas() {
    let mut chain = chain();
    let data = codehashVersionCall {
        codehash: B256::repeat_byte(7),
    }
    .abi_encode();
    let r = send(&mut chain, ARB_WASM, &data, U256::ZERO, 100_000);
    assert_eq!(
        r.status,
        Status::Revert(ProgramNotActivated {}.abi_encode().into())
    );
    // the 4-byte error is one word: 800 + 3 + 100 + 800 + 3 = 1,706
    let expected = VERSION_READ + WORD + PARAMS + READ + WORD;
    assert_eq!(beyond_intrinsic(&r, &data), expected);
}

#[test]
fn a_keepalive_too_soon_reads_the_record_and_pays_for_the_error() {
    let mut chain = chain();
    let (program, _) = unactivated(&mut chain);
    assert!(activate(&mut chain, program).success());
    let codehash = keccak256(chain.code(program));
    let data = codehashKeepaliveCall { codehash }.abi_encode();
    let r = send(&mut chain, ARB_WASM, &data, U256::ZERO, 100_000);
    let Status::Revert(out) = &r.status else {
        panic!("{:?}", r.status)
    };
    ProgramKeepaliveTooSoon::abi_decode(out).expect("ProgramKeepaliveTooSoon");
    // the error is 36 bytes, two words: 800 + 3 + 100 + 800 + 6 = 1,709
    let expected = VERSION_READ + WORD + PARAMS + READ + 2 * WORD;
    assert_eq!(beyond_intrinsic(&r, &data), expected);
}

#[test]
fn activation_bookkeeping_costs_nitros_88_658_gas_beyond_the_fixed_and_compile_gas() {
    let mut chain = chain();
    let (program, compile_gas) = unactivated(&mut chain);
    let data = activateProgramCall { program }.abi_encode();
    let r = send(&mut chain, ARB_WASM, &data, eth(1), 10_000_000);
    assert!(r.success(), "{}", revert_text(&r));
    let pricer = 5 * READ + 2 * WRITE; // UpdateModel: five fields read, demand and time written
    let event = 375 + 2 * 375 + 8 * 128; // ProgramActivated: two topics, four data words
    let bookkeeping = VERSION_READ
        + WORD // the program's address
        + PARAMS
        + READ // the existing record (programExists)
        + WRITE // the module hash
        + pricer
        + WRITE // the program record
        + READ // the network fee account
        + event
        + 2 * WORD; // (version, dataFee)
    assert_eq!(bookkeeping, 88_658);
    assert_eq!(
        beyond_intrinsic(&r, &data),
        ACTIVATION_FIXED_GAS + compile_gas + bookkeeping
    );
}

#[test]
fn a_keepalive_costs_the_record_the_pricer_the_record_write_and_its_event() {
    let mut chain = chain();
    let (program, _) = unactivated(&mut chain);
    assert!(activate(&mut chain, program).success());
    chain.increase_time(32 * 86_400);
    let codehash = keccak256(chain.code(program));
    let data = codehashKeepaliveCall { codehash }.abi_encode();
    let r = send(&mut chain, ARB_WASM, &data, eth(1), 1_000_000);
    assert!(r.success(), "{:?}", r.status);
    let pricer = 5 * READ + 2 * WRITE;
    let event = 375 + 2 * 375 + 8 * 32; // ProgramLifetimeExtended: two topics, one word
                                        // 800 + 3 + 100 + 800 + 44,000 + 20,000 + 800 + 1,381 = 67,884; no result words
    let expected = VERSION_READ + WORD + PARAMS + READ + pricer + WRITE + READ + event;
    assert_eq!(expected, 67_884);
    assert_eq!(beyond_intrinsic(&r, &data), expected);
}

#[test]
fn the_data_fee_is_nitros_initial_pricer_applied_to_the_asm_estimate() {
    let mut chain = chain();
    let wasm = ::wat::parse_str(WAT).expect("wat");
    let bytes = devnode::activation::activate(&wasm, PAGE_LIMIT)
        .expect("valid")
        .asm_estimate;
    let (program, _) = unactivated(&mut chain);
    let r = activate(&mut chain, program);
    let fee = activateProgramCall::abi_decode_returns(&r.output)
        .expect("(version, dataFee)")
        .dataFee;
    let now = chain.block(r.block_number).expect("mined").timestamp;
    let expected = DataPricer::default().update(bytes, now);
    assert_eq!(fee, U256::from(expected));
    // no demand yet: close to the floor of 82,928,201 wei a byte, rounded down per byte
    assert_eq!(expected % bytes as u64, 0);
    assert!(expected / bytes as u64 >= 82_928_201);
}

#[test]
fn an_unknown_selector_reverts_without_data_using_all_the_gas() {
    let mut chain = chain();
    let data = [1u8, 2, 3, 4];
    let r = send(&mut chain, ARB_WASM, &data, U256::ZERO, 100_000);
    assert_eq!(r.status, Status::Revert(Bytes::new()));
    assert_eq!(r.gas_used, 100_000);
}

#[test]
fn value_sent_to_a_view_method_reverts_using_all_the_gas() {
    let mut chain = chain();
    let data = inkPriceCall {}.abi_encode();
    let r = send(&mut chain, ARB_WASM, &data, U256::from(1), 100_000);
    assert_eq!(r.status, Status::Revert(Bytes::new()));
    assert_eq!(r.gas_used, 100_000);
}

#[test]
fn malformed_arguments_revert_using_all_the_gas() {
    let mut chain = chain();
    let mut data = programVersionCall::SELECTOR.to_vec();
    data.extend_from_slice(&[0u8; 5]);
    let r = send(&mut chain, ARB_WASM, &data, U256::ZERO, 100_000);
    assert_eq!(r.status, Status::Revert(Bytes::new()));
    assert_eq!(r.gas_used, 100_000);
}

#[test]
fn too_little_gas_to_read_the_arbos_version_halts_using_all_the_gas() {
    // makeContext's OpenArbosState fails with ErrOutOfGas, which nitro does not turn
    // into a revert: the call halts.
    let mut chain = chain();
    let data = inkPriceCall {}.abi_encode();
    let gas = intrinsic_gas(&data) + VERSION_READ - 1;
    let r = send(&mut chain, ARB_WASM, &data, U256::ZERO, gas);
    assert!(matches!(r.status, Status::Halt(_)), "{:?}", r.status);
    assert_eq!(r.gas_used, gas);
}

#[test]
fn running_out_of_gas_inside_a_method_reverts_using_all_the_gas() {
    let mut chain = chain();
    let (program, _) = unactivated(&mut chain);
    let data = activateProgramCall { program }.abi_encode();
    let gas = intrinsic_gas(&data) + 1_000_000; // less than the fixed 1,659,168
    let r = send(&mut chain, ARB_WASM, &data, eth(1), gas);
    assert_eq!(r.status, Status::Revert(Bytes::new()));
    assert_eq!(r.gas_used, gas);
}

/// EVM runtime code: forwards its calldata to ArbWasm with `opcode` (STATICCALL 0xfa or
/// DELEGATECALL 0xf4) and all its gas, and returns the success flag as one word.
fn forwarder(opcode: u8) -> Vec<u8> {
    vec![
        0x36, 0x60, 0x00, 0x60, 0x00, 0x37, // CALLDATACOPY(0, 0, CALLDATASIZE)
        0x60, 0x00, 0x60, 0x00, 0x36, 0x60, 0x00, // ret 0,0; args 0,CALLDATASIZE
        0x60, 0x71, 0x5a, opcode, // to 0x71 with GAS
        0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3, // MSTORE(0, ok); RETURN(0, 32)
    ]
}

/// Sends `data` through a forwarder using `opcode`; whether the inner call succeeded,
/// and the transaction's gasUsed.
fn forwarded(chain: &mut Chain, opcode: u8, data: &[u8]) -> (bool, u64) {
    let via = crate::wat::deploy_evm(chain, &forwarder(opcode));
    let r = send(chain, via, data, U256::ZERO, 1_000_000);
    assert!(r.success(), "{:?}", r.status);
    (U256::from_be_slice(&r.output) == U256::from(1), r.gas_used)
}

#[test]
fn activating_in_a_static_call_fails_using_all_the_gas_it_is_given() {
    let mut chain = chain();
    let (program, _) = unactivated(&mut chain);
    let (ok, gas) = forwarded(
        &mut chain,
        0xfa,
        &activateProgramCall { program }.abi_encode(),
    );
    assert!(!ok);
    // the inner call had 63/64 of ~975k and used it all
    assert!(gas > 950_000, "{gas}");
    let (ok, gas) = forwarded(&mut chain, 0xfa, &inkPriceCall {}.abi_encode());
    assert!(ok, "a view method may be called statically");
    assert!(gas < 30_000, "{gas}");
}

#[test]
fn a_delegate_call_to_a_precompile_fails_using_all_the_gas_it_is_given() {
    let mut chain = chain();
    let (ok, gas) = forwarded(&mut chain, 0xf4, &inkPriceCall {}.abi_encode());
    assert!(!ok);
    assert!(gas > 950_000, "{gas}");
}
