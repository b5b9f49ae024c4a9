//! The native StylusDeployer charges its own gas as nitro-contracts' Solidity deployer
//! spends it (the rule in `arbitrum-evm/src/deployer/own_gas.rs`, measured against the
//! real bytecode): a deploy's gasUsed is the intrinsic gas, the deployer's own gas by that
//! rule and its child frames, each child priced as it would be on its own. The EVM rules
//! are restated here (EIP-2028 calldata, EIP-3860 init code, copies, keccak words, memory
//! expansion) so the tests do not read the constants they check.

use crate::common::*;
use alloy_sol_types::SolCall;
use devnode::abi::ArbWasm::{codehashVersionCall, stylusVersionCall};
use devnode::abi::StylusDeployer::deployCall;
use devnode::deployer::{init_code, ADDRESS as DEPLOYER};
use devnode::{Chain, Receipt, TxRequest, DEV_ACCOUNT};
use revm::primitives::{keccak256, Bytes, B256, U256};

/// The measured fixed parts of the real deployer (see own_gas.rs).
const BASE: u64 = 3_463;
const SALT: u64 = 229;
const REFUND: u64 = 217;
/// A value-carrying CALL: 9,000 less the 2,300 stipend the callee returns.
const VALUE_CALL: u64 = 6_700;
/// Memory words before the bytecode copy.
const BASE_MEMORY_WORDS: u64 = 9;

fn words(bytes: usize) -> u64 {
    (bytes as u64).div_ceil(32)
}

fn memory(words: u64) -> u64 {
    3 * words + words * words / 512
}

/// A call transaction's intrinsic gas: 21,000 and 4 per zero / 16 per other calldata byte.
fn intrinsic(data: &[u8]) -> u64 {
    21_000
        + data
            .iter()
            .map(|&b| if b == 0 { 4 } else { 16 })
            .sum::<u64>()
}

/// `probe`'s init code followed by `pad` zero bytes, which the deploy prelude does not
/// copy: the deployed code, and so every child frame, stays the same.
fn padded_initcode(pad: usize) -> Bytes {
    let mut code = init_code(&fixture("probe")).to_vec();
    code.resize(code.len() + pad, 0);
    code.into()
}

fn deploy_data(initcode: &Bytes, salt: B256) -> Vec<u8> {
    deployCall {
        bytecode: initcode.clone(),
        initData: Bytes::new(),
        initValue: U256::ZERO,
        salt,
    }
    .abi_encode()
}

/// A chain on which `probe`'s code is already active, so deploys skip activation.
fn chain_with_probe_active() -> Chain {
    let mut chain = chain();
    let data = deploy_data(&padded_initcode(0), B256::ZERO);
    let r = chain
        .send(TxRequest::call(DEV_ACCOUNT, DEPLOYER, data).value(eth(1)))
        .expect("valid");
    assert!(r.success(), "first deploy: {}", revert_text(&r));
    chain
}

/// Sends `tx` and reverts the chain to before it, so every measurement starts from one
/// state; fails the test unless it succeeds.
fn isolated(chain: &mut Chain, tx: TxRequest) -> Receipt {
    let id = chain.snapshot();
    let r = chain.send(tx).expect("valid");
    assert!(chain.revert_to(id), "snapshot {id} reverts");
    assert!(r.success(), "{}", revert_text(&r));
    r
}

fn deploy(chain: &mut Chain, data: &[u8], value: U256) -> Receipt {
    isolated(
        chain,
        TxRequest::call(DEV_ACCOUNT, DEPLOYER, data.to_vec()).value(value),
    )
}

/// What a child frame costs on its own: a transaction's gasUsed less its intrinsic gas.
fn precompile_call_gas(chain: &mut Chain, data: Vec<u8>) -> u64 {
    let r = isolated(chain, TxRequest::call(DEV_ACCOUNT, ARB_WASM, data.clone()));
    r.gas_used - intrinsic(&data)
}

/// The init code's own execution and code deposit: a CREATE transaction's gasUsed less
/// its intrinsic gas (21,000 + 32,000 + calldata + 2 per init-code word, EIP-3860).
fn init_code_gas(chain: &mut Chain, initcode: &Bytes) -> u64 {
    let r = isolated(chain, TxRequest::create(DEV_ACCOUNT, initcode.clone()));
    r.gas_used - (intrinsic(initcode) + 32_000 + 2 * words(initcode.len()))
}

#[test]
fn a_deploy_of_active_code_costs_intrinsic_gas_the_deployers_rule_and_its_three_children() {
    let mut chain = chain_with_probe_active();
    let initcode = padded_initcode(0);
    let data = deploy_data(&initcode, B256::ZERO);
    let r = deploy(&mut chain, &data, U256::ZERO);

    let codehash = keccak256(fixture("probe"));
    let children = init_code_gas(&mut chain, &initcode)
        + precompile_call_gas(&mut chain, codehashVersionCall { codehash }.abi_encode())
        + precompile_call_gas(&mut chain, stylusVersionCall {}.abi_encode());
    let w = words(initcode.len());
    // The deployer's own: fixed part; CREATE 32,000 + 2/word; the bytecode copied from
    // calldata (3/word) into memory that grows to the bytecode plus 9 words.
    let own = BASE + 32_000 + 2 * w + 3 * w + memory(w + BASE_MEMORY_WORDS);
    assert_eq!(r.gas_used, intrinsic(&data) + own + children);
}

#[test]
fn longer_init_code_costs_its_create_copy_and_memory_words_and_nothing_else() {
    let mut chain = chain_with_probe_active();
    let (short, long) = (padded_initcode(0), padded_initcode(4096));
    let (short_data, long_data) = (
        deploy_data(&short, B256::ZERO),
        deploy_data(&long, B256::ZERO),
    );
    let extra = deploy(&mut chain, &long_data, U256::ZERO).gas_used
        - deploy(&mut chain, &short_data, U256::ZERO).gas_used;

    let (ws, wl) = (words(short.len()), words(long.len()));
    let per_word = 2 + 3; // EIP-3860 init code word + calldata copy word
    let expected = intrinsic(&long_data) - intrinsic(&short_data)
        + per_word * (wl - ws)
        + memory(wl + BASE_MEMORY_WORDS)
        - memory(ws + BASE_MEMORY_WORDS);
    assert_eq!(extra, expected);
}

#[test]
fn a_salt_adds_create2_hashing_and_the_salts_own_keccak_of_salt_and_init_value() {
    let mut chain = chain_with_probe_active();
    let initcode = padded_initcode(0);
    let plain = deploy_data(&initcode, B256::ZERO);
    let salted = deploy_data(&initcode, B256::repeat_byte(0x11));
    let extra = deploy(&mut chain, &salted, U256::ZERO).gas_used
        - deploy(&mut chain, &plain, U256::ZERO).gas_used;

    let w = words(initcode.len());
    // keccak256(salt ‖ initData (empty) ‖ initValue): 30 + 6 per word over 64 bytes, in a
    // buffer of a length word and those 2 words allocated before the bytecode.
    let init_salt = SALT + 30 + 6 * 2;
    let memory_extra = memory(w + BASE_MEMORY_WORDS + 3) - memory(w + BASE_MEMORY_WORDS);
    let expected = intrinsic(&salted) - intrinsic(&plain) + 6 * w + init_salt + memory_extra;
    assert_eq!(extra, expected);
}

#[test]
fn refunding_value_that_activation_did_not_need_costs_one_value_transfer() {
    let mut chain = chain_with_probe_active();
    let data = deploy_data(&padded_initcode(0), B256::ZERO);
    let without = deploy(&mut chain, &data, U256::ZERO);
    let before = chain.balance(DEV_ACCOUNT);
    let r = chain
        .send(TxRequest::call(DEV_ACCOUNT, DEPLOYER, data).value(U256::from(7)))
        .expect("valid");
    assert!(r.success(), "{}", revert_text(&r));
    assert_eq!(r.gas_used - without.gas_used, REFUND + VALUE_CALL);

    // The 7 wei came back: the sender paid only gas.
    let gas_paid = U256::from(r.gas_used) * U256::from(r.effective_gas_price);
    assert_eq!(chain.balance(DEV_ACCOUNT), before - gas_paid);
}
