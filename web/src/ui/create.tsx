// A requester creates a task from a manifest picked in the browser: the file's lines are
// checked and its dataRoot computed here (the CLI's tree), the class names and the
// manifest's hash and URI go into the metadata data: URI the CLI would write, and the
// escrow is paid by one EIP-2612 signature (createTaskWithPermit) or by approve +
// createTask.
import { useState } from 'preact/hooks';
import { parseEventLogs, parseUnits, type Address } from 'viem';
import { registryAbi, tokenAbi } from '../abi';
import type { Env } from '../env';
import { TIERS } from '../protocol';
import { cost, metadataUri, parseClasses, readManifestFile, signPermit, type PickedManifest } from '../requester';
import { isUserRejection } from '../wallet';
import { amount } from './format';

interface Form {
  manifestUri: string;
  classes: string;
  k: string;
  threshold: string;
  reward: string;
  stake: string;
  commitSecs: string;
  revealSecs: string;
  minTier: string;
  pay: 'permit' | 'approve';
}

const START: Form = {
  manifestUri: '', classes: '', k: '3', threshold: '6000', reward: '2', stake: '10',
  commitSecs: '3600', revealSecs: '3600', minTier: '0', pay: 'permit',
};

/** Where the progress screen finds the manifest's file name for the export command. */
export function manifestNameKey(chainId: number, task: bigint): string {
  return `labelchain.manifest.${chainId}.${task}`;
}

function int(s: string, what: string, min: number, max: number): number {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${what} must be a whole number from ${min} to ${max}`);
  return n;
}

function lbl(s: string, what: string): bigint {
  try {
    const v = parseUnits(s.trim(), 18);
    if (v > 0n) return v;
  } catch { /* below */ }
  throw new Error(`${what} must be an amount above zero, e.g. 2 or 0.5`);
}

export function CreateScreen({ env }: { env: Env }) {
  const [f, setF] = useState<Form>(START);
  const [picked, setPicked] = useState<(PickedManifest & { name: string }) | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const set = (k: keyof Form) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });

  const pick = async (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    setPicked(null);
    setFileError(null);
    if (!file) return;
    try {
      const m = await readManifestFile(await file.arrayBuffer());
      setPicked({ ...m, name: file.name });
    } catch (err) {
      setFileError(`${file.name}: ${String((err as Error).message ?? err)}`);
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!picked) return env.notify('warn', 'Pick a manifest file first (labelchain dataset manifest writes one).');
    if (!env.account || !env.wallet) return env.notify('warn', 'Connect a wallet on the right network first.');
    let args: readonly unknown[];
    let value: bigint;
    try {
      const classes = parseClasses(f.classes);
      const k = int(f.k, 'Labellers per item', 1, 255);
      const threshold = int(f.threshold, 'The threshold', 1, 10_000);
      const reward = lbl(f.reward, 'The reward');
      const stake = lbl(f.stake, 'The stake');
      const commitSecs = int(f.commitSecs, 'The commit window', 1, 31_536_000);
      const revealSecs = int(f.revealSecs, 'The reveal window', 1, 31_536_000);
      const uri = metadataUri(classes, picked.sha256, f.manifestUri.trim() || undefined);
      const params = (await env.reader.client.readContract({ address: env.d.contracts.registry, abi: registryAbi, functionName: 'params' })) as readonly number[];
      const { bounty, fee } = cost(picked.items.length, k, reward, Number(params[0]));
      value = bounty + fee;
      args = [picked.dataRoot, picked.items.length, classes.length, k, threshold, env.d.contracts.token, reward, stake,
        BigInt(commitSecs), BigInt(revealSecs), 0, Number(f.minTier), uri];
    } catch (err) {
      return env.notify('warn', String((err as Error).message ?? err));
    }
    const out = f.pay === 'permit' ? await withPermit(env, args, value) : await withApprove(env, args, value);
    if (!out) return;
    const receipt = await env.reader.client.getTransactionReceipt({ hash: out });
    const created = parseEventLogs({ abi: registryAbi, logs: receipt.logs, eventName: 'TaskCreated' })[0];
    const task = (created as { args?: { task?: bigint } } | undefined)?.args?.task;
    if (task === undefined) return env.notify('error', 'The task was created, but its TaskCreated event was not found');
    localStorage.setItem(manifestNameKey(env.d.chainId, task), picked.name);
    window.location.hash = `#/progress/${task}`;
  };

  return (
    <section class="create">
      <h1>Create a task</h1>
      <form class="card form" onSubmit={submit}>
        <label><span>Manifest file (JSONL from <code>labelchain dataset manifest</code>)</span>
          <input type="file" accept=".jsonl,.json,application/jsonl,text/plain" onChange={pick} data-testid="manifest-file" /></label>
        {fileError ? <p class="banner bad" role="alert">{fileError}</p> : null}
        {picked ? (
          <dl class="facts wide" data-testid="manifest-facts">
            <div><dt>Items</dt><dd data-testid="item-count">{picked.items.length}</dd></div>
            <div><dt>dataRoot (computed here)</dt><dd class="hash" data-testid="data-root">{picked.dataRoot}</dd></div>
            <div><dt>Manifest SHA-256</dt><dd class="hash" data-testid="manifest-sha">{picked.sha256}</dd></div>
          </dl>
        ) : null}
        <label>Where labellers fetch the manifest (URI; relative to this app)
          <input value={f.manifestUri} onInput={set('manifestUri')} placeholder="/demo/manifest.jsonl or https://…" /></label>
        <label>Class names, comma-separated
          <input value={f.classes} onInput={set('classes')} placeholder="cat, dog, bird" required /></label>
        <div class="grid2">
          <label>Labellers per item (k)<input inputMode="numeric" value={f.k} onInput={set('k')} /></label>
          <label>Agreement threshold (bps)<input inputMode="numeric" value={f.threshold} onInput={set('threshold')} /></label>
          <label>Reward per label (LBL)<input inputMode="decimal" value={f.reward} onInput={set('reward')} /></label>
          <label>Stake per label (LBL)<input inputMode="decimal" value={f.stake} onInput={set('stake')} /></label>
          <label>Commit window (seconds)<input inputMode="numeric" value={f.commitSecs} onInput={set('commitSecs')} /></label>
          <label>Reveal window (seconds)<input inputMode="numeric" value={f.revealSecs} onInput={set('revealSecs')} /></label>
          <label>Minimum tier
            <select value={f.minTier} onChange={set('minTier')}>{TIERS.map((t, i) => <option key={t} value={String(i)}>{t}</option>)}</select></label>
        </div>
        <fieldset class="pay">
          <legend>Pay the escrow</legend>
          <label class="radio"><input type="radio" name="pay" checked={f.pay === 'permit'} onChange={() => setF({ ...f, pay: 'permit' })} /> One signature (permit) and one transaction</label>
          <label class="radio"><input type="radio" name="pay" checked={f.pay === 'approve'} onChange={() => setF({ ...f, pay: 'approve' })} /> Approve, then create (two transactions)</label>
        </fieldset>
        {picked ? <Cost items={picked.items.length} f={f} /> : null}
        <button class="primary" type="submit" data-testid="create" disabled={!env.account || env.busy || !picked}>Create the task</button>
        {!env.account ? <p class="muted">Connect a wallet to create a task.</p> : null}
      </form>
    </section>
  );
}

function Cost({ items, f }: { items: number; f: Form }) {
  let bounty: bigint;
  try {
    bounty = BigInt(items) * BigInt(f.k) * parseUnits(f.reward.trim() || '0', 18);
  } catch {
    return null;
  }
  return <p data-testid="bounty">Bounty {amount(bounty)} LBL ({items} items × {f.k} labels × {f.reward} LBL), plus the protocol fee, taken at creation.</p>;
}

async function withPermit(env: Env, args: readonly unknown[], value: bigint): Promise<`0x${string}` | null> {
  const { reader, d } = env;
  const owner = env.account as Address;
  const [domain, nonce] = await Promise.all([
    reader.client.readContract({ address: d.contracts.token, abi: tokenAbi, functionName: 'eip712Domain' }) as Promise<readonly unknown[]>,
    reader.client.readContract({ address: d.contracts.token, abi: tokenAbi, functionName: 'nonces', args: [owner] }) as Promise<bigint>,
  ]);
  const deadline = BigInt(env.now + 3600);
  let sig;
  try {
    sig = await signPermit(env.wallet!, owner, {
      name: domain[1] as string, version: domain[2] as string, chainId: d.chainId, verifyingContract: d.contracts.token,
    }, d.contracts.escrow, value, nonce, deadline);
  } catch (e) {
    if (isUserRejection(e)) env.notify('rejected', 'You declined the permit signature in your wallet. Nothing was sent.');
    else env.notify('error', 'The wallet did not sign the permit', String((e as Error).message ?? e));
    return null;
  }
  const out = await env.send('Create the task', {
    address: d.contracts.registry, abi: registryAbi, functionName: 'createTaskWithPermit', args: [...args, deadline, sig.v, sig.r, sig.s],
  });
  return out.kind === 'mined' ? out.hash : null;
}

async function withApprove(env: Env, args: readonly unknown[], value: bigint): Promise<`0x${string}` | null> {
  const { d } = env;
  const a = await env.send(`Allow the escrow to take ${amount(value)} LBL`, { address: d.contracts.token, abi: tokenAbi, functionName: 'approve', args: [d.contracts.escrow, value] });
  if (a.kind !== 'mined') return null;
  const out = await env.send('Create the task', { address: d.contracts.registry, abi: registryAbi, functionName: 'createTask', args });
  return out.kind === 'mined' ? out.hash : null;
}
