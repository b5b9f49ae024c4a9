// ERC-5267 with ethers v6: discover LBL's EIP-712 domain from the token itself
// (`eip712Domain()`), build the domain from the fields it declares, check it against
// `DOMAIN_SEPARATOR()`, sign an EIP-2612 permit over it with `Wallet.signTypedData` and have
// a relayer submit it. A permit signed over a domain the token did not declare (another
// version) must be refused: its revert data is reported for the caller to decode.
// Usage: node ethers-eip712.mjs RPC_URL OWNER_KEY RELAYER_KEY TOKEN SPENDER VALUE_WEI
// The owner needs nothing; the relayer needs ETH. Prints one JSON line.
import { Contract, JsonRpcProvider, Signature, TypedDataEncoder, Wallet, version } from 'ethers';

const [url, ownerKey, relayerKey, tokenAddress, spender, valueWei] = process.argv.slice(2);
if (!valueWei) {
  console.error('usage: node ethers-eip712.mjs RPC_URL OWNER_KEY RELAYER_KEY TOKEN SPENDER VALUE_WEI');
  process.exit(2);
}
const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });
const owner = new Wallet(ownerKey, provider);
const relayer = new Wallet(relayerKey, provider);
const abi = [
  'function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)',
  'function DOMAIN_SEPARATOR() view returns (bytes32)',
  'function nonces(address owner) view returns (uint256)',
  'function allowance(address owner, address spender) view returns (uint256)',
  'function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)',
];
const token = new Contract(tokenAddress, abi, provider);

// 1. The domain as ERC-5267 describes it: only the fields whose bit is set.
const d = await token.eip712Domain();
const fields = Number(d.fields);
if (d.extensions.length !== 0) throw new Error(`unsupported ERC-5267 extensions ${d.extensions}`);
const domain = {};
if (fields & 0x01) domain.name = d.name;
if (fields & 0x02) domain.version = d.version;
if (fields & 0x04) domain.chainId = d.chainId;
if (fields & 0x08) domain.verifyingContract = d.verifyingContract;
if (fields & 0x10) domain.salt = d.salt;
const separator = TypedDataEncoder.hashDomain(domain);
const onChain = await token.DOMAIN_SEPARATOR();
if (separator !== onChain) throw new Error(`ERC-5267 domain hashes to ${separator}, DOMAIN_SEPARATOR is ${onChain}`);

// 2. An EIP-2612 permit signed over the discovered domain, submitted by a relayer.
const types = {
  Permit: [
    { name: 'owner', type: 'address' },
    { name: 'spender', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
};
const value = BigInt(valueWei);
const nonceBefore = await token.nonces(owner.address);
const deadline = BigInt((await provider.getBlock('latest')).timestamp) + 3600n;
const message = { owner: owner.address, spender, value, nonce: nonceBefore, deadline };
const sig = Signature.from(await owner.signTypedData(domain, types, message));
const digest = TypedDataEncoder.hash(domain, types, message);

// 3. The same permit over a domain the token did not declare: refused (static call).
const wrong = { ...domain, version: `${domain.version}0` };
const bad = Signature.from(await owner.signTypedData(wrong, types, message));
let refusal = null;
try {
  await token.connect(relayer).permit.staticCall(owner.address, spender, value, deadline, bad.v, bad.r, bad.s);
} catch (e) {
  refusal = e.data ?? e.info?.error?.data ?? null;
  if (!refusal) throw e;
}
if (refusal === null) throw new Error('a permit over the wrong domain was accepted');

const tx = await token.connect(relayer).permit(owner.address, spender, value, deadline, sig.v, sig.r, sig.s);
const receipt = await tx.wait();

console.log(JSON.stringify({
  ethersVersion: version,
  domain: {
    fields: d.fields,
    name: d.name,
    version: d.version,
    chainId: d.chainId.toString(),
    verifyingContract: d.verifyingContract,
    salt: d.salt,
    extensions: d.extensions.map(String),
  },
  domainSeparator: separator,
  digest,
  permit: {
    owner: owner.address,
    value: value.toString(),
    deadline: deadline.toString(),
    nonceBefore: nonceBefore.toString(),
    nonceAfter: (await token.nonces(owner.address)).toString(),
    allowance: (await token.allowance(owner.address, spender)).toString(),
    status: receipt.status,
    txType: tx.type,
  },
  wrongDomainRevert: refusal,
}));
