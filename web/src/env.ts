// What every screen gets: the deployment and its reader, the connected account (if any),
// chain time, and the actions that go through the app (send, notify, refresh).
import type { Address, WalletClient } from 'viem';
import type { ChainReader } from './chain';
import type { Deployment } from './deployment';
import type { SaltRecord } from './salts';
import type { Call, Outcome } from './tx';

export type NoticeKind = 'ok' | 'error' | 'rejected' | 'warn';

export interface Notice {
  id: number;
  kind: NoticeKind;
  title: string;
  detail?: string;
}

export interface Env {
  d: Deployment;
  reader: ChainReader;
  /** Set once a wallet is connected and on the deployment's chain. */
  account?: Address;
  /** The connected wallet, for signatures that are not transactions (permits). */
  wallet?: WalletClient;
  /** Chain time (unix seconds), ticking between reads. */
  now: number;
  /** Bumped after every mined transaction: screens read again. */
  version: number;
  salts: SaltRecord[];
  /** A transaction is being signed or mined: actions wait (no double sends). */
  busy: boolean;
  send(label: string, call: Call): Promise<Outcome>;
  notify(kind: NoticeKind, title: string, detail?: string): void;
  refresh(): void;
  reloadSalts(): Promise<void>;
}

export function countdown(seconds: number): string {
  if (seconds <= 0) return 'now';
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return d > 0 ? `${d}d ${pad(h)}h ${pad(m)}m` : `${pad(h)}:${pad(m)}:${pad(s)}`;
}

export function short(a: string): string {
  return `${a.slice(0, 6)}…${a.slice(-4)}`;
}
