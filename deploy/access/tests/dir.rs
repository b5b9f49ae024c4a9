//! Encrypted exports and grants: encrypt_dir/decrypt_dir on an export-like directory,
//! and a Python pipeline reading it through its wrapped key.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{bytes, ok, run, tree};
use labelchain_access::{
    decrypt_dir, encrypt_dir, keygen, unwrap, wrap, Error, Grant, Identity, CIPHERTEXT,
};
use labelchain_dataset::{file_sha256, render_manifest, MANIFEST};

/// An export-like directory: a dataset card, Parquet-sized data, JSONL, and its MANIFEST.
fn export(dir: &Path) {
    let files: [(&str, Vec<u8>); 4] = [
        (
            "README.md",
            b"---\nconfigs: []\n---\n# A dataset\n".to_vec(),
        ),
        ("data/train-00000-of-00001.parquet", bytes(150_000, 1)),
        ("jsonl/train.jsonl", b"{\"item\":0,\"label\":1}\n".to_vec()),
        ("labelchain.json", b"{}".to_vec()),
    ];
    let mut hashes = BTreeMap::new();
    for (rel, data) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, data).expect("writes");
        hashes.insert(rel.to_string(), file_sha256(&path).expect("hash"));
    }
    std::fs::write(dir.join(MANIFEST), render_manifest(&hashes)).expect("manifest");
}

struct Fixture {
    root: tempfile::TempDir,
    key: Identity,
}

impl Fixture {
    fn new() -> Fixture {
        let root = tempfile::tempdir().expect("tempdir");
        export(&root.path().join("export"));
        Fixture {
            root,
            key: Identity::generate(),
        }
    }
    fn path(&self, rel: &str) -> std::path::PathBuf {
        self.root.path().join(rel)
    }
    fn encrypt(&self) {
        let done = encrypt_dir(
            &self.path("export"),
            &self.path("enc"),
            &[self.key.recipient()],
        )
        .expect("encrypts");
        assert_eq!(done.files, 5);
        assert!(done.cipher_bytes > done.plain_bytes);
    }
}

#[test]
fn an_export_round_trips_through_encrypt_dir_and_decrypt_dir() {
    let f = Fixture::new();
    f.encrypt();
    let listed = tree(&f.path("enc"));
    assert!(listed.contains(&CIPHERTEXT.to_string()), "{listed:?}");
    assert!(listed.contains(&"MANIFEST.age".to_string()), "{listed:?}");
    assert!(listed.contains(&"data/train-00000-of-00001.parquet.age".to_string()));
    decrypt_dir(&f.path("enc"), &f.path("out"), &f.key).expect("decrypts");
    assert_eq!(tree(&f.path("out")), tree(&f.path("export")));
    for rel in tree(&f.path("export")) {
        let (a, b) = (f.path("export").join(&rel), f.path("out").join(&rel));
        if a.is_file() {
            assert_eq!(
                std::fs::read(a).expect("a"),
                std::fs::read(b).expect("b"),
                "{rel}"
            );
        }
    }
    assert_eq!(
        tree(f.root.path()),
        {
            let mut all = vec!["enc".to_string(), "export".into(), "out".into()];
            all.extend(tree(&f.path("enc")).iter().map(|p| format!("enc/{p}")));
            all.extend(
                tree(&f.path("export"))
                    .iter()
                    .map(|p| format!("export/{p}")),
            );
            all.extend(tree(&f.path("out")).iter().map(|p| format!("out/{p}")));
            all.sort();
            all
        },
        "no temp sibling left"
    );
}

#[test]
fn a_changed_export_file_is_named_and_nothing_is_written() {
    let f = Fixture::new();
    std::fs::write(f.path("export/jsonl/train.jsonl"), b"changed\n").expect("writes");
    match encrypt_dir(&f.path("export"), &f.path("enc"), &[f.key.recipient()]) {
        Err(Error::HashMismatch { file, .. }) => assert_eq!(file, "jsonl/train.jsonl"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        tree(f.root.path())
            .iter()
            .filter(|p| !p.starts_with("export"))
            .count(),
        0
    );
}

#[test]
fn a_tampered_or_removed_age_file_is_named_before_decrypting_and_nothing_is_left() {
    let f = Fixture::new();
    f.encrypt();
    let before = tree(f.root.path());
    let victim = f.path("enc/jsonl/train.jsonl.age");
    let mut data = std::fs::read(&victim).expect("reads");
    let last = data.len() - 1;
    data[last] ^= 1;
    std::fs::write(&victim, &data).expect("writes");
    match decrypt_dir(&f.path("enc"), &f.path("out"), &f.key) {
        Err(Error::HashMismatch { file, .. }) => assert_eq!(file, "jsonl/train.jsonl.age"),
        other => panic!("{other:?}"),
    }
    std::fs::remove_file(f.path("enc/README.md.age")).expect("removes");
    match decrypt_dir(&f.path("enc"), &f.path("out"), &f.key) {
        Err(Error::Missing { file }) => assert_eq!(file, "README.md.age"),
        other => panic!("{other:?}"),
    }
    let mut after = tree(f.root.path());
    after.push("enc/README.md.age".into());
    after.sort();
    assert_eq!(after, before, "nothing left behind");
}

#[test]
fn a_consistently_rewritten_file_fails_its_tag_and_nothing_is_left() {
    // An attacker who also rewrites CIPHERTEXT passes the hash check; the AEAD does not.
    let f = Fixture::new();
    f.encrypt();
    let victim = f.path("enc/data/train-00000-of-00001.parquet.age");
    let mut data = std::fs::read(&victim).expect("reads");
    let mid = data.len() / 2;
    data[mid] ^= 1;
    std::fs::write(&victim, &data).expect("writes");
    let list = std::fs::read_to_string(f.path("enc/CIPHERTEXT")).expect("reads");
    let listed = labelchain_dataset::parse_manifest(&list).expect("parses");
    let mut hashes = listed.clone();
    hashes.insert(
        "data/train-00000-of-00001.parquet.age".into(),
        file_sha256(&victim).expect("h"),
    );
    assert_ne!(hashes, listed);
    std::fs::write(f.path("enc/CIPHERTEXT"), render_manifest(&hashes)).expect("writes");
    match decrypt_dir(&f.path("enc"), &f.path("out"), &f.key) {
        Err(Error::Tampered { .. }) => {}
        other => panic!("{other:?}"),
    }
    assert!(!tree(f.root.path())
        .iter()
        .any(|p| p.starts_with("out") || p.starts_with(".out")));
}

#[test]
fn the_target_must_not_exist() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("enc")).expect("mkdir");
    assert!(matches!(
        encrypt_dir(&f.path("export"), &f.path("enc"), &[f.key.recipient()]),
        Err(Error::TargetExists { .. })
    ));
}

#[test]
fn a_grant_unwraps_with_the_pipeline_key_only() {
    let pipeline = Identity::generate();
    let grant = Grant {
        task: 7,
        version: 3,
        data_key: Identity::generate(),
    };
    let wrapped = wrap(&grant, &pipeline.recipient()).expect("wraps");
    let back = unwrap(&wrapped, &pipeline).expect("unwraps");
    assert_eq!((back.task, back.version), (7, 3));
    assert_eq!(back.data_key.recipient(), grant.data_key.recipient());
    assert!(matches!(
        unwrap(&wrapped, &grant.data_key),
        Err(Error::WrongKey { .. })
    ));
    let mut not_grant = Vec::new();
    labelchain_access::encrypt(
        &b"{\"task\":1}"[..],
        &mut not_grant,
        &[pipeline.recipient()],
    )
    .expect("encrypts");
    assert!(matches!(
        unwrap(&not_grant, &pipeline),
        Err(Error::BadGrant { .. })
    ));
}

#[test]
fn a_python_pipeline_reads_the_dataset_through_its_wrapped_key() {
    let f = Fixture::new();
    f.encrypt();
    let keyfile = f.path("pipeline.key");
    let pipeline = keygen(&keyfile).expect("keygen");
    let grant = Grant {
        task: 42,
        version: 1,
        data_key: f.key.clone(),
    };
    std::fs::write(
        f.path("wrapped.bin"),
        wrap(&grant, &pipeline).expect("wraps"),
    )
    .expect("w");
    std::fs::create_dir(f.path("py")).expect("mkdir");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/read_dataset.py");
    let out = run(
        std::process::Command::new(common::python())
            .arg(script)
            .args([
                f.path("pipeline.key"),
                f.path("wrapped.bin"),
                f.path("enc"),
                f.path("py"),
            ]),
        b"",
    );
    assert_eq!(
        String::from_utf8(ok(out, "read_dataset.py")).expect("utf8"),
        "42 1 4\n"
    );
    for rel in [
        "README.md",
        "data/train-00000-of-00001.parquet",
        "jsonl/train.jsonl",
    ] {
        assert_eq!(
            std::fs::read(f.path("py").join(rel)).expect("python wrote it"),
            std::fs::read(f.path("export").join(rel)).expect("original"),
            "{rel}"
        );
    }
}

#[test]
fn a_failed_decrypt_file_leaves_no_output() {
    let f = Fixture::new();
    let src = f.path("export/data/train-00000-of-00001.parquet");
    let enc = f.path("one.age");
    labelchain_access::encrypt_file(&src, &enc, &[f.key.recipient()]).expect("encrypts");
    let cut = f.path("cut.age");
    let data = std::fs::read(&enc).expect("reads");
    std::fs::write(&cut, &data[..data.len() - 100]).expect("writes");
    let before = tree(f.root.path());
    let other = Identity::generate();
    for (src, with) in [(&enc, &other), (&cut, &f.key)] {
        let err = labelchain_access::decrypt_file(src, &f.path("plain"), with).expect_err("fails");
        assert!(
            matches!(err, Error::WrongKey { .. } | Error::Tampered { .. }),
            "{err:?}"
        );
        assert_eq!(tree(f.root.path()), before, "nothing left by {err}");
    }
    labelchain_access::decrypt_file(&enc, &f.path("plain"), &f.key).expect("decrypts");
    assert_eq!(
        std::fs::read(f.path("plain")).expect("r"),
        std::fs::read(&src).expect("r")
    );
    assert!(matches!(
        labelchain_access::decrypt_file(&enc, &f.path("plain"), &f.key),
        Err(Error::TargetExists { .. })
    ));
}
