//! The HTTP side of the node: hyper's HTTP/1.1 server (keep-alive, pipelining,
//! `Content-Length` and chunked bodies, `Expect: 100-continue`) on a single-threaded tokio
//! runtime that runs on a thread of its own, so the node starts and stops the same way
//! whether or not its caller is itself inside a tokio runtime. What hyper leaves to us:
//! CORS for browser wallets, the body-size limit, answering other methods with a
//! JSON-RPC error, and running the synchronous `methods::handle` on the runtime's
//! blocking pool so one slow transaction never holds up the other connections.

use std::future::{poll_fn, Future};
use std::net::TcpListener as StdListener;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::thread::JoinHandle;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Body as _, Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

use super::node::{NodeError, Shared};
use super::types::RpcError;

/// The most a request head (request line and headers) may take.
const MAX_HEAD: usize = 64 * 1024;
/// A keep-alive connection idle this long is closed; so is one that takes longer than
/// this to send a request head, or a body.
const IDLE: Duration = Duration::from_secs(120);
/// Bodies over the limit are read and thrown away up to this size, so the client sees the
/// error reply rather than a reset connection.
const MAX_DISCARD: usize = 256 * 1024 * 1024;
/// At shutdown, how long requests already being answered get to finish.
const GRACE: Duration = Duration::from_secs(2);

type Reply = Response<Full<Bytes>>;

/// The running server: its thread and the signal that stops it.
pub(crate) struct Server {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves `listener` until [`Server::stop`]; returns once it is being served. The
    /// listener comes bound and non-blocking, so that bind errors reach the caller of
    /// `Node::start` as [`NodeError::Bind`]. The runtime is built on the server's thread
    /// and never leaves it: a caller inside a tokio runtime of its own must not drop one.
    pub fn start(listener: StdListener, shared: Arc<Shared>) -> Result<Self, NodeError> {
        let (stop, stopped) = oneshot::channel();
        let (ready, started) = std::sync::mpsc::sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("devnode-http".into())
            .spawn(move || match runtime_for(listener) {
                Ok((runtime, listener)) => {
                    let _ = ready.send(Ok(()));
                    run(runtime, listener, shared, stopped);
                }
                Err(e) => {
                    let _ = ready.send(Err(e));
                }
            })
            .map_err(NodeError::Thread)?;
        let server = Self {
            stop: Some(stop),
            thread: Some(thread),
        };
        let outcome = started
            .recv()
            .unwrap_or_else(|_| Err(std::io::Error::other("the server thread ended at start")));
        // On an error `server` is dropped, which joins the thread.
        outcome.map(|()| server).map_err(NodeError::Runtime)
    }

    /// Stops accepting, closes idle connections, gives requests in flight [`GRACE`] to
    /// finish, and returns once the server's thread has ended.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The server's single-threaded runtime (its blocking pool answers the requests), and the
/// listener registered with it.
fn runtime_for(listener: StdListener) -> std::io::Result<(Runtime, TcpListener)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .thread_name("devnode-rpc")
        .build()?;
    let listener = {
        let _in_runtime = runtime.enter();
        TcpListener::from_std(listener)?
    };
    Ok((runtime, listener))
}

/// An early return from `Node::start` (the miner's thread failing) stops the server too.
impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The server thread: the accept loop, then the graceful close. A handler still running
/// after the grace period finishes on its own thread; its reply is dropped.
fn run(runtime: Runtime, listener: TcpListener, shared: Arc<Shared>, stop: oneshot::Receiver<()>) {
    runtime.block_on(async {
        let connections = GracefulShutdown::new();
        accept(&listener, &shared, &connections, stop).await;
        drop(listener);
        if tokio::time::timeout(GRACE, connections.shutdown())
            .await
            .is_err()
        {
            tracing::debug!("requests still in flight at shutdown are dropped");
        }
    });
    runtime.shutdown_background();
}

/// Accepts connections until `stop` fires (or its sender is dropped).
async fn accept(
    listener: &TcpListener,
    shared: &Arc<Shared>,
    connections: &GracefulShutdown,
    mut stop: oneshot::Receiver<()>,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(IDLE)
        .max_header_size(MAX_HEAD);
    loop {
        let accepted = poll_fn(|cx| match Pin::new(&mut stop).poll(cx) {
            Poll::Ready(_) => Poll::Ready(None),
            Poll::Pending => listener.poll_accept(cx).map(Some),
        })
        .await;
        let stream = match accepted {
            None => return,
            Some(Ok((stream, _))) => stream,
            Some(Err(e)) => {
                // Out of file descriptors, say: wait a little rather than spin.
                tracing::warn!("cannot accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let service = service_fn(move |request| answer(shared.clone(), request));
        let connection = connections.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("connection closed: {e}");
            }
        });
    }
}

/// The client stopped sending mid-body for [`IDLE`]: the connection is closed unanswered.
#[derive(Debug, thiserror::Error)]
#[error("the client sent no more of its request body for {IDLE:?}")]
struct BodyTimedOut;

async fn answer(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Reply, BodyTimedOut> {
    match *request.method() {
        Method::OPTIONS => Ok(reply(StatusCode::NO_CONTENT, Vec::new())),
        Method::POST => post(shared, request).await,
        _ => Ok(reply(
            StatusCode::METHOD_NOT_ALLOWED,
            error_body(&RpcError::new(
                RpcError::INVALID_REQUEST,
                "JSON-RPC requests are POSTed as JSON",
            )),
        )),
    }
}

/// Reads the body within the limit and answers it on the blocking pool.
async fn post(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Reply, BodyTimedOut> {
    let limit = shared.config.max_body_bytes;
    let body = match tokio::time::timeout(IDLE, read_body(request, limit)).await {
        Err(_) => return Err(BodyTimedOut),
        Ok(Ok(body)) => body,
        Ok(Err(Refused::TooLarge)) => {
            return Ok(closing(reply(
                StatusCode::PAYLOAD_TOO_LARGE,
                error_body(&too_large(limit)),
            )))
        }
        Ok(Err(Refused::Bad(why))) => {
            return Ok(closing(reply(
                StatusCode::BAD_REQUEST,
                error_body(&RpcError::new(RpcError::INVALID_REQUEST, why)),
            )))
        }
    };
    let handled = tokio::task::spawn_blocking(move || super::methods::handle(&shared, &body)).await;
    Ok(match handled {
        Ok(body) => reply(StatusCode::OK, body),
        // `handle` answers a panicking method itself; this is a panic outside any method.
        Err(e) => {
            tracing::error!("a request panicked: {e}");
            reply(
                StatusCode::INTERNAL_SERVER_ERROR,
                error_body(&RpcError::new(RpcError::INTERNAL, "internal error")),
            )
        }
    })
}

/// Why a request body was not taken.
enum Refused {
    /// Over `max_body_bytes`: answered 413, connection closed.
    TooLarge,
    /// Malformed, or too large even to read and throw away: answered 400, closed.
    Bad(String),
}

/// The whole body if within `limit`. A larger one is read and dropped up to
/// [`MAX_DISCARD`], except when its declared length says it is too large and the client
/// waits for `100 Continue` (never sent then) or it is over `MAX_DISCARD` anyway.
async fn read_body(request: Request<Incoming>, limit: usize) -> Result<Vec<u8>, Refused> {
    let waits_for_continue = request
        .headers()
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let mut body = request.into_body();
    let declared = body.size_hint().exact();
    if let Some(n) = declared.map(|n| usize::try_from(n).unwrap_or(usize::MAX)) {
        if n > limit && (n > MAX_DISCARD || waits_for_continue) {
            return Err(Refused::TooLarge);
        }
    }
    let mut kept = Vec::with_capacity(declared.map_or(0, |n| n.min(limit as u64) as usize));
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| Refused::Bad(format!("malformed request body: {e}")))?;
        // Trailers carry nothing for us.
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen > MAX_DISCARD {
            return Err(Refused::Bad("request body too large".into()));
        }
        if seen <= limit {
            kept.extend_from_slice(&data);
        }
    }
    if seen > limit {
        Err(Refused::TooLarge)
    } else {
        Ok(kept)
    }
}

fn too_large(limit: usize) -> RpcError {
    RpcError::new(
        RpcError::INVALID_REQUEST,
        format!("request body too large: the limit is {limit} bytes"),
    )
}

fn error_body(e: &RpcError) -> Vec<u8> {
    serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": null, "error": e.to_json()}))
        .unwrap_or_default()
}

/// A JSON reply with the CORS headers browser wallets need on every response.
fn reply(status: StatusCode, body: Vec<u8>) -> Reply {
    let mut reply = Response::new(Full::new(Bytes::from(body)));
    *reply.status_mut() = status;
    let headers = reply.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "application/json"),
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        (header::ACCESS_CONTROL_ALLOW_METHODS, "POST, GET, OPTIONS"),
        (header::ACCESS_CONTROL_ALLOW_HEADERS, "*"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    reply
}

/// The connection closes after this reply (hyper honours `Connection: close`).
fn closing(mut reply: Reply) -> Reply {
    reply
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    reply
}
