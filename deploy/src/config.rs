//! Where to connect and who signs: networks, the RPC URL, the chain-id guard, and the key
//! (`--private-key` / `PRIVATE_KEY` / `.env`, or an encrypted keystore).

use std::path::{Path, PathBuf};

use alloy::signers::local::PrivateKeySigner;

use crate::error::{Error, Result};

/// Chain ids of Arbitrum One and Arbitrum Nova: refused without `--allow-mainnet`.
pub const MAINNET_CHAIN_IDS: [u64; 2] = [42_161, 42_170];
/// nitro-devnode's (and the devnode's) chain id.
pub const DEVNODE_CHAIN_ID: u64 = 412_346;
pub const ARBITRUM_SEPOLIA_CHAIN_ID: u64 = 421_614;
pub const DEVNODE_URL: &str = "http://127.0.0.1:8547";
pub const ARBITRUM_SEPOLIA_URL: &str = "https://sepolia-rollup.arbitrum.io/rpc";
/// The nitro-devnode dev account's key (public knowledge; funded at genesis on both the
/// devnode and nitro-devnode). Used only on those two networks when no key is given.
pub const DEV_KEY: &str = "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Network {
    /// This repository's devnode (`labelchain up`, `cargo run -p devnode`).
    Devnode,
    /// Offchain Labs' nitro-devnode (Docker), same URL and chain id.
    NitroDevnode,
    /// Arbitrum Sepolia (421614).
    ArbitrumSepolia,
    /// Any RPC URL; the chain id is whatever it reports (mainnets still need --allow-mainnet).
    Custom,
}

impl Network {
    pub fn name(self) -> &'static str {
        match self {
            Network::Devnode => "devnode",
            Network::NitroDevnode => "nitro-devnode",
            Network::ArbitrumSepolia => "arbitrum-sepolia",
            Network::Custom => "custom",
        }
    }

    pub fn default_url(self) -> Option<&'static str> {
        match self {
            Network::Devnode | Network::NitroDevnode => Some(DEVNODE_URL),
            Network::ArbitrumSepolia => Some(ARBITRUM_SEPOLIA_URL),
            Network::Custom => None,
        }
    }

    pub fn chain_id(self) -> Option<u64> {
        match self {
            Network::Devnode | Network::NitroDevnode => Some(DEVNODE_CHAIN_ID),
            Network::ArbitrumSepolia => Some(ARBITRUM_SEPOLIA_CHAIN_ID),
            Network::Custom => None,
        }
    }

    /// A local development chain: the dev key is the default signer and time can be moved.
    pub fn is_dev(self) -> bool {
        matches!(self, Network::Devnode | Network::NitroDevnode)
    }
}

/// Where to connect, and which chain id to insist on.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub network: Network,
    pub url: String,
    /// `--chain-id`, else the network's own.
    pub expected_chain_id: Option<u64>,
    pub allow_mainnet: bool,
}

impl Endpoint {
    pub fn new(network: Network, url: Option<String>) -> Result<Self> {
        let url = match url.or_else(|| network.default_url().map(str::to_owned)) {
            Some(u) => u,
            None => {
                return Err(Error::Config(
                    "--network custom needs --rpc-url (or RPC_URL)".into(),
                ))
            }
        };
        Ok(Endpoint {
            network,
            url,
            expected_chain_id: network.chain_id(),
            allow_mainnet: false,
        })
    }

    /// The chain-id guard: the expected id, then the mainnet refusal.
    pub fn check_chain_id(&self, actual: u64) -> Result<()> {
        if let Some(expected) = self.expected_chain_id {
            if expected != actual {
                return Err(Error::WrongChain {
                    network: self.network.name().into(),
                    url: self.url.clone(),
                    expected,
                    actual,
                });
            }
        }
        if MAINNET_CHAIN_IDS.contains(&actual) && !self.allow_mainnet {
            return Err(Error::MainnetRefused(actual));
        }
        Ok(())
    }
}

/// Where the signing key comes from.
#[derive(Clone, Debug, Default)]
pub struct KeyArgs {
    /// Hex private key (`--private-key`, `PRIVATE_KEY`, `.env`).
    pub private_key: Option<String>,
    /// An encrypted JSON keystore (Web3 Secret Storage).
    pub keystore: Option<PathBuf>,
    /// File holding the keystore's password (else `KEYSTORE_PASSWORD`).
    pub password_file: Option<PathBuf>,
}

impl KeyArgs {
    /// The signer, or `None` when no key was given and the network is not a dev chain.
    pub fn signer(&self, network: Network) -> Result<Option<PrivateKeySigner>> {
        if let Some(k) = &self.private_key {
            return parse_key(k).map(Some);
        }
        if let Some(path) = &self.keystore {
            let password = match &self.password_file {
                Some(p) => std::fs::read_to_string(p)
                    .map_err(|e| Error::io(p, e))?
                    .trim_end_matches(['\n', '\r'])
                    .to_owned(),
                None => std::env::var("KEYSTORE_PASSWORD").map_err(|_| {
                    Error::Config(
                        "the keystore needs a password: --password-file FILE or KEYSTORE_PASSWORD"
                            .into(),
                    )
                })?,
            };
            return decrypt_keystore(path, &password).map(Some);
        }
        if network.is_dev() {
            return parse_key(DEV_KEY).map(Some);
        }
        Ok(None)
    }
}

pub fn parse_key(hex: &str) -> Result<PrivateKeySigner> {
    hex.trim()
        .parse::<PrivateKeySigner>()
        .map_err(|_| Error::Config("the private key is not 32 bytes of hex".into()))
}

pub fn decrypt_keystore(path: &Path, password: &str) -> Result<PrivateKeySigner> {
    PrivateKeySigner::decrypt_keystore(path, password)
        .map_err(|e| Error::Config(format!("cannot open keystore {}: {e}", path.display())))
}

/// Loads `.env` from the working directory (or a parent) into the environment without
/// overriding variables already set. Missing `.env` is fine.
pub fn load_dotenv() {
    let _ = dotenvy::dotenv();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_guard() {
        let e = Endpoint::new(Network::ArbitrumSepolia, Some("http://x".into())).unwrap();
        assert!(matches!(
            e.check_chain_id(DEVNODE_CHAIN_ID),
            Err(Error::WrongChain {
                expected: 421_614,
                actual: 412_346,
                ..
            })
        ));
        assert!(e.check_chain_id(ARBITRUM_SEPOLIA_CHAIN_ID).is_ok());
        let mut c = Endpoint::new(Network::Custom, Some("http://x".into())).unwrap();
        assert!(matches!(
            c.check_chain_id(42_161),
            Err(Error::MainnetRefused(42_161))
        ));
        assert!(matches!(
            c.check_chain_id(42_170),
            Err(Error::MainnetRefused(42_170))
        ));
        c.allow_mainnet = true;
        assert!(c.check_chain_id(42_161).is_ok());
        assert!(Endpoint::new(Network::Custom, None).is_err());
    }

    #[test]
    fn keys() {
        let dev = KeyArgs::default()
            .signer(Network::Devnode)
            .unwrap()
            .unwrap();
        assert_eq!(
            dev.address(),
            alloy::primitives::address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E")
        );
        assert!(KeyArgs::default()
            .signer(Network::ArbitrumSepolia)
            .unwrap()
            .is_none());
        assert!(parse_key("0x12").is_err());
    }

    #[test]
    fn keystore_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut rng = rand_core_compat();
        let (signer, name) =
            PrivateKeySigner::new_keystore(dir.path(), &mut rng, "pw", None).unwrap();
        let path = dir.path().join(name);
        let pw = dir.path().join("pw.txt");
        std::fs::write(&pw, "pw\n").unwrap();
        let args = KeyArgs {
            keystore: Some(path.clone()),
            password_file: Some(pw),
            ..KeyArgs::default()
        };
        let got = args.signer(Network::ArbitrumSepolia).unwrap().unwrap();
        assert_eq!(got.address(), signer.address());
        assert!(decrypt_keystore(&path, "wrong").is_err());
    }

    fn rand_core_compat() -> impl alloy::signers::k256::elliptic_curve::rand_core::CryptoRngCore {
        alloy::signers::k256::elliptic_curve::rand_core::OsRng
    }
}
