// Compiles the e2e tests' Solidity with the npm `solc` of tests/clients (imports from its
// node_modules, e.g. @openzeppelin/contracts) and writes
// { "<Contract>": { "abi": [...], "bytecode": "0x..." } } to the path given.
// Usage: node compile.mjs OUT.json SOURCE.sol...
import { createRequire } from "node:module";
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { basename, join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const clients = join(dirname(fileURLToPath(import.meta.url)), "../../clients");
const require = createRequire(join(clients, "package.json"));
const solc = require("solc");

const [out, ...files] = process.argv.slice(2);
const sources = {};
for (const f of files) sources[basename(f)] = { content: readFileSync(f, "utf8") };
const input = {
  language: "Solidity",
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
  },
};
const findImports = (path) => {
  try {
    return { contents: readFileSync(join(clients, "node_modules", path), "utf8") };
  } catch (e) {
    return { error: `${path}: ${e.message}` };
  }
};
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
  console.error(errors.map((e) => e.formattedMessage).join("\n"));
  process.exit(1);
}
const result = { solc: solc.version() };
for (const file of Object.keys(sources)) {
  for (const [name, c] of Object.entries(output.contracts[file])) {
    result[name] = { abi: c.abi, bytecode: "0x" + c.evm.bytecode.object };
  }
}
writeFileSync(out + ".tmp", JSON.stringify(result));
renameSync(out + ".tmp", out);
