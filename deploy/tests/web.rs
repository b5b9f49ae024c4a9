//! `labelchain up`'s web server, over real sockets: what it serves, with which media type
//! and cache policy, and what it refuses.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;

use alloy::primitives::Address;
use labelchain::state::Addresses;
use labelchain::web::{self, DeploymentDoc, WebConfig};

/// A server on a free port over `dist` and `demo`, on a runtime of its own thread; it
/// stops when the returned sender is dropped.
fn serve(dist: &Path, demo: &Path) -> (SocketAddr, std::sync::mpsc::Sender<()>) {
    let config = WebConfig {
        dist: dist.to_path_buf(),
        demo: demo.to_path_buf(),
        deployment: DeploymentDoc {
            chain_id: 412346,
            rpc_url: "http://127.0.0.1:8547".into(),
            contracts: Addresses {
                token: Address::repeat_byte(1),
                escrow: Address::repeat_byte(2),
                registry: Address::repeat_byte(3),
                verifier: Address::repeat_byte(4),
                datasets: Address::repeat_byte(5),
                deployed_at: 0,
            },
            demo: None,
        },
    };
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let server = web::start(0, config).await.unwrap();
            addr_tx.send(server.addr).unwrap();
            let _ = tokio::task::spawn_blocking(move || stop_rx.recv()).await;
            server.stop().await;
        });
    });
    (addr_rx.recv().unwrap(), stop_tx)
}

/// A raw request (no client library normalises the path), the response's status line,
/// headers (lower-case names) and body.
fn get(addr: SocketAddr, method: &str, path: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    (status, headers, raw[split + 4..].to_vec())
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> &'a str {
    h.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v)
}

fn site() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    let demo = dir.path().join("demo");
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    std::fs::create_dir_all(&demo).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    std::fs::write(dist.join("assets/index-Ab12Cd34.js"), "console.log(1)").unwrap();
    std::fs::write(dist.join("assets/index-Ab12Cd34.css"), "body{}").unwrap();
    std::fs::write(
        demo.join("item-0.svg"),
        "<svg xmlns='http://www.w3.org/2000/svg'/>",
    )
    .unwrap();
    std::fs::write(demo.join("manifest.jsonl"), "{}\n").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "do not serve").unwrap();
    (dir, dist, demo)
}

#[test]
fn the_app_is_served_with_its_media_types_and_cache_policy() {
    let (_dir, dist, demo) = site();
    let (addr, _stop) = serve(&dist, &demo);
    let cases = [
        ("/", "text/html; charset=utf-8", "no-cache"),
        ("/index.html", "text/html; charset=utf-8", "no-cache"),
        (
            "/assets/index-Ab12Cd34.js",
            "text/javascript; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        (
            "/assets/index-Ab12Cd34.css",
            "text/css; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        ("/demo/item-0.svg", "image/svg+xml", "no-cache"),
        ("/demo/manifest.jsonl", "application/jsonl", "no-cache"),
        ("/deployment.json", "application/json", "no-cache"),
    ];
    for (path, media, cache) in cases {
        let (status, h, _) = get(addr, "GET", path);
        assert_eq!(status, 200, "{path}");
        assert_eq!(header(&h, "content-type"), media, "{path}");
        assert_eq!(header(&h, "cache-control"), cache, "{path}");
        assert_eq!(header(&h, "x-content-type-options"), "nosniff", "{path}");
    }
}

#[test]
fn the_deployment_document_names_the_chain_and_the_contracts() {
    let (_dir, dist, demo) = site();
    let (addr, _stop) = serve(&dist, &demo);
    let (_, _, body) = get(addr, "GET", "/deployment.json");
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["chainId"], 412346);
    assert_eq!(v["rpcUrl"], "http://127.0.0.1:8547");
    assert_eq!(
        v["contracts"]["verifier"],
        Address::repeat_byte(4).to_checksum(None)
    );
}

#[test]
fn paths_out_of_the_served_directories_are_refused() {
    let (_dir, dist, demo) = site();
    let (addr, _stop) = serve(&dist, &demo);
    for path in [
        "/../secret.txt",
        "/demo/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/demo/%2E%2E%2F%2E%2E%2Fsecret.txt",
        "/assets/..%5c..%5csecret.txt",
    ] {
        let (status, _, body) = get(addr, "GET", path);
        assert_eq!(status, 403, "{path}");
        assert!(
            !String::from_utf8_lossy(&body).contains("do not serve"),
            "{path}"
        );
    }
}

#[test]
fn a_missing_file_is_404_and_only_get_and_head_are_answered() {
    let (_dir, dist, demo) = site();
    let (addr, _stop) = serve(&dist, &demo);
    assert_eq!(get(addr, "GET", "/nope.js").0, 404);
    assert_eq!(get(addr, "GET", "/demo/nope.svg").0, 404);
    let (status, h, body) = get(addr, "HEAD", "/assets/index-Ab12Cd34.js");
    assert_eq!((status, body.len()), (200, 0));
    assert_eq!(header(&h, "content-length"), "14");
    let (status, h, _) = get(addr, "POST", "/index.html");
    assert_eq!(status, 405);
    assert_eq!(header(&h, "allow"), "GET, HEAD");
}

#[test]
fn an_unbuilt_app_says_how_to_build_it() {
    let (dir, _dist, demo) = site();
    let (addr, _stop) = serve(&dir.path().join("no-dist"), &demo);
    let (status, _, body) = get(addr, "GET", "/");
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("npm run build"));
}

#[test]
fn the_web_apps_error_table_is_what_the_cli_generates() {
    let table = labelchain::errors::table::table().expect("every error templates");
    let want = serde_json::to_string_pretty(&table).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src/generated/errors.json");
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is stale: regenerate it with `cargo run -p labelchain -- errors > web/src/generated/errors.json`",
        path.display()
    );
}
