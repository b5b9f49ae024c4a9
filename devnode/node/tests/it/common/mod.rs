//! Shared steps of the devnode tests: a chain, deploying WAT and prebuilt programs,
//! activating them through ArbWasm, and calling.
#![allow(dead_code)]

use alloy_sol_types::SolCall;
use devnode::abi::ArbWasm::activateProgramCall;
use devnode::deployer::{init_code, program_code};
use devnode::{Chain, ChainConfig, Receipt, TxRequest, DEV_ACCOUNT};
use revm::primitives::{Address, Bytes, U256};

pub use devnode::arbos::precompiles::ARB_WASM;

pub fn chain() -> Chain {
    Chain::new(ChainConfig::default())
}

pub fn eth(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64.pow(18))
}

/// A devnode test program's deployable bytes (`devnode/test-programs`, built by the
/// contracts' packager).
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../test-programs/target/programs/{name}.deploy",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{path}: {e}. Build the test programs first: \
             cd contracts && cargo packager build --workspace ../devnode/test-programs"
        )
    })
}

/// Deploys `wasm` as a Stylus program without activating it.
pub fn deploy_wasm(chain: &mut Chain, wasm: &[u8]) -> Address {
    let r = chain
        .send(TxRequest::create(
            DEV_ACCOUNT,
            init_code(&program_code(wasm)),
        ))
        .expect("deploy transaction is valid");
    assert!(r.success(), "deploy failed: {:?}", r.status);
    r.contract_address.expect("a create has an address")
}

pub fn activate(chain: &mut Chain, program: Address) -> Receipt {
    let data = activateProgramCall { program }.abi_encode();
    chain
        .send(TxRequest::call(DEV_ACCOUNT, ARB_WASM, data).value(eth(1)))
        .expect("activation transaction is valid")
}

/// Deploys and activates a WAT program.
pub fn deploy_wat(chain: &mut Chain, wat: &str) -> Address {
    let wasm = wat::parse_str(wat).expect("test WAT parses");
    let program = deploy_wasm(chain, &wasm);
    let r = activate(chain, program);
    assert!(
        r.success(),
        "activation failed: {:?} {}",
        r.status,
        revert_text(&r)
    );
    program
}

pub fn call(chain: &mut Chain, to: Address, data: impl Into<Bytes>) -> Receipt {
    chain
        .send(TxRequest::call(DEV_ACCOUNT, to, data))
        .expect("call transaction is valid")
}

/// A revert's `Error(string)` text, or the hex of its data.
pub fn revert_text(r: &Receipt) -> String {
    match &r.status {
        devnode::Status::Revert(data) => {
            if data.len() > 68 && data[..4] == [0x08, 0xc3, 0x79, 0xa0] {
                String::from_utf8_lossy(&data[68..])
                    .trim_end_matches('\0')
                    .to_string()
            } else {
                format!("0x{}", revm::primitives::hex::encode(data))
            }
        }
        other => format!("{other:?}"),
    }
}

/// A transaction's intrinsic gas: 21000 + calldata (EIP-2028: 4 per zero byte, 16 per
/// non-zero byte); no EIP-7623 floor: nitro leaves it off unless the chain enables
/// increased calldata pricing.
pub fn intrinsic_gas(data: &[u8]) -> u64 {
    21_000
        + data
            .iter()
            .map(|b| if *b == 0 { 4 } else { 16 })
            .sum::<u64>()
}
