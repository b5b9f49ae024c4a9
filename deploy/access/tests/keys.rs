//! Key files: `labelchain pipeline keygen` and reading age-keygen-format files back.

use std::os::unix::fs::PermissionsExt;

use labelchain_access::{keygen, Error, Identity};

#[test]
fn keygen_writes_a_0600_age_keygen_file_that_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("pipeline.key");
    let recipient = keygen(&path).expect("keygen");
    let mode = std::fs::metadata(&path)
        .expect("exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    let text = std::fs::read_to_string(&path).expect("reads");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("# created: 20") && lines[0].ends_with('Z'),
        "{text}"
    );
    assert_eq!(lines[1], format!("# public key: {recipient}"));
    assert!(lines[2].starts_with("AGE-SECRET-KEY-1"), "{text}");
    assert_eq!(
        Identity::from_file(&path).expect("reads").recipient(),
        recipient
    );
}

#[test]
fn keygen_never_overwrites_an_existing_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("pipeline.key");
    keygen(&path).expect("first keygen");
    let before = std::fs::read(&path).expect("reads");
    match keygen(&path) {
        Err(Error::KeyFileExists { path: p }) => assert_eq!(p, path),
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&path).expect("reads"), before);
}

#[test]
fn a_key_file_without_exactly_one_key_line_is_bad_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let one = Identity::generate().to_secret_string();
    let two = Identity::generate().to_secret_string();
    for (name, text) in [
        ("empty", "# only a comment\n".to_string()),
        ("two", format!("{one}\n{two}\n")),
        ("lower", format!("{}\n", one.to_lowercase())),
        ("garbage", "AGE-SECRET-KEY-1NOTAKEY\n".to_string()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("writes");
        match Identity::from_file(&path) {
            Err(e @ Error::BadKey { .. }) => {
                assert!(
                    !e.to_string().contains(&one[16..]),
                    "{name}: leaks the key: {e}"
                );
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    let path = dir.path().join("comments");
    std::fs::write(&path, format!("# created: x\n\n# public key: y\n{one}\n")).expect("writes");
    assert_eq!(
        Identity::from_file(&path)
            .expect("parses")
            .to_secret_string(),
        one
    );
}
