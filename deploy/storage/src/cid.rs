//! CIDv1 as IPFS prints them with `cid-version=1`: multibase base32 lower (`b…`), version 1, codec
//! raw (0x55, a file's bytes as one block) or dag-pb (0x70, a chunked UnixFS file), and a sha2-256
//! multihash (0x12, 32 bytes). Only this is implemented: a raw CID's digest is then the SHA-256 of
//! the content, which the MANIFEST already records, so an upload knows each file's CID before
//! sending it and a download can check each block it gets. Anything else is a typed refusal.

use std::fmt;

const RAW: u64 = 0x55;
const DAG_PB: u64 = 0x70;
const SHA2_256: u64 = 0x12;
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// The content type a CID names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Codec {
    /// The bytes themselves: the digest is their SHA-256.
    Raw,
    /// A UnixFS DAG node: the digest is of the node, not of the file's bytes.
    DagPb,
}

/// Why a string is not a CID this crate accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidProblem {
    #[error("empty")]
    Empty,
    #[error("multibase prefix `{0}` is not base32 lower (`b`); CIDv0 (`Qm…`) is not accepted")]
    Multibase(char),
    #[error("not base32 lower")]
    Base32,
    #[error("CID version {0}: only CIDv1")]
    Version(u64),
    #[error("codec 0x{0:x}: only raw (0x55) and dag-pb (0x70)")]
    Codec(u64),
    #[error("multihash 0x{0:x}: only sha2-256 (0x12)")]
    Multihash(u64),
    #[error("digest of {0} bytes: sha2-256 has 32")]
    DigestLength(u64),
    #[error("truncated or followed by extra bytes")]
    Length,
}

/// A CIDv1 with a sha2-256 multihash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cid {
    codec: Codec,
    digest: [u8; 32],
}

impl Cid {
    /// The raw-codec CID of content whose SHA-256 is `digest`.
    pub fn raw(digest: [u8; 32]) -> Cid {
        Cid {
            codec: Codec::Raw,
            digest,
        }
    }

    /// The raw-codec CID of content whose SHA-256 is `hex` (the MANIFEST's spelling).
    pub fn raw_from_sha256_hex(hex: &str) -> Option<Cid> {
        let bytes = crate::hashing::unhex(hex)?;
        Some(Cid::raw(bytes.try_into().ok()?))
    }

    pub fn codec(&self) -> Codec {
        self.codec
    }

    /// The multihash digest in lower-case hex: for a raw CID, the content's SHA-256.
    pub fn sha256_hex(&self) -> String {
        crate::hashing::hex(&self.digest)
    }

    pub fn parse(text: &str) -> Result<Cid, CidProblem> {
        let mut chars = text.chars();
        match chars.next() {
            None => return Err(CidProblem::Empty),
            Some('b') => {}
            Some(other) => return Err(CidProblem::Multibase(other)),
        }
        let bytes = base32_decode(chars.as_str()).ok_or(CidProblem::Base32)?;
        let mut rest = bytes.as_slice();
        let version = varint(&mut rest)?;
        if version != 1 {
            return Err(CidProblem::Version(version));
        }
        let codec = match varint(&mut rest)? {
            RAW => Codec::Raw,
            DAG_PB => Codec::DagPb,
            other => return Err(CidProblem::Codec(other)),
        };
        let hash = varint(&mut rest)?;
        if hash != SHA2_256 {
            return Err(CidProblem::Multihash(hash));
        }
        let len = varint(&mut rest)?;
        if len != 32 {
            return Err(CidProblem::DigestLength(len));
        }
        let digest: [u8; 32] = rest.try_into().map_err(|_| CidProblem::Length)?;
        Ok(Cid { codec, digest })
    }
}

impl fmt::Display for Cid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let codec = match self.codec {
            Codec::Raw => RAW,
            Codec::DagPb => DAG_PB,
        };
        // Every code here is below 0x80, so each varint is the single byte itself.
        let mut bytes = vec![1, codec as u8, SHA2_256 as u8, 32];
        bytes.extend_from_slice(&self.digest);
        write!(f, "b{}", base32_encode(&bytes))
    }
}

/// An unsigned LEB128 varint, as multiformats encode codes and lengths.
fn varint(rest: &mut &[u8]) -> Result<u64, CidProblem> {
    let mut value = 0u64;
    for shift in (0..63).step_by(7) {
        let (&byte, tail) = rest.split_first().ok_or(CidProblem::Length)?;
        *rest = tail;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(CidProblem::Length)
}

fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((acc >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((acc << (5 - bits)) & 31) as usize]));
    }
    out
}

fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = ((acc << 5) | v) & 0xfff;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    // Leftover bits must be padding zeros (fewer than 5, all clear), as an encoder writes them.
    (bits < 5 && acc & ((1 << bits) - 1) == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The raw CIDv1s of the empty file and of "hello\n" (as Python multiformats prints them).
    const EMPTY: &str = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
    const HELLO: &str = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";

    #[test]
    fn a_raw_cid_prints_and_parses_back() {
        let sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let cid = Cid::raw_from_sha256_hex(sha).expect("hex");
        assert_eq!(cid.to_string(), EMPTY);
        assert_eq!(Cid::parse(EMPTY), Ok(cid));
        let hello = Cid::parse(HELLO).expect("parse");
        assert_eq!(hello.codec(), Codec::Raw);
        assert_eq!(
            hello.sha256_hex(),
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        );
    }

    #[test]
    fn a_dag_pb_cid_parses() {
        let cid = Cid::parse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")
            .expect("dag-pb");
        assert_eq!(cid.codec(), Codec::DagPb);
    }

    #[test]
    fn other_multibases_versions_codecs_and_hashes_are_refused() {
        let v0 = "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR";
        assert_eq!(Cid::parse(v0), Err(CidProblem::Multibase('Q')));
        assert_eq!(Cid::parse(""), Err(CidProblem::Empty));
        assert_eq!(Cid::parse("bafkrei!"), Err(CidProblem::Base32));
        // dag-cbor (0x71) and a CIDv1 with identity multihash.
        let cbor = format!("b{}", base32_encode(&[1, 0x71, 0x12, 32]));
        assert_eq!(Cid::parse(&cbor), Err(CidProblem::Codec(0x71)));
        let identity = format!("b{}", base32_encode(&[1, 0x55, 0x00, 0]));
        assert_eq!(Cid::parse(&identity), Err(CidProblem::Multihash(0)));
        let short = format!("b{}", base32_encode(&[1, 0x55, 0x12, 32, 7]));
        assert_eq!(Cid::parse(&short), Err(CidProblem::Length));
        let v2 = format!("b{}", base32_encode(&[2, 0x55]));
        assert_eq!(Cid::parse(&v2), Err(CidProblem::Version(2)));
    }
}
