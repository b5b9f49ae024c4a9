import type { Notice } from '../env';
import type { PendingTx } from '../tx';

interface Props {
  notices: Notice[];
  pending: PendingTx[];
  onDismiss(id: number): void;
}

/** Notices and pending transactions, announced to screen readers as they change. */
export function Notices({ notices, pending, onDismiss }: Props) {
  return (
    <section class="notices" aria-live="polite" aria-label="Messages">
      {pending.map((p) => (
        <div key={`p${p.id}`} class="notice pending" data-testid="pending">
          <span class="spinner" aria-hidden="true" />
          {p.state === 'signing' ? `${p.label}: confirm in your wallet…` : `${p.label}: waiting to be mined (${p.hash?.slice(0, 10)}…)`}
        </div>
      ))}
      {notices.map((n) => (
        <div key={n.id} class={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'} data-testid={`notice-${n.kind}`}>
          <div class="text">
            <strong>{n.title}</strong>
            {n.detail ? <small>{n.detail}</small> : null}
          </div>
          <button class="ghost" onClick={() => onDismiss(n.id)} aria-label="Dismiss this message">×</button>
        </div>
      ))}
    </section>
  );
}
