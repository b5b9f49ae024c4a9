//! Upload and download of an export against each backend, with real servers on loopback:
//! moto's S3 server and fake-gcs-server (both from the venv), and a local directory.

mod common;

use std::collections::HashMap;
use std::path::Path;

use labelchain_storage::{
    download_dir, download_dir_with, download_uri, upload_dir, upload_dir_with, Backend, Error,
    Layout, Store,
};
use object_store::ObjectStoreExt;

const BUCKET: &str = "datasets";
/// Above object_store's 10 MiB writer buffer, so S3 takes the multipart path.
const MULTIPART_SIZE: usize = 12 << 20;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

fn s3_env(endpoint: &str) -> impl Fn(&str) -> Option<String> {
    env(&[
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL", endpoint),
    ])
}

/// The whole contract on one store: upload, a re-upload that sends nothing, a download
/// identical to the export, and a tampered object refused by name with nothing left behind.
fn round_trip(store: &Store, big: usize) {
    let rt = common::runtime();
    let work = tempfile::tempdir().expect("tempdir");
    let src = work.path().join("export");
    common::export(&src, big);

    let first = rt
        .block_on(upload_dir(&src, store, "task-7/v1"))
        .expect("upload");
    assert_eq!(first.sent.len(), 5, "{first:?}");
    assert_eq!(
        first.sent.last().map(String::as_str),
        Some("MANIFEST"),
        "MANIFEST goes last"
    );
    assert!(first.skipped.is_empty());
    assert_eq!(first.uri, format!("{}/task-7/v1", store.url()));

    let again = rt
        .block_on(upload_dir(&src, store, "task-7/v1"))
        .expect("re-upload");
    assert!(
        again.sent.is_empty(),
        "a re-upload sends nothing: {again:?}"
    );
    assert_eq!(again.skipped.len(), 5);
    assert_eq!(again.bytes, 0);

    let out = work.path().join("out");
    rt.block_on(download_dir(store, "task-7/v1", &out))
        .expect("download");
    assert_eq!(common::tree(&out), common::tree(&src));

    // Overwrite one object straight through the server, as an attacker with write access would.
    let key = store.object_path("task-7/v1/data/test.csv");
    rt.block_on(
        store
            .object_store()
            .expect("an object store")
            .put(&key, b"item,label\n0,0\n".to_vec().into()),
    )
    .expect("tamper");
    let refused = work.path().join("refused");
    let err = rt
        .block_on(download_dir(store, "task-7/v1", &refused))
        .expect_err("tampered");
    match err {
        Error::HashMismatch { file, .. } => assert_eq!(file, "data/test.csv"),
        other => panic!("expected a hash mismatch, got {other:?}"),
    }
    assert!(
        !refused.exists(),
        "nothing is left where the download would have gone"
    );
    let leftovers: Vec<_> = std::fs::read_dir(work.path())
        .expect("ls")
        .map(|e| e.expect("e").file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        2,
        "no temporary directory is left: {leftovers:?}"
    );
}

#[test]
fn an_export_round_trips_through_moto_s3_and_a_tampered_object_is_refused() {
    let server = common::moto();
    assert_eq!(
        common::http("PUT", &format!("{}/{BUCKET}", server.endpoint), vec![]),
        200
    );
    let store =
        Store::from_url_with_env(&format!("s3://{BUCKET}/exports"), s3_env(&server.endpoint))
            .expect("store");
    assert_eq!(store.backend(), Backend::S3);
    round_trip(&store, MULTIPART_SIZE);
}

// What object_store 0.14.2's GCS client sends: GET and HEAD `/{bucket}/{object}` (the object
// name percent-encoded whole, `/` as %2F) and, to write, an XML-API `PUT /{bucket}/{object}`
// with a bearer token, the body, Content-Type and Content-Length, and nothing in the query
// (plus x-goog-if-generation-match for PutMode::Create/Update, which our upload never uses);
// above its 10 MiB writer buffer, XML multipart (POST `?uploads`, PUT `?partNumber=…&uploadId=…`).
// What fake-gcs-server (wrapper 0.1.1, `-public-host 127.0.0.1`) lacks: it serves the XML
// GET and HEAD, but takes an XML PUT only as a signed-URL upload (the query must carry
// X-Goog-Algorithm; else 400 "invalid uploadType", pinned by the test below), and has no XML
// multipart. So the store points at tests/clients/gcs_xml_put_proxy.py, which translates
// exactly that one request shape, a PUT to `/{bucket}/{object}` without `uploadType` or
// `X-Goog-Algorithm`, into the JSON-API media upload fake-gcs-server implements
// (POST `/upload/storage/v1/b/{bucket}/o?uploadType=media&name=…`, same body and
// Content-Type), and answers as GCS answers an XML PUT: 200 with ETag and x-goog-generation.
// GET, HEAD and listing requests go through to fake-gcs-server untouched. XML multipart is
// answered 501 by the shim, hence a 1 MiB big file here: GCS multipart stays untested.
#[test]
fn an_export_round_trips_through_fake_gcs_server_and_a_tampered_object_is_refused() {
    let gcs = common::fake_gcs_behind_proxy();
    gcs_bucket(&gcs);
    let store = Store::from_url_with_env(
        &format!("gs://{BUCKET}/exports"),
        env(&[("STORAGE_EMULATOR_HOST", &gcs.endpoint)]),
    )
    .expect("store");
    assert_eq!(store.backend(), Backend::Gcs);
    round_trip(&store, 1 << 20);
}

/// A service account's key file (the JSON `gcloud iam service-accounts keys create`
/// writes) with a fresh RSA key, and that key's public half as PEM.
fn service_account(dir: &Path, email: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let rsa = openssl::rsa::Rsa::generate(2048).expect("RSA key");
    let key = openssl::pkey::PKey::from_rsa(rsa).expect("pkey");
    let pem = String::from_utf8(key.private_key_to_pem_pkcs8().expect("pem")).expect("utf-8");
    let json = serde_json::json!({
        "type": "service_account",
        "project_id": "labelchain-test",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": email,
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    });
    let creds = dir.join(format!("{email}.json"));
    std::fs::write(&creds, json.to_string()).expect("write key file");
    let public = dir.join(format!("{email}.pub.pem"));
    std::fs::write(&public, key.public_key_to_pem().expect("public pem")).expect("write");
    (creds, public)
}

fn gcs_bucket(gcs: &common::FakeGcs) {
    let create = format!("{}/storage/v1/b", gcs.direct);
    let body = format!("{{\"name\":\"{BUCKET}\"}}").into_bytes();
    assert_eq!(
        common::http("POST", &create, body),
        200,
        "create the bucket"
    );
}

// A service account authenticates with a JWT it signs itself (RS256, object_store's
// SelfSignedJwt), here through OpenSSL; the shim in front of fake-gcs-server verifies every
// request's JWT with Python's `cryptography` and the account's public key.
#[test]
fn a_service_account_signs_every_gcs_request_and_a_foreign_key_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let email = "pipeline@labelchain-test.iam.gserviceaccount.com";
    let (creds, public) = service_account(dir.path(), email);
    let gcs = common::fake_gcs_behind_proxy_with(&[
        "--verify-jwt",
        public.to_str().expect("utf-8"),
        "--issuer",
        email,
    ]);
    gcs_bucket(&gcs);
    let creds_s = creds.to_str().expect("utf-8");
    let store = Store::from_url_with_env(
        &format!("gs://{BUCKET}/exports"),
        env(&[
            ("STORAGE_EMULATOR_HOST", &gcs.endpoint),
            ("GOOGLE_APPLICATION_CREDENTIALS", creds_s),
        ]),
    )
    .expect("store");
    round_trip(&store, 1 << 20);

    // Another account's key, same email: its JWTs do not verify, nothing is stored.
    let other = tempfile::tempdir().expect("tempdir");
    let (foreign, _) = service_account(other.path(), email);
    let store = Store::from_url_with_env(
        &format!("gs://{BUCKET}/foreign"),
        env(&[
            ("STORAGE_EMULATOR_HOST", &gcs.endpoint),
            (
                "GOOGLE_APPLICATION_CREDENTIALS",
                foreign.to_str().expect("utf-8"),
            ),
        ]),
    )
    .expect("store");
    let src = other.path().join("export");
    common::export(&src, 10);
    let err = common::runtime()
        .block_on(upload_dir(&src, &store, "x"))
        .expect_err("refused");
    let text = format!("{err:?}");
    assert!(
        text.contains("401") || text.to_lowercase().contains("unauthor"),
        "{text}"
    );
}

/// Why the GCS test needs its shim: if fake-gcs-server ever stores this PUT itself, this
/// fails, and the shim can go.
#[test]
fn fake_gcs_server_alone_refuses_the_xml_put_object_store_sends() {
    let server = common::fake_gcs();
    let create = format!("{}/storage/v1/b", server.endpoint);
    let body = format!("{{\"name\":\"{BUCKET}\"}}").into_bytes();
    assert_eq!(
        common::http("POST", &create, body),
        200,
        "create the bucket"
    );
    let put = format!("{}/{BUCKET}/exports%2Fa.txt", server.endpoint);
    assert_eq!(common::http("PUT", &put, b"abc".to_vec()), 400);
}

#[test]
fn an_export_round_trips_through_a_local_directory() {
    let root = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", root.path().display());
    let store = Store::from_url(&url).expect("store");
    assert_eq!(store.backend(), Backend::Local);
    round_trip(&store, MULTIPART_SIZE);
}

#[test]
fn a_plain_path_is_a_local_store() {
    let root = tempfile::tempdir().expect("tempdir");
    let store = Store::from_url(&root.path().display().to_string()).expect("store");
    assert_eq!(store.backend(), Backend::Local);
}

#[test]
fn an_unknown_scheme_is_refused() {
    let err = Store::from_url("ftp://host/dir").expect_err("ftp");
    assert!(
        matches!(err, Error::UnknownScheme { ref scheme, .. } if scheme == "ftp"),
        "{err:?}"
    );
}

#[test]
fn s3_without_credentials_is_a_missing_credentials_error() {
    let err = Store::from_url_with_env("s3://bucket/p", env(&[("AWS_REGION", "us-east-1")]))
        .expect_err("no keys");
    assert!(
        matches!(err, Error::MissingCredentials { backend: "S3", .. }),
        "{err:?}"
    );
}

#[test]
fn gcs_without_credentials_or_an_emulator_is_a_missing_credentials_error() {
    let err = Store::from_url_with_env("gs://bucket/p", env(&[])).expect_err("no creds");
    assert!(
        matches!(err, Error::MissingCredentials { backend: "GCS", .. }),
        "{err:?}"
    );
}

#[test]
fn an_unreachable_s3_endpoint_is_an_unreachable_error() {
    // A port nobody listens on: bound, then released.
    let endpoint = format!("http://127.0.0.1:{}", common::free_port());
    let store = Store::from_url_with_env("s3://bucket/p", s3_env(&endpoint)).expect("store");
    let work = tempfile::tempdir().expect("tempdir");
    common::export(work.path(), 10);
    let err = common::runtime()
        .block_on(upload_dir(work.path(), &store, "v1"))
        .expect_err("unreachable");
    assert!(matches!(err, Error::Unreachable { .. }), "{err:?}");
}

#[test]
fn an_unreachable_gcs_emulator_is_an_unreachable_error() {
    let endpoint = format!("http://127.0.0.1:{}", common::free_port());
    let store = Store::from_url_with_env(
        "gs://bucket/p",
        env(&[("STORAGE_EMULATOR_HOST", &endpoint)]),
    )
    .expect("store");
    let work = tempfile::tempdir().expect("tempdir");
    common::export(work.path(), 10);
    let err = common::runtime()
        .block_on(upload_dir(work.path(), &store, "v1"))
        .expect_err("unreachable");
    assert!(matches!(err, Error::Unreachable { .. }), "{err:?}");
}

#[test]
fn a_missing_object_is_named_and_nothing_is_left_behind() {
    let root = tempfile::tempdir().expect("tempdir");
    let store = Store::from_url(&root.path().display().to_string()).expect("store");
    let work = tempfile::tempdir().expect("tempdir");
    let src = work.path().join("export");
    common::export(&src, 10);
    let rt = common::runtime();
    rt.block_on(upload_dir(&src, &store, "v1")).expect("upload");
    std::fs::remove_file(root.path().join("v1/data/test.csv")).expect("delete one object");
    let out = work.path().join("out");
    let err = rt
        .block_on(download_dir(&store, "v1", &out))
        .expect_err("missing");
    assert!(
        matches!(err, Error::ObjectMissing { ref path } if path == "data/test.csv"),
        "{err:?}"
    );
    assert!(!out.exists());
}

#[test]
fn an_upload_refuses_an_export_whose_file_differs_from_its_manifest() {
    let root = tempfile::tempdir().expect("tempdir");
    let store = Store::from_url(&root.path().display().to_string()).expect("store");
    let work = tempfile::tempdir().expect("tempdir");
    common::export(work.path(), 10);
    std::fs::write(work.path().join("README.md"), "changed after export").expect("edit");
    let err = common::runtime()
        .block_on(upload_dir(work.path(), &store, "v1"))
        .expect_err("refused");
    assert!(
        matches!(err, Error::HashMismatch { ref file, .. } if file == "README.md"),
        "{err:?}"
    );
    assert!(
        !Path::new(&root.path().join("v1/MANIFEST")).exists(),
        "nothing was sent"
    );
}

#[test]
fn a_download_never_overwrites_an_existing_directory() {
    let root = tempfile::tempdir().expect("tempdir");
    let store = Store::from_url(&root.path().display().to_string()).expect("store");
    let target = tempfile::tempdir().expect("existing");
    let err = common::runtime()
        .block_on(download_dir(&store, "v1", target.path()))
        .expect_err("exists");
    assert!(matches!(err, Error::TargetExists { .. }), "{err:?}");
}

/// An encrypted export's layout: ciphertext files listed in `CIPHERTEXT` (sha256sum format).
fn ciphertext_export(dir: &Path) {
    let files: [(&str, &[u8]); 2] = [
        ("blob-0.age", b"\x00\x01 not really ciphertext \xff"),
        ("data/blob-1.age", b"more opaque bytes"),
    ];
    let mut list = String::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write");
        let sha = labelchain_dataset::file_sha256(&path).expect("hash");
        list.push_str(&format!("{sha}  {name}\n"));
    }
    std::fs::write(dir.join("CIPHERTEXT"), list).expect("write CIPHERTEXT");
}

#[test]
fn a_ciphertext_manifest_round_trips_through_moto_s3_pinned_by_its_hash() {
    let server = common::moto();
    assert_eq!(
        common::http("PUT", &format!("{}/{BUCKET}", server.endpoint), vec![]),
        200
    );
    let store = Store::from_url_with_env(&format!("s3://{BUCKET}/base"), s3_env(&server.endpoint))
        .expect("store");
    let work = tempfile::tempdir().expect("tempdir");
    let src = work.path().join("export");
    ciphertext_export(&src);
    let manifest = Layout::ENCRYPTED.manifest;
    let rt = common::runtime();
    let up = rt
        .block_on(upload_dir_with(&src, &store, "task-1/v0", manifest))
        .expect("upload");
    assert_eq!(up.sent, ["blob-0.age", "data/blob-1.age", "CIPHERTEXT"]);
    assert_eq!(up.uri, format!("s3://{BUCKET}/base/task-1/v0"));
    let pinned = labelchain_dataset::file_sha256(&src.join(manifest)).expect("hash");
    let out = work.path().join("out");
    rt.block_on(download_dir_with(
        &store,
        "task-1/v0",
        &out,
        manifest,
        Some(&pinned),
    ))
    .expect("download");
    assert_eq!(common::tree(&out), common::tree(&src));
    // Without a CIPHERTEXT name the export has no MANIFEST: nothing to download.
    let err = rt
        .block_on(download_dir(
            &store,
            "task-1/v0",
            &work.path().join("plain"),
        ))
        .expect_err("no MANIFEST");
    assert!(
        matches!(err, Error::ObjectMissing { ref path } if path == "MANIFEST"),
        "{err:?}"
    );
}

#[test]
fn a_recorded_uri_downloads_what_was_uploaded() {
    let root = tempfile::tempdir().expect("tempdir");
    let store = Store::from_url(&format!("file://{}", root.path().display())).expect("store");
    let work = tempfile::tempdir().expect("tempdir");
    let src = work.path().join("export");
    ciphertext_export(&src);
    let rt = common::runtime();
    let up = rt
        .block_on(upload_dir_with(&src, &store, "task-2/v3", "CIPHERTEXT"))
        .expect("upload");
    assert_eq!(
        up.uri,
        format!("file://{}/task-2/v3", root.path().display())
    );
    let pinned = labelchain_dataset::file_sha256(&src.join("CIPHERTEXT")).expect("hash");
    let out = work.path().join("out");
    rt.block_on(download_uri(&up.uri, &out, "CIPHERTEXT", Some(&pinned)))
        .expect("download");
    assert_eq!(common::tree(&out), common::tree(&src));
    let wrong = work.path().join("wrong");
    let err = rt
        .block_on(download_uri(
            &up.uri,
            &wrong,
            "CIPHERTEXT",
            Some(&"a".repeat(64)),
        ))
        .expect_err("pinned to another manifest");
    assert!(
        matches!(err, Error::HashMismatch { ref file, .. } if file == "CIPHERTEXT"),
        "{err:?}"
    );
    assert!(!wrong.exists());
}
