// The requester's flow in real Chromium against `labelchain up`: a manifest picked in the
// browser gets the same dataRoot as `labelchain dataset manifest` (the demo's and a second
// one), a task is created from it with one permit signature (and, again, by approve +
// createTask), `task show` reads its class names back, labellers' commits and reveals
// show per item, the requester finalizes, and the export commands the app shows run.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { advance, cli, launch, shoot, startUp } from './harness.mjs';
import { TestWallet } from './wallet.mjs';

let up;
let browser;
const violations = [];
const svg = (fill, label) => `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120"><rect width="200" height="120" fill="${fill}"/><text x="100" y="70" font-size="24" text-anchor="middle" fill="#fff">${label}</text></svg>`;

/** A connected requester in a fresh browser profile, on the create screen. */
async function openRequester() {
  const wallet = new TestWallet({ key: up.keys.requester, rpcUrl: up.rpcUrl, chainId: 412346 });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => { throw e; });
  await wallet.attach(page);
  await page.goto(`${up.webUrl}#/create`);
  await page.getByRole('button', { name: 'Connect Test Wallet' }).click();
  await page.getByTestId('account').waitFor();
  return { wallet, context, page };
}

/** Picks `file` in the create form; resolves with the dataRoot the browser computed. */
async function pick(page, file) {
  await page.getByTestId('manifest-file').setInputFiles(file);
  return page.getByTestId('data-root').innerText();
}

/** Three items served under /demo/req/, and their manifest made by the CLI. */
async function secondManifest() {
  const dir = join(up.deployments, 'demo', 'req');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'a.svg'), svg('#7c2d12', 'a'));
  writeFileSync(join(dir, 'b.svg'), svg('#1e3a8a', 'b'));
  writeFileSync(join(dir, 'c.txt'), 'a short text item\n');
  const file = join(up.dir, 'req-manifest.jsonl');
  const made = await cli(up, ['dataset', 'manifest', dir, '--out', file, '--uri-prefix', '/demo/req/']);
  copyFileSync(file, join(dir, 'manifest.jsonl'));
  return { file, root: made.dataRoot };
}

async function done(page, label) {
  await page.getByTestId('notice-ok').filter({ hasText: `${label}: done` }).waitFor({ timeout: 30_000 });
}

async function fill(page, f) {
  await page.getByLabel('Where labellers fetch the manifest').fill(f.uri);
  await page.getByLabel('Class names, comma-separated').fill(f.classes);
  await page.getByLabel('Labellers per item (k)').fill(String(f.k));
  await page.getByLabel('Reward per label (LBL)').fill(f.reward);
  await page.getByLabel('Commit window (seconds)').fill('600');
  await page.getByLabel('Reveal window (seconds)').fill('600');
}

describe('the requester flow in Chromium', () => {
  let second;
  before(async () => {
    up = await startUp();
    browser = await launch();
    second = await secondManifest();
  });
  after(async () => {
    await browser?.close();
    up?.stop();
    assert.deepEqual(violations, [], 'axe-core: serious or critical violations');
  });

  test('the browser computes the same dataRoot as labelchain dataset manifest', async () => {
    // The demo's six pictures, manifested again by the CLI from a copy of their files.
    const demo = join(up.deployments, 'demo');
    const copy = join(up.dir, 'demo-copy');
    mkdirSync(copy);
    for (const f of readdirSync(join(demo, 'items'))) copyFileSync(join(demo, 'items', f), join(copy, f));
    const made = await cli(up, ['dataset', 'manifest', copy, '--out', join(up.dir, 'demo-copy.jsonl')]);
    const r = await openRequester();
    assert.equal(await pick(r.page, join(demo, 'manifest.jsonl')), made.dataRoot);
    assert.equal(await r.page.getByTestId('item-count').innerText(), '6');
    // ... and the demo task's dataRoot on chain is that root too.
    const demoTask = await cli(up, ['task', 'show', '1']);
    assert.equal(demoTask.dataRoot, made.dataRoot);
    assert.equal(await pick(r.page, second.file), second.root);
    assert.notEqual(second.root, made.dataRoot);
    // A line out of order is refused with its line number, and nothing is shown.
    const bad = join(up.dir, 'bad.jsonl');
    const lines = readFileSync(second.file, 'utf8').trim().split('\n');
    writeFileSync(bad, `${[lines[1], lines[0], lines[2]].join('\n')}\n`);
    await r.page.getByTestId('manifest-file').setInputFiles(bad);
    await r.page.getByRole('alert').filter({ hasText: 'bad.jsonl: line 1: index must be 0' }).waitFor();
    assert.equal(await r.page.getByTestId('data-root').count(), 0);
    await r.context.close();
  });

  test('a task created with one permit signature is labelled, watched, finalized and exported', async () => {
    const r = await openRequester();
    await pick(r.page, second.file);
    await fill(r.page, { uri: '/demo/req/manifest.jsonl', classes: 'cat, dog, bird', k: 2, reward: '1.5' });
    await r.page.getByLabel('Minimum tier').selectOption('0');
    violations.push(...(await shoot(r.page, 'create')));
    r.wallet.calls.length = 0;
    await r.page.getByTestId('create').click();
    await done(r.page, 'Create the task');
    await r.page.waitForURL(/#\/progress\/\d+$/);
    const task = Number(r.page.url().split('/').pop());
    assert.deepEqual(r.wallet.calls.filter((c) => c === 'eth_signTypedData_v4' || c === 'eth_sendTransaction'), ['eth_signTypedData_v4', 'eth_sendTransaction']);

    // The CLI reads back what the browser wrote.
    const shown = await cli(up, ['task', 'show', String(task)]);
    assert.deepEqual(shown.classNames, ['cat', 'dog', 'bird']);
    assert.equal(shown.itemCount, 3);
    assert.equal(shown.labellersPerItem, 2);
    assert.equal(BigInt(shown.rewardPerLabel), 15n * 10n ** 17n);
    const meta = JSON.parse(Buffer.from(shown.metadataUri.split(',')[1], 'base64').toString());
    assert.deepEqual(Object.keys(meta), ['classes', 'manifestSha256', 'manifestUri']);
    assert.equal(meta.manifestSha256, createHash('sha256').update(readFileSync(second.file)).digest('hex'));

    // Two labellers (the CLI) commit and reveal item 0; the app shows it item by item.
    for (const who of ['labeller 1', 'labeller 2'])
      await cli(up, ['commit', '--task', String(task), '--item', '0', '--label', '0', '--private-key', up.keys[who]]);
    await r.page.getByTestId('progress-0').filter({ hasText: '2 / 2' }).waitFor({ timeout: 15_000 });
    await advance(up, 601);
    for (const who of ['labeller 1', 'labeller 2'])
      await cli(up, ['reveal', '--task', String(task), '--item', '0', '--private-key', up.keys[who]]);
    await r.page.getByTestId('progress-0').filter({ hasText: 'ready to finalize' }).waitFor({ timeout: 15_000 });
    await r.page.getByTestId('finalize').click();
    await done(r.page, 'Finalize item 0');
    const row = r.page.getByTestId('progress-0');
    await row.filter({ hasText: 'final' }).waitFor();
    assert.match(await row.innerText(), /^0\s+2 \/ 2\s+2\s+final\s+cat\s+\S+/);
    const cliItem = await cli(up, ['task', 'show', String(task)]);
    assert.equal(cliItem.finalItems, 1);
    violations.push(...(await shoot(r.page, 'progress')));

    // The commands shown run as they are (the CLI here adds --json and --deployments).
    const commands = (await r.page.getByTestId('commands').locator('code').allInnerTexts()).map((c) => c.split(' '));
    assert.deepEqual(commands.map((c) => c.slice(3, 5)), [['dataset', 'export'], ['dataset', 'verify'], ['dataset', 'publish']]);
    const exported = await cli(up, commands[0].slice(1));
    assert.ok(exported, 'export ran');
    await cli(up, commands[1].slice(1));
    const publish = commands[2].slice(1);
    publish[publish.length - 1] = 'https://example.org/labels';
    await cli(up, [...publish, '--private-key', up.keys.requester]);
    const versions = await cli(up, ['dataset', 'list', '--task', String(task)]);
    assert.equal(JSON.stringify(versions).includes('https://example.org/labels'), true);
    await r.context.close();
  });

  test('a task is also created by approve, then createTask', async () => {
    const r = await openRequester();
    await pick(r.page, second.file);
    await fill(r.page, { uri: '/demo/req/manifest.jsonl', classes: 'yes,no', k: 3, reward: '1' });
    await r.page.getByLabel('Approve, then create').check();
    r.wallet.calls.length = 0;
    await r.page.getByTestId('create').click();
    await done(r.page, 'Create the task');
    await r.page.waitForURL(/#\/progress\/\d+$/);
    assert.deepEqual(r.wallet.calls.filter((c) => c === 'eth_signTypedData_v4' || c === 'eth_sendTransaction'), ['eth_sendTransaction', 'eth_sendTransaction']);
    const task = r.page.url().split('/').pop();
    assert.deepEqual((await cli(up, ['task', 'show', task])).classNames, ['yes', 'no']);
    await r.context.close();
  });
});
