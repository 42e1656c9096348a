// How fast the tab reads a user's data ("Your data…", www/data/), beside `rgp train --images` on
// the same folder in the same run:
//   default: the first 10,000 MNIST training digits as 28×28 grey PNGs in ten class folders;
//     the folder goes in through the directory input (the training module already loaded, as
//     when a user opens the box first) → the summary shows (read rate: the files read by the
//     training worker, decoded, resized and split by the training module) → Train → first step.
//   --large: the stated limits: 60,000 RGB 32×32 PNGs, and a CSV of 100,000 rows × 200
//     columns; each read, trained to its first step, stopped; the training module's memory then.
//
//   scripts/build-web.sh && node bench/user-data-tab.mjs [--large]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startServer } from '../scripts/serve.mjs';
import { fullCli, launch, root } from '../tests/e2e/harness.mjs';
import { png } from '../tests/e2e/png.mjs';

const LARGE = process.argv.includes('--large');
const HASH = 'v=1&nodes=16&degree=4&search=anneal&iters=2000&model=mlp&start=scratch&epochs=1&backend=cpu';
const text = (page, id) => page.evaluate((i) => document.querySelector(`[data-testid="${i}"]`)?.textContent ?? '', id);

function mnist(n) {
  const f = (name, off) => gunzipSync(readFileSync(join(root, 'data/mnist', name))).subarray(off);
  return { x: f('train-images-idx3-ubyte.gz', 16), y: f('train-labels-idx1-ubyte.gz', 8).subarray(0, n) };
}

/** n digits as PNGs: grey 28×28, or RGB 32×32 (the digit in a colour of its class, on a tinted ground). */
function writeFolder(dir, n, rgb) {
  const { x, y } = mnist(n);
  for (let c = 0; c < 10; c++) mkdirSync(join(dir, String(c)), { recursive: true });
  for (let i = 0; i < n; i++) {
    const img = x.subarray(i * 784, (i + 1) * 784);
    let bytes;
    if (!rgb) bytes = png(img, 28);
    else {
      const px = new Uint8Array(32 * 32 * 3);
      for (let p = 0; p < 32 * 32; p++) {
        const v = img[Math.min(27, Math.floor(Math.floor(p / 32) * 28 / 32)) * 28 + Math.min(27, Math.floor((p % 32) * 28 / 32))];
        for (let ch = 0; ch < 3; ch++) px[p * 3 + ch] = (v * ((y[i] + ch * 3) % 10 + 1)) / 10 + ((i + ch) % 40);
      }
      bytes = png(px, 32, 3);
    }
    writeFileSync(join(dir, String(y[i]), `${String(i).padStart(5, '0')}.png`), bytes);
  }
}

function writeTable(file, rows, cols) {
  const lines = [`${Array.from({ length: cols }, (_, j) => `f${j}`).join(',')},label`];
  let s = 1;
  for (let r = 0; r < rows; r++) {
    const row = [];
    for (let j = 0; j < cols; j++) row.push(((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31).toFixed(4));
    lines.push(`${row.join(',')},c${r % 5}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Reads `path` through `input`, trains to the first step, stops; times in ms and the memory line. */
async function readAndStart(browser, base, input, path) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}#${HASH}`);
  await page.waitForSelector('[data-testid="train-start"]:not([disabled])', { timeout: 120000 });
  await page.click('[data-testid="data-import"]');
  // Opening the box warms the training module (as a user's pick comes seconds later): the clock
  // starts with it loaded.
  await page.waitForFunction(() => !/chosen when training starts|loading/i.test(document.querySelector('[data-testid="train-backend-line"]').textContent), null, { timeout: 120000 });
  const t0 = Date.now();
  await page.setInputFiles(`[data-testid="${input}"]`, path);
  await page.waitForFunction(() => /data_id/.test(document.querySelector('[data-testid="data-summary-line"]')?.textContent ?? '') || document.querySelector('[data-testid="error"]').textContent, null, { timeout: 1800000, polling: 50 });
  const error = await text(page, 'error');
  if (error) throw new Error(error);
  const tRead = Date.now();
  await page.click('[data-testid="train-start"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="train-first"]').textContent !== '—', null, { timeout: 1800000, polling: 50 });
  const tFirst = Date.now();
  await page.click('[data-testid="train-stop"]');
  await page.waitForFunction(() => ['done', 'stopped', 'error'].includes(document.querySelector('[data-testid="training"]').dataset.trainState), null, { timeout: 1800000, polling: 100 });
  const memory = (await text(page, 'train-results')).match(/training module memory ([0-9.]+ MB)/)?.[1] ?? '?';
  const summary = await text(page, 'data-summary-line');
  await context.close();
  return { read: tRead - t0, first: tFirst - t0, memory, summary };
}

const app = await startServer(resolve(root, 'dist'), 0);
const base = `http://127.0.0.1:${app.address().port}/`;
const browser = await launch();
const dir = mkdtempSync(join(tmpdir(), 'rgp-bench-data-'));
try {
  const cases = LARGE
    ? [['60,000 RGB 32×32 PNGs', 'data-import-folder', 60000, () => writeFolder(join(dir, 'rgb'), 60000, true), join(dir, 'rgb')],
      ['CSV 100,000 rows × 200 columns', 'data-import-file', 100000, () => writeTable(join(dir, 't.csv'), 100000, 200), join(dir, 't.csv')]]
    : [['10,000 grey 28×28 PNGs', 'data-import-folder', 10000, () => writeFolder(join(dir, 'digits'), 10000, false), join(dir, 'digits')]];
  console.log('| data | tab: read rate | tab: drop → summary | tab: drop → first step | training module memory | rgp train --images (whole command) |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, input, n, write, path] of cases) {
    write();
    const r = await readAndStart(browser, base, input, path);
    let native = '–';
    if (input === 'data-import-folder') {
      const t = Date.now();
      execFileSync(fullCli(), ['train', '--images', path, '--nodes', '16', '--degree', '4', '--epochs', '1', '--limit-train', '64', '--quiet'], { cwd: root });
      native = `${(n / ((Date.now() - t) / 1000)).toFixed(0)} images/s (${((Date.now() - t) / 1000).toFixed(1)} s)`;
    }
    console.log(`| ${name} | ${(n / (r.read / 1000)).toFixed(0)} ${input === 'data-import-file' ? 'rows' : 'images'}/s | ${(r.read / 1000).toFixed(1)} s | ${(r.first / 1000).toFixed(1)} s | ${r.memory} | ${native} |`);
    console.error(`  ${r.summary}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await browser.close();
  await new Promise((ok) => app.close(ok));
}
