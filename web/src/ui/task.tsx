// Labelling one task: the item, the classes (keys 1–9), commit one or all chosen items,
// reveal when the window opens, finalize items that are ready.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { verifierAbi } from '../abi';
import type { Account, Votes } from '../chain';
import { countdown, type Env } from '../env';
import { loadManifest, parseMetadata, type ManifestItem, type TaskMetadata } from '../manifest';
import { leaf, root } from '../merkle';
import { ITEM_STATUS, phase, QUALITY, tierName, type Item, type TaskTerms } from '../protocol';
import * as salts from '../salts';
import { amount } from './format';
import { ItemView } from './item';
import { dueReveals, revealAll, type RevealState } from './reveals';
import { Windows } from './tasks';

interface Loaded {
  terms: TaskTerms;
  meta: TaskMetadata | null;
  items: Item[];
  votes: Votes | null;
  me: Account | null;
}

export function TaskScreen({ env, task, reveal }: { env: Env; task: bigint; reveal: RevealState | null }) {
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [manifest, setManifest] = useState<ManifestItem[] | null>(null);
  const [manifestError, setManifestError] = useState<string | null>(null);
  const [current, setCurrent] = useState(0);
  const [chosen, setChosen] = useState<Map<number, number>>(new Map());
  const [symbol, setSymbol] = useState('');
  const [itemOk, setItemOk] = useState(false);
  const { reader, account, version } = env;

  useEffect(() => {
    (async () => {
      const [terms, uri] = await Promise.all([reader.terms(task), reader.metadataUri(task)]);
      const [items, votes, me] = await Promise.all([
        reader.items(task, terms.itemCount),
        account ? reader.myVotes(task, account) : Promise.resolve(null),
        account ? reader.account(account) : Promise.resolve(null),
      ]);
      setData({ terms, meta: parseMetadata(uri), items, votes, me });
      setSymbol(await reader.tokenSymbol(terms.paymentToken));
    })().catch((e: unknown) => setError(String((e as Error).message ?? e)));
  }, [reader, task, account, version]);

  const meta = data?.meta ?? null;
  // The manifest is used only if its items are the task's: their Merkle root is dataRoot.
  useEffect(() => {
    if (!meta) return;
    (async () => {
      const [items, onChain] = await Promise.all([loadManifest(meta), reader.dataRoot(task)]);
      const computed = root(items.map((it) => leaf(it.index, `0x${it.sha256}`)));
      if (computed?.toLowerCase() !== onChain.toLowerCase())
        throw new Error(`its items' Merkle root ${computed} is not the task's dataRoot ${onChain}`);
      setManifest(items);
    })().catch((e: unknown) => setManifestError(String((e as Error).message ?? e)));
  }, [meta?.manifestUri, meta?.manifestSha256, reader, task]);

  const numClasses = data?.terms.numClasses ?? 0;
  // The key handler reads the item on screen through a ref: a key pressed right after
  // moving to the next item must label that item, even before the handler is renewed.
  const shownItem = useRef(0);
  shownItem.current = current;
  const choose = useCallback((label: number) => {
    const at = shownItem.current;
    setChosen((m) => new Map(m).set(at, label));
  }, []);

  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const n = Number.parseInt(e.key, 10);
      if (n >= 1 && n <= 9 && n <= numClasses) { choose(n - 1); e.preventDefault(); }
      else if (e.key === 'ArrowRight' && data) {
        shownItem.current = Math.min(shownItem.current + 1, data.terms.itemCount - 1);
        setCurrent(shownItem.current);
      } else if (e.key === 'ArrowLeft') {
        shownItem.current = Math.max(shownItem.current - 1, 0);
        setCurrent(shownItem.current);
      }
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, [choose, numClasses, data]);

  if (error) return <p role="alert" class="banner bad">Cannot read task {String(task)}: {error}</p>;
  if (!data) return <p>Reading task {String(task)}…</p>;
  const { terms, items, votes, me } = data;
  const now = env.now;
  const p = phase(terms, now);
  const names = Array.from({ length: terms.numClasses }, (_, i) => meta?.classes[i] ?? `class ${i}`);
  const key = (i: number) => `${task}:${i}`;
  const committed = (i: number) => votes?.committed.has(key(i)) ?? false;
  const pendingCommits = [...chosen.entries()].filter(([i]) => !committed(i) && (items[i]?.commits ?? 0) < terms.labellersPerItem);
  const ready = items
    .map((it, i) => ({ it, i }))
    .filter(({ it }) => it.status === 1 && (it.reveals === it.commits || now > terms.revealEnd));
  const myDue = reveal ? dueReveals(reveal, now, false).filter((r) => BigInt(r.rec.task) === task) : [];
  const item = items[current];
  const lowStake = me !== null && me.free < terms.stakePerLabel;
  const lowTier = me !== null && me.tier < terms.minTier;

  const commit = async (list: [number, number][]) => {
    if (!account) return;
    const recs: salts.SaltRecord[] = [];
    for (const [i, label] of list) {
      const base = { chainId: env.d.chainId, verifier: env.d.contracts.verifier, task: Number(task), item: i, labeller: account, label, salt: salts.randomSalt() };
      const rec = { ...base, commitment: salts.commitment(base) };
      try {
        await salts.put(rec);
      } catch (e) {
        env.notify('error', 'The salt could not be saved in this browser, so nothing was sent', String(e));
        return;
      }
      recs.push(rec);
    }
    await env.reloadSalts();
    for (let k = 0; k < recs.length; k += 64) {
      const chunk = recs.slice(k, k + 64);
      const first = chunk[0] as salts.SaltRecord;
      const out = chunk.length === 1
        ? await env.send(`Commit item ${first.item}`, { address: env.d.contracts.verifier, abi: verifierAbi, functionName: 'commit', args: [task, first.item, first.commitment] })
        : await env.send(`Commit ${chunk.length} items`, { address: env.d.contracts.verifier, abi: verifierAbi, functionName: 'commitBatch', args: [task, chunk.map((r) => r.item), chunk.map((r) => r.commitment)] });
      if (out.kind !== 'mined') return;
    }
    setChosen((m) => { const n = new Map(m); for (const [i] of list) n.delete(i); return n; });
  };

  const finalize = (list: number[]) =>
    list.length === 1
      ? env.send(`Finalize item ${list[0]}`, { address: env.d.contracts.verifier, abi: verifierAbi, functionName: 'finalize', args: [task, list[0]] })
      : env.send(`Finalize ${list.length} items`, { address: env.d.contracts.verifier, abi: verifierAbi, functionName: 'finalizeBatch', args: [task, list.slice(0, 64)] });

  const mine = chosen.get(current);
  const myVote = committed(current);
  // With a manifest, an item is labelled only once its bytes were checked.
  const blocked = meta?.manifestUri !== undefined && !itemOk;
  const myRecord = env.salts.find((r) => BigInt(r.task) === task && r.item === current && r.labeller === account && r.commitment === votes?.committed.get(key(current)));
  const myLabel = votes?.revealed.get(key(current)) ?? myRecord?.label;
  return (
    <section class="task-screen">
      <div class="row">
        <h1>Task {String(task)}</h1>
        <Windows t={terms} now={now} />
      </div>
      <p class="muted">
        {amount(terms.rewardPerLabel)} {symbol} per label that agrees with consensus · {amount(terms.stakePerLabel)} LBL of stake locked per label ·
        minimum tier {tierName(terms.minTier)} · {p === 'commit' ? `commit window closes in ${countdown(terms.commitEnd - now)}, ` : ''}
        {p === 'ended' ? 'reveal window closed' : `reveal window closes in ${countdown(terms.revealEnd - now)}`}
      </p>
      {!account ? <p class="banner warn">Connect a wallet to label this task.</p> : null}
      {lowStake && p === 'commit' ? <p class="banner warn">You have {amount(me.free)} LBL of free stake; each commit locks {amount(terms.stakePerLabel)} LBL.<a href="#/account">Stake more</a></p> : null}
      {lowTier ? <p class="banner warn">This task needs tier {tierName(terms.minTier)}; yours is {tierName(me.tier)}.</p> : null}
      {manifestError ? <p class="banner bad" role="alert">The items cannot be shown: {manifestError}</p> : null}
      {!meta?.manifestUri && !manifestError ? <p class="banner warn">This task does not publish a manifest the app can read; its items cannot be shown here.</p> : null}

      <div class="labeller">
        <div class="stage">
          <div class="row">
            <button onClick={() => setCurrent((c) => Math.max(0, c - 1))} disabled={current === 0} aria-label="Previous item">←</button>
            <span data-testid="item-title">Item {current} <span class="muted">({current + 1} of {terms.itemCount})</span></span>
            <button onClick={() => setCurrent((c) => Math.min(terms.itemCount - 1, c + 1))} disabled={current >= terms.itemCount - 1} aria-label="Next item">→</button>
          </div>
          {manifest && manifest[current] ? <ItemView item={manifest[current] as ManifestItem} classHint={names.join(', ')} onVerdict={setItemOk} /> : null}
          {item ? (
            <p class="muted" data-testid="item-status">
              {item.commits} of {terms.labellersPerItem} labellers committed · {item.reveals} revealed
              {item.status === 4 ? ` · final label “${names[item.label] ?? item.label}” (${QUALITY[item.quality] ?? ''})` : item.status > 1 ? ` · ${ITEM_STATUS[item.status]}` : ''}
            </p>
          ) : null}
          {myVote ? (
            <p class="banner good" data-testid="my-vote">
              You committed {myLabel !== undefined ? `“${names[myLabel]}”` : 'a label'} on this item
              {votes?.revealed.has(key(current)) ? ' and revealed it.' : p === 'commit' ? '; reveal it when the reveal window opens.' : '.'}
            </p>
          ) : null}
          {!myVote && p !== 'commit' ? <p class="muted">The commit window is closed: this item takes no more labels.</p> : null}
          {!myVote && p === 'commit' ? (
            <>
            <fieldset class="classes" disabled={myVote || p !== 'commit' || blocked}>
              <legend>Choose a class (keys 1–{Math.min(9, names.length)})</legend>
              {names.map((n, i) => (
                <button key={i} class={mine === i ? 'choice on' : 'choice'} aria-pressed={mine === i} onClick={() => choose(i)} data-testid={`class-${i}`}>
                  {i < 9 ? <kbd>{i + 1}</kbd> : null} {n}
                </button>
              ))}
            </fieldset>
            <div class="actions">
              <button class="primary" data-testid="commit" disabled={!account || mine === undefined || myVote || p !== 'commit' || blocked || env.busy}
                onClick={() => mine !== undefined && commit([[current, mine]])}>Commit “{mine !== undefined ? names[mine] : '…'}”</button>
              <button data-testid="commit-all" disabled={!account || pendingCommits.length < 2 || p !== 'commit' || env.busy} onClick={() => commit(pendingCommits)}>
                Commit all chosen ({pendingCommits.length})
              </button>
            </div>
            </>
          ) : null}
        </div>
        <aside class="side">
          <h2>Reveals for this task</h2>
          {p === 'commit' ? <p>The reveal window opens in {countdown(terms.commitEnd + 1 - now)}.</p> : null}
          {myDue.length > 0 ? <button class="primary" data-testid="reveal-task" disabled={env.busy} onClick={() => revealAll(env, myDue)}>Reveal {myDue.length} now</button>
            : p === 'reveal' ? <p>Nothing of yours to reveal.</p> : null}
          <h2>Finalize</h2>
          {ready.length > 0 ? (
            <button data-testid="finalize" disabled={env.busy} onClick={() => finalize(ready.map((r) => r.i))}>Finalize {ready.length} ready item{ready.length > 1 ? 's' : ''}</button>
          ) : <p class="muted">Items can be finalized once all commits are revealed or the reveal window is over.</p>}
          <h2>Items</h2>
          <ol class="items">
            {items.map((it, i) => (
              <li key={i}>
                <button class={i === current ? 'on' : ''} aria-current={i === current ? 'true' : undefined} onClick={() => setCurrent(i)}>
                  Item {i} · {ITEM_STATUS[it.status]}{committed(i) ? ' · you committed' : chosen.has(i) ? ` · chosen: ${names[chosen.get(i) as number]}` : ''}
                </button>
              </li>
            ))}
          </ol>
        </aside>
      </div>
    </section>
  );
}
