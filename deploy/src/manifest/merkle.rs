//! The items' Merkle tree, as OpenZeppelin's `StandardMerkleTree` builds it for leaves
//! `(uint256 index, bytes32 contentHash)`: leaf = keccak256(keccak256(abi.encode(index,
//! hash))), leaves sorted, sorted-pair hashing, OZ's array layout. The DatasetRegistry
//! checks proofs against this root (contracts/dataset-registry/src/merkle.rs), so the root
//! and proofs here must match OZ's byte for byte (deploy/tests/manifest.rs checks that
//! against `@openzeppelin/merkle-tree`).

use alloy::primitives::{keccak256, B256, U256};
use alloy::sol_types::SolValue;

/// The leaf of item `index` with content hash `content`.
pub fn leaf(index: u64, content: B256) -> B256 {
    keccak256(keccak256((U256::from(index), content).abi_encode()))
}

fn hash_pair(a: B256, b: B256) -> B256 {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    keccak256([lo.as_slice(), hi.as_slice()].concat())
}

/// A built tree: `nodes[0]` is the root; sorted leaf `i` sits at `nodes[len - 1 - i]`,
/// and the parent of node `j` is `(j - 1) / 2` (OZ's `makeMerkleTree`).
#[derive(Clone, Debug)]
pub struct Tree {
    nodes: Vec<B256>,
    /// `position[k]`: where the leaf given `k`-th to [`Tree::new`] sits in `nodes`.
    position: Vec<usize>,
}

impl Tree {
    /// The tree of `leaves` (in item order); `None` for no leaves (OZ refuses an empty tree).
    pub fn new(leaves: &[B256]) -> Option<Tree> {
        let n = leaves.len();
        if n == 0 {
            return None;
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&k| leaves[k]);
        let mut nodes = vec![B256::ZERO; 2 * n - 1];
        let mut position = vec![0; n];
        for (sorted, &k) in order.iter().enumerate() {
            let at = 2 * n - 2 - sorted;
            nodes[at] = leaves[k];
            position[k] = at;
        }
        for j in (0..n - 1).rev() {
            nodes[j] = hash_pair(nodes[2 * j + 1], nodes[2 * j + 2]);
        }
        Some(Tree { nodes, position })
    }

    pub fn root(&self) -> B256 {
        self.nodes[0]
    }

    /// The proof of the `k`-th leaf given to [`Tree::new`]: its siblings, leaf to root.
    pub fn proof(&self, k: usize) -> Option<Vec<B256>> {
        let mut j = *self.position.get(k)?;
        let mut proof = Vec::new();
        while j > 0 {
            let sibling = if j % 2 == 1 { j + 1 } else { j - 1 };
            proof.push(self.nodes[sibling]);
            j = (j - 1) / 2;
        }
        Some(proof)
    }
}

/// Whether `proof` leads from `leaf` to `root` (OZ's `MerkleProof.verify`).
pub fn verify(root: B256, leaf: B256, proof: &[B256]) -> bool {
    proof.iter().fold(leaf, |acc, p| hash_pair(acc, *p)) == root
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: u64) -> Vec<B256> {
        (0..n)
            .map(|i| leaf(i, keccak256(format!("item {i}"))))
            .collect()
    }

    #[test]
    fn every_proof_of_every_size_verifies_and_a_wrong_leaf_does_not() {
        for n in [1u64, 2, 3, 5, 7, 8, 64] {
            let l = leaves(n);
            let t = Tree::new(&l).expect("non-empty");
            for (k, lf) in l.iter().enumerate() {
                let p = t.proof(k).expect("in range");
                assert!(verify(t.root(), *lf, &p), "n={n} k={k}");
                assert!(!verify(t.root(), leaf(99, B256::ZERO), &p), "n={n} k={k}");
            }
            assert!(t.proof(l.len()).is_none());
        }
    }

    #[test]
    fn a_single_leaf_is_its_own_root() {
        let l = leaves(1);
        let t = Tree::new(&l).expect("non-empty");
        assert_eq!(t.root(), l[0]);
        assert!(t.proof(0).expect("in range").is_empty());
    }

    #[test]
    fn no_leaves_is_no_tree() {
        assert!(Tree::new(&[]).is_none());
    }
}
