// The items' Merkle root as the CLI (deploy/src/manifest/merkle.rs) and the DatasetRegistry
// build it: OpenZeppelin's StandardMerkleTree over (uint256 index, bytes32 sha256) leaves,
// leaf = keccak256(keccak256(abi.encode(index, sha256))), leaves sorted, sorted-pair
// hashing, OZ's array layout. The Chromium test checks it equals the task's dataRoot,
// which the CLI computed.
import { concat, encodeAbiParameters, keccak256, type Hex } from 'viem';

export function leaf(index: number, sha256: Hex): Hex {
  return keccak256(keccak256(encodeAbiParameters([{ type: 'uint256' }, { type: 'bytes32' }], [BigInt(index), sha256])));
}

function hashPair(a: Hex, b: Hex): Hex {
  return BigInt(a) <= BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

/** The root over `leaves` (in item order); undefined for none. */
export function root(leaves: Hex[]): Hex | undefined {
  const n = leaves.length;
  if (n === 0) return undefined;
  const sorted = [...leaves].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : BigInt(x) > BigInt(y) ? 1 : 0));
  const nodes: Hex[] = new Array(2 * n - 1);
  sorted.forEach((l, i) => (nodes[2 * n - 2 - i] = l));
  for (let j = n - 2; j >= 0; j--) nodes[j] = hashPair(nodes[2 * j + 1] as Hex, nodes[2 * j + 2] as Hex);
  return nodes[0];
}
