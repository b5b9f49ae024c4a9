// Compiles OpenZeppelin's Solidity ERC-20 (npm @openzeppelin/contracts) with npm solc
// (solc-js, its own pinned compiler; nothing downloaded) in a tiny wrapper that mints
// 1e27 to the deployer, for the gas report's comparison with LBL. Optimizer on, 200 runs
// (the usual default), EVM version cancun. Prints {"bytecode","solc","openzeppelin"}.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const solc = require('solc');
const ozRoot = path.dirname(require.resolve('@openzeppelin/contracts/package.json'));
const ozVersion = JSON.parse(fs.readFileSync(path.join(ozRoot, 'package.json'))).version;

const source = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
contract OZToken is ERC20 {
    constructor() ERC20("OZ", "OZ") { _mint(msg.sender, 1e27); }
}
`;
const input = {
  language: 'Solidity',
  sources: { 'OZToken.sol': { content: source } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    outputSelection: { '*': { '*': ['evm.bytecode.object'] } },
  },
};
function findImports(p) {
  const prefix = '@openzeppelin/contracts/';
  if (!p.startsWith(prefix)) return { error: `not found: ${p}` };
  return { contents: fs.readFileSync(path.join(ozRoot, p.slice(prefix.length)), 'utf8') };
}
const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
if (errors.length) {
  console.error(errors.map((e) => e.formattedMessage).join('\n'));
  process.exit(1);
}
console.log(JSON.stringify({
  bytecode: `0x${out.contracts['OZToken.sol'].OZToken.evm.bytecode.object}`,
  solc: solc.version(),
  openzeppelin: ozVersion,
}));
