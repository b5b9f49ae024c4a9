//! Revert decoding: any revert data the protocol can produce (every custom error of the
//! five ABIs in `abi/`, which the programs re-raise unchanged from the contracts they
//! call, ArbWasm's and the StylusDeployer's errors, `Error(string)` and `Panic(uint256)`)
//! turned into the error's name, its arguments and a sentence a person can act on.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use alloy::dyn_abi::{DynSolValue, JsonAbiExt};
use alloy::json_abi::{Error as AbiError, JsonAbi};
use alloy::primitives::{Bytes, FixedBytes};

const ABIS: [(&str, &str); 5] = [
    ("RewardToken", include_str!("../../abi/IRewardToken.json")),
    (
        "StakingEscrow",
        include_str!("../../abi/IStakingEscrow.json"),
    ),
    ("TaskRegistry", include_str!("../../abi/ITaskRegistry.json")),
    (
        "ConsensusVerifier",
        include_str!("../../abi/IConsensusVerifier.json"),
    ),
    (
        "DatasetRegistry",
        include_str!("../../abi/IDatasetRegistry.json"),
    ),
];

/// Errors of the system contracts the deploy talks to (not in `abi/`).
const SYSTEM_ERRORS: [&str; 12] = [
    "error ProgramNotWasm()",
    "error ProgramNotActivated()",
    "error ProgramNeedsUpgrade(uint16,uint16)",
    "error ProgramExpired(uint64)",
    "error ProgramUpToDate()",
    "error ProgramKeepaliveTooSoon(uint64)",
    "error ProgramInsufficientValue(uint256,uint256)",
    "error EmptyBytecode()",
    "error ContractDeploymentError(bytes)",
    "error ContractInitializationError(address)",
    "error RefundExcessValueError(uint256)",
    "error InitValueButNotInitData()",
];

fn table() -> &'static HashMap<FixedBytes<4>, AbiError> {
    static TABLE: OnceLock<HashMap<FixedBytes<4>, AbiError>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for (name, json) in ABIS {
            let abi: JsonAbi = serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("abi/I{name}.json is not a JSON ABI: {e}"));
            for e in abi.errors() {
                map.entry(e.selector()).or_insert_with(|| e.clone());
            }
        }
        for sig in SYSTEM_ERRORS {
            let e = AbiError::parse(sig).expect("a valid error signature");
            map.entry(e.selector()).or_insert(e);
        }
        for sig in ["error Error(string)", "error Panic(uint256)"] {
            let e = AbiError::parse(sig).expect("a valid error signature");
            map.insert(e.selector(), e);
        }
        map
    })
}

/// A decoded revert.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Revert {
    /// The custom error's name (`InsufficientFreeStake`), or `unknown`.
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
    let raw = Bytes::copy_from_slice(data);
    if data.is_empty() {
        return Revert {
            name: "empty".into(),
            args: vec![],
            message: "the call reverted without data (out of gas, a failed call into a \
                      contract without code, or a program that is not activated)"
                .into(),
            data: raw,
        };
    }
    if data.len() >= 4 {
        let selector = FixedBytes::<4>::from_slice(&data[..4]);
        if let Some(error) = table().get(&selector) {
            if let Ok(values) = error.abi_decode_input(&data[4..]) {
                let args: Vec<String> = values.iter().map(show).collect();
                let message = sentence(&error.name, &args);
                return Revert {
                    name: error.name.clone(),
                    args,
                    message,
                    data: raw,
                };
            }
        }
    }
    let name = format!("0x{}", alloy::hex::encode(&data[..data.len().min(4)]));
    Revert {
        message: format!(
            "unknown revert {name} (not an error of the Labelchain ABIs; is the address right?)"
        ),
        name,
        args: vec![],
        data: raw,
    }
}

const TASK_FIELDS: [&str; 11] = [
    "dataRoot (must not be zero)",
    "itemCount (1..=(2^32-1)/labellersPerItem: a task takes at most 2^32-1 labels)",
    "numClasses (2..=256)",
    "labellersPerItem (1..=32)",
    "thresholdBps (5001..=10000)",
    "rewardPerLabel (1..=2^96-1 in the token's smallest unit)",
    "stakePerLabel (1..=2^96-1 in the token's smallest unit)",
    "commitDuration (60 s..=365 days, and the windows must end before 2^64 s)",
    "revealDuration (60 s..=365 days)",
    "auditRateBps (at most 10000)",
    "minTier (0 Bronze, 1 Silver, 2 Gold)",
];

const PARAMS: [&str; 9] = [
    "feeBps (at most 10 %)",
    "slashBps (at most 100 %)",
    "noRevealSlashBps (at most 100 %)",
    "slashBurnBps (at most 100 %)",
    "auditWindow (1 h..=30 days)",
    "standardBps (1.0x..=strong)",
    "strongBps (standard..=audited)",
    "auditedBps (strong..=1.5x)",
    "auditorShareBps (at most 50 %)",
];

const ITEM_STATUS: [&str; 6] = [
    "has no commits",
    "is open",
    "is pending audit",
    "is escalated",
    "is final",
    "is void",
];

fn item_status(s: &str) -> &'static str {
    s.parse::<usize>()
        .ok()
        .and_then(|i| ITEM_STATUS.get(i).copied())
        .unwrap_or("is in an unknown state")
}

fn tier(s: &str) -> &'static str {
    match s {
        "0" => "Bronze",
        "1" => "Silver",
        "2" => "Gold",
        _ => "unknown",
    }
}

/// The human sentence for an error, from the doc comments of each contract's `errors.rs`.
pub fn sentence(name: &str, a: &[String]) -> String {
    let arg = |i: usize| a.get(i).map(String::as_str).unwrap_or("?");
    match name {
        // Shared / OpenZeppelin.
        "OwnableUnauthorizedAccount" => {
            format!("{} is not the owner of this contract (admin only)", arg(0))
        }
        "OwnableInvalidOwner" => format!("{} cannot be the owner", arg(0)),
        "EnforcedPause" => "the protocol is paused: createTask and commit are stopped".into(),
        "ExpectedPause" => "the protocol is not paused".into(),
        "ZeroAddress" => "an address argument is the zero address".into(),
        "LengthMismatch" => "the argument lists have different lengths".into(),
        "ERC20InsufficientBalance" => format!(
            "{} holds {} token units but {} are needed",
            arg(0),
            arg(1),
            arg(2)
        ),
        "ERC20InsufficientAllowance" => format!(
            "{} may spend only {} token units of the owner, {} are needed: approve more",
            arg(0),
            arg(1),
            arg(2)
        ),
        "ERC20InvalidSender" => format!("{} cannot send tokens", arg(0)),
        "ERC20InvalidReceiver" => format!("{} cannot receive tokens", arg(0)),
        "ERC20InvalidSpender" => format!("{} cannot be a spender", arg(0)),
        "ERC20InvalidApprover" => format!("{} cannot approve", arg(0)),
        "ERC2612ExpiredSignature" => format!("the permit expired at {}", arg(0)),
        "ERC2612InvalidSigner" => format!(
            "the permit was signed by {}, not by the owner {}",
            arg(0),
            arg(1)
        ),
        "ECDSAInvalidSignature" | "ECDSAInvalidSignatureS" => "the signature is invalid".into(),
        "SafeErc20FailedOperation" => format!("a transfer of token {} failed", arg(0)),
        // RewardToken.
        "InvalidTokenParameters" => "token parameters are invalid: zero admin or treasury, \
            genesis above the cap, a halving interval of zero or above 2^32-1, or a pool too \
            small to emit anything"
            .into(),
        "EmissionMultiplierOutOfRange" => {
            format!("emission multiplier {} bps is outside 1.0x..=1.5x", arg(0))
        }
        "NotMinter" => format!(
            "{} is not the token's minter (the consensus verifier)",
            arg(0)
        ),
        "MinterAlreadySet" => format!(
            "the token's minter is already set to {} and never changes",
            arg(0)
        ),
        // StakingEscrow.
        "ZeroAmount" => "the amount is zero".into(),
        "InsufficientFreeStake" => format!(
            "not enough free stake: {} available, {} needed (stake more, or wait for locked \
             stake to be released)",
            arg(0),
            arg(1)
        ),
        "InsufficientLockedStake" => format!(
            "{} has {} locked stake, settlement needs {}",
            arg(0),
            arg(1),
            arg(2)
        ),
        "NothingToWithdraw" => "no unbonding stake to withdraw (unstake first)".into(),
        "StillUnbonding" => format!(
            "the unbonding stake becomes withdrawable at unix time {}",
            arg(0)
        ),
        "NothingToClaim" => format!("nothing is claimable in token {}", arg(0)),
        "BountyExists" => format!("task {}'s bounty was already deposited", arg(0)),
        "BountyExceeded" => format!(
            "task {} has {} left of its bounty, {} were asked",
            arg(0),
            arg(1),
            arg(2)
        ),
        "InvalidEscrowParameters" => {
            "zero address or an unbonding period outside 1 hour..=90 days".into()
        }
        "NotRegistry" => format!("{} is not the task registry", arg(0)),
        "NotVerifier" => format!("{} is not the consensus verifier", arg(0)),
        "ProtocolAlreadySet" => {
            "the escrow's registry and verifier are already wired and never change".into()
        }
        "AmountOverflow" => "the amount would overflow the escrow's books (above 2^256-1 or \
            below zero); nothing was moved"
            .into(),
        // TaskRegistry.
        "InvalidTaskParameter" => {
            let field = arg(0)
                .parse::<usize>()
                .ok()
                .and_then(|i| TASK_FIELDS.get(i).copied())
                .unwrap_or("an unknown field");
            format!("task parameter out of bounds: {field}")
        }
        "EmissionRateOutOfRange" => format!(
            "emission rate {} for token {} is above its bound {} (1e18 = 1 LBL per LBL of \
             fee for LBL itself)",
            arg(1),
            arg(0),
            arg(2)
        ),
        "PaymentTokenNotAllowed" => format!(
            "{} is not an allow-listed payment token (the admin adds it with setPaymentToken)",
            arg(0)
        ),
        "ParameterOutOfRange" => {
            let field = arg(0)
                .parse::<usize>()
                .ok()
                .and_then(|i| PARAMS.get(i).copied())
                .unwrap_or("an unknown parameter");
            format!("protocol parameter out of bounds: {field}")
        }
        "TaskNotOpen" => format!("task {} does not exist or was cancelled", arg(0)),
        "NotRequester" => format!("only task {}'s requester {} may do this", arg(0), arg(1)),
        "TaskAlreadyStarted" => format!(
            "task {} already has commits, so it can no longer be cancelled (reclaim after \
             the commit window instead)",
            arg(0)
        ),
        "CommitWindowOpen" => format!(
            "the commit window is open until unix time {}; reclaim works after it",
            arg(0)
        ),
        "NothingToReclaim" => format!("task {} has nothing left to reclaim", arg(0)),
        "VerifierAlreadySet" => format!(
            "the registry's verifier is already {} and never changes",
            arg(0)
        ),
        "VerifierNotSet" => "the registry has no verifier yet: the deployment is not wired \
            (rerun `labelchain deploy`)"
            .into(),
        // ConsensusVerifier.
        "CommitWindowClosed" => format!("the commit window closed at unix time {}", arg(0)),
        "ItemOutOfRange" => format!(
            "item {} does not exist: the task has {} items (0-based)",
            arg(0),
            arg(1)
        ),
        "TierTooLow" => format!(
            "your reputation tier {} is below the task's minimum {}",
            tier(arg(0)),
            tier(arg(1))
        ),
        "ItemFull" => format!("item {} already has all its commits", arg(0)),
        "AlreadyCommitted" => format!("you already committed on item {}", arg(0)),
        "EmptyCommitment" => "the commitment is zero".into(),
        "OutsideRevealWindow" => format!(
            "reveals are accepted after unix time {} until {} (inclusive)",
            arg(0),
            arg(1)
        ),
        "NotCommitted" => format!("you have no commit on item {}", arg(0)),
        "AlreadyRevealed" => format!("you already revealed on item {}", arg(0)),
        "InvalidLabel" => format!(
            "label {} is not a class index below numClasses {}",
            arg(0),
            arg(1)
        ),
        "CommitmentMismatch" => format!(
            "the label and salt do not match the commitment on item {}",
            arg(0)
        ),
        "TooEarlyToFinalize" => format!(
            "item {} can be finalized after unix time {} (reveal or audit window still open)",
            arg(0),
            arg(1)
        ),
        "NotFinalizable" => format!(
            "nothing to finalize: item {} {}",
            arg(0),
            item_status(arg(1))
        ),
        "NotAuditable" => format!(
            "only items pending audit or escalated can be audited; item {} {}",
            arg(0),
            item_status(arg(1))
        ),
        "AuditWindowClosed" => format!(
            "the audit window of item {} closed at unix time {}",
            arg(0),
            arg(1)
        ),
        "InvalidBatchSize" => format!("a batch of {} entries: batches take 1..={}", arg(0), arg(1)),
        "NotAuditor" => format!("{} is not an auditor", arg(0)),
        "AuditorIsRequester" => format!(
            "you requested task {}: an auditor may not judge their own task (another \
             auditor must)",
            arg(0)
        ),
        "AuditorIsLabeller" => format!(
            "you committed on item {}: an auditor may not judge an item they labelled \
             (another auditor must)",
            arg(0)
        ),
        // DatasetRegistry.
        "DigestMismatch" => format!(
            "labels digest {} is not the task's current on-chain digest {}",
            arg(0),
            arg(1)
        ),
        "UnknownDataset" => format!("task {} has no dataset version {}", arg(0), arg(1)),
        // ArbWasm.
        "ProgramNotWasm" => "the code is not a Stylus program".into(),
        "ProgramNotActivated" => "the program is not activated".into(),
        "ProgramNeedsUpgrade" => format!(
            "the program is activated at Stylus version {} but the chain runs {}: activate it again",
            arg(0),
            arg(1)
        ),
        "ProgramExpired" => format!(
            "the program's activation expired ({} s old): activate it again",
            arg(0)
        ),
        "ProgramUpToDate" => "the program is already activated".into(),
        "ProgramKeepaliveTooSoon" => "the program was kept alive too recently".into(),
        "ProgramInsufficientValue" => format!(
            "activation needs a data fee of {} wei, {} were sent",
            arg(1),
            arg(0)
        ),
        // StylusDeployer.
        "EmptyBytecode" => "the deployer was given no bytecode".into(),
        "ContractDeploymentError" => "the deployer's CREATE failed (is the address already \
            taken, or the code invalid?)"
            .into(),
        "ContractInitializationError" => format!(
            "the constructor of the program at {} reverted (bad constructor arguments?)",
            arg(0)
        ),
        "RefundExcessValueError" => format!("the deployer could not refund {} wei", arg(0)),
        "InitValueButNotInitData" => "value for a constructor that is not called".into(),
        "Error" => format!("reverted: {}", arg(0)),
        "Panic" => format!("panicked with code {}", arg(0)),
        other => format!("{other}({})", a.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::{Address, U256};
    use alloy::sol_types::SolError;

    #[test]
    fn every_abi_error_decodes_to_its_name_and_a_sentence() {
        for (name, json) in ABIS {
            let abi: JsonAbi = serde_json::from_str(json).unwrap();
            for e in abi.errors() {
                // Zero arguments of the right shape.
                let values: Vec<DynSolValue> = e
                    .inputs
                    .iter()
                    .map(|p| {
                        let ty: alloy::dyn_abi::DynSolType = p.ty.parse().unwrap();
                        ty.abi_decode(&[0u8; 32]).unwrap()
                    })
                    .collect();
                let data = e.abi_encode_input(&values).unwrap();
                let mut full = e.selector().to_vec();
                full.extend(data);
                let r = decode(&full);
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
    fn insufficient_free_stake_names_both_amounts() {
        let data = crate::bindings::IStakingEscrow::InsufficientFreeStake {
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
}
