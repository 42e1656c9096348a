// Your own data in the tab (www/data/): a folder of PNG images written here from the quick MNIST
// set (three sizes, one corrupt file) goes in through the directory input, is summarised (10
// classes, 1 file left out), trains the MLP on the CPU past 90% in 3 epochs, keeps its link over
// a reload (the data stays in IndexedDB) and has the same data_id and split as `rgp train
// --images` on the same folder; a model trained on it downloads and loads back; a CSV trains the
// MLP; a link naming data this browser does not hold says so, and other data under it is refused.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fullCli, root, test, text, textWhen, trainState, waitForState } from './harness.mjs';
import { png, scaled } from './png.mjs';

const NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** The quick MNIST set (train and test together) as a class-folder tree of PNGs at 28, 42 and
 * 56 pixels, plus one truncated PNG; returns the folder. */
function writeFolder(dir) {
  const idx = (f, off) => gunzipSync(readFileSync(join(root, 'data/mnist-quick', f))).subarray(off);
  const images = [idx('train-images-idx3-ubyte.gz', 16), idx('t10k-images-idx3-ubyte.gz', 16)];
  const labels = [idx('train-labels-idx1-ubyte.gz', 8), idx('t10k-labels-idx1-ubyte.gz', 8)];
  const folder = join(dir, 'digits');
  for (const n of NAMES) mkdirSync(join(folder, n), { recursive: true });
  let i = 0;
  for (const [part, y] of labels.entries()) {
    for (let j = 0; j < y.length; j++, i++) {
      const img = images[part].subarray(j * 784, (j + 1) * 784);
      const side = [28, 42, 56][i % 3];
      writeFileSync(join(folder, NAMES[y[j]], `${String(i).padStart(5, '0')}.png`), png(side === 28 ? img : scaled(img, side), side));
    }
  }
  writeFileSync(join(folder, 'three', 'broken.png'), png(images[0].subarray(0, 784), 28).subarray(0, 60));
  return { folder, count: i };
}

/** A CSV of three well-separated classes (text labels) over four features. */
function writeTable(dir, header = ['f1', 'f2', 'f3', 'f4', 'species']) {
  const rows = [header.join(',')];
  const centres = { setosa: [0, 0, 0, 0], versicolor: [4, 4, 0, 0], virginica: [0, 4, 4, 4] };
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 2;
  for (let i = 0; i < 300; i++) {
    const [name, c] = Object.entries(centres)[i % 3];
    rows.push([...c.map((v) => (v + rand()).toFixed(3)), name].join(','));
  }
  const file = join(dir, 'flowers.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

/** The app at `hash`, its graph done and the training panel (with "Your data…") mounted. */
async function openPanel(open, hash) {
  const page = await open(hash);
  await waitForState(page, ['done', 'error'], 120000);
  await page.waitForSelector('[data-testid="data-import"]', { timeout: 60000 });
  return page;
}

/** Waits for the training panel to be idle again (an import or a run ended) and returns its state. */
async function settled(page, timeout = 300000) {
  await page.waitForFunction(() => !['training', 'loading', 'racing'].includes(document.querySelector('[data-testid="training"]').dataset.trainState)
    && !document.querySelector('[data-testid="train-start"]').disabled, null, { timeout, polling: 100 });
  return trainState(page);
}

async function trainRun(page) {
  await page.click('[data-testid="train-start"]');
  await page.waitForFunction(() => ['done', 'error', 'stopped'].includes(document.querySelector('[data-testid="training"]').dataset.trainState), null, { timeout: 300000, polling: 200 });
  assert.equal(await trainState(page), 'done', await text(page, 'error'));
  return Number((await text(page, 'train-test')).replace('%', '')) / 100;
}

async function setControl(page, testid, value) {
  const sel = `[data-testid="${testid}"]`;
  if (typeof value === 'boolean') await page.setChecked(sel, value);
  else await page.selectOption(sel, value);
  await page.dispatchEvent(sel, 'change');
}

const HASH = 'v=1&nodes=16&degree=4&search=anneal&iters=2000&model=mlp&start=scratch&epochs=3&backend=cpu';

test('your data: a folder of PNGs is read as rgp reads it, trained past 90%, fine-tuned from its dense network, raced, kept over a reload, and its model loads back', async ({ open }) => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-user-data-'));
  try {
    const { folder, count } = writeFolder(dir);
    const page = await openPanel(open, HASH);
    await page.click('[data-testid="data-import"]');
    await page.setInputFiles('[data-testid="data-import-folder"]', folder);
    const line = await textWhen(page, 'data-summary-line', /data_id [0-9a-f]{16}$/, 120000);
    assert.match(line, /^digits: 10 classes, /);
    const rows = await page.$$eval('[data-testid="data-classes"] tbody tr', (trs) => trs.map((tr) => [...tr.children].slice(0, 3).map((c) => c.textContent)));
    assert.deepEqual(rows.map((r) => r[0]), [...NAMES].sort());
    const total = rows.reduce((a, r) => a + Number(r[1]) + Number(r[2]), 0);
    assert.equal(total, count, 'every good image is in a split');
    assert.match(line, /1 file skipped/);
    assert.match(await text(page, 'data-skipped'), /three\/broken\.png: cannot decode/);
    const id = line.match(/data_id ([0-9a-f]{16})$/)[1];
    await page.waitForFunction((want) => location.hash.includes(`dataset=user`) && location.hash.includes(`data_id=${want}`), id);

    // The same folder natively: the same fingerprint and split.
    const native = JSON.parse(execFileSync(fullCli(), ['train', '--images', folder, '--nodes', '16', '--degree', '4', '--epochs', '1', '--limit-train', '64', '--quiet'], { cwd: root }).toString());
    assert.equal(native.data_id, id, 'rgp reads the same data');
    const train = rows.reduce((a, r) => a + Number(r[1]), 0);
    assert.equal(native.test_samples, count - train);
    assert.equal(native.skipped.length, 1);

    const acc = await trainRun(page);
    assert.ok(acc >= 0.9, `test accuracy ${acc} after 3 epochs`);
    assert.equal(await page.$$eval('[data-testid="train-per-class"] tr', (r) => r.length), 11);
    assert.match(await text(page, 'train-per-class'), /three/);
    // The same run natively: the same split and training give the same accuracy (0.5 points).
    const same = JSON.parse(execFileSync(fullCli(), ['train', '--images', folder, '--nodes', '16', '--degree', '4', '--search', 'anneal', '--iters', '2000', '--epochs', '3', '--backend', 'cpu', '--quiet'], { cwd: root }).toString());
    console.log(`     tab ${(100 * acc).toFixed(2)}%, rgp ${(100 * same.test_accuracy).toFixed(2)}% (same folder, settings and seed)`);
    assert.ok(Math.abs(same.test_accuracy - acc) <= 0.005, `tab ${acc} vs rgp ${same.test_accuracy}`);

    // Fine-tuning on your data: the dense network trained here is the start the pruned one recovers from.
    await setControl(page, 'train-dense', true);
    const dense = await trainRun(page);
    await setControl(page, 'train-dense', false);
    await setControl(page, 'train-start-from', 'pretrained');
    const tuned = await trainRun(page);
    assert.equal(await text(page, 'pretrained-accuracy'), `${(100 * dense).toFixed(1)}%`, 'the start is the dense network just trained');
    console.log(`     dense ${(100 * dense).toFixed(1)}%, pruned from it ${await text(page, 'pruned-accuracy')}, fine-tuned ${(100 * tuned).toFixed(1)}%, from scratch ${(100 * acc).toFixed(1)}%`);
    assert.ok(tuned >= 0.9, `fine-tuned ${tuned}`);
    // Grey 28×28 digits of your own: "Try the network" offers the pruned and the dense network.
    assert.equal(await page.isVisible('[data-testid="try-network"]'), true);
    assert.equal(await page.isVisible('[data-testid="try-dense"]'), true);
    // The recovery race on your data, from the same dense network.
    await page.click('[data-testid="race-start"]');
    await page.waitForFunction(() => /Race finished/.test(document.querySelector('[data-testid="race-state"]').textContent) || document.querySelector('[data-testid="error"]').textContent, null, { timeout: 300000, polling: 200 });
    assert.match(await text(page, 'race-state'), /Race finished/, await text(page, 'error'));
    const lane = async (l) => Number((await text(page, `race-${l}`)).match(/([0-9.]+)%/)[1]);
    console.log(`     race: rgp ${await lane('rgp')}%, scratch ${await lane('scratch')}%`);
    assert.ok(await lane('rgp') > await lane('scratch'), 'the start pays on your data too');

    // The model leaves the tab and loads back into the same network on the same data.
    await page.selectOption('[data-testid="model-format"]', 'dense');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="model-download"]')]);
    const file = join(dir, 'model.safetensors');
    copyFileSync(await dl.path(), file);
    await page.setInputFiles('[data-testid="weights-file"]', file);
    const loaded = await textWhen(page, 'weights-accuracy', /test accuracy/, 120000);
    assert.match(loaded, new RegExp(`${(100 * tuned).toFixed(1)}%; fine-tuning on your data now starts from it`), `the loaded network scores as trained (${loaded})`);

    // A reload finds the data by the link's data_id.
    await page.reload();
    await waitForState(page, ['done', 'error'], 120000);
    assert.equal(await textWhen(page, 'data-summary-line', /data_id/, 120000), line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeout: 600000 });

test('your data: a CSV table dropped on the box trains the MLP; its target is a column of the header', async ({ open }) => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-user-table-'));
  try {
    const page = await openPanel(open, HASH.replace('epochs=3', 'epochs=5'));
    await page.click('[data-testid="data-import"]');
    // Dropped on the box, as a user drags a file from their desktop.
    const csv = readFileSync(writeTable(dir), 'utf8');
    const dt = await page.evaluateHandle((text) => {
      const d = new DataTransfer();
      d.items.add(new File([text], 'flowers.csv', { type: 'text/csv' }));
      return d;
    }, csv);
    await page.dispatchEvent('[data-testid="data-box"]', 'drop', { dataTransfer: dt });
    const line = await textWhen(page, 'data-summary-line', /data_id/, 120000);
    assert.match(line, /^flowers\.csv: 3 classes, 240 training rows and 60 test \(4 features\)/);
    assert.equal(await page.inputValue('[data-testid="data-target"]'), 'species');
    await page.waitForFunction(() => location.hash.includes('target=species'));
    const acc = await trainRun(page);
    assert.ok(acc >= 0.9, `test accuracy ${acc}`);
    // A table's network keeps its columns' standardisation: the dense one trained here is the
    // start fine-tuning prunes, and it scores as trained when loaded.
    await setControl(page, 'train-dense', true);
    const dense = await trainRun(page);
    await setControl(page, 'train-dense', false);
    await setControl(page, 'train-start-from', 'pretrained');
    await trainRun(page);
    assert.equal(await text(page, 'pretrained-accuracy'), `${(100 * dense).toFixed(1)}%`);
    assert.equal(await page.isVisible('[data-testid="try-network"]'), false, 'nothing to draw for a table');
    // Another table next: its own columns, its own target (not the first table's).
    const shown = await page.getAttribute('[data-testid="data-summary"]', 'data-shown');
    await page.setInputFiles('[data-testid="data-import-file"]', writeTable(dir, ['a', 'b', 'c', 'd', 'kind']));
    await page.waitForFunction((before) => document.querySelector('[data-testid="data-summary"]').dataset.shown !== before || document.querySelector('[data-testid="error"]').textContent, shown, { timeout: 60000 });
    assert.equal(await text(page, 'error'), '');
    assert.equal(await page.inputValue('[data-testid="data-target"]'), 'kind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeout: 300000 });

test('your data: a link naming data this browser does not hold asks for it, and refuses other data', async ({ open }) => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-user-missing-'));
  try {
    const page = await openPanel(open, `${HASH}&dataset=user&data_id=0123456789abcdef`);
    await textWhen(page, 'error', /data_id 0123456789abcdef\), which is not stored in this browser/, 60000);
    assert.equal(await page.isVisible('[data-testid="data-box"]'), true);
    // Train says it again (the line is emptied first, so the test reads Train's own message).
    await page.evaluate(() => { document.querySelector('[data-testid="error"]').textContent = ''; });
    await page.click('[data-testid="train-start"]');
    await textWhen(page, 'error', /not stored in this browser/);
    assert.notEqual(await trainState(page), 'training');
    await page.setInputFiles('[data-testid="data-import-file"]', writeTable(dir));
    await textWhen(page, 'error', /not the data the link names: it needs data_id 0123456789abcdef/, 60000);
    assert.equal(await settled(page), 'idle');
    assert.match(await page.evaluate(() => location.hash), /data_id=0123456789abcdef/, 'the link keeps its data');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeout: 180000 });

test('your data: a .zip of a folder reads as the folder does (same data_id); a zip that unpacks too large is refused; a sweep runs on it', async ({ open }) => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-user-zip-'));
  try {
    const entries = {};
    for (const [c, name] of ['ring', 'dot', 'bar'].entries()) {
      for (let i = 0; i < 30; i++) {
        const px = new Uint8Array(16 * 16).map((_, j) => ((j * (c + 1) + i * 7) % 256));
        const bytes = png(px, 16);
        mkdirSync(join(dir, 'shapes', name), { recursive: true });
        writeFileSync(join(dir, 'shapes', name, `${i}.png`), bytes);
        entries[`shapes/${name}/${i}.png`] = bytes;
      }
    }
    const zip = join(dir, 'shapes.zip');
    writeFileSync(zip, zipSync(entries, { level: 0 }));
    const sweep = '&sweep=true&sweep_model=mlp&sweep_graphs=2&sweep_seeds=1&sweep_epochs=1&sweep_degrees=none&sweep_baselines=none&sweep_backend=cpu';
    const page = await openPanel(open, HASH + sweep);
    await page.click('[data-testid="data-import"]');
    await page.setInputFiles('[data-testid="data-import-folder"]', join(dir, 'shapes'));
    const folderLine = await textWhen(page, 'data-summary-line', /^shapes: 3 classes.*data_id [0-9a-f]{16}$/, 120000);
    const shown = await page.getAttribute('[data-testid="data-summary"]', 'data-shown');
    await page.setInputFiles('[data-testid="data-import-file"]', zip);
    await page.waitForFunction((before) => document.querySelector('[data-testid="data-summary"]').dataset.shown !== before || document.querySelector('[data-testid="error"]').textContent, shown, { timeout: 60000 });
    assert.equal(await text(page, 'data-summary-line'), folderLine, await text(page, 'error'));
    // A zip whose directory says it unpacks past the limit stops before inflating.
    const bomb = Buffer.from(zipSync({ 'big/a/x.bin': new Uint8Array(1 << 16) }));
    const at = bomb.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); // central directory entry
    bomb.writeUInt32LE(2 ** 31, at + 24); // its uncompressed size
    writeFileSync(join(dir, 'big.zip'), bomb);
    await page.setInputFiles('[data-testid="data-import-file"]', join(dir, 'big.zip'));
    await textWhen(page, 'error', /unpacks to more than/, 60000);
    assert.equal(await text(page, 'data-summary-line'), folderLine, 'the data on show stays');

    // The sweep panel runs on the data the training panel holds.
    await page.waitForSelector('[data-testid="sweep-start"]', { timeout: 30000 });
    await page.selectOption('#sw-sweep_dataset', 'user');
    await page.dispatchEvent('#sw-sweep_dataset', 'change');
    await textWhen(page, 'sweep-command', /^rgp sweep --model mlp --images YOUR_FOLDER --test-split 0\.2 --nodes 16 /);
    await page.click('[data-testid="sweep-start"]');
    await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('[data-testid="sweep-status"]').dataset.state), null, { timeout: 120000, polling: 200 });
    assert.equal(await page.getAttribute('[data-testid="sweep-status"]', 'data-state'), 'done', await text(page, 'sweep-message'));
    assert.equal(await text(page, 'sweep-runs'), '2');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeout: 180000 });
