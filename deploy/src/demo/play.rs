//! `labelchain demo label`: the three demo labellers label every demo item (dev chains
//! only), so a person can go from `labelchain up` to an exported dataset in a few commands
//! (the README's pipeline example) without typing 36 commits and reveals. Labellers 1
//! and 2 give each picture its true shape; labeller 3 does too except on item 1, so the
//! export shows a 2-of-3 agreement and the chain a slash.

use std::path::Path;

use serde::Serialize;

use super::items::{class_of, COUNT};
use crate::chain::Conn;
use crate::commands::ops;
use crate::error::{Error, Result};
use crate::progress::{Outcome, Progress};
use crate::state::{self, Addresses, DemoRecord};

/// What the demo labellers did.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Played {
    pub task: u64,
    pub commits: u32,
    pub finalized: u32,
}

/// The label labeller `l` (0-based) gives item `i`.
pub fn label_of(l: usize, i: u32) -> u8 {
    if l == 2 && i == 1 {
        (class_of(i) + 1) % 3
    } else {
        class_of(i)
    }
}

/// Commits every item for every demo labeller, moves time past the commit window,
/// reveals, and finalizes every item. Salts go to `deployments_dir/demo/salts`.
pub async fn label(
    admin: &Conn,
    deployments_dir: &Path,
    progress: &dyn Progress,
) -> Result<Played> {
    let demo = commit_and_reveal(admin, deployments_dir, progress).await?;
    progress.start("demo: anyone finalizes every item");
    finalize(admin, deployments_dir, 0..COUNT).await?;
    progress.finish(
        "demo: anyone finalizes every item",
        Outcome::Done(format!("{COUNT} items final")),
    );
    Ok(Played {
        task: demo.task,
        commits: COUNT * 3,
        finalized: COUNT,
    })
}

/// The labelling half of [`label`]: every labeller commits every item, time moves past
/// the commit window, every labeller reveals. The items are then ready to finalize.
pub async fn commit_and_reveal(
    admin: &Conn,
    deployments_dir: &Path,
    progress: &dyn Progress,
) -> Result<DemoRecord> {
    let (a, demo) = recorded(admin, deployments_dir)?;
    let salts = deployments_dir.join(super::items::DIR).join("salts");
    let labellers = super::labellers();
    progress.start("demo: three labellers commit a label for every item");
    for (l, key) in labellers.iter().enumerate() {
        let conn = admin.with_signer(key.clone())?;
        for i in 0..COUNT {
            ops::commit(&conn, &a, &salts, demo.task, i, Some(label_of(l, i)), false).await?;
        }
    }
    progress.finish(
        "demo: three labellers commit a label for every item",
        Outcome::Done(format!("{} commits", COUNT * 3)),
    );
    let commit_end = ops::terms(admin, &a, demo.task).await?.commit_end;
    let now = admin.now().await?;
    admin.advance(commit_end.saturating_sub(now) + 1).await?;
    progress.start("demo: the labellers reveal");
    for key in &labellers {
        let conn = admin.with_signer(key.clone())?;
        for i in 0..COUNT {
            ops::reveal(&conn, &a, &salts, demo.task, i).await?;
        }
    }
    progress.finish(
        "demo: the labellers reveal",
        Outcome::Done(format!("{} reveals", COUNT * 3)),
    );
    Ok(demo)
}

/// Finalizes the demo task's `items` (after [`commit_and_reveal`]).
pub async fn finalize(
    admin: &Conn,
    deployments_dir: &Path,
    items: std::ops::Range<u32>,
) -> Result<()> {
    let (a, demo) = recorded(admin, deployments_dir)?;
    for i in items {
        ops::finalize(admin, &a, demo.task, i).await?;
    }
    Ok(())
}

/// The deployment and the demo `up` recorded, if it has the demo's files.
fn recorded(admin: &Conn, deployments_dir: &Path) -> Result<(Addresses, DemoRecord)> {
    let (path, d, a) = state::load_deployed(deployments_dir, admin.chain_id)?;
    match d.demo {
        Some(demo) if demo.manifest.is_some() => Ok((a, demo)),
        _ => Err(Error::Config(format!(
            "{} records no demo with items: run `labelchain up` first",
            path.display()
        ))),
    }
}
