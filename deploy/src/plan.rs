//! The deployment plan: parameters, the five programs with their constructor data and
//! CREATE2 addresses (known before anything is sent), then the wiring steps. The plan is
//! the same on every run with the same parameters, which is what makes `deploy`
//! idempotent: each step's target is known and checked on chain before it is sent.

use alloy::primitives::{keccak256, Address, Bytes, B256, U256};
use alloy::sol_types::SolValue;

use crate::error::{Error, Result};
use crate::programs::{init_code, Program, ProgramId};
use crate::state::Params;

/// One LBL (18 decimals).
pub fn lbl(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// DESIGN.md's defaults.
pub const DEFAULT_HALVING_INTERVAL: u64 = 1_000_000;
pub const DEFAULT_UNBONDING_PERIOD: u64 = 7 * 86_400;

/// The 4-byte selector Stylus SDK 0.9 routes constructors by.
pub fn constructor_selector() -> [u8; 4] {
    let h = keccak256("stylus_constructor()");
    [h[0], h[1], h[2], h[3]]
}

/// One program to deploy through the StylusDeployer.
#[derive(Clone, Debug)]
pub struct Target {
    pub program: Program,
    /// `selector ‖ abi.encode(constructor args)`: the deployer's `initData`.
    pub init_data: Bytes,
    /// The `salt` argument of `deploy`.
    pub salt: B256,
    pub init_code: Bytes,
    /// Where the deployer's CREATE2 puts it.
    pub address: Address,
}

/// A wiring or allow-list step, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wire {
    /// `RewardToken.setMinter(verifier)`.
    Minter,
    /// `StakingEscrow.setProtocol(registry, verifier)`.
    Protocol,
    /// `TaskRegistry.setVerifier(verifier)`.
    RegistryVerifier,
    /// `TaskRegistry.setPaymentToken(token, true)`.
    PaymentToken(Address),
    /// `ConsensusVerifier.setAuditor(auditor, true)`.
    Auditor(Address),
}

impl Wire {
    pub fn id(&self) -> String {
        match self {
            Wire::Minter => "wire:token.setMinter".into(),
            Wire::Protocol => "wire:escrow.setProtocol".into(),
            Wire::RegistryVerifier => "wire:registry.setVerifier".into(),
            Wire::PaymentToken(t) => format!("allow:registry.setPaymentToken:{t}"),
            Wire::Auditor(a) => format!("allow:verifier.setAuditor:{a}"),
        }
    }

    pub fn label(&self) -> String {
        match self {
            Wire::Minter => "RewardToken.setMinter(verifier)".into(),
            Wire::Protocol => "StakingEscrow.setProtocol(registry, verifier)".into(),
            Wire::RegistryVerifier => "TaskRegistry.setVerifier(verifier)".into(),
            Wire::PaymentToken(t) => format!("TaskRegistry.setPaymentToken({t}, true)"),
            Wire::Auditor(a) => format!("ConsensusVerifier.setAuditor({a}, true)"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub params: Params,
    /// In deployment order: token, escrow, registry, verifier, datasets.
    pub targets: Vec<Target>,
    pub wiring: Vec<Wire>,
}

/// The StylusDeployer's CREATE2 address for `deploy(initCode, initData, 0, salt)`:
/// salt' = keccak256(salt ‖ initData ‖ uint256 initValue).
pub fn deployed_address(
    deployer: Address,
    salt: B256,
    init_data: &[u8],
    init_code: &[u8],
) -> Address {
    let packed = (salt, Bytes::copy_from_slice(init_data), U256::ZERO).abi_encode_packed();
    deployer.create2(keccak256(packed), keccak256(init_code))
}

impl Plan {
    /// `programs` in [`ProgramId::ALL`] order (as [`crate::programs::load`] returns
    /// them); each constructor takes the addresses of the programs planned before it.
    pub fn new(params: Params, programs: Vec<Program>) -> Result<Self> {
        let p = &params;
        let mut out: Vec<Target> = Vec::new();
        if programs.iter().map(|g| g.id).ne(ProgramId::ALL) {
            return Err(Error::Config(
                "the five programs must be given in deployment order".into(),
            ));
        }
        for program in programs {
            // Earlier targets, in `ProgramId::ALL` order: indices are those ids.
            let at = |id: ProgramId| out[id as usize].address;
            let args: Vec<u8> = match program.id {
                ProgramId::RewardToken => (
                    p.admin,
                    p.treasury,
                    p.cap,
                    p.genesis_supply,
                    p.halving_interval,
                )
                    .abi_encode_params(),
                ProgramId::StakingEscrow => (
                    p.admin,
                    at(ProgramId::RewardToken),
                    p.treasury,
                    p.unbonding_period,
                )
                    .abi_encode_params(),
                ProgramId::TaskRegistry => (
                    p.admin,
                    at(ProgramId::StakingEscrow),
                    at(ProgramId::RewardToken),
                )
                    .abi_encode_params(),
                ProgramId::ConsensusVerifier => (
                    p.admin,
                    at(ProgramId::TaskRegistry),
                    at(ProgramId::StakingEscrow),
                    at(ProgramId::RewardToken),
                )
                    .abi_encode_params(),
                ProgramId::DatasetRegistry => (
                    at(ProgramId::TaskRegistry),
                    at(ProgramId::ConsensusVerifier),
                )
                    .abi_encode_params(),
            };
            let mut init_data = constructor_selector().to_vec();
            init_data.extend(args);
            let salt = keccak256(format!("labelchain/{}/{}", p.salt, program.name));
            let code = init_code(&program.code);
            let address = deployed_address(p.deployer, salt, &init_data, &code);
            out.push(Target {
                program,
                init_data: init_data.into(),
                salt,
                init_code: code.into(),
                address,
            });
        }
        let mut wiring = vec![Wire::Minter, Wire::Protocol, Wire::RegistryVerifier];
        wiring.extend(params.payment_tokens.iter().map(|t| Wire::PaymentToken(*t)));
        wiring.extend(params.auditors.iter().map(|a| Wire::Auditor(*a)));
        Ok(Plan {
            params,
            targets: out,
            wiring,
        })
    }

    /// Where `id` lands (targets are in [`ProgramId::ALL`] order, checked by [`Plan::new`]).
    pub fn address(&self, id: ProgramId) -> Address {
        self.targets[id as usize].address
    }

    pub fn addresses(&self) -> crate::state::Addresses {
        crate::state::Addresses {
            token: self.address(ProgramId::RewardToken),
            escrow: self.address(ProgramId::StakingEscrow),
            registry: self.address(ProgramId::TaskRegistry),
            verifier: self.address(ProgramId::ConsensusVerifier),
            datasets: self.address(ProgramId::DatasetRegistry),
            // Not deployed yet: no block to start a log scan from.
            deployed_at: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_is_stylus_constructor() {
        assert_eq!(
            constructor_selector(),
            keccak256("stylus_constructor()")[..4]
        );
    }

    #[test]
    fn create2_matches_the_devnode_formula() {
        // devnode's deployer: keccak256(abi.encodePacked(salt, initData, initValue)).
        let salt = B256::repeat_byte(7);
        let data = [1u8, 2, 3];
        let packed = [salt.as_slice(), &data, &[0u8; 32]].concat();
        let code = [0xEFu8, 0xF0, 0];
        let expect = crate::bindings::STYLUS_DEPLOYER.create2(keccak256(packed), keccak256(code));
        assert_eq!(
            deployed_address(crate::bindings::STYLUS_DEPLOYER, salt, &data, &code),
            expect
        );
    }
}
