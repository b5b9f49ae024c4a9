//! Transactions signed here with locally counted nonces and handed to the node with
//! `eth_sendRawTransaction`: no gas estimate, no nonce or fee lookup, no receipt polling.
//! On the devnode's instant mining the call returns once its block is mined, so each
//! sender runs its transactions back to back and several senders run side by side; the
//! receipts are checked afterwards, in the node's memory ([`crate::seed`]).

use alloy::eips::eip2718::Encodable2718;
use alloy::network::{EthereumWallet, NetworkTransactionBuilder as _, TransactionBuilder as _};
use alloy::primitives::{Address, Bytes, B256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::TransactionRequest;
use e2e::Actor;

/// A gas limit no batch of 64 comes near (the devnode caps a transaction at 32 M).
pub const BATCH_GAS: u64 = 20_000_000;

pub struct Sender {
    wallet: EthereumWallet,
    from: Address,
    nonce: u64,
    chain_id: u64,
    max_fee: u128,
    provider: DynProvider,
}

impl Sender {
    pub async fn new(actor: &Actor) -> Sender {
        let p = actor.p();
        let nonce = p
            .get_transaction_count(actor.addr)
            .await
            .expect("eth_getTransactionCount");
        let price = p.get_gas_price().await.expect("eth_gasPrice");
        Sender {
            wallet: EthereumWallet::from(actor.key.clone()),
            from: actor.addr,
            nonce,
            chain_id: actor.conn.chain_id,
            max_fee: price * 2,
            provider: p,
        }
    }

    /// Signs and sends one call to `to`; its hash. An RPC refusal (a wrong nonce, a fee
    /// the account cannot pay) is fatal: the benchmark's numbers would be wrong.
    pub async fn send(&mut self, to: Address, input: Bytes) -> B256 {
        let tx = TransactionRequest::default()
            .with_from(self.from)
            .with_to(to)
            .with_input(input)
            .with_nonce(self.nonce)
            .with_chain_id(self.chain_id)
            .with_gas_limit(BATCH_GAS)
            .with_max_fee_per_gas(self.max_fee)
            .with_max_priority_fee_per_gas(0);
        let envelope = tx.build(&self.wallet).await.expect("signs");
        let raw = envelope.encoded_2718();
        let pending = self
            .provider
            .send_raw_transaction(&raw)
            .await
            .unwrap_or_else(|e| panic!("nonce {} from {}: {e}", self.nonce, self.from));
        self.nonce += 1;
        *pending.tx_hash()
    }
}
