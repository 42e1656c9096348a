// How fast the tab reads a 100 MB ONNX network ("Your network (ONNX)", www/train/onnx-panel.js),
// beside `rgp inspect` on the same file in the same run: python/onnx_models.py's `vgg16_large`
// (about 100 MB of f32 weights). The training module is loaded first (as when the user opens the
// panel); the clock runs from choosing the file to the layer table on show. Memory: the training
// module's linear memory before and after (wasm memory only grows, so "after" is its peak).
//
//   scripts/build-web.sh && node bench/onnx-import-tab.mjs [--reps 3]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer } from '../scripts/serve.mjs';
import { fullCli, launch, python, root } from '../tests/e2e/harness.mjs';

const REPS = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 3;
const HASH = 'v=1&nodes=64&degree=4&search=none&backend=cpu';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function readInTab(browser, base, path) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}#${HASH}`);
  await page.waitForSelector('[data-testid="train-start"]:not([disabled])', { timeout: 120000 });
  // Load the training module first: a tiny file read through the same control.
  await page.focus('[data-testid="onnx-file"]');
  await page.waitForFunction(() => !/loading/i.test(document.querySelector('[data-testid="training"]').dataset.trainState), null, { timeout: 120000 });
  const before = await page.evaluate(() => Number(document.querySelector('[data-testid="onnx-status"]').dataset.memory || 0));
  const t0 = Date.now();
  await page.setInputFiles('[data-testid="onnx-file"]', path);
  await page.waitForFunction(() => document.querySelector('[data-testid="onnx-status"]').dataset.ms || document.querySelector('[data-testid="onnx-error"]').textContent, null, { timeout: 600000, polling: 20 });
  const wall = Date.now() - t0;
  const r = await page.evaluate(() => {
    const s = document.querySelector('[data-testid="onnx-status"]');
    return { ms: Number(s.dataset.ms), memory: Number(s.dataset.memory), error: document.querySelector('[data-testid="onnx-error"]').textContent };
  });
  await context.close();
  if (r.error) throw new Error(r.error);
  return { wall, module: r.ms, memory: r.memory, before };
}

const dir = mkdtempSync(join(tmpdir(), 'rgp-bench-onnx-'));
const app = await startServer(resolve(root, 'dist'), 0);
const base = `http://127.0.0.1:${app.address().port}/`;
const browser = await launch();
try {
  execFileSync(python, [join(root, 'python/onnx_models.py'), dir, 'vgg16_large']);
  const path = join(dir, 'vgg16_large.onnx');
  const size = statSync(path).size;
  const tab = [];
  const native = [];
  for (let i = 0; i < REPS; i++) {
    tab.push(await readInTab(browser, base, path));
    const t = Date.now();
    execFileSync(fullCli(), ['inspect', path, '--nodes', '64', '--degree', '4', '--search', 'none'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 26 });
    native.push(Date.now() - t);
  }
  const mem = Math.max(...tab.map((r) => r.memory));
  console.log('| file | tab: choose → table (median) | tab: in the module | training module memory after | memory / file | `rgp inspect` (median) |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| ${(size / 1e6).toFixed(1)} MB | ${(median(tab.map((r) => r.wall)) / 1000).toFixed(2)} s | ${(median(tab.map((r) => r.module)) / 1000).toFixed(2)} s | ${(mem / 1e6).toFixed(0)} MB | ${(mem / size).toFixed(2)}× | ${(median(native) / 1000).toFixed(2)} s |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  await browser.close();
  await new Promise((ok) => app.close(ok));
}
