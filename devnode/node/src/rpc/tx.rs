//! Signed transactions: decoding raw bytes (legacy incl. pre-EIP-155, EIP-2930, EIP-1559)
//! with `alloy-consensus`, signer recovery, and signing for the unlocked accounts.

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{SignableTransaction, Signed, Transaction, TxEnvelope};
use alloy_eips::eip2718::{Decodable2718, Encodable2718};
use alloy_primitives::Signature;
use k256::ecdsa::SigningKey;
use revm::primitives::{Address, Bytes, B256};

use crate::TxRequest;

/// Why raw transaction bytes were refused before execution.
#[derive(Debug, thiserror::Error)]
pub enum TxError {
    #[error("empty transaction bytes")]
    Empty,
    #[error("rlp: {0}")]
    Decode(String),
    #[error("invalid sender: the signature does not recover to an address")]
    Signature,
    #[error("invalid chain id: have {have}, want {want}")]
    ChainId { have: u64, want: u64 },
    #[error(
        "transaction type {0} is not supported by the devnode (legacy, EIP-2930 and EIP-1559 are)"
    )]
    Unsupported(u8),
    #[error("max priority fee per gas higher than max fee per gas")]
    PriorityFee,
    #[error("signing failed: {0}")]
    Sign(String),
}

/// A decoded, signature-checked transaction.
#[derive(Clone, Debug)]
pub struct SignedTx {
    pub envelope: TxEnvelope,
    pub from: Address,
    pub raw: Bytes,
}

impl SignedTx {
    pub fn hash(&self) -> B256 {
        *self.envelope.tx_hash()
    }

    /// The chain's view of it: the signed nonce, gas limit and fee cap are kept, so the
    /// chain refuses a wrong nonce or an unaffordable fee as nitro does.
    pub fn request(&self) -> TxRequest {
        let e = &self.envelope;
        TxRequest {
            from: self.from,
            to: e.to(),
            input: e.input().clone(),
            value: e.value(),
            gas_limit: Some(e.gas_limit()),
            nonce: Some(e.nonce()),
            gas_price: Some(e.max_fee_per_gas()),
            hash: Some(self.hash()),
            access_list: e.access_list().cloned().unwrap_or_default(),
        }
    }
}

/// Decodes raw bytes (EIP-2718 envelope, nothing trailing), recovers the signer and checks
/// the chain id (a pre-EIP-155 legacy transaction carries none and is accepted, as anvil
/// accepts it: deterministic deployment proxies need it).
pub fn decode(raw: &[u8], chain_id: u64) -> Result<SignedTx, TxError> {
    if raw.is_empty() {
        return Err(TxError::Empty);
    }
    let envelope =
        TxEnvelope::decode_2718_exact(raw).map_err(|e| TxError::Decode(e.to_string()))?;
    match &envelope {
        TxEnvelope::Legacy(_) | TxEnvelope::Eip2930(_) | TxEnvelope::Eip1559(_) => {}
        other => return Err(TxError::Unsupported(other.tx_type() as u8)),
    }
    if let Some(have) = envelope.chain_id() {
        if have != chain_id {
            return Err(TxError::ChainId {
                have,
                want: chain_id,
            });
        }
    }
    if let Some(tip) = envelope.max_priority_fee_per_gas() {
        if tip > envelope.max_fee_per_gas() {
            return Err(TxError::PriorityFee);
        }
    }
    let from = envelope.recover_signer().map_err(|_| TxError::Signature)?;
    Ok(SignedTx {
        envelope,
        from,
        raw: Bytes::copy_from_slice(raw),
    })
}

/// Signs `tx` with `key` (used by `eth_sendTransaction` and by tests).
pub fn sign<T: SignableTransaction<Signature>>(
    tx: T,
    key: &SigningKey,
) -> Result<Signed<T>, TxError> {
    let hash = tx.signature_hash();
    let (sig, recid) = key
        .sign_prehash_recoverable(hash.as_slice())
        .map_err(|e| TxError::Sign(e.to_string()))?;
    Ok(tx.into_signed(Signature::from((sig, recid))))
}

/// The EIP-2718 bytes of a signed transaction.
pub fn encode<T>(signed: Signed<T>) -> Bytes
where
    TxEnvelope: From<Signed<T>>,
{
    TxEnvelope::from(signed).encoded_2718().into()
}
