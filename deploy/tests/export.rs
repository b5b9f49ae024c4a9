//! `labelchain dataset export` and `verify` against the devnode with the real programs:
//! `up`'s demo task labelled by its three labellers, exported, loaded by the real
//! `datasets`, pandas and pyarrow with the chain's labels; every kind of bad input or
//! tampering refused with the file, line, row or block range named and nothing written.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::chain::{export_args_with, ok_json, python_load, refused, Chain};
use common::proxy::{self, Action};
use common::{labelchain, run};
use devnode::rpc::{Node, NodeConfig};
use labelchain::commands::ops;
use labelchain::demo;
use labelchain::protocol::{ItemStatus, Quality};
use serde_json::Value;

/// One chain with all six demo items final, shared by the tests that only read it.
fn shared() -> &'static Chain {
    static CHAIN: OnceLock<Chain> = OnceLock::new();
    CHAIN.get_or_init(|| Chain::labelled(0..demo::items::COUNT))
}

fn entries(dir: &Path) -> Vec<String> {
    common::files(dir)
}

#[test]
fn the_demo_exports_and_python_loads_it_with_the_chains_labels_and_class_names() {
    let chain = shared();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("demo-dataset");
    let e = ok_json(chain.export(&out, &[]));
    assert_eq!(e["rows"], 6);
    assert_eq!(e["seq"], 6);

    // What the chain says, read with getItem (not through the export's event replay).
    let chain_items: Vec<labelchain::protocol::Item> = Chain::runtime().block_on(async {
        let conn = common::dev_conn(&chain.url).await;
        let a = ops::addresses(&conn, chain.deployments()).unwrap();
        let mut v = Vec::new();
        for i in 0..demo::items::COUNT {
            v.push(ops::item(&conn, &a, 1, i).await.unwrap());
        }
        v
    });
    let (manifest, _) = labelchain::manifest::Manifest::read(&chain.manifest()).unwrap();
    let doc = python_load(&out);
    let names = ["circle", "square", "triangle"];
    let features = &doc["configs"]["default"]["train"]["features"];
    assert_eq!(features["label"]["class_label"], serde_json::json!(names));
    for config in ["default", "jsonl", "json", "csv"] {
        let rows = doc["configs"][config]["train"]["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 6, "{config}");
        for (r, (it, m)) in rows.iter().zip(chain_items.iter().zip(manifest.items())) {
            assert_eq!(it.status, ItemStatus::Final);
            assert_eq!(r["label"], it.label, "{config} {r}");
            assert_eq!(r["label_name"], names[it.label as usize], "{config}");
            assert_eq!(r["tier"], it.quality.unwrap() as u8, "{config}");
            assert_eq!(
                (r["votes"].clone(), r["commits"].clone()),
                (it.votes.into(), it.commits.into())
            );
            assert_eq!(r["uri"], m.uri.as_str());
            assert_eq!(r["sha256"], alloy::hex::encode(m.sha256));
            assert_eq!(r["status"], "accepted");
        }
    }
    // The demo's story: every picture got its true shape; labeller 3 disagreed on item 1.
    let default = doc["configs"]["default"]["train"]["rows"]
        .as_array()
        .unwrap();
    for (i, r) in default.iter().enumerate() {
        assert_eq!(r["label"], demo::items::class_of(i as u32));
    }
    assert_eq!(
        (default[1]["votes"].clone(), default[1]["commits"].clone()),
        (2.into(), 3.into())
    );
    assert_eq!(default[1]["tier"], Quality::Standard as u8);
    assert_eq!(default[0]["tier"], Quality::Strong as u8);
}

/// tests/clients/load_dataset.py's document for `dir` (the real datasets, pandas, pyarrow).
#[test]
fn a_split_and_a_minimum_tier_select_rows_as_the_card_and_provenance_say() {
    let chain = shared();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("strong");
    let e = ok_json(chain.export(
        &out,
        &[
            "--min-tier",
            "strong",
            "--split",
            "50,25,25",
            "--split-seed",
            "7",
        ],
    ));
    assert_eq!(e["rows"], 5, "item 1 (2 of 3 agreed) is Standard: left out");
    let p: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("labelchain.json")).unwrap())
            .unwrap();
    assert_eq!(p["card"]["min_tier"], 2);
    let card = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(card.starts_with("---\n"), "YAML front matter");
    assert!(card.contains("class_label"), "{card}");
    let (ok, _, err) = chain.cli(tmp.path(), &["dataset", "verify", out.to_str().unwrap()]);
    assert!(ok, "{err}");
}

/// An export of the shared chain in a fresh directory, and a copy to tamper with.
fn exported() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ds");
    ok_json(shared().export(&out, &[]));
    (tmp, out)
}

fn verify(dir: &Path, extra: &[&str]) -> (bool, String, String) {
    let mut args = vec!["dataset", "verify", dir.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    shared().cli(dir.parent().unwrap(), &args)
}

/// Rewrites MANIFEST with every file's current hash, as a forger who edits files would.
fn rehash(dir: &Path) {
    let text = std::fs::read_to_string(dir.join("MANIFEST")).unwrap();
    let lines: String = text
        .lines()
        .map(|l| {
            let (_, path) = l.split_once("  ").unwrap();
            let h = labelchain::manifest::sha256_file(&dir.join(path)).unwrap();
            format!("{}  {path}\n", alloy::hex::encode(h))
        })
        .collect();
    std::fs::write(dir.join("MANIFEST"), lines).unwrap();
}

/// Replaces `from` by `to` once in the export's file `rel` and re-hashes MANIFEST, as a
/// forger would, so only the check against the chain can notice.
fn forge(dir: &Path, rel: &str, from: &str, to: &str) {
    let p = dir.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    let forged = text.replacen(from, to, 1);
    assert_ne!(forged, text, "{from:?} is not in {rel}: {text}");
    std::fs::write(&p, forged).unwrap();
    rehash(dir);
}

#[test]
fn verify_accepts_an_untouched_export() {
    let (_tmp, out) = exported();
    let v = ok_json(verify(
        &out,
        &[
            "--task",
            "1",
            "--manifest",
            shared().manifest().to_str().unwrap(),
        ],
    ));
    assert_eq!(v["rows"], 6);
    assert_eq!(v["files"], 4);
}

#[test]
fn verify_names_a_file_with_one_changed_byte() {
    let (_tmp, out) = exported();
    let p = out.join("data/train-00000-of-00001.parquet");
    let mut bytes = std::fs::read(&p).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&p, bytes).unwrap();
    let m = refused(verify(&out, &[]));
    assert!(m.contains("data/train-00000-of-00001.parquet"), "{m}");
}

#[test]
fn verify_names_a_removed_row_even_with_the_manifest_rehashed() {
    let (_tmp, out) = exported();
    let p = out.join("jsonl/train.jsonl");
    let text = std::fs::read_to_string(&p).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.contains("\"item\":3,"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(kept, text);
    std::fs::write(&p, kept).unwrap();
    rehash(&out);
    let m = refused(verify(&out, &[]));
    assert!(
        m.contains("jsonl/train.jsonl") && m.contains("item 3 is missing"),
        "{m}"
    );
}

#[test]
fn verify_names_a_swapped_label_even_with_the_manifest_rehashed() {
    let (_tmp, out) = exported();
    // Item 0 is a circle (label 0): call it a square.
    forge(
        &out,
        "csv/train.csv",
        ",accepted,0,circle,",
        ",accepted,1,square,",
    );
    let m = refused(verify(&out, &[]));
    assert!(m.contains("csv/train.csv row 1: item 0's label"), "{m}");
}

#[test]
fn verify_refuses_another_task_named_by_the_caller_or_in_a_forged_provenance() {
    let (_tmp, out) = exported();
    let m = refused(verify(&out, &["--task", "2"]));
    assert!(m.contains("task 1, not of task 2"), "{m}");
    forge(&out, "labelchain.json", "\"task\": 1,", "\"task\": 2,");
    let m = refused(verify(&out, &[]));
    assert!(m.contains("task 2"), "{m}");
}

#[test]
fn verify_refuses_an_export_of_another_chain() {
    let (_tmp, out) = exported();
    let other = Node::start(NodeConfig {
        port: 0,
        chain_id: 412_347,
        ..NodeConfig::default()
    })
    .unwrap();
    let mut c = labelchain(out.parent().unwrap());
    c.args([
        "dataset",
        "verify",
        out.to_str().unwrap(),
        "--json",
        "--network",
        "custom",
    ])
    .args(["--rpc-url", other.url(), "--deployments"])
    .arg(shared().deployments());
    let m = refused(run(&mut c));
    assert!(
        m.contains("chain 412346") && m.contains("chain 412347"),
        "{m}"
    );
    other.shutdown();
}

/// Writes `lines` as a manifest next to `dir` and exports with it: refused, nothing written.
fn export_with_manifest(text: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("bad.jsonl");
    std::fs::write(&m, text).unwrap();
    let args = export_args_with(&m, &tmp.path().join("ds"), &[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let msg = refused(shared().cli(tmp.path(), &args));
    assert_eq!(entries(tmp.path()), ["bad.jsonl"], "nothing written: {msg}");
    msg
}

#[test]
fn a_manifest_line_failing_its_proof_a_duplicate_or_missing_item_is_named_and_nothing_written() {
    let good = std::fs::read_to_string(shared().manifest()).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    // Line 3's content hash changed; its proof (and every other line) left alone.
    let sha = serde_json::from_str::<Value>(lines[2]).unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let tampered = good.replace(&sha, &"00".repeat(32));
    let m = export_with_manifest(&tampered);
    assert!(m.contains("line 3") && m.contains("proof"), "{m}");
    let dup = format!("{}\n{}\n", lines[0], lines[0]);
    let m = export_with_manifest(&dup);
    assert!(
        m.contains("line 2") && m.contains("index 0 was already given"),
        "{m}"
    );
    let short: String = lines[..5].iter().map(|l| format!("{l}\n")).collect();
    let m = export_with_manifest(&short);
    assert!(m.contains("5 items, but the task has 6"), "{m}");
    let tmp = tempfile::tempdir().unwrap();
    let args = export_args_with(Path::new("missing.jsonl"), Path::new("ds"), &[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let m = refused(shared().cli(tmp.path(), &args));
    assert!(m.contains("missing.jsonl"), "{m}");
    assert!(entries(tmp.path()).is_empty());
}

/// The export through a proxy in front of the shared chain: the refusal and what was
/// left in the directory.
fn export_via(rule: Box<proxy::Rule>, extra: &[&str]) -> (String, Vec<String>) {
    let p = proxy::start(&shared().url, rule);
    let tmp = tempfile::tempdir().unwrap();
    let args = shared().export_args(&tmp.path().join("ds"), extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let m = refused(shared().cli_via(&p.url, tmp.path(), &args));
    (m, entries(tmp.path()))
}

#[test]
fn an_export_refuses_events_a_lying_rpc_altered_and_writes_nothing() {
    // The RPC changes the label in the first ItemFinalized it serves (data word 0).
    let rule = |req: &Value, _: usize| -> Action {
        if proxy::method(req) != "eth_getLogs" {
            return Action::Forward;
        }
        Action::Rewrite(Box::new(|v: &mut Value| {
            let finalized = alloy::primitives::keccak256(
                "ItemFinalized(uint64,uint32,uint8,uint8,uint8,uint8,uint32,bytes32)",
            )
            .to_string();
            if let Some(log) = v["result"].as_array_mut().and_then(|logs| {
                logs.iter_mut()
                    .find(|l| l["topics"][0] == finalized.as_str())
            }) {
                let data = log["data"].as_str().unwrap().to_owned();
                // Word 0 is the label: 0x + 64 hex; flip its last digit.
                let mut d: Vec<char> = data.chars().collect();
                d[65] = if d[65] == '0' { '1' } else { '0' };
                log["data"] = Value::String(d.into_iter().collect());
            }
        }))
    };
    let (m, left) = export_via(Box::new(rule), &[]);
    assert!(m.contains("digest"), "{m}");
    assert!(left.is_empty(), "nothing written: {left:?}");
}

#[test]
fn an_rpc_that_drops_out_mid_export_is_named_by_block_range_and_nothing_is_written() {
    // Pages of 10 blocks; after the first page the RPC stops answering eth_getLogs.
    let pages = std::sync::atomic::AtomicUsize::new(0);
    let rule = move |req: &Value, _: usize| -> Action {
        if proxy::method(req) != "eth_getLogs" {
            return Action::Forward;
        }
        // The first eth_getLogs is `task show`'s read of TaskCreated; the second the
        // export's first page.
        if pages.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 2 {
            Action::Forward
        } else {
            Action::Drop
        }
    };
    let (m, left) = export_via(Box::new(rule), &["--page-blocks", "10"]);
    // The scan starts at the deployment's first block, not at block 0.
    let (_, _, a) = labelchain::state::load_deployed(shared().deployments(), 412346).unwrap();
    assert!(
        a.deployed_at > 0,
        "the deployment records its programs' blocks"
    );
    let second_page = a.deployed_at + 10;
    assert!(
        m.contains(&format!(
            "could not read the logs of blocks {second_page}..="
        )),
        "{m}"
    );
    assert!(left.is_empty(), "nothing written: {left:?}");
}

#[test]
fn publish_refuses_an_export_the_chain_moved_past_and_lists_what_it_published() {
    let chain = Chain::labelled(0..4);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ds");
    let e = ok_json(chain.export(&out, &["--all"]));
    assert_eq!(e["rows"], 6);
    assert_eq!(e["seq"], 4);
    let p: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("labelchain.json")).unwrap())
            .unwrap();
    assert_eq!(p["stats"]["statuses"]["open"], 2, "{p}");
    chain.finalize(4..6);
    let requester = demo::key_hex(&demo::requester());
    let publish = |dir: &Path| {
        chain.cli(
            tmp.path(),
            &[
                "dataset",
                "publish",
                dir.to_str().unwrap(),
                "--uri",
                "file:///datasets/demo",
                "--private-key",
                &requester,
                "--json",
            ],
        )
    };
    let m = refused(publish(&out));
    assert!(m.contains("dataset export --task 1"), "{m}");
    // Still verifiable: the chain reached its digest, two more items are final since.
    let v = ok_json(chain.cli(
        tmp.path(),
        &["dataset", "verify", out.to_str().unwrap(), "--json"],
    ));
    assert_eq!(v["chainSeqNow"], 6);
    ok_json(chain.export(&out, &["--force"]));
    let published = ok_json(publish(&out));
    assert_eq!(
        published["version"], 0,
        "versions count from 0, as the registry numbers them"
    );
    let list = ok_json(chain.cli(tmp.path(), &["dataset", "list", "--task", "1", "--json"]));
    let text = list.to_string();
    let hash = std::fs::read(out.join("MANIFEST")).unwrap();
    let hash = alloy::hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&hash));
    assert!(
        text.contains(&hash),
        "the MANIFEST's sha256 is the fileHash: {text}"
    );
    assert!(text.contains("file:///datasets/demo"), "{text}");
}
