//! An export through IPFS (kubo's RPC API), against the minimal content-addressed node
//! tests/clients/ipfs_server.py on loopback; every CID is checked with Python multiformats.

mod common;

use std::path::Path;

use labelchain_storage::{
    download_dir, download_dir_with, upload_dir, Backend, Cid, CidProblem, Codec, Error, Store,
    IPFS_API_VAR,
};

/// Above kubo's 256 KiB chunk (the minimal node still stores it as one raw block).
const BIG: usize = 300 << 10;

fn ipfs_store(url: &str, api: &str) -> Store {
    let api = api.to_owned();
    Store::from_url_with_env(url, move |k| (k == IPFS_API_VAR).then(|| api.clone()))
        .expect("ipfs store")
}

fn sha256(path: &Path) -> String {
    labelchain_dataset::file_sha256(path).expect("hash")
}

/// An uploaded export: the node, its work dir, the source dir and the URI recorded.
struct Uploaded {
    node: common::IpfsNode,
    work: tempfile::TempDir,
    uri: String,
}

fn uploaded() -> Uploaded {
    let node = common::ipfs_node();
    let work = tempfile::tempdir().expect("tempdir");
    let src = work.path().join("export");
    common::export(&src, BIG);
    let store = ipfs_store("ipfs://", &node.server.endpoint);
    let up = common::runtime()
        .block_on(upload_dir(&src, &store, "ignored/by/ipfs"))
        .expect("upload");
    Uploaded {
        node,
        work,
        uri: up.uri,
    }
}

/// What is left in `dir` besides `keep`: a refused download must leave nothing.
fn leftovers(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

#[test]
fn an_export_round_trips_through_ipfs_and_a_re_upload_sends_nothing() {
    let node = common::ipfs_node();
    let work = tempfile::tempdir().expect("tempdir");
    let src = work.path().join("export");
    common::export(&src, BIG);
    let store = ipfs_store("ipfs://", &node.server.endpoint);
    assert_eq!(store.backend(), Backend::Ipfs);
    let rt = common::runtime();

    let first = rt.block_on(upload_dir(&src, &store, "")).expect("upload");
    assert_eq!(first.sent.len(), 5, "{first:?}");
    assert_eq!(first.sent.last().map(String::as_str), Some("MANIFEST"));
    assert!(first.uri.starts_with("ipfs://bafkrei"), "{}", first.uri);

    let again = rt
        .block_on(upload_dir(&src, &store, ""))
        .expect("re-upload");
    assert!(again.sent.is_empty(), "{again:?}");
    assert_eq!(again.skipped.len(), 5);
    assert_eq!(again.bytes, 0);
    assert_eq!(again.uri, first.uri, "the same export has the same address");

    let at_root = ipfs_store(&first.uri, &node.server.endpoint);
    let out = work.path().join("out");
    let manifest_sha = sha256(&src.join("MANIFEST"));
    rt.block_on(download_dir_with(
        &at_root,
        "",
        &out,
        "MANIFEST",
        Some(&manifest_sha),
    ))
    .expect("download");
    assert_eq!(common::tree(&out), common::tree(&src));
}

#[test]
fn every_recorded_cid_is_the_multiformats_cid_of_its_bytes() {
    let up = uploaded();
    let src = up.work.path().join("export");
    let root = up.uri.strip_prefix("ipfs://").expect("ipfs uri");
    let (status, index) = common::post(&format!(
        "{}/api/v0/cat?arg={root}",
        up.node.server.endpoint
    ));
    assert_eq!(status, 200);
    let index_file = up.work.path().join("index");
    std::fs::write(&index_file, &index).expect("write index");
    let text = String::from_utf8(index).expect("utf-8 index");
    let (cids, paths): (Vec<&str>, Vec<&str>) = text
        .lines()
        .map(|l| l.split_once("  ").expect("<cid>  <path>"))
        .unzip();
    assert_eq!(
        paths,
        [
            "MANIFEST",
            "README.md",
            "data/big.bin",
            "data/test.csv",
            "data/train-00000-of-00001.jsonl"
        ],
        "every file and the manifest, sorted"
    );
    let files: Vec<_> = paths.iter().map(|p| src.join(p)).collect();
    assert_eq!(common::multiformats_cids(&files), cids);
    assert_eq!(common::multiformats_cids(&[index_file]), [root]);
}

#[test]
fn a_tampered_block_is_refused_by_name_and_nothing_is_left_behind() {
    let up = uploaded();
    let src = up.work.path().join("export");
    let cid = &common::multiformats_cids(&[src.join("data/test.csv")])[0];
    // The node now returns other bytes for that CID, as a faulty or malicious node would.
    std::fs::write(up.node.blocks.path().join(cid), "item,label\n0,0\n").expect("tamper");
    let store = ipfs_store(&up.uri, &up.node.server.endpoint);
    let out = up.work.path().join("out");
    let err = common::runtime()
        .block_on(download_dir(&store, "", &out))
        .expect_err("tampered");
    match err {
        Error::CidMismatch { file, expected, .. } => {
            assert_eq!(file, "data/test.csv");
            assert_eq!(&expected, cid);
        }
        other => panic!("expected a CID mismatch, got {other:?}"),
    }
    assert_eq!(leftovers(up.work.path(), &["export"]), Vec::<String>::new());
}

#[test]
fn a_wrong_expected_manifest_hash_is_refused_and_nothing_is_left_behind() {
    let up = uploaded();
    let store = ipfs_store("ipfs://", &up.node.server.endpoint);
    let root = up.uri.strip_prefix("ipfs://").expect("ipfs uri");
    let out = up.work.path().join("out");
    let wrong = "0".repeat(64);
    let err = common::runtime()
        .block_on(download_dir_with(
            &store,
            root,
            &out,
            "MANIFEST",
            Some(&wrong),
        ))
        .expect_err("wrong manifest");
    assert!(
        matches!(err, Error::HashMismatch { ref file, ref expected, .. }
            if file == "MANIFEST" && *expected == wrong),
        "{err:?}"
    );
    assert_eq!(leftovers(up.work.path(), &["export"]), Vec::<String>::new());
}

#[test]
fn an_unknown_cid_is_the_nodes_refusal_naming_it() {
    let node = common::ipfs_node();
    let absent = Cid::raw([7; 32]).to_string();
    let store = ipfs_store(&format!("ipfs://{absent}"), &node.server.endpoint);
    let work = tempfile::tempdir().expect("tempdir");
    let out = work.path().join("out");
    let err = common::runtime()
        .block_on(download_dir(&store, "", &out))
        .expect_err("unknown");
    assert!(
        matches!(err, Error::IpfsRefused { call: "cat", ref arg, status: 500, .. } if *arg == absent),
        "{err:?}"
    );
    assert!(!out.exists());
}

#[test]
fn a_cid_of_another_multibase_or_codec_is_refused() {
    let v0 = "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR";
    let err = Store::from_url_with_env(&format!("ipfs://{v0}"), |_| None).expect_err("CIDv0");
    assert!(
        matches!(
            err,
            Error::Cid {
                problem: CidProblem::Multibase('Q'),
                ..
            }
        ),
        "{err:?}"
    );
    // A dag-cbor CIDv1 (codec 0x71).
    let cbor = "bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
    let err = Store::from_url_with_env(&format!("ipfs://{cbor}"), |_| None).expect_err("cbor");
    assert!(
        matches!(
            err,
            Error::Cid {
                problem: CidProblem::Codec(0x71),
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn an_unreachable_ipfs_api_is_an_unreachable_error() {
    let api = format!("http://127.0.0.1:{}", common::free_port());
    let store = ipfs_store("ipfs://", &api);
    let work = tempfile::tempdir().expect("tempdir");
    common::export(work.path(), 10);
    let err = common::runtime()
        .block_on(upload_dir(work.path(), &store, ""))
        .expect_err("unreachable");
    assert!(
        matches!(err, Error::Unreachable { ref url, .. } if *url == api),
        "{err:?}"
    );
}

#[test]
fn a_file_above_kubos_chunk_has_a_dag_pb_cid_and_is_checked_by_its_sha256() {
    let node = common::ipfs_node_chunked();
    let work = tempfile::tempdir().expect("tempdir");
    let src = work.path().join("export");
    common::export(&src, 2 * common::KUBO_CHUNK + 5);
    let store = ipfs_store("ipfs://", &node.server.endpoint);
    let rt = common::runtime();
    let first = rt.block_on(upload_dir(&src, &store, "")).expect("upload");
    let root = first.uri.strip_prefix("ipfs://").expect("ipfs uri");
    let (_, index) = common::post(&format!("{}/api/v0/cat?arg={root}", node.server.endpoint));
    let index = String::from_utf8(index).expect("utf-8");
    let big = index
        .lines()
        .find_map(|l| l.strip_suffix("  data/big.bin"))
        .expect("big.bin in the index");
    assert_eq!(Cid::parse(big).expect("cid").codec(), Codec::DagPb);

    // Its CID cannot be computed without kubo's chunker: a re-upload sends it again, only it.
    let again = rt
        .block_on(upload_dir(&src, &store, ""))
        .expect("re-upload");
    assert_eq!(again.sent, ["data/big.bin"]);
    assert_eq!(again.uri, first.uri);

    let at_root = ipfs_store(&first.uri, &node.server.endpoint);
    let out = work.path().join("out");
    rt.block_on(download_dir(&at_root, "", &out))
        .expect("download");
    assert_eq!(common::tree(&out), common::tree(&src));

    // A changed leaf changes the bytes `cat` returns: refused by the MANIFEST's sha256.
    let bytes = std::fs::read(src.join("data/big.bin")).expect("read");
    let leaf = &common::multiformats_cids_of(&[&bytes[..common::KUBO_CHUNK]])[0];
    std::fs::write(node.blocks.path().join(leaf), vec![0u8; common::KUBO_CHUNK]).expect("tamper");
    let refused = work.path().join("refused");
    let err = rt
        .block_on(download_dir(&at_root, "", &refused))
        .expect_err("tampered leaf");
    assert!(
        matches!(err, Error::HashMismatch { ref file, .. } if file == "data/big.bin"),
        "{err:?}"
    );
    assert_eq!(
        leftovers(work.path(), &["export", "out"]),
        Vec::<String>::new()
    );
}

#[test]
fn a_file_the_index_does_not_list_is_missing_by_name() {
    let up = uploaded();
    let store = ipfs_store(&up.uri, &up.node.server.endpoint);
    let out = up.work.path().join("out");
    // A plain export has no CIPHERTEXT: asked for one, the download names it missing.
    let err = common::runtime()
        .block_on(download_dir_with(&store, "", &out, "CIPHERTEXT", None))
        .expect_err("no CIPHERTEXT");
    assert!(
        matches!(err, Error::ObjectMissing { ref path } if path == "CIPHERTEXT"),
        "{err:?}"
    );
    assert_eq!(leftovers(up.work.path(), &["export"]), Vec::<String>::new());
}
