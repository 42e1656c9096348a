// Start-up and size of the training path, side by side in one run (docs/BENCHMARKS.md, "Training benchmarks"):
//   - bytes each module puts on the wire (the app's own server: brotli/gzip siblings) and raw;
//   - cold link → first training step on the CPU path (fresh browser context, empty cache),
//     split into link → Train enabled and Train → first step; median of --runs;
//   - CPU training images/s: ours from the CPU-only module, ours from the full (WebGPU) module
//     (the speed before the split), and TF.js's wasm backend in the same browser;
//   - with --webgpu: ours on WebGPU against TF.js's WebGPU backend on the same adapter.
//
//   scripts/build-web.sh && node bench/startup.mjs [--runs 3] [--seconds 8] [--webgpu] [--dist DIR]
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { CHROMIUM_ARGS, root } from '../tests/e2e/harness.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? def : process.argv[i + 1];
};
const RUNS = Number(arg('runs', 3));
const SECONDS = Number(arg('seconds', 8));
const WEBGPU = process.argv.includes('--webgpu');
const dist = resolve(root, arg('dist', 'dist')); // --dist: another build, for before/after runs
const kb = (b) => `${(b / 1024).toFixed(0)} KB`;
const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The TF.js page (bench/, node_modules/, data/) without the app's CSP (TF.js's wasm glue needs eval). */
function plainServer(dir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const file = resolve(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

const app = await startServer(dist, 0);
const site = await plainServer(root);
const base = `http://127.0.0.1:${app.address().port}/`;
const siteBase = `http://127.0.0.1:${site.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  ignoreDefaultArgs: ['--headless'],
  args: CHROMIUM_ARGS,
});

/** One cold visit: link → Train enabled → click → first progress; bytes of every response. */
async function coldVisit() {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const sizes = [];
  page.on('requestfinished', (req) => sizes.push(req.sizes().then((s) => ({ url: req.url(), wire: s.responseBodySize + s.responseHeadersSize }))));
  const t0 = Date.now();
  await page.goto(base);
  await page.waitForSelector('[data-testid="train-start"]:not([disabled])', { timeout: 120000 });
  await page.waitForFunction(() => ['done', 'stopped'].includes(document.querySelector('[data-testid="status"]')?.dataset.state), null, { timeout: 120000, polling: 20 });
  const tReady = Date.now();
  await page.click('[data-testid="train-start"]');
  await page.waitForFunction(() => Number.isFinite(Number(document.querySelector('[data-testid="train-loss"]')?.textContent)), null, { timeout: 120000, polling: 10 });
  const tFirst = Date.now();
  const info = { backend: await page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainBackend) };
  const entries = await Promise.all(sizes);
  await context.close();
  return { ready: tReady - t0, click: tFirst - tReady, total: tFirst - t0, backend: info.backend, entries };
}

/** The benchmark's own training client comes from the debug entry (www/debug.js), which the app never loads. */
async function debugEntry(page) {
  if (!(await page.evaluate(() => Boolean(window.rgpDebug)))) await page.addScriptTag({ url: 'debug.js' });
}

/** Steady CPU (or WebGPU) images/s of ours in the page, first two chunks skipped. */
async function ours(page, backend, fullModule) {
  await debugEntry(page);
  return page.evaluate(
    async ({ backend, fullModule, seconds }) => {
      const client = (window.benchClient ??= new window.rgpDebug.TrainClient());
      const info = await client.init(backend === 'wgpu' ? 'webgpu' : 'cpu', { fullModule });
      if (info.backend !== backend) return { error: `backend ${info.backend}` };
      const n = 64;
      const table = new Uint32Array(n * 4);
      for (let i = 0; i < n; i++) table.set([(i + n - 2) % n, (i + n - 1) % n, (i + 1) % n, (i + 2) % n], i * 4);
      const chunks = [];
      const timer = setTimeout(() => client.stop(), seconds * 1000);
      await client.train({ model: 'mlp', dense: false, epochs: 100, batch: 128, optimizer: 'sgd', lr: 0.05, seed: 1 },
        { dataset: 'mnist', variant: 'quick', graph: { n, table }, onProgress: (p) => chunks.push(p) });
      clearTimeout(timer);
      const steady = chunks.slice(2);
      const steps = steady.reduce((a, c) => a + c.chunk_steps, 0);
      const ms = steady.reduce((a, c) => a + c.chunk_ms, 0);
      return { images_per_sec: (steps * 128) / (ms / 1000) };
    },
    { backend, fullModule, seconds: SECONDS },
  );
}

try {
  // Sizes: every wasm module, raw and as sent (brotli sibling, gzip sibling).
  const wasm = readdirSync(dist).filter((f) => f.endsWith('.wasm')).map((f) => {
    const size = (s) => { try { return statSync(join(dist, f + s)).size; } catch { return null; } };
    return { f, raw: size(''), br: size('.br'), gz: size('.gz') };
  }).sort((a, b) => a.raw - b.raw);

  const visits = [];
  for (let i = 0; i < RUNS; i++) visits.push(await coldVisit());
  const wire = (url) => visits[0].entries.filter((e) => e.url.includes(url)).reduce((a, e) => a + e.wire, 0);

  const page = await browser.newPage();
  await page.goto(base);
  await page.waitForSelector('[data-testid="train-start"]:not([disabled])', { timeout: 120000 });
  // Alternating, best of two each: the engine's optimising tier arrives during the first runs.
  const best = (a, b) => (!a || a.error ? b : !b || b.error ? a : a.images_per_sec > b.images_per_sec ? a : b);
  const speed = {};
  for (let i = 0; i < 2; i++) {
    speed.cpu = best(speed.cpu, await ours(page, 'cpu', false));
    speed.full = best(speed.full, await ours(page, 'cpu', true));
  }
  if (WEBGPU) speed.wgpu = await ours(page, 'wgpu', false);
  const tf = await browser.newPage();
  await tf.goto(`${siteBase}bench/train_tfjs.html`);
  speed.tfWasm = await tf.evaluate((o) => runTfjs(o), { backend: 'wasm', masked: true, steps: 60 });
  if (WEBGPU) speed.tfWebgpu = await tf.evaluate((o) => runTfjs(o), { backend: 'webgpu', masked: true, steps: 30 });
  const adapter = await page.evaluate(async () => {
    const a = await navigator.gpu?.requestAdapter();
    return a ? `${a.info.vendor} ${a.info.architecture}${a.info.isFallbackAdapter ? ' (fallback)' : ''}` : 'none';
  });

  console.log(`Chromium ${browser.version()}, WebGPU adapter: ${adapter}; ${new Date().toISOString().slice(0, 10)}.\n`);
  console.log('| module | raw | brotli (sent) | gzip | on the wire, cold visit |');
  console.log('|---|---:|---:|---:|---:|');
  for (const w of wasm) console.log(`| ${w.f} | ${mb(w.raw)} | ${w.br ? mb(w.br) : '—'} | ${w.gz ? mb(w.gz) : '—'} | ${wire(w.f) ? kb(wire(w.f)) : 'not fetched'} |`);
  const total = visits[0].entries.reduce((a, e) => a + e.wire, 0);
  console.log(`\nCold visit up to the first training step: ${visits[0].entries.length} requests, ${mb(total)} on the wire.`);
  console.log(`Cold link → first training step (CPU path, ${RUNS} runs, backend ${visits[0].backend}): median ${median(visits.map((v) => v.total))} ms` +
    ` (link → graph done and Train enabled ${median(visits.map((v) => v.ready))} ms, Train → first step ${median(visits.map((v) => v.click))} ms; all: ${visits.map((v) => v.total).join(', ')} ms).`);
  const ips = (r) => (!r ? '—' : r.error ? `error: ${r.error}` : Math.round(r.images_per_sec).toLocaleString('en-US'));
  console.log('\nTraining images/s, MLP 784-256-256-256-10 pruned 4/64, batch 128, quick MNIST:');
  console.log('| ours CPU (CPU-only module) | ours CPU (full module) | TF.js wasm |' + (WEBGPU ? ' ours WebGPU | TF.js WebGPU |' : ''));
  console.log('|---:|---:|---:|' + (WEBGPU ? '---:|---:|' : ''));
  console.log(`| ${ips(speed.cpu)} | ${ips(speed.full)} | ${ips(speed.tfWasm)} |` + (WEBGPU ? ` ${ips(speed.wgpu)} | ${ips(speed.tfWebgpu)} |` : ''));
} finally {
  await browser.close();
  app.close();
  site.close();
}
