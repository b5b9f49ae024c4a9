//! What the integration tests share: the venv's Python (pyrage) and the Go `age` CLI,
//! both installed by `.ci/setup`; a missing one fails the test with that instruction.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Deterministic pseudo-random bytes (xorshift), so every run tests the same data.
pub fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

pub fn python() -> PathBuf {
    let py = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    assert!(
        py.exists(),
        "{} is missing: run .ci/setup (it makes the venv with pyrage)",
        py.display()
    );
    py
}

/// Runs `script` with the venv's Python, `stdin` on its standard input.
pub fn run_python(script: &str, args: &[&str], stdin: &[u8]) -> Output {
    run(
        Command::new(python()).arg("-c").arg(script).args(args),
        stdin,
    )
}

/// The Go reference `age` (or `age-keygen`), which `.ci/setup` installs from Debian.
pub fn go_age(tool: &str) -> Command {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "`{tool}` is not on PATH: run .ci/setup (Debian package `age`)"
    );
    Command::new(tool)
}

pub fn run(cmd: &mut Command, stdin: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // The child may exit without reading (a refused input): a broken pipe is fine.
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("runs");
    writer.join().expect("stdin writer");
    out
}

/// The output's stdout, after asserting it succeeded (stderr shown otherwise).
pub fn ok(out: Output, what: &str) -> Vec<u8> {
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Every entry under `dir`, relative and sorted: to check nothing was left behind.
pub fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("lists") {
            let p = e.expect("entry").path();
            out.push(p.strip_prefix(dir).expect("under").display().to_string());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}
