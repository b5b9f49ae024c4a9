//! What the program cache and the chain owners' precompiles cost, rule by rule as nitro
//! charges them (`precompiles/ArbWasmCache.go` `setProgramCached` and `hasAccess`,
//! `arbos/programs/programs.go` `SetProgramCached`, `arbos/addressSet/addressSet.go`,
//! the `OwnerPrecompile` wrapper of `precompiles/wrapper.go`). Every number is the
//! transaction's gasUsed minus its intrinsic gas, written as the sum of nitro's charges.

use crate::common::*;
use crate::precompile_gas::{beyond_intrinsic, CODE_HASH, PARAMS, READ, VERSION_READ, WORD, WRITE};
use crate::program_cache::{chain_with_user, send_from, view, PROGRAM, USER};
use alloy_sol_types::{SolCall, SolError};
use devnode::abi::ArbDebug::becomeChainOwnerCall;
use devnode::abi::ArbOwner::{addChainOwnerCall, addWasmCacheManagerCall};
use devnode::abi::ArbOwnerPublic::{getAllChainOwnersCall, isChainOwnerCall};
use devnode::abi::ArbWasmCache::{
    allCacheManagersCall, cacheProgramCall, evictCodehashCall, isCacheManagerCall,
    ProgramNeedsUpgrade,
};
use devnode::arbos::params::PAGE_LIMIT;
use devnode::arbos::precompiles::{ARB_DEBUG, ARB_OWNER, ARB_OWNER_PUBLIC, ARB_WASM_CACHE};
use devnode::{Chain, Receipt, Status, TxRequest, DEV_ACCOUNT};
use revm::primitives::{keccak256, Address};

/// `UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached)`:
/// the signature and two topics, one data word.
const UPDATE_PROGRAM_CACHE: u64 = 375 + 3 * 375 + 8 * 32;
/// `hasAccess` for a chain owner who is no cache manager: the managers' entry, then the
/// owners' entry.
const OWNER_ACCESS: u64 = 2 * READ;
/// `hasAccess` for a cache manager: the managers' entry alone.
const MANAGER_ACCESS: u64 = READ;
/// What `SetProgramCached` reads before deciding: the Stylus parameters, the record.
const PARAMS_AND_RECORD: u64 = PARAMS + READ;
/// `AllMembers` of a one-member set: its size and the member.
const ONE_MEMBER: u64 = 2 * READ;
/// A one-address array result: offset, length and the element.
const ONE_ADDRESS_RESULT: u64 = 3 * WORD;

/// What flipping the flag adds: the event, the program's raw `initCost` burned, the
/// module hash read and the record written.
fn flip(init_cost: u64) -> u64 {
    UPDATE_PROGRAM_CACHE + init_cost + READ + WRITE
}

/// The `initCost` activation records for [`PROGRAM`].
fn init_cost() -> u64 {
    let wasm = ::wat::parse_str(PROGRAM).expect("test WAT parses");
    let activated = devnode::activation::activate(&wasm, PAGE_LIMIT).expect("valid");
    activated.init_cost.into()
}

/// Sends `data` from `from` and returns the receipt with the gas beyond intrinsic.
fn costs(chain: &mut Chain, from: Address, to: Address, data: Vec<u8>) -> (Receipt, u64) {
    let r = send_from(chain, from, to, data.clone());
    let gas = beyond_intrinsic(&r, &data);
    (r, gas)
}

fn cache_data(program: Address) -> Vec<u8> {
    cacheProgramCall { addr: program }.abi_encode()
}

#[test]
fn an_owner_caching_pays_the_codehash_two_access_reads_the_record_and_the_flip() {
    let mut chain = chain();
    let program = deploy_wat(&mut chain, PROGRAM);
    let (r, gas) = costs(&mut chain, DEV_ACCOUNT, ARB_WASM_CACHE, cache_data(program));
    assert!(r.success(), "{:?}", r.status);
    // 800 + 3 + 2,600 + 1,600 + 900 + (1,756 + initCost + 800 + 20,000); no result words
    let expected =
        VERSION_READ + WORD + CODE_HASH + OWNER_ACCESS + PARAMS_AND_RECORD + flip(init_cost());
    assert_eq!(gas, expected);
}

#[test]
fn setting_the_flag_a_program_already_has_pays_the_reads_alone() {
    let mut chain = chain();
    let program = deploy_wat(&mut chain, PROGRAM);
    assert!(send_from(&mut chain, DEV_ACCOUNT, ARB_WASM_CACHE, cache_data(program)).success());
    let (r, gas) = costs(&mut chain, DEV_ACCOUNT, ARB_WASM_CACHE, cache_data(program));
    assert!(r.success(), "{:?}", r.status);
    let expected = VERSION_READ + WORD + CODE_HASH + OWNER_ACCESS + PARAMS_AND_RECORD;
    assert_eq!(expected, 5_903);
    assert_eq!(gas, expected);
}

#[test]
fn evicting_pays_what_caching_does_without_the_codehash_read() {
    let mut chain = chain();
    let program = deploy_wat(&mut chain, PROGRAM);
    assert!(send_from(&mut chain, DEV_ACCOUNT, ARB_WASM_CACHE, cache_data(program)).success());
    let codehash = keccak256(chain.code(program));
    let data = evictCodehashCall { codehash }.abi_encode();
    let (r, gas) = costs(&mut chain, DEV_ACCOUNT, ARB_WASM_CACHE, data);
    assert!(r.success(), "{:?}", r.status);
    let expected = VERSION_READ + WORD + OWNER_ACCESS + PARAMS_AND_RECORD + flip(init_cost());
    assert_eq!(gas, expected);
}

#[test]
fn a_cache_manager_pays_one_access_read_where_an_owner_pays_two() {
    let mut chain = chain_with_user();
    let program = deploy_wat(&mut chain, PROGRAM);
    let add = addWasmCacheManagerCall { manager: USER }.abi_encode();
    assert!(send_from(&mut chain, DEV_ACCOUNT, ARB_OWNER, add).success());
    let (r, gas) = costs(&mut chain, USER, ARB_WASM_CACHE, cache_data(program));
    assert!(r.success(), "{:?}", r.status);
    let expected =
        VERSION_READ + WORD + CODE_HASH + MANAGER_ACCESS + PARAMS_AND_RECORD + flip(init_cost());
    assert_eq!(gas, expected);
}

#[test]
fn caching_an_unactivated_codehash_pays_the_reads_and_three_error_words() {
    let mut chain = chain();
    let wasm = ::wat::parse_str(PROGRAM).expect("test WAT parses");
    let program = deploy_wasm(&mut chain, &wasm);
    let (r, gas) = costs(&mut chain, DEV_ACCOUNT, ARB_WASM_CACHE, cache_data(program));
    let error = ProgramNeedsUpgrade {
        version: 0,
        stylusVersion: 2,
    }
    .abi_encode();
    assert_eq!(error.len(), 68);
    assert_eq!(r.status, Status::Revert(error.into()));
    let expected = VERSION_READ + WORD + CODE_HASH + OWNER_ACCESS + PARAMS_AND_RECORD + 3 * WORD;
    assert_eq!(expected, 5_912);
    assert_eq!(gas, expected);
}

#[test]
fn becoming_an_owner_pays_nitros_address_set_add_and_an_owner_pays_one_read() {
    let mut chain = chain_with_user();
    let data = becomeChainOwnerCall {}.abi_encode();
    let (r, gas) = costs(&mut chain, USER, ARB_DEBUG, data.clone());
    assert!(r.success(), "{:?}", r.status);
    // `Add`: the member's entry, the size, the entry and member written, then
    // `Increment` reads the size again and writes it.
    let add = READ + READ + 2 * WRITE + READ + WRITE;
    assert_eq!(VERSION_READ + add, 63_200);
    assert_eq!(gas, VERSION_READ + add);

    let (r, gas) = costs(&mut chain, DEV_ACCOUNT, ARB_DEBUG, data);
    assert!(r.success(), "{:?}", r.status);
    assert_eq!(
        gas,
        VERSION_READ + READ,
        "a member is found and nothing written"
    );
}

#[test]
fn an_owner_whose_call_runs_out_of_gas_inside_arb_owner_gets_a_revert_and_pays_nothing() {
    let mut chain = chain_with_user();
    let data = addChainOwnerCall { newOwner: USER }.abi_encode();
    // The wrapper's two reads fit, `Add`'s three writes do not.
    let gas = intrinsic_gas(&data) + 30_000;
    let r = chain
        .send(TxRequest::call(DEV_ACCOUNT, ARB_OWNER, data.clone()).gas(gas))
        .expect("valid transaction");
    assert_eq!(r.status, Status::Revert(Default::default()));
    assert_eq!(
        beyond_intrinsic(&r, &data),
        0,
        "the wrapper returns all the gas"
    );
    assert!(r.logs.is_empty(), "no OwnerActs for a failed call");
    let ask = isChainOwnerCall { addr: USER };
    assert!(!view(&chain, ARB_OWNER_PUBLIC, ask), "the write was undone");
}

#[test]
fn the_set_reads_pay_one_read_per_word_and_three_words_per_one_address_list() {
    let mut chain = chain();
    let owners = getAllChainOwnersCall {}.abi_encode();
    let (_, gas) = costs(&mut chain, DEV_ACCOUNT, ARB_OWNER_PUBLIC, owners);
    assert_eq!(gas, VERSION_READ + ONE_MEMBER + ONE_ADDRESS_RESULT); // 2,409
    let managers = allCacheManagersCall {}.abi_encode();
    let (_, gas) = costs(&mut chain, DEV_ACCOUNT, ARB_WASM_CACHE, managers);
    assert_eq!(gas, VERSION_READ + ONE_MEMBER + ONE_ADDRESS_RESULT);

    let is_owner = isChainOwnerCall { addr: USER }.abi_encode();
    let (_, gas) = costs(&mut chain, DEV_ACCOUNT, ARB_OWNER_PUBLIC, is_owner);
    assert_eq!(gas, VERSION_READ + WORD + READ + WORD); // 1,606
    let is_manager = isCacheManagerCall { manager: USER }.abi_encode();
    let (_, gas) = costs(&mut chain, DEV_ACCOUNT, ARB_WASM_CACHE, is_manager);
    assert_eq!(gas, VERSION_READ + WORD + READ + WORD);
}
