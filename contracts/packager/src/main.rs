//! `packager`: builds the LabelChain Stylus programs into their deployable
//! form, checks them with the devnode's Stylus activation (nitro's rules), and exports
//! their ABIs. Run it from `contracts/` as `cargo packager <command>` (an alias in
//! `contracts/.cargo/config.toml`); see `contracts/PACKAGER.md`.
//!
//! `--workspace <dir>` points it at another workspace of Stylus programs (the devnode's
//! test programs in `devnode/test-programs`): same build pipeline and WASM checks, but
//! the programs are that workspace's `cdylib` members and the protocol's size budgets and
//! ABI layout do not apply (see [`Scope`]).

mod abi;
mod check;
mod wasm;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{bail, ensure, Context, Result};
use clap::{Parser, Subcommand};
use serde_json::json;

/// Hard limit on deployed code: the EVM contract size limit (EIP-170).
const LIMIT: usize = 24_576;
/// Our own budget for a program; going over it warns.
const DEFAULT_BUDGET: usize = 20_480;

/// The contract crates and their size budgets, in build order.
const PROGRAMS: [(&str, usize); 5] = [
    ("reward-token", 16_384),
    ("staking-escrow", DEFAULT_BUDGET),
    ("task-registry", DEFAULT_BUDGET),
    ("consensus-verifier", DEFAULT_BUDGET),
    ("dataset-registry", DEFAULT_BUDGET),
];

/// Release flags for the deployable wasm.
///
/// `-Zbuild-std=std,panic_abort` and `-Cpanic=immediate-abort` are unstable,
/// and they are not optional: with the prebuilt standard library, stable
/// rustc 1.95 emits reference-types code (the `call_indirect` table index as a
/// 5-byte LEB) that Stylus activation rejects, and the programs come out too
/// big. Rebuilding `std` for `target-cpu=mvp` (+bulk-memory) fixes both. The
/// workspace stays on the pinned stable toolchain (whose `rust-src` component
/// is listed in `rust-toolchain.toml` for this), so only this child process gets
/// `RUSTC_BOOTSTRAP=1`.
const WASM_RUSTFLAGS: &str = "-C link-arg=-zstack-size=32768 -C target-cpu=mvp \
     -C target-feature=+bulk-memory -Zunstable-options -Cpanic=immediate-abort";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// License written into the exported Solidity interfaces (the workspace's).
const ABI_LICENSE: &str = "MIT";

/// A Rust source file declaring events in `sol! { ... }` blocks: (cargo
/// package, path relative to the package's directory). The package's directory
/// comes from `cargo metadata`, so dependencies resolve to the version in use.
type EventSource = (&'static str, &'static str);

/// Where each contract's events are declared.
///
/// Stylus SDK 0.9's ABI exporter prints functions and errors but no events, so
/// `cargo packager abi` reads the `event` declarations of these files and adds
/// them to the exported interface (and hence to the JSON ABI). Keep this in
/// step with the events the contracts emit.
const EVENT_SOURCES: [(&str, &[EventSource]); 5] = [
    ("dataset-registry", &[("dataset-registry", "src/lib.rs")]),
    (
        "reward-token",
        &[
            ("openzeppelin-stylus", "src/access/ownable.rs"), // OwnershipTransferred
            // OwnershipTransferStarted
            ("openzeppelin-stylus", "src/access/ownable_two_step.rs"),
            ("reward-token", "src/lib.rs"), // EmissionMinted, MinterSet
            ("openzeppelin-stylus", "src/token/erc20/mod.rs"), // Transfer, Approval
        ],
    ),
    (
        "staking-escrow",
        &[
            ("openzeppelin-stylus", "src/access/ownable.rs"), // OwnershipTransferred
            // OwnershipTransferStarted
            ("openzeppelin-stylus", "src/access/ownable_two_step.rs"),
            ("staking-escrow", "src/events.rs"),
        ],
    ),
    (
        "task-registry",
        &[
            ("task-registry", "src/events.rs"),
            ("openzeppelin-stylus", "src/utils/pausable.rs"), // Paused, Unpaused
            ("openzeppelin-stylus", "src/access/ownable.rs"), // OwnershipTransferred
            // OwnershipTransferStarted
            ("openzeppelin-stylus", "src/access/ownable_two_step.rs"),
        ],
    ),
    (
        "consensus-verifier",
        &[
            ("openzeppelin-stylus", "src/access/ownable.rs"), // OwnershipTransferred
            // OwnershipTransferStarted
            ("openzeppelin-stylus", "src/access/ownable_two_step.rs"),
            ("consensus-verifier", "src/events.rs"),
        ],
    ),
];

/// Which kind of workspace a command works on.
///
/// The contracts' budgets and ABI conventions belong to the protocol; another workspace of
/// Stylus programs (the devnode's test programs) wants the same deployable build and WASM
/// checks without them, and names its own programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// This tool's own workspace: the contract crates of [`PROGRAMS`] with their size
    /// budgets; ABIs go to `abi/I<Contract>.{sol,json}` next to the workspace, with the
    /// events of [`EVENT_SOURCES`].
    Contracts,
    /// Any other workspace: every member with a `cdylib` target is a program (in name
    /// order); there are no budgets (the hard limit still applies); ABIs go to
    /// `<workspace>/abi/<crate_snake>.{sol,json}`, with the events declared in `sol!`
    /// blocks of the crate's own `src/` files.
    Other,
}

#[derive(Parser)]
#[command(name = "packager", about, version)]
struct Cli {
    /// The cargo workspace to work on (default: the contracts, the one this tool is part
    /// of). Any other workspace's programs are its `cdylib` members, built and checked the
    /// same way but without the contracts' size budgets; their ABIs go to <DIR>/abi/.
    #[arg(long, global = true, value_name = "DIR")]
    workspace: Option<PathBuf>,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Build every program for wasm32, strip and compress it, report sizes and
    /// run `check` on the result.
    ///
    /// Writes <workspace>/target/programs/<crate_snake>.wasm (stripped, optimized),
    /// <crate_snake>.deploy (EF F0 00 00 + brotli, the bytes deployed on chain),
    /// sizes.md and sizes.json. Fails if a program is over the 24,576-byte limit or
    /// fails `check`; over its budget (contracts only) only warns.
    Build {
        /// Do not run cargo: re-package, measure and check the wasm already
        /// built in target/wasm.
        #[arg(long)]
        check_size: bool,
        /// Only these crates (default: all programs of the workspace).
        #[arg(short, long = "package", value_name = "CRATE")]
        packages: Vec<String>,
    },
    /// Check wasm programs with the devnode's Stylus activation (nitro's rules: features,
    /// imports, exports, limits, instrumentation), Labelchain's policy (no floats, no
    /// multi-value), and that they import from `vm_hooks` only.
    Check {
        #[arg(required = true, value_name = "FILE.wasm")]
        files: Vec<PathBuf>,
    },
    /// Everything CI checks, in order: formatting, clippy (warnings are errors), every
    /// native test (for the contracts, then the same three for the packager itself), the
    /// deployable build with its size gate and activation checks, and that abi/ is up to
    /// date. This is the README's test command.
    Verify,
    /// Export each contract's Solidity interface and JSON ABI to abi/
    /// (abi/I<Contract>.sol and abi/I<Contract>.json); for another workspace, to
    /// <workspace>/abi/<crate_snake>.sol and .json.
    Abi {
        /// Do not write: fail, listing the stale files, if abi/ is not up to date.
        #[arg(long)]
        check: bool,
        /// Only these crates (default: all programs of the workspace).
        #[arg(short, long = "package", value_name = "CRATE")]
        packages: Vec<String>,
        /// Output directory (default: abi/ next to the contracts workspace, or
        /// <workspace>/abi/ for another workspace).
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("packager: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a command; `Ok(false)` means it ran and found problems (already reported).
fn run(cli: Cli) -> Result<bool> {
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let workspace = cli.workspace.unwrap_or_else(|| own.clone());
    let workspace = workspace
        .canonicalize()
        .with_context(|| format!("workspace {}", workspace.display()))?;
    // Compared canonically: `--workspace .` from contracts/ still means the contracts.
    let scope = if own.canonicalize().is_ok_and(|own| own == workspace) {
        Scope::Contracts
    } else {
        Scope::Other
    };
    match cli.command {
        Cmd::Build {
            check_size,
            packages,
        } => build(
            &workspace,
            &select(scope, &workspace, &packages)?,
            !check_size,
        ),
        Cmd::Check { files } => check_files(&files),
        Cmd::Verify => verify(scope, &workspace),
        Cmd::Abi {
            check,
            packages,
            out_dir,
        } => {
            let out_dir = out_dir.unwrap_or_else(|| abi_dir(scope, &workspace));
            let programs = select(scope, &workspace, &packages)?;
            export_abi(scope, &workspace, &programs, &out_dir, check)
        }
    }
}

/// Where `abi` writes by default: `abi/` next to the contracts workspace (the
/// repository's), or the other workspace's own `abi/`.
fn abi_dir(scope: Scope, workspace: &Path) -> PathBuf {
    match scope {
        Scope::Contracts => workspace.parent().unwrap_or(workspace).join("abi"),
        Scope::Other => workspace.join("abi"),
    }
}

/// Runs `cargo` with `args` in the workspace; `Ok(false)` if it failed.
fn cargo_step(workspace: &Path, args: &[&str]) -> Result<bool> {
    eprintln!("==> cargo {}", args.join(" "));
    let status = cargo()
        .current_dir(workspace)
        .args(args)
        .status()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    Ok(status.success())
}

/// The packager's own manifest. It is a workspace of its own (see its `Cargo.toml`), so the
/// contracts' `--workspace` steps do not reach it and `verify` checks it separately.
const OWN_MANIFEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");

/// `verify`'s checks of the packager itself, run in the contracts workspace: its target
/// directory is the one the `cargo packager` alias uses.
const OWN_STEPS: [&[&str]; 3] = [
    &["fmt", "--manifest-path", OWN_MANIFEST, "--all", "--check"],
    &[
        "clippy",
        "--manifest-path",
        OWN_MANIFEST,
        "--target-dir",
        "target/packager",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ],
    &[
        "test",
        "--manifest-path",
        OWN_MANIFEST,
        "--target-dir",
        "target/packager",
    ],
];

fn verify(scope: Scope, workspace: &Path) -> Result<bool> {
    let steps: [&[&str]; 3] = [
        &["fmt", "--all", "--check"],
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        // One test thread: motsu 0.10 keeps every test's storage in one global DashMap and
        // panics ("storage is locked") when another thread holds a shard for more than
        // ~10 ms, which a loaded CI machine can cause. Sequential, the suite takes seconds.
        &["test", "--workspace", "--", "--test-threads=1"],
    ];
    let own: &[&[&str]] = match scope {
        Scope::Contracts => &OWN_STEPS,
        Scope::Other => &[],
    };
    for &step in steps.iter().chain(own) {
        if !cargo_step(workspace, step)? {
            eprintln!("verify: `cargo {}` failed", step.join(" "));
            return Ok(false);
        }
    }
    let programs = select(scope, workspace, &[])?;
    eprintln!("==> packager build (size gate and activation checks)");
    if !build(workspace, &programs, true)? {
        return Ok(false);
    }
    eprintln!("==> packager abi --check");
    export_abi(
        scope,
        workspace,
        &programs,
        &abi_dir(scope, workspace),
        true,
    )
}

/// A program to build: (crate, size budget); `None` means no budget, only the hard limit.
type Program = (String, Option<usize>);

/// The selected programs (all of them when `packages` is empty).
///
/// Contracts: [`PROGRAMS`] with their budgets, and an unknown crate gets the default
/// budget. Another workspace: its `cdylib` members, without budgets; naming a crate that is
/// not one of them is an error.
fn select(scope: Scope, workspace: &Path, packages: &[String]) -> Result<Vec<Program>> {
    match scope {
        Scope::Contracts => Ok(select_contracts(packages)),
        Scope::Other => {
            let programs = cdylib_members(&cargo_metadata(workspace, true)?)?;
            ensure!(
                !programs.is_empty(),
                "{}: no workspace member has a cdylib target, so there is no program to build",
                workspace.display()
            );
            if let Some(unknown) = packages.iter().find(|p| !programs.contains(p)) {
                bail!(
                    "{unknown} is not a program of {} (its programs: {})",
                    workspace.display(),
                    programs.join(", ")
                );
            }
            Ok(programs
                .into_iter()
                .filter(|p| packages.is_empty() || packages.contains(p))
                .map(|p| (p, None))
                .collect())
        }
    }
}

/// (crate, budget) for the selected contract crates; unknown crates get the default budget.
fn select_contracts(packages: &[String]) -> Vec<Program> {
    if packages.is_empty() {
        return PROGRAMS
            .iter()
            .map(|&(c, b)| (c.to_string(), Some(b)))
            .collect();
    }
    packages
        .iter()
        .map(|p| {
            let budget = PROGRAMS
                .iter()
                .find(|(c, _)| c == p)
                .map_or(DEFAULT_BUDGET, |&(_, b)| b);
            (p.clone(), Some(budget))
        })
        .collect()
}

/// The workspace members of `cargo metadata` output that have a `cdylib` target — the
/// deployable programs — sorted by name.
fn cdylib_members(metadata: &serde_json::Value) -> Result<Vec<String>> {
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .context("cargo metadata: no workspace_members")?
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    let mut programs = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let (Some(id), Some(name)) = (package["id"].as_str(), package["name"].as_str()) else {
            bail!("cargo metadata: package without id or name");
        };
        let cdylib = package["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|t| t["crate_types"].as_array().into_iter().flatten())
            .any(|kind| kind == "cdylib");
        if cdylib && members.contains(&id) {
            programs.push(name.to_string());
        }
    }
    programs.sort();
    Ok(programs)
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")))
}

fn snake(name: &str) -> String {
    name.replace('-', "_")
}

/// `reward-token` -> `RewardToken`: the `#[entrypoint]` struct's name.
fn contract_name(crate_name: &str) -> String {
    crate_name
        .split(['-', '_'])
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

struct Sizes {
    program: String,
    raw: usize,
    stripped: usize,
    compressed: usize,
    /// `None`: no budget (programs outside the contracts), only [`LIMIT`].
    budget: Option<usize>,
}

/// Where a program's compressed size stands: over [`LIMIT`] fails the build, over its
/// budget only warns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Ok,
    OverBudget,
    OverLimit,
}

impl Status {
    /// As the size tables and `sizes.json` spell it.
    fn label(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::OverBudget => "over budget",
            Self::OverLimit => "OVER LIMIT",
        }
    }
}

impl Sizes {
    fn status(&self) -> Status {
        if self.compressed > LIMIT {
            Status::OverLimit
        } else if self.budget.is_some_and(|budget| self.compressed > budget) {
            Status::OverBudget
        } else {
            Status::Ok
        }
    }
}

fn build(workspace: &Path, programs: &[Program], compile: bool) -> Result<bool> {
    let wasm_dir = workspace.join("target/wasm");
    let out_dir = workspace.join("target/programs");
    fs::create_dir_all(&out_dir)?;
    let mut sizes = Vec::new();
    let mut stripped_files = Vec::new();
    for (name, budget) in programs {
        if compile {
            build_wasm(workspace, name, &wasm_dir)?;
        }
        let raw_path = wasm_dir
            .join(WASM_TARGET)
            .join("release")
            .join(format!("{}.wasm", snake(name)));
        let raw = fs::read(&raw_path).with_context(|| {
            format!(
                "reading {} (built yet? run `cargo packager build`)",
                raw_path.display()
            )
        })?;
        let stripped = wasm::strip_custom_sections(&raw)
            .with_context(|| format!("stripping {}", raw_path.display()))?;
        let stripped = wasm::optimize(&stripped, &out_dir)
            .with_context(|| format!("optimizing {}", raw_path.display()))?;
        let stripped = wasm::strip_data_count(&stripped)?;
        let deploy = wasm::deployable(&stripped)?;
        let stripped_path = out_dir.join(format!("{}.wasm", snake(name)));
        fs::write(&stripped_path, &stripped)?;
        fs::write(out_dir.join(format!("{}.deploy", snake(name))), &deploy)?;
        stripped_files.push(stripped_path);
        sizes.push(Sizes {
            program: name.clone(),
            raw: raw.len(),
            stripped: stripped.len(),
            compressed: deploy.len(),
            budget: *budget,
        });
    }

    print!("{}", text_table(&sizes));
    fs::write(out_dir.join("sizes.md"), markdown_table(&sizes))?;
    fs::write(
        out_dir.join("sizes.json"),
        serde_json::to_string_pretty(&sizes_json(&sizes))? + "\n",
    )?;
    println!(
        "wrote {}/{{*.wasm,*.deploy,sizes.md,sizes.json}}",
        out_dir.display()
    );

    let mut ok = true;
    for s in &sizes {
        match s.status() {
            Status::OverLimit => {
                eprintln!(
                    "error: {} is {} bytes compressed, over the {} byte limit",
                    s.program,
                    group(s.compressed),
                    group(LIMIT)
                );
                ok = false;
            }
            Status::OverBudget => eprintln!(
                "warning: {} is {} bytes compressed, over its {} byte budget",
                s.program,
                group(s.compressed),
                s.budget.map_or_else(String::new, group)
            ),
            Status::Ok => {}
        }
    }
    Ok(check_files(&stripped_files)? && ok)
}

/// `cargo build` of one contract's cdylib for wasm32 with [`WASM_RUSTFLAGS`].
fn build_wasm(workspace: &Path, name: &str, target_dir: &Path) -> Result<()> {
    eprintln!("building {name} (wasm32, release, build-std)");
    let status = cargo()
        .current_dir(workspace)
        .args([
            "build",
            "--release",
            "--lib",
            "-p",
            name,
            "--target",
            WASM_TARGET,
        ])
        .arg("-Zbuild-std=std,panic_abort")
        .arg("--target-dir")
        .arg(target_dir)
        // Flags from the environment would replace ours (the encoded form wins).
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env("RUSTFLAGS", WASM_RUSTFLAGS)
        .env("RUSTC_BOOTSTRAP", "1")
        .status()
        .context("running cargo")?;
    ensure!(
        status.success(),
        "building {name} for {WASM_TARGET} failed ({status})"
    );
    Ok(())
}

/// 24576 -> "24,576".
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const COLUMNS: [&str; 7] = [
    "program",
    "raw wasm",
    "optimized",
    "compressed",
    "limit",
    "budget",
    "status",
];

fn rows(sizes: &[Sizes]) -> Vec<[String; 7]> {
    sizes
        .iter()
        .map(|s| {
            [
                s.program.clone(),
                group(s.raw),
                group(s.stripped),
                group(s.compressed),
                group(LIMIT),
                s.budget.map_or_else(|| "-".to_string(), group),
                s.status().label().to_string(),
            ]
        })
        .collect()
}

fn text_table(sizes: &[Sizes]) -> String {
    let rows = rows(sizes);
    let mut widths = COLUMNS.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: [&str; 7]| {
        for (i, cell) in cells.iter().enumerate() {
            let w = widths[i];
            // Names and status left-aligned, numbers right-aligned.
            if i == 0 || i == 6 {
                let _ = write!(out, "{cell:<w$}");
            } else {
                let _ = write!(out, "{cell:>w$}");
            }
            out.push_str("  ");
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    };
    line(&mut out, COLUMNS);
    for row in &rows {
        line(&mut out, row.each_ref().map(String::as_str));
    }
    out.push_str("(bytes; compressed = brotli q11 w22 + 4-byte EF F0 00 00 prefix)\n");
    out
}

fn markdown_table(sizes: &[Sizes]) -> String {
    let mut out = String::from(
        "| program | raw wasm (bytes) | stripped + wasm-opt -Oz (bytes) | compressed (bytes) | limit | budget | status |\n\
         |---|---:|---:|---:|---:|---:|---|\n",
    );
    for row in rows(sizes) {
        out.push_str("| ");
        out.push_str(&row.join(" | "));
        out.push_str(" |\n");
    }
    out.push_str(
        "\nCompressed = brotli (quality 11, window 22) of the stripped, wasm-opt-optimized wasm, \
         plus the 4-byte `EF F0 00 00` prefix: the deployed code size.\n",
    );
    out
}

fn sizes_json(sizes: &[Sizes]) -> serde_json::Value {
    json!({
        "limit": LIMIT,
        "programs": sizes.iter().map(|s| json!({
            "program": s.program,
            "raw_wasm_bytes": s.raw,
            "stripped_bytes": s.stripped,
            "compressed_bytes": s.compressed,
            "budget": s.budget,
            "status": s.status().label(),
        })).collect::<Vec<_>>(),
    })
}

fn check_files(files: &[PathBuf]) -> Result<bool> {
    let mut ok = true;
    for file in files {
        let bytes = fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        let problems = check::check_program(&bytes);
        if problems.is_empty() {
            println!("check ok: {}", file.display());
        } else {
            ok = false;
            eprintln!(
                "check FAILED: {} ({} problem{})",
                file.display(),
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            const SHOWN: usize = 50;
            for problem in problems.iter().take(SHOWN) {
                eprintln!("  - {problem}");
            }
            if problems.len() > SHOWN {
                eprintln!("  ... and {} more", problems.len() - SHOWN);
            }
        }
    }
    Ok(ok)
}

/// Runs a contract's ABI-export binary (`src/main.rs` with `export-abi`).
fn run_export(workspace: &Path, name: &str, args: &[&str]) -> Result<String> {
    let output = cargo()
        .current_dir(workspace)
        .args(["run", "--quiet", "-p", name, "--features", "export-abi"])
        .arg("--target-dir")
        .arg(workspace.join("target/abi"))
        .arg("--")
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo")?;
    ensure!(
        output.status.success(),
        "exporting the ABI of {name} failed ({})",
        output.status
    );
    String::from_utf8(output.stdout).context("ABI output is not UTF-8")
}

/// `cargo metadata` of the workspace; with `no_deps`, of its members only.
fn cargo_metadata(workspace: &Path, no_deps: bool) -> Result<serde_json::Value> {
    let mut command = cargo();
    command
        .current_dir(workspace)
        .args(["metadata", "--format-version", "1"]);
    if no_deps {
        command.arg("--no-deps");
    }
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo metadata")?;
    ensure!(
        output.status.success(),
        "cargo metadata failed ({})",
        output.status
    );
    serde_json::from_slice(&output.stdout).context("parsing cargo metadata")
}

/// Package name -> package directories (one per version in use), from
/// `cargo metadata` (workspace members and their dependencies).
fn package_dirs(workspace: &Path) -> Result<BTreeMap<String, Vec<PathBuf>>> {
    let metadata = cargo_metadata(workspace, false)?;
    let mut dirs: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let (Some(name), Some(manifest)) =
            (package["name"].as_str(), package["manifest_path"].as_str())
        else {
            bail!("cargo metadata: package without name or manifest_path");
        };
        let dir = Path::new(manifest)
            .parent()
            .context("manifest_path without a directory")?
            .to_path_buf();
        dirs.entry(name.to_string()).or_default().push(dir);
    }
    Ok(dirs)
}

/// The events of contract crate `name`, read from its [`EVENT_SOURCES`] entry; a listed file without events is an error.
fn contract_events(name: &str, dirs: &BTreeMap<String, Vec<PathBuf>>) -> Result<Vec<String>> {
    let Some((_, sources)) = EVENT_SOURCES.iter().find(|(c, _)| *c == name) else {
        eprintln!("warning: no event sources listed for {name}; its ABI will have no events");
        return Ok(Vec::new());
    };
    let mut events = Vec::new();
    for (package, file) in sources.iter() {
        let dir = match dirs.get(*package).map(Vec::as_slice) {
            Some([dir]) => dir,
            Some(found) if !found.is_empty() => {
                bail!("package {package} is in use in {} versions", found.len())
            }
            _ => bail!("package {package} not found by cargo metadata"),
        };
        let path = dir.join(file);
        let source =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let found = abi::sol_events(&source).with_context(|| format!("{}", path.display()))?;
        ensure!(
            !found.is_empty(),
            "{}: no `event` declarations in a `sol!` block",
            path.display()
        );
        events.extend(found);
        if *package == name {
            // The program's own fallback-answered functions (none in dependencies).
            let functions =
                abi::sol_functions(&source).with_context(|| format!("{}", path.display()))?;
            events.extend(functions);
        }
    }
    Ok(events)
}

/// The events declared in `sol!` blocks of a program crate's own `src/` files (every
/// `.rs` file below it, in path order): how programs outside the contracts, which have no
/// [`EVENT_SOURCES`] entry, get their events into the ABI. None is fine.
fn crate_events(name: &str, dirs: &BTreeMap<String, Vec<PathBuf>>) -> Result<Vec<String>> {
    let dir = match dirs.get(name).map(Vec::as_slice) {
        Some([dir]) => dir,
        _ => bail!("package {name} not found (once) by cargo metadata"),
    };
    let mut files = Vec::new();
    let mut pending = vec![dir.join("src")];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut events = Vec::new();
    for path in files {
        let source =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        events.extend(abi::sol_events(&source).with_context(|| format!("{}", path.display()))?);
    }
    Ok(events)
}

fn export_abi(
    scope: Scope,
    workspace: &Path,
    programs: &[Program],
    out_dir: &Path,
    check: bool,
) -> Result<bool> {
    let dirs = package_dirs(workspace)?;
    let mut stale = Vec::new();
    for (name, _) in programs {
        let contract = contract_name(name);
        let interface = run_export(workspace, name, &["abi", "--license", ABI_LICENSE])?;
        if !interface.contains(&format!("interface I{contract} ")) {
            bail!("{name}: the exported interface does not declare `interface I{contract}` (is the #[entrypoint] struct called {contract}?)");
        }
        let events = match scope {
            Scope::Contracts => contract_events(name, &dirs)?,
            Scope::Other => crate_events(name, &dirs)?,
        };
        let interface = abi::insert_events(&interface, &contract, &events)
            .with_context(|| format!("adding the events of {name}"))?;
        let constructor = run_export(workspace, name, &["constructor"])?;
        let abi = abi::json_abi(&interface, Some(&constructor))
            .with_context(|| format!("converting the {name} interface to a JSON ABI"))?;
        let json = abi::to_json(&abi)?;
        let stem = match scope {
            Scope::Contracts => format!("I{contract}"),
            Scope::Other => snake(name),
        };
        for (file, contents) in [
            (format!("{stem}.sol"), interface),
            (format!("{stem}.json"), json),
        ] {
            let path = out_dir.join(file);
            if check {
                let current = fs::read_to_string(&path).unwrap_or_default();
                if current != contents {
                    stale.push(path);
                }
            } else {
                fs::create_dir_all(out_dir)?;
                fs::write(&path, contents)?;
                println!("wrote {}", path.display());
            }
        }
    }
    if !stale.is_empty() {
        match scope {
            Scope::Contracts => {
                eprintln!("stale ABI files (regenerate with `cargo packager abi` in contracts/):")
            }
            Scope::Other => eprintln!(
                "stale ABI files (regenerate with `cargo packager abi --workspace {}` in contracts/):",
                workspace.display()
            ),
        }
        for path in &stale {
            eprintln!("  {}", path.display());
        }
        return Ok(false);
    }
    if check {
        println!("abi up to date: {}", out_dir.display());
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(contract_name("reward-token"), "RewardToken");
        assert_eq!(contract_name("consensus-verifier"), "ConsensusVerifier");
        assert_eq!(snake("task-registry"), "task_registry");
    }

    #[test]
    fn every_program_lists_its_event_sources() {
        for (program, _) in PROGRAMS {
            assert!(
                EVENT_SOURCES.iter().any(|(c, _)| *c == program),
                "{program} missing from EVENT_SOURCES"
            );
        }
    }

    #[test]
    fn groups_digits() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(24_576), "24,576");
        assert_eq!(group(1_234_567), "1,234,567");
    }

    #[test]
    fn status_and_tables() {
        let sizes = [
            Sizes {
                program: "a".into(),
                raw: 40_000,
                stripped: 30_000,
                compressed: 10_000,
                budget: Some(16_384),
            },
            Sizes {
                program: "b".into(),
                raw: 60_000,
                stripped: 50_000,
                compressed: 21_000,
                budget: Some(20_480),
            },
            Sizes {
                program: "c".into(),
                raw: 90_000,
                stripped: 80_000,
                compressed: 24_577,
                budget: Some(20_480),
            },
        ];
        assert_eq!(
            sizes.each_ref().map(|s| s.status().label()),
            ["ok", "over budget", "OVER LIMIT"]
        );
        let md = markdown_table(&sizes);
        assert!(
            md.contains("| b | 60,000 | 50,000 | 21,000 | 24,576 | 20,480 | over budget |"),
            "{md}"
        );
        let json = sizes_json(&sizes);
        assert_eq!(json["programs"][2]["compressed_bytes"], 24_577);
        assert!(text_table(&sizes)
            .lines()
            .nth(3)
            .unwrap()
            .ends_with("OVER LIMIT"));
    }

    #[test]
    fn no_budget_only_the_limit() {
        let sizes = [
            Sizes {
                program: "probe".into(),
                raw: 40_000,
                stripped: 30_000,
                compressed: 24_576,
                budget: None,
            },
            Sizes {
                program: "big".into(),
                raw: 90_000,
                stripped: 80_000,
                compressed: 24_577,
                budget: None,
            },
        ];
        assert_eq!(
            sizes.each_ref().map(|s| s.status().label()),
            ["ok", "OVER LIMIT"]
        );
        let md = markdown_table(&sizes);
        assert!(
            md.contains("| probe | 40,000 | 30,000 | 24,576 | 24,576 | - | ok |"),
            "{md}"
        );
        assert!(sizes_json(&sizes)["programs"][0]["budget"].is_null());
    }

    #[test]
    fn contracts_keep_their_budgets() {
        let all = select_contracts(&[]);
        assert_eq!(all.len(), PROGRAMS.len());
        assert_eq!(all[0], ("reward-token".to_string(), Some(16_384)));
        assert_eq!(
            select_contracts(&["task-registry".into(), "other".into()]),
            [
                ("task-registry".to_string(), Some(DEFAULT_BUDGET)),
                ("other".to_string(), Some(DEFAULT_BUDGET))
            ]
        );
    }

    #[test]
    fn programs_are_the_cdylib_members() {
        let metadata = json!({
            "workspace_members": ["path+file:///w/probe#0.1.0", "path+file:///w/helper#0.1.0", "path+file:///w/guarded#0.1.0"],
            "packages": [
                {"id": "path+file:///w/probe#0.1.0", "name": "probe", "targets": [
                    {"kind": ["lib", "cdylib"], "crate_types": ["lib", "cdylib"]},
                    {"kind": ["bin"], "crate_types": ["bin"]}
                ]},
                {"id": "path+file:///w/helper#0.1.0", "name": "helper", "targets": [
                    {"kind": ["lib"], "crate_types": ["lib"]}
                ]},
                {"id": "path+file:///w/guarded#0.1.0", "name": "guarded", "targets": [
                    {"kind": ["cdylib"], "crate_types": ["cdylib"]}
                ]},
                {"id": "registry+https://example/dep#1.0.0", "name": "dep", "targets": [
                    {"kind": ["cdylib"], "crate_types": ["cdylib"]}
                ]}
            ]
        });
        assert_eq!(cdylib_members(&metadata).unwrap(), ["guarded", "probe"]);
        assert!(cdylib_members(&json!({})).is_err());
    }

    #[test]
    fn abi_goes_next_to_the_contracts_or_into_the_other_workspace() {
        let contracts = Path::new("/repo/contracts");
        assert_eq!(abi_dir(Scope::Contracts, contracts), Path::new("/repo/abi"));
        let other = Path::new("/repo/devnode/test-programs");
        assert_eq!(
            abi_dir(Scope::Other, other),
            Path::new("/repo/devnode/test-programs/abi")
        );
    }
}
