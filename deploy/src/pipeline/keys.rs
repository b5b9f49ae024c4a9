//! Whose key is whose: a pipeline's on-chain address from its X25519 public key, and where
//! the requester keeps each version's data key.

use std::path::{Path, PathBuf};

use alloy::primitives::{keccak256, Address};
use labelchain_access::Recipient;

/// The domain of [`pipeline_address`], so the address cannot collide with one derived from
/// the same 32 bytes for another purpose.
pub const PIPELINE_ADDRESS_DOMAIN: &[u8] = b"labelchain-pipeline-v1:";

/// The address `grantAccess` files a pipeline's wrapped key under when it is named by its
/// public key: the last 20 bytes of keccak256(domain ‖ X25519 public key), as an Ethereum
/// address is derived from its public key. A pipeline then needs no Ethereum account; one
/// that has one may be granted under it instead (`--pipeline ADDRESS --pubkey age1…`).
pub fn pipeline_address(r: &Recipient) -> Address {
    let mut pre = PIPELINE_ADDRESS_DOMAIN.to_vec();
    pre.extend_from_slice(r.as_bytes());
    Address::from_slice(&keccak256(&pre)[12..])
}

/// Where `dataset publish --encrypt` keeps the data key of `task`'s `version` on `chain_id`
/// (an age identity file, mode 0600). Only this file lets the requester grant the version
/// later; losing it means publishing a new version (with a new key).
pub fn data_key_path(deployments: &Path, chain_id: u64, task: u64, version: u32) -> PathBuf {
    deployments
        .join("keys")
        .join(chain_id.to_string())
        .join(format!("task-{task}-v{version}.key"))
}

/// The encrypted copy of an export waiting to be uploaded: kept until the version is on
/// chain, so a failed upload resumes with the same ciphertext (a fresh encryption would
/// differ in every byte and defeat the store's skip-if-same-hash).
pub fn staging_dir(deployments: &Path, chain_id: u64, task: u64, version: u32) -> PathBuf {
    deployments
        .join("staging")
        .join(chain_id.to_string())
        .join(format!("task-{task}-v{version}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pipeline_address_is_the_domain_separated_keccak_of_its_key() {
        let id = labelchain_access::Identity::generate();
        let r = id.recipient();
        let a = pipeline_address(&r);
        assert_eq!(a, pipeline_address(&r), "deterministic");
        let plain = Address::from_slice(&keccak256(r.as_bytes())[12..]);
        assert_ne!(a, plain, "not the undomained hash");
        let other = labelchain_access::Identity::generate().recipient();
        assert_ne!(a, pipeline_address(&other));
    }
}
