//! The salt grinder (DESIGN.md §4: "the spot-check draw must not be steerable by
//! labellers or the requester"), on the real programs.
//!
//! A ring of three accounts takes all k = 3 slots of every item of a task that spot-checks
//! half its items, labels every item with garbage, and grinds its salts off-chain so that
//! the draw as it used to be — from the XOR of the salts alone — would skip the spot-check
//! on every item. The verifier now mixes in ArbSys's hash of the block before finality,
//! which does not exist when the salts are committed: an honest bystander finalizes as
//! soon as the ring has revealed, about half the items are spot-checked anyway, an honest
//! auditor overrides each of them with the true label, and the ring ends with less than
//! it started with, gas included.
//!
//! What this does not cover is a ring that finalizes itself and picks the block (see
//! `ConsensusVerifier::entropy`): here an honest party finalizes first.

use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::providers::Provider;
use e2e::*;

const TRUTH: u8 = 0;
const GARBAGE: u8 = 2;
const RATE_BPS: u16 = 5_000;
/// What the ring pays per unit of gas: 0.01 gwei, a low Arbitrum One price (the devnode
/// charges 0.1 gwei); the lower it is, the better the attack looks.
const GAS_PRICE_WEI: u128 = 10_000_000;
/// The market the gas is valued at: LBL per ETH (ETH at $3,000, LBL at $0.05).
const LBL_PER_ETH: u128 = 60_000;

fn word(v: u128) -> [u8; 32] {
    U256::from(v).to_be_bytes()
}

/// The spot-check draw in `0..10000`: `keccak256(seed, task, item[, blockHash])`, low
/// 8 bytes modulo 10,000. Without a block hash it is the salts-only draw the ring grinds
/// against; with one, the verifier's.
fn draw(seed: u128, task: u64, item: u32, block_hash: Option<B256>) -> u16 {
    let mut words = vec![word(seed), word(task.into()), word(item.into())];
    words.extend(block_hash.map(|h| h.0));
    let h = keccak256(words.concat());
    let mut low = [0u8; 8];
    low.copy_from_slice(&h[24..]);
    (u64::from_be_bytes(low) % 10_000) as u16
}

/// The verifier's seed of an item: the XOR of the first 16 bytes of its revealed salts.
fn seed_of(salts: &[B256]) -> u128 {
    salts.iter().fold(0, |acc, s| {
        let mut half = [0u8; 16];
        half.copy_from_slice(&s[..16]);
        acc ^ u128::from_be_bytes(half)
    })
}

/// The ring's salts for `item`, one per member: all but the last fixed, the last ground
/// until the salts-only draw skips the spot-check.
fn ground_salts(task: u64, item: u32, k: usize) -> Vec<B256> {
    let mut salts: Vec<B256> = (0..k - 1)
        .map(|m| keccak256(format!("ring {task} {item} {m}")))
        .collect();
    let fixed = seed_of(&salts);
    let last = (0u64..)
        .map(|n| keccak256(format!("grind {task} {item} {n}")))
        .find(|s| draw(fixed ^ seed_of(&[*s]), task, item, None) >= RATE_BPS)
        .expect("half of all salts skip");
    salts.push(last);
    salts
}

/// LBL an account holds anywhere: wallet, escrow credits, and stake (free, locked or
/// unbonding). Staking and claiming move LBL between these; slashes, pay and emission
/// change the sum.
async fn holdings(env: &Env, who: Address) -> i128 {
    let (free, locked, unbonding, _) = env.stake_of(who).await;
    let total = env.balance(env.lbl(), who).await
        + env.claimable(env.lbl(), who).await
        + free
        + locked
        + unbonding;
    i128::try_from(total).expect("below the LBL cap")
}

async fn ring_holdings(env: &Env, ring: &[Actor]) -> i128 {
    let mut sum = 0;
    for m in ring {
        sum += holdings(env, m.addr).await;
    }
    sum
}

fn lbl_f(wei: i128) -> f64 {
    wei as f64 / 1e18
}

/// Three sybils taking every slot of a task, with the gas they spend counted.
struct Ring {
    members: Vec<Actor>,
    gas: u64,
}

impl Ring {
    /// `k` members, each funded with `stake` LBL to stake.
    async fn funded(env: &Env, k: u8, stake: U256) -> Ring {
        let mut members = Vec::new();
        for _ in 0..k {
            members.push(env.funded(stake).await);
        }
        Ring { members, gas: 0 }
    }

    async fn stake(&mut self, env: &Env, stake: U256) {
        for m in &self.members {
            self.gas += m
                .must(m.erc20(env.lbl()).approve(env.a.escrow, stake))
                .await
                .gas_used;
            self.gas += m.must(m.escrow().stake(stake)).await.gas_used;
        }
    }

    /// Every member commits `GARBAGE` on every item with its share of the ground salts.
    async fn commit_garbage(&mut self, env: &Env, task: u64, items: &[u32], salts: &[Vec<B256>]) {
        for (m, who) in self.members.iter().enumerate() {
            let commitments = items
                .iter()
                .map(|&i| {
                    labelchain::salts::commitment(
                        env.chain_id,
                        env.a.verifier,
                        task,
                        i,
                        who.addr,
                        GARBAGE,
                        salts[i as usize][m],
                    )
                })
                .collect();
            self.gas += who
                .must(
                    who.verifier()
                        .commitBatch(task, items.to_vec(), commitments),
                )
                .await
                .gas_used;
        }
    }

    async fn reveal_garbage(&mut self, task: u64, items: &[u32], salts: &[Vec<B256>]) {
        for (m, who) in self.members.iter().enumerate() {
            let own = salts.iter().map(|s| s[m]).collect();
            let labels = vec![GARBAGE; items.len()];
            self.gas += who
                .must(
                    who.verifier()
                        .revealBatch(task, items.to_vec(), labels, own),
                )
                .await
                .gas_used;
        }
    }

    async fn claim(&mut self, env: &Env) {
        for m in &self.members {
            self.gas += m.must(m.escrow().claim(env.lbl())).await.gas_used;
        }
    }

    async fn holdings(&self, env: &Env) -> i128 {
        ring_holdings(env, &self.members).await
    }
}

/// Off-chain, before committing: grinds so that no item would be spot-checked by the
/// salts-only draw.
fn grind_all(task: u64, items: &[u32], k: usize) -> Vec<Vec<B256>> {
    let salts: Vec<Vec<B256>> = items.iter().map(|&i| ground_salts(task, i, k)).collect();
    for &i in items {
        assert!(
            draw(seed_of(&salts[i as usize]), task, i, None) >= RATE_BPS,
            "item {i}: the grind skips the salts-only draw"
        );
    }
    salts
}

/// An honest bystander finalizes as soon as everything is revealed; each item is pending
/// audit exactly when the verifier's draw (salts and the previous block's hash) picks it.
/// Returns the spot-checked items.
async fn finalize_as_bystander(
    env: &Env,
    task: u64,
    items: &[u32],
    salts: &[Vec<B256>],
) -> Vec<u32> {
    let keeper = env.actor().await;
    let finalized = keeper
        .must(keeper.verifier().finalizeBatch(task, items.to_vec()))
        .await;
    let previous = env
        .admin
        .p()
        .get_block_by_number((finalized.block - 1).into())
        .await
        .expect("eth_getBlockByNumber")
        .expect("the block before the finalize")
        .header
        .hash;
    let mut checked = Vec::new();
    for &i in items {
        let seed = seed_of(&salts[i as usize]);
        let drawn = draw(seed, task, i, Some(previous)) < RATE_BPS;
        let it = env.item(task, i).await;
        let expected = if drawn {
            ItemStatus::PendingAudit
        } else {
            ItemStatus::Final
        };
        assert_eq!(
            it.status, expected,
            "item {i}: the draw from its salts and the previous block's hash"
        );
        if drawn {
            checked.push(i);
        }
    }
    checked
}

/// The honest auditor gives every spot-checked item its true label.
async fn audit_truth(env: &Env, task: u64, checked: &[u32]) {
    for &i in checked {
        env.auditor
            .must(env.auditor.verifier().audit(task, i, TRUTH))
            .await;
        let it = env.item(task, i).await;
        assert_eq!((it.status, it.label), (ItemStatus::Final, TRUTH));
    }
}

/// The ring's result in LBL-wei: what it was paid and slashed, its LBL delta, the gas
/// valued in LBL, and what the same ring would have made under the salts-only draw.
struct Outcome {
    gained: i128,
    lost: i128,
    delta: i128,
    gas_lbl: i128,
    net: i128,
    without_hash: i128,
}

impl Outcome {
    fn print(&self, spec: &Spec, t: &TaskTerms, checked: usize, gas: u64) {
        eprintln!(
            "salt grinder: {} sybils on all {} items, audit rate {} bps, stake {} / reward {} LBL, slash {} bps",
            spec.k,
            spec.items,
            t.audit_rate_bps,
            lbl_f(i128::try_from(spec.stake).expect("small")),
            lbl_f(i128::try_from(spec.reward).expect("small")),
            t.slash_bps
        );
        eprintln!(
            "  salts-only draw: 0 of {} items spot-checked; the chain's draw: {} spot-checked",
            spec.items, checked
        );
        eprintln!(
            "  paid {:+.4} LBL (rewards and emission), slashed {:+.4} LBL: LBL delta {:+.4}",
            lbl_f(self.gained),
            lbl_f(-self.lost),
            lbl_f(self.delta)
        );
        eprintln!(
            "  gas {} at {} gwei = {:.6} LBL ({} LBL/ETH): net {:+.4} LBL",
            gas,
            GAS_PRICE_WEI as f64 / 1e9,
            lbl_f(self.gas_lbl),
            LBL_PER_ETH,
            lbl_f(self.net)
        );
        eprintln!(
            "  (about what the same ring made under the salts-only draw: {:+.4} LBL)",
            lbl_f(self.without_hash)
        );
    }
}

#[tokio::test]
async fn a_ring_grinding_its_salts_against_the_spot_check_is_still_spot_checked_and_loses_money() {
    let env = Env::start().await;
    require_time_travel!(env);
    // 64 items (one batch each way); stake 20x the reward, so a spot-checked item costs
    // the ring 3 x 20 % x 20 = 12 LBL and an unchecked one pays it 3.075 LBL (rewards plus
    // the fee-bounded emission). The block hashes differ from run to run (the chain's
    // clock and the test keys are fresh), so the number of spot-checks is random: the ring
    // loses from 14 of 64 on, and 13 or fewer has probability 9.4e-7 at a 50 % rate.
    let spec = Spec {
        items: 64,
        k: 3,
        reward: lbl(1),
        stake: lbl(20),
        audit_rate_bps: RATE_BPS,
        ..Spec::default()
    };
    let items: Vec<u32> = (0..spec.items).collect();
    let n = U256::from(spec.items);
    let (_, task) = env.lbl_task(&spec).await;
    let t = env.terms(task).await;
    let cap = env.terms(task).await.emission_cap;

    let mut ring = Ring::funded(&env, spec.k, spec.stake * n).await;
    let before = ring.holdings(&env).await;
    let (_, _, _, emitted_before, _) = env.emission_state().await;
    ring.stake(&env, spec.stake * n).await;

    let salts = grind_all(task, &items, ring.members.len());
    ring.commit_garbage(&env, task, &items, &salts).await;
    env.end_commit(task).await;
    ring.reveal_garbage(task, &items, &salts).await;

    let checked = finalize_as_bystander(&env, task, &items, &salts).await;
    assert!(!checked.is_empty(), "the grinding did not stop spot-checks");
    audit_truth(&env, task, &checked).await;
    ring.claim(&env).await;

    let after = ring.holdings(&env).await;
    let (_, _, _, emitted_after, _) = env.emission_state().await;
    let minted = emitted_after - emitted_before;
    let a = U256::from(checked.len());
    let unchecked = n - a;
    let k = U256::from(spec.k);
    let slash_each = spec.stake * U256::from(t.slash_bps) / U256::from(10_000u16);
    // Only unchecked items pay and emit (the auditor's label agrees with no one).
    assert_eq!(minted, cap * unchecked);
    let gained = i128::try_from(unchecked * k * spec.reward + minted).expect("small");
    let lost = i128::try_from(a * k * slash_each).expect("small");
    let delta = after - before;
    assert_eq!(delta, gained - lost, "the ring's LBL, to the wei");

    let gas_lbl =
        i128::try_from(u128::from(ring.gas) * GAS_PRICE_WEI * LBL_PER_ETH).expect("small");
    let net = delta - gas_lbl;
    let without_hash = i128::try_from(n * (k * spec.reward + cap)).expect("small") - gas_lbl;
    let outcome = Outcome {
        gained,
        lost,
        delta,
        gas_lbl,
        net,
        without_hash,
    };
    outcome.print(&spec, &t, checked.len(), ring.gas);
    assert!(delta < 0, "LBL delta {delta}");
    assert!(net < 0, "net {net}");
    assert!(without_hash > 0, "the grind paid before the block hash");
    env.assert_solvent(&[]).await;
}
