//! The `devnode` binary: started as users start it, it prints its accounts and answers
//! its first request quickly. The time is printed, not asserted (machines differ).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chain_id(addr: &str) -> Option<String> {
    let mut s = TcpStream::connect(addr).ok()?;
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"#;
    let req = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

#[test]
fn binary_prints_accounts_and_answers() {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_devnode"))
        .args(["--port", "0", "--accounts", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("devnode starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut banner = String::new();
    let mut addr = None;
    for line in lines.by_ref() {
        let line = line.expect("utf-8 output");
        banner.push_str(&line);
        banner.push('\n');
        if let Some(a) = line.strip_prefix("Listening on ") {
            addr = Some(a.trim().to_string());
            break;
        }
    }
    let addr = addr.unwrap_or_else(|| panic!("no listening line in:\n{banner}"));
    let mut reply = None;
    while started.elapsed() < Duration::from_secs(30) {
        if let Some(r) = chain_id(&addr) {
            reply = Some(r);
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let elapsed = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    let reply = reply.expect("eth_chainId answered");
    assert!(reply.contains("\"0x64aba\""), "{reply}");
    assert!(
        banner.contains("0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E"),
        "{banner}"
    );
    assert!(
        banner.contains("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
        "{banner}"
    );
    assert!(banner.contains("0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659"));
    assert!(banner.contains("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"));
    println!("devnode: first eth_chainId answered {elapsed:.2?} after spawn");
}
