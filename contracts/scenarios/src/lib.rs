//! A whole Labelchain deployment inside motsu's native VM, and the vocabulary the scenario
//! tests are written in: stake, create a task, commit, reveal, advance time, finalize,
//! claim — and, after every scenario, [`World::assert_solvent`].
//!
//! The contracts call each other for real here (motsu routes calls between contract
//! instances); only time is simulated, through the `test-clock` offset, and ArbSys's
//! block hashes, through [`MockArbSys`] at ArbSys's address.

extern crate alloc;

pub mod arb_sys;
pub mod books;
pub mod checks;
pub mod edge;
pub mod stable;

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::{SolError, SolValue};
use consensus_verifier::ConsensusVerifier;
use dataset_registry::DatasetRegistry;
use labelchain_protocol::{clock, Bubbled};
use motsu::prelude::*;
use reward_token::RewardToken;
use staking_escrow::StakingEscrow;
use task_registry::TaskRegistry;

pub use arb_sys::{mock_block_hash, MockArbSys};
pub use books::Books;
pub use stable::StableToken;

/// One whole token (18 decimals).
pub fn lbl(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// One whole stablecoin unit (6 decimals).
pub fn usd(n: u64) -> U256 {
    U256::from(n) * U256::from(1_000_000u64)
}

/// `base` with one edit: lets a table of cases name the one field each case changes.
pub fn with<T>(mut base: T, edit: impl FnOnce(&mut T)) -> T {
    edit(&mut base);
    base
}

/// `mintEmission` requests for `multipliers` with no fee bound (the largest cap), for
/// tests of the schedule itself; the verifier sends the task's real cap.
pub fn uncapped(multipliers: &[u16]) -> Vec<U256> {
    multipliers
        .iter()
        .map(|m| (U256::MAX << 16) | U256::from(*m))
        .collect()
}

/// `mintEmission` requests of `(multiplierBps, cap)`.
pub fn capped(requests: &[(u16, U256)]) -> Vec<U256> {
    requests
        .iter()
        .map(|(m, cap)| (*cap << 16) | U256::from(*m))
        .collect()
}

/// Moves the clock of this test forward.
pub fn advance(seconds: u64) {
    clock::test::advance(seconds);
}

/// Decodes a revert that a contract re-raised from a contract it called.
pub fn bubbled<E: SolError>(b: &Bubbled) -> E {
    E::abi_decode(&b.0, true)
        .unwrap_or_else(|e| panic!("revert data {:x?} is not {}: {e}", b.0, E::SIGNATURE))
}

/// The escrow's `settle` rows for parallel per-account columns:
/// `[account, unlocked, slashed, paid, minted]` each.
pub fn settlement_rows(
    accounts: &[Address],
    unlocked: &[U256],
    slashed: &[U256],
    paid: &[U256],
    minted: &[U256],
) -> Vec<U256> {
    let mut rows = Vec::new();
    for (i, a) in accounts.iter().enumerate() {
        rows.push(U256::from_be_bytes(a.into_word().0));
        rows.extend([unlocked[i], slashed[i], paid[i], minted[i]]);
    }
    rows
}

/// `createTask` on any `registry` with an explicit data root and payment token, unfunded.
pub fn create_task_on(
    registry: &Contract<TaskRegistry>,
    requester: Address,
    root: B256,
    token: Address,
    spec: &TaskSpec,
) -> Result<u64, task_registry::Error> {
    registry.sender(requester).create_task(
        root,
        spec.items,
        spec.classes,
        spec.k,
        spec.threshold_bps,
        token,
        spec.reward,
        spec.stake,
        spec.commit_duration,
        spec.reveal_duration,
        spec.audit_rate_bps,
        spec.min_tier,
        "ipfs://task-metadata".into(),
    )
}

/// `(v, r, s)` of an EIP-2612 permit for the LBL of `w`, signed by `signer` the way a
/// wallet's `eth_signTypedData_v4` does (EIP-712 digest over the token's domain).
pub fn sign_permit(
    w: &World,
    signer: Account,
    owner: Address,
    spender: Address,
    value: U256,
    nonce: U256,
    deadline: U256,
) -> (u8, B256, B256) {
    let typehash = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)",
    );
    let struct_hash = keccak256((typehash, owner, spender, value, nonce, deadline).abi_encode());
    let domain = w.token.sender(owner).domain_separator();
    let digest = keccak256([&[0x19, 0x01][..], domain.as_slice(), struct_hash.as_slice()].concat());
    let (sig, recid) = signer
        .signer()
        .credential()
        .sign_prehash_recoverable(digest.as_slice())
        .expect("signing");
    let bytes = sig.to_bytes();
    (
        27 + recid.to_byte(),
        B256::from_slice(&bytes[..32]),
        B256::from_slice(&bytes[32..]),
    )
}

/// Token parameters of a deployment.
#[derive(Clone, Copy)]
pub struct TokenConfig {
    pub cap: U256,
    pub genesis: U256,
    pub halving_interval: u64,
}

impl Default for TokenConfig {
    /// DESIGN.md: cap 1e9 LBL, genesis 1e8 LBL to the treasury, H = 1,000,000.
    fn default() -> Self {
        TokenConfig {
            cap: lbl(1_000_000_000),
            genesis: lbl(100_000_000),
            halving_interval: 1_000_000,
        }
    }
}

/// Arguments of `createTask`, with defaults that make a typical task.
#[derive(Clone, Copy, Debug)]
pub struct TaskSpec {
    pub items: u32,
    pub classes: u16,
    pub k: u8,
    pub threshold_bps: u16,
    /// `None`: pay in LBL.
    pub stable: bool,
    pub reward: U256,
    pub stake: U256,
    pub commit_duration: u64,
    pub reveal_duration: u64,
    pub audit_rate_bps: u16,
    pub min_tier: u8,
}

impl Default for TaskSpec {
    fn default() -> Self {
        TaskSpec {
            items: 4,
            classes: 3,
            k: 3,
            threshold_bps: 6_000,
            stable: false,
            reward: lbl(2),
            stake: lbl(10),
            commit_duration: 3_600,
            reveal_duration: 3_600,
            audit_rate_bps: 0,
            min_tier: 0,
        }
    }
}

/// The `dataRoot` of tasks created without one of their own.
pub const DATA_ROOT: B256 = B256::repeat_byte(0xda);

pub const UNBONDING: u64 = 7 * 86_400;
/// motsu's default chain id (Arbitrum One).
pub const MOTSU_CHAIN_ID: u64 = 42_161;
pub const AUDIT_WINDOW: u64 = 3 * 86_400;

pub struct World {
    pub token: Contract<RewardToken>,
    pub escrow: Contract<StakingEscrow>,
    pub registry: Contract<TaskRegistry>,
    pub verifier: Contract<ConsensusVerifier>,
    pub datasets: Contract<DatasetRegistry>,
    pub stable: Contract<StableToken>,
    /// ArbSys (0x64): the block hashes of the verifier's spot-check draw.
    pub arb_sys: Contract<MockArbSys>,
    pub admin: Address,
    pub treasury: Address,
    pub auditor: Address,
}

impl Default for World {
    fn default() -> Self {
        World::new(TokenConfig::default())
    }
}

impl World {
    /// Deploys and wires the protocol exactly as the deploy tool does: the verifier as the
    /// token's minter, the registry and the verifier on the escrow, the verifier on the
    /// registry, the stablecoin allow-listed, one auditor.
    pub fn new(cfg: TokenConfig) -> Self {
        let w = World {
            token: Contract::new(),
            escrow: Contract::new(),
            registry: Contract::new(),
            verifier: Contract::new(),
            datasets: Contract::new(),
            stable: Contract::new(),
            arb_sys: Contract::new_at(consensus_verifier::ARB_SYS),
            admin: Address::random(),
            treasury: Address::random(),
            auditor: Address::random(),
        };
        let (a, t) = (w.admin, w.treasury);
        w.token
            .sender(a)
            .constructor(a, t, cfg.cap, cfg.genesis, cfg.halving_interval)
            .motsu_unwrap();
        w.escrow
            .sender(a)
            .constructor(a, w.token.address(), t, UNBONDING)
            .motsu_unwrap();
        w.registry
            .sender(a)
            .constructor(a, w.escrow.address(), w.token.address())
            .motsu_unwrap();
        w.verifier
            .sender(a)
            .constructor(
                a,
                w.registry.address(),
                w.escrow.address(),
                w.token.address(),
            )
            .motsu_unwrap();
        w.datasets
            .sender(a)
            .constructor(w.registry.address(), w.verifier.address())
            .motsu_unwrap();
        w.token
            .sender(a)
            .set_minter(w.verifier.address())
            .motsu_unwrap();
        w.escrow
            .sender(a)
            .set_protocol(w.registry.address(), w.verifier.address())
            .motsu_unwrap();
        w.registry
            .sender(a)
            .set_verifier(w.verifier.address())
            .motsu_unwrap();
        w.registry
            .sender(a)
            .set_payment_token(w.stable.address(), true)
            .motsu_unwrap();
        w.verifier
            .sender(a)
            .set_auditor(w.auditor, true)
            .motsu_unwrap();
        w
    }

    /// The set-up most rule tests start from: a default world with one default task,
    /// funded by a fresh requester; `(world, requester, task)`.
    pub fn with_default_task() -> (Self, Address, u64) {
        let w = Self::default();
        let requester = Address::random();
        let task = w.create_task(requester, TaskSpec::default());
        (w, requester, task)
    }

    pub fn lbl(&self) -> Address {
        self.token.address()
    }

    pub fn pay_token(&self, spec: &TaskSpec) -> Address {
        if spec.stable {
            self.stable.address()
        } else {
            self.lbl()
        }
    }

    /// Hands `to` LBL out of the treasury's genesis allocation.
    pub fn give_lbl(&self, to: Address, amount: U256) {
        self.token
            .sender(self.treasury)
            .transfer(to, amount)
            .motsu_unwrap();
    }

    /// A fresh labeller with `amount` LBL staked.
    pub fn labeller(&self, amount: U256) -> Address {
        let who = Address::random();
        self.stake(who, amount);
        who
    }

    pub fn stake(&self, who: Address, amount: U256) {
        self.give_lbl(who, amount);
        self.token
            .sender(who)
            .approve(self.escrow.address(), amount)
            .motsu_unwrap();
        self.escrow.sender(who).stake(amount).motsu_unwrap();
    }

    /// `(bounty, fee)` the registry will pull for `spec` at the default 2.5 % fee.
    pub fn cost(&self, spec: &TaskSpec) -> (U256, U256) {
        let bounty = U256::from(spec.items) * U256::from(spec.k) * spec.reward;
        (bounty, bounty * U256::from(250u64) / U256::from(10_000u64))
    }

    /// [`World::cost`] for any terms: the bounty is `None` when it does not fit 256 bits.
    pub fn cost_checked(&self, spec: &TaskSpec) -> (Option<U256>, U256) {
        let bounty = U256::from(spec.items)
            .checked_mul(U256::from(spec.k))
            .and_then(|n| n.checked_mul(spec.reward));
        let fee = bounty
            // floor(b * 250 / 10_000) without forming b * 250, which may not fit.
            .map(|b| {
                let (q, r) = (b / U256::from(10_000u64), b % U256::from(10_000u64));
                q * U256::from(250u64) + r * U256::from(250u64) / U256::from(10_000u64)
            })
            .unwrap_or_default();
        (bounty, fee)
    }

    /// Funds `requester` with `bounty + fee` where that is possible (the treasury's LBL,
    /// the stablecoin's open mint), approves the escrow and tries `createTask`.
    pub fn try_create_task(
        &self,
        requester: Address,
        spec: TaskSpec,
        bounty: U256,
        fee: U256,
    ) -> Result<u64, task_registry::Error> {
        if let Some(total) = bounty.checked_add(fee) {
            if spec.stable {
                let _ = self
                    .stable
                    .sender(requester)
                    .mint(requester, total)
                    .motsu_res();
                let _ = self
                    .stable
                    .sender(requester)
                    .approve(self.escrow.address(), total)
                    .motsu_res();
            } else if total <= self.balance(self.lbl(), self.treasury) {
                self.give_lbl(requester, total);
                self.token
                    .sender(requester)
                    .approve(self.escrow.address(), total)
                    .motsu_unwrap();
            }
        }
        self.create_raw(requester, DATA_ROOT, spec).motsu_res()
    }

    /// Funds `requester` with exactly the bounty and fee, approves the escrow, creates.
    pub fn create_task(&self, requester: Address, spec: TaskSpec) -> u64 {
        self.create_task_with_root(requester, DATA_ROOT, spec)
    }

    /// [`World::create_task`] for items under a given Merkle `root`.
    pub fn create_task_with_root(&self, requester: Address, root: B256, spec: TaskSpec) -> u64 {
        let (bounty, fee) = self.cost(&spec);
        if spec.stable {
            self.stable
                .sender(requester)
                .mint(requester, bounty + fee)
                .motsu_unwrap();
            self.stable
                .sender(requester)
                .approve(self.escrow.address(), bounty + fee)
                .motsu_unwrap();
        } else {
            self.give_lbl(requester, bounty + fee);
            self.token
                .sender(requester)
                .approve(self.escrow.address(), bounty + fee)
                .motsu_unwrap();
        }
        self.create_raw(requester, root, spec).motsu_unwrap()
    }

    /// `createTask` as given, without funding the requester first.
    pub fn create_task_unfunded(
        &self,
        requester: Address,
        spec: TaskSpec,
    ) -> Result<u64, task_registry::Error> {
        self.create_raw(requester, DATA_ROOT, spec)
    }

    fn create_raw(
        &self,
        requester: Address,
        root: B256,
        spec: TaskSpec,
    ) -> Result<u64, task_registry::Error> {
        create_task_on(
            &self.registry,
            requester,
            root,
            self.pay_token(&spec),
            &spec,
        )
    }

    /// The salt a labeller uses for a label (deterministic so tests can reveal later).
    pub fn salt(task: u64, item: u32, who: Address, label: u8) -> B256 {
        keccak256(
            [
                &task.to_be_bytes()[..],
                &item.to_be_bytes(),
                who.as_slice(),
                &[label],
            ]
            .concat(),
        )
    }

    /// `keccak256(abi.encode(chainId, verifier, task, item, labeller, label, salt))`,
    /// computed here independently of the contract, as a client would.
    pub fn commitment(&self, task: u64, item: u32, who: Address, label: u8) -> B256 {
        let salt = Self::salt(task, item, who, label);
        let fields = (
            U256::from(MOTSU_CHAIN_ID),
            self.verifier.address(),
            task,
            item,
            who,
            U256::from(label),
            salt,
        );
        keccak256(fields.abi_encode())
    }

    pub fn commit(&self, task: u64, item: u32, who: Address, label: u8) {
        let c = self.commitment(task, item, who, label);
        self.verifier
            .sender(who)
            .commit(task, item, c)
            .motsu_unwrap();
    }

    /// The verifier's refusal of `who`'s commit of `label` on `(task, item)`; a panic if
    /// it was accepted.
    pub fn commit_refused(
        &self,
        task: u64,
        item: u32,
        who: Address,
        label: u8,
    ) -> consensus_verifier::Error {
        let c = self.commitment(task, item, who, label);
        self.verifier
            .sender(who)
            .commit(task, item, c)
            .motsu_unwrap_err()
    }

    pub fn reveal(&self, task: u64, item: u32, who: Address, label: u8) {
        let salt = Self::salt(task, item, who, label);
        self.verifier
            .sender(who)
            .reveal(task, item, label, salt)
            .motsu_unwrap();
    }

    /// Commits every `(labeller, label)` on `item`.
    pub fn commit_all(&self, task: u64, item: u32, votes: &[(Address, u8)]) {
        for &(who, label) in votes {
            self.commit(task, item, who, label);
        }
    }

    pub fn reveal_all(&self, task: u64, item: u32, votes: &[(Address, u8)]) {
        for &(who, label) in votes {
            self.reveal(task, item, who, label);
        }
    }

    pub fn finalize(&self, task: u64, item: u32) {
        self.verifier
            .sender(Address::random())
            .finalize(task, item)
            .motsu_unwrap();
    }

    /// Seconds until the task's commit window is over, plus one.
    pub fn end_commit(&self, task: u64) {
        let commit_end = self.terms(task).commit_end;
        let now = self.now();
        if commit_end >= now {
            advance(commit_end - now + 1);
        }
    }

    pub fn end_reveal(&self, task: u64) {
        let reveal_end = self.terms(task).reveal_end;
        let now = self.now();
        if reveal_end >= now {
            advance(reveal_end - now + 1);
        }
    }

    /// A task's terms as the verifier sees them.
    pub fn terms(&self, task: u64) -> labelchain_protocol::TaskTerms {
        let (a, b, c, reward, stake, cap) = self.registry.sender(self.admin).terms(task);
        labelchain_protocol::TaskTerms::unpack([a, b, c], reward, stake, cap)
    }

    /// `(requester, paymentToken, dataRoot, itemCount, numClasses, labellersPerItem,
    /// thresholdBps, rewardPerLabel, stakePerLabel, commitEnd, revealEnd, auditRateBps,
    /// minTier, status)`, decoded from the registry's packed terms the way clients do.
    #[allow(clippy::type_complexity)]
    pub fn get_task(
        &self,
        task: u64,
    ) -> (
        Address,
        Address,
        B256,
        u32,
        u16,
        u8,
        u16,
        U256,
        U256,
        u64,
        u64,
        u16,
        u8,
        u8,
    ) {
        let t = self.terms(task);
        let root = self.registry.sender(self.admin).data_root(task);
        (
            t.requester,
            t.payment_token,
            root,
            t.item_count,
            t.num_classes,
            t.labellers_per_item,
            t.threshold_bps,
            t.reward_per_label,
            t.stake_per_label,
            t.commit_end,
            t.reveal_end,
            t.audit_rate_bps,
            t.min_tier,
            t.status,
        )
    }

    /// The contracts' current time.
    pub fn now(&self) -> u64 {
        // motsu's fixed block timestamp plus this thread's offset.
        1_735_689_600 + clock::test::offset()
    }

    /// `(free, locked, unbonding, unbondingEnds)`.
    pub fn stake_of(&self, who: Address) -> (U256, U256, U256, u64) {
        self.escrow.sender(who).stake_of(who)
    }

    pub fn claimable(&self, token: Address, who: Address) -> U256 {
        self.escrow.sender(who).claimable(token, who)
    }

    /// Claims everything `who` has in `token`; returns what arrived in the wallet.
    pub fn claim(&self, token: Address, who: Address) -> U256 {
        let before = self.balance(token, who);
        self.escrow.sender(who).claim(token).motsu_unwrap();
        self.balance(token, who) - before
    }

    pub fn balance(&self, token: Address, who: Address) -> U256 {
        if token == self.stable.address() {
            self.stable.sender(who).balance_of(who)
        } else {
            self.token.sender(who).balance_of(who)
        }
    }

    /// The accounting invariants that must hold after every step: per token the escrow
    /// holds exactly what it owes; LBL supply never exceeds the cap, emission never
    /// exceeds its pool.
    #[track_caller]
    pub fn assert_solvent(&self) {
        for token in [self.lbl(), self.stable.address()] {
            let held = self.balance(token, self.escrow.address());
            let owed = self.escrow.sender(self.admin).liabilities(token);
            assert_eq!(held, owed, "escrow holds {held} of {token} but owes {owed}");
        }
        let supply = self.token.sender(self.admin).total_supply();
        let cap = self.token.sender(self.admin).cap();
        assert!(supply <= cap, "supply {supply} above cap {cap}");
        let (_, _, pool, emitted, _) = self.token.sender(self.admin).emission_state();
        assert!(emitted <= pool, "emitted {emitted} above pool {pool}");
    }
}
