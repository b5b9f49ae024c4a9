// OpenZeppelin's StandardMerkleTree over (uint256 index, bytes32 contentHash) leaves, as
// an independent check of the labelchain manifest's dataRoot and proofs.
// Usage: node oz-merkle.mjs '[["0","0x…"],…]'  ->  {"root":"0x…","proofs":[["0x…",…],…]}
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

const values = JSON.parse(process.argv[2]);
const tree = StandardMerkleTree.of(values, ["uint256", "bytes32"]);
const proofs = values.map((_, i) => tree.getProof(i));
console.log(JSON.stringify({ root: tree.root, proofs }));
