import { useState } from 'preact/hooks';
import { fetchDeployment, parseDeployment, saveDeployment, type Deployment } from '../deployment';

const FIELDS = [
  ['token', 'RewardToken (LBL)'], ['escrow', 'StakingEscrow'], ['registry', 'TaskRegistry'],
  ['verifier', 'ConsensusVerifier'], ['datasets', 'DatasetRegistry'],
] as const;

/** Which RPC and deployment the app talks to; saved in this browser. */
export function SettingsScreen({ d, onSaved }: { d: Deployment | null; onSaved(d: Deployment): void }) {
  const [rpc, setRpc] = useState(d?.rpcUrl ?? 'http://127.0.0.1:8547');
  const [chainId, setChainId] = useState(String(d?.chainId ?? 412346));
  const [addr, setAddr] = useState<Record<string, string>>({ ...(d?.contracts ?? {}) });
  const [url, setUrl] = useState('/deployment.json');
  const [msg, setMsg] = useState<string | null>(null);
  const save = () => {
    try {
      const next = parseDeployment({ rpcUrl: rpc, chainId: Number(chainId), contracts: addr }, 'these settings');
      saveDeployment(next);
      onSaved(next);
      setMsg('Saved.');
    } catch (e) {
      setMsg(String((e as Error).message));
    }
  };
  const load = async () => {
    try {
      const next = await fetchDeployment(url);
      saveDeployment(null);
      onSaved(next);
      setRpc(next.rpcUrl); setChainId(String(next.chainId)); setAddr({ ...next.contracts });
      setMsg(`Loaded ${url}.`);
    } catch (e) {
      setMsg(String((e as Error).message));
    }
  };
  return (
    <section>
      <h1>Settings</h1>
      {d ? <p class="muted">Now using {d.source}: {d.rpcUrl}, chain id {d.chainId}.</p> : null}
      <form class="card stack" onSubmit={(e) => { e.preventDefault(); save(); }}>
        <label for="rpc">RPC URL</label>
        <input id="rpc" value={rpc} onInput={(e) => setRpc((e.target as HTMLInputElement).value)} />
        <label for="chain">Chain id</label>
        <input id="chain" inputMode="numeric" value={chainId} onInput={(e) => setChainId((e.target as HTMLInputElement).value)} />
        {FIELDS.map(([k, label]) => (
          <>
            <label for={`a-${k}`}>{label} address</label>
            <input id={`a-${k}`} value={addr[k] ?? ''} spellcheck={false} onInput={(e) => setAddr({ ...addr, [k]: (e.target as HTMLInputElement).value })} />
          </>
        ))}
        <button class="primary" type="submit">Save</button>
      </form>
      <form class="card inline" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <label for="durl">Deployment file</label>
        <input id="durl" value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
        <button type="submit">Load</button>
      </form>
      {msg ? <p role="status">{msg}</p> : null}
    </section>
  );
}
