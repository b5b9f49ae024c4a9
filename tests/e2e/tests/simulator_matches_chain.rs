//! `labelchain tokenomics` settles with exactly the contracts' rules (issue #11): one
//! script of over 200 items — LBL and stablecoin tasks, k = 1..5, wrong and missing
//! reveals, too few commits, spot-checks confirmed, overridden and lapsed, escalations
//! resolved and forfeited, claims — runs on the devnode with the real programs and on
//! the simulator, and every balance, the supply, the burn and the emission agree to the
//! wei.

use alloy::primitives::{Address, U256};
use e2e::*;
use labelchain_tokenomics::books::Asset;
use labelchain_tokenomics::params::Params;
use labelchain_tokenomics::protocol::Protocol;
use labelchain_tokenomics::script::{Action, Script, AUDITOR, TREASURY};

struct Replay<'a> {
    env: &'a Env,
    actors: Vec<Actor>,
    usd: Address,
    tasks: Vec<u64>,
}

impl Replay<'_> {
    fn token(&self, a: Asset) -> Address {
        match a {
            Asset::Lbl => self.env.lbl(),
            Asset::Stable => self.usd,
        }
    }

    async fn apply(&mut self, action: &Action) {
        let env = self.env;
        match action {
            Action::GiveLbl { to, amount } => {
                env.give_lbl(self.actors[*to as usize].addr, *amount).await
            }
            Action::MintStable { to, amount } => {
                env.mint_test_token(self.usd, self.actors[*to as usize].addr, *amount)
                    .await
            }
            Action::Stake { who, amount } => self.actors[*who as usize].stake(*amount).await,
            Action::SetEmissionRate { asset, rate } => {
                let reg = env.admin.registry();
                env.admin
                    .must(reg.setEmissionRate(self.token(*asset), *rate))
                    .await;
            }
            Action::CreateTask { requester, spec } => {
                let s = Spec {
                    items: spec.items,
                    k: spec.k,
                    threshold_bps: spec.threshold_bps,
                    token: Some(self.token(spec.asset)),
                    reward: spec.reward,
                    stake: spec.stake,
                    audit_rate_bps: spec.audit_rate_bps,
                    ..Spec::default()
                };
                let id = env.create_task(&self.actors[*requester as usize], &s).await;
                self.tasks.push(id);
            }
            Action::Commit { task, who, votes } => {
                let a = &self.actors[*who as usize];
                env.commit_batch(a, self.tasks[*task], votes).await;
            }
            Action::Reveal { task, who, votes } => {
                let a = &self.actors[*who as usize];
                env.reveal_batch(a, self.tasks[*task], votes).await;
            }
            Action::CloseCommit { task } => env.end_commit(self.tasks[*task]).await,
            Action::CloseReveal { task } => env.end_reveal(self.tasks[*task]).await,
            Action::CloseAudit { .. } => env.advance(AUDIT_WINDOW + 1).await,
            Action::Finalize { task, items } => {
                let v = env.admin.verifier();
                env.admin
                    .must(v.finalizeBatch(self.tasks[*task], items.clone()))
                    .await;
            }
            Action::Audit { task, item, label } => {
                let a = &self.actors[AUDITOR as usize];
                a.must(a.verifier().audit(self.tasks[*task], *item, *label))
                    .await;
            }
            Action::Claim { who, asset } => {
                self.actors[*who as usize].claim(self.token(*asset)).await;
            }
        }
    }
}

/// The deployment's parameters are the simulator's defaults (one fact, two readers).
async fn assert_defaults_match(env: &Env) {
    let p = Params::default();
    let on_chain = env.params().await;
    assert_eq!(
        (
            on_chain.fee_bps,
            on_chain.slash_bps,
            on_chain.no_reveal_slash_bps,
            on_chain.slash_burn_bps
        ),
        (
            p.fee_bps,
            p.slash_bps,
            p.no_reveal_slash_bps,
            p.slash_burn_bps
        )
    );
    assert_eq!(
        (
            on_chain.standard_bps,
            on_chain.strong_bps,
            on_chain.audited_bps,
            on_chain.auditor_share_bps
        ),
        (
            p.standard_bps,
            p.strong_bps,
            p.audited_bps,
            p.auditor_share_bps
        )
    );
    let (base, halving, pool, ..) = env.emission_state().await;
    assert_eq!(
        (base, halving, pool),
        (p.emission_base(), p.halving_interval, p.cap() - p.genesis())
    );
    assert_eq!(env.supply().await, p.genesis());
}

/// Every figure where the chain and the simulator disagree, as a line.
#[derive(Default)]
struct Mismatches(Vec<String>);

impl Mismatches {
    fn check(&mut self, what: String, chain: U256, simulated: U256) {
        if chain != simulated {
            self.0
                .push(format!("{what}: chain {chain}, simulator {simulated}"));
        }
    }

    /// Account `i`'s stake, credits, wallets and reputation. The admin's LBL is the
    /// genesis less what the deployment seeded elsewhere, so the treasury's wallet is
    /// compared by what the script moved (`treasury_lbl_before`), every other absolutely.
    async fn account(
        &mut self,
        replay: &Replay<'_>,
        sim: &Protocol,
        i: usize,
        a: &Actor,
        treasury_lbl_before: U256,
    ) {
        let env = replay.env;
        let fresh = Protocol::new(Params::default(), TREASURY, [U256::ZERO; 2]).unwrap();
        let genesis_wallet = fresh.books.get(TREASURY).wallet(Asset::Lbl);
        let book = sim.books.get(i as u32);
        let (free, locked, ..) = env.stake_of(a.addr).await;
        self.check(format!("account {i} free stake"), free, book.free);
        self.check(format!("account {i} locked stake"), locked, book.locked);
        for asset in Asset::ALL {
            let token = replay.token(asset);
            let claimable = env.claimable(token, a.addr).await;
            self.check(
                format!("account {i} claimable {asset:?}"),
                claimable,
                book.claimable(asset),
            );
            let mut wallet = env.balance(token, a.addr).await;
            if i as u32 == TREASURY && asset == Asset::Lbl {
                wallet = wallet + genesis_wallet - treasury_lbl_before;
            }
            self.check(
                format!("account {i} wallet {asset:?}"),
                wallet,
                book.wallet(asset),
            );
        }
        let (agreed, total, _) = env.reputation(a.addr).await;
        let (s_agreed, s_total) = sim.reputation(i as u32);
        self.check(
            format!("account {i} reputation"),
            U256::from(agreed),
            U256::from(s_agreed),
        );
        self.check(
            format!("account {i} labels"),
            U256::from(total),
            U256::from(s_total),
        );
    }

    /// The emission, the verified count, the supply and the burn
    /// (supply = genesis + emitted - burned).
    async fn token(&mut self, env: &Env, sim: &Protocol) {
        let (_, _, _, emitted, verified) = env.emission_state().await;
        self.check("emitted".into(), emitted, sim.token.emitted);
        self.check(
            "verified items".into(),
            U256::from(verified),
            U256::from(sim.token.verified),
        );
        self.check("total supply".into(), env.supply().await, sim.token.supply);
        self.check(
            "burned".into(),
            Params::default().genesis() + emitted - env.supply().await,
            sim.token.burned,
        );
    }
}

#[tokio::test]
async fn the_simulator_settles_a_200_item_script_exactly_as_the_programs_do() {
    let env = Env::start().await;
    require_time_travel!(env);
    assert_defaults_match(&env).await;
    let (script, sim) = Script::mixed(11).expect("the mixed script runs on the simulator");
    let usd = env.stablecoin().await;
    let mut actors = vec![env.admin.clone(), env.auditor.clone()];
    for i in 2..script.accounts {
        actors.push(env.named(&format!("tokenomics {i}")).await);
    }
    let mut replay = Replay {
        env: &env,
        actors,
        usd,
        tasks: Vec::new(),
    };
    // The treasury is compared by what the script moved (see `Mismatches::account`).
    let treasury_lbl_before = env.balance(env.lbl(), env.admin.addr).await;
    for action in &script.actions {
        replay.apply(action).await;
    }
    let mut mismatches = Mismatches::default();
    for (i, a) in replay.actors.iter().enumerate() {
        mismatches
            .account(&replay, &sim, i, a, treasury_lbl_before)
            .await;
    }
    mismatches.token(&env, &sim).await;
    let mismatches = mismatches.0;
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(sim.token.burned > U256::ZERO && sim.token.emitted > U256::ZERO);
    env.assert_solvent(&[usd]).await;
    eprintln!(
        "{} actions, emitted {} wei, burned {} wei, verified {} items: chain and simulator agree",
        script.actions.len(),
        sim.token.emitted,
        sim.token.burned,
        sim.token.verified
    );
}
