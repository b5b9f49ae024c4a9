//! Real Rust Stylus programs (`devnode/test-programs`, built by the contracts' packager
//! with the contracts' wasm flags) deployed through the StylusDeployer and ArbWasm, then
//! called: nested Stylus→EVM→Stylus calls, the reentrancy flag, logs, CREATE/CREATE2 from
//! WASM, value transfer, the storage cache flushing before a call, and a static call that
//! tries to write.
//!
//! Build the programs first: `cd contracts && cargo packager build --workspace
//! ../devnode/test-programs` (`.ci/run` does it before the tests).

use crate::common::*;
use alloy_sol_types::{sol, SolCall, SolEvent, SolValue};
use devnode::abi::ArbWasm::programInitGasCall;
use devnode::abi::StylusDeployer::{deployCall, ContractDeployed};
use devnode::deployer::{init_code, ADDRESS as DEPLOYER};
use devnode::{Chain, Status, TxRequest, DEV_ACCOUNT};
use revm::primitives::{address, hex, keccak256, Address, Bytes, B256, U256};

// The test programs' interfaces as their packager exported them.
sol!("../test-programs/abi/probe.sol");
sol!("../test-programs/abi/guarded.sol");

/// EVM forwarder, assembled by hand: calldata is `target(20) ‖ payload`; it CALLs target
/// with the payload, all gas and its own call value, and returns or reverts with the
/// callee's output.
const FORWARDER: &[u8] = &hex!(
    "3660149003806014600037600060008260003460003560601c5af13d6000803e6027573d6000fd5b3d6000f3"
);
/// EVM runtime that returns the word 42.
const ANSWER: &[u8] = &hex!("602a60005260206000f3");

struct World {
    chain: Chain,
    probe: Address,
    guarded: Address,
    forwarder: Address,
    /// gasUsed of the StylusDeployer transaction that deployed and activated `probe`.
    probe_deploy_gas: u64,
}

/// Deploys `code` through the StylusDeployer with 1 ETH for the data fee.
fn deploy_via_deployer(chain: &mut Chain, code: &[u8]) -> (Address, u64) {
    let data = deployCall {
        bytecode: init_code(code),
        initData: Bytes::new(),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    }
    .abi_encode();
    let before = chain.balance(DEV_ACCOUNT);
    let r = chain
        .send(TxRequest::call(DEV_ACCOUNT, DEPLOYER, data).value(eth(1)))
        .expect("deploy transaction is valid");
    assert!(r.success(), "StylusDeployer failed: {}", revert_text(&r));
    let deployed = r
        .logs
        .iter()
        .find_map(|l| ContractDeployed::decode_log_data(&l.data).ok())
        .expect("ContractDeployed is emitted")
        .deployedContract;
    assert_eq!(
        Address::abi_decode(&r.output).expect("returns an address"),
        deployed
    );
    // The excess of the 1 ETH sent for the data fee came back: only the fee and gas left.
    let spent = before - chain.balance(DEV_ACCOUNT);
    assert!(
        spent < eth(1) / U256::from(10),
        "the deployer refunds the excess value"
    );
    (deployed, r.gas_used)
}

fn world() -> World {
    let mut chain = chain();
    let (probe, probe_deploy_gas) = deploy_via_deployer(&mut chain, &fixture("probe"));
    // The second program takes the other path: a plain CREATE, then ArbWasm directly.
    let guarded = deploy_code(&mut chain, &fixture("guarded"));
    let r = activate(&mut chain, guarded);
    assert!(r.success(), "activation failed: {}", revert_text(&r));
    let forwarder = deploy_code(&mut chain, FORWARDER);
    World {
        chain,
        probe,
        guarded,
        forwarder,
        probe_deploy_gas,
    }
}

fn deploy_code(chain: &mut Chain, code: &[u8]) -> Address {
    let r = chain
        .send(TxRequest::create(DEV_ACCOUNT, init_code(code)))
        .expect("valid");
    assert!(r.success(), "{:?}", r.status);
    r.contract_address.expect("created")
}

fn via(target: Address, call: impl SolCall) -> Bytes {
    let mut v = target.to_vec();
    v.extend(call.abi_encode());
    v.into()
}

fn bytes_out(r: &devnode::Receipt) -> Bytes {
    Bytes::abi_decode(&r.output).expect("a bytes return value")
}

#[test]
fn a_program_deployed_through_the_stylus_deployer_is_activated_and_callable() {
    let mut w = world();
    let r = call(
        &mut w.chain,
        w.probe,
        IProbe::setCall {
            key: U256::from(1),
            value: U256::from(99),
        }
        .abi_encode(),
    );
    assert!(r.success(), "{}", revert_text(&r));
    let r = call(
        &mut w.chain,
        w.probe,
        IProbe::getCall { key: U256::from(1) }.abi_encode(),
    );
    assert_eq!(U256::abi_decode(&r.output).expect("uint"), U256::from(99));
    assert!(
        w.probe_deploy_gas > 1_659_168,
        "activation burns its fixed gas"
    );
}

#[test]
fn stylus_calls_evm_which_calls_stylus() {
    let mut w = world();
    call(
        &mut w.chain,
        w.guarded,
        IGuarded::setCall {
            key: U256::from(7),
            value: U256::from(700),
        }
        .abi_encode(),
    );
    let inner = via(w.guarded, IGuarded::getCall { key: U256::from(7) });
    let r = call(
        &mut w.chain,
        w.probe,
        IProbe::forwardCall {
            target: w.forwarder,
            data: inner,
        }
        .abi_encode(),
    );
    assert!(r.success(), "{}", revert_text(&r));
    assert_eq!(
        U256::abi_decode(&bytes_out(&r)).expect("uint"),
        U256::from(700)
    );
}

#[test]
fn the_reentrancy_flag_is_set_only_when_a_program_is_already_on_the_stack() {
    let mut w = world();
    let r = call(
        &mut w.chain,
        w.probe,
        IProbe::isReentrantCall {}.abi_encode(),
    );
    assert!(
        !bool::abi_decode(&r.output).expect("bool"),
        "a top-level call is not reentrant"
    );

    let back = via(w.probe, IProbe::isReentrantCall {});
    let r = call(
        &mut w.chain,
        w.probe,
        IProbe::forwardCall {
            target: w.forwarder,
            data: back,
        }
        .abi_encode(),
    );
    assert!(r.success(), "{}", revert_text(&r));
    assert!(
        bool::abi_decode(&bytes_out(&r)).expect("bool"),
        "probe → EVM → probe is reentrant"
    );

    // Without the SDK's `reentrant` feature a program refuses to be re-entered.
    let back = via(w.guarded, IGuarded::getCall { key: U256::ZERO });
    let r = call(
        &mut w.chain,
        w.guarded,
        IGuarded::callBackCall {
            target: w.forwarder,
            data: back,
        }
        .abi_encode(),
    );
    assert!(!r.success(), "guarded → EVM → guarded must fail");
}

#[test]
fn programs_emit_typed_and_raw_logs() {
    let mut w = world();
    let r = call(
        &mut w.chain,
        w.probe,
        IProbe::pingCall {
            value: U256::from(5),
        }
        .abi_encode(),
    );
    assert!(r.success());
    assert_eq!(r.logs.len(), 1);
    assert_eq!(r.logs[0].address, w.probe);
    let ping = IProbe::Ping::decode_log_data(&r.logs[0].data).expect("a Ping event");
    assert_eq!((ping.from, ping.value), (DEV_ACCOUNT, U256::from(5)));

    let topic1 = B256::repeat_byte(0xab);
    let r = call(
        &mut w.chain,
        w.probe,
        IProbe::emitLogsCall {
            topic1,
            data: Bytes::from_static(b"hello"),
        }
        .abi_encode(),
    );
    assert!(r.success());
    let log = &r.logs[0];
    assert_eq!(log.topics(), &[keccak256("Probe(bytes32)"), topic1]);
    assert_eq!(log.data.data.as_ref(), b"hello");
}

#[test]
fn programs_create_contracts_with_create1_and_create2() {
    let mut w = world();
    let initcode = init_code(ANSWER);
    let nonce = w.chain.nonce(w.probe);
    let r = call(
        &mut w.chain,
        w.probe,
        IProbe::deploy1Call {
            initcode: initcode.clone(),
        }
        .abi_encode(),
    );
    assert!(r.success(), "{}", revert_text(&r));
    let created = Address::abi_decode(&r.output).expect("address");
    assert_eq!(created, w.probe.create(nonce));
    assert_eq!(w.chain.code(created).as_ref(), ANSWER);

    let salt = B256::repeat_byte(7);
    let r = call(
        &mut w.chain,
        w.probe,
        IProbe::deploy2Call {
            initcode: initcode.clone(),
            salt,
        }
        .abi_encode(),
    );
    assert!(r.success(), "{}", revert_text(&r));
    let created2 = Address::abi_decode(&r.output).expect("address");
    assert_eq!(created2, w.probe.create2(salt, keccak256(&initcode)));
    let r = call(&mut w.chain, created2, Bytes::new());
    assert_eq!(U256::abi_decode(&r.output).expect("uint"), U256::from(42));
}

#[test]
fn programs_receive_and_send_value() {
    let mut w = world();
    let r = w
        .chain
        .send(
            TxRequest::call(DEV_ACCOUNT, w.probe, IProbe::depositCall {}.abi_encode())
                .value(eth(3)),
        )
        .expect("valid");
    assert!(r.success(), "{}", revert_text(&r));
    assert_eq!(w.chain.balance(w.probe), eth(3));

    let to = address!("00000000000000000000000000000000000b0b00");
    let r = call(
        &mut w.chain,
        w.probe,
        IProbe::payCall { to, amount: eth(1) }.abi_encode(),
    );
    assert!(r.success(), "{}", revert_text(&r));
    assert_eq!(w.chain.balance(to), eth(1));
    assert_eq!(w.chain.balance(w.probe), eth(2));

    // Value forwarded through the EVM forwarder into the other program's `deposit`.
    let inner = via(w.probe, IProbe::depositCall {});
    let r = w
        .chain
        .send(
            TxRequest::call(
                DEV_ACCOUNT,
                w.probe,
                IProbe::forwardCall {
                    target: w.forwarder,
                    data: inner,
                }
                .abi_encode(),
            )
            .value(eth(1)),
        )
        .expect("valid");
    assert!(r.success(), "{}", revert_text(&r));
    assert_eq!(w.chain.balance(w.probe), eth(3));
}

#[test]
fn the_storage_cache_is_flushed_before_a_call_so_a_reentrant_read_sees_it() {
    let mut w = world();
    let (key, value) = (U256::from(11), U256::from(1111));
    let read_back = via(w.probe, IProbe::getCall { key });
    let r = call(
        &mut w.chain,
        w.probe,
        IProbe::setThenCallCall {
            key,
            value,
            target: w.forwarder,
            data: read_back,
        }
        .abi_encode(),
    );
    assert!(r.success(), "{}", revert_text(&r));
    assert_eq!(U256::abi_decode(&bytes_out(&r)).expect("uint"), value);
}

#[test]
fn a_write_inside_a_static_call_fails_and_changes_nothing() {
    let mut w = world();
    let write = IProbe::setCall {
        key: U256::from(3),
        value: U256::from(4),
    }
    .abi_encode();
    let r = call(
        &mut w.chain,
        w.probe,
        IProbe::forwardStaticCall {
            target: w.probe,
            data: write.into(),
        }
        .abi_encode(),
    );
    assert!(matches!(r.status, Status::Revert(_)), "{:?}", r.status);
    let r = call(
        &mut w.chain,
        w.probe,
        IProbe::getCall { key: U256::from(3) }.abi_encode(),
    );
    assert_eq!(U256::abi_decode(&r.output).expect("uint"), U256::ZERO);
}

/// The program-entry gas ArbWasm reports for `program` (init + cached gas, as charged).
fn entry_gas(chain: &Chain, program: Address) -> u64 {
    let r = chain
        .call(TxRequest::call(
            DEV_ACCOUNT,
            ARB_WASM,
            programInitGasCall { program }.abi_encode(),
        ))
        .expect("valid");
    let g = programInitGasCall::abi_decode_returns(&r.output).expect("two gas values");
    // nitro's ProgramInitGas: the first value already includes the cached gas.
    assert!(g.gas > g.gasWhenCached, "{} vs {}", g.gas, g.gasWhenCached);
    g.gas
}

/// The probe calls the snapshot measures, in its order: (row name, calldata, value).
fn snapshot_calls(guarded: Address, forwarder: Address) -> Vec<(&'static str, Vec<u8>, U256)> {
    let k = U256::from(1);
    let set = |value: u64| {
        IProbe::setCall {
            key: k,
            value: U256::from(value),
        }
        .abi_encode()
    };
    let forward = IProbe::forwardCall {
        target: forwarder,
        data: via(guarded, IGuarded::getCall { key: k }),
    };
    let deploy1 = IProbe::deploy1Call {
        initcode: init_code(ANSWER),
    };
    let pay = IProbe::payCall {
        to: DEV_ACCOUNT,
        amount: U256::from(1),
    };
    vec![
        ("probe.set (zero → nonzero)", set(9), U256::ZERO),
        ("probe.set (nonzero → nonzero)", set(10), U256::ZERO),
        (
            "probe.get",
            IProbe::getCall { key: k }.abi_encode(),
            U256::ZERO,
        ),
        (
            "probe.ping (1 log)",
            IProbe::pingCall { value: k }.abi_encode(),
            U256::ZERO,
        ),
        (
            "probe → EVM → guarded.get",
            forward.abi_encode(),
            U256::ZERO,
        ),
        ("probe.deploy1", deploy1.abi_encode(), U256::ZERO),
        (
            "probe.deposit (1 ETH)",
            IProbe::depositCall {}.abi_encode(),
            eth(1),
        ),
        ("probe.pay", pay.abi_encode(), U256::ZERO),
    ]
}

/// Compares `table` with `tests/snapshots/rust_programs_gas.txt` (rewritten first under
/// `DEVNODE_BLESS`).
fn assert_matches_snapshot(table: &str) {
    let path = format!(
        "{}/tests/snapshots/rust_programs_gas.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("DEVNODE_BLESS").is_some() {
        std::fs::create_dir_all(format!("{}/tests/snapshots", env!("CARGO_MANIFEST_DIR")))
            .expect("mkdir");
        std::fs::write(&path, table).expect("write snapshot");
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run with DEVNODE_BLESS=1 to create it)"));
    assert_eq!(
        table, expected,
        "gasUsed changed; if intended, rerun with DEVNODE_BLESS=1 and review the diff"
    );
}

/// gasUsed of each call above, as a snapshot: a change in pricing shows up here as a
/// diff. Each total is the sum of
/// - intrinsic gas: 21000 + calldata (EIP-2028: 4 per zero byte, 16 per non-zero byte;
///   Prague's EIP-7623 floor does not bind for these small calls),
/// - program entry (nitro `CallProgram`): init gas 69·128 + initCost (not cached) plus
///   cached gas 11·32 + cachedCost (version 2), plus memory footprint pages priced by the
///   memory model (the first 2 pages of a transaction are free),
/// - execution: ink spent by the instrumented code (2450 per basic block + op costs) and
///   host functions, divided by the ink price 10000 and rounded down at exit, plus the EVM
///   gas host functions buy (SLOAD 2100/100, SSTORE per EIP-2200/2929/3529, calls per
///   EIP-2929 + 63/64 rule, CREATE 32000, logs 375/topic + 8/byte),
/// - refunds (EIP-3529: at most a fifth of the gas used).
///
/// The StylusDeployer row adds the deployer's CREATE, its `codehashVersion` probe and
/// `activateProgram` as nitro prices them (`tests/it/precompile_gas.rs` itemises both).
#[test]
fn gas_used_snapshot() {
    let w = world();
    let (probe, guarded, forwarder) = (w.probe, w.guarded, w.forwarder);
    let mut chain = w.chain;
    let probe_entry = entry_gas(&chain, probe);
    let mut rows: Vec<String> = Vec::new();
    for (name, data, value) in snapshot_calls(guarded, forwarder) {
        let intrinsic = intrinsic_gas(&data);
        let r = chain
            .send(TxRequest::call(DEV_ACCOUNT, probe, data).value(value))
            .expect("valid");
        assert!(r.success(), "{name}: {}", revert_text(&r));
        rows.push(format!(
            "{name}: {} = intrinsic {intrinsic} + program entry {probe_entry} + execution {}",
            r.gas_used,
            r.gas_used as i64 - intrinsic as i64 - probe_entry as i64
        ));
    }
    rows.push(format!(
        "StylusDeployer.deploy(probe) incl. activation: {}",
        w.probe_deploy_gas
    ));
    rows.push(format!(
        "probe program entry (ArbWasm.programInitGas, init + cached): {probe_entry}"
    ));
    rows.push(format!(
        "guarded program entry: {}",
        entry_gas(&chain, guarded)
    ));
    let table: String = rows.iter().map(|r| format!("{r}\n")).collect();
    assert_matches_snapshot(&table);
}

/// The protocol's own five programs, as `cargo packager build` leaves them in
/// `contracts/target/programs`, deploy and activate here as they must on Arbitrum.
#[test]
fn every_labelchain_contract_activates() {
    let mut chain = chain();
    for name in [
        "reward_token",
        "staking_escrow",
        "task_registry",
        "consensus_verifier",
        "dataset_registry",
    ] {
        let path = format!(
            "{}/../../contracts/target/programs/{name}.deploy",
            env!("CARGO_MANIFEST_DIR")
        );
        let code = std::fs::read(&path).unwrap_or_else(|e| {
            panic!("{path}: {e}. Build the contracts first: cd contracts && cargo packager build")
        });
        let program = deploy_code(&mut chain, &code);
        let r = activate(&mut chain, program);
        assert!(
            r.success(),
            "{name}: activation failed: {}",
            revert_text(&r)
        );
    }
}
