//! The format's own guarantees: what goes in comes out, and anything else is refused
//! with the error that says why — never wrong plaintext.

mod common;

use common::bytes;
use labelchain_access::{decrypt, encrypt, Error, Identity, Recipient};
use proptest::prelude::*;

const CHUNK: usize = 64 * 1024;

fn seal(plain: &[u8], to: &[Recipient]) -> Vec<u8> {
    let mut out = Vec::new();
    let n = encrypt(plain, &mut out, to).expect("encrypts");
    assert_eq!(n, plain.len() as u64);
    out
}

fn open(cipher: &[u8], with: &Identity) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    decrypt(cipher, &mut out, with).map(|n| {
        assert_eq!(n, out.len() as u64);
        out
    })
}

/// Where the payload starts: after the header's `--- mac\n` line and the 16-byte nonce.
fn payload_start(cipher: &[u8]) -> usize {
    let mac = cipher
        .windows(4)
        .position(|w| w == b"\n---")
        .expect("mac line")
        + 1;
    mac + cipher[mac..].iter().position(|&b| b == b'\n').expect("eol") + 1 + 16
}

#[test]
fn files_of_every_size_around_the_chunk_boundaries_round_trip() {
    let id = Identity::generate();
    for len in [0, 1, 65535, 65536, 65537, 3 * 65536, (1 << 20) + 7] {
        let plain = bytes(len, len as u64);
        let cipher = seal(&plain, &[id.recipient()]);
        let chunks = len.div_ceil(CHUNK).max(1);
        assert_eq!(
            cipher.len() - payload_start(&cipher),
            len + 16 * chunks,
            "{len}"
        );
        assert_eq!(open(&cipher, &id).expect("opens"), plain, "{len}");
    }
}

#[test]
fn each_of_several_recipients_can_open_the_file() {
    let ids: Vec<Identity> = (0..3).map(|_| Identity::generate()).collect();
    let to: Vec<Recipient> = ids.iter().map(Identity::recipient).collect();
    let cipher = seal(b"shared", &to);
    for id in &ids {
        assert_eq!(open(&cipher, id).expect("opens"), b"shared");
    }
}

#[test]
fn another_identity_gets_wrong_key_naming_its_recipient() {
    let cipher = seal(b"secret", &[Identity::generate().recipient()]);
    let other = Identity::generate();
    match open(&cipher, &other) {
        Err(e @ Error::WrongKey { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains(&format!("not encrypted to {}", other.recipient())),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn no_recipients_is_refused() {
    assert!(matches!(
        encrypt(&b"x"[..], Vec::new(), &[]),
        Err(Error::NoRecipients)
    ));
}

#[test]
fn every_header_byte_flipped_is_refused_without_output() {
    let id = Identity::generate();
    let cipher = seal(&bytes(100, 1), &[id.recipient()]);
    let header = payload_start(&cipher) - 16;
    for i in 0..header {
        for mask in [0x01u8, 0x80] {
            let mut bad = cipher.clone();
            bad[i] ^= mask;
            let mut out = Vec::new();
            // A changed share or body leaves no stanza for this identity (WrongKey:
            // AEAD cannot tell a foreign stanza from a damaged one); the rest is
            // malformed (NotAge) or fails the header MAC (Tampered).
            match decrypt(&bad[..], &mut out, &id) {
                Err(Error::Tampered { .. } | Error::NotAge { .. } | Error::WrongKey { .. }) => {}
                other => panic!("byte {i} ^ {mask:#x}: {other:?}"),
            }
            assert!(out.is_empty(), "byte {i}: wrote {} bytes", out.len());
        }
    }
}

#[test]
fn a_flipped_payload_byte_is_tampered() {
    let id = Identity::generate();
    let cipher = seal(&bytes(3 * CHUNK + 5, 2), &[id.recipient()]);
    let start = payload_start(&cipher);
    for at in [
        start - 16,
        start - 1,
        start,
        start + CHUNK + 3,
        cipher.len() - 1,
    ] {
        let mut bad = cipher.clone();
        bad[at] ^= 0x40;
        match open(&bad, &id) {
            Err(Error::Tampered { .. }) => {}
            other => panic!("byte {at}: {other:?}"),
        }
    }
}

#[test]
fn a_cut_file_is_truncated_or_tampered_wherever_it_is_cut() {
    let id = Identity::generate();
    let cipher = seal(&bytes(2 * CHUNK + 100, 3), &[id.recipient()]);
    let start = payload_start(&cipher);
    let boundary = start + CHUNK + 16;
    for (cut, truncated) in [
        (10, true),                   // inside the version line
        (start - 40, true),           // inside the header
        (start - 8, true),            // inside the nonce
        (start, true),                // no chunk at all
        (start + 1000, false),        // mid-chunk: its tag fails
        (boundary, true),             // exactly at a chunk boundary
        (2 * boundary - start, true), // at the second boundary
        (cipher.len() - 1, false),    // the last byte
    ] {
        match open(&cipher[..cut], &id) {
            Err(Error::Truncated { .. }) if truncated => {}
            Err(Error::Tampered { .. }) if !truncated => {}
            other => panic!("cut at {cut} of {}: {other:?}", cipher.len()),
        }
    }
}

#[test]
fn trailing_bytes_after_the_last_chunk_are_refused() {
    let id = Identity::generate();
    for len in [0, 10, CHUNK] {
        let mut cipher = seal(&bytes(len, 4), &[id.recipient()]);
        cipher.push(0);
        assert!(
            matches!(open(&cipher, &id), Err(Error::Tampered { .. })),
            "{len}"
        );
    }
}

#[test]
fn an_empty_or_foreign_input_is_not_age() {
    let id = Identity::generate();
    for input in [
        &b""[..],
        b"hello world\n",
        b"\x89PNG\r\n\x1a\n",
        b"age-encryption.org/v2\n",
    ] {
        assert!(
            matches!(open(input, &id), Err(Error::NotAge { .. })),
            "{input:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_data_of_lengths_near_chunk_boundaries_round_trips(
        chunks in 0usize..4,
        delta in -3i64..=3,
        seed in any::<u64>(),
    ) {
        let len = (chunks as i64 * CHUNK as i64 + delta).max(0) as usize;
        let id = Identity::generate();
        let plain = bytes(len, seed);
        let cipher = seal(&plain, &[id.recipient()]);
        prop_assert_eq!(open(&cipher, &id).expect("opens"), plain);
    }
}
