//! The dataset-export benchmark (not a test): `cargo run --release -p e2e --bin
//! export-bench -- [--items N] [--labellers L] [--write-report]` (`bash tests/bench/run
//! export` builds what it needs and passes `--write-report`).
//!
//! An in-process devnode with the protocol deployed ([`e2e::Env`]), one task of N items
//! (default 100,000) seeded to finality through batches ([`seed`]), then the release
//! `labelchain` binary's `dataset export` run on it twice (cold, then again into a
//! second directory) and `dataset verify` on the result, each timed from spawn to exit
//! with its peak RSS under GNU time ([`run`]). With `--write-report` the numbers replace the section
//! "Dataset export at 100,000 items" of `tests/bench/REPORT.md` ([`render`]).

mod items;
mod render;
mod run;
mod seed;
mod sender;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use e2e::Env;

/// Blocks of older state the node keeps for reads at older tags (`--history`). The
/// devnode copies the whole state into that window at every block, and at 100,000 items
/// the state is hundreds of thousands of slots: with a window of 8 the copies took 130 s
/// of 210 s of seeding (59 s of it system time) and 650 MB, against 81 s and 290 MB with
/// none. The export reads at its pinned head, which is the live state, so none is needed.
const HISTORY: usize = 0;

struct Args {
    items: u32,
    labellers: usize,
    history: usize,
    write_report: bool,
    labelchain: PathBuf,
}

fn usage() -> ! {
    eprintln!(
        "usage: export-bench [--items N] [--labellers L] [--history BLOCKS] [--labelchain PATH] [--write-report]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut args = Args {
        items: 100_000,
        labellers: 2,
        history: HISTORY,
        write_report: false,
        labelchain: sibling("labelchain"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--items" => args.items = value().parse().unwrap_or_else(|_| usage()),
            "--labellers" => args.labellers = value().parse().unwrap_or_else(|_| usage()),
            "--history" => args.history = value().parse().unwrap_or_else(|_| usage()),
            "--labelchain" => args.labelchain = PathBuf::from(value()),
            "--write-report" => args.write_report = true,
            _ => usage(),
        }
    }
    if args.items == 0 || args.labellers == 0 {
        usage();
    }
    args
}

/// The binary `name` next to this one (the same cargo profile's target directory).
fn sibling(name: &str) -> PathBuf {
    let me = std::env::current_exe().expect("the benchmark's own path");
    me.parent().expect("a directory").join(name)
}

/// `labelchain`'s global arguments against the benchmark's node and deployment, then `more`.
fn labelchain_args(url: &str, deployments: &Path, more: &[&OsStr]) -> Vec<OsString> {
    let global = [
        "--network",
        "devnode",
        "--rpc-url",
        url,
        "--json",
        "--deployments",
    ];
    let mut v: Vec<OsString> = global.iter().map(OsString::from).collect();
    v.push(deployments.into());
    v.extend(more.iter().map(OsString::from));
    v
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = parse_args();
    assert!(
        args.labelchain.is_file(),
        "{} is missing: build it first (`cargo build --release -p labelchain --bin labelchain`)",
        args.labelchain.display()
    );
    eprintln!("export-bench: starting a devnode and deploying the protocol");
    let env = Env::start().await;
    let node = env
        .node
        .as_ref()
        .expect("an in-process devnode (unset STYLUS_RPC_URL)");
    node.with_chain(|c| c.set_history(args.history));
    let url = node.url().to_string();
    let deployments = env.dir.path().join("deployments");
    let work = tempfile::tempdir().expect("a temporary directory");
    let manifest = work.path().join("manifest.jsonl");

    eprintln!("export-bench: seeding {} items", args.items);
    let seeded = seed::seed(&env, args.items, args.labellers, &manifest).await;
    for p in std::iter::once(&seeded.setup).chain(&seeded.phases) {
        eprintln!(
            "export-bench: {}: {} txs in {:.1} s, {} gas",
            p.name, p.txs, p.secs, p.gas
        );
    }

    let task = seeded.task.to_string();
    let command = |more: &[&OsStr]| {
        let o = run::run(&args.labelchain, &labelchain_args(&url, &deployments, more));
        assert!(
            o.success(),
            "{more:?} failed ({:?}):\n{}\n{}",
            o.exit_code,
            o.stdout,
            o.stderr
        );
        o
    };
    let (cold_dir, warm_dir) = (work.path().join("cold"), work.path().join("warm"));
    let export = |out: &Path| {
        command(&[
            "dataset".as_ref(),
            "export".as_ref(),
            "--task".as_ref(),
            task.as_ref(),
            "--manifest".as_ref(),
            manifest.as_os_str(),
            out.as_os_str(),
        ])
    };
    eprintln!("export-bench: dataset export (cold)");
    let cold = export(&cold_dir);
    eprintln!("export-bench: dataset export (again)");
    let warm = export(&warm_dir);
    eprintln!("export-bench: dataset verify");
    let verify = command(&[
        "dataset".as_ref(),
        "verify".as_ref(),
        "--task".as_ref(),
        task.as_ref(),
        "--manifest".as_ref(),
        manifest.as_os_str(),
        cold_dir.as_os_str(),
    ]);

    let measured = render::Measured {
        seeded: &seeded,
        cold: &cold,
        warm: &warm,
        verify: &verify,
        sizes: run::sizes(&cold_dir),
        manifest_bytes: std::fs::metadata(&manifest).map(|m| m.len()).unwrap_or(0),
        history: args.history,
        labelchain: args
            .labelchain
            .strip_prefix(e2e::repo_root().canonicalize().unwrap_or_default())
            .unwrap_or(&args.labelchain)
            .display()
            .to_string(),
    };
    let section = render::section(&measured);
    print!("{section}");
    if args.write_report {
        let path = e2e::repo_root().join("tests/bench/REPORT.md");
        render::splice(&path, &section);
        eprintln!("export-bench: wrote {}", path.display());
    }
}
