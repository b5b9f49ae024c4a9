use std::collections::HashMap;

use alloy::dyn_abi::DynSolType;
use alloy::json_abi::JsonAbi;
use alloy::primitives::{Address, U256};
use alloy::sol_types::SolError;

use super::*;
use crate::bindings;

/// Each ABI in `abi/`, with the decoder of its generated errors enum.
const ABIS: [(&str, &str, Decoder); 5] = [
    (
        "RewardToken",
        include_str!("../../../abi/IRewardToken.json"),
        decode_as::<IRewardTokenErrors>,
    ),
    (
        "StakingEscrow",
        include_str!("../../../abi/IStakingEscrow.json"),
        decode_as::<IStakingEscrowErrors>,
    ),
    (
        "TaskRegistry",
        include_str!("../../../abi/ITaskRegistry.json"),
        decode_as::<ITaskRegistryErrors>,
    ),
    (
        "ConsensusVerifier",
        include_str!("../../../abi/IConsensusVerifier.json"),
        decode_as::<IConsensusVerifierErrors>,
    ),
    (
        "DatasetRegistry",
        include_str!("../../../abi/IDatasetRegistry.json"),
        decode_as::<IDatasetRegistryErrors>,
    ),
];

fn abi_errors(json: &str) -> Vec<AbiError> {
    let abi: JsonAbi = serde_json::from_str(json).expect("a JSON ABI");
    abi.errors().cloned().collect()
}

/// The errors of the chain's own contracts and Solidity's built-ins, from the bindings.
fn system_errors() -> Vec<AbiError> {
    let signatures = ArbWasmErrors::SIGNATURES
        .iter()
        .chain(StylusDeployerErrors::SIGNATURES)
        .chain(&["Error(string)", "Panic(uint256)"]);
    signatures
        .map(|sig| AbiError::parse(sig).expect("a valid error signature"))
        .collect()
}

/// `e` raised with every argument zero (of the right shape).
fn raised(e: &AbiError) -> Vec<u8> {
    let values: Vec<DynSolValue> = e
        .inputs
        .iter()
        .map(|p| {
            let ty: DynSolType = p.ty.parse().unwrap();
            ty.abi_decode(&[0u8; 32]).unwrap()
        })
        .collect();
    e.abi_encode_input(&values).unwrap()
}

#[test]
fn every_abi_error_decodes_to_its_name_and_a_sentence() {
    for (name, json, _) in ABIS {
        for e in abi_errors(json) {
            let r = decode(&raised(&e));
            assert_eq!(r.name, e.name, "{name}");
            assert!(
                !r.message.starts_with(&format!("{}(", e.name)),
                "{name}.{} has no sentence",
                e.name
            );
        }
    }
}

#[test]
fn every_error_the_protocol_can_raise_has_a_sentence_of_its_own() {
    let mut signatures = HashMap::new();
    let abis = ABIS.iter().flat_map(|(_, json, _)| abi_errors(json));
    for e in abis.chain(system_errors()) {
        let signature = signatures.entry(e.selector()).or_insert(e.signature());
        assert_eq!(*signature, e.signature(), "two errors share a selector");
        let r = decode(&raised(&e));
        assert_eq!(r.name, e.name);
        assert_eq!(r.args.len(), e.inputs.len(), "{}", e.name);
        assert!(
            !r.message.is_empty() && !r.message.starts_with("unknown revert"),
            "{} falls back to {:?}",
            e.name,
            r.message
        );
    }
}

#[test]
fn an_error_in_several_abis_reads_the_same_whichever_program_raised_it() {
    let mut seen: HashMap<String, (&str, String)> = HashMap::new();
    for (name, json, decoder) in ABIS {
        for e in abi_errors(json) {
            let r = decoder(&raised(&e)).unwrap_or_else(|| panic!("{name} decodes {}", e.name));
            let (first, message) = seen
                .entry(e.signature())
                .or_insert((name, r.message.clone()));
            assert_eq!(
                *message, r.message,
                "{} reads differently in {first} and {name}",
                e.name
            );
        }
    }
}

#[test]
fn sentences_read_the_typed_arguments_in_their_roles() {
    let data = bindings::ArbWasm::ProgramInsufficientValue {
        have: U256::from(1),
        want: U256::from(2),
    }
    .abi_encode();
    let r = decode(&data);
    assert_eq!(r.args, vec!["1", "2"]);
    assert_eq!(
        r.message,
        "activation needs a data fee of 2 wei, 1 were sent"
    );
    let data = bindings::IConsensusVerifier::TierTooLow { _0: 0, _1: 2 }.abi_encode();
    assert_eq!(
        decode(&data).message,
        "your reputation tier Bronze is below the task's minimum Gold"
    );
    let data = bindings::ITaskRegistry::InvalidTaskParameter(2).abi_encode();
    assert_eq!(
        decode(&data).message,
        "task parameter out of bounds: numClasses (2..=256)"
    );
}

#[test]
fn insufficient_free_stake_names_both_amounts() {
    let data = bindings::IStakingEscrow::InsufficientFreeStake {
        _0: U256::from(5),
        _1: U256::from(10),
    }
    .abi_encode();
    let r = decode(&data);
    assert_eq!(r.name, "InsufficientFreeStake");
    assert_eq!(r.args, vec!["5", "10"]);
    assert!(
        r.message.contains("5 available, 10 needed"),
        "{}",
        r.message
    );
    let mut data = alloy::primitives::keccak256("NotAuditor(address)")[..4].to_vec();
    data.extend_from_slice(Address::repeat_byte(1).into_word().as_slice());
    let r = decode(&data);
    assert!(r.to_string().starts_with("NotAuditor(0x0101"));
    assert_eq!(decode(&[1, 2, 3, 4]).name, "0x01020304");
    assert_eq!(decode(&[]).name, "empty");
}

#[test]
fn a_known_selector_with_arguments_that_do_not_decode_is_unknown() {
    let mut data = bindings::IStakingEscrow::InsufficientFreeStake {
        _0: U256::from(5),
        _1: U256::from(10),
    }
    .abi_encode();
    data.truncate(4 + 32);
    let r = decode(&data);
    assert_eq!(r.name, format!("0x{}", alloy::hex::encode(&data[..4])));
    assert!(r.args.is_empty());
    assert_eq!(decode(&[1, 2]).name, "0x0102");
}
