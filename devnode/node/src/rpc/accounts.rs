//! Unlocked accounts: the nitro-devnode dev key plus keys derived from a BIP-39 mnemonic
//! at m/44'/60'/0'/0/i, as anvil derives them, so the same well-known test keys work
//! against both nodes. BIP-39's seed (PBKDF2-HMAC-SHA512) and BIP-32's derivation are a
//! few lines over `hmac`/`sha2`/`k256`, lighter than a wallet crate.

use hmac::{Hmac, Mac};
use k256::ecdsa::SigningKey;
use k256::elliptic_curve::PrimeField;
use k256::Scalar;
use revm::primitives::{hex, Address};
use sha2::Sha512;

/// anvil's and hardhat's default mnemonic.
pub const DEFAULT_MNEMONIC: &str = "test test test test test test test test test test test junk";
/// The path prefix; account `i` is at `{DERIVATION_PATH}{i}`.
pub const DERIVATION_PATH: &str = "m/44'/60'/0'/0/";

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid private key: {0}")]
    Key(String),
    #[error("the mnemonic derives an invalid key (try another mnemonic)")]
    Derivation,
}

/// An account the node signs for (`eth_sendTransaction`).
#[derive(Clone, Debug)]
pub struct Account {
    pub address: Address,
    pub key: SigningKey,
}

impl Account {
    pub fn from_key(key: SigningKey) -> Self {
        Self {
            address: Address::from_private_key(&key),
            key,
        }
    }

    /// From a hex private key, with or without `0x`.
    pub fn from_hex(key: &str) -> Result<Self, AccountError> {
        let bytes = hex::decode(key.trim()).map_err(|e| AccountError::Key(e.to_string()))?;
        let key = SigningKey::from_slice(&bytes).map_err(|e| AccountError::Key(e.to_string()))?;
        Ok(Self::from_key(key))
    }

    /// The private key as `0x`-prefixed hex (printed at start, as anvil does).
    pub fn key_hex(&self) -> String {
        format!("0x{}", hex::encode(self.key.to_bytes()))
    }
}

type HmacSha512 = Hmac<Sha512>;

fn hmac512(key: &[u8], parts: &[&[u8]]) -> [u8; 64] {
    // HMAC accepts keys of any length.
    let mut mac = HmacSha512::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// BIP-39 seed: PBKDF2-HMAC-SHA512(mnemonic, "mnemonic", 2048 rounds), one 64-byte block.
/// The words are not checked against the word list (any phrase derives keys).
fn seed(mnemonic: &str) -> [u8; 64] {
    let words: Vec<&str> = mnemonic.split_whitespace().collect();
    let password = words.join(" ");
    let mut u = hmac512(password.as_bytes(), &[b"mnemonic", &1u32.to_be_bytes()]);
    let mut out = u;
    for _ in 1..2048 {
        u = hmac512(password.as_bytes(), &[&u]);
        for (o, x) in out.iter_mut().zip(u) {
            *o ^= x;
        }
    }
    out
}

/// A 32-byte big-endian integer as a scalar, if below the curve order.
fn scalar(bytes: &[u8]) -> Option<Scalar> {
    let mut repr = k256::FieldBytes::default();
    repr.copy_from_slice(bytes);
    Scalar::from_repr(repr).into()
}

/// BIP-32 child key derivation (private parent → private child).
fn child(key: &Scalar, chain: &[u8; 32], index: u32) -> Result<(Scalar, [u8; 32]), AccountError> {
    let data = if index >= 1 << 31 {
        let mut d = vec![0u8];
        d.extend_from_slice(&key.to_bytes());
        d
    } else {
        let sk = SigningKey::from_bytes(&key.to_bytes()).map_err(|_| AccountError::Derivation)?;
        sk.verifying_key()
            .to_encoded_point(true)
            .as_bytes()
            .to_vec()
    };
    let i = hmac512(chain, &[&data, &index.to_be_bytes()]);
    let (l, r) = i.split_at(32);
    let tweak = scalar(l);
    let k = tweak.ok_or(AccountError::Derivation)? + key;
    if bool::from(k.is_zero()) {
        return Err(AccountError::Derivation);
    }
    let mut c = [0u8; 32];
    c.copy_from_slice(r);
    Ok((k, c))
}

/// The first `count` accounts of `mnemonic` at m/44'/60'/0'/0/i.
pub fn derive_accounts(mnemonic: &str, count: usize) -> Result<Vec<Account>, AccountError> {
    let master = hmac512(b"Bitcoin seed", &[&seed(mnemonic)]);
    let mk = scalar(&master[..32]);
    let mut key = mk.ok_or(AccountError::Derivation)?;
    let mut chain = [0u8; 32];
    chain.copy_from_slice(&master[32..]);
    const H: u32 = 1 << 31;
    for index in [44 | H, 60 | H, H, 0] {
        (key, chain) = child(&key, &chain, index)?;
    }
    (0..count as u32)
        .map(|i| {
            let (k, _) = child(&key, &chain, i)?;
            let sk = SigningKey::from_bytes(&k.to_bytes()).map_err(|_| AccountError::Derivation)?;
            Ok(Account::from_key(sk))
        })
        .collect()
}
