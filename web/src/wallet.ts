// Wallet discovery and chain handling. EIP-6963: every installed wallet announces itself
// (so two wallets never fight over window.ethereum); a page without any announcement
// falls back to the EIP-1193 provider at window.ethereum. A wallet on another chain is
// asked to switch (wallet_switchEthereumChain) and, if it does not know the chain (error
// 4902), to add it (wallet_addEthereumChain) with the RPC URL from the settings.
import { numberToHex } from 'viem';
import type { Deployment } from './deployment';

export interface Eip1193 {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
  on?(event: string, listener: (...args: any[]) => void): void;
  removeListener?(event: string, listener: (...args: any[]) => void): void;
}

export interface WalletInfo {
  uuid: string;
  name: string;
  icon: string;
  rdns: string;
}

export interface DiscoveredWallet {
  info: WalletInfo;
  provider: Eip1193;
}

interface AnnounceEvent extends Event {
  detail: { info: WalletInfo; provider: Eip1193 };
}

/** Collects EIP-6963 announcements; `onChange` runs for each new wallet. */
export function discoverWallets(onChange: (wallets: DiscoveredWallet[]) => void): () => void {
  const found = new Map<string, DiscoveredWallet>();
  const listener = (e: Event) => {
    const d = (e as AnnounceEvent).detail;
    if (!d || typeof d.provider?.request !== 'function' || typeof d.info?.uuid !== 'string') return;
    if (found.has(d.info.uuid)) return;
    found.set(d.info.uuid, { info: d.info, provider: d.provider });
    onChange([...found.values()]);
  };
  window.addEventListener('eip6963:announceProvider', listener);
  window.dispatchEvent(new Event('eip6963:requestProvider'));
  // EIP-1193 fallback: shown only while no wallet announced itself.
  const injected = (window as unknown as { ethereum?: Eip1193 }).ethereum;
  if (injected && typeof injected.request === 'function') {
    setTimeout(() => {
      if (found.size === 0)
        onChange([
          { info: { uuid: 'window.ethereum', name: 'Browser wallet', icon: '', rdns: 'window.ethereum' }, provider: injected },
        ]);
    }, 300);
  }
  return () => window.removeEventListener('eip6963:announceProvider', listener);
}

/** An EIP-1193 error's code, wherever viem or the wallet put it. */
export function errorCode(e: unknown): number | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 8 && cur && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** EIP-1193 4001: the person said no in the wallet. Not an error of the app. */
export function isUserRejection(e: unknown): boolean {
  return errorCode(e) === 4001;
}

export async function requestAccounts(p: Eip1193): Promise<`0x${string}`[]> {
  const accounts = (await p.request({ method: 'eth_requestAccounts' })) as `0x${string}`[];
  return accounts;
}

export async function walletChainId(p: Eip1193): Promise<number> {
  const hex = (await p.request({ method: 'eth_chainId' })) as string;
  return Number.parseInt(hex, 16);
}

/** Switches the wallet to the deployment's chain, adding the chain first when the wallet
 *  does not know it. */
export async function switchChain(p: Eip1193, d: Deployment): Promise<void> {
  const chainId = numberToHex(d.chainId);
  try {
    await p.request({ method: 'wallet_switchEthereumChain', params: [{ chainId }] });
  } catch (e) {
    if (errorCode(e) !== 4902) throw e;
    await p.request({
      method: 'wallet_addEthereumChain',
      params: [
        {
          chainId,
          chainName: chainName(d.chainId),
          rpcUrls: [d.rpcUrl],
          nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
        },
      ],
    });
    await p.request({ method: 'wallet_switchEthereumChain', params: [{ chainId }] });
  }
}

export function chainName(id: number): string {
  switch (id) {
    case 1:
      return 'Ethereum';
    case 412346:
      return 'Labelchain devnode';
    case 421614:
      return 'Arbitrum Sepolia';
    case 42161:
      return 'Arbitrum One';
    default:
      return `chain ${id}`;
  }
}
