//! The HTTP layer browser wallets and RPC clients rely on, spoken byte by byte over a
//! `TcpStream`: keep-alive, chunked bodies, `Expect: 100-continue`, CORS, the body-size
//! limit, wrong methods and malformed requests, and a prompt shutdown; and the accounts a
//! node starts with.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::rpc_common::*;
use devnode::rpc::{derive_accounts, AccountError, Node, NodeConfig, NodeError, DEFAULT_MNEMONIC};
use serde_json::{json, Value};

const CHAIN_ID_CALL: &str = r#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"#;

/// One HTTP response: status, headers (names lower-cased) and body.
struct Reply {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// A client connection that can send several requests and read replies one at a time.
struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    fn open(node: &devnode::rpc::NodeHandle) -> Self {
        let s = TcpStream::connect(node.addr()).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        Self {
            reader: BufReader::new(s),
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.reader.get_mut().write_all(bytes).expect("write");
    }

    fn post(&mut self, body: &str) {
        let head = format!(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        self.send(head.as_bytes());
        self.send(body.as_bytes());
    }

    /// Reads one response (interim `100 Continue` responses included, as their own).
    fn read(&mut self) -> Reply {
        let mut status_line = String::new();
        self.reader
            .read_line(&mut status_line)
            .expect("status line");
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no HTTP status in {status_line:?}"));
        let mut headers = HashMap::new();
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).expect("header line");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').expect("name: value");
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
        let length = headers
            .get("content-length")
            .map_or(0, |n| n.parse().expect("a length"));
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).expect("body");
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Whether the server closed the connection (end of stream, or a reset), waiting up
    /// to the read timeout.
    fn closed_by_server(&mut self) -> bool {
        let mut rest = Vec::new();
        match self.reader.read_to_end(&mut rest) {
            Ok(_) => rest.is_empty(),
            Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
        }
    }
}

fn is_chain_id(reply: &Reply) -> bool {
    reply.status == 200 && reply.json()["result"] == json!("0x64aba")
}

#[test]
fn one_keep_alive_connection_serves_many_requests() {
    let node = start();
    let mut conn = Conn::open(&node);
    for _ in 0..3 {
        conn.post(CHAIN_ID_CALL);
        assert!(is_chain_id(&conn.read()));
    }
    // pipelined: both requests written before either reply is read
    conn.post(CHAIN_ID_CALL);
    conn.post(CHAIN_ID_CALL);
    assert!(is_chain_id(&conn.read()));
    assert!(is_chain_id(&conn.read()));
    node.shutdown();
}

#[test]
fn chunked_bodies_are_reassembled() {
    let node = start();
    let mut conn = Conn::open(&node);
    let (a, b) = CHAIN_ID_CALL.split_at(20);
    let request = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{:x};ext=1\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    );
    conn.send(request.as_bytes());
    assert!(is_chain_id(&conn.read()));
    // and the connection stays usable
    conn.post(CHAIN_ID_CALL);
    assert!(is_chain_id(&conn.read()));
    node.shutdown();
}

#[test]
fn expect_continue_is_answered_before_the_body_is_sent() {
    let node = start();
    let mut conn = Conn::open(&node);
    let head = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        CHAIN_ID_CALL.len()
    );
    conn.send(head.as_bytes());
    assert_eq!(conn.read().status, 100);
    conn.send(CHAIN_ID_CALL.as_bytes());
    assert!(is_chain_id(&conn.read()));
    node.shutdown();
}

#[test]
fn bodies_over_the_limit_are_refused_with_413_and_the_connection_closed() {
    let node = start_with(NodeConfig {
        max_body_bytes: 4096,
        ..Default::default()
    });
    let big = "a".repeat(10_000);
    let too_large = |reply: &Reply| {
        assert_eq!(reply.status, 413);
        assert_eq!(reply.json()["error"]["code"], json!(-32600));
        let message = reply.json()["error"]["message"].to_string();
        assert!(message.contains("too large"), "{message}");
    };
    // chunked: read past the limit and thrown away, then refused
    let mut conn = Conn::open(&node);
    let request = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{big}\r\n0\r\n\r\n",
        big.len()
    );
    conn.send(request.as_bytes());
    too_large(&conn.read());
    assert!(conn.closed_by_server());
    // a declared length over the limit with `Expect: 100-continue`: refused unread
    let mut conn = Conn::open(&node);
    let head = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        big.len()
    );
    conn.send(head.as_bytes());
    too_large(&conn.read());
    assert!(conn.closed_by_server());
    // the limit itself is accepted
    let mut conn = Conn::open(&node);
    let padded = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}}{}"#,
        " ".repeat(4096 - CHAIN_ID_CALL.len())
    );
    assert_eq!(padded.len(), 4096);
    conn.post(&padded);
    assert!(is_chain_id(&conn.read()));
    node.shutdown();
}

#[test]
fn browsers_get_cors_headers_and_preflights_are_answered_204() {
    let node = start();
    let mut conn = Conn::open(&node);
    conn.send(
        b"OPTIONS / HTTP/1.1\r\nHost: x\r\nOrigin: http://wallet.test\r\n\
          Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n",
    );
    let preflight = conn.read();
    assert_eq!(preflight.status, 204);
    assert!(preflight.body.is_empty());
    conn.post(CHAIN_ID_CALL);
    let answer = conn.read();
    for reply in [&preflight, &answer] {
        assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
        assert_eq!(
            reply.header("access-control-allow-methods"),
            Some("POST, GET, OPTIONS")
        );
        assert_eq!(reply.header("access-control-allow-headers"), Some("*"));
        assert_eq!(reply.header("content-type"), Some("application/json"));
    }
    node.shutdown();
}

#[test]
fn other_methods_get_405_with_a_json_rpc_error_and_the_connection_stays_open() {
    let node = start();
    let mut conn = Conn::open(&node);
    conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let reply = conn.read();
    assert_eq!(reply.status, 405);
    assert_eq!(reply.json()["jsonrpc"], json!("2.0"));
    assert_eq!(reply.json()["error"]["code"], json!(-32600));
    conn.post(CHAIN_ID_CALL);
    assert!(is_chain_id(&conn.read()));
    node.shutdown();
}

#[test]
fn malformed_http_is_answered_400_and_the_node_keeps_serving() {
    let node = start();
    let rpc = Rpc::new(&node);
    for request in [
        &b"garbage\r\n\r\n"[..],
        b"POST / HTTP/1.1\r\nno colon here\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: ten\r\n\r\n",
    ] {
        let mut conn = Conn::open(&node);
        conn.send(request);
        assert_eq!(
            conn.read().status,
            400,
            "{}",
            String::from_utf8_lossy(request)
        );
        assert!(conn.closed_by_server());
        assert_eq!(rpc.ok("eth_chainId", json!([])), json!("0x64aba"));
    }
    node.shutdown();
}

#[test]
fn shutdown_is_prompt_and_closes_idle_keep_alive_connections() {
    let node = start();
    let mut idle = Conn::open(&node);
    idle.post(CHAIN_ID_CALL);
    assert!(is_chain_id(&idle.read()));
    let mut silent = Conn::open(&node);
    let started = Instant::now();
    node.shutdown();
    assert!(idle.closed_by_server());
    assert!(silent.closed_by_server());
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "shutdown took {took:?}");
}

#[test]
fn a_taken_port_is_a_bind_error() {
    let node = start();
    let taken = Node::start(NodeConfig {
        port: node.addr().port(),
        accounts: 1,
        ..Default::default()
    });
    assert!(
        matches!(taken, Err(NodeError::Bind(..))),
        "{:?}",
        taken.err()
    );
    node.shutdown();
}

#[test]
fn the_default_mnemonic_derives_anvils_accounts() {
    let node = start();
    let anvil = [
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    ];
    let derived: Vec<String> = node.accounts()[1..]
        .iter()
        .map(|a| a.address.to_string())
        .collect();
    assert_eq!(derived, anvil);
    assert_eq!(
        node.accounts()[2].key_hex(),
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
    );
    // words may be separated by any whitespace
    let spaced = DEFAULT_MNEMONIC.replace(' ', " \t ");
    let first = derive_accounts(&format!("  {spaced}\n"), 1).expect("a valid mnemonic");
    assert_eq!(first[0].address.to_string(), anvil[0]);
    node.shutdown();
}

#[test]
fn an_invalid_mnemonic_is_refused_at_start() {
    for mnemonic in [
        // not English BIP-39 words
        "these words are not on the list at all",
        // every word on the list, but the checksum does not match
        "test test test test test test test test test test test test",
    ] {
        let started = Node::start(NodeConfig {
            port: 0,
            mnemonic: mnemonic.into(),
            ..Default::default()
        });
        assert!(
            matches!(started, Err(NodeError::Account(AccountError::Mnemonic(_)))),
            "{mnemonic}: {:?}",
            started.err()
        );
    }
}
