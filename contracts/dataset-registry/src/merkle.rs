//! OpenZeppelin's Merkle proof verifier, fed the host's keccak.
//!
//! `openzeppelin_crypto::merkle::Verifier::verify` hashes with a software keccak compiled
//! into the program; its `verify_with_builder` takes any hasher, so this one buffers the
//! pair and hands it to `native_keccak256` instead: same proofs, less WASM, less ink.

use alloc::vec::Vec;
use alloy_primitives::B256;
use labelchain_protocol::math::keccak;
use openzeppelin_crypto::{
    hash::{BuildHasher, Hasher},
    merkle::Verifier,
};

/// Builds [`NativeKeccak`] hashers for the OZ verifier.
pub struct NativeKeccakBuilder;

/// Buffers its input, hashes it with the host on `finalize`.
#[derive(Default)]
pub struct NativeKeccak(Vec<u8>);

impl Hasher for NativeKeccak {
    type Output = [u8; 32];

    fn update(&mut self, input: impl AsRef<[u8]>) {
        self.0.extend_from_slice(input.as_ref());
    }

    fn finalize(self) -> [u8; 32] {
        keccak(&self.0).0
    }
}

impl BuildHasher for NativeKeccakBuilder {
    type Hasher = NativeKeccak;

    fn build_hasher(&self) -> NativeKeccak {
        NativeKeccak(Vec::with_capacity(64))
    }
}

/// Whether `leaf` is in the tree with `root` (sorted-pair hashing, as OZ's `MerkleProof`).
pub fn verify(proof: &[B256], root: B256, leaf: B256) -> bool {
    let proof: Vec<[u8; 32]> = proof.iter().map(|p| p.0).collect();
    Verifier::verify_with_builder(&proof, root.0, leaf.0, &NativeKeccakBuilder)
}
