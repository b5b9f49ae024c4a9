//! A JSON-RPC proxy between the CLI and the devnode that misbehaves on purpose: it can
//! rewrite answers (a lying RPC provider), fail requests, or stop answering (an RPC that
//! drops out mid-export). Plain std sockets and HTTP/1.1 with Content-Length, which is
//! what alloy's client and the devnode speak; keep-alive connections are served in turn.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::Value;

/// What the proxy does with one request.
pub enum Action {
    /// Pass it on and return the node's answer unchanged.
    Forward,
    /// Pass it on and return the answer as `f` rewrites it.
    Rewrite(Box<dyn FnOnce(&mut Value) + Send>),
    /// Answer HTTP 503 without asking the node.
    Fail,
    /// Close the connection without answering.
    Drop,
}

/// Decides per request; gets the request's JSON and how many requests came before it.
pub type Rule = dyn Fn(&Value, usize) -> Action + Send + Sync;

pub struct Proxy {
    pub url: String,
    /// Requests seen so far.
    pub seen: Arc<AtomicUsize>,
}

/// Starts a proxy to `upstream` (`http://127.0.0.1:PORT`) on an ephemeral port; it runs
/// until the test process ends.
pub fn start(upstream: &str, rule: Box<Rule>) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let upstream = upstream
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let seen = Arc::new(AtomicUsize::new(0));
    let rule: Arc<Rule> = Arc::from(rule);
    let counter = seen.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let (rule, counter, upstream) = (rule.clone(), counter.clone(), upstream.clone());
            std::thread::spawn(move || serve(conn, &upstream, &*rule, &counter));
        }
    });
    Proxy { url, seen }
}

fn serve(conn: TcpStream, upstream: &str, rule: &Rule, seen: &AtomicUsize) {
    let mut reader = BufReader::new(conn.try_clone().expect("clone"));
    let mut out = conn;
    while let Some(body) = read_request(&mut reader) {
        let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let n = seen.fetch_add(1, Ordering::SeqCst);
        let answer = match rule(&request, n) {
            Action::Drop => return,
            Action::Fail => {
                let _ =
                    out.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
                continue;
            }
            Action::Forward => forward(upstream, &body),
            Action::Rewrite(f) => {
                let mut v: Value = serde_json::from_slice(&forward(upstream, &body)).expect("json");
                f(&mut v);
                serde_json::to_vec(&v).expect("json")
            }
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            answer.len()
        );
        if out
            .write_all(head.as_bytes())
            .and_then(|()| out.write_all(&answer))
            .is_err()
        {
            return;
        }
    }
}

/// One request's body, or `None` when the client closed the connection.
fn read_request(r: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(body)
}

/// The node's answer to `body` (one request per connection, closed by the node).
fn forward(upstream: &str, body: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(upstream).expect("the node is up");
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {upstream}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).expect("send");
    s.write_all(body).expect("send");
    let mut r = BufReader::new(s);
    let mut len = None;
    loop {
        let mut line = String::new();
        r.read_line(&mut line).expect("answer");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse::<usize>().ok();
            }
        }
    }
    let mut answer = Vec::new();
    match len {
        Some(n) => {
            answer.resize(n, 0);
            r.read_exact(&mut answer).expect("body");
        }
        None => {
            r.read_to_end(&mut answer).expect("body");
        }
    }
    answer
}

/// The JSON-RPC method of a request (`""` for a batch or garbage).
pub fn method(request: &Value) -> &str {
    request["method"].as_str().unwrap_or("")
}
