// How long a first-time visitor waits for a recovered network (docs/TRAINING.md, "Fine-tuning from a trained network"): a cold
// browser context opens the app's default link (start=pretrained, quick MNIST, MLP, RGP 4/64),
// presses Train, and the clock stops when fine-tuning is done. Split into link → Train enabled,
// Train → pretrained and pruned accuracies on show, → recovered; median of --runs.
//
//   scripts/build-web.sh && node bench/finetune-time.mjs [--runs 3] [--hash 'epochs=3&backend=cpu']
import { resolve } from 'node:path';
import { startServer } from '../scripts/serve.mjs';
import { launch, root } from '../tests/e2e/harness.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? def : process.argv[i + 1];
};
const RUNS = Number(arg('runs', 3));
const HASH = arg('hash', '');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const text = (page, id) => page.evaluate((i) => document.querySelector(`[data-testid="${i}"]`).textContent, id);

const app = await startServer(resolve(root, 'dist'), 0);
const base = `http://127.0.0.1:${app.address().port}/${HASH ? `#${HASH}` : ''}`;
const browser = await launch();

async function visit() {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(base);
  await page.waitForSelector('[data-testid="train-start"]:not([disabled])', { timeout: 120000 });
  await page.waitForFunction(() => ['done', 'stopped'].includes(document.querySelector('[data-testid="status"]')?.dataset.state), null, { timeout: 120000, polling: 20 });
  const tReady = Date.now();
  await page.click('[data-testid="train-start"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="pruned-accuracy"]').textContent.includes('%'), null, { timeout: 120000, polling: 20 });
  const tPruned = Date.now();
  await page.waitForFunction(() => ['done', 'error', 'stopped'].includes(document.querySelector('[data-testid="training"]').dataset.trainState), null, { timeout: 600000, polling: 50 });
  const tDone = Date.now();
  const r = { ready: tReady - t0, pruned: tPruned - tReady, recovered: tDone - tPruned, total: tDone - t0 };
  r.accuracies = await Promise.all(['pretrained-accuracy', 'pruned-accuracy', 'test-accuracy'].map((id) => text(page, id)));
  r.backend = await text(page, 'train-backend-line');
  await context.close();
  return r;
}

const runs = [];
for (let i = 0; i < RUNS; i++) {
  const r = await visit();
  console.log(`run ${i + 1}: link → Train ${r.ready} ms, → pruned ${r.pruned} ms, → recovered ${r.recovered} ms; total ${r.total} ms; ${r.accuracies.join(' → ')} (${r.backend})`);
  runs.push(r);
}
const m = (k) => `${(median(runs.map((r) => r[k])) / 1000).toFixed(1)} s`;
console.log(`\n| link → Train enabled | Train → pretrained and pruned shown | → recovered | link → recovered |`);
console.log(`|---|---|---|---|`);
console.log(`| ${m('ready')} | ${m('pruned')} | ${m('recovered')} | ${m('total')} |`);
await browser.close();
await new Promise((ok) => app.close(ok));
