import { formatUnits } from 'viem';

/** An 18-decimal amount with at most four decimals shown (never rounded up). */
export function amount(v: bigint, decimals = 18): string {
  const s = formatUnits(v, decimals);
  const [whole, frac = ''] = s.split('.');
  const f = frac.slice(0, 4).replace(/0+$/, '');
  return f ? `${whole}.${f}` : (whole ?? '0');
}

export function when(ts: number): string {
  return new Date(ts * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
