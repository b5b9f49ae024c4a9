//! # RewardToken — "Labelchain Reward" (LBL)
//!
//! The protocol's ERC-20: 18 decimals, EIP-2612 permit, burnable, hard-capped, and the only
//! place the emission schedule lives (see [`emission`]). The consensus verifier is the
//! token's only minter: the owner names it once (`setMinter`) and it can never be changed or
//! joined by another, which is stricter than a grantable role. It asks for one verified
//! item's emission at a time; the token decides how much that is, so a compromised or buggy
//! verifier still cannot mint past the schedule, the 1.5x quality ceiling or the cap.
//!
//! Built from OpenZeppelin Stylus components: `Erc20`, `Erc20Metadata`, `Erc20Permit`
//! (with `Nonces` and EIP-712), burnable, `Capped`, and `Ownable2Step` (OZ's two-step
//! ownership transfer, so a typo cannot hand the token to a wrong or dead address). Written
//! by hand: the emission schedule, which OZ lacks.
//!
//! Every entry point is an inherent `#[public]` method delegating to OZ, because SDK 0.9's
//! ABI exporter leaves out methods that come from `#[implements(...)]` traits; this way the
//! exported interface in `abi/` is the whole surface.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;
// Native unit tests get the `vm_hooks` host functions from motsu's shims.
#[cfg(test)]
extern crate motsu;

pub mod emission;
pub mod errors;

use alloc::{string::String, vec, vec::Vec};
use alloy_primitives::{Address, B256, U256, U64};
use alloy_sol_types::SolCall;
use labelchain_protocol::{
    limits::{MAX_MULTIPLIER_BPS, MIN_MULTIPLIER_BPS},
    math::{address_word, div_small, word},
};
use openzeppelin_stylus::{
    access::ownable_two_step::{IOwnable2Step, Ownable2Step},
    token::erc20::{
        extensions::{Capped, Erc20Metadata, Erc20Permit, ICapped, IErc20Burnable, IErc20Metadata},
        Erc20, IErc20,
    },
    utils::{cryptography::eip712::IEip712, nonces::INonces, nonces::Nonces},
};
use stylus_sdk::{prelude::*, storage::StorageAddress, ArbResult};

pub use emission::EmissionSchedule;
pub use errors::*;

alloy_sol_types::sol! {
    /// Item number `item` (global count) was verified and earned `amount` LBL at
    /// `multiplierBps`, minted to `to` (the escrow, which credits the labellers).
    #[derive(Debug)]
    event EmissionMinted(uint64 indexed item, address indexed to, uint256 amount, uint16 multiplierBps);
    /// The owner named the token's only minter, the consensus verifier (once, for good).
    #[derive(Debug)]
    event MinterSet(address minter);

    /// ERC-5267: the fields of the permit domain, as OpenZeppelin's Solidity
    /// `ERC20Permit` answers them: `0x0f` (name, version, chainId, verifyingContract),
    /// "Labelchain Reward", "1", the chain id, this token, no salt, no extensions.
    /// Answered by the fallback (see `RewardToken::fallback`).
    function eip712Domain() external view returns (bytes1 fields, string memory name, string memory version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] memory extensions);
}

/// EIP-712 domain of the permit signatures: name "Labelchain Reward", version "1".
#[storage]
pub struct Eip712 {}

impl IEip712 for Eip712 {
    const NAME: &'static str = "Labelchain Reward";
    const VERSION: &'static str = "1";
}

#[entrypoint]
#[storage]
pub struct RewardToken {
    erc20: Erc20,
    metadata: Erc20Metadata,
    capped: Capped,
    nonces: Nonces,
    permit: Erc20Permit<Eip712>,
    owner: Ownable2Step,
    /// The consensus verifier; set once by the owner, zero until then.
    minter: StorageAddress,
    schedule: EmissionSchedule,
}

#[public]
impl RewardToken {
    /// Mints `genesis_supply` to `treasury` and fixes the schedule:
    /// `E0 = (cap - genesis_supply) / (3 * halving_interval)`, with `halving_interval` in
    /// `1..=2^32-1` verified items.
    #[constructor]
    pub fn constructor(
        &mut self,
        admin: Address,
        treasury: Address,
        cap: U256,
        genesis_supply: U256,
        halving_interval: u64,
    ) -> Result<(), Error> {
        if admin.is_zero()
            || treasury.is_zero()
            || genesis_supply > cap
            || halving_interval == 0
            || halving_interval > u32::MAX as u64
        {
            return Err(InvalidTokenParameters {}.into());
        }
        let pool = cap - genesis_supply;
        let base = div_small(div_small(pool, 3), halving_interval as u32);
        if base.is_zero() {
            return Err(InvalidTokenParameters {}.into());
        }
        self.metadata
            .constructor("Labelchain Reward".into(), "LBL".into());
        self.capped
            .constructor(cap)
            .map_err(|_| Error::from(InvalidTokenParameters {}))?;
        self.owner.constructor(admin)?;
        self.schedule.base.set(base);
        self.schedule
            .halving_interval
            .set(U64::from(halving_interval));
        self.schedule.pool.set(pool);
        if !genesis_supply.is_zero() {
            self.erc20._mint(treasury, genesis_supply)?;
        }
        Ok(())
    }

    // ---- ERC-20 and metadata ----

    pub fn name(&self) -> String {
        self.metadata.name()
    }

    pub fn symbol(&self) -> String {
        self.metadata.symbol()
    }

    pub fn decimals(&self) -> u8 {
        self.metadata.decimals().to::<u8>()
    }

    pub fn total_supply(&self) -> U256 {
        self.erc20.total_supply()
    }

    pub fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }

    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.erc20.allowance(owner, spender)
    }

    pub fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Error> {
        Ok(self.erc20.transfer(to, value)?)
    }

    pub fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Error> {
        Ok(self.erc20.approve(spender, value)?)
    }

    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, Error> {
        Ok(self.erc20.transfer_from(from, to, value)?)
    }

    // ---- burnable, capped ----

    pub fn burn(&mut self, value: U256) -> Result<(), Error> {
        Ok(self.erc20.burn(value)?)
    }

    pub fn burn_from(&mut self, account: Address, value: U256) -> Result<(), Error> {
        Ok(self.erc20.burn_from(account, value)?)
    }

    pub fn cap(&self) -> U256 {
        self.capped.cap()
    }

    // ---- EIP-2612 ----

    #[selector(name = "DOMAIN_SEPARATOR")]
    pub fn domain_separator(&self) -> B256 {
        self.permit.domain_separator()
    }

    /// Calls no other entry point matches. The only one answered here is ERC-5267's
    /// `eip712Domain()`: it returns seven values, two of them strings and one an array,
    /// and stylus-sdk 0.9 encodes such a tuple as *one* tuple value (a leading offset
    /// word; OffchainLabs/stylus-sdk-rs#308, fixed after 0.9), which ethers, viem and alloy
    /// cannot decode. Answering it from the fallback lets us write the standard encoding
    /// of the return values ourselves ([`Self::eip712_domain_encoded`]). Anything else
    /// reverts with empty data, as without a fallback.
    #[fallback]
    pub fn fallback(&self, input: &[u8]) -> ArbResult {
        if input.starts_with(&eip712DomainCall::SELECTOR) {
            return Ok(self.eip712_domain_encoded());
        }
        Err(Vec::new())
    }

    pub fn nonces(&self, owner: Address) -> U256 {
        self.nonces.nonces(owner)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn permit(
        &mut self,
        owner: Address,
        spender: Address,
        value: U256,
        deadline: U256,
        v: u8,
        r: B256,
        s: B256,
    ) -> Result<(), Error> {
        Ok(self.permit.permit(
            owner,
            spender,
            value,
            deadline,
            v,
            r,
            s,
            &mut self.erc20,
            &mut self.nonces,
        )?)
    }

    // ---- emission ----

    /// Mints the emission of `requests.len()` newly verified items to `to`, one schedule
    /// step per item, and returns each item's amount. Only the minter. A request is
    /// `cap << 16 | multiplierBps`: the item earns `min(e(n) x multiplier, cap)`, `cap`
    /// being what the requester paid the protocol for it times the payment token's
    /// emission rate (DESIGN §3), so emission never exceeds paid demand.
    ///
    /// Amounts are clamped, never reverted: near the cap an item simply earns less, so
    /// finalising labels can never be blocked by the supply limit.
    pub fn mint_emission(&mut self, to: Address, requests: Vec<U256>) -> Result<Vec<U256>, Error> {
        let caller = self.vm().msg_sender();
        if caller != self.minter.get() || caller.is_zero() {
            return Err(NotMinter { caller }.into());
        }
        let mut amounts = Vec::with_capacity(requests.len());
        let mut total = U256::ZERO;
        let cap = self.capped.cap();
        let supply = self.erc20.total_supply();
        for request in requests {
            let m = request.as_limbs()[0] as u16;
            let fee_cap = request >> 16;
            if !(MIN_MULTIPLIER_BPS..=MAX_MULTIPLIER_BPS).contains(&m) {
                return Err(EmissionMultiplierOutOfRange { multiplierBps: m }.into());
            }
            // supply + total <= cap always (every mint is clamped to this headroom, the
            // genesis to the cap); saturating so a broken assumption cannot wrap it open.
            let headroom = cap
                .saturating_sub(supply)
                .saturating_sub(total)
                .min(fee_cap);
            let (item, amount) = self.schedule.take(m, headroom);
            total += amount; // <= headroom: total stays <= cap - supply
            amounts.push(amount);
            log(
                self.vm(),
                EmissionMinted {
                    item,
                    to,
                    amount,
                    multiplierBps: m,
                },
            );
        }
        if !total.is_zero() {
            self.erc20._mint(to, total)?;
        }
        Ok(amounts)
    }

    /// `e(n)`: what the n-th verified item earns at 1.0x.
    pub fn emission_at(&self, n: u64) -> U256 {
        emission::scheduled(
            self.schedule.base.get(),
            self.schedule.halving_interval.get().to(),
            n,
        )
    }

    /// `(E0, H, pool, emitted so far, verified items so far)`.
    pub fn emission_state(&self) -> (U256, u64, U256, U256, u64) {
        let s = &self.schedule;
        (
            s.base.get(),
            s.halving_interval.get().to(),
            s.pool.get(),
            s.emitted.get(),
            s.verified.get().to(),
        )
    }

    // ---- minter (fixed wiring) ----

    /// Names the token's only minter, the consensus verifier. Owner only, and only once:
    /// nobody can add or swap a minter afterwards.
    pub fn set_minter(&mut self, minter: Address) -> Result<(), Error> {
        self.owner.ownable.only_owner()?;
        let current = self.minter.get();
        if !current.is_zero() {
            return Err(MinterAlreadySet { minter: current }.into());
        }
        if minter.is_zero() {
            return Err(InvalidTokenParameters {}.into());
        }
        self.minter.set(minter);
        log(self.vm(), MinterSet { minter });
        Ok(())
    }

    /// The only account allowed to `mintEmission`; zero until `setMinter`.
    pub fn minter(&self) -> Address {
        self.minter.get()
    }

    // ---- ownership (OZ Ownable2Step) ----

    pub fn owner(&self) -> Address {
        self.owner.owner()
    }

    pub fn pending_owner(&self) -> Address {
        self.owner.pending_owner()
    }

    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        Ok(self.owner.transfer_ownership(new_owner)?)
    }

    pub fn accept_ownership(&mut self) -> Result<(), Error> {
        Ok(self.owner.accept_ownership()?)
    }

    pub fn renounce_ownership(&mut self) -> Result<(), Error> {
        Ok(self.owner.renounce_ownership()?)
    }
}

impl RewardToken {
    /// The standard ABI encoding of `eip712Domain()`'s seven return values: a head of
    /// seven words (three of them offsets to the tail) and a tail holding the name, the
    /// version (each a length word and one padded data word) and an empty array.
    pub fn eip712_domain_encoded(&self) -> Vec<u8> {
        fn text(s: &str) -> [[u8; 32]; 2] {
            let mut data = [0u8; 32];
            data[..s.len()].copy_from_slice(s.as_bytes()); // both strings are < 32 bytes
            [word(s.len() as u64), data]
        }
        let mut fields = [0u8; 32];
        fields[0] = 0x0f;
        let [name_len, name] = text(Eip712::NAME);
        let [version_len, version] = text(Eip712::VERSION);
        let words = [
            fields,
            word(7u64 * 32), // name, after the seven head words
            word(9u64 * 32), // version, after the name's two words
            word(self.vm().chain_id()),
            address_word(self.vm().contract_address()),
            [0u8; 32],        // salt
            word(11u64 * 32), // extensions, after the version's two words
            name_len,
            name,
            version_len,
            version,
            [0u8; 32], // extensions: length 0
        ];
        words.as_flattened().to_vec()
    }
}
