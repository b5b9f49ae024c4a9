//! `up`'s chain with the demo labelled, and the CLI run against it: shared by the tests
//! of what happens to a task's labels after the chain (export, publish, pull).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use devnode::rpc::NodeHandle;
use labelchain::commands::deploy::DeployOptions;
use labelchain::commands::up::{start, UpOptions};
use labelchain::demo;
use labelchain::progress::Quiet;
use serde_json::Value;

use super::{labelchain, run};

/// `up`'s chain with the demo labelled: its deployments directory (which holds the demo's
/// items and manifest) and RPC URL; `items` of the six are finalized.
pub struct Chain {
    pub dir: tempfile::TempDir,
    pub url: String,
    _node: Mutex<NodeHandle>,
}

impl Chain {
    pub fn deployments(&self) -> &Path {
        self.dir.path()
    }

    pub fn manifest(&self) -> PathBuf {
        self.dir.path().join("demo/manifest.jsonl")
    }

    /// The CLI against this chain, run in `cwd`.
    pub fn cli(&self, cwd: &Path, args: &[&str]) -> (bool, String, String) {
        self.cli_via(&self.url, cwd, args)
    }

    /// The CLI against this chain's deployment through the RPC at `url`.
    pub fn cli_via(&self, url: &str, cwd: &Path, args: &[&str]) -> (bool, String, String) {
        self.cli_env(url, cwd, args, &[])
    }

    /// As [`Chain::cli_via`], with extra environment variables (a store's credentials).
    pub fn cli_env(
        &self,
        url: &str,
        cwd: &Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> (bool, String, String) {
        let mut c = labelchain(cwd);
        c.envs(env.iter().copied());
        c.args(args)
            .args(["--rpc-url", url, "--deployments"])
            .arg(self.deployments());
        run(&mut c)
    }

    /// `dataset export` of the demo task with its manifest into `out`, plus `extra`.
    pub fn export_args(&self, out: &Path, extra: &[&str]) -> Vec<String> {
        export_args_with(&self.manifest(), out, extra)
    }

    pub fn export(&self, out: &Path, extra: &[&str]) -> (bool, String, String) {
        let args = self.export_args(out, extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.cli(out.parent().unwrap(), &args)
    }

    pub fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// A fresh chain: `up` with its demo, every item committed and revealed by the demo
    /// labellers, `finalized` of them final.
    pub fn labelled(finalized: std::ops::Range<u32>) -> Chain {
        let dir = tempfile::tempdir().unwrap();
        Chain::runtime().block_on(async {
            let opts = UpOptions {
                port: 0,
                state: None,
                rpc_url: None,
                deploy: DeployOptions {
                    deployments_dir: dir.path().to_path_buf(),
                    build_if_missing: false,
                    ..DeployOptions::default()
                },
                demo: true,
            };
            let up = start(&opts, &Quiet).await.unwrap();
            demo::play::commit_and_reveal(&up.conn, dir.path(), &Quiet)
                .await
                .unwrap();
            demo::play::finalize(&up.conn, dir.path(), finalized)
                .await
                .unwrap();
            Chain {
                url: up.conn.endpoint.url.clone(),
                _node: Mutex::new(up.node.unwrap()),
                dir,
            }
        })
    }

    pub fn finalize(&self, items: std::ops::Range<u32>) {
        Chain::runtime().block_on(async {
            let conn = super::dev_conn(&self.url).await;
            demo::play::finalize(&conn, self.deployments(), items)
                .await
                .unwrap();
        })
    }
}

/// `dataset export --task 1 --manifest MANIFEST OUT --json`, plus `extra`.
pub fn export_args_with(manifest: &Path, out: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["dataset", "export", "--task", "1", "--manifest"]
        .map(String::from)
        .into();
    args.push(manifest.display().to_string());
    args.push(out.display().to_string());
    args.push("--json".into());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

pub fn ok_json(r: (bool, String, String)) -> Value {
    let (ok, out, err) = r;
    assert!(ok, "the command failed: {err}\n{out}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// The refusal's message (JSON error document), checking the exit was non-zero.
pub fn refused(r: (bool, String, String)) -> String {
    let (ok, out, err) = r;
    assert!(!ok, "the command should have failed: {out}");
    let v: Value =
        serde_json::from_str(&out).unwrap_or_else(|_| panic!("no JSON error: {out}{err}"));
    v["error"]["message"].as_str().unwrap().to_owned()
}

/// `datasets.load_dataset`, pandas and pyarrow on an export (tests/clients/load_dataset.py):
/// what each of them read, as one JSON document.
pub fn python_load(dir: &Path) -> Value {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = std::env::var_os("LABELCHAIN_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(".venv/bin/python"));
    assert!(
        python.exists(),
        "{} is missing: run `bash .ci/setup` (it creates the venv with datasets, pandas, pyarrow)",
        python.display()
    );
    let hf = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(python)
        .arg(root.join("tests/clients/load_dataset.py"))
        .arg(dir)
        .env("HF_HOME", hf.path())
        .env("HF_DATASETS_OFFLINE", "1")
        .env("HF_HUB_OFFLINE", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}
