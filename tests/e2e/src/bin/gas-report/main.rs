//! The gas report (a benchmark, not a test): `cargo run -p e2e --bin gas-report` writes
//! `tests/bench/GAS.md`. The protocol deployed through the labelchain library on an
//! in-process devnode, every user-facing function sent for real at k = 3, 5, 7 (single
//! and batched), each next to its floor ([`floors`]); the all-in cost per accepted label;
//! and LBL's transfer/approve/transferFrom next to OpenZeppelin's Solidity ERC-20
//! (compiled at report time with npm solc, `tests/clients/oz-token.mjs`) on the same
//! chain. All of it twice, on two fresh chains: programs not cached, then all five cached
//! by the deployment itself (`labelchain deploy --cache`: the devnode's dev account is chain
//! owner, and the deploy checks each program reads as cached).
//!
//! Steps: [`lifecycle`] and [`erc20`] send and record ([`gas`]), [`floors`] counts what
//! each function must cost, [`render`] writes the tables.

#[path = "../../../tests/support/mod.rs"]
mod support;

mod erc20;
mod floors;
mod gas;
mod lifecycle;
mod render;

use gas::Gas;
use lifecycle::{Ctx, KS};
use support::Env;

/// Whether the run caches the programs before measuring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caching {
    NotCached,
    AllCached,
}

/// Everything one run measured.
pub struct Run {
    pub gas: Gas,
    pub erc20: Vec<erc20::Row>,
}

/// One run on a fresh chain: every protocol function, then the ERC-20 comparison.
async fn measure(oz: &serde_json::Value, caching: Caching) -> Run {
    eprintln!("gas-report: {caching:?}: starting a devnode and deploying the protocol");
    let env = match caching {
        Caching::NotCached => Env::start().await,
        Caching::AllCached => Env::start_cached().await,
    };
    let mut ctx = Ctx::new(&env).await;
    for k in KS {
        eprintln!("gas-report: {caching:?}: lifecycle at k = {k}");
        ctx.lifecycle(k).await;
        let task = ctx.create_with_permit(k).await;
        ctx.cancel(task, k).await;
    }
    ctx.reclaim().await;
    ctx.staking().await;
    let gas = ctx.gas;
    let erc20 = erc20::compare(&env, oz).await;
    Run { gas, erc20 }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let oz = erc20::compile_oz();
    let plain = measure(&oz, Caching::NotCached).await;
    let cached = measure(&oz, Caching::AllCached).await;
    floors::check(&plain.gas);
    floors::check(&cached.gas);
    let report = render::report(&plain, &cached, &oz);
    let path = support::repo_root().join("tests/bench/GAS.md");
    std::fs::write(&path, &report).expect("GAS.md written");
    print!("{report}");
    eprintln!("gas-report: wrote {}", path.display());
}
