// Where the protocol is: the RPC URL, the chain id and the five contracts' addresses.
// `labelchain up` serves them as /deployment.json (deploy/src/web/); the Settings screen
// can point the app at any other RPC and deployment, kept in localStorage.
import { getAddress, isAddress, type Address } from 'viem';

export interface Contracts {
  token: Address;
  escrow: Address;
  registry: Address;
  verifier: Address;
  datasets: Address;
}

export interface Deployment {
  chainId: number;
  rpcUrl: string;
  contracts: Contracts;
  /** Where this came from, shown in Settings. */
  source: string;
}

const KEY = 'labelchain.deployment';
const NAMES: (keyof Contracts)[] = ['token', 'escrow', 'registry', 'verifier', 'datasets'];

export class DeploymentError extends Error {}

/** Checks a deployment document (the shape of /deployment.json) field by field. */
export function parseDeployment(value: unknown, source: string): Deployment {
  if (typeof value !== 'object' || value === null) throw new DeploymentError(`${source}: not a JSON object`);
  const v = value as Record<string, unknown>;
  const chainId = v['chainId'];
  if (typeof chainId !== 'number' || !Number.isSafeInteger(chainId) || chainId <= 0)
    throw new DeploymentError(`${source}: chainId must be a positive integer`);
  const rpcUrl = v['rpcUrl'];
  if (typeof rpcUrl !== 'string' || !/^https?:\/\//.test(rpcUrl))
    throw new DeploymentError(`${source}: rpcUrl must be an http(s) URL`);
  const c = v['contracts'];
  if (typeof c !== 'object' || c === null) throw new DeploymentError(`${source}: contracts missing`);
  const contracts = {} as Contracts;
  for (const name of NAMES) {
    const a = (c as Record<string, unknown>)[name];
    if (typeof a !== 'string' || !isAddress(a, { strict: false }))
      throw new DeploymentError(`${source}: contracts.${name} is not an address`);
    contracts[name] = getAddress(a);
  }
  return { chainId, rpcUrl, contracts, source };
}

/** The saved settings, else the deployment served next to the app. */
export async function loadDeployment(): Promise<Deployment> {
  const saved = localStorage.getItem(KEY);
  if (saved !== null) {
    try {
      return parseDeployment(JSON.parse(saved), 'saved settings');
    } catch {
      localStorage.removeItem(KEY);
    }
  }
  return fetchDeployment('/deployment.json');
}

export async function fetchDeployment(url: string): Promise<Deployment> {
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-cache' });
  } catch (e) {
    throw new DeploymentError(`cannot fetch ${url}: ${String(e)}`);
  }
  if (!res.ok) throw new DeploymentError(`${url}: HTTP ${res.status}`);
  return parseDeployment(await res.json(), url);
}

export function saveDeployment(d: Deployment | null): void {
  if (d === null) localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, JSON.stringify({ chainId: d.chainId, rpcUrl: d.rpcUrl, contracts: d.contracts }));
}
