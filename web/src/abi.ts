// The contracts' ABIs, imported from the repository's abi/ (generated from the programs by
// `cargo packager abi`), never copied: a changed ABI changes the app at its next build.
import type { Abi } from 'viem';
import tokenJson from '../../abi/IRewardToken.json';
import escrowJson from '../../abi/IStakingEscrow.json';
import registryJson from '../../abi/ITaskRegistry.json';
import verifierJson from '../../abi/IConsensusVerifier.json';
import datasetsJson from '../../abi/IDatasetRegistry.json';

export const tokenAbi = tokenJson as Abi;
export const escrowAbi = escrowJson as Abi;
export const registryAbi = registryJson as Abi;
export const verifierAbi = verifierJson as Abi;
export const datasetsAbi = datasetsJson as Abi;

/** Every custom error of the five programs, one entry per selector: a program re-raises
 *  the errors of the contracts it calls, so any call may revert with any of them. */
export const programErrors: Abi = (() => {
  const seen = new Set<string>();
  const out: Abi[number][] = [];
  for (const abi of [tokenAbi, escrowAbi, registryAbi, verifierAbi, datasetsAbi]) {
    for (const item of abi) {
      if (item.type !== 'error') continue;
      const key = `${item.name}(${item.inputs.map((i) => i.type).join(',')})`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(item);
    }
  }
  return out;
})();
