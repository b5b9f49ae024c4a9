// The labelling app in real Chromium against `labelchain up`: three labellers label an
// item to finality and claim (stake, commit one and a batch, export and import salts,
// reveal one and a batch, finalize), a wrong-chain switch, a rejected signature, a revert
// said in the CLI's words, an item that does not match its hash. Every screen is
// screenshotted at desktop and phone widths and checked with axe-core.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generatePrivateKey } from 'viem/accounts';
import { advance, cli, launch, shoot, startUp } from './harness.mjs';
import { TestWallet } from './wallet.mjs';

const CLASSES = ['cat', 'dog', 'bird'];
const svg = (fill, label) => `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160" viewBox="0 0 240 160"><rect width="240" height="160" fill="${fill}"/><text x="120" y="90" font-size="28" text-anchor="middle" fill="#fff">${label}</text></svg>`;

let up;
let browser;
let task;
const violations = [];

/** A task over three SVG items and a text served under /demo/webtest/, the third image
 *  altered after its manifest was made (so its hash no longer matches). */
let metadataUri;

async function createTask() {
  const dir = join(up.deployments, 'demo', 'webtest');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '0.svg'), svg('#b45309', 'item 0'));
  writeFileSync(join(dir, '1.svg'), svg('#1d4ed8', 'item 1'));
  writeFileSync(join(dir, '2.svg'), svg('#15803d', 'item 2'));
  writeFileSync(join(dir, '3.txt'), 'The cat sat on the mat.\n');
  const manifest = join(up.dir, 'manifest.jsonl');
  await cli(up, ['dataset', 'manifest', dir, '--out', manifest, '--uri-prefix', '/demo/webtest/']);
  writeFileSync(join(dir, 'manifest.jsonl'), readFileSync(manifest));
  writeFileSync(join(dir, '2.svg'), svg('#991b1b', 'swapped'));
  const meta = {
    classes: CLASSES,
    manifestSha256: createHash('sha256').update(readFileSync(manifest)).digest('hex'),
    manifestUri: '/demo/webtest/manifest.jsonl',
  };
  const uri = `data:application/json;base64,${Buffer.from(JSON.stringify(meta)).toString('base64')}`;
  metadataUri = uri;
  const out = await cli(up, ['task', 'create', '--manifest', manifest, '--classes', '3', '--metadata-uri', uri,
    '--k', '3', '--commit-secs', '600', '--reveal-secs', '600', '--private-key', up.keys.requester]);
  return out.task;
}

/** A fresh browser profile (its own IndexedDB) with a wallet of `key`, connected. */
async function open(key, opts = {}) {
  const wallet = new TestWallet({ key, rpcUrl: up.rpcUrl, chainId: 412346, ...opts });
  const name = opts.eip6963 === false ? 'Connect Browser wallet' : 'Connect Test Wallet';
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => { throw e; });
  await wallet.attach(page);
  await page.goto(up.webUrl);
  await page.getByRole('button', { name }).click();
  await page.getByTestId('account').waitFor();
  return { wallet, context, page };
}

async function done(page, label) {
  await page.getByTestId('notice-ok').filter({ hasText: `${label}: done` }).waitFor({ timeout: 30_000 });
}

describe('the labelling app in Chromium', () => {
  before(async () => {
    up = await startUp();
    browser = await launch();
    task = await createTask();
  });
  after(async () => {
    await browser?.close();
    up?.stop();
    assert.deepEqual(violations, [], 'axe-core: serious or critical violations');
  });

  test('three labellers label an item to finality and claim', async () => {
    const [k1, k2, k3] = [up.keys['labeller 1'], up.keys['labeller 2'], up.keys['labeller 3']];
    const l1 = await open(k1);
    violations.push(...(await shoot(l1.page, 'tasks')));
    const card = l1.page.getByTestId(`task-${task}`);
    // The app reads the packed terms as the CLI does.
    const shown = await cli(up, ['task', 'show', String(task)]);
    assert.match(await card.getByTestId('reward').innerText(), new RegExp(`^${Number(BigInt(shown.rewardPerLabel) / 10n ** 18n)} LBL`));
    assert.equal(await card.getByTestId('items').innerText(), `${shown.itemCount} × ${shown.labellersPerItem} labellers`);
    assert.equal(await card.getByTestId('min-tier').innerText(), ['Bronze', 'Silver', 'Gold'][shown.minTier]);

    // Stake 5 LBL more: approve, then stake.
    await l1.page.goto(`${up.webUrl}#/account`);
    await l1.page.getByTestId('free-stake').filter({ hasText: '100 LBL' }).waitFor();
    await l1.page.getByLabel('Stake LBL', { exact: true }).fill('5');
    await l1.page.getByRole('button', { name: 'Stake', exact: true }).click();
    await done(l1.page, 'Stake 5 LBL');
    await l1.page.getByTestId('free-stake').filter({ hasText: '105 LBL' }).waitFor();
    violations.push(...(await shoot(l1.page, 'account')));

    // Labeller 1: choose by keyboard on items 0 and 1, commit both in one batch.
    await l1.page.goto(`${up.webUrl}#/task/${task}`);
    await l1.page.getByTestId('sha-ok').waitFor();
    await l1.page.keyboard.press('1');
    await l1.page.keyboard.press('ArrowRight');
    await l1.page.keyboard.press('2');
    await l1.page.getByTestId('item-title').filter({ hasText: '(2 of 4)' }).waitFor();
    await l1.page.getByTestId('sha-ok').waitFor();
    assert.equal(await l1.page.getByTestId('class-1').getAttribute('aria-pressed'), 'true');
    await l1.page.keyboard.press('ArrowLeft');
    assert.equal(await l1.page.getByTestId('class-0').getAttribute('aria-pressed'), 'true');
    await l1.page.keyboard.press('ArrowRight');
    violations.push(...(await shoot(l1.page, 'label')));
    await l1.page.getByTestId('commit-all').click();
    await done(l1.page, 'Commit 2 items');

    // The third item is not the published one: a warning, not the image.
    await l1.page.keyboard.press('ArrowRight');
    await l1.page.getByTestId('integrity-warning').waitFor();
    assert.equal(await l1.page.getByTestId('class-0').isDisabled(), true);
    violations.push(...(await shoot(l1.page, 'integrity-warning')));
    // A text item is shown as text, once checked.
    await l1.page.keyboard.press('ArrowRight');
    await l1.page.getByTestId('sha-ok').waitFor();
    assert.equal(await l1.page.locator('.text-item').innerText(), 'The cat sat on the mat.\n');

    // Salts leave this browser as a file and come back in a fresh one.
    await l1.page.goto(`${up.webUrl}#/account`);
    const [download] = await Promise.all([l1.page.waitForEvent('download'), l1.page.getByTestId('export-salts').click()]);
    const saltFile = join(up.dir, 'salts.json');
    await download.saveAs(saltFile);
    assert.equal(JSON.parse(readFileSync(saltFile, 'utf8')).records.length, 2);
    await l1.context.close();

    // Labellers 2 and 3 commit item 0, one at a time.
    const others = [];
    for (const k of [k2, k3]) {
      const l = await open(k);
      await l.page.goto(`${up.webUrl}#/task/${task}`);
      await l.page.getByTestId('sha-ok').waitFor();
      await l.page.keyboard.press('1');
      await l.page.getByTestId('commit').click();
      await done(l.page, 'Commit item 0');
      others.push(l);
    }
    // Leaving with an unrevealed commit asks first.
    const leaving = others[0].page.waitForEvent('dialog');
    await others[0].page.close({ runBeforeUnload: true });
    const dialog = await leaving;
    assert.equal(dialog.type(), 'beforeunload');
    await dialog.dismiss();
    others[0].page = await others[0].context.newPage();
    await others[0].wallet.attach(others[0].page);
    await others[0].page.goto(up.webUrl);
    await others[0].page.getByRole('button', { name: 'Connect Test Wallet' }).click();

    await advance(up, 601);

    // Labeller 1, in a new browser: import the salts, reveal both in one batch.
    const r1 = await open(k1);
    await r1.page.goto(`${up.webUrl}#/account`);
    await r1.page.getByTestId('import-salts').setInputFiles(saltFile);
    await r1.page.getByTestId('notice-ok').filter({ hasText: 'Imported 2 salts.' }).waitFor();
    await r1.page.goto(`${up.webUrl}#/reveals`);
    await r1.page.getByTestId('reveal-all').waitFor({ timeout: 15_000 });
    violations.push(...(await shoot(r1.page, 'reveals')));
    await r1.page.getByTestId('reveal-all').click();
    await done(r1.page, `Reveal 2 items of task ${task}`);

    for (const l of others) {
      await l.page.goto(`${up.webUrl}#/task/${task}`);
      await l.page.getByTestId('reveal-task').click();
      await done(l.page, `Reveal task ${task} item 0`);
    }

    // Anyone finalizes: item 0 (three reveals) and item 1 (its only commit revealed).
    await r1.page.goto(`${up.webUrl}#/task/${task}`);
    await r1.page.getByTestId('finalize').filter({ hasText: 'Finalize 2 ready items' }).click();
    await done(r1.page, 'Finalize 2 items');
    await r1.page.getByTestId('item-status').filter({ hasText: 'final label “cat”' }).waitFor();
    violations.push(...(await shoot(r1.page, 'final')));

    // Each labeller claims what they earned.
    for (const page of [r1.page, ...others.map((l) => l.page)]) {
      await page.goto(`${up.webUrl}#/account`);
      const claimable = page.getByTestId('claimable-LBL');
      await claimable.filter({ hasNotText: /^0$/ }).waitFor();
      await page.getByRole('row', { name: /LBL/ }).getByRole('button', { name: 'Claim' }).click();
      await done(page, 'Claim LBL');
      await claimable.filter({ hasText: /^0$/ }).waitFor();
    }
    const status = await cli(up, ['status', '--private-key', k2]);
    assert.equal(BigInt(status.claimable?.[0]?.amount ?? 0), 0n, JSON.stringify(status));
    for (const l of [r1, ...others]) await l.context.close();
  });

  test('a window.ethereum wallet on another chain is switched, adding the chain first', async () => {
    // No EIP-6963 announcement: the app falls back to window.ethereum.
    const l = await open(up.keys['labeller 2'], { startChainId: 1, knownChains: [1], eip6963: false });
    await l.page.getByTestId('wrong-chain').waitFor();
    violations.push(...(await shoot(l.page, 'wrong-chain')));
    await l.page.getByRole('button', { name: /Switch to/ }).click();
    await l.page.getByTestId('wrong-chain').waitFor({ state: 'detached' });
    assert.deepEqual(l.wallet.calls.filter((c) => c.startsWith('wallet_')), ['wallet_switchEthereumChain', 'wallet_addEthereumChain', 'wallet_switchEthereumChain']);
    assert.equal(l.wallet.chainId, 412346);
    await l.context.close();
  });

  test('a rejected signature is a notice to dismiss, and the app goes on', async () => {
    const l = await open(up.keys['labeller 3']);
    await l.page.goto(`${up.webUrl}#/account`);
    await l.page.getByTestId('free-stake').waitFor();
    l.wallet.rejectNext = true;
    await l.page.getByLabel('Stake LBL', { exact: true }).fill('1');
    await l.page.getByRole('button', { name: 'Stake', exact: true }).click();
    const notice = l.page.getByTestId('notice-rejected');
    await notice.waitFor();
    assert.match(await notice.innerText(), /You rejected/);
    assert.equal(await l.page.getByTestId('notice-error').count(), 0);
    violations.push(...(await shoot(l.page, 'rejected')));
    await notice.getByRole('button', { name: 'Dismiss this message' }).click();
    await notice.waitFor({ state: 'detached' });
    // Tried again, and held by the wallet before it is broadcast: pending until mined.
    l.wallet.holdNext = 1500;
    await l.page.getByRole('button', { name: 'Stake', exact: true }).click();
    await l.page.getByTestId('pending').filter({ hasText: 'waiting to be mined' }).waitFor();
    violations.push(...(await shoot(l.page, 'pending')));
    await done(l.page, 'Allow the escrow to take 1 LBL');
    await done(l.page, 'Stake 1 LBL');
    assert.equal(await l.page.getByTestId('pending').count(), 0);
    await l.context.close();
  });

  test('a manifest whose Merkle root is not the task\'s dataRoot is not used', async () => {
    const other = await cli(up, ['task', 'create', '--items', '3', '--data-root', `0x${'11'.repeat(32)}`, '--classes', '3',
      '--metadata-uri', metadataUri, '--private-key', up.keys.requester]);
    const l = await open(up.keys['labeller 1']);
    await l.page.goto(`${up.webUrl}#/task/${other.task}`);
    const banner = l.page.getByRole('alert').filter({ hasText: 'The items cannot be shown' });
    await banner.waitFor();
    assert.match(await banner.innerText(), /is not the task's dataRoot 0x1111/);
    assert.equal(await l.page.getByTestId('item-view').count(), 0);
    await l.context.close();
  });

  test('a revert is shown with the CLI\'s sentence for it', async () => {
    // A funded account without stake commits: the escrow's InsufficientFreeStake.
    const key = generatePrivateKey();
    const l = await open(key);
    const dev = new TestWallet({ key: '0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659', rpcUrl: up.rpcUrl, chainId: 412346 });
    const hash = await dev.client().sendTransaction({ to: l.wallet.address, value: 10n ** 18n });
    await dev.client().request({ method: 'eth_getTransactionReceipt', params: [hash] });
    const fresh = await cli(up, ['task', 'create', '--items', '2', '--classes', 'a,b', '--private-key', up.keys.requester]);
    await l.page.goto(`${up.webUrl}#/task/${fresh.task}`);
    await l.page.getByTestId('class-0').click();
    await l.page.getByTestId('commit').click();
    const notice = l.page.getByTestId('notice-error');
    await notice.waitFor();
    const text = await notice.innerText();
    violations.push(...(await shoot(l.page, 'revert')));
    const failed = await cli(up, ['commit', '--task', String(fresh.task), '--item', '0', '--label', '0', '--private-key', key]).then(
      () => assert.fail('the CLI commit should revert'), (e) => e.doc.error.message);
    const sentence = text.split('\n')[0].replace(/^Commit item 0 would fail: /, '');
    assert.match(sentence, /^not enough free stake: 0 available, 10000000000000000000 needed/);
    assert.ok(failed.includes(sentence), `CLI: ${failed}\napp: ${sentence}`);
    await l.context.close();
  });
});
