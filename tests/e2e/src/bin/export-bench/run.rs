//! Runs a command as a child, timed from spawn to exit, with its own peak resident set
//! measured by GNU time (`/usr/bin/time -f %M`, Debian's `time`), and its output captured.
//!
//! Not `wait4`'s rusage of a child spawned from here: Linux carries the parent's
//! high-water RSS across fork and exec into the child's `ru_maxrss`, and this process
//! holds the whole devnode (a gigabyte after serving the export's logs), so that figure
//! was this process's size, not the export's. GNU time's own child is forked from a
//! process of a few megabytes.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const GNU_TIME: &str = "/usr/bin/time";

pub struct Outcome {
    pub secs: f64,
    /// Peak resident set size (KiB).
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

/// Runs `program args…` under GNU time; drains stdout and stderr on threads of their own
/// (a full pipe would block it).
pub fn run(program: &Path, args: &[std::ffi::OsString]) -> Outcome {
    assert!(
        Path::new(GNU_TIME).is_file(),
        "{GNU_TIME} is missing (Debian: apt-get install time)"
    );
    let rss_file = tempfile::NamedTempFile::new().expect("a temporary file");
    let mut cmd = Command::new(GNU_TIME);
    cmd.args(["-f", "%M", "-o"])
        .arg(rss_file.path())
        .arg(program)
        .args(args);
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
    let status = child.wait().expect("the child is waited for");
    let secs = started.elapsed().as_secs_f64();
    let rss = std::fs::read_to_string(rss_file.path()).unwrap_or_default();
    Outcome {
        secs,
        // GNU time writes "Command exited with non-zero status N" first on a failure.
        max_rss_kib: rss
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(0),
        exit_code: status.code(),
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
