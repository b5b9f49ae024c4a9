// Commit salts, kept in the browser's IndexedDB before the commit is sent: losing a salt
// means the commit cannot be revealed, and a non-reveal is slashed 100 %. A record is never
// overwritten; records can be exported to a JSON file and imported back (on this or
// another browser). The record is the CLI's salt file (deploy/src/salts.rs, `SaltRecord`)
// field for field, so a CLI salt file imports as it is.
import { encodeAbiParameters, getAddress, keccak256, toHex, type Address, type Hex } from 'viem';

export interface SaltRecord {
  chainId: number;
  verifier: Address;
  task: number;
  item: number;
  labeller: Address;
  label: number;
  salt: Hex;
  commitment: Hex;
}

const DB = 'labelchain';
const STORE = 'salts';

/** keccak256(abi.encode(uint256 chainId, address verifier, uint64 task, uint32 item,
 *  address labeller, uint8 label, bytes32 salt)), README "Formulas clients must reproduce". */
export function commitment(r: Omit<SaltRecord, 'commitment'>): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'uint256' }, { type: 'address' }, { type: 'uint64' }, { type: 'uint32' },
        { type: 'address' }, { type: 'uint8' }, { type: 'bytes32' },
      ],
      [BigInt(r.chainId), r.verifier, BigInt(r.task), r.item, r.labeller, r.label, r.salt],
    ),
  );
}

export function randomSalt(): Hex {
  return toHex(crypto.getRandomValues(new Uint8Array(32)));
}

/** One record per commitment: a commit that was never sent (rejected in the wallet) leaves
 *  its record, and a second try on that item gets a record of its own; the reveal uses the
 *  one whose commitment the chain holds. Nothing is ever overwritten. */
export function keyOf(r: Pick<SaltRecord, 'chainId' | 'verifier' | 'task' | 'item' | 'labeller' | 'commitment'>): string {
  return `${r.chainId}-${r.verifier.toLowerCase()}-${r.task}-${r.item}-${r.labeller.toLowerCase()}-${r.commitment}`;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** Stores `r` (a record already kept is left as it is). Resolves once IndexedDB has
 *  committed it. */
export async function put(r: SaltRecord): Promise<void> {
  const db = await open();
  const tx = db.transaction(STORE, 'readwrite');
  const store = tx.objectStore(STORE);
  const key = keyOf(r);
  const existing = await new Promise<SaltRecord | undefined>((resolve, reject) => {
    const g = store.get(key);
    g.onsuccess = () => resolve(g.result as SaltRecord | undefined);
    g.onerror = () => reject(g.error);
  });
  if (!existing) store.add(r, key);
  await done(tx);
  db.close();
}

export async function all(): Promise<SaltRecord[]> {
  const db = await open();
  const tx = db.transaction(STORE, 'readonly');
  const rows = await new Promise<SaltRecord[]>((resolve, reject) => {
    const g = tx.objectStore(STORE).getAll();
    g.onsuccess = () => resolve(g.result as SaltRecord[]);
    g.onerror = () => reject(g.error);
  });
  db.close();
  return rows;
}

export class BadSaltFile extends Error {}

/** Checks one imported record: every field typed, and its commitment recomputed. */
export function checkRecord(v: unknown, where: string): SaltRecord {
  if (typeof v !== 'object' || v === null) throw new BadSaltFile(`${where}: not an object`);
  const o = v as Record<string, unknown>;
  const int = (k: string) => {
    const x = o[k];
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) throw new BadSaltFile(`${where}: ${k} must be a whole number`);
    return x;
  };
  const hex32 = (k: string) => {
    const x = o[k];
    if (typeof x !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(x)) throw new BadSaltFile(`${where}: ${k} must be 32 bytes of hex`);
    return x.toLowerCase() as Hex;
  };
  const addr = (k: string) => {
    const x = o[k];
    try {
      return getAddress(String(x));
    } catch {
      throw new BadSaltFile(`${where}: ${k} is not an address`);
    }
  };
  const r: SaltRecord = {
    chainId: int('chainId'), verifier: addr('verifier'), task: int('task'), item: int('item'),
    labeller: addr('labeller'), label: int('label'), salt: hex32('salt'), commitment: hex32('commitment'),
  };
  if (r.label > 255) throw new BadSaltFile(`${where}: label must be below 256`);
  if (commitment(r) !== r.commitment)
    throw new BadSaltFile(`${where}: the commitment does not match its label and salt (a damaged file?)`);
  return r;
}

/** The export file: `{"labelchainSalts":1,"records":[…]}`. */
export function exportJson(records: SaltRecord[]): string {
  return JSON.stringify({ labelchainSalts: 1, records }, null, 2);
}

/** Parses an export file, or a single CLI salt file; checks every record before any is kept. */
export function parseImport(text: string): SaltRecord[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new BadSaltFile('the file is not JSON');
  }
  const list = (v as { records?: unknown }).records;
  if (Array.isArray(list)) return list.map((r, i) => checkRecord(r, `record ${i + 1}`));
  return [checkRecord(v, 'the salt file')];
}
