// A task's items: its metadata (the `metadataURI` of TaskCreated, a data: URI of
// `{"classes":[…],"manifestSha256":"…","manifestUri":"…"}`), the manifest it points to
// (JSONL, `labelchain dataset manifest`'s format), and each item's bytes. Every fetched
// byte is checked against the hash the chain or the checked manifest gives before use;
// relative URIs resolve against the app's own origin (where `labelchain up` serves /demo/).

export interface TaskMetadata {
  classes: string[];
  manifestSha256?: string;
  manifestUri?: string;
}

export interface ManifestItem {
  index: number;
  uri: string;
  sha256: string;
  mediaType?: string;
}

const PREFIX = 'data:application/json;base64,';

/** The metadata in a data: URI, or null for any other URI (not fetched: it is the
 *  requester's own document, e.g. encrypted instructions). */
export function parseMetadata(uri: string): TaskMetadata | null {
  if (!uri.startsWith(PREFIX)) return null;
  try {
    const json = new TextDecoder().decode(Uint8Array.from(atob(uri.slice(PREFIX.length)), (c) => c.charCodeAt(0)));
    const v = JSON.parse(json) as Record<string, unknown>;
    const classes = Array.isArray(v['classes']) ? v['classes'].filter((c): c is string => typeof c === 'string') : [];
    const out: TaskMetadata = { classes };
    if (typeof v['manifestSha256'] === 'string') out.manifestSha256 = v['manifestSha256'].toLowerCase();
    if (typeof v['manifestUri'] === 'string') out.manifestUri = v['manifestUri'];
    return out;
  } catch {
    return null;
  }
}

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class IntegrityError extends Error {
  constructor(readonly what: string, readonly expected: string, readonly actual: string) {
    super(`${what}: its SHA-256 is ${actual}, but ${expected} was published`);
  }
}

export function resolveUri(uri: string): string {
  if (uri.startsWith('ipfs://')) return `https://ipfs.io/ipfs/${uri.slice('ipfs://'.length)}`;
  return new URL(uri, window.location.origin).toString();
}

async function fetchBytes(uri: string): Promise<ArrayBuffer> {
  const res = await fetch(resolveUri(uri));
  if (!res.ok) throw new Error(`${uri}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

/** Fetches the manifest and checks it against `manifestSha256` before reading a line. */
export async function loadManifest(meta: TaskMetadata): Promise<ManifestItem[]> {
  if (!meta.manifestUri) throw new Error('the task does not say where its manifest is (no manifestUri)');
  const bytes = await fetchBytes(meta.manifestUri);
  const actual = await sha256Hex(bytes);
  if (meta.manifestSha256 && actual !== meta.manifestSha256)
    throw new IntegrityError('the manifest', meta.manifestSha256, actual);
  return new TextDecoder()
    .decode(bytes)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, n) => {
      const v = JSON.parse(line) as Record<string, unknown>;
      if (typeof v['uri'] !== 'string' || typeof v['sha256'] !== 'string' || typeof v['index'] !== 'number')
        throw new Error(`manifest line ${n + 1}: index, uri and sha256 are required`);
      const item: ManifestItem = { index: v['index'], uri: v['uri'], sha256: v['sha256'].toLowerCase() };
      if (typeof v['mediaType'] === 'string') item.mediaType = v['mediaType'];
      return item;
    });
}

export type Kind = 'image' | 'text' | 'audio' | 'other';

export function kindOf(item: ManifestItem): Kind {
  const t = item.mediaType ?? '';
  if (t.startsWith('image/')) return 'image';
  if (t.startsWith('text/') || t === 'application/json') return 'text';
  if (t.startsWith('audio/')) return 'audio';
  if (/\.(png|jpe?g|gif|webp|svg)$/i.test(item.uri)) return 'image';
  if (/\.(txt|md|csv|json)$/i.test(item.uri)) return 'text';
  if (/\.(wav|mp3|ogg|flac)$/i.test(item.uri)) return 'audio';
  return 'other';
}

export interface LoadedItem {
  item: ManifestItem;
  kind: Kind;
  /** An object URL of the checked bytes (image/audio), or the text itself. */
  url?: string;
  text?: string;
}

/** Fetches an item and checks its SHA-256 against the manifest before anything is shown. */
export async function loadItem(item: ManifestItem): Promise<LoadedItem> {
  const bytes = await fetchBytes(item.uri);
  const actual = await sha256Hex(bytes);
  if (actual !== item.sha256) throw new IntegrityError(`item ${item.index}`, item.sha256, actual);
  const kind = kindOf(item);
  if (kind === 'text') return { item, kind, text: new TextDecoder().decode(bytes) };
  const type = item.mediaType ?? (item.uri.endsWith('.svg') ? 'image/svg+xml' : '');
  return { item, kind, url: URL.createObjectURL(new Blob([bytes], type ? { type } : {})) };
}
