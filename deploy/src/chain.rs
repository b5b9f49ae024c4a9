//! Chain access: the connection (RPC reachable, chain-id guard), sending a transaction
//! and waiting for its receipt, and turning RPC failures into [`Error`]s with the revert
//! decoded.

use std::time::Duration;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::transports::{RpcError, TransportError};

use crate::config::Endpoint;
use crate::error::{Error, Result};
use crate::errors;

/// A connection to a chain whose id passed the guard, with an optional signer.
#[derive(Clone)]
pub struct Conn {
    pub provider: DynProvider,
    pub endpoint: Endpoint,
    pub chain_id: u64,
    pub signer: Option<Address>,
    /// How long to wait for a receipt.
    pub timeout: Duration,
}

/// The outcome of a mined, successful transaction.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sent {
    pub tx_hash: B256,
    pub block: u64,
    pub gas_used: u64,
    /// Gas used × effective gas price (+ value that stayed on chain is not included).
    pub fee_wei: U256,
    /// The receipt's logs (for events such as `TaskCreated`).
    #[serde(skip)]
    pub logs: Vec<alloy::rpc::types::Log>,
}

impl Sent {
    fn from_receipt(r: &TransactionReceipt) -> Self {
        Sent {
            tx_hash: r.transaction_hash,
            block: r.block_number.unwrap_or_default(),
            gas_used: r.gas_used,
            fee_wei: U256::from(r.gas_used) * U256::from(r.effective_gas_price),
            logs: r.inner.logs().to_vec(),
        }
    }
}

/// Connects, asks the chain id (an unreachable RPC fails here) and applies the guard.
pub async fn connect(endpoint: &Endpoint, signer: Option<PrivateKeySigner>) -> Result<Conn> {
    let url: alloy::transports::http::reqwest::Url = endpoint
        .url
        .parse()
        .map_err(|e| Error::Config(format!("invalid RPC URL {}: {e}", endpoint.url)))?;
    let address = signer.as_ref().map(PrivateKeySigner::address);
    let provider = match signer {
        Some(s) => ProviderBuilder::new()
            .wallet(EthereumWallet::from(s))
            .connect_http(url)
            .erased(),
        None => ProviderBuilder::new().connect_http(url).erased(),
    };
    let chain_id =
        match tokio::time::timeout(Duration::from_secs(15), provider.get_chain_id()).await {
            Ok(Ok(id)) => id,
            Ok(Err(e)) => {
                return Err(Error::Unreachable {
                    url: endpoint.url.clone(),
                    reason: root_cause(&e),
                })
            }
            Err(_) => {
                return Err(Error::Unreachable {
                    url: endpoint.url.clone(),
                    reason: "no answer within 15 s".into(),
                })
            }
        };
    endpoint.check_chain_id(chain_id)?;
    Ok(Conn {
        provider,
        endpoint: endpoint.clone(),
        chain_id,
        signer: address,
        timeout: Duration::from_secs(120),
    })
}

/// The innermost message of an error chain (`Connection refused (os error 111)`).
pub fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &dyn std::error::Error = e;
    let mut msg = cur.to_string();
    while let Some(next) = cur.source() {
        cur = next;
        msg = cur.to_string();
    }
    msg
}

/// Turns an RPC failure of `what` into an error: reverts decoded, lack of funds named,
/// transport failures as unreachable.
pub fn rpc_error(conn_url: &str, what: &str, e: &TransportError, from: Option<Address>) -> Error {
    if let Some(payload) = e.as_error_resp() {
        if let Some(data) = payload.as_revert_data() {
            return Error::Revert {
                what: what.into(),
                revert: Box::new(errors::decode(&data)),
            };
        }
        let msg = payload.message.to_lowercase();
        if msg.contains("insufficient funds") || msg.contains("lack of funds") {
            return Error::Unfunded {
                address: from.unwrap_or_default(),
                balance: "not enough".into(),
                needed: format!("more (the node said: {})", payload.message),
            };
        }
        if msg.contains("revert") {
            return Error::Revert {
                what: what.into(),
                revert: Box::new(errors::decode(&[])),
            };
        }
        return Error::rpc(what, &payload.message);
    }
    match e {
        RpcError::Transport(_) => Error::Unreachable {
            url: conn_url.into(),
            reason: root_cause(e),
        },
        other => Error::rpc(what, other),
    }
}

/// The same for errors of alloy's contract call builders.
pub fn contract_error(conn: &Conn, what: &str, e: alloy::contract::Error) -> Error {
    match e {
        alloy::contract::Error::TransportError(t) => rpc_error(&conn.endpoint.url, what, &t, conn.signer),
        alloy::contract::Error::ZeroData(name, _) => Error::Mismatch {
            step: what.into(),
            detail: format!("`{name}` returned no data: no contract (or not an activated program) at that address"),
        },
        other => Error::rpc(what, other),
    }
}

impl Conn {
    /// The same chain with another signer (demo accounts).
    pub fn with_signer(&self, signer: PrivateKeySigner) -> Result<Conn> {
        let url: alloy::transports::http::reqwest::Url =
            self.endpoint.url.parse().map_err(|e| {
                Error::Config(format!("invalid RPC URL {}: {e}", self.endpoint.url))
            })?;
        let address = signer.address();
        let provider = ProviderBuilder::new()
            .wallet(EthereumWallet::from(signer))
            .connect_http(url)
            .erased();
        Ok(Conn {
            provider,
            signer: Some(address),
            ..self.clone()
        })
    }

    pub fn from(&self) -> Result<Address> {
        self.signer.ok_or_else(|| {
            Error::Config(
                "this needs a signing key: --private-key / PRIVATE_KEY / .env, or --keystore"
                    .into(),
            )
        })
    }

    pub fn is_dev(&self) -> bool {
        self.endpoint.network.is_dev() || self.chain_id == crate::config::DEVNODE_CHAIN_ID
    }

    fn err(&self, what: &str, e: &TransportError) -> Error {
        rpc_error(&self.endpoint.url, what, e, self.signer)
    }

    pub async fn balance(&self, who: Address) -> Result<U256> {
        self.provider
            .get_balance(who)
            .await
            .map_err(|e| self.err("eth_getBalance", &e))
    }

    pub async fn code(&self, at: Address) -> Result<alloy::primitives::Bytes> {
        self.provider
            .get_code_at(at)
            .await
            .map_err(|e| self.err("eth_getCode", &e))
    }

    pub async fn gas_price(&self) -> Result<u128> {
        self.provider
            .get_gas_price()
            .await
            .map_err(|e| self.err("eth_gasPrice", &e))
    }

    /// The genesis block's hash: tells one devnode run from another.
    pub async fn genesis_hash(&self) -> Result<B256> {
        let block = self
            .provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Number(0))
            .await
            .map_err(|e| self.err("eth_getBlockByNumber(0)", &e))?
            .ok_or_else(|| Error::rpc("eth_getBlockByNumber(0)", "no genesis block"))?;
        Ok(block.header.hash)
    }

    /// Estimates, sends from the signer and waits for the receipt. A revert at estimation
    /// is decoded and nothing is sent; a transaction that fails on chain is replayed with
    /// `eth_call` to get its revert.
    pub async fn send(&self, what: &str, mut tx: TransactionRequest) -> Result<Sent> {
        let from = self.from()?;
        tx.set_from(from);
        if tx.gas.is_none() {
            let gas = self
                .provider
                .estimate_gas(tx.clone())
                .await
                .map_err(|e| self.err(what, &e))?;
            // Stylus execution is metered in ink; leave headroom over the estimate.
            tx.set_gas_limit(gas + gas / 5 + 20_000);
        }
        let pending = self
            .provider
            .send_transaction(tx.clone())
            .await
            .map_err(|e| self.err(what, &e))?;
        let hash = *pending.tx_hash();
        let receipt = self.wait(what, hash).await?;
        if !receipt.status() {
            let block = receipt.block_number.unwrap_or_default();
            let before = alloy::eips::BlockId::number(block.saturating_sub(1));
            // Replayed on the state before its block (the devnode keeps recent blocks'
            // state, as anvil and geth do) to recover the revert reason.
            let replay = self.provider.call(tx).block(before).await;
            return Err(match replay {
                Err(e) => match self.err(what, &e) {
                    Error::Revert { what, revert } => Error::Revert { what, revert },
                    _ => Error::TxFailed {
                        what: what.into(),
                        hash,
                        detail: "status 0".into(),
                    },
                },
                Ok(_) => Error::TxFailed {
                    what: what.into(),
                    hash,
                    detail: format!("status 0, gas used {}", receipt.gas_used),
                },
            });
        }
        Ok(Sent::from_receipt(&receipt))
    }

    /// Polls for a receipt until [`Conn::timeout`].
    pub async fn wait(&self, what: &str, hash: B256) -> Result<TransactionReceipt> {
        let start = std::time::Instant::now();
        let mut delay = Duration::from_millis(20);
        loop {
            match self.provider.get_transaction_receipt(hash).await {
                Ok(Some(r)) => return Ok(r),
                Ok(None) => {}
                Err(e) => return Err(self.err(what, &e)),
            }
            if start.elapsed() > self.timeout {
                return Err(Error::TxTimeout {
                    what: what.into(),
                    hash,
                    secs: self.timeout.as_secs(),
                });
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(2));
        }
    }

    /// Mines a block `seconds` after the latest one (`evm_setNextBlockTimestamp` +
    /// `evm_mine`; dev chains only). Relative to the latest block rather than the wall
    /// clock, because instant mining runs block time ahead of the clock (one second per
    /// block at least).
    pub async fn advance(&self, seconds: u64) -> Result<u64> {
        if !self.is_dev() {
            return Err(Error::Config(
                "moving time only works on a dev chain (devnode, nitro-devnode)".into(),
            ));
        }
        let target = self.now().await? + seconds.max(1);
        let _: serde_json::Value = self
            .provider
            .raw_request("evm_setNextBlockTimestamp".into(), (target,))
            .await
            .map_err(|e| self.err("evm_setNextBlockTimestamp", &e))?;
        let _: serde_json::Value = self
            .provider
            .raw_request("evm_mine".into(), ())
            .await
            .map_err(|e| self.err("evm_mine", &e))?;
        self.now().await
    }

    /// The latest block's timestamp.
    pub async fn now(&self) -> Result<u64> {
        let block = self
            .provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await
            .map_err(|e| self.err("eth_getBlockByNumber", &e))?
            .ok_or_else(|| Error::rpc("eth_getBlockByNumber", "no latest block"))?;
        Ok(block.header.timestamp)
    }
}
