//! The attacks of DESIGN §3 ("No one profits from attacking the protocol") run on the
//! devnode with the real programs, each measuring the attacker's net position — LBL over
//! wallet, escrow credits and stake, plus the gas of every transaction it sent, valued at
//! [`Pricing::baseline`] — with [`e2e::attack`]. Self-dealing emission farming has its own
//! test (`fee_bounded_emission.rs`).
//!
//! Finality is always triggered by a bystander (the admin), never by the attacker, so the
//! attacker's gas is the least it must spend: commit, reveal, stake and claim.
//!
//! Run with `--nocapture` to see each attacker's table.

use alloy::primitives::{Address, U256};
use alloy::sol_types::SolEvent;
use e2e::attack::{lbl_f, signed, Position, Pricing, Ring};
use e2e::*;
use labelchain::bindings::{IConsensusVerifier, IRewardToken, IStakingEscrow};
use labelchain::chain::Sent;

/// The most entries a batch call takes (DESIGN §4.9).
const BATCH: usize = 64;
/// The label honest labellers give (and an honest auditor confirms).
const TRUE_LABEL: u8 = 1;
/// The label an attacker gives instead.
const GARBAGE: u8 = 2;

/// Events of type `E` in the receipts of `sent`.
fn events<E: SolEvent>(sent: &[Sent]) -> Vec<E> {
    sent.iter()
        .flat_map(|s| s.logs.iter())
        .filter_map(|l| E::decode_log(&l.inner).ok().map(|e| e.data))
        .collect()
}

fn votes(items: &[u32], label: u8) -> Vec<(u32, u8)> {
    items.iter().map(|&i| (i, label)).collect()
}

/// Commits `label` on every one of `items` for `who`, in batches.
async fn commit_every(env: &Env, who: &Actor, task: u64, items: &[u32], label: u8) {
    for chunk in items.chunks(BATCH) {
        env.commit_batch(who, task, &votes(chunk, label)).await;
    }
}

/// Reveals `label` on every one of `items` for `who`, in batches.
async fn reveal_every(env: &Env, who: &Actor, task: u64, items: &[u32], label: u8) -> Vec<Sent> {
    let mut sent = Vec::new();
    for chunk in items.chunks(BATCH) {
        sent.push(env.reveal_batch(who, task, &votes(chunk, label)).await);
    }
    sent
}

/// A bystander (the admin) finalizes every one of `items`, in batches.
async fn finalize_every(env: &Env, task: u64, items: &[u32]) -> Vec<Sent> {
    let mut sent = Vec::new();
    for chunk in items.chunks(BATCH) {
        sent.push(
            env.admin
                .must(env.admin.verifier().finalizeBatch(task, chunk.to_vec()))
                .await,
        );
    }
    sent
}

async fn statuses(env: &Env, task: u64, items: &[u32]) -> Vec<ItemStatus> {
    let mut v = Vec::new();
    for &i in items {
        v.push(env.item(task, i).await.status);
    }
    v
}

/// `(bounty, fee)` the escrow holds for a task before its first commit.
async fn bounty_and_fee(env: &Env, task: u64) -> (U256, U256) {
    let b = env.admin.escrow().bountyOf(task).call().await.unwrap();
    (b._2, b._3)
}

/// The per-item emission cap the registry snapshotted for `task`.
async fn emission_cap(env: &Env, task: u64) -> U256 {
    env.terms(task).await.emission_cap
}

/// LBL emitted so far (all tasks).
async fn emitted(env: &Env) -> U256 {
    env.emission_state().await.3
}

/// The treasury's LBL credits in the escrow (the treasury is the admin).
async fn treasury_lbl(env: &Env) -> U256 {
    env.claimable(env.lbl(), env.admin.addr).await
}

/// A deterministic account (same address every run) holding `amount` LBL in its wallet.
async fn member(env: &Env, name: &str, amount: U256) -> Actor {
    let who = env.named(name).await;
    env.give_lbl(who.addr, amount).await;
    who
}

fn addrs(actors: &[&Actor]) -> Vec<Address> {
    actors.iter().map(|a| a.addr).collect()
}

// ---- a) a requester forcing escalations -------------------------------------------

/// How the requester's shill keeps an item from consensus.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shill {
    /// Commits and never reveals (slashed `noRevealSlashBps`).
    Withholds,
    /// Reveals another label than the honest two (a revealer of a void item is not slashed).
    Dissents,
}

/// The cast of [`force_escalations`]: a requester and its shill (the ring), two honest
/// labellers (the victims), the task's terms and the treasury's balances before it.
struct Escalation {
    env: Env,
    shill_plays: Shill,
    stable_token: Option<Address>,
    /// The payment token: the stablecoin or LBL.
    pay: Address,
    spec: Spec,
    items: Vec<u32>,
    requester: Actor,
    shill: Actor,
    honest: [Actor; 2],
    ring: Ring,
    victims: Ring,
    /// The treasury's credits in the payment token and in LBL before the task.
    treasury_before: (U256, U256),
}

/// What the escalated task left: its escrowed bounty and fee, how many honest labels the
/// requester got to see, and what was forfeited and slashed.
struct Escalated {
    bounty: U256,
    fee: U256,
    public: usize,
    forfeited: U256,
    /// The shill's slash, and the treasury's part of it (the rest is burned).
    slashed: U256,
    treasury_slash: U256,
}

impl Escalation {
    async fn cast(env: Env, shill_plays: Shill, stable: bool) -> Escalation {
        let stable_token = if stable {
            Some(env.stablecoin().await)
        } else {
            None
        };
        let spec = Spec {
            items: 8,
            k: 3,
            threshold_bps: 10_000,
            token: stable_token,
            reward: if stable { usd(2) } else { lbl(2) },
            ..Spec::default()
        };
        let n = U256::from(spec.items);
        let requester = match stable_token {
            Some(t) => {
                let r = env.named("escalating requester").await;
                env.mint_test_token(t, r.addr, spec.cost()).await;
                r
            }
            None => member(&env, "escalating requester", spec.cost()).await,
        };
        let shill = member(&env, "requester's shill", spec.stake * n).await;
        let honest = [env.labeller(lbl(100)).await, env.labeller(lbl(100)).await];
        let ring = Ring::start_with(&env, &[requester.addr, shill.addr], stable_token).await;
        let victims = Ring::start_with(&env, &addrs(&[&honest[0], &honest[1]]), stable_token).await;
        let pay = stable_token.unwrap_or(env.lbl());
        let treasury_before = (
            env.claimable(pay, env.admin.addr).await,
            treasury_lbl(&env).await,
        );
        Escalation {
            env,
            shill_plays,
            stable_token,
            pay,
            items: (0..spec.items).collect(),
            spec,
            requester,
            shill,
            honest,
            ring,
            victims,
            treasury_before,
        }
    }

    /// The shill takes a slot of every item next to the two honest labellers, then
    /// withholds or dissents: two of three is not unanimity, so every item escalates.
    /// Returns the task, its terms, bounty, fee and the honest reveals made public.
    async fn escalate_every_item(&self) -> (u64, TaskTerms, U256, U256, usize) {
        let (env, items) = (&self.env, &self.items);
        let task = env.create_task(&self.requester, &self.spec).await;
        let t = env.terms(task).await;
        let (bounty, fee) = bounty_and_fee(env, task).await;
        self.shill
            .stake(self.spec.stake * U256::from(self.spec.items))
            .await;
        let shill_label = 0;
        commit_every(env, &self.shill, task, items, shill_label).await;
        for h in &self.honest {
            commit_every(env, h, task, items, TRUE_LABEL).await;
        }
        env.end_commit(task).await;
        let mut reveals = Vec::new();
        for h in &self.honest {
            reveals.extend(reveal_every(env, h, task, items, TRUE_LABEL).await);
        }
        if self.shill_plays == Shill::Dissents {
            reveal_every(env, &self.shill, task, items, shill_label).await;
        }
        // What the requester was after: every honest label, public.
        let public: Vec<IConsensusVerifier::Revealed> = events(&reveals);
        assert_eq!(public.len(), items.len() * self.honest.len());
        env.end_reveal(task).await;
        finalize_every(env, task, items).await;
        assert!(
            statuses(env, task, items)
                .await
                .iter()
                .all(|s| *s == ItemStatus::Escalated),
            "two of three is not unanimity: every item escalates"
        );
        (task, t, bounty, fee, public.len())
    }

    /// No auditor acts; the escalations end void, every item's bounty is forfeited, and
    /// nothing comes back to the requester. Returns the amount forfeited.
    async fn void_unresolved(&self, task: u64, t: &TaskTerms, bounty: U256) -> U256 {
        let (env, items) = (&self.env, &self.items);
        env.advance(t.audit_window + 1).await;
        let voids = finalize_every(env, task, items).await;
        let voided: Vec<IConsensusVerifier::ItemVoided> = events(&voids);
        assert_eq!(voided.len(), items.len());
        assert!(
            voided
                .iter()
                .all(|v| VoidReason::try_from(v.reason) == Ok(VoidReason::Unresolved)),
            "unresolved"
        );
        let forfeited: U256 = events::<IStakingEscrow::BountyForfeited>(&voids)
            .iter()
            .map(|f| f.amount)
            .sum();
        assert_eq!(forfeited, bounty, "every item's bounty is forfeited");
        // Nothing comes back to the requester: no refund credit, nothing left to reclaim.
        assert_eq!(
            env.claimable(self.pay, self.requester.addr).await,
            U256::ZERO
        );
        expect_revert(
            self.requester
                .send(self.requester.registry().reclaim(task))
                .await,
            "NothingToReclaim",
        );
        forfeited
    }

    /// The treasury got the fee, the forfeited bounty (in the payment token) and its part
    /// of the shill's slash (in LBL); the shill keeps the rest of its stake, unlocked.
    /// Returns the shill's slash and the treasury's part of it.
    async fn check_treasury_and_shill(
        &self,
        t: &TaskTerms,
        fee: U256,
        forfeited: U256,
    ) -> (U256, U256) {
        let env = &self.env;
        let n = U256::from(self.spec.items);
        let slash_each = match self.shill_plays {
            Shill::Withholds => {
                self.spec.stake * U256::from(t.no_reveal_slash_bps) / U256::from(10_000u16)
            }
            Shill::Dissents => U256::ZERO,
        };
        let slashed = slash_each * n;
        let burned = slashed * U256::from(t.slash_burn_bps) / U256::from(10_000u16);
        let pay_gain = env.claimable(self.pay, env.admin.addr).await - self.treasury_before.0;
        let lbl_gain = treasury_lbl(env).await - self.treasury_before.1;
        if self.stable_token.is_some() {
            assert_eq!((pay_gain, lbl_gain), (fee + forfeited, slashed - burned));
        } else {
            assert_eq!(lbl_gain, fee + forfeited + slashed - burned);
        }
        let (free, locked, ..) = env.stake_of(self.shill.addr).await;
        assert_eq!((free, locked), (self.spec.stake * n - slashed, U256::ZERO));
        (slashed, slashed - burned)
    }

    /// The ring paid bounty + fee and got nothing back, and lost the shill's slash: more
    /// than an honest task's full price, for fewer labels than it delivers. The honest
    /// labellers kept their stake (unpaid: what griefing costs them is gas).
    async fn check_positions(&self, e: &Escalated) {
        let (env, spec) = (&self.env, &self.spec);
        let p = Pricing::baseline();
        let stable = self.stable_token.is_some();
        let pos = self.ring.position(env).await;
        let hurt = self.victims.position(env).await;
        let decimals = if stable { 6 } else { 18 };
        let units = |a: U256| signed(a) as f64 / 10f64.powi(decimals);
        let (cost_usd, unit) = if stable {
            (units(spec.cost()), "USD")
        } else {
            (units(spec.cost()) * p.lbl_usd, "LBL")
        };
        let what = match self.shill_plays {
            Shill::Withholds => "withheld reveal",
            Shill::Dissents => "revealed dissent",
        };
        eprintln!(
            "{}",
            pos.table(
                &format!(
                    "a) escalation-forcing requester + shill ({what}), {} items, k = 3, unanimity, paid in {unit}",
                    spec.items
                ),
                &p
            )
        );
        eprintln!(
            "  paid for {} public labels: {:.4} USD each (an honest task's price: {:.4} USD per label)",
            e.public,
            -pos.net_usd(&p) / e.public as f64,
            cost_usd / (self.items.len() * usize::from(spec.k)) as f64
        );
        eprintln!(
            "{}",
            hurt.table("   the two honest labellers (unpaid, stake back)", &p)
        );
        eprintln!(
            "  treasury +{:.6} {unit} (fee {:.6}, forfeited {:.6}) and +{:.6} LBL of slash",
            units(e.fee + e.forfeited),
            units(e.fee),
            units(e.forfeited),
            lbl_f(signed(e.treasury_slash))
        );
        let paid = signed(e.bounty + e.fee);
        let expected = if stable {
            (-signed(e.slashed), -paid)
        } else {
            (-paid - signed(e.slashed), 0)
        };
        assert_eq!((pos.lbl, pos.stable), expected);
        assert!(pos.net_usd(&p) < 0.0, "{}", pos.net_usd(&p));
        assert!(pos.net_lbl(&p) < 0.0, "{}", pos.net_lbl(&p));
        assert!(
            pos.net_usd(&p) < -cost_usd,
            "{} vs {cost_usd}",
            pos.net_usd(&p)
        );
        assert_eq!((hurt.lbl, hurt.stable), (0, 0));
    }
}

/// DESIGN §4: a requester asks for unanimity and has a shill take one of the k slots of
/// every item; two honest labellers agree on each, the shill withholds its reveal or
/// reveals a dissent, so every item escalates, and no auditor resolves it. Before the
/// forfeit rule the bounty came back and the honest labels (public in `Revealed`) were
/// free. `stable`: the task is paid in a 6-decimal stablecoin instead of LBL.
async fn force_escalations(shill_plays: Shill, stable: bool) {
    let env = Env::start().await;
    require_time_travel!(env);
    let scene = Escalation::cast(env, shill_plays, stable).await;
    let (task, t, bounty, fee, public) = scene.escalate_every_item().await;
    let forfeited = scene.void_unresolved(task, &t, bounty).await;
    let (slashed, treasury_slash) = scene.check_treasury_and_shill(&t, fee, forfeited).await;
    let escalated = Escalated {
        bounty,
        fee,
        public,
        forfeited,
        slashed,
        treasury_slash,
    };
    scene.check_positions(&escalated).await;
    scene
        .env
        .assert_solvent(&scene.stable_token.into_iter().collect::<Vec<_>>())
        .await;
}

#[tokio::test]
async fn a_requester_forcing_escalations_forfeits_the_bounty_and_loses_money() {
    force_escalations(Shill::Withholds, false).await;
}

#[tokio::test]
async fn a_requester_forcing_escalations_with_a_revealed_dissent_still_forfeits_the_bounty() {
    force_escalations(Shill::Dissents, false).await;
}

#[tokio::test]
async fn a_requester_forcing_escalations_on_a_stablecoin_task_forfeits_the_stable_bounty() {
    force_escalations(Shill::Withholds, true).await;
}

// ---- b) auditors ----------------------------------------------------------------

/// Two tasks where the auditor's audits would pay it: task `labelled`, where it labels
/// next to two honest labellers (item 0 accepted against its label, pending audit; item 1 a
/// three-way split, escalated), and task `requested`, its own, where three honest
/// labellers agree (pending audit). Returns the requester of `labelled`, the three honest
/// labellers, `labelled` and `requested`.
async fn self_audit_targets(env: &Env) -> (Actor, [Actor; 3], u64, u64) {
    let auditor = &env.auditor;
    env.give_lbl(auditor.addr, lbl(100)).await;
    auditor.stake(lbl(100)).await;
    let honest = [
        env.labeller(lbl(100)).await,
        env.labeller(lbl(100)).await,
        env.labeller(lbl(100)).await,
    ];
    // Every accepted item is sampled, so each is auditable.
    let sampled = Spec {
        items: 2,
        audit_rate_bps: 10_000,
        ..Spec::default()
    };
    // Task 1: the auditor labels next to two honest labellers; item 0 is accepted against
    // the auditor's label (pending audit), item 1 is a three-way split (escalated).
    let (requester, labelled) = env.lbl_task(&sampled).await;
    // Task 2: the auditor is the requester; three honest labellers agree.
    env.give_lbl(auditor.addr, sampled.cost()).await;
    let requested = env.create_task(auditor, &sampled).await;
    let two = &honest[..2];
    env.commit_all(two, labelled, 0, &[TRUE_LABEL, TRUE_LABEL])
        .await;
    env.commit_all(two, labelled, 1, &[0, TRUE_LABEL]).await;
    for i in 0..2 {
        env.commit(auditor, labelled, i, GARBAGE).await;
    }
    env.commit_all(&honest, requested, 0, &[TRUE_LABEL; 3])
        .await;
    env.end_commit(labelled).await;
    env.end_commit(requested).await;
    env.reveal_all(two, labelled, 0, &[TRUE_LABEL, TRUE_LABEL], &[true; 2])
        .await;
    env.reveal_all(two, labelled, 1, &[0, TRUE_LABEL], &[true; 2])
        .await;
    for i in 0..2 {
        env.reveal(auditor, labelled, i, GARBAGE).await;
    }
    env.reveal_all(&honest, requested, 0, &[TRUE_LABEL; 3], &[true; 3])
        .await;
    env.end_reveal(labelled).await;
    env.end_reveal(requested).await;
    finalize_every(env, labelled, &[0, 1]).await;
    finalize_every(env, requested, &[0]).await;
    assert_eq!(
        statuses(env, labelled, &[0, 1]).await,
        vec![ItemStatus::PendingAudit, ItemStatus::Escalated]
    );
    assert_eq!(
        env.item(requested, 0).await.status,
        ItemStatus::PendingAudit
    );
    (requester, honest, labelled, requested)
}

#[tokio::test]
async fn an_auditor_cannot_audit_an_item_they_labelled_or_a_task_they_requested_and_trying_only_costs_gas(
) {
    let env = Env::start().await;
    require_time_travel!(env);
    let p = Pricing::baseline();
    let auditor = &env.auditor;
    let (requester, honest, labelled, requested) = self_audit_targets(&env).await;

    // What each audit would win: item 0 overridden to the auditor's label pays the
    // auditor reward + emission and slashes both honest labellers; item 1 resolved for
    // it likewise; on its own task, a label nobody gave slashes all three and refunds
    // every reward to the auditor as requester.
    let attempts = [
        (labelled, 0, GARBAGE, "AuditorIsLabeller", 0u64),
        (labelled, 1, GARBAGE, "AuditorIsLabeller", 1),
        (requested, 0, 0, "AuditorIsRequester", requested),
    ];
    let mut who = addrs(&[auditor, &requester, &env.admin]);
    who.extend(addrs(&[&honest[0], &honest[1], &honest[2]]));
    let before = env.books(&[env.lbl()], &who).await;
    let ring = Ring::start(&env, &[auditor.addr]).await;
    // Estimated first (as a wallet does): refused, nothing sent, nothing spent.
    for (task, item, label, error, _) in attempts {
        expect_revert(
            auditor
                .send(auditor.verifier().audit(task, item, label))
                .await,
            error,
        );
    }
    assert_eq!(ring.position(&env).await, Position::default());
    // Sent anyway, so they are mined and revert on chain.
    for (task, item, label, error, arg) in attempts {
        let e = expect_revert(
            auditor
                .send_unchecked(auditor.verifier().audit(task, item, label))
                .await,
            error,
        );
        assert_eq!(e.args, vec![arg.to_string()]);
    }
    assert_eq!(env.books(&[env.lbl()], &who).await, before, "nothing moved");
    for (task, item, ..) in attempts {
        assert_ne!(env.item(task, item).await.status, ItemStatus::Final);
    }
    let pos = ring.position(&env).await;
    eprintln!(
        "{}",
        pos.table(
            "b) self-auditing auditor: 3 refused audits, mined (its own label x2, its own task x1)",
            &p
        )
    );
    assert_eq!(pos.lbl, 0, "gains nothing");
    assert!(pos.gas > 0, "the mined refusals cost gas");
    assert!(pos.net_usd(&p) < 0.0 && pos.net_lbl(&p) < 0.0);
    env.assert_solvent(&[]).await;
}

/// A ring of `k` accounts that fills every slot of every item of a task, each holding
/// `stake` per item in its wallet.
async fn sybils(env: &Env, k: u8, stake: U256, items: u32) -> Vec<Actor> {
    let mut ring = Vec::new();
    for i in 0..k {
        ring.push(member(env, &format!("sybil {i}"), stake * U256::from(items)).await);
    }
    ring
}

/// The ring stakes, commits and reveals `GARBAGE` unanimously on every item.
async fn fill_with_garbage(env: &Env, ring: &[Actor], spec: &Spec, task: u64, items: &[u32]) {
    for s in ring {
        s.stake(spec.stake * U256::from(spec.items)).await;
        commit_every(env, s, task, items, GARBAGE).await;
    }
    env.end_commit(task).await;
    for s in ring {
        reveal_every(env, s, task, items, GARBAGE).await;
    }
    env.end_reveal(task).await;
}

/// Everyone in `who` claims the LBL credited to them (if any).
async fn claim_all(env: &Env, who: &[&Actor]) {
    for w in who {
        if env.claimable(env.lbl(), w.addr).await > U256::ZERO {
            w.claim(env.lbl()).await;
        }
    }
}

/// The spot-check defence of (c) assumes an honest auditor. One who confirms a ring's
/// garbage makes every sampled item final at the Audited tier: the ring keeps the
/// requester's bounty and the fee-bounded emission, the auditor its share of that
/// emission. Auditors are allow-listed by the owner (a trust assumption, not an economic
/// guarantee), so this test measures the colluders' gain instead of claiming a loss, and
/// asserts its bounds: at most what the requester paid, and no more minted than the fee.
#[tokio::test]
async fn a_rubber_stamping_auditor_and_a_garbage_ring_take_only_the_requesters_bounty_and_mint_at_most_the_fee(
) {
    let env = Env::start().await;
    require_time_travel!(env);
    let p = Pricing::baseline();
    // Every item is sampled, and the (allow-listed) auditor confirms the garbage.
    let spec = Spec {
        items: 16,
        audit_rate_bps: 10_000,
        ..Spec::default()
    };
    let items: Vec<u32> = (0..spec.items).collect();
    let n = U256::from(spec.items);
    let requester = member(&env, "victim requester", spec.cost()).await;
    let ring = sybils(&env, spec.k, spec.stake, spec.items).await;
    let auditor = &env.auditor;
    let mut members: Vec<&Actor> = ring.iter().collect();
    let labellers = Ring::start(&env, &addrs(&members)).await;
    let stamp = Ring::start(&env, &[auditor.addr]).await;
    let victim = Ring::start(&env, &[requester.addr]).await;
    let (emitted0, treasury0, supply0) = (
        emitted(&env).await,
        treasury_lbl(&env).await,
        env.supply().await,
    );

    let task = env.create_task(&requester, &spec).await;
    let t = env.terms(task).await;
    let (bounty, fee) = bounty_and_fee(&env, task).await;
    let cap = emission_cap(&env, task).await;
    fill_with_garbage(&env, &ring, &spec, task, &items).await;
    finalize_every(&env, task, &items).await;
    assert!(statuses(&env, task, &items)
        .await
        .iter()
        .all(|s| *s == ItemStatus::PendingAudit));
    let audits = rubber_stamp(&env, task, &items).await;
    members.push(auditor);
    claim_all(&env, &members).await;

    let minted = emitted(&env).await - emitted0;
    let per_item: Vec<IRewardToken::EmissionMinted> = events(&audits);
    // The Audited 1.5x multiplier asks for 1.5 e(n), but no item mints above its fee share.
    assert!(per_item.iter().all(|e| e.amount <= cap));
    assert_eq!(minted, cap * n);
    assert!(
        minted <= fee,
        "the protocol minted {minted} for a fee of {fee}"
    );
    assert_eq!(env.supply().await - supply0, minted);
    assert_eq!(treasury_lbl(&env).await - treasury0, fee);
    let ring_pos = labellers.position(&env).await;
    let auditor_pos = stamp.position(&env).await;
    let victim_pos = victim.position(&env).await;
    let cut = cap * U256::from(t.auditor_share_bps) / U256::from(10_000u16);
    assert_eq!(auditor_pos.lbl, signed(cut * n), "the auditor's share");
    // The auditor's take is bounded by its share of the fee, whatever the tier asks for.
    assert!(
        auditor_pos.lbl <= signed(fee * U256::from(t.auditor_share_bps) / U256::from(10_000u16))
    );
    let colluders = ring_pos + auditor_pos;
    // What the colluders gained is exactly the requester's bounty plus fee-bounded
    // emission: the requester pays for garbage, the protocol mints no more than the fee.
    assert_eq!(colluders.lbl, signed(bounty + minted));
    assert_eq!(victim_pos.lbl, -signed(bounty + fee));
    assert!(colluders.lbl <= -victim_pos.lbl);
    let title = format!(
        "b) rubber-stamped garbage ring ({} sybils), {} items all sampled",
        spec.k, spec.items
    );
    eprintln!("{}", ring_pos.table(&title, &p));
    print_collusion(&p, auditor_pos, ring_pos, victim_pos, minted, fee);
    env.assert_solvent(&[]).await;
}

/// The allow-listed auditor confirms the garbage on every item: each becomes final at the
/// Audited tier. Returns the audits' receipts.
async fn rubber_stamp(env: &Env, task: u64, items: &[u32]) -> Vec<Sent> {
    let auditor = &env.auditor;
    let mut audits = Vec::new();
    for &i in items {
        audits.push(
            auditor
                .must(auditor.verifier().audit(task, i, GARBAGE))
                .await,
        );
    }
    let stamped: Vec<IConsensusVerifier::Audited> = events(&audits);
    assert!(stamped.iter().all(|a| a.confirmed && a.label == GARBAGE));
    for &i in items {
        let it = env.item(task, i).await;
        assert_eq!(
            (it.status, it.quality),
            (ItemStatus::Final, Some(Quality::Audited))
        );
    }
    audits
}

/// The rubber-stamping auditor's, the colluders' and the victim's tables, and what was
/// minted against the fee.
fn print_collusion(
    p: &Pricing,
    auditor_pos: Position,
    ring_pos: Position,
    victim_pos: Position,
    minted: U256,
    fee: U256,
) {
    let colluders = ring_pos + auditor_pos;
    eprintln!("{}", auditor_pos.table("   the colluding auditor", p));
    eprintln!("{}", colluders.table("   ring + auditor", p));
    eprintln!("{}", victim_pos.table("   the requester (victim)", p));
    eprintln!(
        "  minted {:.6} LBL for a fee of {:.6} LBL; colluders {} (auditors are allow-listed: a trust assumption)",
        lbl_f(signed(minted)),
        lbl_f(signed(fee)),
        if colluders.net_usd(p) > 0.0 {
            "PROFIT at the requester's expense"
        } else {
            "lose"
        }
    );
}

// ---- c) a Sybil ring taking every slot ---------------------------------------------

#[tokio::test]
async fn a_sybil_ring_filling_every_slot_with_garbage_loses_money_to_spot_checks_by_an_honest_auditor(
) {
    let env = Env::start().await;
    require_time_travel!(env);
    let p = Pricing::baseline();
    // 10 % spot-checks and a stake of 200x the reward: a garbage item the honest auditor
    // catches costs each sybil `slashBps` of its stake, far more than an unchecked item
    // pays it. (The break-even stake is printed; 256 items make a net gain need fewer
    // than 7 sampled where 25.6 are expected.)
    let spec = Spec {
        items: 256,
        k: 3,
        reward: lbl(2),
        stake: lbl(400),
        audit_rate_bps: 1_000,
        ..Spec::default()
    };
    let items: Vec<u32> = (0..spec.items).collect();
    let requester = member(&env, "requester", spec.cost()).await;
    let ring = sybils(&env, spec.k, spec.stake, spec.items).await;
    let members: Vec<&Actor> = ring.iter().collect();
    let watch = Ring::start(&env, &addrs(&members)).await;
    let checker = Ring::start(&env, &[env.auditor.addr]).await;
    let (emitted0, supply0) = (emitted(&env).await, env.supply().await);

    let task = env.create_task(&requester, &spec).await;
    let t = env.terms(task).await;
    let (_, fee) = bounty_and_fee(&env, task).await;
    let cap = emission_cap(&env, task).await;
    let k = U256::from(spec.k);
    let slash_each = spec.stake * U256::from(t.slash_bps) / U256::from(10_000u16);
    let (gain, expected) = expected_per_item(&spec, &t, cap);
    assert!(expected < 0.0, "expected {expected} LBL per item");

    fill_with_garbage(&env, &ring, &spec, task, &items).await;
    let sampled = override_sampled(&env, task, &items).await;
    claim_all(&env, &members).await;

    let a = U256::from(sampled.len());
    let unchecked = U256::from(spec.items) - a;
    let minted = emitted(&env).await - emitted0;
    // Only unchecked items emit (nobody agreed with an overriding auditor's label).
    assert_eq!(minted, cap * unchecked);
    assert!(minted <= fee);
    let pos = watch.position(&env).await;
    assert_eq!(
        pos.lbl,
        signed(unchecked * k * spec.reward + minted) - signed(a * k * slash_each)
    );
    let slashed = a * k * slash_each;
    let burned = slashed * U256::from(t.slash_burn_bps) / U256::from(10_000u16);
    assert_eq!(env.supply().await + burned - supply0, minted);
    let title = format!(
        "c) garbage Sybil ring ({} sybils), {} items, audit rate {} bps, stake {} / reward {} LBL",
        spec.k,
        spec.items,
        t.audit_rate_bps,
        lbl_f(signed(spec.stake)),
        lbl_f(signed(spec.reward))
    );
    eprintln!("{}", pos.table(&title, &p));
    eprintln!(
        "  {} of {} items sampled and overridden; expected {:.4} LBL per item, realised {:.4} (gas included)",
        sampled.len(),
        spec.items,
        expected,
        pos.net_lbl(&p) / f64::from(spec.items)
    );
    print_break_even(&spec, &t, gain);
    honest_auditor_is_paid_nothing(&env, &checker, sampled.len()).await;
    assert!(pos.lbl < 0, "{}", pos.lbl);
    assert!(pos.net_usd(&p) < 0.0, "{}", pos.net_usd(&p));
    assert!(pos.net_lbl(&p) < 0.0, "{}", pos.net_lbl(&p));
    env.assert_solvent(&[]).await;
}

/// A bystander finalizes every item; the honest auditor overrides every sampled one
/// (pending audit) with the true label, so each ends final, caught items with the true
/// label and the rest with the ring's garbage. Returns the sampled items.
async fn override_sampled(env: &Env, task: u64, items: &[u32]) -> Vec<u32> {
    finalize_every(env, task, items).await;
    let sampled: Vec<u32> = items
        .iter()
        .zip(statuses(env, task, items).await)
        .filter(|(_, s)| *s == ItemStatus::PendingAudit)
        .map(|(i, _)| *i)
        .collect();
    for &i in &sampled {
        env.auditor
            .must(env.auditor.verifier().audit(task, i, TRUE_LABEL))
            .await;
    }
    for &i in items {
        let it = env.item(task, i).await;
        assert_eq!(it.status, ItemStatus::Final);
        let caught = sampled.contains(&i);
        assert_eq!(it.label, if caught { TRUE_LABEL } else { GARBAGE });
    }
    sampled
}

/// What catching the ring paid the honest auditor: no agreeing labeller, no emission, so
/// no auditor's share either; only its gas.
async fn honest_auditor_is_paid_nothing(env: &Env, checker: &Ring, overrides: usize) {
    let audit_pos = checker.position(env).await;
    eprintln!(
        "{}",
        audit_pos.table(
            &format!("   the honest auditor ({overrides} overrides)"),
            &Pricing::baseline()
        )
    );
    assert_eq!(audit_pos.lbl, 0);
}

/// What an unchecked garbage item pays the ring (LBL, `k` rewards plus the emission cap),
/// and what an item is worth to it in expectation, gas aside:
/// (1 - p) (k r + cap) - p k slash.
fn expected_per_item(spec: &Spec, t: &TaskTerms, cap: U256) -> (f64, f64) {
    let k = U256::from(spec.k);
    let slash_each = spec.stake * U256::from(t.slash_bps) / U256::from(10_000u16);
    let rate = f64::from(t.audit_rate_bps) / 10_000.0;
    let gain = lbl_f(signed(k * spec.reward + cap));
    let loss = lbl_f(signed(k * slash_each));
    (gain, (1.0 - rate) * gain - rate * loss)
}

/// The stake at which an unchecked item's `gain` (LBL) balances the expected slash.
fn print_break_even(spec: &Spec, t: &TaskTerms, gain: f64) {
    let rate = f64::from(t.audit_rate_bps) / 10_000.0;
    let per_stake = rate * f64::from(spec.k) * f64::from(t.slash_bps) / 10_000.0;
    eprintln!(
        "  break-even stake for this reward at {} bps: {:.2} LBL (stake / reward {:.1})",
        t.audit_rate_bps,
        (1.0 - rate) * gain / per_stake,
        (1.0 - rate) * gain / per_stake / lbl_f(signed(spec.reward))
    );
}

/// DESIGN's known limit: slots are first come, first served, so without spot-checks a
/// ring that fills every slot of an item is paid for garbage (stake-weighted random
/// assignment would be the remedy). Measured for the README; asserted are only its
/// bounds: the ring's gain is the requester's bounty plus emission no larger than the fee.
#[tokio::test]
async fn a_sybil_ring_filling_every_slot_without_spot_checks_is_paid_by_the_requester_and_mints_at_most_the_fee(
) {
    let env = Env::start().await;
    require_time_travel!(env);
    let p = Pricing::baseline();
    let spec = Spec {
        items: 64,
        audit_rate_bps: 0,
        ..Spec::default()
    };
    let items: Vec<u32> = (0..spec.items).collect();
    let n = U256::from(spec.items);
    let requester = member(&env, "requester", spec.cost()).await;
    let ring = sybils(&env, spec.k, spec.stake, spec.items).await;
    let members: Vec<&Actor> = ring.iter().collect();
    let watch = Ring::start(&env, &addrs(&members)).await;
    let victim = Ring::start(&env, &[requester.addr]).await;
    let (emitted0, treasury0, supply0) = (
        emitted(&env).await,
        treasury_lbl(&env).await,
        env.supply().await,
    );

    let task = env.create_task(&requester, &spec).await;
    let (bounty, fee) = bounty_and_fee(&env, task).await;
    let cap = emission_cap(&env, task).await;
    fill_with_garbage(&env, &ring, &spec, task, &items).await;
    finalize_every(&env, task, &items).await;
    for &i in &items {
        let it = env.item(task, i).await;
        assert_eq!((it.status, it.label), (ItemStatus::Final, GARBAGE));
    }
    claim_all(&env, &members).await;

    let minted = emitted(&env).await - emitted0;
    assert_eq!(minted, cap * n);
    assert!(minted <= fee, "minted {minted} for a fee of {fee}");
    assert_eq!(env.supply().await - supply0, minted);
    assert_eq!(treasury_lbl(&env).await - treasury0, fee);
    let pos = watch.position(&env).await;
    let victim_pos = victim.position(&env).await;
    // The ring's LBL is the requester's bounty plus fee-bounded emission, nothing else.
    assert_eq!(pos.lbl, signed(bounty + minted));
    assert_eq!(victim_pos.lbl, -signed(bounty + fee));
    assert!(pos.lbl <= -victim_pos.lbl);
    eprintln!(
        "{}",
        pos.table(
            &format!(
                "c) garbage Sybil ring ({} sybils), {} items, NO spot-checks (known limit)",
                spec.k, spec.items
            ),
            &p
        )
    );
    eprintln!("{}", victim_pos.table("   the requester (victim)", &p));
    eprintln!(
        "  per item: ring {:+.6} LBL = {:+.6} USD for {} gas; minted {:.6} LBL of {:.6} LBL fee",
        pos.net_lbl(&p) / f64::from(spec.items),
        pos.net_usd(&p) / f64::from(spec.items),
        pos.gas / u64::from(spec.items),
        lbl_f(signed(minted)) / f64::from(spec.items),
        lbl_f(signed(fee)) / f64::from(spec.items)
    );
    env.assert_solvent(&[]).await;
}
