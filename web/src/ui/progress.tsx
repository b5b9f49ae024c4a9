// A requester watches a task: per item its commits, reveals, status, final label and
// tier (the verifier's getItem, read again every few seconds and after every mined
// transaction), finalizes the items that are ready, and copies the CLI commands that
// export, verify and publish the labels as a dataset.
import { useEffect, useState } from 'preact/hooks';
import { verifierAbi } from '../abi';
import { countdown, type Env } from '../env';
import { parseMetadata } from '../manifest';
import { ITEM_STATUS, phase, QUALITY, tierName, type Item, type TaskTerms } from '../protocol';
import { datasetCommands } from '../requester';
import { manifestNameKey } from './create';
import { amount } from './format';
import { Windows } from './tasks';

/** Ready to finalize: open, and every commit revealed or the reveal window over (the
 *  verifier's rule, as the labelling screen has it). */
export function readyItems(items: Item[], t: TaskTerms, now: number): number[] {
  return items.flatMap((it, i) => (it.status === 1 && (it.reveals === it.commits || now > t.revealEnd) ? [i] : []));
}

export function ProgressScreen({ env, task }: { env: Env; task: bigint }) {
  const [terms, setTerms] = useState<TaskTerms | null>(null);
  const [classes, setClasses] = useState<string[]>([]);
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [poll, setPoll] = useState(0);
  const { reader, version } = env;

  useEffect(() => {
    const t = setInterval(() => setPoll((p) => p + 1), 4000);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    (async () => {
      const [t, uri] = await Promise.all([reader.terms(task), reader.metadataUri(task)]);
      setTerms(t);
      setClasses(parseMetadata(uri)?.classes ?? []);
      setItems(await reader.items(task, t.itemCount));
    })().catch((e: unknown) => setError(String((e as Error).message ?? e)));
  }, [reader, task, version, poll]);

  if (error) return <p role="alert" class="banner bad">Cannot read task {String(task)}: {error}</p>;
  if (!terms || !items) return <p>Reading task {String(task)}…</p>;
  const now = env.now;
  const ready = readyItems(items, terms, now);
  const final = items.filter((it) => it.status === 4).length;
  const name = (l: number) => classes[l] ?? `class ${l}`;
  const finalize = () =>
    ready.length === 1
      ? env.send(`Finalize item ${ready[0]}`, { address: env.d.contracts.verifier, abi: verifierAbi, functionName: 'finalize', args: [task, ready[0]] })
      : env.send(`Finalize ${Math.min(64, ready.length)} items`, { address: env.d.contracts.verifier, abi: verifierAbi, functionName: 'finalizeBatch', args: [task, ready.slice(0, 64)] });
  const manifest = localStorage.getItem(manifestNameKey(env.d.chainId, task)) ?? 'manifest.jsonl';
  const p = phase(terms, now);
  return (
    <section class="progress">
      <div class="row">
        <h1>Task {String(task)}: progress</h1>
        <Windows t={terms} now={now} />
      </div>
      <p class="muted">
        {terms.itemCount} items × {terms.labellersPerItem} labellers · {amount(terms.rewardPerLabel)} LBL per label ·
        minimum tier {tierName(terms.minTier)} · classes {classes.length ? classes.join(', ') : `${terms.numClasses} (unnamed)`}
        {p === 'commit' ? ` · reveals open in ${countdown(terms.commitEnd + 1 - now)}` : ''}
      </p>
      <p data-testid="final-count"><strong>{final} of {terms.itemCount}</strong> items final.</p>
      <div class="actions">
        <button class="primary" data-testid="finalize" disabled={ready.length === 0 || env.busy || !env.account} onClick={finalize}>
          {ready.length > 0 ? `Finalize ${ready.length} ready item${ready.length > 1 ? 's' : ''}` : 'No item is ready to finalize'}
        </button>
        <a class="button" href={`#/task/${task}`}>Open the labelling view</a>
      </div>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={`Items of task ${task}`}>
        <table class="items-table" data-testid="progress-table">
          <caption class="sr">Items of task {String(task)}</caption>
          <thead><tr><th scope="col">Item</th><th scope="col">Commits</th><th scope="col">Reveals</th><th scope="col">Status</th><th scope="col">Label</th><th scope="col">Tier</th></tr></thead>
          <tbody>
            {items.map((it, i) => (
              <tr key={i} data-testid={`progress-${i}`}>
                <th scope="row">{i}</th>
                <td>{it.commits} / {terms.labellersPerItem}</td>
                <td>{it.reveals}</td>
                <td>{ready.includes(i) ? 'ready to finalize' : ITEM_STATUS[it.status] ?? it.status}</td>
                <td>{it.status === 4 || it.status === 2 ? name(it.label) : '—'}</td>
                <td>{it.status === 4 ? QUALITY[it.quality] ?? it.quality : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Turn the labels into a dataset</h2>
      <p class="muted">With the <code>labelchain</code> CLI, once items are final; <code>{manifest}</code> is the manifest file this task was created from.</p>
      <ol class="commands" data-testid="commands">
        {datasetCommands(task, manifest, env.d.rpcUrl).map((c) => (
          <li key={c}>
            <code>{c}</code>
            <button onClick={() => navigator.clipboard.writeText(c).then(() => env.notify('ok', 'Copied'), () => env.notify('warn', 'Select the command and copy it; the browser refused the clipboard.'))}
              aria-label={`Copy: ${c}`}>Copy</button>
          </li>
        ))}
      </ol>
    </section>
  );
}
