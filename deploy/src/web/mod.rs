//! `labelchain up`'s web server: the built web app (`web/dist`), `/deployment.json` (where
//! the app finds the RPC URL, chain id and contract addresses; the format the app's
//! `parseDeployment` reads) and `/demo/` (the files the demo writes next to the
//! deployments file: items and manifests). Static files only, GET and HEAD, over hyper's
//! HTTP/1.1 (already in the tree for the devnode). Runs as a task on the caller's tokio
//! runtime until [`WebServer::stop`].

mod files;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use files::{media_type, resolve, Cache, Refused};

use crate::state::{Addresses, DemoRecord};

/// What `/deployment.json` says.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentDoc {
    pub chain_id: u64,
    pub rpc_url: String,
    pub contracts: Addresses,
    pub demo: Option<DemoRecord>,
}

#[derive(Clone, Debug)]
pub struct WebConfig {
    /// The built app (`npm run build` in `web/`).
    pub dist: PathBuf,
    /// Served under `/demo/` when it exists (checked per request).
    pub demo: PathBuf,
    pub deployment: DeploymentDoc,
}

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("cannot listen on 127.0.0.1:{port} for the web app: {source} (use --web-port)")]
    Bind { port: u16, source: std::io::Error },
}

/// The running server.
pub struct WebServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl WebServer {
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stops accepting and waits for the accept loop to end.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

/// Binds 127.0.0.1:`port` (0: any free port) and serves `config` until stopped.
pub async fn start(port: u16, config: WebConfig) -> Result<WebServer, WebError> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|source| WebError::Bind { port, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| WebError::Bind { port, source })?;
    let body = serde_json::to_vec_pretty(&config.deployment).expect("serializable");
    let state = Arc::new(Served {
        config,
        deployment: Bytes::from(body),
    });
    let (stop, mut stopped) = oneshot::channel();
    let task = tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                a = listener.accept() => a,
                _ = &mut stopped => break,
            };
            let Ok((stream, _)) = accepted else { continue };
            let state = state.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let state = state.clone();
                    async move { Ok::<_, std::convert::Infallible>(state.answer(&req)) }
                });
                if let Err(e) = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await
                {
                    tracing::debug!("web connection: {e}");
                }
            });
        }
    });
    tracing::info!("web app on http://{addr}/");
    Ok(WebServer {
        addr,
        stop: Some(stop),
        task: Some(task),
    })
}

struct Served {
    config: WebConfig,
    deployment: Bytes,
}

type Reply = Response<Full<Bytes>>;

fn reply(status: StatusCode, media: &str, cache: Cache, body: Bytes) -> Reply {
    let mut r = Response::new(Full::new(body));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(media).expect("ascii"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache.header()),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    r
}

fn text(status: StatusCode, msg: &'static str) -> Reply {
    reply(
        status,
        "text/plain; charset=utf-8",
        Cache::NoCache,
        Bytes::from_static(msg.as_bytes()),
    )
}

impl Served {
    fn answer(&self, req: &Request<Incoming>) -> Reply {
        let head = req.method() == Method::HEAD;
        if req.method() != Method::GET && !head {
            let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return r;
        }
        let mut r = self.route(req.uri().path());
        if head {
            let len = r.body().size_hint_exact();
            *r.body_mut() = Full::new(Bytes::new());
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        }
        r
    }

    fn route(&self, path: &str) -> Reply {
        if path == "/deployment.json" {
            return reply(
                StatusCode::OK,
                "application/json",
                Cache::NoCache,
                self.deployment.clone(),
            );
        }
        let (root, rel, hashed) = if let Some(rel) = path.strip_prefix("/demo/") {
            (&self.config.demo, rel, false)
        } else {
            let rel = path.trim_start_matches('/');
            let rel = if rel.is_empty() { "index.html" } else { rel };
            (&self.config.dist, rel, rel.starts_with("assets/"))
        };
        match resolve(root, rel) {
            Ok(file) => match std::fs::read(&file) {
                Ok(bytes) => {
                    let cache = if hashed {
                        Cache::Immutable
                    } else {
                        Cache::NoCache
                    };
                    reply(StatusCode::OK, media_type(&file), cache, Bytes::from(bytes))
                }
                Err(_) => text(StatusCode::NOT_FOUND, "not found\n"),
            },
            Err(Refused::Traversal) => text(
                StatusCode::FORBIDDEN,
                "refused: the path leaves the served directory\n",
            ),
            Err(Refused::NotFound) if path == "/" || path == "/index.html" => text(
                StatusCode::NOT_FOUND,
                "the web app is not built: run `npm ci && npm run build` in web/ (or ./up)\n",
            ),
            Err(Refused::NotFound) => text(StatusCode::NOT_FOUND, "not found\n"),
        }
    }
}

/// Where the built app is by default: `web/dist` under the current directory, else the
/// one next to this crate's source (a `cargo run` from elsewhere in the checkout).
pub fn default_dist() -> PathBuf {
    let here = PathBuf::from("web/dist");
    if here.is_dir() {
        return here;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web/dist")
}

trait ExactSize {
    fn size_hint_exact(&self) -> u64;
}

impl ExactSize for Full<Bytes> {
    fn size_hint_exact(&self) -> u64 {
        use hyper::body::Body as _;
        self.size_hint().exact().unwrap_or(0)
    }
}
