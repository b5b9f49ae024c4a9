//! The age v1 header (C2SP age.md): the version line, recipient stanzas and the MAC
//! line, parsed strictly (canonical encodings only) so that the bytes the MAC covers are
//! exactly the bytes that were parsed.

use std::io::BufRead;
use std::path::Path;

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{io, not_age, Error, Result};

pub(crate) const VERSION_LINE: &str = "age-encryption.org/v1";
/// Stanza bodies are wrapped at 64 base64 columns.
const COLUMNS: usize = 64;
/// A header line longer than this is not age (and would otherwise be read unbounded).
const MAX_LINE: usize = 16 * 1024;
/// A header with more stanzas than this is refused, for the same reason.
const MAX_STANZAS: usize = 4096;

/// One recipient stanza: `-> type args…` and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stanza {
    pub tag: String,
    pub args: Vec<String>,
    pub body: Vec<u8>,
}

/// A parsed header: its stanzas, its MAC, and the bytes the MAC covers (through `---`).
pub(crate) struct Header {
    pub stanzas: Vec<Stanza>,
    pub mac: [u8; 32],
    pub covered: Vec<u8>,
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    STANDARD_NO_PAD.encode(bytes)
}

/// Canonical unpadded base64 only: the engine refuses padding and non-zero trailing bits.
pub(crate) fn unb64(text: &str, what: &str) -> Result<Vec<u8>> {
    STANDARD_NO_PAD
        .decode(text)
        .map_err(|e| not_age(format!("{what}: not canonical unpadded base64 ({e})")))
}

/// The header's MAC state: HMAC-SHA-256 keyed with HKDF-SHA-256(salt empty, ikm file
/// key, info "header"), to be fed the header through `---`.
pub(crate) fn mac(file_key: &[u8; 16]) -> Result<Hmac<Sha256>> {
    let key = Zeroizing::new(crate::hkdf::<32>(&[], file_key, b"header"));
    <Hmac<Sha256> as Mac>::new_from_slice(&key[..]).map_err(|_| not_age("HMAC key length"))
}

/// The header's bytes, MAC line included, for `stanzas` under `file_key`.
pub(crate) fn write(stanzas: &[Stanza], file_key: &[u8; 16]) -> Result<Vec<u8>> {
    let mut out = format!("{VERSION_LINE}\n");
    for s in stanzas {
        out.push_str("->");
        for word in std::iter::once(&s.tag).chain(&s.args) {
            out.push(' ');
            out.push_str(word);
        }
        out.push('\n');
        let body = b64(&s.body);
        // Full 64-column lines, then a shorter (possibly empty) last line.
        let mut rest = body.as_str();
        while rest.len() >= COLUMNS {
            out.push_str(&rest[..COLUMNS]);
            out.push('\n');
            rest = &rest[COLUMNS..];
        }
        out.push_str(rest);
        out.push('\n');
    }
    out.push_str("---");
    let mut tag = mac(file_key)?;
    tag.update(out.as_bytes());
    out.push(' ');
    out.push_str(&b64(&tag.finalize().into_bytes()));
    out.push('\n');
    Ok(out.into_bytes())
}

/// Reads one `\n`-terminated header line (without its `\n`), bounded in length.
fn line(r: &mut impl BufRead, raw: &mut Vec<u8>, name: &Path) -> Result<String> {
    let start = raw.len();
    let n = std::io::Read::take(&mut *r, MAX_LINE as u64 + 1)
        .read_until(b'\n', raw)
        .map_err(io(name))?;
    if n == 0 || raw.last() != Some(&b'\n') {
        if n > MAX_LINE {
            return Err(not_age("a header line is too long"));
        }
        // A cut header leaves printable text; binary means the header ran into the
        // payload (a damaged line end) or this is not age at all.
        if !raw[start..].iter().all(|b| (0x20..0x7f).contains(b)) {
            return Err(not_age("the header has a control or non-ASCII character"));
        }
        return Err(Error::Truncated {
            what: "the header".into(),
        });
    }
    let text = &raw[start..raw.len() - 1];
    let text = std::str::from_utf8(text).map_err(|_| not_age("the header is not ASCII"))?;
    if !text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(not_age("the header has a control or non-ASCII character"));
    }
    Ok(text.to_string())
}

/// Parses the header from the start of `r`, leaving `r` at the payload's first byte.
pub(crate) fn read(r: &mut impl BufRead, name: &Path) -> Result<Header> {
    let mut raw = Vec::new();
    let first = match line(r, &mut raw, name) {
        Ok(text) => text,
        Err(Error::Truncated { .. }) if raw.is_empty() => return Err(not_age("the file is empty")),
        Err(e @ Error::Truncated { .. }) if VERSION_LINE.as_bytes().starts_with(&raw) => {
            return Err(e)
        }
        Err(Error::Truncated { .. }) => {
            return Err(not_age("it does not start with \"age-encryption.org/v1\""))
        }
        Err(e) => return Err(e),
    };
    if first != VERSION_LINE {
        return Err(if first.starts_with("-----BEGIN AGE ENCRYPTED FILE") {
            not_age("it is ASCII-armored; run `age -d` on it, or encrypt without --armor")
        } else if first.starts_with("age-encryption.org/") {
            not_age(format!("unsupported version line {first:?}"))
        } else {
            not_age("it does not start with \"age-encryption.org/v1\"")
        });
    }
    let mut stanzas = Vec::new();
    loop {
        let text = line(r, &mut raw, name)?;
        if let Some(words) = text.strip_prefix("-> ") {
            if stanzas.len() == MAX_STANZAS {
                return Err(not_age("too many recipient stanzas"));
            }
            stanzas.push(stanza(words, r, &mut raw, name)?);
        } else if let Some(tag) = text.strip_prefix("--- ") {
            if stanzas.is_empty() {
                return Err(not_age("the header has no recipient stanza"));
            }
            let covered = raw[..raw.len() - tag.len() - 2].to_vec();
            let mac = unb64(tag, "the header MAC")?
                .try_into()
                .map_err(|_| not_age("the header MAC is not 32 bytes"))?;
            return Ok(Header {
                stanzas,
                mac,
                covered,
            });
        } else {
            return Err(not_age(
                "a header line is neither a stanza (->) nor the MAC (---)",
            ));
        }
    }
}

/// The rest of a stanza after its `-> ` line's words: body lines up to a short one.
fn stanza(words: &str, r: &mut impl BufRead, raw: &mut Vec<u8>, name: &Path) -> Result<Stanza> {
    let mut parts = Vec::new();
    for word in words.split(' ') {
        if word.is_empty() || !word.bytes().all(|b| (0x21..0x7f).contains(&b)) {
            return Err(not_age("a stanza argument is empty or has a space"));
        }
        parts.push(word.to_string());
    }
    let tag = parts.remove(0);
    let mut body = String::new();
    loop {
        let text = line(r, raw, name)?;
        if text.len() > COLUMNS {
            return Err(not_age("a stanza body line is longer than 64 columns"));
        }
        body.push_str(&text);
        if text.len() < COLUMNS {
            break;
        }
    }
    Ok(Stanza {
        body: unb64(&body, "a stanza body")?,
        tag,
        args: parts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stanza(len: usize) -> Stanza {
        Stanza {
            tag: "test-grease".into(),
            args: vec!["a".into(), "B+/".into()],
            body: (0..len).map(|i| i as u8).collect(),
        }
    }

    #[test]
    fn bodies_wrap_at_64_columns_with_a_short_last_line() {
        let key = [7u8; 16];
        for (len, lines) in [
            (0, 1),
            (32, 1),
            (47, 1),
            (48, 2),
            (49, 2),
            (96, 3),
            (100, 3),
        ] {
            let bytes = write(&[stanza(len)], &key).expect("writes");
            let text = String::from_utf8(bytes.clone()).expect("ascii");
            let body: Vec<&str> = text.lines().skip(2).take(lines).collect();
            assert!(body[..lines - 1].iter().all(|l| l.len() == 64), "{text}");
            assert!(body[lines - 1].len() < 64, "{len}: {text}");
            assert!(text
                .lines()
                .nth(2 + lines)
                .expect("mac")
                .starts_with("--- "));
            let back = read(&mut &bytes[..], Path::new("t")).expect("parses");
            assert_eq!(back.stanzas, vec![stanza(len)]);
            let mut h = mac(&key).expect("mac");
            h.update(&back.covered);
            h.verify_slice(&back.mac)
                .expect("the MAC covers the parsed bytes");
        }
    }

    #[test]
    fn a_48_byte_body_without_its_empty_last_line_is_refused() {
        let bytes = write(&[stanza(48)], &[1; 16]).expect("writes");
        let text = String::from_utf8(bytes).expect("ascii");
        let cut = text.replacen("\n\n---", "\n---", 1);
        assert_ne!(cut, text);
        assert!(matches!(
            read(&mut cut.as_bytes(), Path::new("t")),
            Err(Error::NotAge { .. })
        ));
    }

    #[test]
    fn a_header_without_stanzas_is_refused() {
        let text = format!("{VERSION_LINE}\n--- {}\n", b64(&[0; 32]));
        assert!(matches!(
            read(&mut text.as_bytes(), Path::new("t")),
            Err(Error::NotAge { .. })
        ));
    }

    #[test]
    fn padded_or_noncanonical_base64_is_refused() {
        let good = write(&[stanza(32)], &[1; 16]).expect("writes");
        let text = String::from_utf8(good).expect("ascii");
        let body = b64(&stanza(32).body);
        let last = body.chars().last().expect("non-empty");
        // 32 bytes end with 2 unused bits: the next base64 digit sets one of them.
        let noncanonical = format!("{}{}", &body[..body.len() - 1], (last as u8 + 1) as char);
        for bad in [format!("{body}="), noncanonical] {
            let t = text.replacen(&body, &bad, 1);
            assert!(
                matches!(
                    read(&mut t.as_bytes(), Path::new("t")),
                    Err(Error::NotAge { .. })
                ),
                "{t}"
            );
        }
    }
}
