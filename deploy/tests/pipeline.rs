//! From a task's verified labels to a training pipeline (DESIGN.md §5): export, encrypt,
//! upload to a real store (moto's S3, a local directory, IPFS, fake-gcs-server), publish,
//! grant to a pipeline's X25519 key, pull with that key — every hash checked against the
//! chain — and the retraining trigger. Every refusal leaves nothing behind.

mod common;
#[path = "../storage/tests/common/mod.rs"]
mod servers;
#[path = "../trigger/tests/common/mod.rs"]
mod trigger_support;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

use common::chain::{ok_json, python_load, refused, Chain};
use labelchain::demo;
use serde_json::Value;
use trigger_support::{Receiver, Script, SECRET};

/// The demo task with its six items final, and the lock every test holds: publishes from
/// one requester key must not interleave (the version a publish prepares is the next one).
fn chain() -> (&'static Chain, MutexGuard<'static, ()>) {
    static CHAIN: OnceLock<Chain> = OnceLock::new();
    static LOCK: Mutex<()> = Mutex::new(());
    let guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    (
        CHAIN.get_or_init(|| Chain::labelled(0..demo::items::COUNT)),
        guard,
    )
}

/// moto's S3 server with a bucket, and the variables the CLI reads for it.
struct S3 {
    server: servers::Server,
    bucket: String,
}

impl S3 {
    fn start() -> S3 {
        let server = servers::moto();
        let bucket = "datasets".to_owned();
        let status = servers::http("PUT", &format!("{}/{bucket}", server.endpoint), vec![]);
        assert_eq!(status, 200, "create the bucket");
        S3 { server, bucket }
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", "test".into()),
            ("AWS_SECRET_ACCESS_KEY", "test".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ENDPOINT_URL", self.server.endpoint.clone()),
        ]
    }

    fn url(&self) -> String {
        format!("s3://{}/labelchain", self.bucket)
    }

    /// The bucket through object_store (signed requests), bypassing the CLI.
    fn bucket(&self) -> std::sync::Arc<dyn object_store::ObjectStore> {
        let env = self.env();
        let store =
            labelchain_storage::Store::from_url_with_env(&format!("s3://{}", self.bucket), |k| {
                env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
            })
            .unwrap();
        store.object_store().expect("an object store").clone()
    }

    /// The object at `key` in the bucket, or None.
    fn object(&self, key: &str) -> Option<Vec<u8>> {
        use object_store::ObjectStoreExt;
        let bucket = self.bucket();
        servers::runtime().block_on(async {
            match bucket.get(&object_store::path::Path::from(key)).await {
                Ok(got) => Some(got.bytes().await.unwrap().to_vec()),
                Err(object_store::Error::NotFound { .. }) => None,
                Err(e) => panic!("GET {key}: {e}"),
            }
        })
    }

    /// Replaces the object at `key` (an attacker with write access to the bucket).
    fn overwrite(&self, key: &str, bytes: Vec<u8>) {
        use object_store::ObjectStoreExt;
        let bucket = self.bucket();
        servers::runtime().block_on(async {
            bucket
                .put(&object_store::path::Path::from(key), bytes.into())
                .await
                .unwrap();
        });
    }
}

/// The CLI against the chain in `cwd` with `env` set, as the requester.
fn as_requester(
    chain: &Chain,
    cwd: &Path,
    args: &[&str],
    env: &[(&str, String)],
) -> (bool, String, String) {
    let key = demo::key_hex(&demo::requester());
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["--private-key", key.as_str(), "--json"]);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    chain.cli_env(&chain.url, cwd, &a, &env)
}

/// The CLI as a pipeline (the dev key signs nothing it runs; pull only reads).
fn as_pipeline(
    chain: &Chain,
    cwd: &Path,
    args: &[&str],
    env: &[(&str, String)],
) -> (bool, String, String) {
    let mut a: Vec<&str> = args.to_vec();
    a.push("--json");
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    chain.cli_env(&chain.url, cwd, &a, &env)
}

/// A fresh export of the demo task in `dir`.
fn export(chain: &Chain, dir: &Path) -> PathBuf {
    let out = dir.join("export");
    ok_json(chain.export(&out, &[]));
    out
}

/// `pipeline keygen` in `dir`: the key file and its public key.
fn keygen(chain: &Chain, dir: &Path, name: &str) -> (PathBuf, String) {
    let file = dir.join(name);
    let v = ok_json(as_pipeline(
        chain,
        dir,
        &["pipeline", "keygen", file.to_str().unwrap()],
        &[],
    ));
    (file, v["publicKey"].as_str().unwrap().to_owned())
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// Byte-identical directories.
fn assert_same_files(a: &Path, b: &Path) {
    assert_eq!(tree(a), tree(b));
    for f in tree(a) {
        assert!(
            std::fs::read(a.join(&f)).unwrap() == std::fs::read(b.join(&f)).unwrap(),
            "{f} differs"
        );
    }
}

/// What a directory holds besides `keep` (a refused pull must leave nothing).
fn leftovers(dir: &Path, keep: &[&str]) -> Vec<String> {
    common::files(dir)
        .into_iter()
        .filter(|f| !keep.contains(&f.as_str()))
        .collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_whole_path_demo_task_to_a_pipeline_that_loads_it_from_s3() {
    let (chain, _lock) = chain();
    let tmp = tempfile::tempdir().unwrap();
    let s3 = S3::start();
    let receiver = Receiver::start(
        SECRET,
        Script {
            fail: 1,
            ..Script::default()
        },
    );
    let out = export(chain, tmp.path());
    let (key, pubkey) = keygen(chain, tmp.path(), "pipeline.key");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode, 0o600,
        "the pipeline's key is readable by its owner only"
    );

    let log = tmp.path().join("triggers.jsonl");
    let mut env = s3.env();
    env.push((
        "LABELCHAIN_WEBHOOK_SECRET",
        String::from_utf8(SECRET.to_vec()).unwrap(),
    ));
    let p = ok_json(as_requester(
        chain,
        tmp.path(),
        &[
            "dataset",
            "publish",
            s(&out),
            "--store",
            &s3.url(),
            "--encrypt",
            "--trigger",
            &receiver.url,
            "--trigger-log",
            s(&log),
        ],
        &env,
    ));
    let version = p["version"].as_u64().unwrap();
    let uri = format!("{}/task-1/v{version}", s3.url());
    assert_eq!(p["stored"]["uri"], uri.as_str());
    assert_eq!(p["stored"]["encrypted"], true);

    // The store holds ciphertext only: age files and their CIPHERTEXT list.
    let prefix = format!("labelchain/task-1/v{version}");
    assert_eq!(s3.object(&format!("{prefix}/MANIFEST")), None);
    assert_eq!(s3.object(&format!("{prefix}/labelchain.json")), None);
    let body = s3
        .object(&format!("{prefix}/MANIFEST.age"))
        .expect("stored");
    assert!(body.starts_with(b"age-encryption.org/v1\n"), "an age file");

    let g = ok_json(as_requester(
        chain,
        tmp.path(),
        &["dataset", "grant", "--task", "1", "--pipeline", &pubkey],
        &[],
    ));
    assert_eq!(g["version"], version, "the latest version by default");

    let pulled = tmp.path().join("pulled");
    let pl = ok_json(as_pipeline(
        chain,
        tmp.path(),
        &[
            "dataset",
            "pull",
            "--task",
            "1",
            "--key",
            s(&key),
            s(&pulled),
        ],
        &s3.env(),
    ));
    assert_eq!(pl["encrypted"], true);
    assert_eq!(pl["uri"], uri.as_str());
    assert_same_files(&out, &pulled);
    let (theirs, ours) = (python_load(&pulled), python_load(&out));
    assert_eq!(
        theirs["configs"], ours["configs"],
        "datasets loads the pulled copy as the export"
    );
    assert_eq!(
        theirs["configs"]["default"]["train"]["rows"]
            .as_array()
            .unwrap()
            .len(),
        6
    );

    // The trigger: a 500 first, then delivered; signed, with one idempotency key.
    let lines = jsonl(&log);
    let last = lines.last().expect("a trigger logged");
    assert_eq!(last["outcome"], "delivered", "{last}");
    assert_eq!(last["attempts"], 2, "{last}");
    assert_eq!(last["version"], version);
    assert_eq!(last["publish_tx"], p["tx"]["txHash"]);
    let seen = receiver.requests();
    assert_eq!(seen.len(), 2, "one refused, one accepted: {seen:?}");
    assert!(
        seen.iter().all(|r| r["signature_valid"] == true),
        "{seen:?}"
    );
    let key = |r: &Value| r["headers"]["idempotency-key"].clone();
    assert_eq!(key(&seen[0]), key(&seen[1]));
    let body: Value = serde_json::from_str(seen[1]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["uri"], uri.as_str());
    assert_eq!(body["publish_tx"], p["tx"]["txHash"]);
    assert_eq!(body["version"], version);
    assert_eq!(body["encrypted"], true);
}

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Publishes the demo export (encrypted or not) to `store`, returns its version.
fn publish_to(
    chain: &Chain,
    tmp: &Path,
    out: &Path,
    store: &str,
    encrypt: bool,
    env: &[(&str, String)],
) -> u64 {
    let mut args = vec!["dataset", "publish", s(out), "--store", store];
    if encrypt {
        args.push("--encrypt");
    }
    let p = ok_json(as_requester(chain, tmp, &args, env));
    p["version"].as_u64().unwrap()
}

fn grant(chain: &Chain, tmp: &Path, version: u64, pubkey: &str) {
    let v = version.to_string();
    ok_json(as_requester(
        chain,
        tmp,
        &[
            "dataset",
            "grant",
            "--task",
            "1",
            "--version",
            &v,
            "--pipeline",
            pubkey,
        ],
        &[],
    ));
}

fn pull(
    chain: &Chain,
    tmp: &Path,
    version: u64,
    key: Option<&Path>,
    out: &Path,
    env: &[(&str, String)],
) -> (bool, String, String) {
    let v = version.to_string();
    let mut args = vec!["dataset", "pull", "--task", "1", "--version", &v];
    if let Some(k) = key {
        args.extend(["--key", s(k)]);
    }
    args.push(s(out));
    as_pipeline(chain, tmp, &args, env)
}

#[test]
fn an_unauthorised_key_is_refused_and_nothing_is_written() {
    let (chain, _lock) = chain();
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let out = export(chain, tmp.path());
    let (_granted, granted_pub) = keygen(chain, tmp.path(), "granted.key");
    let (stranger, _) = keygen(chain, tmp.path(), "stranger.key");
    let version = publish_to(chain, tmp.path(), &out, s(&store), true, &[]);
    grant(chain, tmp.path(), version, &granted_pub);
    let target = tmp.path().join("pulled");
    let m = refused(pull(
        chain,
        tmp.path(),
        version,
        Some(&stranger),
        &target,
        &[],
    ));
    assert!(m.contains("no access key for pipeline"), "{m}");
    assert!(m.contains("dataset grant --task 1"), "says what to do: {m}");
    // The stranger claims the granted pipeline's address: the wrapped key does not open.
    let addr = labelchain::pipeline::pipeline_address(&granted_pub.parse().unwrap()).to_string();
    let v = version.to_string();
    let m = refused(as_pipeline(
        chain,
        tmp.path(),
        &[
            "dataset",
            "pull",
            "--task",
            "1",
            "--version",
            &v,
            "--key",
            s(&stranger),
            "--as",
            &addr,
            s(&target),
        ],
        &[],
    ));
    assert!(m.contains("not encrypted to"), "{m}");
    assert!(!target.exists());
    assert_eq!(
        leftovers(
            tmp.path(),
            &["export", "store", "granted.key", "stranger.key"]
        ),
        Vec::<String>::new()
    );
}

#[test]
fn a_tampered_object_is_refused_naming_it_and_nothing_is_written() {
    let (chain, _lock) = chain();
    let tmp = tempfile::tempdir().unwrap();
    let s3 = S3::start();
    let out = export(chain, tmp.path());
    let (key, pubkey) = keygen(chain, tmp.path(), "pipeline.key");
    let version = publish_to(chain, tmp.path(), &out, &s3.url(), true, &s3.env());
    grant(chain, tmp.path(), version, &pubkey);
    let prefix = format!("labelchain/task-1/v{version}");
    let object = format!("{prefix}/data/train-00000-of-00001.parquet.age");
    let mut bytes = s3.object(&object).expect("stored");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    s3.overwrite(&object, bytes.clone());
    let target = tmp.path().join("pulled");
    let m = refused(pull(
        chain,
        tmp.path(),
        version,
        Some(&key),
        &target,
        &s3.env(),
    ));
    assert!(
        m.contains("data/train-00000-of-00001.parquet.age"),
        "names the object: {m}"
    );

    // Also rewrite the CIPHERTEXT list to match: decryption's authentication refuses it.
    let list = s3.object(&format!("{prefix}/CIPHERTEXT")).expect("stored");
    let digest = alloy::hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    let list: String = String::from_utf8(list)
        .unwrap()
        .lines()
        .map(|l| {
            if l.ends_with("data/train-00000-of-00001.parquet.age") {
                format!("{digest}  data/train-00000-of-00001.parquet.age\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    s3.overwrite(&format!("{prefix}/CIPHERTEXT"), list.into_bytes());
    let m = refused(pull(
        chain,
        tmp.path(),
        version,
        Some(&key),
        &target,
        &s3.env(),
    ));
    assert!(
        m.to_lowercase().contains("tampered") || m.contains("authentic"),
        "{m}"
    );
    assert!(!target.exists());
    assert_eq!(
        leftovers(tmp.path(), &["export", "pipeline.key"]),
        Vec::<String>::new()
    );
}

#[test]
fn a_version_pulls_from_a_local_directory_plain_or_encrypted_and_the_mode_is_checked() {
    let (chain, _lock) = chain();
    let tmp = tempfile::tempdir().unwrap();
    let out = export(chain, tmp.path());
    let (key, pubkey) = keygen(chain, tmp.path(), "pipeline.key");
    let store = tmp.path().join("store");
    let plain = publish_to(chain, tmp.path(), &out, s(&store), false, &[]);
    let list = ok_json(as_pipeline(
        chain,
        tmp.path(),
        &["dataset", "list", "--task", "1"],
        &[],
    ));
    let uri = list
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["version"] == plain)
        .unwrap()["uri"]
        .clone();
    assert_eq!(
        uri,
        format!("file://{}/task-1/v{plain}", store.display()).as_str(),
        "a path is recorded as an absolute file:// URI"
    );
    let got = tmp.path().join("plain");
    ok_json(pull(chain, tmp.path(), plain, None, &got, &[]));
    assert_same_files(&out, &got);
    let m = refused(pull(
        chain,
        tmp.path(),
        plain,
        Some(&key),
        &tmp.path().join("x"),
        &[],
    ));
    assert!(m.contains("not encrypted"), "{m}");

    let enc = publish_to(
        chain,
        tmp.path(),
        &out,
        &format!("file://{}", store.display()),
        true,
        &[],
    );
    let m = refused(pull(
        chain,
        tmp.path(),
        enc,
        None,
        &tmp.path().join("x"),
        &[],
    ));
    assert!(m.contains("--key"), "{m}");
    grant(chain, tmp.path(), enc, &pubkey);
    let got = tmp.path().join("decrypted");
    ok_json(pull(chain, tmp.path(), enc, Some(&key), &got, &[]));
    assert_same_files(&out, &got);
    assert!(!tmp.path().join("x").exists());
}

#[test]
fn a_plain_object_changed_in_the_store_is_refused_against_the_chains_hash() {
    let (chain, _lock) = chain();
    let tmp = tempfile::tempdir().unwrap();
    let out = export(chain, tmp.path());
    let store = tmp.path().join("store");
    let version = publish_to(chain, tmp.path(), &out, s(&store), false, &[]);
    // Both a file and its MANIFEST line rewritten: only the chain's fileHash catches it.
    let dir = store.join(format!("task-1/v{version}"));
    let card = dir.join("README.md");
    let text = std::fs::read_to_string(&card)
        .unwrap()
        .replace("Labelchain", "Iabelchain");
    std::fs::write(&card, &text).unwrap();
    let digest = alloy::hex::encode(<sha2::Sha256 as sha2::Digest>::digest(text.as_bytes()));
    let manifest = std::fs::read_to_string(dir.join("MANIFEST")).unwrap();
    let manifest: String = manifest
        .lines()
        .map(|l| {
            if l.ends_with("  README.md") {
                format!("{digest}  README.md\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(dir.join("MANIFEST"), manifest).unwrap();
    let target = tmp.path().join("pulled");
    let m = refused(pull(chain, tmp.path(), version, None, &target, &[]));
    assert!(m.contains("MANIFEST"), "{m}");
    assert!(!target.exists());
    assert_eq!(
        leftovers(tmp.path(), &["export", "store"]),
        Vec::<String>::new()
    );
}

#[test]
fn revocation_is_a_new_version_with_a_new_key_granted_to_the_pipelines_that_keep_access() {
    let (chain, _lock) = chain();
    let tmp = tempfile::tempdir().unwrap();
    let out = export(chain, tmp.path());
    let store = tmp.path().join("store");
    let (a_key, a_pub) = keygen(chain, tmp.path(), "a.key");
    let (b_key, b_pub) = keygen(chain, tmp.path(), "b.key");
    let v1 = publish_to(chain, tmp.path(), &out, s(&store), true, &[]);
    grant(chain, tmp.path(), v1, &a_pub);
    grant(chain, tmp.path(), v1, &b_pub);
    // A is revoked: v2 under a new data key, granted to B only.
    let v2 = publish_to(chain, tmp.path(), &out, s(&store), true, &[]);
    grant(chain, tmp.path(), v2, &b_pub);
    ok_json(pull(
        chain,
        tmp.path(),
        v2,
        Some(&b_key),
        &tmp.path().join("b2"),
        &[],
    ));
    let m = refused(pull(
        chain,
        tmp.path(),
        v2,
        Some(&a_key),
        &tmp.path().join("a2"),
        &[],
    ));
    assert!(
        m.contains(&format!("version {v1}, not task 1 version {v2}")),
        "{m}"
    );
    // What A was given it keeps: v1 still opens with its key.
    ok_json(pull(
        chain,
        tmp.path(),
        v1,
        Some(&a_key),
        &tmp.path().join("a1"),
        &[],
    ));
    let k1 = std::fs::read(
        chain
            .deployments()
            .join(format!("keys/412346/task-1-v{v1}.key")),
    )
    .unwrap();
    let k2 = std::fs::read(
        chain
            .deployments()
            .join(format!("keys/412346/task-1-v{v2}.key")),
    )
    .unwrap();
    assert_ne!(k1, k2, "each version has its own data key");
    assert!(!tmp.path().join("a2").exists());
}

#[test]
fn bad_stores_are_refused_before_anything_is_published() {
    let (chain, _lock) = chain();
    let tmp = tempfile::tempdir().unwrap();
    let out = export(chain, tmp.path());
    let count = || {
        let l = ok_json(as_pipeline(
            chain,
            tmp.path(),
            &["dataset", "list", "--task", "1"],
            &[],
        ));
        l.as_array().unwrap().len()
    };
    let before = count();
    let m = refused(as_requester(
        chain,
        tmp.path(),
        &["dataset", "publish", s(&out), "--store", "ftp://host/x"],
        &[],
    ));
    assert!(m.contains("unknown storage scheme"), "{m}");
    let m = refused(as_requester(
        chain,
        tmp.path(),
        &["dataset", "publish", s(&out), "--store", "s3://bucket/x"],
        &[],
    ));
    assert!(m.contains("AWS_ACCESS_KEY_ID"), "{m}");
    let dead = format!("http://127.0.0.1:{}", servers::free_port());
    let env = vec![
        ("AWS_ACCESS_KEY_ID", "k".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "s".to_owned()),
        ("AWS_ENDPOINT_URL", dead),
    ];
    let m = refused(as_requester(
        chain,
        tmp.path(),
        &[
            "dataset",
            "publish",
            s(&out),
            "--store",
            "s3://bucket/x",
            "--encrypt",
        ],
        &env,
    ));
    assert!(m.contains("unreachable"), "{m}");
    let m = refused(as_requester(
        chain,
        tmp.path(),
        &[
            "dataset",
            "publish",
            s(&out),
            "--store",
            "./s",
            "--trigger",
            "gopher://x",
        ],
        &[],
    ));
    assert!(m.to_lowercase().contains("target"), "{m}");
    assert_eq!(count(), before, "nothing was published");
    assert!(
        !tmp.path().join("s").exists(),
        "nothing uploaded for a bad trigger target"
    );
}

#[test]
fn labelchain_trigger_starts_an_mlflow_run_tagged_with_the_published_version() {
    let (chain, _lock) = chain();
    let tmp = tempfile::tempdir().unwrap();
    let out = export(chain, tmp.path());
    let store = tmp.path().join("store");
    let version = publish_to(chain, tmp.path(), &out, s(&store), false, &[]);
    let server = trigger_support::mlflow();
    let target = format!("mlflow+{}#labelchain-e2e", server.uri);
    let log = tmp.path().join("triggers.jsonl");
    let v = version.to_string();
    let args = [
        "trigger",
        "--task",
        "1",
        "--version",
        &v,
        "--trigger",
        &target,
        "--trigger-log",
        s(&log),
    ];
    let done = ok_json(as_requester(chain, tmp.path(), &args, &[]));
    let run_id = done[0]["delivery"]["run_id"].as_str().unwrap().to_owned();
    let list = ok_json(as_pipeline(
        chain,
        tmp.path(),
        &["dataset", "list", "--task", "1"],
        &[],
    ));
    let published = list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["version"] == version)
        .unwrap()
        .clone();

    // What MLflow's own client reads back.
    let runs = server.check("labelchain-e2e")["runs"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(runs.len(), 1, "{runs:?}");
    let run = &runs[0];
    assert_eq!(run["run_id"], run_id.as_str());
    let tags = &run["tags"];
    assert_eq!(tags["labelchain.version"], v.as_str());
    assert_eq!(tags["labelchain.publish_tx"], published["tx"]);
    assert_eq!(tags["labelchain.file_hash"], published["fileHash"]);
    assert_eq!(tags["labelchain.uri"], published["uri"]);
    assert!(tags["labelchain.start_time"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert_eq!(run["inputs"][0]["name"], "labelchain-task-1");

    // Again: the same idempotency key, so the same run; both logged.
    let again = ok_json(as_requester(chain, tmp.path(), &args, &[]));
    assert_eq!(again[0]["delivery"]["run_id"], run_id.as_str());
    assert_eq!(
        server.check("labelchain-e2e")["runs"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let lines = jsonl(&log);
    assert_eq!(lines.len(), 2);
    assert!(lines
        .iter()
        .all(|l| l["outcome"] == "delivered" && l["publish_tx"] == published["tx"]));
}

#[test]
fn a_webhook_answering_500_is_retried_logged_and_fails_the_command_after_the_publish() {
    let (chain, _lock) = chain();
    let tmp = tempfile::tempdir().unwrap();
    let out = export(chain, tmp.path());
    let receiver = Receiver::start(
        SECRET,
        Script {
            fail: 100,
            ..Script::default()
        },
    );
    let log = tmp.path().join("triggers.jsonl");
    let secret = tmp.path().join("secret");
    std::fs::write(&secret, [SECRET, b"\n"].concat()).unwrap();
    let store = tmp.path().join("store");
    let (ok, stdout, _) = as_requester(
        chain,
        tmp.path(),
        &[
            "dataset",
            "publish",
            s(&out),
            "--store",
            s(&store),
            "--trigger",
            &receiver.url,
            "--webhook-secret-file",
            s(&secret),
            "--trigger-log",
            s(&log),
            "--trigger-attempts",
            "2",
        ],
        &[],
    );
    assert!(!ok, "the trigger failed: {stdout}");
    let m = refused((ok, stdout, String::new()));
    assert!(m.contains("failed after 2 attempt(s) (HTTP 500)"), "{m}");
    assert!(
        m.contains("labelchain trigger"),
        "says how to deliver again: {m}"
    );
    let lines = jsonl(&log);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["outcome"], "failed");
    assert_eq!(lines[0]["status"], 500);
    assert!(lines[0]["response"]
        .as_str()
        .unwrap()
        .contains("simulated failure"));
    assert_eq!(receiver.requests().len(), 2, "retried once");
    assert!(
        receiver
            .requests()
            .iter()
            .all(|r| r["signature_valid"] == true),
        "the secret file's newline is not part of the key"
    );
}

#[test]
fn a_version_on_ipfs_is_recorded_by_its_cid_and_pulled_by_a_granted_pipeline() {
    let (chain, _lock) = chain();
    let tmp = tempfile::tempdir().unwrap();
    let node = servers::ipfs_node();
    let env = vec![("IPFS_API_URL", node.server.endpoint.clone())];
    let out = export(chain, tmp.path());
    let (key, pubkey) = keygen(chain, tmp.path(), "pipeline.key");
    let p = ok_json(as_requester(
        chain,
        tmp.path(),
        &[
            "dataset",
            "publish",
            s(&out),
            "--store",
            "ipfs://",
            "--encrypt",
        ],
        &env,
    ));
    let version = p["version"].as_u64().unwrap();
    let uri = p["stored"]["uri"].as_str().unwrap().to_owned();
    assert!(
        uri.starts_with("ipfs://bafkrei"),
        "a CIDv1 (raw, sha2-256) of the index: {uri}"
    );
    grant(chain, tmp.path(), version, &pubkey);
    let got = tmp.path().join("pulled");
    let pl = ok_json(pull(chain, tmp.path(), version, Some(&key), &got, &env));
    assert_eq!(pl["uri"], uri.as_str(), "the chain's pointer");
    assert_same_files(&out, &got);
    // The same export published again: every object is already on the node.
    let again = ok_json(as_requester(
        chain,
        tmp.path(),
        &["dataset", "publish", s(&out), "--store", "ipfs://"],
        &env,
    ));
    let plain = again["version"].as_u64().unwrap();
    let got = tmp.path().join("plain");
    ok_json(pull(chain, tmp.path(), plain, None, &got, &env));
    assert_same_files(&out, &got);
}

#[test]
fn a_failed_encrypted_upload_resumes_with_the_same_key_and_ciphertext() {
    let (chain, _lock) = chain();
    let tmp = tempfile::tempdir().unwrap();
    let out = export(chain, tmp.path());
    let server = servers::moto();
    let s3 = S3 {
        server,
        bucket: "not-yet".into(),
    };
    let args = [
        "dataset",
        "publish",
        s(&out),
        "--store",
        "s3://not-yet/labelchain",
        "--encrypt",
    ];
    let m = refused(as_requester(chain, tmp.path(), &args, &s3.env()));
    assert!(
        m.contains("the bucket of `s3://not-yet/labelchain` does not exist"),
        "{m}"
    );
    let staged = std::fs::read_dir(chain.deployments().join("staging/412346"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("encrypted/CIPHERTEXT").exists())
        .expect("the ciphertext is kept for the rerun");
    let ciphertext = std::fs::read_to_string(staged.join("encrypted/CIPHERTEXT")).unwrap();

    assert_eq!(
        servers::http("PUT", &format!("{}/not-yet", s3.server.endpoint), vec![]),
        200
    );
    let p = ok_json(as_requester(chain, tmp.path(), &args, &s3.env()));
    let version = p["version"].as_u64().unwrap();
    assert!(staged.ends_with(format!("task-1-v{version}")), "{staged:?}");
    let stored = s3
        .object(&format!("labelchain/task-1/v{version}/CIPHERTEXT"))
        .expect("uploaded");
    assert_eq!(
        String::from_utf8(stored).unwrap(),
        ciphertext,
        "the same ciphertext, not a new encryption"
    );
    assert!(
        !staged.exists(),
        "the staging is removed once the version is on chain"
    );
}

#[test]
fn a_version_on_gcs_is_pulled_by_a_granted_pipeline() {
    let (chain, _lock) = chain();
    let tmp = tempfile::tempdir().unwrap();
    let gcs = servers::fake_gcs_behind_proxy();
    let create = format!("{}/storage/v1/b", gcs.direct);
    assert_eq!(
        servers::http("POST", &create, br#"{"name":"datasets"}"#.to_vec()),
        200
    );
    let env = vec![("STORAGE_EMULATOR_HOST", gcs.endpoint.clone())];
    let out = export(chain, tmp.path());
    let (key, pubkey) = keygen(chain, tmp.path(), "pipeline.key");
    let p = ok_json(as_requester(
        chain,
        tmp.path(),
        &[
            "dataset",
            "publish",
            s(&out),
            "--store",
            "gs://datasets/labelchain",
            "--encrypt",
        ],
        &env,
    ));
    let version = p["version"].as_u64().unwrap();
    assert_eq!(
        p["stored"]["uri"],
        format!("gs://datasets/labelchain/task-1/v{version}").as_str()
    );
    grant(chain, tmp.path(), version, &pubkey);
    let got = tmp.path().join("pulled");
    ok_json(pull(chain, tmp.path(), version, Some(&key), &got, &env));
    assert_same_files(&out, &got);
    // Without the emulator's address there are no credentials: said, nothing written.
    let m = refused(pull(
        chain,
        tmp.path(),
        version,
        Some(&key),
        &tmp.path().join("x"),
        &[],
    ));
    assert!(m.contains("GOOGLE_APPLICATION_CREDENTIALS"), "{m}");
    assert!(!tmp.path().join("x").exists());
}
