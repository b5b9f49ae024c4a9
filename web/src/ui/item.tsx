// One item, fetched from the manifest's URI and shown only once its SHA-256 matched.
import { useEffect, useState } from 'preact/hooks';
import { IntegrityError, loadItem, type LoadedItem, type ManifestItem } from '../manifest';

type State = { kind: 'loading' } | { kind: 'ok'; item: LoadedItem } | { kind: 'bad'; error: IntegrityError } | { kind: 'error'; message: string };

/** `onVerdict(false)` when the bytes do not match their hash: the item must not be labelled. */
export function ItemView({ item, classHint, onVerdict }: { item: ManifestItem; classHint: string; onVerdict(ok: boolean): void }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    let stop = false;
    let url: string | undefined;
    setState({ kind: 'loading' });
    onVerdict(false);
    loadItem(item).then(
      (it) => { url = it.url; if (!stop) { setState({ kind: 'ok', item: it }); onVerdict(true); } },
      (e: unknown) => {
        if (stop) return;
        setState(e instanceof IntegrityError ? { kind: 'bad', error: e } : { kind: 'error', message: String((e as Error).message ?? e) });
        onVerdict(false);
      },
    );
    return () => { stop = true; if (url) URL.revokeObjectURL(url); };
  }, [item.uri, item.sha256]);
  if (state.kind === 'loading') return <div class="item loading">Fetching item {item.index} and checking its SHA-256…</div>;
  if (state.kind === 'bad')
    return (
      <div class="item banner bad" role="alert" data-testid="integrity-warning">
        <strong>This item is not the one the requester published.</strong>
        <p>Its content does not match the SHA-256 in the task's manifest, so it is not shown. Do not label it; tell the requester.</p>
        <small class="hash">expected {state.error.expected}<br />found {state.error.actual}</small>
      </div>
    );
  if (state.kind === 'error') return <div class="item banner bad" role="alert">Cannot fetch item {item.index}: {state.message}</div>;
  const it = state.item;
  return (
    <figure class="item" data-testid="item-view">
      {it.kind === 'image' ? <img src={it.url} alt={`Item ${item.index} to label (${classHint})`} />
        : it.kind === 'audio' ? <audio controls src={it.url} aria-label={`Item ${item.index} audio`} />
        : it.kind === 'text' ? <pre class="text-item">{it.text}</pre>
        : <a href={it.url} download>Download item {item.index} (no preview for this type)</a>}
      <figcaption><span class="ok-check" data-testid="sha-ok">✓ Content checked: its SHA-256 is the one in the task's manifest, whose Merkle root is the task's dataRoot</span></figcaption>
    </figure>
  );
}
