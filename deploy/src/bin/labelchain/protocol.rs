//! The protocol's own commands (`task`, `stake`, `commit`, `reveal`, `finalize`, …):
//! arguments, the dispatch, and how each result prints.

use std::path::PathBuf;

use alloy::primitives::Address;
use clap::{Args, Subcommand};
use labelchain::chain::Conn;
use labelchain::commands::ops::{self, Status, TaskSpec, TaskView};
use labelchain::manifest::metadata::Classes;
use labelchain::manifest::task::{TaskData, TaskDataArgs};
use labelchain::protocol::TaskStatus;
use labelchain::state::Addresses;
use labelchain::units::{format_amount, format_eth, parse_amount};

use crate::emit;

/// Commands that act on a deployment of the protocol, read from `--deployments`.
#[derive(Subcommand, Debug)]
pub(crate) enum ProtocolCmd {
    /// Create, show, cancel or reclaim a task.
    #[command(subcommand)]
    Task(TaskCmd),
    /// Stake LBL (approves the escrow first if needed).
    Stake { amount: String },
    /// Start unbonding free stake.
    Unstake { amount: String },
    /// Withdraw stake whose unbonding period is over.
    Withdraw,
    /// Commit a label; the salt is kept in a local file first (never overwritten).
    Commit {
        #[arg(long)]
        task: u64,
        #[arg(long)]
        item: u32,
        #[arg(long, required_unless_present = "resend")]
        label: Option<u8>,
        /// Send the commitment of an existing salt file again (after a failed send).
        #[arg(long)]
        resend: bool,
        #[command(flatten)]
        salts: SaltsArg,
    },
    /// Reveal a committed label from its salt file.
    Reveal {
        #[arg(long)]
        task: u64,
        #[arg(long)]
        item: u32,
        #[command(flatten)]
        salts: SaltsArg,
    },
    /// Finalize an item (anyone, once revealed or after the reveal window).
    Finalize {
        #[arg(long)]
        task: u64,
        #[arg(long)]
        item: u32,
    },
    /// Audit an escalated or pending-audit item (auditors).
    Audit {
        #[arg(long)]
        task: u64,
        #[arg(long)]
        item: u32,
        #[arg(long)]
        label: u8,
    },
    /// Claim credited payouts (LBL unless --token).
    Claim {
        #[arg(long)]
        token: Option<Address>,
    },
    /// Balances, stake, reputation and claimable LBL of an account (default: the signer).
    Status {
        #[arg(long)]
        address: Option<Address>,
    },
    /// Registry owner: set a payment token's emissionRate, as LBL minted at most per whole
    /// token of protocol fee (LBL itself: at most 1). With --scenario, warns when the rate
    /// lets farming stablecoin tasks pay at the scenario's LBL price.
    EmissionRate {
        #[arg(long)]
        token: Address,
        /// LBL per whole token of fee, e.g. 5 (a USD stablecoin: farming pays above 0.20 USD/LBL).
        #[arg(long)]
        lbl_per_token: String,
        /// A tokenomics scenario whose market prices the check uses (the token taken as 1 USD).
        #[arg(long)]
        scenario: Option<PathBuf>,
    },
}

#[derive(Args, Debug, Clone)]
pub(crate) struct SaltsArg {
    /// Directory of the commit salt files.
    #[arg(
        long = "salts",
        env = "LABELCHAIN_SALTS",
        default_value = ".labelchain/salts"
    )]
    dir: PathBuf,
}

#[derive(Subcommand, Debug)]
pub(crate) enum TaskCmd {
    /// Create and fund a task (approves the escrow for bounty + fee if needed).
    Create(Box<CreateArgs>),
    /// Show a task's terms and progress.
    Show { task: u64 },
    /// Cancel a task before its first commit (requester).
    Cancel { task: u64 },
    /// Refund what is left after the commit window.
    Reclaim { task: u64 },
}

#[derive(Args, Debug, Clone)]
pub(crate) struct CreateArgs {
    /// Item manifest (`labelchain dataset manifest`): sets the item count and dataRoot,
    /// and records the manifest's SHA-256 in the task's metadata.
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// Where labellers fetch the manifest (recorded in the metadata; a relative URI is
    /// resolved against the web app's origin).
    #[arg(long, requires = "manifest")]
    manifest_uri: Option<String>,
    /// Item count [default: 4, or the manifest's].
    #[arg(long)]
    items: Option<u32>,
    /// A class count (`3`, the default) or comma-separated class names (`cat,dog,bird`),
    /// which are recorded in the task's metadata so exports can name labels.
    #[arg(long, value_parser = Classes::parse)]
    classes: Option<Classes>,
    /// Labellers per item.
    #[arg(long, default_value_t = 3)]
    k: u8,
    #[arg(long, default_value_t = 6000)]
    threshold_bps: u16,
    /// Payment token (default LBL).
    #[arg(long)]
    payment_token: Option<Address>,
    /// Reward per label, in the payment token's units.
    #[arg(long, default_value = "2")]
    reward: String,
    /// Stake per label in LBL.
    #[arg(long, default_value = "10")]
    stake: String,
    #[arg(long, default_value_t = 3600)]
    commit_secs: u64,
    #[arg(long, default_value_t = 3600)]
    reveal_secs: u64,
    #[arg(long, default_value_t = 0)]
    audit_rate_bps: u16,
    #[arg(long, default_value_t = 0)]
    min_tier: u8,
    /// Merkle root of the items [default: the manifest's, else the demo items' root].
    #[arg(long)]
    data_root: Option<alloy::primitives::B256>,
    /// [default: a data: URI of the class names and manifest hash if given, else
    /// ipfs://task-metadata]
    #[arg(long)]
    metadata_uri: Option<String>,
}

fn print_sent(what: &str) -> impl FnOnce(&labelchain::chain::Sent) + '_ {
    move |s| {
        println!(
            "{what}: tx {} in block {} (gas {})",
            s.tx_hash, s.block, s.gas_used
        )
    }
}

fn print_task(t: &TaskView) {
    let status = match t.terms.status {
        TaskStatus::Open => "open",
        TaskStatus::Cancelled => "cancelled",
        TaskStatus::None => "none",
    };
    println!(
        "Task {} ({status}{})",
        t.id,
        if t.terms.paused {
            ", protocol paused"
        } else {
            ""
        }
    );
    println!("  requester        {}", t.terms.requester);
    println!("  payment token    {}", t.terms.payment_token);
    println!("  data root        {}", t.data_root);
    println!(
        "  items            {} ({} final, {} open), {} classes, {} labellers per item, threshold {} bps",
        t.terms.item_count, t.final_items, t.open_items, t.terms.num_classes, t.terms.labellers_per_item, t.terms.threshold_bps
    );
    println!(
        "  reward / stake   {} / {} per label",
        format_amount(t.terms.reward_per_label, 18),
        format_amount(t.terms.stake_per_label, 18)
    );
    println!("  commit until     {} (unix)", t.terms.commit_end);
    println!("  reveal until     {} (unix)", t.terms.reveal_end);
    println!("  commits          {}", t.commits);
    println!(
        "  bounty left      {}",
        format_amount(t.bounty_remaining, 18)
    );
    println!("  labels digest    {}", t.labels_digest);
    println!(
        "  emission cap     {} LBL per accepted item",
        format_amount(t.terms.emission_cap, 18)
    );
    if let Some(uri) = &t.metadata_uri {
        println!("  metadata         {uri}");
    }
    if !t.class_names.is_empty() {
        println!("  class names      {}", t.class_names.join(", "));
    }
}

fn print_status(s: &Status) {
    println!(
        "Account {}{}",
        s.account,
        if s.is_auditor { " (auditor)" } else { "" }
    );
    println!("  ETH              {}", format_eth(s.eth));
    println!("  LBL              {}", format_amount(s.lbl, 18));
    println!(
        "  stake            {} free, {} locked, {} unbonding{}",
        format_amount(s.stake_free, 18),
        format_amount(s.stake_locked, 18),
        format_amount(s.unbonding, 18),
        if s.unbonding_ends > 0 {
            format!(" (until {})", s.unbonding_ends)
        } else {
            String::new()
        }
    );
    println!(
        "  reputation       {}/{} agreed, tier {}",
        s.agreed, s.total, s.tier
    );
    println!("  claimable LBL    {}", format_amount(s.claimable_lbl, 18));
    println!("  tasks on chain   {}", s.tasks);
}

/// One command against the deployment at `a`; each prints its result (or JSON). A flat
/// dispatch, one arm per command, so it is long without branching logic of its own.
pub(crate) async fn protocol(
    conn: &Conn,
    a: &Addresses,
    cmd: &ProtocolCmd,
    json: bool,
) -> anyhow::Result<()> {
    match cmd {
        ProtocolCmd::Task(TaskCmd::Create(c)) => task_create(conn, a, c, json).await?,
        ProtocolCmd::Task(TaskCmd::Show { task }) => {
            emit(json, &ops::task_show(conn, a, *task).await?, print_task)
        }
        ProtocolCmd::Task(TaskCmd::Cancel { task }) => emit(
            json,
            &ops::task_cancel(conn, a, *task).await?,
            print_sent("cancelled"),
        ),
        ProtocolCmd::Task(TaskCmd::Reclaim { task }) => emit(
            json,
            &ops::task_reclaim(conn, a, *task).await?,
            print_sent("reclaimed"),
        ),
        ProtocolCmd::Stake { amount } => emit(
            json,
            &ops::stake(conn, a, parse_amount(amount, 18)?).await?,
            print_sent("staked"),
        ),
        ProtocolCmd::Unstake { amount } => emit(
            json,
            &ops::unstake(conn, a, parse_amount(amount, 18)?).await?,
            print_sent("unbonding"),
        ),
        ProtocolCmd::Withdraw => emit(
            json,
            &ops::withdraw(conn, a).await?,
            print_sent("withdrawn"),
        ),
        ProtocolCmd::Commit {
            task,
            item,
            label,
            resend,
            salts,
        } => {
            let c = ops::commit(conn, a, &salts.dir, *task, *item, *label, *resend).await?;
            emit(json, &c, |c| {
                println!(
                    "committed {} on task {task} item {item}: tx {}; salt kept in {} (needed to reveal)",
                    c.commitment,
                    c.tx.tx_hash,
                    c.salt_file.display()
                )
            });
        }
        ProtocolCmd::Reveal { task, item, salts } => emit(
            json,
            &ops::reveal(conn, a, &salts.dir, *task, *item).await?,
            print_sent("revealed"),
        ),
        ProtocolCmd::Finalize { task, item } => emit(
            json,
            &ops::finalize(conn, a, *task, *item).await?,
            print_sent("finalized"),
        ),
        ProtocolCmd::Audit { task, item, label } => emit(
            json,
            &ops::audit(conn, a, *task, *item, *label).await?,
            print_sent("audited"),
        ),
        ProtocolCmd::EmissionRate {
            token,
            lbl_per_token,
            scenario,
        } => emission_rate(conn, a, *token, lbl_per_token, scenario.as_deref(), json).await?,
        ProtocolCmd::Claim { token } => emit(
            json,
            &ops::claim(conn, a, *token).await?,
            print_sent("claimed"),
        ),
        ProtocolCmd::Status { address } => {
            let who = match address {
                Some(x) => *x,
                None => conn.from()?,
            };
            emit(json, &ops::status(conn, a, who).await?, print_status)
        }
    }
    Ok(())
}

async fn task_create(conn: &Conn, a: &Addresses, c: &CreateArgs, json: bool) -> anyhow::Result<()> {
    let pay_decimals = match c.payment_token {
        Some(t) => ops::decimals(conn, t).await?,
        None => 18,
    };
    let data = TaskData::resolve(TaskDataArgs {
        manifest: c.manifest.as_deref(),
        manifest_uri: c.manifest_uri.clone(),
        items: c.items,
        data_root: c.data_root,
        classes: c.classes.clone(),
        metadata_uri: c.metadata_uri.clone(),
    })
    .map_err(labelchain::Error::from)?;
    let spec = TaskSpec {
        data_root: data.data_root,
        items: data.items,
        classes: data.classes,
        k: c.k,
        threshold_bps: c.threshold_bps,
        payment_token: c.payment_token,
        reward: parse_amount(&c.reward, pay_decimals)?,
        stake: parse_amount(&c.stake, 18)?,
        commit_secs: c.commit_secs,
        reveal_secs: c.reveal_secs,
        audit_rate_bps: c.audit_rate_bps,
        min_tier: c.min_tier,
        metadata_uri: data.metadata_uri,
    };
    let created = ops::task_create(conn, a, &spec).await?;
    emit(json, &created, |c| {
        println!(
            "created task {} (bounty {}, fee {}): tx {}",
            c.task,
            format_amount(c.bounty, 18),
            format_amount(c.fee, 18),
            c.tx.tx_hash
        )
    });
    Ok(())
}

/// `labelchain emission-rate`: the rate as WAD of LBL wei per smallest unit of the token,
/// with the farming check of `--scenario` first.
async fn emission_rate(
    conn: &Conn,
    a: &Addresses,
    token: Address,
    lbl_per_token: &str,
    scenario: Option<&std::path::Path>,
    json: bool,
) -> anyhow::Result<()> {
    let decimals = ops::decimals(conn, token).await?;
    let lbl_wei = labelchain::units::parse_amount(lbl_per_token, 18)?;
    // WAD of LBL wei per smallest unit of the token.
    let ten = |n: u8| alloy::primitives::U256::from(10u64).pow(alloy::primitives::U256::from(n));
    let rate = lbl_wei
        .checked_mul(ten(18))
        .map(|x| x / ten(decimals))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "--lbl-per-token {lbl_per_token} is beyond any emission rate the registry accepts"
            )
        })?;
    if let Some(path) = scenario {
        let s = labelchain_tokenomics::scenario::Scenario::load(path)?;
        let per_token: f64 = lbl_per_token.parse().unwrap_or(0.0);
        let check = labelchain_tokenomics::report::FarmingCheck::for_rate(&s, per_token);
        if token != a.token {
            if let Some(w) = check.warning() {
                eprintln!("warning: {w}");
            }
        }
    }
    emit(
        json,
        &ops::set_emission_rate(conn, a, token, rate).await?,
        print_sent("emission rate set"),
    );
    Ok(())
}
