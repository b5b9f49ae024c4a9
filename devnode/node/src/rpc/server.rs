//! A small HTTP/1.1 server on std's `TcpListener`: a thread per connection, keep-alive,
//! `Content-Length` and chunked bodies, `Expect: 100-continue`, CORS for browser wallets,
//! and a body-size limit. Every request body goes to `methods::handle`; nothing a client
//! sends can take the node down (a panicking request is answered with an internal error).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use super::node::Shared;
use super::types::RpcError;

const MAX_HEAD: usize = 64 * 1024;
/// A keep-alive connection idle this long is closed.
const IDLE: Duration = Duration::from_secs(120);
/// Bodies over the limit are read and thrown away up to this size, so the client sees the
/// error reply rather than a reset connection.
const MAX_DISCARD: usize = 256 * 1024 * 1024;

pub(crate) fn serve(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let s = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("devnode-http".into())
            .spawn(move || connection(stream, &s));
        if let Err(e) = spawned {
            tracing::error!("cannot start a connection thread: {e}");
        }
    }
}

struct Request {
    method: String,
    body: Result<Vec<u8>, RpcError>,
    keep_alive: bool,
}

enum ReadError {
    /// The client closed the connection, went idle or the node is stopping.
    Closed,
    /// Malformed HTTP: answer 400 and close.
    Bad(String),
}

fn connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    // Short timeouts so an idle connection notices shutdown.
    let _ = stream.set_read_timeout(Some(Duration::from_millis(250)));
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut writer = write_half;
    let mut reader = BufReader::new(stream);
    loop {
        let request = match read_request(&mut reader, &mut writer, shared) {
            Ok(r) => r,
            Err(ReadError::Closed) => return,
            Err(ReadError::Bad(why)) => {
                let body = error_body(&RpcError::new(RpcError::INVALID_REQUEST, why));
                let _ = respond(&mut writer, "400 Bad Request", &body, false);
                return;
            }
        };
        let (status, body) = match (request.method.as_str(), request.body) {
            ("OPTIONS", _) => ("204 No Content", Vec::new()),
            ("POST", Ok(body)) => ("200 OK", super::methods::handle(shared, &body)),
            ("POST", Err(e)) => ("413 Payload Too Large", error_body(&e)),
            _ => (
                "405 Method Not Allowed",
                error_body(&RpcError::new(
                    RpcError::INVALID_REQUEST,
                    "JSON-RPC requests are POSTed as JSON",
                )),
            ),
        };
        let keep = request.keep_alive && !status.starts_with("413");
        if respond(&mut writer, status, &body, keep).is_err() || !keep {
            return;
        }
    }
}

fn error_body(e: &RpcError) -> Vec<u8> {
    serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": null, "error": e.to_json()}))
        .unwrap_or_default()
}

fn respond(w: &mut TcpStream, status: &str, body: &[u8], keep_alive: bool) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Methods: POST, GET, OPTIONS\r\n\
         Access-Control-Allow-Headers: *\r\nConnection: {}\r\n\r\n",
        body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    );
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    w.write_all(&out)?;
    w.flush()
}

/// One line of the head, waiting out read timeouts until the idle limit or shutdown.
fn read_line(
    r: &mut BufReader<TcpStream>,
    shared: &Shared,
    started: Instant,
    budget: &mut usize,
) -> Result<String, ReadError> {
    let mut line = Vec::new();
    loop {
        match r.read_until(b'\n', &mut line) {
            Ok(0) => return Err(ReadError::Closed),
            Ok(_) if line.ends_with(b"\n") => break,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if shared.stopping.load(Ordering::SeqCst) || started.elapsed() > IDLE {
                    return Err(ReadError::Closed);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Err(ReadError::Closed),
        }
        if line.len() > *budget {
            return Err(ReadError::Bad("request head too large".into()));
        }
    }
    *budget = budget.saturating_sub(line.len());
    String::from_utf8(line)
        .map(|l| l.trim_end_matches(['\r', '\n']).to_string())
        .map_err(|_| ReadError::Bad("request head is not UTF-8".into()))
}

/// Reads exactly `n` bytes (retrying timeouts within the idle limit).
fn read_exact(
    r: &mut BufReader<TcpStream>,
    n: usize,
    shared: &Shared,
    keep: bool,
) -> Result<Vec<u8>, ReadError> {
    let mut buf = vec![0u8; if keep { n } else { n.min(64 * 1024) }];
    let mut filled = 0;
    let mut total = 0;
    let started = Instant::now();
    while total < n {
        let want = (n - total).min(buf.len() - filled);
        match r.read(&mut buf[filled..filled + want]) {
            Ok(0) => return Err(ReadError::Closed),
            Ok(k) => {
                total += k;
                filled = if keep { filled + k } else { 0 };
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                if shared.stopping.load(Ordering::SeqCst) || started.elapsed() > IDLE {
                    return Err(ReadError::Closed);
                }
            }
            Err(_) => return Err(ReadError::Closed),
        }
    }
    if !keep {
        buf.clear();
    }
    Ok(buf)
}

fn too_large(limit: usize) -> RpcError {
    RpcError::new(
        RpcError::INVALID_REQUEST,
        format!("request body too large: the limit is {limit} bytes"),
    )
}

fn read_request(
    r: &mut BufReader<TcpStream>,
    w: &mut TcpStream,
    shared: &Shared,
) -> Result<Request, ReadError> {
    let started = Instant::now();
    let mut budget = MAX_HEAD;
    let mut first = read_line(r, shared, started, &mut budget)?;
    // Tolerate blank lines between requests (RFC 9112 §2.2).
    while first.is_empty() {
        first = read_line(r, shared, started, &mut budget)?;
    }
    let mut parts = first.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let _path = parts
        .next()
        .ok_or_else(|| ReadError::Bad("malformed request line".into()))?;
    let version = parts.next().unwrap_or("HTTP/1.0");
    let mut keep_alive = version == "HTTP/1.1";
    let mut length: Option<usize> = None;
    let mut chunked = false;
    let mut expect_continue = false;
    loop {
        let line = read_line(r, shared, started, &mut budget)?;
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Bad(format!("malformed header line: {line:?}")));
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                length = Some(
                    value
                        .parse()
                        .map_err(|_| ReadError::Bad("invalid Content-Length".into()))?,
                )
            }
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "connection" => {
                let v = value.to_ascii_lowercase();
                if v.contains("close") {
                    keep_alive = false;
                } else if v.contains("keep-alive") {
                    keep_alive = true;
                }
            }
            "expect" => expect_continue = value.eq_ignore_ascii_case("100-continue"),
            _ => {}
        }
    }
    let limit = shared.config.max_body_bytes;
    let body = if chunked {
        if expect_continue {
            let _ = w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
        read_chunked(r, shared, started, limit)?
    } else {
        let n = length.unwrap_or(0);
        if n > limit {
            if n > MAX_DISCARD || expect_continue {
                // Not worth reading: answer and close.
                return Ok(Request {
                    method,
                    body: Err(too_large(limit)),
                    keep_alive: false,
                });
            }
            read_exact(r, n, shared, false)?;
            Err(too_large(limit))
        } else {
            if expect_continue && n > 0 {
                let _ = w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
            }
            Ok(read_exact(r, n, shared, true)?)
        }
    };
    Ok(Request {
        method,
        body,
        keep_alive,
    })
}

fn read_chunked(
    r: &mut BufReader<TcpStream>,
    shared: &Shared,
    started: Instant,
    limit: usize,
) -> Result<Result<Vec<u8>, RpcError>, ReadError> {
    let mut body = Vec::new();
    let mut seen = 0usize;
    let mut over = false;
    loop {
        let mut budget = MAX_HEAD;
        let line = read_line(r, shared, started, &mut budget)?;
        let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| ReadError::Bad("invalid chunk size".into()))?;
        if size == 0 {
            // Trailers, then the blank line.
            while !read_line(r, shared, started, &mut budget)?.is_empty() {}
            break;
        }
        seen = seen.saturating_add(size);
        if seen > MAX_DISCARD {
            return Err(ReadError::Bad("request body too large".into()));
        }
        let over_now = over || seen > limit;
        let chunk = read_exact(r, size, shared, !over_now)?;
        if over_now {
            over = true;
            body.clear();
        } else {
            body.extend_from_slice(&chunk);
        }
        read_line(r, shared, started, &mut budget)?;
    }
    Ok(if over {
        Err(too_large(limit))
    } else {
        Ok(body)
    })
}
