// ERC-20 transfer throughput over JSON-RPC, the same client (viem) and, for the EVM
// token, the same bytecode (Uniswap v2-core's compiled test ERC20) on every node.
// Usage: node erc20-bench.mjs RPC_URL PRIVATE_KEY COUNT [STYLUS_TOKEN_DEPLOY_FILE]
// With the last argument it also deploys our Stylus ERC-20 (LBL, reward_token.deploy)
// through the StylusDeployer and measures it. Prints one JSON line.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import {
  concat, createPublicClient, createWalletClient, decodeEventLog, defineChain, encodeAbiParameters,
  encodeFunctionData, http, keccak256, parseAbi, toBytes, toHex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { initCode } from './evm.mjs';

const require = createRequire(import.meta.url);
const artifact = require('@uniswap/v2-core/build/ERC20.json');
const [url, key, countArg, stylusFile] = process.argv.slice(2);
const count = Number(countArg ?? 200);
const transport = http(url, { batch: false });
const probe = createPublicClient({ transport });
const chainId = await probe.getChainId();
const chain = defineChain({ id: chainId, name: 'bench', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [url] } } });
const account = privateKeyToAccount(key);
const wallet = createWalletClient({ account, chain, transport });
const client = createPublicClient({ chain, transport });
const erc20 = parseAbi([
  'function transfer(address to, uint256 value) returns (bool)',
  'function balanceOf(address) view returns (uint256)',
]);

async function receipt(hash) {
  // Instant mining: the receipt exists when the send returns; no polling interval.
  for (let i = 0; i < 200; i++) {
    const r = await client.request({ method: 'eth_getTransactionReceipt', params: [hash] });
    if (r) return r;
    await new Promise((ok) => setTimeout(ok, 5));
  }
  throw new Error(`no receipt for ${hash}`);
}

async function send(tx) {
  const hash = await wallet.sendTransaction({ ...tx, type: 'eip1559', gas: tx.gas ?? 2_000_000n });
  const r = await receipt(hash);
  if (r.status !== '0x1') throw new Error(`transaction failed: ${JSON.stringify(r)}`);
  return r;
}

const recipients = Array.from({ length: 16 }, (_, i) => `0x${(0xbe000 + i).toString(16).padStart(40, '0')}`);

/// Sends `count` transfers one after another (signed locally, fixed nonces and gas so
/// no estimate round trips) and returns transfers per second and gas of cold/warm ones.
async function transfers(token) {
  let nonce = await client.getTransactionCount({ address: account.address, blockTag: 'pending' });
  const gasPrice = (await client.getGasPrice()) * 2n;
  const gas = { cold: null, warm: null };
  const first = await send({ to: token, data: encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [recipients[0], 1n] }), nonce: nonce++ });
  gas.cold = Number(BigInt(first.gasUsed));
  const second = await send({ to: token, data: encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [recipients[0], 1n] }), nonce: nonce++ });
  gas.warm = Number(BigInt(second.gasUsed));
  const started = performance.now();
  let last;
  for (let i = 0; i < count; i++) {
    const data = encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [recipients[i % recipients.length], 1n] });
    last = await wallet.sendTransaction({ to: token, data, nonce: nonce++, gas: 200_000n, maxFeePerGas: gasPrice, maxPriorityFeePerGas: 0n, type: 'eip1559' });
  }
  const r = await receipt(last);
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== '0x1') throw new Error('last transfer failed');
  return { count, seconds, tps: count / seconds, gasCold: gas.cold, gasWarm: gas.warm };
}

const supply = 10n ** 27n;
const evmDeploy = await send({ data: concat([artifact.bytecode.startsWith('0x') ? artifact.bytecode : `0x${artifact.bytecode}`, encodeAbiParameters([{ type: 'uint256' }], [supply])]), gas: 3_000_000n });
const result = { node: url, chainId, evm: await transfers(evmDeploy.contractAddress) };

if (stylusFile) {
  const deployer = '0xcEcba2F1DC234f70Dd89F2041029807F8D03A990';
  const program = toHex(fs.readFileSync(stylusFile));
  const ctorSelector = keccak256(toBytes('stylus_constructor()')).slice(0, 10);
  const args = encodeAbiParameters(
    [{ type: 'address' }, { type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint64' }],
    [account.address, account.address, supply * 2n, supply, 31_536_000n],
  );
  const deployAbi = parseAbi([
    'function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) payable returns (address)',
    'event ContractDeployed(address deployedContract)',
  ]);
  const data = encodeFunctionData({ abi: deployAbi, functionName: 'deploy', args: [initCode(program), concat([ctorSelector, args]), 0n, `0x${'00'.repeat(32)}`] });
  const r = await send({ to: deployer, data, value: 10n ** 17n, gas: 30_000_000n });
  const log = r.logs.find((l) => l.address.toLowerCase() === deployer.toLowerCase());
  const { args: deployed } = decodeEventLog({ abi: deployAbi, data: log.data, topics: log.topics });
  result.stylusDeployGas = Number(BigInt(r.gasUsed));
  result.stylus = await transfers(deployed.deployedContract);
}
console.log(JSON.stringify(result));
