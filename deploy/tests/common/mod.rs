//! Shared by the integration tests: an in-process devnode on an ephemeral port and a
//! connection to it.

#![allow(dead_code)]

pub mod chain;
pub mod proxy;

use std::path::Path;
use std::process::{Command, Output};

use devnode::rpc::{Node, NodeConfig, NodeHandle};
use labelchain::chain::{connect, Conn};
use labelchain::commands::deploy::DeployOptions;
use labelchain::config::{parse_key, Endpoint, Network, DEV_KEY};

pub fn node() -> NodeHandle {
    assert!(
        labelchain::programs::default_dir()
            .join("reward_token.deploy")
            .is_file(),
        "these tests deploy the real programs: run `cd contracts && cargo packager build` first"
    );
    Node::start(NodeConfig {
        port: 0,
        accounts: 5,
        ..NodeConfig::default()
    })
    .expect("devnode starts")
}

pub async fn dev_conn(url: &str) -> Conn {
    let endpoint = Endpoint::new(Network::Devnode, Some(url.into())).unwrap();
    connect(&endpoint, Some(parse_key(DEV_KEY).unwrap()))
        .await
        .expect("connects")
}

pub fn options(dir: &Path) -> DeployOptions {
    DeployOptions {
        deployments_dir: dir.to_path_buf(),
        build_if_missing: false,
        auditors: vec![alloy::primitives::Address::repeat_byte(0xa1)],
        ..DeployOptions::default()
    }
}

/// Files in a directory (none if it does not exist).
pub fn files(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(rd) => {
            let mut v: Vec<String> = rd
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            v.sort();
            v
        }
        Err(_) => vec![],
    }
}

/// The binary, run in `dir` (so no `.env` of the repository is read) with none of the
/// variables it reads set from outside.
pub fn labelchain(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_labelchain"));
    c.current_dir(dir);
    for v in [
        "RPC_URL",
        "PRIVATE_KEY",
        "NETWORK",
        "KEYSTORE",
        "KEYSTORE_PASSWORD",
        "LABELCHAIN_DEPLOYMENTS",
        "LABELCHAIN_SALTS",
    ] {
        c.env_remove(v);
    }
    c
}

pub fn run(c: &mut Command) -> (bool, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = c.output().expect("the binary runs");
    (
        status.success(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}
