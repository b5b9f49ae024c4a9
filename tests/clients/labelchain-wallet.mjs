// A wallet's view of Labelchain, through viem: read LBL through the standard ERC-20
// interface (viem's erc20Abi), sign EIP-2612 permits as EIP-712 typed data exactly as a
// wallet's eth_signTypedData_v4 does (viem signTypedData), and sign EIP-1559 transactions
// to stake, create a task with a permit, commit and reveal.
// Usage: node labelchain-wallet.mjs RPC_URL WALLET_KEY RELAYER_KEY ADDRESSES_JSON
//   ADDRESSES_JSON: {"token","escrow","registry","verifier"}
// The wallet needs ETH and at least 100 LBL; the relayer needs ETH. Prints one JSON line.
import fs from 'node:fs';
import {
  createPublicClient, createWalletClient, defineChain, encodeAbiParameters, erc20Abi,
  hashDomain, http, keccak256, parseAbi, parseEventLogs, parseSignature, parseUnits,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

const [url, walletKey, relayerKey, addressesJson] = process.argv.slice(2);
if (!addressesJson) {
  console.error('usage: node labelchain-wallet.mjs RPC_URL WALLET_KEY RELAYER_KEY ADDRESSES_JSON');
  process.exit(2);
}
const a = JSON.parse(addressesJson);
const abi = (name) => JSON.parse(fs.readFileSync(new URL(`../../abi/${name}.json`, import.meta.url)));
const registryAbi = abi('ITaskRegistry');
const verifierAbi = abi('IConsensusVerifier');
const escrowAbi = abi('IStakingEscrow');
const permitAbi = parseAbi([
  'function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)',
  'function nonces(address owner) view returns (uint256)',
  'function DOMAIN_SEPARATOR() view returns (bytes32)',
]);

const transport = http(url);
const chainId = await createPublicClient({ transport }).getChainId();
const chain = defineChain({
  id: chainId, name: 'labelchain', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [url] } },
});
const client = createPublicClient({ chain, transport });
const account = privateKeyToAccount(walletKey);
const wallet = createWalletClient({ account, chain, transport });
const relayer = createWalletClient({ account: privateKeyToAccount(relayerKey), chain, transport });
const me = account.address;
const txTypes = [];

async function send(w, request) {
  const hash = await w.writeContract({ ...request, type: 'eip1559' });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`${request.functionName} failed: ${hash}`);
  const tx = await client.getTransaction({ hash });
  txTypes.push(tx.type);
  return receipt;
}

// 1. The token as any wallet sees an ERC-20.
const read = (functionName, args) => client.readContract({ address: a.token, abi: erc20Abi, functionName, args });
const erc20 = {
  name: await read('name'),
  symbol: await read('symbol'),
  decimals: await read('decimals'),
  totalSupply: (await read('totalSupply')).toString(),
  balance: (await read('balanceOf', [me])).toString(),
  allowanceEscrow: (await read('allowance', [me, a.escrow])).toString(),
};

// 2. EIP-712: the domain a wallet shows must be the token's own DOMAIN_SEPARATOR.
const domain = { name: erc20.name, version: '1', chainId, verifyingContract: a.token };
const types = {
  Permit: [
    { name: 'owner', type: 'address' },
    { name: 'spender', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
};
const separator = await client.readContract({ address: a.token, abi: permitAbi, functionName: 'DOMAIN_SEPARATOR' });
const ourSeparator = hashDomain({ domain, types: { EIP712Domain: [
  { name: 'name', type: 'string' }, { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' },
] } });
if (separator !== ourSeparator) throw new Error(`DOMAIN_SEPARATOR ${separator} != wallet's ${ourSeparator}`);

const nonce = () => client.readContract({ address: a.token, abi: permitAbi, functionName: 'nonces', args: [me] });
const deadline = BigInt((await client.getBlock()).timestamp) + 3600n;
async function signPermit(spender, value) {
  const message = { owner: me, spender, value, nonce: await nonce(), deadline };
  // What a dapp sends a wallet as eth_signTypedData_v4; viem signs it the same way.
  const signature = await wallet.signTypedData({ domain, types, primaryType: 'Permit', message });
  return { ...parseSignature(signature), message };
}

// 3. permit, submitted by a relayer (gasless approval), then stake with that allowance.
const stakeAmount = parseUnits('40', 18);
const p1 = await signPermit(a.escrow, stakeAmount);
await send(relayer, { address: a.token, abi: permitAbi, functionName: 'permit',
  args: [me, a.escrow, stakeAmount, deadline, Number(p1.v), p1.r, p1.s] });
const afterPermit = {
  allowance: (await read('allowance', [me, a.escrow])).toString(),
  nonce: (await nonce()).toString(),
};
const stakeReceipt = await send(wallet, { address: a.escrow, abi: escrowAbi, functionName: 'stake', args: [stakeAmount] });
const [free] = await client.readContract({ address: a.escrow, abi: escrowAbi, functionName: 'stakeOf', args: [me] });

// 4. createTaskWithPermit: no approve first; the permit covers bounty + fee.
const [feeBps] = await client.readContract({ address: a.registry, abi: registryAbi, functionName: 'params' });
const items = 2, k = 1, reward = parseUnits('1', 18), stakePer = parseUnits('5', 18);
const bounty = BigInt(items * k) * reward;
const fee = bounty * BigInt(feeBps) / 10000n;
const p2 = await signPermit(a.escrow, bounty + fee);
const createReceipt = await send(wallet, {
  address: a.registry, abi: registryAbi, functionName: 'createTaskWithPermit',
  args: [keccak256('0x01'), items, 3, k, 6000, a.token, reward, stakePer, 3600n, 3600n, 0, 0,
    'ipfs://wallet-test', deadline, Number(p2.v), p2.r, p2.s],
});
const [created] = parseEventLogs({ abi: registryAbi, logs: createReceipt.logs, eventName: 'TaskCreated' });
const task = created.args.task;

// 5. commit and reveal item 0 with label 2.
const label = 2, item = 0;
const salt = keccak256('0x5a17');
const commitment = keccak256(encodeAbiParameters(
  [{ type: 'uint256' }, { type: 'address' }, { type: 'uint64' }, { type: 'uint32' }, { type: 'address' }, { type: 'uint8' }, { type: 'bytes32' }],
  [BigInt(chainId), a.verifier, task, item, me, label, salt],
));
const commitReceipt = await send(wallet, { address: a.verifier, abi: verifierAbi, functionName: 'commit', args: [task, item, commitment] });
const [committed] = parseEventLogs({ abi: verifierAbi, logs: commitReceipt.logs, eventName: 'Committed' });
// The reveal window opens when the commit window (1 h) closes: move the dev chain's clock.
const latest = (await client.getBlock()).timestamp;
await client.request({ method: 'evm_setNextBlockTimestamp', params: [Number(latest) + 3601] });
await client.request({ method: 'evm_mine', params: [] });
const revealReceipt = await send(wallet, { address: a.verifier, abi: verifierAbi, functionName: 'reveal', args: [task, item, label, salt] });
const [revealed] = parseEventLogs({ abi: verifierAbi, logs: revealReceipt.logs, eventName: 'Revealed' });

console.log(JSON.stringify({
  chainId,
  account: me,
  erc20,
  domainSeparator: separator,
  permit: { ...afterPermit, value: stakeAmount.toString(), v: Number(p1.v) },
  stake: { gasUsed: stakeReceipt.gasUsed.toString(), free: free.toString() },
  task: { id: task.toString(), bounty: bounty.toString(), fee: fee.toString(), requester: created.args.requester },
  allowanceAfterTask: (await read('allowance', [me, a.escrow])).toString(),
  nonceAfterTask: (await nonce()).toString(),
  commit: { commitment, event: committed.args.commitment, labeller: committed.args.labeller },
  reveal: { label: revealed.args.label },
  balance: (await read('balanceOf', [me])).toString(),
  txTypes,
}));
