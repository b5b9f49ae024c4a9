//! The benchmark's items: `n` synthetic items built in memory (no files), each with the
//! SHA-256 of a deterministic string as its content hash, and the label it is given.

use alloy::primitives::{keccak256, B256};
use labelchain::manifest::{Item, Manifest};
use sha2::{Digest, Sha256};

/// CIFAR-10's class names: a realistic class count for an image task.
pub const CLASSES: [&str; 10] = [
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
];

/// The bytes item `i` stands for (never written: only its hash is in the manifest).
fn content(i: u32) -> String {
    format!("labelchain export-bench item {i}")
}

/// The manifest of items `0..n` with their proofs, built through the library
/// (`Manifest::from_items`, `with_proofs`).
pub fn manifest(n: u32) -> Manifest {
    let items = (0..n)
        .map(|index| Item {
            index,
            uri: format!("synthetic://export-bench/{index}.txt"),
            sha256: B256::from_slice(&Sha256::digest(content(index))),
            media_type: Some("text/plain".into()),
            metadata: None,
            proof: None,
        })
        .collect();
    Manifest::from_items(items)
        .expect("indices run 0..n")
        .with_proofs()
}

/// Item `i`'s label: spread over every class, the same on every run.
pub fn label(i: u32) -> u8 {
    keccak256(i.to_be_bytes())[0] % CLASSES.len() as u8
}
