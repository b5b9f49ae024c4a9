// Due reveals: every commit this browser keeps a salt for, with where its task's reveal
// window stands. A commit never revealed is slashed 100 %, so the app reminds (a badge in
// the navigation, this list, a warning before leaving the page).
import { useEffect, useState } from 'preact/hooks';
import { verifierAbi } from '../abi';
import type { Votes } from '../chain';
import { countdown, type Env } from '../env';
import { parseMetadata } from '../manifest';
import type { TaskTerms } from '../protocol';
import type { SaltRecord } from '../salts';

export interface RevealRow {
  rec: SaltRecord;
  terms: TaskTerms;
  revealed: boolean;
  /** The class's name, from the task's metadata, if it names its classes. */
  className?: string;
}

export interface RevealState {
  rows: RevealRow[];
}

/** The records of the connected labeller that the chain holds as commits (a record whose
 *  commit was never sent is not a reveal to make). */
export function useRevealState(env: Env): RevealState | null {
  const [state, setState] = useState<RevealState | null>(null);
  const { account, salts, d, reader, version } = env;
  useEffect(() => {
    if (!account) { setState(null); return; }
    let stop = false;
    const mine = salts.filter((r) => r.chainId === d.chainId && r.verifier === d.contracts.verifier && r.labeller === account);
    (async () => {
      const votes: Votes = await reader.myVotes(undefined, account);
      const tasks = [...new Set(mine.map((r) => r.task))];
      const terms = new Map<number, TaskTerms>();
      const classes = new Map<number, string[]>();
      await Promise.all(tasks.map(async (t) => {
        const [tt, uri] = await Promise.all([reader.terms(BigInt(t)), reader.metadataUri(BigInt(t))]);
        terms.set(t, tt);
        classes.set(t, parseMetadata(uri)?.classes ?? []);
      }));
      const rows: RevealRow[] = [];
      for (const rec of mine) {
        const key = `${rec.task}:${rec.item}`;
        if (votes.committed.get(key) !== rec.commitment) continue;
        const className = classes.get(rec.task)?.[rec.label];
        const row: RevealRow = { rec, terms: terms.get(rec.task) as TaskTerms, revealed: votes.revealed.has(key) };
        rows.push(className === undefined ? row : { ...row, className });
      }
      rows.sort((a, b) => a.terms.revealEnd - b.terms.revealEnd || a.rec.task - b.rec.task || a.rec.item - b.rec.item);
      if (!stop) setState({ rows });
    })().catch(() => {});
    return () => { stop = true; };
  }, [account, salts, d, reader, version]);
  return state;
}

/** Unrevealed commits whose reveal window is open now (or, with `upcoming`, not over). */
export function dueReveals(s: RevealState, now: number, upcoming: boolean): RevealRow[] {
  return s.rows.filter((r) => !r.revealed && now <= r.terms.revealEnd && (upcoming || now > r.terms.commitEnd));
}

/** Reveals `rows` (one revealBatch per task, at most 64 a call; a single reveal alone). */
export async function revealAll(env: Env, rows: RevealRow[]): Promise<void> {
  const byTask = new Map<number, RevealRow[]>();
  for (const r of rows) byTask.set(r.rec.task, [...(byTask.get(r.rec.task) ?? []), r]);
  for (const [task, list] of byTask) {
    for (let i = 0; i < list.length; i += 64) {
      const chunk = list.slice(i, i + 64);
      const first = chunk[0] as RevealRow;
      const out = chunk.length === 1
        ? await env.send(`Reveal task ${task} item ${first.rec.item}`, {
            address: env.d.contracts.verifier, abi: verifierAbi, functionName: 'reveal',
            args: [BigInt(task), first.rec.item, first.rec.label, first.rec.salt],
          })
        : await env.send(`Reveal ${chunk.length} items of task ${task}`, {
            address: env.d.contracts.verifier, abi: verifierAbi, functionName: 'revealBatch',
            args: [BigInt(task), chunk.map((r) => r.rec.item), chunk.map((r) => r.rec.label), chunk.map((r) => r.rec.salt)],
          });
      if (out.kind !== 'mined') return;
    }
  }
}

export function RevealsScreen({ env, reveal }: { env: Env; reveal: RevealState | null }) {
  if (!env.account) return <section><h1>Reveals</h1><p>Connect a wallet to see the reveals you owe.</p></section>;
  if (!reveal) return <section><h1>Reveals</h1><p>Reading your commits…</p></section>;
  const now = env.now;
  const due = dueReveals(reveal, now, false);
  const waiting = reveal.rows.filter((r) => !r.revealed && now <= r.terms.commitEnd);
  const missed = reveal.rows.filter((r) => !r.revealed && now > r.terms.revealEnd);
  const done = reveal.rows.filter((r) => r.revealed);
  return (
    <section>
      <h1>Reveals</h1>
      <p class="muted">A commit that is not revealed before its window closes loses its whole stake.</p>
      <h2>Due now ({due.length})</h2>
      {due.length > 0 ? (
        <>
          <button class="primary" data-testid="reveal-all" disabled={env.busy} onClick={() => revealAll(env, due)}>Reveal all {due.length}</button>
          <RevealTable rows={due} now={now} env={env} action />
        </>
      ) : <p>Nothing to reveal right now.</p>}
      <h2>Waiting for the reveal window ({waiting.length})</h2>
      {waiting.length > 0 ? <RevealTable rows={waiting} now={now} env={env} /> : <p>None.</p>}
      {missed.length > 0 ? (<><h2>Missed ({missed.length})</h2><RevealTable rows={missed} now={now} env={env} /></>) : null}
      <h2>Revealed ({done.length})</h2>
      {done.length > 0 ? <RevealTable rows={done} now={now} env={env} /> : <p>None yet.</p>}
    </section>
  );
}

function RevealTable({ rows, now, env, action }: { rows: RevealRow[]; now: number; env: Env; action?: boolean }) {
  return (
    <table class="list">
      <thead><tr><th scope="col">Task</th><th scope="col">Item</th><th scope="col">Your label</th><th scope="col">Window</th>{action ? <th scope="col"><span class="sr">Action</span></th> : null}</tr></thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.rec.commitment}>
            <td><a href={`#/task/${r.rec.task}`}>{r.rec.task}</a></td>
            <td>{r.rec.item}</td>
            <td>{r.className ?? `class ${r.rec.label}`}</td>
            <td>{r.revealed ? 'revealed' : now <= r.terms.commitEnd ? `opens in ${countdown(r.terms.commitEnd + 1 - now)}`
              : now <= r.terms.revealEnd ? `closes in ${countdown(r.terms.revealEnd - now)}` : 'closed'}</td>
            {action ? <td><button disabled={env.busy} onClick={() => revealAll(env, [r])}>Reveal</button></td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
