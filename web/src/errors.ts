// Reverts, decoded to their custom error and said in the CLI's sentence. The sentences are
// not written here: `labelchain errors --json` generates generated/errors.json from the
// CLI's own table (deploy/src/errors/), and a Rust test keeps the checked-in file equal to
// it, so the app and the CLI say the same thing for the same revert.
import { decodeErrorResult, getAddress, parseAbiItem, size, type Abi, type AbiParameter, type Hex } from 'viem';
import { programErrors } from './abi';
import table from './generated/errors.json';

/** A piece of a sentence: text, or argument `arg` (through `names` for coded values). */
type Part = string | { arg: number; names?: Record<string, string>; other?: string };

interface Table {
  schema: number;
  errors: Record<string, { signature: string; sentence: Part[] }>;
  empty: string;
  unknown: Part[];
}

const t = table as unknown as Table;

export interface Revert {
  name: string;
  args: string[];
  message: string;
  data: Hex;
}

/** The program errors from abi/, plus those of the system contracts (ArbWasm, the
 *  StylusDeployer) that only the table names. */
const errorsAbi: Abi = (() => {
  const known = new Set(programErrors.map((e) => (e.type === 'error' ? `${e.name}(${e.inputs.map((i) => i.type).join(',')})` : '')));
  const extra = Object.values(t.errors)
    .map((e) => e.signature)
    .filter((s) => !known.has(s) && !s.startsWith('Error(') && !s.startsWith('Panic('))
    .map((s) => parseAbiItem(`error ${s}`));
  return [...programErrors, ...extra] as Abi;
})();

/** One argument as the CLI prints it: checksummed addresses, decimal integers. */
function show(v: unknown, p: AbiParameter | undefined): string {
  if (p?.type === 'address' && typeof v === 'string') return getAddress(v);
  if (typeof v === 'bigint' || typeof v === 'number') return v.toString(10);
  if (typeof v === 'boolean') return String(v);
  if (p?.type === 'bytes' && typeof v === 'string' && size(v as Hex) > 64) return `<${size(v as Hex)} bytes>`;
  return String(v);
}

/** The same rendering as the CLI's `errors::table::render`: a slot shows its argument as
 *  the CLI prints it, or, for a coded argument, the name of that value. */
function render(parts: Part[], shown: string[]): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const v = shown[p.arg] ?? '';
      return p.names ? (p.names[v] ?? p.other ?? v) : v;
    })
    .join('');
}

export function decodeRevertData(data: Hex): Revert {
  if (t.schema !== 1) throw new Error(`errors.json schema ${t.schema}: this app reads schema 1`);
  if (data === '0x') return { name: 'empty', args: [], message: t.empty, data };
  const selector = data.slice(0, 10).toLowerCase();
  const entry = t.errors[selector];
  try {
    const r = decodeErrorResult({ abi: errorsAbi, data });
    const raw = (r.args ?? []) as readonly unknown[];
    const inputs = r.abiItem.type === 'error' ? r.abiItem.inputs : [];
    const shown = raw.map((v, i) => show(v, inputs[i]));
    if (entry) return { name: r.errorName, args: shown, message: render(entry.sentence, shown), data };
  } catch {
    // not one of the known errors, or its arguments do not decode: below
  }
  return { name: selector, args: [], message: render(t.unknown, [selector]), data };
}

/** The revert data inside a viem error (an eth_call or eth_estimateGas that reverted),
 *  if there is any. */
export function revertData(e: unknown): Hex | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 10 && cur && typeof cur === 'object'; depth++) {
    const o = cur as { raw?: unknown; data?: unknown; cause?: unknown; name?: string };
    if (typeof o.raw === 'string' && o.raw.startsWith('0x')) return o.raw as Hex;
    if (typeof o.data === 'string' && o.data.startsWith('0x')) return o.data as Hex;
    const inner = (o.data as { data?: unknown } | undefined)?.data;
    if (typeof inner === 'string' && inner.startsWith('0x')) return inner as Hex;
    if (o.name === 'ContractFunctionRevertedError' && o.raw === undefined && o.data === undefined) return '0x';
    cur = o.cause;
  }
  return undefined;
}
