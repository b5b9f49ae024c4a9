import { useEffect, useMemo, useState } from 'preact/hooks';
import type { TaskInfo } from '../chain';
import { countdown, type Env } from '../env';
import { parseMetadata } from '../manifest';
import { phase, TASK_STATUS, tierName } from '../protocol';
import { amount } from './format';

export function Windows({ t, now }: { t: TaskInfo['terms']; now: number }) {
  const p = phase(t, now);
  if (p === 'commit') return <span class="phase commit">Commit open · closes in {countdown(t.commitEnd - now)}</span>;
  if (p === 'reveal') return <span class="phase reveal">Reveal open · closes in {countdown(t.revealEnd - now)}</span>;
  return <span class="phase ended">Windows closed</span>;
}

/** Cards rendered at a time: the list re-renders every second for its countdowns, and
 *  1,000 cards made that a 180 ms long task (measured, tests/bench/REPORT.md). */
export const PAGE = 100;

export function TasksScreen({ env }: { env: Env }) {
  const [shown, setShown] = useState(PAGE);
  const [tasks, setTasks] = useState<TaskInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [symbols, setSymbols] = useState<Record<string, string>>({});
  useEffect(() => {
    env.reader.tasks().then(async (ts) => {
      setTasks(ts);
      const syms: Record<string, string> = {};
      for (const a of new Set(ts.map((t) => t.terms.paymentToken))) syms[a] = await env.reader.tokenSymbol(a);
      setSymbols(syms);
    }, (e: unknown) => setError(String((e as Error).message ?? e)));
  }, [env.reader, env.version]);
  // Newest first; metadata decoded once per read, not at every tick.
  const open = useMemo(
    () => (tasks ?? []).filter((t) => t.terms.status === 1).reverse().map((t) => ({ t, meta: parseMetadata(t.metadataUri) })),
    [tasks],
  );
  if (error) return <p role="alert" class="banner bad">Cannot read the tasks from {env.d.rpcUrl}: {error}</p>;
  if (!tasks) return <p>Reading tasks…</p>;
  return (
    <section>
      <h1>Open tasks</h1>
      {open.length === 0 ? <p>No open tasks on this deployment yet.</p> : null}
      <ul class="tasks" data-testid="task-list">
        {open.slice(0, shown).map(({ t, meta }) => {
          const sym = symbols[t.terms.paymentToken] ?? '';
          return (
            <li key={String(t.id)} class="card task" data-testid={`task-${t.id}`}>
              <div class="row">
                <h2><a href={`#/task/${t.id}`}>Task {String(t.id)}</a></h2>
                <Windows t={t.terms} now={env.now} />
              </div>
              <dl class="facts">
                <div><dt>Reward</dt><dd data-testid="reward">{amount(t.terms.rewardPerLabel)} {sym} per label</dd></div>
                <div><dt>Stake</dt><dd>{amount(t.terms.stakePerLabel)} LBL locked per label</dd></div>
                <div><dt>Items</dt><dd data-testid="items">{t.terms.itemCount} × {t.terms.labellersPerItem} labellers</dd></div>
                <div><dt>Minimum tier</dt><dd data-testid="min-tier">{tierName(t.terms.minTier)}</dd></div>
                <div><dt>Classes</dt><dd>{meta?.classes.length ? meta.classes.join(', ') : `${t.terms.numClasses} (unnamed)`}</dd></div>
                <div><dt>Status</dt><dd>{TASK_STATUS[t.terms.status] ?? t.terms.status}{t.terms.paused ? ' (protocol paused)' : ''}</dd></div>
              </dl>
              <div class="actions">
                <a class="button primary" href={`#/task/${t.id}`}>Label task {String(t.id)}</a>
                <a class="button" href={`#/progress/${t.id}`}>Progress of task {String(t.id)}</a>
              </div>
            </li>
          );
        })}
      </ul>
      {open.length > shown ? (
        <p class="more">
          <button data-testid="more-tasks" onClick={() => setShown((n) => n + PAGE)}>Show {Math.min(PAGE, open.length - shown)} more</button>
          <span class="muted"> {shown} of {open.length} open tasks shown</span>
        </p>
      ) : null}
    </section>
  );
}
