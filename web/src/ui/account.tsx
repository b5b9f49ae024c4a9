// Stake (approve first when the escrow's allowance is short: the escrow's `stake` has no
// permit form, so a permit would be a transaction of its own and save nothing), unstake,
// withdraw after unbonding; reputation and tier; claimable balances per token; the salt
// backup.
import { useEffect, useState } from 'preact/hooks';
import { parseUnits, type Address } from 'viem';
import { escrowAbi, tokenAbi } from '../abi';
import type { Account } from '../chain';
import { countdown, type Env } from '../env';
import { tierName } from '../protocol';
import * as salts from '../salts';
import { amount } from './format';

function parseLbl(s: string): bigint | null {
  try {
    const v = parseUnits(s.trim(), 18);
    return v > 0n ? v : null;
  } catch {
    return null;
  }
}

export function AccountScreen({ env }: { env: Env }) {
  const [me, setMe] = useState<Account | null>(null);
  const [claims, setClaims] = useState<{ token: Address; symbol: string; amount: bigint }[]>([]);
  const [stakeIn, setStakeIn] = useState('');
  const [unstakeIn, setUnstakeIn] = useState('');
  const { account, reader, version, d } = env;
  useEffect(() => {
    if (!account) return;
    reader.account(account).then(setMe, () => {});
    reader.paymentTokens().then(async (tokens) => {
      setClaims(await Promise.all(tokens.map(async (token) => ({
        token, symbol: await reader.tokenSymbol(token), amount: await reader.claimable(token, account),
      }))));
    }, () => {});
  }, [account, reader, version]);
  if (!account) return <section><h1>Stake & rewards</h1><p>Connect a wallet to see your stake and rewards.</p><SaltBackup env={env} /></section>;
  if (!me) return <section><h1>Stake & rewards</h1><p>Reading your account…</p></section>;

  const stake = async () => {
    const v = parseLbl(stakeIn);
    if (v === null) return env.notify('warn', 'Enter an amount of LBL above zero, e.g. 25 or 0.5.');
    if (v > me.balance) return env.notify('warn', `You hold ${amount(me.balance)} LBL; you cannot stake ${amount(v)}.`);
    if ((await reader.allowance(account)) < v) {
      const a = await env.send(`Allow the escrow to take ${amount(v)} LBL`, { address: d.contracts.token, abi: tokenAbi, functionName: 'approve', args: [d.contracts.escrow, v] });
      if (a.kind !== 'mined') return;
    }
    const out = await env.send(`Stake ${amount(v)} LBL`, { address: d.contracts.escrow, abi: escrowAbi, functionName: 'stake', args: [v] });
    if (out.kind === 'mined') setStakeIn('');
  };
  const unstake = async () => {
    const v = parseLbl(unstakeIn);
    if (v === null) return env.notify('warn', 'Enter an amount of LBL above zero.');
    const out = await env.send(`Unstake ${amount(v)} LBL`, { address: d.contracts.escrow, abi: escrowAbi, functionName: 'unstake', args: [v] });
    if (out.kind === 'mined') setUnstakeIn('');
  };
  const pct = me.total > 0n ? `${((Number(me.agreed) * 100) / Number(me.total)).toFixed(1)} %` : '';
  return (
    <section>
      <h1>Stake & rewards</h1>
      <div class="grid">
        <div class="card" data-testid="stake-card">
          <h2>Stake</h2>
          <dl class="facts">
            <div><dt>Wallet balance</dt><dd data-testid="balance">{amount(me.balance)} LBL</dd></div>
            <div><dt>Free stake</dt><dd data-testid="free-stake">{amount(me.free)} LBL</dd></div>
            <div><dt>Locked in commits</dt><dd>{amount(me.locked)} LBL</dd></div>
            <div><dt>Unbonding</dt><dd>{amount(me.unbonding)} LBL{me.unbonding > 0n ? (me.availableAt > env.now ? ` · withdrawable in ${countdown(me.availableAt - env.now)}` : ' · withdrawable now') : ''}</dd></div>
          </dl>
          <form class="inline" onSubmit={(e) => { e.preventDefault(); void stake(); }}>
            <label for="stake-amount">Stake LBL</label>
            <input id="stake-amount" inputMode="decimal" placeholder="25" value={stakeIn} onInput={(e) => setStakeIn((e.target as HTMLInputElement).value)} />
            <button class="primary" type="submit" disabled={env.busy}>Stake</button>
          </form>
          <form class="inline" onSubmit={(e) => { e.preventDefault(); void unstake(); }}>
            <label for="unstake-amount">Unstake LBL</label>
            <input id="unstake-amount" inputMode="decimal" placeholder="10" value={unstakeIn} onInput={(e) => setUnstakeIn((e.target as HTMLInputElement).value)} />
            <button type="submit" disabled={env.busy}>Unstake</button>
          </form>
          <button disabled={me.unbonding === 0n || env.busy} onClick={() => env.send('Withdraw unbonded stake', { address: d.contracts.escrow, abi: escrowAbi, functionName: 'withdraw' })}>
            Withdraw unbonded stake
          </button>
        </div>
        <div class="card">
          <h2>Reputation</h2>
          <p class="big" data-testid="tier">{tierName(me.tier)}</p>
          <p data-testid="reputation">{me.total > 0n ? `${me.agreed} of ${me.total} final labels agreed with consensus (${pct})` : 'No final labels yet.'}</p>
          <p class="muted">Silver: at least 85 % over 20 labels · Gold: at least 95 % over 50 labels.</p>
        </div>
        <div class="card">
          <h2>Claimable</h2>
          <table class="list">
            <thead><tr><th scope="col">Token</th><th scope="col">Amount</th><th scope="col"><span class="sr">Action</span></th></tr></thead>
            <tbody>
              {claims.map((c) => (
                <tr key={c.token}>
                  <td>{c.symbol}</td>
                  <td data-testid={`claimable-${c.symbol}`}>{amount(c.amount)}</td>
                  <td><button class="primary" disabled={c.amount === 0n || env.busy} onClick={() => env.send(`Claim ${c.symbol}`, { address: d.contracts.escrow, abi: escrowAbi, functionName: 'claim', args: [c.token] })}>Claim</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <SaltBackup env={env} />
      </div>
    </section>
  );
}

function SaltBackup({ env }: { env: Env }) {
  const download = () => {
    const blob = new Blob([salts.exportJson(env.salts)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `labelchain-salts-${new Date().toISOString().slice(0, 10)}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  const upload = async (f: File) => {
    try {
      const recs = salts.parseImport(await f.text());
      for (const r of recs) await salts.put(r);
      await env.reloadSalts();
      env.notify('ok', `Imported ${recs.length} salt${recs.length === 1 ? '' : 's'}.`);
    } catch (e) {
      env.notify('error', 'Nothing was imported', String((e as Error).message ?? e));
    }
  };
  return (
    <div class="card">
      <h2>Salt backup</h2>
      <p>This browser keeps {env.salts.length} commit salt{env.salts.length === 1 ? '' : 's'}. Without its salt a commit cannot be revealed and its stake is lost: keep a copy.</p>
      <div class="actions">
        <button data-testid="export-salts" onClick={download} disabled={env.salts.length === 0}>Export salts (JSON)</button>
      </div>
      <div class="actions">
        <label class="button file">
          Import salts (JSON)
          <input type="file" class="sr" accept="application/json,.json" data-testid="import-salts" onChange={(e) => {
            const f = (e.target as HTMLInputElement).files?.[0];
            if (f) void upload(f);
          }} />
        </label>
      </div>
    </div>
  );
}
