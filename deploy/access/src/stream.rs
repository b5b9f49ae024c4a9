//! The age payload: STREAM over ChaCha20-Poly1305 in 64 KiB chunks, nonce = 11-byte
//! big-endian chunk counter || last-chunk flag. Both directions work in one fixed
//! buffer, so memory stays constant whatever the file's size.

use std::io::{BufRead, Read, Write};
use std::path::Path;

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce, Tag};

use crate::error::{io, Error, Result};

pub(crate) const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;

fn nonce(counter: u128, last: bool) -> Result<Nonce> {
    // 11 bytes of counter: 2^88 chunks, far past any file, but never wrap silently.
    if counter >> 88 != 0 {
        return Err(Error::Tampered {
            what: "the payload has more chunks than STREAM can count".into(),
        });
    }
    let mut n = [0u8; 12];
    n[..11].copy_from_slice(&counter.to_be_bytes()[5..]);
    n[11] = u8::from(last);
    Ok(Nonce::from(n))
}

/// Reads until `buf` is full or the input ends; returns how much was read.
fn read_full(r: &mut impl Read, buf: &mut [u8], name: &Path) -> Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io(name)(e)),
        }
    }
    Ok(n)
}

fn at_end(r: &mut impl BufRead, name: &Path) -> Result<bool> {
    Ok(r.fill_buf().map_err(io(name))?.is_empty())
}

/// Encrypts all of `plain` to `out` under the payload key; returns the plaintext size.
pub(crate) fn seal(
    key: &[u8; 32],
    plain: &mut impl BufRead,
    out: &mut impl Write,
    names: (&Path, &Path),
) -> Result<u64> {
    let aead = ChaCha20Poly1305::new(&Key::from(*key));
    let mut buf = vec![0u8; CHUNK + TAG];
    let mut counter = 0u128;
    let mut total = 0u64;
    loop {
        let n = read_full(plain, &mut buf[..CHUNK], names.0)?;
        // A full chunk is the last one only if nothing follows it.
        let last = n < CHUNK || at_end(plain, names.0)?;
        let tag = aead
            .encrypt_in_place_detached(&nonce(counter, last)?, &[], &mut buf[..n])
            .map_err(|_| Error::Tampered {
                what: "sealing a chunk".into(),
            })?;
        buf[n..n + TAG].copy_from_slice(&tag);
        out.write_all(&buf[..n + TAG]).map_err(io(names.1))?;
        total += n as u64;
        if last {
            return Ok(total);
        }
        counter += 1;
    }
}

/// Decrypts the payload chunks from `cipher` to `out`; returns the plaintext size.
/// A chunk's plaintext is written only once its tag has verified, but a later chunk
/// can still fail: callers that need all-or-nothing write to a temp file first.
pub(crate) fn open(
    key: &[u8; 32],
    cipher: &mut impl BufRead,
    out: &mut impl Write,
    names: (&Path, &Path),
) -> Result<u64> {
    let aead = ChaCha20Poly1305::new(&Key::from(*key));
    let mut buf = vec![0u8; CHUNK + TAG];
    let mut counter = 0u128;
    let mut total = 0u64;
    loop {
        let n = read_full(cipher, &mut buf, names.0)?;
        if n < TAG {
            return Err(Error::Truncated {
                what: format!("payload chunk {counter} ({n} bytes, less than its tag)"),
            });
        }
        let last = n < buf.len() || at_end(cipher, names.0)?;
        let (text, tag) = buf[..n].split_at_mut(n - TAG);
        let tag: [u8; TAG] = (&*tag).try_into().map_err(|_| Error::Truncated {
            what: format!("payload chunk {counter}"),
        })?;
        let tag = Tag::from(tag);
        // ChaCha20Poly1305 checks the tag before decrypting: a failed try leaves the
        // chunk as it was, so it can be tried again with the other flag.
        let try_open = |flag: bool, text: &mut [u8]| -> Result<bool> {
            Ok(aead
                .decrypt_in_place_detached(&nonce(counter, flag)?, &[], text, &tag)
                .is_ok())
        };
        if try_open(last, text)? {
            if last && text.is_empty() && counter > 0 {
                return Err(Error::Tampered {
                    what: "the payload ends with an empty chunk after data".into(),
                });
            }
            out.write_all(text).map_err(io(names.1))?;
            total += text.len() as u64;
            if last {
                return Ok(total);
            }
            counter += 1;
            continue;
        }
        let full = n == CHUNK + TAG;
        return Err(if full && try_open(!last, text)? {
            if last {
                Error::Truncated {
                    what: format!(
                        "the payload: it ends after chunk {counter}, which is not its last"
                    ),
                }
            } else {
                Error::Tampered {
                    what: format!("the payload: data follows its final chunk {counter}"),
                }
            }
        } else {
            Error::Tampered {
                what: format!("payload chunk {counter}"),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [9; 32];
    fn names() -> (&'static Path, &'static Path) {
        (Path::new("in"), Path::new("out"))
    }

    /// One chunk sealed by hand, so malformed streams that `seal` never makes can be built.
    fn chunk(counter: u128, last: bool, plain: &[u8]) -> Vec<u8> {
        let aead = ChaCha20Poly1305::new(&Key::from(KEY));
        let mut buf = plain.to_vec();
        let tag = aead
            .encrypt_in_place_detached(&nonce(counter, last).expect("nonce"), &[], &mut buf)
            .expect("seals");
        buf.extend_from_slice(&tag);
        buf
    }

    fn open_all(cipher: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        open(&KEY, &mut &cipher[..], &mut out, names()).map(|_| out)
    }

    #[test]
    fn hand_made_chunks_open_like_sealed_ones() {
        let mut sealed = Vec::new();
        seal(&KEY, &mut &[5u8; CHUNK + 1][..], &mut sealed, names()).expect("seals");
        let hand = [chunk(0, false, &[5; CHUNK]), chunk(1, true, &[5])].concat();
        assert_eq!(sealed, hand);
        assert_eq!(open_all(&hand).expect("opens"), vec![5; CHUNK + 1]);
        assert_eq!(open_all(&chunk(0, true, b"")).expect("empty payload"), b"");
    }

    #[test]
    fn an_empty_final_chunk_after_data_is_refused() {
        let cipher = [chunk(0, false, &[1; CHUNK]), chunk(1, true, b"")].concat();
        assert!(matches!(open_all(&cipher), Err(Error::Tampered { .. })));
    }

    #[test]
    fn a_short_chunk_that_is_not_final_is_refused() {
        for cipher in [
            chunk(0, false, b"short"),
            [chunk(0, false, b"short"), chunk(1, true, b"end")].concat(),
        ] {
            assert!(matches!(open_all(&cipher), Err(Error::Tampered { .. })));
        }
    }

    #[test]
    fn chunks_out_of_order_are_refused() {
        let cipher = [chunk(1, false, &[1; CHUNK]), chunk(0, true, b"x")].concat();
        assert!(matches!(open_all(&cipher), Err(Error::Tampered { .. })));
    }

    #[test]
    fn a_full_final_chunk_followed_by_more_is_refused() {
        let cipher = [chunk(0, true, &[1; CHUNK]), chunk(1, true, b"x")].concat();
        assert!(matches!(open_all(&cipher), Err(Error::Tampered { .. })));
    }
}
