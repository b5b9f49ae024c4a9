import type { Address } from 'viem';
import type { Deployment } from '../deployment';
import { short } from '../env';
import { chainName, type DiscoveredWallet } from '../wallet';

interface Props {
  d: Deployment;
  wallets: DiscoveredWallet[];
  address: Address | null;
  walletChain: number | null;
  screen: string;
  due: number;
  onConnect(w: DiscoveredWallet): void;
  onSwitch(): void;
}

const NAV: [string, string][] = [
  ['tasks', 'Tasks'],
  ['reveals', 'Reveals'],
  ['create', 'Create task'],
  ['account', 'Stake & rewards'],
  ['settings', 'Settings'],
];

export function Header({ d, wallets, address, walletChain, screen, due, onConnect, onSwitch }: Props) {
  const wrong = address !== null && walletChain !== null && walletChain !== d.chainId;
  return (
    <header class="top">
      <div class="bar">
        <a class="brand" href="#/tasks">Labelchain</a>
        <div class="wallet">
          {address ? (
            <span class="acct" data-testid="account" title={address}>
              <span class={`dot ${wrong ? 'bad' : 'good'}`} aria-hidden="true" />
              {short(address)} · {chainName(walletChain ?? 0)}
            </span>
          ) : wallets.length === 0 ? (
            <span class="muted">No wallet found: install MetaMask or another browser wallet.</span>
          ) : (
            wallets.map((w) => (
              <button key={w.info.uuid} class="primary" onClick={() => onConnect(w)}>
                {w.info.icon ? <img src={w.info.icon} alt="" width={18} height={18} /> : null}
                Connect {w.info.name}
              </button>
            ))
          )}
        </div>
      </div>
      <nav aria-label="Main">
        {NAV.map(([id, label]) => (
          <a key={id} href={`#/${id}`} aria-current={screen === id || (id === 'tasks' && (screen === 'task' || screen === 'progress')) ? 'page' : undefined}>
            {label}
            {id === 'reveals' && due > 0 ? <span class="badge" aria-label={`${due} due`}>{due}</span> : null}
          </a>
        ))}
      </nav>
      {wrong ? (
        <div class="banner warn" role="alert" data-testid="wrong-chain">
          Your wallet is on {chainName(walletChain ?? 0)} (chain id {walletChain}); this deployment is on {chainName(d.chainId)} (chain id {d.chainId}). Nothing can be sent until the wallet switches.
          <button class="primary" onClick={onSwitch}>Switch to {chainName(d.chainId)}</button>
        </div>
      ) : null}
    </header>
  );
}
