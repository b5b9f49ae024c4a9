// A wallet's view of the devnode, through ethers v6: read the chain (id, block, balance),
// deploy a contract and send it a signed EIP-1559 transaction, read its event from the
// receipt and through eth_getLogs, call it, and decode a custom error from a reverted call.
// Usage: node ethers-wallet.mjs RPC_URL PRIVATE_KEY
// Prints one JSON line with what it saw; exits non-zero on any failure.
import { Contract, ContractFactory, JsonRpcProvider, Wallet, version } from 'ethers';
import { initCode, pingAbi, pingRuntime, refuserAbi, refuserRuntime } from './evm.mjs';

const [url, key] = process.argv.slice(2);
if (!url || !key) {
  console.error('usage: node ethers-wallet.mjs RPC_URL PRIVATE_KEY');
  process.exit(2);
}
// ethers caches identical requests for 250 ms by default; a node that mines each
// transaction at once would then be asked for the next nonce and be answered from the cache
// ("nonce too low"). `cacheTimeout: -1` turns that cache off.
const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
const wallet = new Wallet(key, provider);

// 1. Reads: the network, the head block and the signer's balance.
const { chainId } = await provider.getNetwork();
const head = await provider.getBlock('latest');
const balanceBefore = await provider.getBalance(wallet.address);

// 2. Deploys (init code that returns the ping runtime) and a signed EIP-1559 call.
async function deploy(abi, runtime) {
  const contract = await new ContractFactory(abi, initCode(runtime), wallet).deploy();
  await contract.waitForDeployment();
  return contract;
}
const ping = await deploy(pingAbi, pingRuntime());
const pingAddress = await ping.getAddress();
const code = await provider.getCode(pingAddress);
const tx = await ping.ping(42n);
const receipt = await tx.wait();
const [event] = receipt.logs.map((l) => ping.interface.parseLog(l)).filter((l) => l?.name === 'Ping');
const logs = await ping.queryFilter(ping.filters.Ping(wallet.address), receipt.blockNumber, receipt.blockNumber);
const sent = await provider.getTransaction(tx.hash);
const block = await provider.getBlock(receipt.blockNumber);

// 3. A call whose revert carries a custom error: ethers decodes it from the contract's ABI.
const refuser = await deploy(refuserAbi, refuserRuntime());
let refused = null;
try {
  await refuser.check(7n);
} catch (e) {
  if (e.code !== 'CALL_EXCEPTION' || !e.revert) throw e;
  refused = { name: e.revert.name, args: e.revert.args.map(String), data: e.data };
}
if (refused === null) throw new Error('a call to the refuser succeeded');

console.log(JSON.stringify({
  ethersVersion: version,
  chainId: chainId.toString(),
  headNumber: head.number,
  balanceBefore: balanceBefore.toString(),
  balanceAfter: (await provider.getBalance(wallet.address)).toString(),
  contract: pingAddress,
  code,
  txType: sent.type,
  status: receipt.status,
  gasUsed: receipt.gasUsed.toString(),
  gasPrice: receipt.gasPrice.toString(),
  fee: receipt.fee.toString(),
  baseFeePerGas: block.baseFeePerGas?.toString(),
  event: { from: event.args.from, value: event.args.value.toString() },
  logsQueried: logs.map((l) => ({ from: l.args.from, value: l.args.value.toString(), tx: l.transactionHash })),
  txHash: tx.hash,
  refused,
}));
