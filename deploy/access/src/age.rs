//! age v1 encryption and decryption with X25519 recipients: the file key, its stanzas,
//! the header MAC and the payload key (C2SP age.md).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce, Tag};
use hmac::Mac;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use crate::error::{io, not_age, Error, Result};
use crate::header::{self, b64, unb64, Stanza};
use crate::keys::{Identity, Recipient};
use crate::stream;

const X25519_TAG: &str = "X25519";
const X25519_INFO: &[u8] = b"age-encryption.org/v1/X25519";
const NONCE: usize = 16;

/// The stanza body's key: HKDF-SHA-256(salt = ephemeral share || recipient, ikm = shared
/// secret, info "age-encryption.org/v1/X25519"), for ChaCha20-Poly1305 with a zero nonce.
fn wrap_key(shared: &[u8; 32], share: &[u8; 32], to: &[u8; 32]) -> ChaCha20Poly1305 {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(share);
    salt[32..].copy_from_slice(to);
    let key = Zeroizing::new(crate::hkdf::<32>(&salt, shared, X25519_INFO));
    ChaCha20Poly1305::new(&Key::from(*key))
}

fn x25519_stanza(file_key: &[u8; 16], to: &Recipient) -> Result<Stanza> {
    let ephemeral = StaticSecret::from(crate::random::<32>());
    let share = PublicKey::from(&ephemeral).to_bytes();
    let shared = ephemeral.diffie_hellman(&to.public_key());
    if !shared.was_contributory() {
        return Err(Error::BadKey {
            what: format!("recipient {to}"),
            problem: "a low-order point, which no identity has".into(),
            expected: "a recipient made by `labelchain pipeline keygen` or age-keygen",
        });
    }
    let mut body = file_key.to_vec();
    let tag = wrap_key(shared.as_bytes(), &share, to.as_bytes())
        .encrypt_in_place_detached(&Nonce::default(), &[], &mut body)
        .map_err(|_| not_age("wrapping the file key"))?;
    body.extend_from_slice(&tag);
    Ok(Stanza {
        tag: X25519_TAG.into(),
        args: vec![b64(&share)],
        body,
    })
}

/// Encrypts `plain` to every recipient in `to`, writing binary age v1 to `out`.
/// Streams in 64 KiB chunks; returns the plaintext's size.
pub fn encrypt<R: Read, W: Write>(plain: R, out: W, to: &[Recipient]) -> Result<u64> {
    encrypt_named(
        plain,
        out,
        to,
        (Path::new("<input>"), Path::new("<output>")),
    )
}

pub(crate) fn encrypt_named<R: Read, W: Write>(
    plain: R,
    mut out: W,
    to: &[Recipient],
    names: (&Path, &Path),
) -> Result<u64> {
    if to.is_empty() {
        return Err(Error::NoRecipients);
    }
    let file_key = Zeroizing::new(crate::random::<16>());
    let stanzas = to
        .iter()
        .map(|r| x25519_stanza(&file_key, r))
        .collect::<Result<Vec<_>>>()?;
    let head = header::write(&stanzas, &file_key)?;
    let nonce = crate::random::<NONCE>();
    let key = Zeroizing::new(crate::hkdf::<32>(&nonce, &file_key[..], b"payload"));
    out.write_all(&head)
        .and_then(|()| out.write_all(&nonce))
        .map_err(io(names.1))?;
    let n = stream::seal(&key, &mut BufReader::new(plain), &mut out, names)?;
    out.flush().map_err(io(names.1))?;
    tracing::debug!(bytes = n, recipients = to.len(), "encrypted");
    Ok(n)
}

/// Opens one X25519 stanza with `with`: `Ok(None)` if it is not for this identity.
fn open_x25519(s: &Stanza, with: &Identity) -> Result<Option<Zeroizing<[u8; 16]>>> {
    let [share] = s.args.as_slice() else {
        return Err(not_age("an X25519 stanza must have exactly one argument"));
    };
    let share: [u8; 32] = unb64(share, "an X25519 share")?
        .try_into()
        .map_err(|_| not_age("an X25519 share is not 32 bytes"))?;
    if s.body.len() != 32 {
        return Err(not_age("an X25519 stanza body is not 32 bytes"));
    }
    let shared = with.secret().diffie_hellman(&PublicKey::from(share));
    if !shared.was_contributory() {
        return Err(Error::Tampered {
            what: "an X25519 stanza (its share is a low-order point)".into(),
        });
    }
    let me = with.recipient();
    let (sealed, tag) = s.body.split_at(16);
    let mut key = Zeroizing::new([0u8; 16]);
    key.copy_from_slice(sealed);
    let tag: [u8; 16] = tag.try_into().map_err(|_| not_age("X25519 body tag"))?;
    let tag = Tag::from(tag);
    let opened = wrap_key(shared.as_bytes(), &share, me.as_bytes()).decrypt_in_place_detached(
        &Nonce::default(),
        &[],
        &mut key[..],
        &tag,
    );
    Ok(opened.ok().map(|()| key))
}

/// Reads the header, finds the file key `with` opens and checks the header MAC.
fn file_key(
    cipher: &mut impl BufRead,
    with: &Identity,
    name: &Path,
) -> Result<Zeroizing<[u8; 16]>> {
    let head = header::read(cipher, name)?;
    let mut found = None;
    for s in head.stanzas.iter().filter(|s| s.tag == X25519_TAG) {
        // Every X25519 stanza is checked for well-formedness, even after a match.
        if let Some(k) = open_x25519(s, with)? {
            found.get_or_insert(k);
        }
    }
    let key = found.ok_or_else(|| Error::WrongKey {
        recipient: with.recipient(),
        stanzas: head.stanzas.len(),
    })?;
    let mut h = header::mac(&key)?;
    h.update(&head.covered);
    // verify_slice compares in constant time.
    h.verify_slice(&head.mac).map_err(|_| Error::Tampered {
        what: "the header (its MAC does not match)".into(),
    })?;
    Ok(key)
}

/// Decrypts binary age v1 from `cipher` with `with`, writing the plaintext to `out`.
/// Streams: on an error mid-payload, `out` holds the chunks verified so far; use
/// [`crate::decrypt_file`] where all-or-nothing matters. Returns the plaintext's size.
pub fn decrypt<R: Read, W: Write>(cipher: R, out: W, with: &Identity) -> Result<u64> {
    decrypt_named(
        cipher,
        out,
        with,
        (Path::new("<input>"), Path::new("<output>")),
    )
}

pub(crate) fn decrypt_named<R: Read, W: Write>(
    cipher: R,
    mut out: W,
    with: &Identity,
    names: (&Path, &Path),
) -> Result<u64> {
    let mut cipher = BufReader::with_capacity(stream::CHUNK, cipher);
    let file_key = file_key(&mut cipher, with, names.0)?;
    let mut nonce = [0u8; NONCE];
    cipher.read_exact(&mut nonce).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => Error::Truncated {
            what: "the payload nonce".into(),
        },
        _ => io(names.0)(e),
    })?;
    let key = Zeroizing::new(crate::hkdf::<32>(&nonce, &file_key[..], b"payload"));
    let n = stream::open(&key, &mut cipher, &mut out, names)?;
    out.flush().map_err(io(names.1))?;
    tracing::debug!(bytes = n, "decrypted");
    Ok(n)
}
