//! The program cache under nitro's rules (`precompiles/ArbWasmCache.go`,
//! `SetProgramCached` in `arbos/programs/programs.go`, the `OwnerPrecompile` wrapper of
//! `precompiles/wrapper.go`): who may cache, what caching costs and saves, its events, and
//! how it survives re-activation and reverts.

use crate::common::*;
use alloy_sol_types::{SolCall, SolError, SolEvent};
use devnode::abi::ArbOwner::{
    addChainOwnerCall, addWasmCacheManagerCall, removeChainOwnerCall, removeWasmCacheManagerCall,
    OwnerActs,
};
use devnode::abi::ArbOwnerPublic::{getAllChainOwnersCall, isChainOwnerCall};
use devnode::abi::ArbWasm::programInitGasCall;
use devnode::abi::ArbWasmCache::{
    allCacheManagersCall, cacheProgramCall, codehashIsCachedCall, evictCodehashCall,
    isCacheManagerCall, ProgramNeedsUpgrade, UpdateProgramCache,
};
use devnode::arbos::precompiles::{ARB_OWNER, ARB_OWNER_PUBLIC, ARB_WASM_CACHE};
use devnode::{cache_manager, Chain, ChainConfig, Receipt, Status, TxRequest, DEV_ACCOUNT};
use revm::primitives::{address, keccak256, Address, B256};

/// An account that is neither chain owner nor cache manager (anvil's first test account).
pub const USER: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
const GAS: u64 = 1_000_000;

/// A chain where `USER` is funded too.
pub fn chain_with_user() -> Chain {
    let mut config = ChainConfig::default();
    config.accounts.push((USER, eth(1_000)));
    Chain::new(config)
}

/// The smallest program that answers: returns status 0 with no output.
pub const PROGRAM: &str = r#"(module
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#;

pub fn send_from(chain: &mut Chain, from: Address, to: Address, data: Vec<u8>) -> Receipt {
    chain
        .send(TxRequest::call(from, to, data).gas(GAS))
        .expect("valid transaction")
}

pub fn view<C: SolCall>(chain: &Chain, to: Address, call: C) -> C::Return {
    let r = chain
        .call(TxRequest::call(DEV_ACCOUNT, to, call.abi_encode()))
        .expect("valid call");
    assert_eq!(r.status, Status::Success, "{:?}", r.status);
    C::abi_decode_returns(&r.output).expect("the answer decodes")
}

pub fn codehash(chain: &Chain, program: Address) -> B256 {
    keccak256(chain.code(program))
}

pub fn is_cached(chain: &Chain, program: Address) -> bool {
    let codehash = codehash(chain, program);
    view(chain, ARB_WASM_CACHE, codehashIsCachedCall { codehash })
}

pub fn cache(chain: &mut Chain, from: Address, program: Address) -> Receipt {
    let data = cacheProgramCall { addr: program }.abi_encode();
    send_from(chain, from, ARB_WASM_CACHE, data)
}

fn evict(chain: &mut Chain, from: Address, program: Address) -> Receipt {
    let data = evictCodehashCall {
        codehash: codehash(chain, program),
    }
    .abi_encode();
    send_from(chain, from, ARB_WASM_CACHE, data)
}

fn burned_all(r: &Receipt) {
    assert_eq!(
        r.status,
        Status::Revert(Default::default()),
        "no revert data"
    );
    assert_eq!(r.gas_used, GAS, "all gas burned");
    assert!(r.logs.is_empty());
}

#[test]
fn the_dev_account_is_the_one_chain_owner_and_the_cache_manager_is_registered_at_genesis() {
    let chain = chain();
    let owners = view(&chain, ARB_OWNER_PUBLIC, getAllChainOwnersCall {});
    assert_eq!(owners, vec![DEV_ACCOUNT]);
    assert!(!view(
        &chain,
        ARB_OWNER_PUBLIC,
        isChainOwnerCall { addr: USER }
    ));
    let managers = view(&chain, ARB_WASM_CACHE, allCacheManagersCall {});
    assert_eq!(managers, vec![cache_manager::ADDRESS]);
}

#[test]
fn an_owner_caches_a_program_and_its_calls_then_skip_the_init_gas() {
    let mut chain = chain();
    let program = deploy_wat(&mut chain, PROGRAM);
    let miss = call(&mut chain, program, vec![]).gas_used;
    let init = view(&chain, ARB_WASM, programInitGasCall { program });

    let r = cache(&mut chain, DEV_ACCOUNT, program);
    assert!(r.success(), "{:?}", r.status);
    assert!(is_cached(&chain, program));

    let hit = call(&mut chain, program, vec![]).gas_used;
    println!(
        "call gas: {miss} uncached, {hit} cached; programInitGas ({}, {})",
        init.gas, init.gasWhenCached
    );
    // nitro's program_test.go: hits − gasWhenCached == misses − gas.
    assert_eq!(
        miss - hit,
        init.gas - init.gasWhenCached,
        "a cached call skips exactly the init gas"
    );
    assert!(miss > hit);
}

#[test]
fn flipping_the_flag_emits_update_program_cache_with_the_caller_and_codehash() {
    let mut chain = chain();
    let program = deploy_wat(&mut chain, PROGRAM);
    let hash = codehash(&chain, program);
    let r = cache(&mut chain, DEV_ACCOUNT, program);
    assert_eq!(r.logs.len(), 1);
    let log = &r.logs[0];
    assert_eq!(log.address, ARB_WASM_CACHE);
    assert_eq!(
        log.data.topics(),
        [
            UpdateProgramCache::SIGNATURE_HASH,
            DEV_ACCOUNT.into_word(),
            hash
        ]
    );
    let event = UpdateProgramCache::decode_log_data(&log.data).expect("decodes");
    assert!(event.cached);

    let again = cache(&mut chain, DEV_ACCOUNT, program);
    assert!(again.success());
    assert!(
        again.logs.is_empty(),
        "setting the flag it has emits nothing"
    );
    assert!(
        again.gas_used < r.gas_used,
        "and skips the init cost and write"
    );

    let out = evict(&mut chain, DEV_ACCOUNT, program);
    let event = UpdateProgramCache::decode_log_data(&out.logs[0].data).expect("decodes");
    assert!(!event.cached);
    assert!(!is_cached(&chain, program));
}

#[test]
fn a_caller_who_is_neither_owner_nor_manager_is_refused_with_all_gas_burned() {
    let mut chain = chain_with_user();
    let program = deploy_wat(&mut chain, PROGRAM);
    burned_all(&cache(&mut chain, USER, program));
    assert!(!is_cached(&chain, program));
    assert!(cache(&mut chain, DEV_ACCOUNT, program).success());
    burned_all(&evict(&mut chain, USER, program));
    assert!(is_cached(&chain, program));
}

#[test]
fn a_manager_added_by_the_owner_may_cache_until_the_owner_removes_it() {
    let mut chain = chain_with_user();
    let program = deploy_wat(&mut chain, PROGRAM);
    let add = addWasmCacheManagerCall { manager: USER }.abi_encode();
    let r = send_from(&mut chain, DEV_ACCOUNT, ARB_OWNER, add.clone());
    assert!(r.success(), "{:?}", r.status);
    let acts = OwnerActs::decode_log_data(&r.logs[0].data).expect("OwnerActs");
    assert_eq!(acts.method.0, addWasmCacheManagerCall::SELECTOR);
    assert_eq!((acts.owner, acts.data.to_vec()), (DEV_ACCOUNT, add));
    assert!(view(
        &chain,
        ARB_WASM_CACHE,
        isCacheManagerCall { manager: USER }
    ));

    let r = cache(&mut chain, USER, program);
    assert!(r.success(), "{:?}", r.status);
    let event = UpdateProgramCache::decode_log_data(&r.logs[0].data).expect("decodes");
    assert_eq!(event.manager, USER);
    assert!(evict(&mut chain, USER, program).success());

    let remove = removeWasmCacheManagerCall { manager: USER }.abi_encode();
    assert!(send_from(&mut chain, DEV_ACCOUNT, ARB_OWNER, remove.clone()).success());
    burned_all(&cache(&mut chain, USER, program));
    // nitro: "tried to remove non-manager", a plain error: reverts, the owner pays nothing.
    let again = send_from(&mut chain, DEV_ACCOUNT, ARB_OWNER, remove.clone());
    assert_eq!(again.status, Status::Revert(Default::default()));
    assert_eq!(again.gas_used, intrinsic_gas(&remove));
}

#[test]
fn arb_owner_refuses_non_owners_with_all_gas_burned_and_charges_owners_nothing() {
    let mut chain = chain_with_user();
    let add = addWasmCacheManagerCall { manager: USER }.abi_encode();
    burned_all(&send_from(&mut chain, USER, ARB_OWNER, add.clone()));
    assert!(!view(
        &chain,
        ARB_WASM_CACHE,
        isCacheManagerCall { manager: USER }
    ));
    // The same calldata to an account without code costs the intrinsic gas alone.
    let plain = send_from(&mut chain, DEV_ACCOUNT, USER, add.clone()).gas_used;
    let owner = send_from(&mut chain, DEV_ACCOUNT, ARB_OWNER, add).gas_used;
    assert_eq!(
        owner, plain,
        "the OwnerPrecompile wrapper does not charge owners"
    );
}

#[test]
fn caching_a_codehash_that_was_never_activated_reverts_with_program_needs_upgrade() {
    let mut chain = chain();
    let wasm = ::wat::parse_str(PROGRAM).expect("test WAT parses");
    let program = deploy_wasm(&mut chain, &wasm);
    let r = cache(&mut chain, DEV_ACCOUNT, program);
    let want = ProgramNeedsUpgrade {
        version: 0,
        stylusVersion: 2,
    };
    assert_eq!(r.status, Status::Revert(want.abi_encode().into()));
    // Evicting what is not cached sets the flag it has: no error, no event.
    let e = evict(&mut chain, DEV_ACCOUNT, program);
    assert!(e.success() && e.logs.is_empty(), "{:?}", e.status);
}

#[test]
fn a_cached_program_stays_cached_when_it_is_activated_again_after_expiring() {
    let mut chain = chain();
    let program = deploy_wat(&mut chain, PROGRAM);
    assert!(cache(&mut chain, DEV_ACCOUNT, program).success());
    // nitro's expiry: 365 days.
    chain.increase_time(366 * 86_400);
    let r = activate(&mut chain, program);
    assert!(r.success(), "{:?} {}", r.status, revert_text(&r));
    assert!(is_cached(&chain, program), "ActivateProgram keeps `cached`");
    assert!(call(&mut chain, program, vec![]).success());
}

#[test]
fn evm_revert_takes_the_cached_flag_back() {
    let mut chain = chain();
    let program = deploy_wat(&mut chain, PROGRAM);
    let snap = chain.snapshot();
    assert!(cache(&mut chain, DEV_ACCOUNT, program).success());
    assert!(is_cached(&chain, program));
    assert!(chain.revert_to(snap));
    assert!(!is_cached(&chain, program));
}

#[test]
fn arb_owner_public_answers_from_the_same_owner_set() {
    let mut chain = chain_with_user();
    let become_owner = devnode::abi::ArbDebug::becomeChainOwnerCall {}.abi_encode();
    let r = send_from(
        &mut chain,
        USER,
        devnode::arbos::precompiles::ARB_DEBUG,
        become_owner,
    );
    assert!(r.success(), "{:?}", r.status);
    let owners = view(&chain, ARB_OWNER_PUBLIC, getAllChainOwnersCall {});
    assert_eq!(owners, vec![DEV_ACCOUNT, USER]);
    let program = deploy_wat(&mut chain, PROGRAM);
    assert!(cache(&mut chain, USER, program).success());
}

#[test]
fn removing_an_owner_moves_the_last_one_into_its_place_as_nitros_address_set_does() {
    let mut chain = chain_with_user();
    let (a, b) = (Address::repeat_byte(0xa1), Address::repeat_byte(0xb2));
    for who in [USER, a, b] {
        let add = addChainOwnerCall { newOwner: who }.abi_encode();
        assert!(send_from(&mut chain, DEV_ACCOUNT, ARB_OWNER, add).success());
    }
    // Adding a member again changes nothing.
    let again = addChainOwnerCall { newOwner: a }.abi_encode();
    assert!(send_from(&mut chain, DEV_ACCOUNT, ARB_OWNER, again).success());
    let remove = removeChainOwnerCall {
        ownerToRemove: USER,
    }
    .abi_encode();
    assert!(send_from(&mut chain, DEV_ACCOUNT, ARB_OWNER, remove.clone()).success());
    let owners = view(&chain, ARB_OWNER_PUBLIC, getAllChainOwnersCall {});
    assert_eq!(owners, vec![DEV_ACCOUNT, b, a]);
    // nitro: "tried to remove non-owner", reverting without data.
    let r = send_from(&mut chain, DEV_ACCOUNT, ARB_OWNER, remove);
    assert_eq!(r.status, Status::Revert(Default::default()));
}
