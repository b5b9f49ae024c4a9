//! Item manifests: `labelchain dataset manifest` over files, reading one back with every
//! line checked, the dataRoot and proofs against OpenZeppelin's own `merkle-tree` library,
//! and `task create --manifest --classes` on the devnode.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use alloy::primitives::{keccak256, B256};
use labelchain::bindings::IDatasetRegistry;
use labelchain::manifest::{merkle, LineProblem, Manifest, ManifestError};
use serde_json::Value;

use common::*;

/// `data/` with three files, one in a subdirectory, given out of path order.
fn dataset(root: &Path) -> PathBuf {
    let d = root.join("data");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("b.png"), b"not really a png").unwrap();
    std::fs::write(d.join("sub/c.bin"), vec![7u8; 200_000]).unwrap();
    std::fs::write(d.join("a.txt"), b"hello").unwrap();
    d
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_directory_manifest_indexes_files_by_relative_path_with_their_sha256_and_media_type() {
    let tmp = tempfile::tempdir().unwrap();
    dataset(tmp.path());
    let (ok, out, err) = run(labelchain(tmp.path()).args([
        "dataset",
        "manifest",
        "data",
        "--out",
        "m.jsonl",
        "--uri-prefix",
        "ipfs://cid/",
        "--json",
    ]));
    assert!(ok, "{err}");
    let l = lines(&tmp.path().join("m.jsonl"));
    assert_eq!(l.len(), 3);
    assert_eq!(l[0]["index"], 0);
    assert_eq!(l[0]["uri"], "ipfs://cid/a.txt");
    // `printf hello | sha256sum`
    assert_eq!(
        l[0]["sha256"],
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    assert_eq!(l[0]["mediaType"], "text/plain");
    assert_eq!(l[1]["uri"], "ipfs://cid/b.png");
    assert_eq!(l[1]["mediaType"], "image/png");
    assert_eq!(l[2]["uri"], "ipfs://cid/sub/c.bin");
    assert!(l[2].get("mediaType").is_none(), "unknown extension: none");

    let v: Value = serde_json::from_str(&out).unwrap();
    let (m, _) = Manifest::read(&tmp.path().join("m.jsonl")).unwrap();
    assert_eq!(v["items"], 3);
    assert_eq!(v["dataRoot"], m.data_root().to_string());
    let leaves: Vec<B256> = m.items().iter().map(|i| i.leaf()).collect();
    assert_eq!(merkle::Tree::new(&leaves).unwrap().root(), m.data_root());
    for item in m.items() {
        let proof = item.proof.as_ref().expect("a proof on every line");
        assert!(merkle::verify(m.data_root(), item.leaf(), proof));
    }
}

#[test]
fn each_line_is_checked_against_the_root_by_its_proof_and_a_changed_line_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    dataset(tmp.path());
    let path = tmp.path().join("m.jsonl");
    let (ok, _, err) =
        run(labelchain(tmp.path()).args(["dataset", "manifest", "data", "--out", "m.jsonl"]));
    assert!(ok, "{err}");
    let (m, _) = Manifest::read(&path).unwrap();
    let root = m.data_root();
    m.check_against(&path, 3, root)
        .expect("the manifest's own root");

    // Line 2's content hash changed: that line, and only it, fails its proof.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut l: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    l[1]["sha256"] = Value::String("11".repeat(32));
    let tampered: String = l.iter().map(|v| format!("{v}\n")).collect();
    std::fs::write(&path, &tampered).unwrap();
    let (bad, _) = Manifest::read(&path).unwrap();
    match bad.check_against(&path, 3, root) {
        Err(ManifestError::ProofFails {
            line: 2, index: 1, ..
        }) => {}
        other => panic!("line 2 should be named: {other:?}"),
    }
    // Without proofs the change is still caught, by the whole tree's root.
    for v in &mut l {
        v.as_object_mut().unwrap().remove("proof");
    }
    std::fs::write(
        &path,
        l.iter().map(|v| format!("{v}\n")).collect::<String>(),
    )
    .unwrap();
    let (bare, _) = Manifest::read(&path).unwrap();
    assert!(matches!(
        bare.check_against(&path, 3, root),
        Err(ManifestError::RootMismatch { .. })
    ));
    assert!(matches!(
        m.check_against(&path, 4, root),
        Err(ManifestError::CountMismatch {
            found: 3,
            expected: 4,
            ..
        })
    ));
}

#[test]
fn the_same_files_give_the_same_bytes_and_the_output_never_lists_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let d = dataset(tmp.path());
    let out = d.join("manifest.jsonl");
    let once = || {
        let (ok, _, err) = run(labelchain(tmp.path())
            .args(["dataset", "manifest", "data", "--out"])
            .arg(&out));
        assert!(ok, "{err}");
        std::fs::read(&out).unwrap()
    };
    let first = once();
    assert_eq!(first, once(), "a rerun, with the manifest now inside data/");
    assert_eq!(lines(&out).len(), 3);
    assert!(
        files(&d).iter().all(|f| !f.contains(".tmp-")),
        "no temporary file left: {:?}",
        files(&d)
    );
}

#[test]
fn an_unreadable_input_is_named_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let d = dataset(tmp.path());
    std::os::unix::fs::symlink(tmp.path().join("gone"), d.join("dangling.jpg")).unwrap();
    let (ok, _, err) =
        run(labelchain(tmp.path()).args(["dataset", "manifest", "data", "--out", "m.jsonl"]));
    assert!(!ok);
    assert!(err.contains("dangling.jpg"), "{err}");
    let (ok, out, _) = run(labelchain(tmp.path()).args([
        "dataset", "manifest", "missing", "--out", "m.jsonl", "--json",
    ]));
    assert!(!ok);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["kind"], "manifest");
    assert!(v["error"]["message"].as_str().unwrap().contains("missing"));
    assert_eq!(files(tmp.path()), ["data"], "no manifest written");
}

/// Reads `text` as a manifest file and returns the refusal.
fn refused(text: &str) -> ManifestError {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("m.jsonl");
    std::fs::write(&p, text).unwrap();
    Manifest::read(&p).expect_err("refused")
}

const H: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

fn line(index: u32) -> String {
    format!("{{\"index\":{index},\"uri\":\"x{index}\",\"sha256\":\"{H}\"}}\n")
}

#[test]
fn a_bad_manifest_line_is_refused_naming_its_line() {
    let at = |e: &ManifestError| match e {
        ManifestError::Line { line, .. } => *line,
        other => panic!("not a line error: {other}"),
    };
    let dup = refused(&[line(0), line(1), line(1)].concat());
    assert!(matches!(
        dup,
        ManifestError::Line {
            line: 3,
            problem: LineProblem::Duplicate {
                index: 1,
                first_line: 2
            },
            ..
        }
    ));
    assert!(dup.to_string().contains("line 3"), "{dup}");
    let gap = refused(&[line(0), line(2)].concat());
    assert!(matches!(
        gap,
        ManifestError::Line {
            problem: LineProblem::OutOfOrder {
                expected: 1,
                found: 2
            },
            ..
        }
    ));
    let bad_hex = refused(&[line(0), line(1).replace(&H[..2], "zz")].concat());
    assert_eq!(at(&bad_hex), 2);
    assert!(bad_hex.to_string().contains("64 hex digits"), "{bad_hex}");
    let short = refused(&line(0).replace(H, &H[..62]));
    assert_eq!(at(&short), 1);
    let unknown = refused(&line(0).replace("\"uri\"", "\"label\":1,\"uri\""));
    assert_eq!(at(&unknown), 1);
    assert!(unknown.to_string().contains("label"), "{unknown}");
    let blank = refused(&[line(0), "\n".into(), line(1)].concat());
    assert!(matches!(
        blank,
        ManifestError::Line {
            line: 2,
            problem: LineProblem::Blank,
            ..
        }
    ));
    assert!(matches!(refused(""), ManifestError::Empty(_)));
}

fn item(index: u32) -> labelchain::manifest::Item {
    labelchain::manifest::Item {
        index,
        uri: format!("mem://{index}"),
        sha256: keccak256(index.to_be_bytes()),
        media_type: None,
        metadata: None,
        proof: None,
    }
}

#[test]
fn a_manifest_made_in_memory_is_held_to_the_rules_of_a_file_and_writes_what_reads_back() {
    let m = Manifest::from_items((0..5).map(item).collect()).expect("indices 0..5");
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("m.jsonl");
    m.write_atomic(&p).unwrap();
    let (back, _) = Manifest::read(&p).unwrap();
    assert_eq!(back, m);
    assert_eq!(back.data_root(), m.data_root());

    let gap = Manifest::from_items(vec![item(0), item(2)]).expect_err("a gap");
    assert!(matches!(
        gap,
        ManifestError::Item {
            position: 1,
            problem: LineProblem::OutOfOrder {
                expected: 1,
                found: 2
            }
        }
    ));
    let dup = Manifest::from_items(vec![item(0), item(1), item(1)]).expect_err("a repeat");
    assert!(matches!(
        dup,
        ManifestError::Item {
            position: 2,
            problem: LineProblem::Duplicate { index: 1, .. }
        }
    ));
    assert!(matches!(
        Manifest::from_items(Vec::new()),
        Err(ManifestError::NoItems)
    ));
}

fn clients_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/clients")
}

/// Root and every proof of OpenZeppelin's `StandardMerkleTree` for these leaves.
fn openzeppelin(values: &[(u32, B256)]) -> (B256, Vec<Vec<B256>>) {
    let script = clients_dir().join("oz-merkle.mjs");
    assert!(
        clients_dir()
            .join("node_modules/@openzeppelin/merkle-tree")
            .is_dir(),
        "run `npm ci --prefix tests/clients` first"
    );
    let arg: Vec<(String, String)> = values
        .iter()
        .map(|(i, h)| (i.to_string(), h.to_string()))
        .collect();
    let out = Command::new("node")
        .arg(script)
        .arg(serde_json::to_string(&arg).unwrap())
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let parse = |x: &Value| x.as_str().unwrap().parse::<B256>().unwrap();
    let proofs = v["proofs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_array().unwrap().iter().map(parse).collect())
        .collect();
    (parse(&v["root"]), proofs)
}

#[test]
fn roots_and_proofs_match_openzeppelins_merkle_tree_library() {
    for n in [1u32, 2, 3, 7, 64] {
        let values: Vec<(u32, B256)> = (0..n)
            .map(|i| (i, keccak256(format!("content {i} of {n}"))))
            .collect();
        let leaves: Vec<B256> = values
            .iter()
            .map(|(i, h)| merkle::leaf((*i).into(), *h))
            .collect();
        let tree = merkle::Tree::new(&leaves).unwrap();
        let (root, proofs) = openzeppelin(&values);
        assert_eq!(tree.root(), root, "{n} items");
        for (k, want) in proofs.iter().enumerate() {
            let ours = tree.proof(k).unwrap();
            assert_eq!(&ours, want, "{n} items, item {k}");
            assert!(merkle::verify(root, leaves[k], &ours));
        }
    }
}

#[test]
fn task_create_with_a_manifest_sets_the_root_and_count_and_records_class_names() {
    let node = node();
    let url = node.url().to_owned();
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    dataset(d);
    let (ok, _, err) = run(labelchain(d).args(["deploy", "--rpc-url", &url]));
    assert!(ok, "{err}");
    let (ok, out, err) =
        run(labelchain(d).args(["dataset", "manifest", "data", "--out", "m.jsonl", "--json"]));
    assert!(ok, "{err}");
    let built: Value = serde_json::from_str(&out).unwrap();
    let create = |extra: &[&str]| {
        run(labelchain(d)
            .args(["task", "create", "--manifest", "m.jsonl", "--rpc-url", &url])
            .args(extra))
    };

    // Flags that disagree with the manifest, or would drop the class names: refused
    // before anything is sent.
    let (ok, _, err) = create(&["--items", "4"]);
    assert!(!ok);
    assert!(
        err.contains("--items 4 disagrees with the manifest's 3"),
        "{err}"
    );
    let (ok, _, err) = create(&["--classes", "cat,dog", "--metadata-uri", "ipfs://x"]);
    assert!(!ok);
    assert!(err.contains("--metadata-uri"), "{err}");
    std::fs::write(d.join("bad.jsonl"), [line(0), line(0)].concat()).unwrap();
    let (ok, _, err) = run(labelchain(d).args([
        "task",
        "create",
        "--manifest",
        "bad.jsonl",
        "--rpc-url",
        &url,
    ]));
    assert!(!ok);
    assert!(err.contains("bad.jsonl line 2"), "{err}");

    let (ok, out, err) = create(&["--classes", "cat,dog,bird", "--items", "3", "--json"]);
    assert!(ok, "{err}");
    let created: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(created["task"], 1, "the refusals created nothing");

    let (ok, out, err) =
        run(labelchain(d).args(["task", "show", "1", "--json", "--rpc-url", &url]));
    assert!(ok, "{err}");
    let t: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(t["dataRoot"], built["dataRoot"]);
    assert_eq!(t["itemCount"], 3);
    assert_eq!(t["numClasses"], 3);
    assert_eq!(t["classNames"], serde_json::json!(["cat", "dog", "bird"]));
    let meta =
        labelchain::manifest::metadata::TaskMetadata::from_uri(t["metadataUri"].as_str().unwrap())
            .expect("a data: URI");
    let sha = labelchain::manifest::sha256_file(&d.join("m.jsonl")).unwrap();
    assert_eq!(meta.manifest_sha256, Some(alloy::hex::encode(sha)));

    let (ok, out, _) = run(labelchain(d).args(["task", "show", "1", "--rpc-url", &url]));
    assert!(ok);
    assert!(out.contains("class names      cat, dog, bird"), "{out}");

    let (m, _) = Manifest::read(&d.join("m.jsonl")).unwrap();
    every_proof_verifies_on_chain(&url, &d.join("deployments"), &m);
}

/// The DatasetRegistry's own `verifyItem` accepts each item's proof for task 1 and refuses
/// it for other content.
fn every_proof_verifies_on_chain(url: &str, deployments: &Path, m: &Manifest) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let conn = dev_conn(url).await;
        let a = labelchain::commands::ops::addresses(&conn, deployments).unwrap();
        let reg = IDatasetRegistry::new(a.datasets, conn.provider.clone());
        let tree = m.tree();
        for (k, item) in m.items().iter().enumerate() {
            let proof = tree.proof(k).unwrap();
            let ok = reg.verifyItem(1, item.index, item.sha256, proof.clone());
            assert!(ok.call().await.unwrap(), "item {k}");
            let other = reg.verifyItem(1, item.index, keccak256(item.sha256), proof);
            assert!(!other.call().await.unwrap(), "item {k}, other content");
        }
    });
}
