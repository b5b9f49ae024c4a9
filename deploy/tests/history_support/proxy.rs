//! A small HTTP proxy in front of the devnode that misbehaves as real RPC providers do:
//! fails some `eth_getLogs` (HTTP 503, or a JSON-RPC error), refuses wide block ranges,
//! or stops answering. It records the `eth_getLogs` ranges it forwarded successfully.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::Value;

#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// Every third `eth_getLogs` fails, alternately with HTTP 503 and a JSON-RPC error.
    EveryThirdGetLogs,
    /// After this many requests (of any method), connections are closed unanswered.
    DropAfter(usize),
    /// `eth_getLogs` over more than this many blocks gets a JSON-RPC error.
    MaxRange(u64),
}

#[derive(Debug, Default)]
pub struct Stats {
    pub requests: usize,
    pub get_logs: usize,
    pub failed_get_logs: usize,
    /// `(from, to)` of every `eth_getLogs` answered by the node.
    pub served: Vec<(u64, u64)>,
}

pub struct Proxy {
    pub url: String,
    pub stats: Arc<Mutex<Stats>>,
}

impl Proxy {
    /// Listens on an ephemeral loopback port; serves until the test process ends.
    pub fn start(node_url: &str, fault: Fault) -> Proxy {
        let upstream = node_url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stats = Arc::new(Mutex::new(Stats::default()));
        let s = stats.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                serve(stream, &upstream, fault, &s);
            }
        });
        Proxy { url, stats }
    }

    pub fn stats(&self) -> std::sync::MutexGuard<'_, Stats> {
        self.stats.lock().unwrap()
    }
}

/// One request on one connection (every answer says `Connection: close`).
fn serve(mut client: TcpStream, upstream: &str, fault: Fault, stats: &Mutex<Stats>) {
    let Some(body) = read_request(&mut client) else {
        return;
    };
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let is_logs = req["method"] == "eth_getLogs";
    let range = is_logs.then(|| block_range(&req["params"][0]));
    let (n, logs_n) = {
        let mut s = stats.lock().unwrap();
        s.requests += 1;
        s.get_logs += usize::from(is_logs);
        (s.requests, s.get_logs)
    };
    let rpc_error = |msg: &str| {
        let v = serde_json::json!({"jsonrpc": "2.0", "id": req["id"], "error": {"code": -32005, "message": msg}});
        (200, v.to_string().into_bytes())
    };
    let refused = match (fault, range) {
        (Fault::DropAfter(after), _) if n > after => return, // closed unanswered
        (Fault::EveryThirdGetLogs, Some(_)) if logs_n % 3 == 0 => Some(if logs_n % 2 == 0 {
            (503, b"Service Unavailable".to_vec())
        } else {
            rpc_error("upstream timed out")
        }),
        (Fault::MaxRange(max), Some((from, to))) if to - from + 1 > max => {
            Some(rpc_error("query exceeds the block range limit"))
        }
        _ => None,
    };
    let (status, reply) = match refused {
        Some(r) => {
            stats.lock().unwrap().failed_get_logs += 1;
            r
        }
        None => {
            let reply = forward(upstream, &body);
            if let Some(r) = range {
                stats.lock().unwrap().served.push(r);
            }
            (200, reply)
        }
    };
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        if status == 200 { "OK" } else { "Service Unavailable" },
        reply.len()
    );
    let _ = client.write_all(head.as_bytes());
    let _ = client.write_all(&reply);
}

/// The body of an HTTP/1.1 request with a `Content-Length`.
fn read_request(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())?;
    while buf.len() < end + len {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(buf[end..end + len].to_vec())
}

/// Sends `body` to the node and returns the answer's body (the node's replies carry a
/// `Content-Length`; `Connection: close` ends the stream after it).
fn forward(upstream: &str, body: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(upstream).expect("the devnode answers");
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {upstream}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let at = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer")
        + 4;
    out.split_off(at)
}

fn block_range(filter: &Value) -> (u64, u64) {
    let n = |k: &str| {
        filter[k]
            .as_str()
            .and_then(|h| u64::from_str_radix(h.trim_start_matches("0x"), 16).ok())
            .expect("a numeric block in the filter")
    };
    (n("fromBlock"), n("toBlock"))
}
