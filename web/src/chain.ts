// Reads from the chain through the settings' RPC (never through the wallet, so reads work
// before a wallet connects and whatever chain the wallet is on).
import {
  createPublicClient, defineChain, http, type Address, type Chain, type Hex, type PublicClient,
} from 'viem';
import { escrowAbi, registryAbi, tokenAbi, verifierAbi } from './abi';
import type { Deployment } from './deployment';
import { decodeItem, unpackTerms, type Item, type TaskTerms } from './protocol';
import { chainName } from './wallet';

export function chainOf(d: Deployment): Chain {
  return defineChain({
    id: d.chainId,
    name: chainName(d.chainId),
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [d.rpcUrl] } },
  });
}

export function publicClientFor(d: Deployment): PublicClient {
  return createPublicClient({ chain: chainOf(d), transport: http(d.rpcUrl, { batch: { batchSize: 200 } }) });
}

export interface TaskInfo {
  id: bigint;
  terms: TaskTerms;
  metadataUri: string;
}

/** This labeller's commits (item key `task:item` → commitment) and reveals (→ label). */
export interface Votes {
  committed: Map<string, Hex>;
  revealed: Map<string, number>;
}

export interface Account {
  balance: bigint;
  free: bigint;
  locked: bigint;
  unbonding: bigint;
  availableAt: number;
  agreed: bigint;
  total: bigint;
  tier: number;
}

/** An event's decoded arguments (the ABIs are JSON, so viem cannot type them). */
type Args = Record<string, unknown>;
function argsOf(log: unknown): Args {
  return ((log as { args?: Args }).args ?? {}) as Args;
}

export class ChainReader {
  constructor(readonly client: PublicClient, readonly d: Deployment) {}

  /** The latest block's timestamp: windows are checked against chain time, which a dev
   *  chain may have moved ahead of the wall clock. */
  async chainTime(): Promise<number> {
    const b = await this.client.getBlock({ blockTag: 'latest' });
    return Number(b.timestamp);
  }

  async account(who: Address): Promise<Account> {
    const c = this.d.contracts;
    const [balance, stake, rep] = await Promise.all([
      this.client.readContract({ address: c.token, abi: tokenAbi, functionName: 'balanceOf', args: [who] }) as Promise<bigint>,
      this.client.readContract({ address: c.escrow, abi: escrowAbi, functionName: 'stakeOf', args: [who] }) as Promise<
        readonly [bigint, bigint, bigint, bigint]
      >,
      this.client.readContract({ address: c.verifier, abi: verifierAbi, functionName: 'reputation', args: [who] }) as Promise<
        readonly [bigint, bigint, number]
      >,
    ]);
    return {
      balance, free: stake[0], locked: stake[1], unbonding: stake[2], availableAt: Number(stake[3]),
      agreed: rep[0], total: rep[1], tier: rep[2],
    };
  }

  async allowance(owner: Address): Promise<bigint> {
    const c = this.d.contracts;
    return (await this.client.readContract({
      address: c.token, abi: tokenAbi, functionName: 'allowance', args: [owner, c.escrow],
    })) as bigint;
  }

  async claimable(token: Address, who: Address): Promise<bigint> {
    return (await this.client.readContract({
      address: this.d.contracts.escrow, abi: escrowAbi, functionName: 'claimable', args: [token, who],
    })) as bigint;
  }

  /** LBL and every token ever allow-listed for payment (a delisted token may still owe). */
  async paymentTokens(): Promise<Address[]> {
    const logs = await this.client.getContractEvents({
      address: this.d.contracts.registry, abi: registryAbi, eventName: 'PaymentTokenSet', fromBlock: 0n,
    });
    const set = new Set<Address>([this.d.contracts.token]);
    for (const l of logs) set.add(argsOf(l)['token'] as Address);
    return [...set];
  }

  async tokenSymbol(token: Address): Promise<string> {
    try {
      return (await this.client.readContract({ address: token, abi: tokenAbi, functionName: 'symbol' })) as string;
    } catch {
      return `${token.slice(0, 8)}…`;
    }
  }

  /** Every task with its terms and metadata URI (from its TaskCreated event). */
  async tasks(): Promise<TaskInfo[]> {
    const c = this.d.contracts;
    const [count, logs] = await Promise.all([
      this.client.readContract({ address: c.registry, abi: registryAbi, functionName: 'taskCount' }) as Promise<bigint>,
      this.client.getContractEvents({ address: c.registry, abi: registryAbi, eventName: 'TaskCreated', fromBlock: 0n }),
    ]);
    const uris = new Map<bigint, string>();
    for (const l of logs) uris.set(argsOf(l)['task'] as bigint, (argsOf(l)['metadataURI'] as string) ?? '');
    const ids: bigint[] = [];
    for (let t = 1n; t <= count; t++) ids.push(t);
    const terms = await Promise.all(ids.map((id) => this.terms(id)));
    return ids.map((id, i) => ({ id, terms: terms[i] as TaskTerms, metadataUri: uris.get(id) ?? '' }));
  }

  async metadataUri(task: bigint): Promise<string> {
    const logs = await this.client.getContractEvents({
      address: this.d.contracts.registry, abi: registryAbi, eventName: 'TaskCreated', args: { task }, fromBlock: 0n,
    });
    return logs.length > 0 ? ((argsOf(logs[0])['metadataURI'] as string) ?? '') : '';
  }

  async dataRoot(task: bigint): Promise<Hex> {
    return (await this.client.readContract({
      address: this.d.contracts.registry, abi: registryAbi, functionName: 'dataRoot', args: [task],
    })) as Hex;
  }

  async terms(task: bigint): Promise<TaskTerms> {
    const words = (await this.client.readContract({
      address: this.d.contracts.registry, abi: registryAbi, functionName: 'terms', args: [task],
    })) as readonly bigint[];
    return unpackTerms(words);
  }

  async items(task: bigint, count: number): Promise<Item[]> {
    const reads = [];
    for (let i = 0; i < count; i++)
      reads.push(
        this.client.readContract({
          address: this.d.contracts.verifier, abi: verifierAbi, functionName: 'getItem', args: [task, i],
        }) as Promise<readonly [number, number, number, number, number, number, bigint]>,
      );
    return (await Promise.all(reads)).map(decodeItem);
  }

  /** The items of `task` this labeller committed on and revealed, from the verifier's events. */
  async myVotes(task: bigint | undefined, who: Address): Promise<Votes> {
    const address = this.d.contracts.verifier;
    const args = task === undefined ? { labeller: who } : { task, labeller: who };
    const [commits, reveals] = await Promise.all([
      this.client.getContractEvents({ address, abi: verifierAbi, eventName: 'Committed', args, fromBlock: 0n }),
      this.client.getContractEvents({ address, abi: verifierAbi, eventName: 'Revealed', args, fromBlock: 0n }),
    ]);
    const key = (l: unknown) => `${argsOf(l)['task']}:${argsOf(l)['item']}`;
    return {
      committed: new Map(commits.map((l) => [key(l), argsOf(l)['commitment'] as Hex])),
      revealed: new Map(reveals.map((l) => [key(l), Number(argsOf(l)['label'])])),
    };
  }
}
