// The sweep mode in the page: a link opens the panel with its settings, Start builds the family
// (same graphs as the native engine) and trains it in the training worker on the quick MNIST
// subset, the charts and correlations fill in live, Stop stops, Start resumes from the runs kept,
// the downloads parse, and the app's summary equals the native merge of its results.csv.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fullCli, rgp, root, test, text, textWhen, waitForState } from './harness.mjs';

// 16 nodes of degree 4, three graphs, one seed, one epoch, the dense baseline, CPU backend.
const LINK = 'v=1&nodes=16&degree=4&init=ring&seed=3&search=anneal&iters=20000&sweep=true&sweep_model=mlp&sweep_dataset=mnist' +
  '&sweep_data=quick&sweep_graphs=3&sweep_seeds=1&sweep_epochs=1&sweep_lr=0.05&sweep_degrees=none&sweep_baselines=dense&sweep_backend=cpu';

/** Deep equality, numbers within 1e-12 relative (JSON text of the same f64 may differ). */
function assertSameNumbers(a, b, path) {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${path}: ${a} (app) vs ${b} (native)`);
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${path}: keys`);
    for (const k of Object.keys(a)) assertSameNumbers(a[k], b[k], `${path}.${k}`);
  } else {
    assert.deepEqual(a, b, path);
  }
}

/**
 * The app's rows merged natively give the app's summary: the command the panel prints, as a
 * plan, with the app's results.csv as its one shard (the merge also checks every row's graph
 * fingerprint against the native plan).
 */
async function assertNativeMerge(page, csvPath, summary) {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-app-sweep-'));
  try {
    const command = (await text(page, 'sweep-command')).split(' ').slice(2, -2);
    execFileSync(fullCli(), ['sweep', 'plan', ...command, '--out', dir, '--quiet'], { cwd: root, stdio: 'pipe' });
    mkdirSync(join(dir, 'shards'));
    copyFileSync(csvPath, join(dir, 'shards', 'app.csv'));
    execFileSync(fullCli(), ['sweep', 'merge', '--dir', dir], { cwd: root, stdio: 'pipe' });
    const native = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    assertSameNumbers(summary, native.summary, 'summary');
    return native.config;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const state = (page) => page.getAttribute('[data-testid="sweep-status"]', 'data-state');
const runs = async (page) => Number(await text(page, 'sweep-runs'));

async function until(page, what, fn, timeout) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeout) {
      const why = `${await text(page, 'sweep-status')}; ${await text(page, 'sweep-message')}`;
      throw new Error(`timed out waiting for ${what} (${why})`);
    }
    await page.waitForTimeout(150);
  }
}

test('sweep view: renders from a link, trains, charts live, stops, resumes, downloads', async ({ open }) => {
  const page = await open(LINK);
  assert.equal(await waitForState(page, ['done', 'error'], 60000), 'done');
  // sweep=true in the link loads the panel without a click.
  await page.waitForSelector('[data-testid="sweep-start"]', { timeout: 30000 });
  assert.equal(await page.inputValue('#sw-sweep_graphs'), '3');
  assert.match(await text(page, 'sweep-command'), /^rgp sweep --model mlp --dataset mnist-quick --nodes 16 --degree 4 .*--graphs 3 --seeds 1 --epochs 1/);
  await page.evaluate(() => localStorage.clear());

  await page.click('[data-testid="sweep-start"]');
  // Runs complete one by one and the scatter gets a mean marker per trained graph. Read in one go
  // while the third run is under way (two runs kept, two to go, so Stop below lands before the end
  // however busy the machine): a count read apart from the progress line could see a later state.
  await page.waitForFunction(() => {
    const q = (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
    return q('sweep-runs') === '2' && /^run 3 of 4/.test(q('sweep-progress'));
  }, null, { timeout: 240000, polling: 50 });
  const means = await page.locator('[data-testid="sweep-aspl-chart"] circle[data-mean]').count();
  assert.ok(means >= 2, `means drawn: ${means}`);

  await page.click('[data-testid="sweep-stop"]');
  await until(page, 'stopped', async () => (await state(page)) === 'stopped', 60000);
  const stoppedAt = await runs(page);
  await page.waitForTimeout(1500);
  assert.equal(await runs(page), stoppedAt, 'runs went on after Stop');
  assert.ok(stoppedAt < 4, `everything finished before Stop (${stoppedAt})`);
  // The link carries the sweep.
  const hash = new URL(page.url()).hash;
  for (const kv of ['sweep=true', 'sweep_graphs=3', 'sweep_seeds=1', 'sweep_baselines=dense']) assert.ok(hash.includes(kv), `${kv} missing in ${hash}`);

  // Start again resumes: only the missing runs train, and the sweep ends with all four.
  await page.click('[data-testid="sweep-start"]');
  await until(page, 'done', async () => (await state(page)) === 'done', 240000);
  assert.equal(await runs(page), 4);
  assert.ok((await page.locator('[data-testid="sweep-aspl-chart"] circle[data-mean]').count()) === 3);
  // The scatter's points read out from the keyboard (views/chart-kit.js).
  await page.focus('[data-testid="sweep-aspl-chart"]');
  await page.keyboard.press('ArrowRight');
  await textWhen(page, 'sweep-aspl-readout', /ASPL \(hops\) [\d.]+, test accuracy \(%\) [\d.]+/);
  // Correlations with intervals, over the three graph means (Pearson r in [-1, 1]).
  const r = Number((await page.textContent('[data-testid="sweep-r-aspl-means-pearson"] td:nth-child(2)')).trim());
  assert.ok(r >= -1 && r <= 1, `r = ${r}`);
  assert.match(await text(page, 'sweep-confound'), /fall together.*r\(ASPL, clustering\) = /);
  assert.ok(await page.isVisible('[data-testid="sweep-baseline-dense"]'));

  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="sweep-csv"]')]);
  const lines = readFileSync(await csv.path(), 'utf8').trim().split('\n');
  assert.equal(lines[0], 'kind,degree,graph,aspl,clustering,fingerprint,seed,test_accuracy,train_loss,seconds');
  assert.equal(lines.length, 5);
  const acc = lines.slice(1).map((l) => Number(l.split(',')[7]));
  assert.ok(acc.every((a) => a > 0.5 && a <= 1), `accuracies ${acc}`);
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="sweep-json"]')]);
  const doc = JSON.parse(readFileSync(await json.path(), 'utf8'));
  assert.equal(doc.summary.runs, 4);
  assert.equal(doc.graphs.length, 3);
  // The family is the native engine's: the same seeded searches give the same fingerprints.
  const base = ['graph', '--quiet', '--nodes', '16', '--degree', '4', '--seed', '3', '--init', 'ring', '--iters', '20000'];
  const [lowest, middle, ring] = doc.graphs;
  assert.deepEqual([lowest.origin, ring.origin], ['anneal', 'ring']);
  assert.equal(rgp([...base, '--search', 'anneal']).fingerprint, lowest.fingerprint);
  assert.equal(rgp([...base, '--search', 'none']).fingerprint, ring.fingerprint);
  const target = rgp([...base, '--search', 'target', '--target-aspl', String(middle.requested_aspl), '--tolerance', '0.01']);
  assert.equal(target.fingerprint, middle.fingerprint);
  await assertNativeMerge(page, await csv.path(), doc.summary);
  const [svg] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="sweep-aspl-svg"]')]);
  assert.match(readFileSync(await svg.path(), 'utf8'), /<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="sweep-degree-png"]')]);
  assert.deepEqual([...readFileSync(await png.path()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
}, { timeout: 600000 });

test('a fine-tuning sweep starts every run from the pretrained network', async ({ open }) => {
  const page = await open(`${LINK.replace('sweep_graphs=3', 'sweep_graphs=2')}&sweep_start=pretrained`);
  assert.equal(await waitForState(page, ['done', 'error'], 60000), 'done');
  await page.waitForSelector('[data-testid="sweep-start"]', { timeout: 30000 });
  assert.match(await text(page, 'sweep-command'), /--start pretrained/);
  await page.evaluate(() => localStorage.clear());
  await page.click('[data-testid="sweep-start"]');
  await until(page, 'done', async () => (await state(page)) === 'done', 240000);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="sweep-csv"]')]);
  const rows = readFileSync(await dl.path(), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  assert.equal(rows.length, 3);
  // The dense run fine-tunes the pretrained MLP (98% on MNIST): one epoch keeps it far above
  // what one epoch from random weights reaches on 6000 images.
  const dense = rows.find((r) => r[0] === 'dense');
  assert.ok(Number(dense[7]) > 0.95, `dense from pretrained: ${dense[7]}`);
}, { timeout: 300000 });

test('a tab reloaded mid-sweep resumes: no run lost, none counted twice', async ({ open }) => {
  const page = await open(LINK);
  assert.equal(await waitForState(page, ['done', 'error'], 60000), 'done');
  await page.waitForSelector('[data-testid="sweep-start"]', { timeout: 30000 });
  await page.evaluate(() => localStorage.clear());
  await page.click('[data-testid="sweep-start"]');
  await until(page, 'two runs', async () => (await runs(page)) >= 2, 240000);
  // Reload while the next run trains: the finished runs are kept, the one in flight is not.
  await page.reload();
  assert.equal(await waitForState(page, ['done', 'error'], 60000), 'done');
  await page.waitForSelector('[data-testid="sweep-start"]', { timeout: 30000 });
  const kept = await runs(page);
  assert.ok(kept >= 2 && kept < 4, `runs kept over the reload: ${kept}`);
  await page.click('[data-testid="sweep-start"]');
  await until(page, 'done', async () => (await state(page)) === 'done', 240000);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="sweep-csv"]')]);
  const rows = readFileSync(await dl.path(), 'utf8').trim().split('\n').slice(1);
  const keys = rows.map((l) => l.split(',').slice(0, 3).concat(l.split(',')[6]).join('|'));
  assert.equal(rows.length, 4, `rows: ${rows.join(' / ')}`);
  assert.equal(new Set(keys).size, 4, `a run counted twice: ${keys}`);
}, { timeout: 600000 });

test('a deep residual sweep: the panel runs it at depth L, its command plans the same sweep natively', async ({ open }) => {
  const link = LINK.replace('sweep_graphs=3', 'sweep_graphs=2').replace('sweep_baselines=dense', 'sweep_baselines=none') +
    '&sweep_depth=4&sweep_residual=yes';
  const page = await open(link);
  assert.equal(await waitForState(page, ['done', 'error'], 60000), 'done');
  await page.waitForSelector('[data-testid="sweep-start"]', { timeout: 30000 });
  assert.match(await text(page, 'sweep-command'), /--depth 4 --residual --norm --out/);
  await page.evaluate(() => localStorage.clear());
  await page.click('[data-testid="sweep-start"]');
  await until(page, 'done', async () => (await state(page)) === 'done', 240000);
  assert.equal(await runs(page), 2);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="sweep-csv"]')]);
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="sweep-json"]')]);
  const doc = JSON.parse(readFileSync(await json.path(), 'utf8'));
  const config = await assertNativeMerge(page, await csv.path(), doc.summary);
  assert.deepEqual([config.train.depth, config.train.residual, config.train.norm], [4, true, true]);
  // A fine-tuning sweep needs the standard layers: the panel says so and does not start.
  await page.selectOption('#sw-sweep_start', 'pretrained');
  await page.dispatchEvent('#sw-sweep_start', 'change');
  assert.match(await text(page, 'sweep-message'), /standard layers/);
  assert.ok(await page.isDisabled('[data-testid="sweep-start"]'));
}, { timeout: 300000 });
