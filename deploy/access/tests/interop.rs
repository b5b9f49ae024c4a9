//! Interoperability in both directions with the two reference implementations: the Go
//! `age` CLI (Debian's `age` package) and rage through PyPI's pyrage.

mod common;

use common::{bytes, go_age, ok, run, run_python};
use labelchain_access::{decrypt, encrypt, keygen, Identity, Recipient};

/// Sizes that cover an empty payload, one partial, one exactly full and several chunks.
const SIZES: [usize; 5] = [0, 1, 65536, 65537, 200_000];

fn seal(plain: &[u8], to: &Recipient) -> Vec<u8> {
    let mut out = Vec::new();
    encrypt(plain, &mut out, &[*to]).expect("encrypts");
    out
}

fn open(cipher: &[u8], with: &Identity) -> Vec<u8> {
    let mut out = Vec::new();
    decrypt(cipher, &mut out, with).expect("decrypts");
    out
}

const PY_DECRYPT: &str = "import sys, pyrage
key = pyrage.x25519.Identity.from_str(sys.argv[1])
sys.stdout.buffer.write(pyrage.decrypt(sys.stdin.buffer.read(), [key]))";

const PY_ENCRYPT: &str = "import sys, pyrage
to = pyrage.x25519.Recipient.from_str(sys.argv[1])
sys.stdout.buffer.write(pyrage.encrypt(sys.stdin.buffer.read(), [to]))";

#[test]
fn go_age_decrypts_what_we_encrypt_with_a_keygen_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keyfile = dir.path().join("pipeline.key");
    let to = keygen(&keyfile).expect("keygen");
    for len in SIZES {
        let plain = bytes(len, 10 + len as u64);
        let out = run(
            go_age("age").arg("-d").arg("-i").arg(&keyfile),
            &seal(&plain, &to),
        );
        assert_eq!(ok(out, "age -d"), plain, "{len}");
    }
}

#[test]
fn we_decrypt_what_go_age_encrypts_to_our_recipient() {
    let id = Identity::generate();
    for len in SIZES {
        let plain = bytes(len, 20 + len as u64);
        let to = id.recipient().to_string();
        let cipher = ok(run(go_age("age").args(["-r", &to]), &plain), "age -r");
        assert_eq!(open(&cipher, &id), plain, "{len}");
    }
}

#[test]
fn we_read_an_age_keygen_file_and_decrypt_what_go_age_encrypts_to_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keyfile = dir.path().join("key.txt");
    ok(
        run(go_age("age-keygen").arg("-o").arg(&keyfile), b""),
        "age-keygen",
    );
    let id = Identity::from_file(&keyfile).expect("age-keygen's file parses");
    let text = std::fs::read_to_string(&keyfile).expect("reads");
    assert!(
        text.contains(&format!("# public key: {}", id.recipient())),
        "{text}"
    );
    let cipher = ok(
        run(go_age("age").arg("-e").arg("-i").arg(&keyfile), b"hi"),
        "age -e -i",
    );
    assert_eq!(open(&cipher, &id), b"hi");
}

#[test]
fn pyrage_decrypts_what_we_encrypt() {
    let id = Identity::generate();
    for len in SIZES {
        let plain = bytes(len, 30 + len as u64);
        let cipher = seal(&plain, &id.recipient());
        let out = run_python(PY_DECRYPT, &[&id.to_secret_string()], &cipher);
        assert_eq!(ok(out, "pyrage.decrypt"), plain, "{len}");
    }
}

#[test]
fn we_decrypt_what_pyrage_encrypts_grease_stanzas_and_all() {
    let id = Identity::generate();
    for len in SIZES {
        let plain = bytes(len, 40 + len as u64);
        let out = run_python(PY_ENCRYPT, &[&id.recipient().to_string()], &plain);
        assert_eq!(open(&ok(out, "pyrage.encrypt"), &id), plain, "{len}");
    }
}

#[test]
fn pyrage_keys_parse_and_agree_on_the_recipient() {
    let script = "import pyrage
k = pyrage.x25519.Identity.generate()
print(str(k)); print(str(k.to_public()))";
    let out = String::from_utf8(ok(run_python(script, &[], b""), "pyrage keygen")).expect("utf8");
    let mut lines = out.lines();
    let (secret, public) = (lines.next().expect("secret"), lines.next().expect("public"));
    let id: Identity = secret.parse().expect("pyrage's identity parses");
    assert_eq!(
        id.recipient(),
        public.parse::<Recipient>().expect("recipient parses")
    );
    assert_eq!(id.to_secret_string(), secret);
    assert_eq!(id.recipient().to_string(), public);
}

#[test]
fn multi_recipient_files_interoperate_with_go_age_both_ways() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a.key"), dir.path().join("b.key"));
    let (ra, rb) = (keygen(&a).expect("keygen a"), keygen(&b).expect("keygen b"));
    let plain = bytes(70_000, 50);
    let mut ours = Vec::new();
    encrypt(&plain[..], &mut ours, &[ra, rb]).expect("encrypts");
    for key in [&a, &b] {
        let out = run(go_age("age").arg("-d").arg("-i").arg(key), &ours);
        assert_eq!(ok(out, "age -d"), plain);
    }
    let (sa, sb) = (ra.to_string(), rb.to_string());
    let theirs = ok(
        run(go_age("age").args(["-r", &sa, "-r", &sb]), &plain),
        "age -r -r",
    );
    for key in [&a, &b] {
        let id = Identity::from_file(key).expect("reads");
        assert_eq!(open(&theirs, &id), plain);
    }
}
