//! Revert decoding: any revert data the protocol can produce (every custom error of the
//! five ABIs in `abi/`, which the programs re-raise unchanged from the contracts they
//! call, ArbWasm's and the StylusDeployer's errors, `Error(string)` and `Panic(uint256)`)
//! turned into the error's name, its arguments and a sentence a person can act on.
//!
//! The sentences are written against the errors enums `sol!` generates in
//! [`crate::bindings`], one module per interface, each enum matched exhaustively: an error
//! added to an ABI does not compile until it has a sentence, and the sentence reads its
//! arguments from the error's typed fields. Because the programs re-raise the errors of
//! the contracts they call, one error can sit in several ABIs and so in several enums;
//! every such arm calls the one function for that error in `shared`, so each fact is
//! written once and the order in which [`decode`] tries the enums never changes a sentence.

mod datasets;
mod escrow;
mod registry;
mod shared;
mod system;
pub mod table;
mod token;
mod verifier;

#[cfg(test)]
mod tests;

use std::fmt;

use alloy::dyn_abi::{DynSolValue, JsonAbiExt};
use alloy::json_abi::Error as AbiError;
use alloy::primitives::Bytes;
use alloy::sol_types::{GenericContractError, SolInterface};

use crate::bindings::{
    ArbWasm::ArbWasmErrors, IConsensusVerifier::IConsensusVerifierErrors,
    IDatasetRegistry::IDatasetRegistryErrors, IRewardToken::IRewardTokenErrors,
    IStakingEscrow::IStakingEscrowErrors, ITaskRegistry::ITaskRegistryErrors,
    StylusDeployer::StylusDeployerErrors,
};

/// A decoded revert.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Revert {
    /// The custom error's name (`InsufficientFreeStake`); `empty` for no data, and the
    /// selector in hex (`0x01020304`) for data that is no known error.
    pub name: String,
    /// Its arguments, formatted (addresses checksummed, integers in decimal).
    pub args: Vec<String>,
    /// What happened, in a sentence.
    pub message: String,
    /// The raw revert data.
    pub data: Bytes,
}

impl fmt::Display for Revert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}({}): {}",
            self.name,
            self.args.join(", "),
            self.message
        )
    }
}

/// A generated errors enum whose every error has a sentence.
trait Sentences: SolInterface {
    /// The signature of the error with this selector (the generated
    /// `signature_by_selector`): it names the error and types its arguments for
    /// [`Revert::args`], which show every argument the same way whatever the sentence uses.
    fn signature(selector: [u8; 4]) -> Option<&'static str>;

    /// What happened, in a sentence a person can act on.
    fn sentence(&self) -> String;
}

/// [`decode_as`] for one enum.
type Decoder = fn(&[u8]) -> Option<Revert>;

/// Decodes `data` as one of `E`'s errors, or `None` when its selector is not one of them
/// or its arguments do not decode.
fn decode_as<E: Sentences>(data: &[u8]) -> Option<Revert> {
    let selector: [u8; 4] = data.get(..4)?.try_into().ok()?;
    let signature = E::signature(selector)?;
    let error = E::abi_decode(data).ok()?;
    let abi = AbiError::parse(signature).ok()?;
    let args = abi.abi_decode_input(&data[4..]).ok()?;
    Some(Revert {
        name: abi.name,
        args: args.iter().map(show).collect(),
        message: error.sentence(),
        data: Bytes::copy_from_slice(data),
    })
}

/// The enums [`decode`] tries, in this order: Solidity's built-in `Error(string)` and
/// `Panic(uint256)` first, then the five programs as `abi/` lists them, then the system
/// contracts; the first that knows the selector decodes it. An error in several enums
/// reads the same in each (see the module doc), so the order could only matter for two
/// different errors with one selector, which the tests rule out.
const DECODERS: [Decoder; 8] = [
    decode_as::<GenericContractError>,
    decode_as::<IRewardTokenErrors>,
    decode_as::<IStakingEscrowErrors>,
    decode_as::<ITaskRegistryErrors>,
    decode_as::<IConsensusVerifierErrors>,
    decode_as::<IDatasetRegistryErrors>,
    decode_as::<ArbWasmErrors>,
    decode_as::<StylusDeployerErrors>,
];

/// The signature of every error [`decode`] knows, each once, in [`DECODERS`]' order.
fn signatures() -> Vec<&'static str> {
    let lists: [&[&'static str]; 8] = [
        &["Error(string)", "Panic(uint256)"],
        IRewardTokenErrors::SIGNATURES,
        IStakingEscrowErrors::SIGNATURES,
        ITaskRegistryErrors::SIGNATURES,
        IConsensusVerifierErrors::SIGNATURES,
        IDatasetRegistryErrors::SIGNATURES,
        ArbWasmErrors::SIGNATURES,
        StylusDeployerErrors::SIGNATURES,
    ];
    let mut out: Vec<&'static str> = Vec::new();
    for s in lists.into_iter().flatten() {
        if !out.contains(s) {
            out.push(s);
        }
    }
    out
}

fn show(v: &DynSolValue) -> String {
    match v {
        DynSolValue::Address(a) => a.to_checksum(None),
        DynSolValue::Uint(u, _) => u.to_string(),
        DynSolValue::Int(i, _) => i.to_string(),
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::FixedBytes(w, n) => format!("0x{}", alloy::hex::encode(&w[..*n])),
        DynSolValue::Bytes(b) if b.len() > 64 => format!("<{} bytes>", b.len()),
        DynSolValue::Bytes(b) => format!("0x{}", alloy::hex::encode(b)),
        DynSolValue::String(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

/// Decodes revert data. Data that matches no known error keeps its selector as its name.
pub fn decode(data: &[u8]) -> Revert {
    if data.is_empty() {
        return Revert {
            name: "empty".into(),
            args: vec![],
            message: "the call reverted without data (out of gas, a failed call into a \
                      contract without code, or a program that is not activated)"
                .into(),
            data: Bytes::new(),
        };
    }
    DECODERS
        .iter()
        .find_map(|decode_as| decode_as(data))
        .unwrap_or_else(|| unknown(data))
}

fn unknown(data: &[u8]) -> Revert {
    let name = format!("0x{}", alloy::hex::encode(&data[..data.len().min(4)]));
    Revert {
        message: format!(
            "unknown revert {name} (not an error of the Labelchain ABIs; is the address right?)"
        ),
        name,
        args: vec![],
        data: Bytes::copy_from_slice(data),
    }
}
