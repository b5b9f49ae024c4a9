// The app's shell: loads the deployment, discovers wallets, keeps the connection and the
// chain time, routes between screens by the URL's hash, and shows notices and pending
// transactions. The screens are in ui/.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createWalletClient, custom, getAddress, type Address } from 'viem';
import { chainOf, ChainReader, publicClientFor } from './chain';
import { loadDeployment, type Deployment } from './deployment';
import type { Env, Notice, NoticeKind } from './env';
import * as salts from './salts';
import { send as sendTx, type Call, type Outcome, type PendingTx } from './tx';
import { discoverWallets, isUserRejection, requestAccounts, switchChain, walletChainId, type DiscoveredWallet } from './wallet';
import { Header } from './ui/header';
import { Notices } from './ui/notices';
import { TasksScreen } from './ui/tasks';
import { TaskScreen } from './ui/task';
import { AccountScreen } from './ui/account';
import { RevealsScreen, dueReveals, useRevealState } from './ui/reveals';
import { SettingsScreen } from './ui/settings';
import { CreateScreen } from './ui/create';
import { ProgressScreen } from './ui/progress';

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash || '#/tasks');
  useEffect(() => {
    const on = () => setHash(window.location.hash || '#/tasks');
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

export function App() {
  const [d, setD] = useState<Deployment | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    loadDeployment().then(setD, (e: unknown) => setLoadError(String((e as Error).message ?? e)));
  }, []);
  if (loadError)
    return (
      <main class="boot">
        <h1>Labelchain</h1>
        <p role="alert">Cannot find the deployment: {loadError}</p>
        <SettingsScreen d={null} onSaved={(x) => { setLoadError(null); setD(x); }} />
      </main>
    );
  if (!d) return <main class="boot"><p>Loading the deployment…</p></main>;
  return <Connected d={d} onSettings={setD} />;
}

function Connected({ d, onSettings }: { d: Deployment; onSettings: (d: Deployment) => void }) {
  const hash = useHash();
  const client = useMemo(() => publicClientFor(d), [d]);
  const reader = useMemo(() => new ChainReader(client, d), [client, d]);
  const [wallets, setWallets] = useState<DiscoveredWallet[]>([]);
  const [wallet, setWallet] = useState<DiscoveredWallet | null>(null);
  const [address, setAddress] = useState<Address | null>(null);
  const [walletChain, setWalletChain] = useState<number | null>(null);
  const [notices, setNotices] = useState<Notice[]>([]);
  const [pending, setPending] = useState<PendingTx[]>([]);
  const [version, setVersion] = useState(0);
  const [records, setRecords] = useState<salts.SaltRecord[]>([]);
  const [chainNow, setChainNow] = useState<{ ts: number; at: number } | null>(null);
  const [tick, setTick] = useState(0);
  const nextNotice = useRef(1);

  useEffect(() => discoverWallets(setWallets), []);

  const notify = useCallback((kind: NoticeKind, title: string, detail?: string) => {
    const id = nextNotice.current++;
    setNotices((n) => [...n.slice(-4), detail === undefined ? { id, kind, title } : { id, kind, title, detail }]);
    // Confirmations go by themselves; errors, warnings and rejections stay until dismissed.
    if (kind === 'ok') setTimeout(() => setNotices((n) => n.filter((x) => x.id !== id)), 8000);
  }, []);

  const reloadSalts = useCallback(async () => {
    try {
      setRecords(await salts.all());
    } catch (e) {
      notify('error', 'Cannot read the salts kept in this browser', String(e));
    }
  }, [notify]);
  useEffect(() => void reloadSalts(), [reloadSalts]);

  // Chain time: read at every change and every 5 s; ticks in between.
  useEffect(() => {
    let stop = false;
    const read = () => reader.chainTime().then((ts) => !stop && setChainNow({ ts, at: Date.now() }), () => {});
    read();
    const t = setInterval(read, 5000);
    return () => { stop = true; clearInterval(t); };
  }, [reader, version]);
  useEffect(() => {
    const t = setInterval(() => setTick((x) => x + 1), 1000);
    return () => clearInterval(t);
  }, []);
  const now = chainNow ? chainNow.ts + Math.floor((Date.now() - chainNow.at) / 1000) : Math.floor(Date.now() / 1000);
  void tick;

  // Follow the wallet's account and chain.
  useEffect(() => {
    const p = wallet?.provider;
    if (!p?.on) return;
    const onAccounts = (a: string[]) => setAddress(a[0] ? getAddress(a[0]) : null);
    const onChain = (c: string) => setWalletChain(Number.parseInt(c, 16));
    p.on('accountsChanged', onAccounts);
    p.on('chainChanged', onChain);
    return () => { p.removeListener?.('accountsChanged', onAccounts); p.removeListener?.('chainChanged', onChain); };
  }, [wallet]);

  const connect = useCallback(async (w: DiscoveredWallet) => {
    try {
      const accounts = await requestAccounts(w.provider);
      setWallet(w);
      setAddress(accounts[0] ? getAddress(accounts[0]) : null);
      setWalletChain(await walletChainId(w.provider));
    } catch (e) {
      if (isUserRejection(e)) notify('rejected', 'You declined the connection in your wallet.');
      else notify('error', 'The wallet did not connect', String((e as Error).message ?? e));
    }
  }, [notify]);

  const doSwitch = useCallback(async () => {
    if (!wallet) return;
    try {
      await switchChain(wallet.provider, d);
      setWalletChain(await walletChainId(wallet.provider));
    } catch (e) {
      if (isUserRejection(e)) notify('rejected', 'You declined the network switch in your wallet.');
      else notify('error', 'The wallet did not switch networks', String((e as Error).message ?? e));
    }
  }, [wallet, d, notify]);

  const onChain = walletChain === d.chainId;
  const account = address && onChain ? address : undefined;
  const walletClient = useMemo(
    () => (wallet && address ? createWalletClient({ account: address, chain: chainOf(d), transport: custom(wallet.provider) }) : null),
    [wallet, address, d],
  );

  const send = useCallback(async (label: string, call: Call): Promise<Outcome> => {
    if (!walletClient || !account) {
      notify('warn', 'Connect a wallet on the right network first.');
      return { kind: 'failed', message: 'not connected' };
    }
    const out = await sendTx({
      client, wallet: walletClient, account,
      onPending: (p) => setPending((ps) => ('done' in p ? ps.filter((x) => x.id !== p.id) : [...ps.filter((x) => x.id !== p.id), p])),
    }, label, call);
    if (out.kind === 'mined') { notify('ok', `${label}: done`); setVersion((v) => v + 1); }
    else if (out.kind === 'rejected') notify('rejected', `You rejected “${label}” in your wallet. Nothing was sent.`);
    else if (out.kind === 'reverted') notify('error', `${label} would fail: ${out.revert.message}`, `${out.revert.name}(${out.revert.args.join(', ')})`);
    else notify('error', `${label} failed`, out.message);
    return out;
  }, [client, walletClient, account, notify]);

  const env: Env = {
    d, reader, now, version, salts: records, send, notify, busy: pending.length > 0,
    refresh: () => setVersion((v) => v + 1), reloadSalts,
    ...(account ? { account } : {}),
    ...(account && walletClient ? { wallet: walletClient } : {}),
  };

  // Warn before leaving with commits that still need their reveal.
  const reveal = useRevealState(env);
  const open = reveal ? dueReveals(reveal, now, true).length : 0;
  useEffect(() => {
    if (open === 0) return;
    const on = (e: BeforeUnloadEvent) => { e.preventDefault(); e.returnValue = ''; };
    window.addEventListener('beforeunload', on);
    return () => window.removeEventListener('beforeunload', on);
  }, [open]);
  const due = reveal ? dueReveals(reveal, now, false).length : 0;

  const [screen, arg] = hash.slice(2).split('/');
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <Header d={d} wallets={wallets} address={address} walletChain={walletChain} onConnect={connect}
        onSwitch={doSwitch} screen={screen ?? 'tasks'} due={due} />
      <Notices notices={notices} pending={pending} onDismiss={(id) => setNotices((n) => n.filter((x) => x.id !== id))} />
      <main id="main" tabIndex={-1}>
        {screen === 'task' && arg ? <TaskScreen env={env} task={BigInt(arg)} reveal={reveal} />
          : screen === 'progress' && arg ? <ProgressScreen env={env} task={BigInt(arg)} />
          : screen === 'create' ? <CreateScreen env={env} />
          : screen === 'account' ? <AccountScreen env={env} />
          : screen === 'reveals' ? <RevealsScreen env={env} reveal={reveal} />
          : screen === 'settings' ? <SettingsScreen d={d} onSaved={onSettings} />
          : <TasksScreen env={env} />}
      </main>
    </>
  );
}
