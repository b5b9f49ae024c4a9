//! The test side of the escrow's books, per account (DESIGN.md §6), read from the chain.
//!
//! `balance == liabilities` in aggregate is not enough: the escrow drain of issue #10 kept
//! it while one account's free stake grew by ~2^255. [`Books`] knows every account and
//! task a test touched, what each account put in and took out, and the most each could
//! have earned (a bound the test derives from what it did, never from the escrow), and
//! [`Books::check`] asserts, for each token,
//!
//! ```text
//! Σ accounts (free + locked + unbonding stake)   (LBL only)
//!   + Σ accounts claimable
//!   + Σ tasks open bounty (remaining + refundable fee)
//!   == liabilities(token) == token.balanceOf(escrow)
//! ```
//!
//! and per account: free + locked + unbonding + withdrawn ≤ staked (stake never grows,
//! slashing only takes) and claimable + claimed ≤ its earning bound.

use std::collections::HashMap;

use alloy::primitives::{Address, U256};

use crate::env::Env;

/// Everything [`Books::check`] read, in a fixed order: equal snapshots around a refused
/// transaction mean it moved nothing (wallet balances, credits, stakes, bounties,
/// liabilities, the escrow's holdings, the LBL supply).
pub type Snapshot = Vec<U256>;

#[derive(Default, Debug)]
pub struct Books {
    pub accounts: Vec<Address>,
    pub tasks: Vec<u64>,
    staked: HashMap<Address, U256>,
    withdrawn: HashMap<Address, U256>,
    /// (token, account) => claimed so far.
    claimed: HashMap<(Address, Address), U256>,
    /// (token, account) => the most it can have been credited so far.
    earned: HashMap<(Address, Address), U256>,
}

fn bump<K: std::hash::Hash + Eq>(m: &mut HashMap<K, U256>, k: K, v: U256) {
    let e = m.entry(k).or_default();
    *e = e.checked_add(v).expect("test-side books overflow");
}

fn get<K: std::hash::Hash + Eq>(m: &HashMap<K, U256>, k: &K) -> U256 {
    m.get(k).copied().unwrap_or_default()
}

impl Books {
    pub fn account(&mut self, who: Address) {
        if !self.accounts.contains(&who) {
            self.accounts.push(who);
        }
    }

    pub fn task(&mut self, task: u64) {
        if !self.tasks.contains(&task) {
            self.tasks.push(task);
        }
    }

    pub fn staked(&mut self, who: Address, amount: U256) {
        self.account(who);
        bump(&mut self.staked, who, amount);
    }

    pub fn withdrew(&mut self, who: Address, amount: U256) {
        bump(&mut self.withdrawn, who, amount);
    }

    pub fn claimed(&mut self, token: Address, who: Address, amount: U256) {
        bump(&mut self.claimed, (token, who), amount);
    }

    /// Raises what `who` may at most have been credited in `token` by `amount`.
    pub fn may_earn(&mut self, token: Address, who: Address, amount: U256) {
        self.account(who);
        bump(&mut self.earned, (token, who), amount);
    }

    /// A task `requester` paid `bounty + fee` for: refunds can return at most that to
    /// the requester, and the treasury can get at most the fee and the bounty of items
    /// forfeited as unresolved escalations (DESIGN §4), so at most all of it.
    pub fn deposited(
        &mut self,
        task: u64,
        token: Address,
        requester: Address,
        treasury: Address,
        bounty: U256,
        fee: U256,
    ) {
        self.task(task);
        self.may_earn(token, requester, bounty + fee);
        self.may_earn(token, treasury, bounty + fee);
    }

    pub fn earn_bound(&self, token: Address, who: Address) -> U256 {
        get(&self.earned, &(token, who))
    }

    /// Checks the per-token sums and every account's two rules against the chain (LBL
    /// and `others`); returns everything it read.
    #[track_caller]
    pub fn check<'a>(
        &'a self,
        env: &'a Env,
        others: &'a [Address],
    ) -> impl std::future::Future<Output = Snapshot> + 'a {
        let at = std::panic::Location::caller();
        async move { self.check_at(env, others, at).await }
    }

    async fn check_at(
        &self,
        env: &Env,
        others: &[Address],
        at: &std::panic::Location<'_>,
    ) -> Snapshot {
        use futures::future::join_all;
        let lbl = env.lbl();
        let escrow = &env.admin.escrow();
        let tokens: Vec<Address> = std::iter::once(lbl).chain(others.iter().copied()).collect();
        // Every read at once (the node answers them one by one, but the round trips and
        // the decoding overlap): (stakes, bounties, per token (credits and wallets,
        // liabilities, holdings), supply, cap).
        let stakes = join_all(self.accounts.iter().map(|&w| env.stake_of(w)));
        let bounties = join_all(
            self.tasks
                .iter()
                .map(|&t| async move { escrow.bountyOf(t).call().await.expect("bountyOf") }),
        );
        let per_token = join_all(tokens.iter().map(|&token| async move {
            let accounts = join_all(self.accounts.iter().map(|&w| async move {
                tokio::join!(env.claimable(token, w), env.balance(token, w))
            }));
            let owed = async { escrow.liabilities(token).call().await.expect("liabilities") };
            tokio::join!(accounts, owed, env.balance(token, env.a.escrow))
        }));
        let cap = async { env.admin.token().cap().call().await.expect("cap") };
        let (stakes, bounties, per_token, supply, cap) =
            tokio::join!(stakes, bounties, per_token, env.supply(), cap);

        let mut snap = Snapshot::new();
        let held_stake = self.check_stakes(&stakes, &mut snap, at);
        let bounties: Vec<(Address, U256, U256)> =
            bounties.iter().map(|b| (b._0, b._2, b._3)).collect();
        for &(_, bounty, fee) in &bounties {
            snap.extend([bounty, fee]);
        }
        for (&token, (accounts, owed, held)) in tokens.iter().zip(per_token) {
            let books = TokenBooks {
                token,
                accounts: &accounts,
                held_stake: (token == lbl).then_some(&held_stake[..]),
                bounties: &bounties,
                owed,
                held,
            };
            self.check_token(&books, &mut snap, at);
        }
        assert!(supply <= cap, "{at}: supply {supply} above the cap {cap}");
        snap.push(supply);
        snap
    }

    /// Per account: its stake (free + locked + unbonding) does not overflow and, with what
    /// it withdrew, stays within what it staked. Returns each account's stake.
    fn check_stakes(
        &self,
        stakes: &[(U256, U256, U256, u64)],
        snap: &mut Snapshot,
        at: &std::panic::Location<'_>,
    ) -> Vec<U256> {
        let mut held_stake = Vec::with_capacity(stakes.len());
        for (&who, &(free, locked, unbonding, ends)) in self.accounts.iter().zip(stakes) {
            snap.extend([free, locked, unbonding, U256::from(ends)]);
            let stake = free
                .checked_add(locked)
                .and_then(|s| s.checked_add(unbonding))
                .unwrap_or_else(|| panic!("{at}: {who}'s stake overflows 2^256"));
            let staked = get(&self.staked, &who);
            let out = get(&self.withdrawn, &who);
            assert!(
                stake.checked_add(out).is_some_and(|s| s <= staked),
                "{at}: {who}'s stake grew: {stake} held + {out} withdrawn > {staked} staked"
            );
            held_stake.push(stake);
        }
        held_stake
    }

    /// One token's books: each account's credit within its earning bound, and the sum of
    /// credits, stakes (LBL) and open bounties and fees equal to the escrow's liabilities
    /// and to what it holds.
    fn check_token(&self, b: &TokenBooks<'_>, snap: &mut Snapshot, at: &std::panic::Location<'_>) {
        let token = b.token;
        let mut sum = U256::ZERO;
        let mut add = |v: U256, what: &dyn Fn() -> String| {
            sum = sum
                .checked_add(v)
                .unwrap_or_else(|| panic!("{at}: the books of {token} overflow at {}", what()));
        };
        for (i, (&who, &(claimable, wallet))) in self.accounts.iter().zip(b.accounts).enumerate() {
            snap.extend([claimable, wallet]);
            let claimed = get(&self.claimed, &(token, who));
            let bound = self.earn_bound(token, who);
            assert!(
                claimable.checked_add(claimed).is_some_and(|s| s <= bound),
                "{at}: {who} can take out {claimable} + has taken {claimed} of {token}, \
                 more than the {bound} it put in or earned"
            );
            add(claimable, &|| format!("{who}'s credit"));
            if let Some(stakes) = b.held_stake {
                add(stakes[i], &|| format!("{who}'s stake"));
            }
        }
        for (&task, &(bounty_token, bounty, fee)) in self.tasks.iter().zip(b.bounties) {
            if bounty_token == token {
                add(bounty, &|| format!("task {task}'s bounty"));
                add(fee, &|| format!("task {task}'s fee"));
            }
        }
        let (owed, held) = (b.owed, b.held);
        snap.extend([owed, held]);
        assert_eq!(
            sum, owed,
            "{at}: per-account books of {token} sum to {sum}, liabilities are {owed}"
        );
        assert_eq!(
            held, owed,
            "{at}: the escrow holds {held} of {token} but owes {owed}"
        );
    }
}

/// What [`Books::check`] read for one token: per account (credit, wallet), the accounts'
/// stakes when the token is LBL, every task's (payment token, bounty, fee), and the
/// escrow's liabilities and holdings.
struct TokenBooks<'a> {
    token: Address,
    accounts: &'a [(U256, U256)],
    held_stake: Option<&'a [U256]>,
    bounties: &'a [(Address, U256, U256)],
    owed: U256,
    held: U256,
}
