//! EVM contracts the tests deploy next to the Stylus programs: a 6-decimal stablecoin and
//! a malicious re-entrant payment token (`tests/e2e/solidity/*.sol`). They are compiled
//! at test time with the npm `solc` of `tests/clients` (`npm ci --prefix tests/clients`),
//! the output cached under `target/e2e-solidity/` by a hash of the sources; no compiled
//! artifact is committed.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use alloy::primitives::{keccak256, Address, Bytes};
use alloy::sol;

use crate::env::{repo_root, Env};

sol! {
    /// `TestUSD` (6 decimals, anyone may mint); the ERC-20 methods are `IRewardToken`'s.
    #[sol(rpc)]
    #[derive(Debug)]
    interface ITestUSD {
        function mint(address to, uint256 amount) external;
        function decimals() external view returns (uint8);
    }

    /// `ReentrantToken`: re-enters `target` with `data` on every transfer once armed.
    #[sol(rpc)]
    #[derive(Debug)]
    interface IReentrantToken {
        function mint(address to, uint256 amount) external;
        function arm(address target, bytes data, bool bubble) external;
        function disarm() external;
        function attempts() external view returns (uint256);
        function lastOk() external view returns (bool);
        function lastRet() external view returns (bytes);
    }
}

const SOURCES: [&str; 1] = ["TestTokens.sol"];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("solidity")
}

/// `{ "<Contract>": { "abi", "bytecode" } }`, compiled once per source version.
pub fn artifacts() -> &'static serde_json::Value {
    static A: OnceLock<serde_json::Value> = OnceLock::new();
    A.get_or_init(|| {
        let mut fingerprint = Vec::new();
        for f in SOURCES.iter().chain(&["compile.mjs"]) {
            fingerprint.extend(std::fs::read(dir().join(f)).expect("a Solidity source"));
        }
        let cache = repo_root().join("target/e2e-solidity");
        std::fs::create_dir_all(&cache).expect("mkdir target/e2e-solidity");
        let out = cache.join(format!("{}.json", keccak256(&fingerprint)));
        if !out.is_file() {
            let solc = repo_root().join("tests/clients/node_modules/solc");
            assert!(
                solc.is_dir(),
                "the e2e tests compile Solidity with npm solc: run `npm ci --prefix tests/clients`"
            );
            let status = Command::new("node")
                .arg(dir().join("compile.mjs"))
                .arg(&out)
                .args(SOURCES.iter().map(|f| dir().join(f)))
                .status()
                .expect("node runs");
            assert!(status.success(), "solc failed on tests/e2e/solidity");
        }
        serde_json::from_slice(&std::fs::read(&out).expect("the compiled output"))
            .expect("JSON from compile.mjs")
    })
}

/// The creation code of a contract of `tests/e2e/solidity`.
pub fn bytecode(name: &str) -> Bytes {
    let hex = artifacts()[name]["bytecode"]
        .as_str()
        .unwrap_or_else(|| panic!("no contract {name} in tests/e2e/solidity"));
    hex.parse().expect("hex bytecode")
}

impl Env {
    /// Deploys a contract of `tests/e2e/solidity` (constructors without arguments).
    pub async fn deploy_solidity(&self, name: &str) -> Address {
        self.deploy_evm(bytecode(name).to_vec()).await
    }

    /// A fresh 6-decimal stablecoin, allow-listed as a payment token by the admin.
    pub async fn stablecoin(&self) -> Address {
        let usd = self.deploy_solidity("TestUSD").await;
        self.allow_payment_token(usd).await;
        usd
    }

    pub async fn allow_payment_token(&self, token: Address) {
        self.admin
            .must(self.admin.registry().setPaymentToken(token, true))
            .await;
    }

    /// Mints `amount` of a test token (`TestUSD` or `ReentrantToken`) to `to`.
    pub async fn mint_test_token(
        &self,
        token: Address,
        to: Address,
        amount: alloy::primitives::U256,
    ) {
        self.admin
            .must(ITestUSD::new(token, self.admin.p()).mint(to, amount))
            .await;
    }
}
