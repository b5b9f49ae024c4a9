// What a requester's browser computes before createTask, the same as the CLI's
// `task create --manifest`: the manifest's lines checked (deploy/src/manifest/mod.rs's
// rules), its dataRoot (./merkle, the DatasetRegistry's tree), the task metadata as a
// data: URI with the CLI's keys in the CLI's order (deploy/src/manifest/metadata.rs), and
// the bounty + fee the escrow takes (the registry's params().feeBps).
import { parseSignature, type Address, type Hex, type WalletClient } from 'viem';
import { leaf, root } from './merkle';
import type { ManifestItem } from './manifest';
import { sha256Hex } from './manifest';

export class ManifestFileError extends Error {}

const FIELDS = new Set(['index', 'uri', 'sha256', 'mediaType', 'metadata', 'proof']);

/** The manifest's items: one JSON object a line, index = line order from 0, a 64-hex
 *  sha256, no unknown field. The error names the line, as the CLI's does. */
export function parseManifestText(text: string): ManifestItem[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new ManifestFileError('the manifest has no items');
  return lines.map((line, n) => {
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new ManifestFileError(`line ${n + 1}: not JSON`);
    }
    const unknown = Object.keys(v).find((k) => !FIELDS.has(k));
    if (unknown !== undefined) throw new ManifestFileError(`line ${n + 1}: unknown field "${unknown}"`);
    if (v['index'] !== n) throw new ManifestFileError(`line ${n + 1}: index must be ${n} (items are numbered in line order)`);
    if (typeof v['uri'] !== 'string') throw new ManifestFileError(`line ${n + 1}: uri is required`);
    const sha = v['sha256'];
    if (typeof sha !== 'string' || !/^(0x)?[0-9a-fA-F]{64}$/.test(sha))
      throw new ManifestFileError(`line ${n + 1}: sha256 must be 64 hex digits`);
    const item: ManifestItem = { index: n, uri: v['uri'], sha256: sha.replace(/^0x/, '').toLowerCase() };
    if (typeof v['mediaType'] === 'string') item.mediaType = v['mediaType'];
    return item;
  });
}

export interface PickedManifest {
  items: ManifestItem[];
  dataRoot: Hex;
  sha256: string;
}

/** A manifest file's items, its dataRoot and its SHA-256 (which the metadata records). */
export async function readManifestFile(bytes: ArrayBuffer): Promise<PickedManifest> {
  const items = parseManifestText(new TextDecoder().decode(bytes));
  const dataRoot = root(items.map((it) => leaf(it.index, `0x${it.sha256}`))) as Hex;
  return { items, dataRoot, sha256: await sha256Hex(bytes) };
}

/** `data:application/json;base64,` of `{"classes","manifestSha256","manifestUri"}`, the
 *  keys the CLI writes, empty ones left out as serde's skip_serializing_if does. */
export function metadataUri(classes: string[], manifestSha256?: string, manifestUri?: string): string {
  const doc: Record<string, unknown> = {};
  if (classes.length > 0) doc['classes'] = classes;
  if (manifestSha256) doc['manifestSha256'] = manifestSha256;
  if (manifestUri) doc['manifestUri'] = manifestUri;
  const bytes = new TextEncoder().encode(JSON.stringify(doc));
  return `data:application/json;base64,${btoa(String.fromCharCode(...bytes))}`;
}

/** Class names from "cat, dog, bird": trimmed, none empty, none twice (the CLI's rules). */
export function parseClasses(s: string): string[] {
  const names = s.split(',').map((n) => n.trim());
  const empty = names.findIndex((n) => n === '');
  if (empty >= 0) throw new ManifestFileError(`class ${empty + 1} has an empty name`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new ManifestFileError(`"${twice}" is given twice; each label needs its own name`);
  if (names.length < 2) throw new ManifestFileError('a task needs at least two classes');
  return names;
}

/** What the escrow takes at createTask: bounty = items · k · reward, fee = bounty · feeBps / 10,000. */
export function cost(items: number, k: number, reward: bigint, feeBps: number): { bounty: bigint; fee: bigint } {
  const bounty = BigInt(items) * BigInt(k) * reward;
  return { bounty, fee: (bounty * BigInt(feeBps)) / 10_000n };
}

export interface PermitDomain {
  name: string;
  version: string;
  chainId: number;
  verifyingContract: Address;
}

/** One EIP-2612 signature letting `spender` take `value` of the token until `deadline`. */
export async function signPermit(
  wallet: WalletClient, owner: Address, domain: PermitDomain, spender: Address, value: bigint, nonce: bigint, deadline: bigint,
): Promise<{ v: number; r: Hex; s: Hex }> {
  const signature = await wallet.signTypedData({
    account: owner,
    domain,
    types: {
      Permit: [
        { name: 'owner', type: 'address' },
        { name: 'spender', type: 'address' },
        { name: 'value', type: 'uint256' },
        { name: 'nonce', type: 'uint256' },
        { name: 'deadline', type: 'uint256' },
      ],
    },
    primaryType: 'Permit',
    message: { owner, spender, value, nonce, deadline },
  });
  const sig = parseSignature(signature);
  return { v: Number(sig.v ?? BigInt(27 + (sig.yParity ?? 0))), r: sig.r, s: sig.s };
}

/** The CLI commands that turn the task's final labels into a dataset, for the requester
 *  to copy (`labelchain dataset export`, `verify`, `publish`; the arguments the CLI takes).
 *  `publish` records where the export is stored, which only the requester knows. */
export function datasetCommands(task: bigint, manifest: string, rpcUrl: string): string[] {
  const out = `task-${task}-labels`;
  const cli = `labelchain --rpc-url ${rpcUrl}`;
  return [
    `${cli} dataset export --task ${task} --manifest ${manifest} ${out}`,
    `${cli} dataset verify ${out} --task ${task} --manifest ${manifest}`,
    `${cli} dataset publish ${out} --uri WHERE_YOU_STORED_${out.toUpperCase().replaceAll('-', '_')}`,
  ];
}
