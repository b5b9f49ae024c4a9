// The test wallet: an EIP-1193 provider injected into the page, announced by EIP-6963 and
// also set as window.ethereum, backed here in Node by a real private key (viem's
// privateKeyToAccount): it signs transactions and typed data for real and forwards every
// other request to the RPC. It knows only the chains it was given, so a wrong-chain switch
// meets error 4902 and wallet_addEthereumChain as in MetaMask; `rejectNext` makes the
// next signature request fail with EIP-1193's 4001, as a person pressing "Reject" would.
import { createWalletClient, defineChain, http, keccak256, numberToHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

export class TestWallet {
  constructor({ key, rpcUrl, chainId, startChainId = chainId, knownChains = [startChainId] }) {
    this.account = privateKeyToAccount(key);
    this.address = this.account.address;
    this.rpcUrl = rpcUrl;
    this.devChainId = chainId;
    this.chainId = startChainId;
    this.known = new Set(knownChains);
    this.rejectNext = false;
    /** Milliseconds the next transaction is held after its hash is returned, before it is
     *  broadcast: the app must show it as pending until it is mined. */
    this.holdNext = 0;
    this.announce = opts6963(arguments[0]);
    this.calls = [];
    this.page = null;
  }

  async attach(page) {
    this.page = page;
    await page.exposeBinding('__testWalletRequest', async (_src, method, params) => {
      try {
        return { result: await this.request(method, params ?? []) };
      } catch (e) {
        return { error: { code: e.code ?? -32603, message: e.message ?? String(e) } };
      }
    });
    await page.addInitScript((announceIt) => {
      const listeners = {};
      const provider = {
        isTestWallet: true,
        async request({ method, params }) {
          const r = await window.__testWalletRequest(method, params);
          if (r.error) throw Object.assign(new Error(r.error.message), { code: r.error.code });
          return r.result;
        },
        on(ev, f) { (listeners[ev] ??= []).push(f); },
        removeListener(ev, f) { listeners[ev] = (listeners[ev] ?? []).filter((x) => x !== f); },
      };
      window.__testWalletEmit = (ev, v) => (listeners[ev] ?? []).forEach((f) => f(v));
      window.ethereum = provider;
      const info = { uuid: '5b2a1f4e-6c1d-4c57-9a53-1c0de0000001', name: 'Test Wallet', icon: 'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>', rdns: 'dev.labelchain.testwallet' };
      const announce = () => window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail: Object.freeze({ info, provider }) }));
      if (!announceIt) return;
      window.addEventListener('eip6963:requestProvider', announce);
      announce();
    }, this.announce);
  }

  emit(event, value) {
    return this.page?.evaluate(([e, v]) => window.__testWalletEmit(e, v), [event, value]);
  }

  client() {
    const chain = defineChain({ id: this.devChainId, name: 'devnode', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [this.rpcUrl] } } });
    return createWalletClient({ account: this.account, chain, transport: http(this.rpcUrl) });
  }

  reject() {
    this.rejectNext = false;
    throw Object.assign(new Error('User rejected the request.'), { code: 4001 });
  }

  async request(method, params) {
    this.calls.push(method);
    switch (method) {
      case 'eth_requestAccounts':
      case 'eth_accounts':
        return [this.address];
      case 'eth_chainId':
        return numberToHex(this.chainId);
      case 'wallet_switchEthereumChain': {
        const id = Number.parseInt(params[0].chainId, 16);
        if (!this.known.has(id)) throw Object.assign(new Error(`Unrecognized chain ID ${params[0].chainId}`), { code: 4902 });
        this.chainId = id;
        await this.emit('chainChanged', numberToHex(id));
        return null;
      }
      case 'wallet_addEthereumChain': {
        const p = params[0];
        if (!p.rpcUrls?.length || !p.nativeCurrency) throw Object.assign(new Error('bad chain parameters'), { code: -32602 });
        this.known.add(Number.parseInt(p.chainId, 16));
        return null;
      }
      case 'eth_sendTransaction': {
        if (this.rejectNext) this.reject();
        if (this.chainId !== this.devChainId) throw Object.assign(new Error('wallet is on another chain'), { code: 4901 });
        const t = params[0];
        const client = this.client();
        const prepared = await client.prepareTransactionRequest({
          to: t.to, data: t.data, value: t.value ? BigInt(t.value) : undefined,
          gas: t.gas ? BigInt(t.gas) : undefined,
        });
        const raw = await this.account.signTransaction(prepared);
        const hold = this.holdNext;
        this.holdNext = 0;
        if (hold === 0) return client.sendRawTransaction({ serializedTransaction: raw });
        setTimeout(() => client.sendRawTransaction({ serializedTransaction: raw }).catch(() => {}), hold);
        return keccak256(raw);
      }
      case 'eth_signTypedData_v4': {
        if (this.rejectNext) this.reject();
        const typed = typeof params[1] === 'string' ? JSON.parse(params[1]) : params[1];
        const { EIP712Domain: _d, ...types } = typed.types;
        return this.account.signTypedData({ domain: typed.domain, types, primaryType: typed.primaryType, message: typed.message });
      }
      case 'personal_sign':
        if (this.rejectNext) this.reject();
        return this.account.signMessage({ message: { raw: params[0] } });
      default:
        return rpc(this.rpcUrl, method, params);
    }
  }
}

/** Whether the wallet announces itself by EIP-6963 (else it is only window.ethereum). */
function opts6963(o) {
  return o.eip6963 !== false;
}

let id = 1;
export async function rpc(url, method, params = []) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: id++, method, params }) });
  const body = await res.json();
  if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code, data: body.error.data });
  return body.result;
}
