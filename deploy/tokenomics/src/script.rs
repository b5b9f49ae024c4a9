//! A sequence of protocol calls that both the simulator and a real chain can run: the
//! chain-equality test generates one with [`Script::mixed`], replays it on the devnode
//! with the real programs, and compares every balance with [`Script::run`]'s result.

use crate::amount::{units, U256, WAD};
use crate::books::{Account, Asset};
use crate::protocol::{ItemStatus, Protocol, TaskId, TaskSpec};
use crate::rng::Rng;
use crate::{params::Params, SimError};

/// Accounts of a mixed script: the treasury (deployer), one auditor, then the rest.
pub const TREASURY: Account = 0;
pub const AUDITOR: Account = 1;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// LBL from the treasury's genesis allocation.
    GiveLbl {
        to: Account,
        amount: U256,
    },
    /// Stablecoin minted by its (test) issuer.
    MintStable {
        to: Account,
        amount: U256,
    },
    Stake {
        who: Account,
        amount: U256,
    },
    SetEmissionRate {
        asset: Asset,
        rate: U256,
    },
    CreateTask {
        requester: Account,
        spec: TaskSpec,
    },
    /// `commitBatch`: each `(item, label)` in order, from one labeller.
    Commit {
        task: TaskId,
        who: Account,
        votes: Vec<(u32, u8)>,
    },
    CloseCommit {
        task: TaskId,
    },
    Reveal {
        task: TaskId,
        who: Account,
        votes: Vec<(u32, u8)>,
    },
    CloseReveal {
        task: TaskId,
    },
    Finalize {
        task: TaskId,
        items: Vec<u32>,
    },
    Audit {
        task: TaskId,
        item: u32,
        label: u8,
    },
    /// Moves time past every open audit window of the task.
    CloseAudit {
        task: TaskId,
    },
    Claim {
        who: Account,
        asset: Asset,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Script {
    pub actions: Vec<Action>,
    /// Accounts the script uses (`0..accounts`).
    pub accounts: u32,
}

impl Script {
    /// Applies every action to `p` in order.
    pub fn run(&self, p: &mut Protocol) -> Result<(), SimError> {
        for a in &self.actions {
            apply(p, a)?;
        }
        Ok(())
    }

    /// A deterministic mix of everything settlement does: LBL and stablecoin tasks,
    /// k = 1..5, fee bound or schedule binding, unanimous and split votes, wrong and
    /// missing reveals, too few commits, spot-checks confirmed, overridden or lapsed,
    /// escalations resolved or forfeited, and claims along the way.
    pub fn mixed(seed: u64) -> Result<(Script, Protocol), SimError> {
        let mut b = Builder {
            rng: Rng::new(seed),
            p: Protocol::new(Params::default(), TREASURY, [U256::from(WAD), U256::ZERO])?,
            script: Script {
                actions: Vec::new(),
                accounts: 2 + REQUESTERS + LABELLERS,
            },
        };
        b.setup()?;
        let lbl = |x: f64| units(x, 18);
        let usd = |x: f64| units(x, 6);
        let tasks = [
            (Asset::Lbl, 50, 3, 6_000, lbl(2.0)?, lbl(10.0)?, 0),
            (Asset::Lbl, 40, 5, 6_000, lbl(1.5)?, lbl(5.0)?, 10_000),
            (Asset::Stable, 40, 3, 6_667, usd(3.0)?, lbl(10.0)?, 0),
            (Asset::Lbl, 40, 1, 10_000, lbl(10_000.0)?, lbl(100.0)?, 0),
            (
                Asset::Lbl,
                40,
                4,
                7_500,
                lbl(20_000.0)?,
                lbl(1_000.0)?,
                10_000,
            ),
        ];
        for (i, (asset, items, k, threshold_bps, reward, stake, audit_rate_bps)) in
            tasks.into_iter().enumerate()
        {
            let spec = TaskSpec {
                asset,
                items,
                k,
                threshold_bps,
                reward,
                stake,
                audit_rate_bps,
            };
            b.task(2 + (i as u32 % REQUESTERS), spec)?;
        }
        for who in 0..b.script.accounts {
            for asset in Asset::ALL {
                let due = !b.p.books.get(who).claimable(asset).is_zero();
                if due && b.rng.chance(0.5) {
                    b.act(Action::Claim { who, asset })?;
                }
            }
        }
        Ok((b.script, b.p))
    }
}

const REQUESTERS: u32 = 3;
const LABELLERS: u32 = 12;
const CLASSES: u64 = 3;

struct Builder {
    rng: Rng,
    p: Protocol,
    script: Script,
}

impl Builder {
    fn act(&mut self, a: Action) -> Result<(), SimError> {
        apply(&mut self.p, &a)?;
        self.script.actions.push(a);
        Ok(())
    }

    fn labeller(i: u32) -> Account {
        2 + REQUESTERS + i
    }

    fn setup(&mut self) -> Result<(), SimError> {
        let stable_rate = units(100.0, 12)? * U256::from(WAD); // 100 LBL per USD
        self.act(Action::SetEmissionRate {
            asset: Asset::Stable,
            rate: stable_rate,
        })?;
        for r in 0..REQUESTERS {
            self.act(Action::GiveLbl {
                to: 2 + r,
                amount: units(4_000_000.0, 18)?,
            })?;
            self.act(Action::MintStable {
                to: 2 + r,
                amount: units(1_000.0, 6)?,
            })?;
        }
        for l in 0..LABELLERS {
            let who = Self::labeller(l);
            self.act(Action::GiveLbl {
                to: who,
                amount: units(60_000.0, 18)?,
            })?;
            self.act(Action::Stake {
                who,
                amount: units(50_000.0, 18)?,
            })?;
        }
        Ok(())
    }

    /// One task from creation to the end of its audits.
    fn task(&mut self, requester: Account, spec: TaskSpec) -> Result<(), SimError> {
        self.act(Action::CreateTask { requester, spec })?;
        let task = self
            .script
            .actions
            .iter()
            .filter(|a| matches!(a, Action::CreateTask { .. }))
            .count()
            - 1;
        let mut commits: Vec<Vec<(u32, u8)>> = vec![Vec::new(); LABELLERS as usize];
        let mut reveals = commits.clone();
        let mut truth = Vec::new();
        let mut seats = Vec::new();
        for item in 0..spec.items {
            let t = self.rng.below(CLASSES) as u8;
            truth.push(t);
            let k = spec.k as usize;
            let taken = if k > 1 && self.rng.chance(0.1) {
                k - 1
            } else {
                k
            };
            self.rng.pick(LABELLERS as usize, taken, &mut seats);
            for &s in &seats {
                let label = if self.rng.chance(0.75) {
                    t
                } else {
                    (t + 1 + self.rng.below(CLASSES - 1) as u8) % CLASSES as u8
                };
                commits[s].push((item, label));
                if self.rng.chance(0.9) {
                    reveals[s].push((item, label));
                }
            }
        }
        for (l, votes) in commits.into_iter().enumerate() {
            for chunk in votes.chunks(64).filter(|c| !c.is_empty()) {
                self.act(Action::Commit {
                    task,
                    who: Self::labeller(l as u32),
                    votes: chunk.to_vec(),
                })?;
            }
        }
        self.act(Action::CloseCommit { task })?;
        for (l, votes) in reveals.into_iter().enumerate() {
            for chunk in votes.chunks(64).filter(|c| !c.is_empty()) {
                self.act(Action::Reveal {
                    task,
                    who: Self::labeller(l as u32),
                    votes: chunk.to_vec(),
                })?;
            }
        }
        self.act(Action::CloseReveal { task })?;
        let all: Vec<u32> = (0..spec.items).collect();
        for chunk in all.chunks(64) {
            self.act(Action::Finalize {
                task,
                items: chunk.to_vec(),
            })?;
        }
        self.audits(task, &truth)
    }

    /// The auditor confirms or corrects some pending items and resolves some escalations;
    /// the rest lapse (pending: accepted as labelled; escalated: void, bounty forfeited).
    fn audits(&mut self, task: TaskId, truth: &[u8]) -> Result<(), SimError> {
        let mut waiting = Vec::new();
        for (item, &t) in truth.iter().enumerate() {
            let item = item as u32;
            let open = matches!(
                self.p.status(task, item),
                ItemStatus::PendingAudit { .. } | ItemStatus::Escalated
            );
            if !open {
                continue;
            }
            if self.rng.chance(0.6) {
                self.act(Action::Audit {
                    task,
                    item,
                    label: t,
                })?;
            } else {
                waiting.push(item);
            }
        }
        if !waiting.is_empty() {
            self.act(Action::CloseAudit { task })?;
            for chunk in waiting.chunks(64) {
                self.act(Action::Finalize {
                    task,
                    items: chunk.to_vec(),
                })?;
            }
        }
        Ok(())
    }
}

fn apply(p: &mut Protocol, a: &Action) -> Result<(), SimError> {
    match a {
        Action::GiveLbl { to, amount } => p.books.transfer(p.treasury, *to, Asset::Lbl, *amount),
        Action::MintStable { to, amount } => p.books.fund(*to, Asset::Stable, *amount),
        Action::Stake { who, amount } => p.books.stake(*who, *amount),
        Action::SetEmissionRate { asset, rate } => {
            p.rates[*asset as usize] = *rate;
            Ok(())
        }
        Action::CreateTask { requester, spec } => p.create_task(*requester, *spec).map(|_| ()),
        Action::Commit { task, who, votes } => votes
            .iter()
            .try_for_each(|&(item, label)| p.commit(*task, item, *who, label)),
        Action::Reveal { task, who, votes } => votes
            .iter()
            .try_for_each(|&(item, _)| p.reveal(*task, item, *who)),
        Action::Finalize { task, items } => p.finalize(*task, items, &mut |_| true).map(|_| ()),
        Action::Audit { task, item, label } => p.audit(*task, *item, AUDITOR, *label).map(|_| ()),
        Action::Claim { who, asset } => p.claim(*who, *asset).map(|_| ()),
        Action::CloseCommit { .. } | Action::CloseReveal { .. } | Action::CloseAudit { .. } => {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::books::Asset;

    #[test]
    fn the_mixed_script_covers_every_settlement_path_over_200_items() {
        let (script, p) = Script::mixed(11).unwrap();
        let items: u32 = script
            .actions
            .iter()
            .filter_map(|a| match a {
                Action::CreateTask { spec, .. } => Some(spec.items),
                _ => None,
            })
            .sum();
        assert!(items >= 200);
        assert!(script
            .actions
            .iter()
            .any(|a| matches!(a, Action::Audit { .. })));
        assert!(p.token.emitted > U256::ZERO && p.token.burned > U256::ZERO);
        let t = p.books.get(TREASURY);
        assert!(t.claimable(Asset::Stable) + t.wallet(Asset::Stable) > U256::ZERO);
        // Replaying the script on a fresh deployment gives the same books.
        let mut again =
            Protocol::new(Params::default(), TREASURY, [U256::from(WAD), U256::ZERO]).unwrap();
        script.run(&mut again).unwrap();
        assert_eq!(again.token, p.token);
        for who in 0..script.accounts {
            assert_eq!(again.books.get(who), p.books.get(who));
        }
    }
}
