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
    let on_chain = env.admin.registry().params().call().await.unwrap();
    assert_eq!(
        (on_chain._0, on_chain._1, on_chain._2, on_chain._3),
        (
            p.fee_bps,
            p.slash_bps,
            p.no_reveal_slash_bps,
            p.slash_burn_bps
        )
    );
    assert_eq!(
        (on_chain._5, on_chain._6, on_chain._7, on_chain._8),
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
    // The admin's LBL is the genesis less what the deployment seeded elsewhere: compare
    // the treasury by what the script moved, every other account absolutely.
    let treasury_lbl_before = env.balance(env.lbl(), env.admin.addr).await;
    for action in &script.actions {
        replay.apply(action).await;
    }
    let fresh = Protocol::new(Params::default(), TREASURY, [U256::ZERO; 2]).unwrap();
    let genesis_wallet = fresh.books.get(TREASURY).wallet(Asset::Lbl);
    let mut mismatches = Vec::new();
    let mut check = |what: String, chain: U256, simulated: U256| {
        if chain != simulated {
            mismatches.push(format!("{what}: chain {chain}, simulator {simulated}"));
        }
    };
    for (i, a) in replay.actors.iter().enumerate() {
        let book = sim.books.get(i as u32);
        let (free, locked, ..) = env.stake_of(a.addr).await;
        check(format!("account {i} free stake"), free, book.free);
        check(format!("account {i} locked stake"), locked, book.locked);
        for asset in Asset::ALL {
            let token = replay.token(asset);
            let claimable = env.claimable(token, a.addr).await;
            check(
                format!("account {i} claimable {asset:?}"),
                claimable,
                book.claimable(asset),
            );
            let mut wallet = env.balance(token, a.addr).await;
            if i as u32 == TREASURY && asset == Asset::Lbl {
                wallet = wallet + genesis_wallet - treasury_lbl_before;
            }
            check(
                format!("account {i} wallet {asset:?}"),
                wallet,
                book.wallet(asset),
            );
        }
        let (agreed, total, _) = env.reputation(a.addr).await;
        let (s_agreed, s_total) = sim.reputation(i as u32);
        check(
            format!("account {i} reputation"),
            U256::from(agreed),
            U256::from(s_agreed),
        );
        check(
            format!("account {i} labels"),
            U256::from(total),
            U256::from(s_total),
        );
    }
    let (_, _, _, emitted, verified) = env.emission_state().await;
    check("emitted".into(), emitted, sim.token.emitted);
    check(
        "verified items".into(),
        U256::from(verified),
        U256::from(sim.token.verified),
    );
    check("total supply".into(), env.supply().await, sim.token.supply);
    // supply = genesis + emitted - burned.
    check(
        "burned".into(),
        Params::default().genesis() + emitted - env.supply().await,
        sim.token.burned,
    );
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
