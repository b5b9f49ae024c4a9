// A wallet's view of the devnode, through viem: sign and send EIP-1559 transactions,
// wait for receipts and decode an event. Usage: node viem-wallet.mjs RPC_URL PRIVATE_KEY
// Prints one JSON line with what it saw; exits non-zero on any failure.
import { createPublicClient, createWalletClient, defineChain, http, parseEventLogs } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { initCode, pingAbi, pingRuntime } from './evm.mjs';

const [url, key] = process.argv.slice(2);
if (!url || !key) {
  console.error('usage: node viem-wallet.mjs RPC_URL PRIVATE_KEY');
  process.exit(2);
}
const transport = http(url);
const probe = createPublicClient({ transport });
const chainId = await probe.getChainId();
const chain = defineChain({
  id: chainId,
  name: 'devnode',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [url] } },
});
const account = privateKeyToAccount(key);
const wallet = createWalletClient({ account, chain, transport });
const client = createPublicClient({ chain, transport });

const deployHash = await wallet.sendTransaction({ data: initCode(pingRuntime()), type: 'eip1559' });
const deployed = await client.waitForTransactionReceipt({ hash: deployHash });
const hash = await wallet.writeContract({ address: deployed.contractAddress, abi: pingAbi, functionName: 'ping', args: [42n], type: 'eip1559' });
const receipt = await client.waitForTransactionReceipt({ hash });
const tx = await client.getTransaction({ hash });
const [event] = parseEventLogs({ abi: pingAbi, logs: receipt.logs, eventName: 'Ping' });
const block = await client.getBlock({ blockNumber: receipt.blockNumber });
console.log(JSON.stringify({
  chainId,
  contract: deployed.contractAddress,
  txType: tx.type,
  status: receipt.status,
  from: event.args.from,
  value: event.args.value.toString(),
  account: account.address,
  baseFeePerGas: block.baseFeePerGas?.toString(),
}));
