//! Unlocked accounts: the nitro-devnode dev key plus keys derived from a BIP-39 mnemonic
//! at m/44'/60'/0'/0/i, as anvil derives them, so the same well-known test keys work
//! against both nodes. The seed is `bip39`'s and the derivation `bip32`'s: both
//! maintained, both small, and the mnemonic is checked (word list and checksum) as
//! wallets check it.

use bip32::{ChildNumber, DerivationPath, XPrv};
use k256::ecdsa::SigningKey;
use revm::primitives::{hex, Address};

/// anvil's and hardhat's default mnemonic.
pub const DEFAULT_MNEMONIC: &str = "test test test test test test test test test test test junk";
/// The path prefix; account `i` is at `{DERIVATION_PATH}{i}`.
pub const DERIVATION_PATH: &str = "m/44'/60'/0'/0/";

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid private key: {0}")]
    Key(String),
    /// Not a BIP-39 mnemonic: a word off the English list, a wrong word count or checksum.
    #[error("not a BIP-39 mnemonic (English word list): {0}")]
    Mnemonic(bip39::Error),
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

/// The first `count` accounts of `mnemonic` at m/44'/60'/0'/0/i. The phrase must be a
/// valid English BIP-39 mnemonic (known words, a matching checksum); words may be
/// separated by any whitespace.
pub fn derive_accounts(mnemonic: &str, count: usize) -> Result<Vec<Account>, AccountError> {
    let phrase = bip39::Mnemonic::parse_in_normalized(bip39::Language::English, mnemonic)
        .map_err(AccountError::Mnemonic)?;
    // A phrase that parses is English list words, all ASCII, so already NFKD-normalised
    // as the seed wants it; anvil uses no passphrase.
    let seed = phrase.to_seed_normalized("");
    let parent_path: DerivationPath = DERIVATION_PATH
        .trim_end_matches('/')
        .parse()
        .map_err(|_| AccountError::Derivation)?;
    let parent =
        XPrv::derive_from_path(seed, &parent_path).map_err(|_| AccountError::Derivation)?;
    (0..count)
        .map(|i| {
            let index = u32::try_from(i).map_err(|_| AccountError::Derivation)?;
            let child = ChildNumber::new(index, false)
                .and_then(|n| parent.derive_child(n))
                .map_err(|_| AccountError::Derivation)?;
            Ok(Account::from_key(child.private_key().clone()))
        })
        .collect()
}
