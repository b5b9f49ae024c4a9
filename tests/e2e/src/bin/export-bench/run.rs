//! Runs a command as a child, timed from spawn to exit, with its own peak resident set
//! from `wait4`'s rusage (so two runs in one process each get their own, which
//! `getrusage(RUSAGE_CHILDREN)` would not give), and its output captured.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

pub struct Outcome {
    pub secs: f64,
    /// Peak resident set size (KiB, Linux's `ru_maxrss` unit).
    pub max_rss_kib: u64,
    pub exit_code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn success(&self) -> bool {
        self.exit_code == Some(0)
    }
}

/// Spawns `cmd`, drains its stdout and stderr on threads of their own (a full pipe would
/// block it) and reaps it with `wait4` (which clippy does not see as a wait).
#[allow(clippy::zombie_processes)]
pub fn run(cmd: &mut Command) -> Outcome {
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("piped")));
    let err = drain(Box::new(child.stderr.take().expect("piped")));
    let pid = libc::pid_t::try_from(child.id()).expect("a pid fits pid_t");
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data that wait4 fills; `pid` is our own unreaped child
    // (std's `Child` neither waits on drop nor is waited on elsewhere).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(reaped, pid, "wait4: {}", std::io::Error::last_os_error());
    let exit_code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Outcome {
        secs,
        max_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        exit_code,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

/// Bytes under `dir` per top-level entry (`data`, `csv`, `README.md`, …), sorted by name.
pub fn sizes(dir: &Path) -> Vec<(String, u64)> {
    fn total(p: &Path) -> u64 {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => std::fs::read_dir(p)
                .map(|rd| rd.flatten().map(|e| total(&e.path())).sum())
                .unwrap_or(0),
            Ok(m) => m.len(),
            Err(_) => 0,
        }
    }
    let mut v: Vec<(String, u64)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        total(&e.path()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}
