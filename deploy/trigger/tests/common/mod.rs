//! Test support: the Python webhook receiver and an MLflow tracking server as real
//! processes on loopback, each killed (with its whole process group) when dropped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use labelchain_trigger::{Event, RetryPolicy};
use serde_json::Value;

/// The venv's Python (made from tests/clients/requirements.txt), or `LABELCHAIN_PYTHON`.
pub fn python() -> PathBuf {
    match std::env::var_os("LABELCHAIN_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => venv_bin("python"),
    }
}

/// The repository's root (the directory with the host workspace's Cargo.lock): this module
/// is also used by the `labelchain` crate's tests, one directory higher.
pub fn repo_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .find(|p| p.join("Cargo.lock").is_file())
        .unwrap_or(here)
        .to_path_buf()
}

pub fn venv_bin(name: &str) -> PathBuf {
    repo_root().join(".venv/bin").join(name)
}

pub fn client_script(name: &str) -> PathBuf {
    repo_root().join("tests/clients").join(name)
}

/// A port nothing listens on (bound, then released).
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    l.local_addr().expect("its address").port()
}

/// A process in its own group; dropping it kills the group (servers fork workers).
pub struct Group(Child);

impl Group {
    pub fn spawn(cmd: &mut Command) -> Group {
        let child = cmd.process_group(0).spawn().unwrap_or_else(|e| {
            panic!("start {cmd:?} (make the venv: see tests/clients/requirements.txt): {e}")
        });
        Group(child)
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.0.id()) {
            // SAFETY: kill(2) on our own child's process group; no memory is involved.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
        let _ = self.0.wait();
    }
}

/// tests/clients/webhook_receiver.py on a free port, recording to a JSONL file.
pub struct Receiver {
    _proc: Group,
    pub url: String,
    record: PathBuf,
    _dir: tempfile::TempDir,
}

/// How the receiver answers: `fail` requests with `fail_status` first, then 200.
#[derive(Default)]
pub struct Script {
    pub fail: u32,
    pub fail_status: Option<u16>,
    pub retry_after: Option<u64>,
    pub delay: Option<f64>,
}

pub const SECRET: &[u8] = b"whsec_labelchain-test-secret";

impl Receiver {
    pub fn start(secret: &[u8], script: Script) -> Receiver {
        let dir = tempfile::tempdir().expect("tempdir");
        let record = dir.path().join("requests.jsonl");
        let mut cmd = Command::new(python());
        cmd.arg(client_script("webhook_receiver.py"))
            .args([
                "--secret-hex",
                &hex(secret),
                "--fail",
                &script.fail.to_string(),
            ])
            .arg("--record")
            .arg(&record)
            .stdout(Stdio::piped());
        if let Some(s) = script.fail_status {
            cmd.args(["--fail-status", &s.to_string()]);
        }
        if let Some(s) = script.retry_after {
            cmd.args(["--retry-after", &s.to_string()]);
        }
        if let Some(d) = script.delay {
            cmd.args(["--delay", &d.to_string()]);
        }
        let mut proc = Group::spawn(&mut cmd);
        let stdout = proc.0.stdout.take().expect("receiver stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("receiver prints its port");
        let port: u16 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("receiver said {line:?}"));
        Receiver {
            _proc: proc,
            url: format!("http://127.0.0.1:{port}/hooks/retrain"),
            record,
            _dir: dir,
        }
    }

    /// Every request the receiver got, in order.
    pub fn requests(&self) -> Vec<Value> {
        read_jsonl(&self.record)
    }
}

pub fn read_jsonl(path: &Path) -> Vec<Value> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => panic!("read {}: {e}", path.display()),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A published version as the CLI would describe it.
pub fn event(task: u64, version: u32) -> Event {
    Event {
        chain_id: 421_614,
        registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3".into(),
        task,
        version,
        labels_digest: format!("0x{}", "ab".repeat(32)),
        file_hash: format!("0x{:02x}{}", task as u8, "3c".repeat(31)),
        uri: format!("s3://datasets/task-{task}/v{version}"),
        publish_tx: format!("0x{}", "7e".repeat(32)),
        start_time: "2026-12-03T06:30:00.250Z".into(),
        encrypted: false,
    }
}

/// Quick retries, so the tests wait milliseconds rather than the default's seconds.
pub fn fast_policy(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        attempts,
        first_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        timeout: Duration::from_secs(10),
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// `GET path` with a bare HTTP/1.0 request; the status code, if anything answered.
pub fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n").ok()?;
    let mut head = String::new();
    s.read_to_string(&mut head).ok()?;
    head.split_whitespace().nth(1)?.parse().ok()
}

/// Polls `port` until `/health` answers 200: how long that took, or `Err` after `limit`.
pub fn wait_healthy(port: u16, limit: Duration) -> Result<Duration, Duration> {
    let start = Instant::now();
    while http_status(port, "/health") != Some(200) {
        if start.elapsed() > limit {
            return Err(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(start.elapsed())
}

/// `mlflow server` from the venv on a free port, with a sqlite store in a temporary
/// directory. One per test binary while any test holds it (see [`mlflow`]).
pub struct Mlflow {
    _proc: Group,
    pub uri: String,
    pub started_in: Duration,
    _dir: tempfile::TempDir,
}

impl Mlflow {
    fn start() -> Mlflow {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("server.log")).expect("server log");
        let mut cmd = Command::new(venv_bin("mlflow"));
        cmd.args([
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--workers",
            "1",
        ])
        .arg("--backend-store-uri")
        .arg(format!(
            "sqlite:///{}",
            dir.path().join("mlflow.db").display()
        ))
        .arg("--default-artifact-root")
        .arg(dir.path().join("artifacts"))
        // The server's background job runner (huey consumers) is not needed for runs
        // and datasets; without it start-up is faster and fewer processes are left to stop.
        .env("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
        .stdout(log.try_clone().expect("log fd"))
        .stderr(log);
        let proc = Group::spawn(&mut cmd);
        let started_in = match wait_healthy(port, Duration::from_secs(180)) {
            Ok(t) => t,
            Err(waited) => {
                let log =
                    std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
                let tail: String = log
                    .chars()
                    .rev()
                    .take(3000)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                panic!(
                    "mlflow server not healthy on {port} after {waited:?}; its log ends:\n{tail}"
                );
            }
        };
        eprintln!("mlflow server healthy after {started_in:?}");
        Mlflow {
            _proc: proc,
            uri: format!("http://127.0.0.1:{port}"),
            started_in,
            _dir: dir,
        }
    }

    /// What tests/clients/mlflow_check.py (the `mlflow` Python client) sees in `experiment`.
    pub fn check(&self, experiment: &str) -> Value {
        let out = Command::new(python())
            .arg(client_script("mlflow_check.py"))
            .args([&self.uri, experiment])
            .output()
            .expect("run mlflow_check.py");
        assert!(
            out.status.success(),
            "mlflow_check.py: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("mlflow_check.py prints JSON")
    }
}

/// The shared server: started by the first test that asks, stopped when the last holder
/// drops it (a static would never be dropped, leaving the server running after the tests).
pub fn mlflow() -> std::sync::Arc<Mlflow> {
    use std::sync::{Arc, Mutex, Weak};
    static SHARED: Mutex<Weak<Mlflow>> = Mutex::new(Weak::new());
    let mut slot = SHARED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(server) = slot.upgrade() {
        return server;
    }
    let server = Arc::new(Mlflow::start());
    *slot = Arc::downgrade(&server);
    server
}
