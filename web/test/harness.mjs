// What the Chromium tests run against: the built `labelchain` (`labelchain up` with its
// devnode, the protocol deployed, the demo seeded and this app served), Debian's chromium
// driven by playwright-core, screenshots of each screen at two widths, and axe-core.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { rpc } from './wallet.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '../..');
export const webDir = resolve(here, '..');
export const BIN = process.env.LABELCHAIN_BIN ?? join(repo, 'target/debug/labelchain');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = join(webDir, 'screenshots');

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
    s.on('error', fail);
  });
}

/** Starts `labelchain up` in a temporary directory; resolves with its summary once the
 *  app is served. */
export async function startUp() {
  const dir = mkdtempSync(join(tmpdir(), 'labelchain-web-'));
  const [port, webPort] = [await freePort(), await freePort()];
  const deployments = join(dir, 'deployments');
  const child = spawn(BIN, ['--json', '--deployments', deployments, 'up', '--port', String(port), '--web-port', String(webPort), '--web-dir', join(webDir, 'dist')], {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const summary = await new Promise((ok, fail) => {
    child.stdout.on('data', (d) => {
      out += d;
      try { ok(JSON.parse(out)); } catch { /* not whole yet */ }
    });
    child.on('exit', (code) => fail(new Error(`labelchain up exited with ${code}: ${err.slice(-2000)}`)));
  });
  const keys = Object.fromEntries(summary.demoKeys);
  return {
    dir, deployments, summary, rpcUrl: summary.rpcUrl, webUrl: summary.webUrl, keys,
    env: { ...process.env, RPC_URL: summary.rpcUrl },
    stop() { child.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Runs the CLI with `--json`; resolves with its output document, or rejects with its
 *  `{"error":…}` document. */
export function cli(up, args) {
  return new Promise((ok, fail) => {
    execFile(BIN, ['--json', '--deployments', up.deployments, ...args], { cwd: up.dir, env: up.env }, (e, stdout, stderr) => {
      let doc;
      try { doc = JSON.parse(stdout); } catch { return fail(new Error(`labelchain ${args.join(' ')}: ${stderr || stdout}`)); }
      if (e) fail(Object.assign(new Error(doc.error?.message ?? stderr), { doc }));
      else ok(doc);
    });
  });
}

/** Moves the devnode's clock and mines a block (its dev RPC). */
export async function advance(up, seconds) {
  await rpc(up.rpcUrl, 'evm_increaseTime', [seconds]);
  await rpc(up.rpcUrl, 'evm_mine', []);
}

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** axe-core's serious and critical violations on the page as it is now. */
export async function axe(page) {
  await page.addScriptTag({ path: join(webDir, 'node_modules/axe-core/axe.min.js') });
  const r = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations);
  return r.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Screenshots at desktop and phone widths (web/screenshots/<name>-<width>.png) and the
 *  axe check at both; returns the violations found. */
export async function shoot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const found = [];
  for (const [label, size] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}-${label}.png`), fullPage: true });
    for (const v of await axe(page)) found.push(`${name} (${label}): ${v}`);
  }
  await page.setViewportSize(DESKTOP);
  return found;
}
