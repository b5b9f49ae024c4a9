// Sending a transaction: simulate first (a revert is caught before the wallet is asked,
// and decoded to its custom error and sentence), then the wallet signs and sends, then the
// transaction is shown as pending until its receipt arrives. A rejection in the wallet
// (EIP-1193 4001) is a notice the person dismisses, not an error.
import type { Abi, Address, Hex, PublicClient, WalletClient } from 'viem';
import { decodeRevertData, revertData, type Revert } from './errors';
import { isUserRejection } from './wallet';

export interface Call {
  address: Address;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
}

export type Outcome =
  | { kind: 'mined'; hash: Hex }
  | { kind: 'rejected' }
  | { kind: 'reverted'; revert: Revert; hash?: Hex }
  | { kind: 'failed'; message: string };

export interface PendingTx {
  id: number;
  label: string;
  hash?: Hex;
  state: 'signing' | 'pending';
}

export interface TxContext {
  client: PublicClient;
  wallet: WalletClient;
  account: Address;
  onPending(p: PendingTx | { id: number; done: true }): void;
}

let nextId = 1;

export async function send(ctx: TxContext, label: string, call: Call): Promise<Outcome> {
  const id = nextId++;
  try {
    const { request } = await ctx.client.simulateContract({
      account: ctx.account, address: call.address, abi: call.abi, functionName: call.functionName, args: call.args ?? [],
    });
    ctx.onPending({ id, label, state: 'signing' });
    const hash = await ctx.wallet.writeContract({ ...request, account: ctx.account, chain: ctx.wallet.chain ?? null });
    ctx.onPending({ id, label, hash, state: 'pending' });
    const receipt = await ctx.client.waitForTransactionReceipt({ hash, pollingInterval: 250 });
    if (receipt.status !== 'success') {
      // Mined but reverted (the state moved between simulation and inclusion): replay it
      // at its block for the reason.
      return { kind: 'reverted', hash, revert: await replay(ctx, call, receipt.blockNumber) };
    }
    return { kind: 'mined', hash };
  } catch (e) {
    return classify(e);
  } finally {
    ctx.onPending({ id, done: true });
  }
}

async function replay(ctx: TxContext, call: Call, block: bigint): Promise<Revert> {
  try {
    await ctx.client.simulateContract({
      account: ctx.account, address: call.address, abi: call.abi, functionName: call.functionName,
      args: call.args ?? [], blockNumber: block - 1n,
    });
  } catch (e) {
    const data = revertData(e);
    if (data !== undefined) return decodeRevertData(data);
  }
  return decodeRevertData('0x');
}

export function classify(e: unknown): Outcome {
  if (isUserRejection(e)) return { kind: 'rejected' };
  const data = revertData(e);
  if (data !== undefined) return { kind: 'reverted', revert: decodeRevertData(data) };
  const msg = (e as { shortMessage?: string; message?: string }).shortMessage ?? (e as Error).message ?? String(e);
  return { kind: 'failed', message: msg };
}
