// The protocol's codes and packed layouts as the app reads them, the same as the host's
// deploy/src/protocol.rs (the registry's `terms` words, `getItem`'s tuple, tiers and
// statuses). The Chromium tests compare what the app shows for a task with the CLI's
// `task show --json` for the same task, so a drift between the two fails there.
import { getAddress, type Address } from 'viem';

export const TIERS = ['Bronze', 'Silver', 'Gold'] as const;
export const QUALITY = ['', 'Standard', 'Strong', 'Audited'] as const;
export const ITEM_STATUS = ['no commits', 'open', 'pending audit', 'escalated', 'final', 'void'] as const;
export const TASK_STATUS = ['none', 'open', 'cancelled'] as const;

export function tierName(t: number): string {
  return TIERS[t] ?? `tier ${t}`;
}

export interface TaskTerms {
  requester: Address;
  itemCount: number;
  numClasses: number;
  labellersPerItem: number;
  minTier: number;
  status: number;
  thresholdBps: number;
  paymentToken: Address;
  auditRateBps: number;
  feeBps: number;
  slashBps: number;
  noRevealSlashBps: number;
  commitEnd: number;
  revealEnd: number;
  auditWindow: number;
  paused: boolean;
  rewardPerLabel: bigint;
  stakePerLabel: bigint;
}

/** Reads big-endian fields from the left of a 32-byte word, in declaration order. */
class Take {
  private at = 0;
  private readonly hex: string;
  constructor(word: bigint) {
    this.hex = word.toString(16).padStart(64, '0');
  }
  private bytes(n: number): string {
    const s = this.hex.slice(this.at * 2, (this.at + n) * 2);
    this.at += n;
    return s;
  }
  uint(n: number): number {
    return Number.parseInt(this.bytes(n), 16);
  }
  address(): Address {
    return getAddress(`0x${this.bytes(20)}`);
  }
}

/** `terms(task)`: three packed words, then rewardPerLabel, stakePerLabel, emissionCap. */
export function unpackTerms(words: readonly bigint[]): TaskTerms {
  const [w0, w1, w2, reward, stake] = words;
  if (w0 === undefined || w1 === undefined || w2 === undefined || reward === undefined || stake === undefined)
    throw new Error('terms: expected six words');
  const a = new Take(w0);
  const b = new Take(w1);
  const c = new Take(w2);
  const requester = a.address();
  const itemCount = a.uint(4);
  const numClasses = a.uint(2);
  const labellersPerItem = a.uint(1);
  const minTier = a.uint(1);
  const status = a.uint(1);
  const thresholdBps = a.uint(2);
  const paymentToken = b.address();
  const auditRateBps = b.uint(2);
  const feeBps = b.uint(2);
  const slashBps = b.uint(2);
  const noRevealSlashBps = b.uint(2);
  const commitEnd = c.uint(8);
  const revealEnd = c.uint(8);
  const auditWindow = c.uint(8);
  c.uint(6); // the three quality multipliers
  const paused = c.uint(1) !== 0;
  return {
    requester, itemCount, numClasses, labellersPerItem, minTier, status, thresholdBps,
    paymentToken, auditRateBps, feeBps, slashBps, noRevealSlashBps,
    commitEnd, revealEnd, auditWindow, paused, rewardPerLabel: reward, stakePerLabel: stake,
  };
}

export interface Item {
  status: number;
  commits: number;
  reveals: number;
  label: number;
  quality: number;
  votes: number;
  auditDeadline: number;
}

export function decodeItem(t: readonly [number, number, number, number, number, number, bigint]): Item {
  const [status, commits, reveals, label, quality, votes, auditDeadline] = t;
  return { status, commits, reveals, label, quality, votes, auditDeadline: Number(auditDeadline) };
}

/** Which window a task is in at chain time `now` (commit: now <= commitEnd; reveal:
 *  commitEnd < now <= revealEnd, as the verifier checks). */
export type Phase = 'commit' | 'reveal' | 'ended';
export function phase(t: TaskTerms, now: number): Phase {
  if (now <= t.commitEnd) return 'commit';
  if (now <= t.revealEnd) return 'reveal';
  return 'ended';
}
