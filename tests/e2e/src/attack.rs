//! The accounting of the attack tests (`tests/attacks.rs`, DESIGN §3 "No one profits from
//! attacking the protocol"): what a set of accounts — an attacker, or a ring of them —
//! holds before and after an attack, and the gas its own transactions burned, valued at
//! one set of market prices ([`Pricing`], the only place the tests assume a price).
//!
//! An account's holdings in LBL are its wallet balance, its escrow credits (`claimable`)
//! and its stake (free, locked and unbonding): staking or claiming moves LBL between them
//! and changes nothing; a slash, a payment or an emission credit does. In a stable token
//! they are the wallet and the credits. Gas is read from the chain: every receipt (failed
//! transactions included) sent by one of the accounts since the ring started watching.

use std::fmt::Write as _;
use std::ops::{Add, AddAssign};

use alloy::eips::BlockId;
use alloy::primitives::{Address, U256};
use alloy::providers::Provider;

use crate::env::Env;

const WEI_PER_UNIT: f64 = 1e18;

/// Market prices the attack tests value positions at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pricing {
    /// USD per LBL.
    pub lbl_usd: f64,
    /// USD per ETH.
    pub eth_usd: f64,
    /// What the attacker pays per unit of gas, in wei (not the test node's price).
    pub gas_price_wei: u128,
}

impl Pricing {
    /// The baseline tokenomics scenario's market (deploy/tokenomics/scenarios/baseline.toml),
    /// read from the file so the tests and `labelchain tokenomics` price attacks alike.
    pub fn baseline() -> Pricing {
        let path = crate::env::repo_root().join("deploy/tokenomics/scenarios/baseline.toml");
        let s = labelchain_tokenomics::scenario::Scenario::load(&path)
            .unwrap_or_else(|e| panic!("the shipped baseline scenario: {e}"));
        Pricing {
            lbl_usd: s.market.lbl_usd,
            eth_usd: s.market.eth_usd,
            gas_price_wei: (s.market.gas_price_gwei * 1e9).round() as u128,
        }
    }

    /// USD of `gas` units at this gas price.
    pub fn gas_usd(&self, gas: u64) -> f64 {
        gas as f64 * self.gas_price_wei as f64 / WEI_PER_UNIT * self.eth_usd
    }

    /// USD of `wei` LBL wei.
    pub fn lbl_wei_usd(&self, wei: i128) -> f64 {
        wei as f64 / WEI_PER_UNIT * self.lbl_usd
    }
}

impl std::fmt::Display for Pricing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "LBL ${}, ETH ${}, gas {} gwei",
            self.lbl_usd,
            self.eth_usd,
            self.gas_price_wei as f64 / 1e9
        )
    }
}

/// A signed `U256` amount (every LBL amount is below the 1e27-wei cap, far inside i128).
pub fn signed(amount: U256) -> i128 {
    i128::try_from(amount).expect("an amount within i128")
}

/// LBL wei as a decimal number of LBL, for tables.
pub fn lbl_f(wei: i128) -> f64 {
    wei as f64 / WEI_PER_UNIT
}

/// What an attack changed for the accounts that ran it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    /// LBL wei gained (negative: lost), over wallet, escrow credits and stake.
    pub lbl: i128,
    /// Stable-token base units gained (negative: lost); one whole token is one USD.
    pub stable: i128,
    /// Decimals of the stable token (`stable` is in its base units).
    pub stable_decimals: u8,
    /// Gas used by the accounts' own transactions, failed ones included.
    pub gas: u64,
}

impl Position {
    /// Stable delta in USD.
    pub fn stable_usd(&self) -> f64 {
        self.stable as f64 / 10f64.powi(self.stable_decimals.into())
    }

    /// The position in USD at `p`, gas included.
    pub fn net_usd(&self, p: &Pricing) -> f64 {
        p.lbl_wei_usd(self.lbl) + self.stable_usd() - p.gas_usd(self.gas)
    }

    /// The same position expressed in LBL at `p` (stable value and gas converted at the
    /// LBL price), gas included.
    pub fn net_lbl(&self, p: &Pricing) -> f64 {
        self.net_usd(p) / p.lbl_usd
    }

    /// A short table of the position, for `--nocapture`.
    pub fn table(&self, title: &str, p: &Pricing) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{title}  [{p}]");
        let _ = writeln!(
            s,
            "  LBL delta     {:>18.6} LBL  = {:>12.4} USD",
            lbl_f(self.lbl),
            p.lbl_wei_usd(self.lbl)
        );
        let _ = writeln!(
            s,
            "  stable delta  {:>18.6}      = {:>12.4} USD",
            self.stable_usd(),
            self.stable_usd()
        );
        let _ = writeln!(
            s,
            "  gas           {:>18} gas  = {:>12.4} USD",
            self.gas,
            -p.gas_usd(self.gas)
        );
        let _ = write!(
            s,
            "  net           {:>18.6} LBL  = {:>12.4} USD",
            self.net_lbl(p),
            self.net_usd(p)
        );
        s
    }
}

impl Add for Position {
    type Output = Position;
    fn add(mut self, o: Position) -> Position {
        self += o;
        self
    }
}

impl AddAssign for Position {
    fn add_assign(&mut self, o: Position) {
        self.lbl += o.lbl;
        self.stable += o.stable;
        self.stable_decimals = self.stable_decimals.max(o.stable_decimals);
        self.gas += o.gas;
    }
}

/// What `who` hold in `token` together: wallets and escrow credits, plus every stake
/// (free, locked, unbonding) when `token` is LBL.
pub async fn holdings(env: &Env, who: &[Address], token: Address) -> U256 {
    let mut total = U256::ZERO;
    for &w in who {
        total += env.balance(token, w).await + env.claimable(token, w).await;
        if token == env.lbl() {
            let (free, locked, unbonding, _) = env.stake_of(w).await;
            total += free + locked + unbonding;
        }
    }
    total
}

/// Gas used by every transaction sent by one of `who` in blocks `from..=to`.
pub async fn gas_used_by(env: &Env, who: &[Address], from: u64, to: u64) -> u64 {
    let p = env.admin.p();
    let mut gas = 0;
    for n in from..=to {
        let receipts = p
            .get_block_receipts(BlockId::number(n))
            .await
            .expect("eth_getBlockReceipts")
            .unwrap_or_default();
        gas += receipts
            .iter()
            .filter(|r| who.contains(&r.from))
            .map(|r| r.gas_used)
            .sum::<u64>();
    }
    gas
}

/// A set of accounts watched from a starting block: [`Ring::position`] is what they
/// gained or lost since [`Ring::start`], gas included.
#[derive(Clone, Debug)]
pub struct Ring {
    pub accounts: Vec<Address>,
    /// A stable payment token whose holdings count too.
    pub stable: Option<Address>,
    stable_decimals: u8,
    first_block: u64,
    lbl0: U256,
    stable0: U256,
}

/// The number of the chain's latest block.
async fn latest_block(env: &Env) -> u64 {
    env.admin
        .p()
        .get_block_number()
        .await
        .expect("block number")
}

impl Ring {
    /// Starts watching `accounts` (LBL only).
    pub async fn start(env: &Env, accounts: &[Address]) -> Ring {
        Ring::start_with(env, accounts, None).await
    }

    /// Starts watching `accounts`, counting their holdings of `stable` as well.
    pub async fn start_with(env: &Env, accounts: &[Address], stable: Option<Address>) -> Ring {
        let stable_decimals = match stable {
            Some(t) => env
                .admin
                .erc20(t)
                .decimals()
                .call()
                .await
                .expect("decimals"),
            None => 0,
        };
        let stable0 = match stable {
            Some(t) => holdings(env, accounts, t).await,
            None => U256::ZERO,
        };
        let last = latest_block(env).await;
        Ring {
            accounts: accounts.to_vec(),
            stable,
            stable_decimals,
            first_block: last + 1,
            lbl0: holdings(env, accounts, env.lbl()).await,
            stable0,
        }
    }

    /// What the accounts gained or lost since [`Ring::start`], and the gas they used.
    pub async fn position(&self, env: &Env) -> Position {
        let last = latest_block(env).await;
        let lbl = holdings(env, &self.accounts, env.lbl()).await;
        let stable = match self.stable {
            Some(t) => signed(holdings(env, &self.accounts, t).await) - signed(self.stable0),
            None => 0,
        };
        Position {
            lbl: signed(lbl) - signed(self.lbl0),
            stable,
            stable_decimals: self.stable_decimals,
            gas: gas_used_by(env, &self.accounts, self.first_block, last).await,
        }
    }
}
