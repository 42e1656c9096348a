// Training throughput, side by side in one run (docs/BENCHMARKS.md, "Training benchmarks"):
//   ours in the browser (the app's training worker) on WebGPU and on the CPU backend,
//   ours natively (`rgp train`, CPU and wgpu), and the same MLP in TensorFlow.js in the same
//   browser: its WebGPU backend on the same adapter, its wasm backend against our CPU backend.
// Also the gzipped size of the training module, the time from "Train" to the first step, and the
// WebGPU calls per training step (dispatches, writes, reads back, submits), ours against TF.js.
//
//   scripts/build-web.sh && cargo build --release && node bench/train_browser.mjs [seconds per run]
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, root } from '../tests/e2e/harness.mjs';

const SECONDS = Number(process.argv[2] || 12);
const dist = resolve(root, 'dist');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.gz': 'application/octet-stream' };

function serve() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let path = decodeURIComponent(url.pathname);
    let base = dist;
    if (path.startsWith('/node_modules/')) base = root;
    else if (path.startsWith('/bench/')) base = root;
    if (path.endsWith('/')) path += 'index.html';
    const file = resolve(join(base, path));
    if (!file.startsWith(base) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/**
 * Counts WebGPU calls in whatever global it runs in: compute dispatches, buffer writes from the
 * CPU, reads back to the CPU (mapAsync for reading) and queue submits. In a worker it also hands
 * every 'progress' message the times of the calls since the previous one and the time it was
 * posted, so the page can count the calls made inside the chunk's training steps alone (a chunk
 * is followed by a short test evaluation before its message goes out).
 */
const GPU_COUNTER = `(() => {
  const c = { dispatches: 0, writes: 0, reads: 0, submits: 0 };
  let log = { dispatches: [], writes: [], reads: [], submits: [] };
  self.__gpuCalls = c;
  const wrap = (proto, name, kind, when = () => true) => {
    if (!proto || !proto[name] || proto[name].counted) return;
    const orig = proto[name];
    proto[name] = function (...a) {
      if (when(a)) { c[kind]++; log[kind].push(performance.now()); }
      return orig.apply(this, a);
    };
    proto[name].counted = true;
  };
  // A worker paused at its start may not have the WebGPU interfaces yet: install now and again
  // on its first messages (before any of its own handlers run).
  const install = () => {
    wrap(self.GPUComputePassEncoder?.prototype, 'dispatchWorkgroups', 'dispatches');
    wrap(self.GPUComputePassEncoder?.prototype, 'dispatchWorkgroupsIndirect', 'dispatches');
    wrap(self.GPUQueue?.prototype, 'writeBuffer', 'writes');
    wrap(self.GPUQueue?.prototype, 'submit', 'submits');
    wrap(self.GPUBuffer?.prototype, 'mapAsync', 'reads', (a) => (a[0] & 1) !== 0);
  };
  install();
  self.addEventListener('message', install);
  if (typeof WorkerGlobalScope !== 'undefined') {
    const post = self.postMessage.bind(self);
    self.postMessage = (m, t) => {
      if (m && m.type === 'progress') {
        m = { ...m, gpu_log: log, posted_at: performance.now() };
        log = { dispatches: [], writes: [], reads: [], submits: [] };
      }
      return post(m, t);
    };
  }
})();`;

/** Installs GPU_COUNTER in every worker of `page` before its script runs (CDP, paused start). */
async function countGpuCallsInWorkers(page) {
  const cdp = await page.context().newCDPSession(page);
  let id = 1;
  const send = (sessionId, method, params = {}) =>
    cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: id++, method, params }) });
  cdp.on('Target.attachedToTarget', async (e) => {
    if (e.targetInfo.type === 'worker') await send(e.sessionId, 'Runtime.evaluate', { expression: GPU_COUNTER });
    await send(e.sessionId, 'Runtime.runIfWaitingForDebugger');
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });
}

/**
 * WebGPU calls per training step: chunk i's steps ran from the previous message's post to
 * chunk_ms later; the calls logged in that window, over its steps. Median over the chunks after
 * the first (whose start is not known).
 */
function callsPerStep(chunks) {
  const rows = [];
  for (let i = 1; i < chunks.length; i++) {
    const { gpu_log: log, chunk_ms: ms, chunk_steps: steps } = chunks[i];
    const from = chunks[i - 1].posted_at;
    if (!log || from === undefined) continue;
    const within = (ts) => ts.filter((t) => t >= from && t <= from + ms).length / steps;
    rows.push(Object.fromEntries(Object.entries(log).map(([k, ts]) => [k, within(ts)])));
  }
  if (!rows.length) return null;
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return Object.fromEntries(Object.keys(rows[0]).map((k) => [k, median(rows.map((r) => r[k]))]));
}

/** The benchmark's own training client comes from the debug entry (www/debug.js), which the app never loads. */
async function debugEntry(page) {
  if (!(await page.evaluate(() => Boolean(window.rgpDebug)))) await page.addScriptTag({ url: 'debug.js' });
}

/** Ours in the page: steady images/s from the worker's chunk timings (first two chunks skipped). */
async function ours(page, { backend, model, dense, seconds, kernel = 'auto' }) {
  await debugEntry(page);
  return page.evaluate(
    async ({ backend, model, dense, seconds, kernel }) => {
      const client = (window.benchClient ??= new window.rgpDebug.TrainClient());
      const info = await client.init(backend === 'wgpu' ? 'webgpu' : 'cpu');
      if (info.backend !== backend) return { error: `backend ${info.backend}: ${info.notice}` };
      const n = 64;
      const table = new Uint32Array(n * 4);
      for (let i = 0; i < n; i++) table.set([(i + n - 2) % n, (i + n - 1) % n, (i + 1) % n, (i + 2) % n], i * 4);
      const chunks = [];
      const t0 = performance.now();
      const timer = setTimeout(() => client.stop(), seconds * 1000);
      const r = await client.train(
        { model, dense, kernel, epochs: 100, batch: 128, optimizer: 'sgd', lr: 0.05, seed: 1 },
        { dataset: 'mnist', variant: 'quick', graph: { n, table }, onProgress: (p) => chunks.push(p) },
      );
      clearTimeout(timer);
      const steady = chunks.slice(2);
      const steps = steady.reduce((a, c) => a + c.chunk_steps, 0);
      const ms = steady.reduce((a, c) => a + c.chunk_ms, 0);
      return {
        chunks: chunks.map(({ chunk_steps, chunk_ms, gpu_log, posted_at }) => ({ chunk_steps, chunk_ms, gpu_log, posted_at })),
        images_per_sec: steps ? (steps * 128) / (ms / 1000) : r.images_per_sec,
        first_step_ms: r.first_step_ms,
        steps: r.steps,
        loss: [chunks[0]?.loss, chunks[chunks.length - 1]?.loss],
        init_ms: info.init_ms,
        module_ms: info.module_ms,
        wall_s: (performance.now() - t0) / 1000,
      };
    },
    { backend, model, dense, seconds, kernel },
  );
}

function native(model, backend, dense) {
  const bin = resolve(root, 'target/release/rgp');
  const args = ['train', '--model', model, '--dataset', 'mnist', '--quick', '--epochs', '1', '--backend', backend,
    '--search', 'none', '--quiet', ...(dense ? ['--dense'] : []),
    // lavapipe renders on the CPU: a shorter run keeps the benchmark short.
    ...(backend === 'wgpu' ? ['--limit-train', '2560'] : [])];
  try {
    const out = JSON.parse(execFileSync(bin, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }).toString());
    return { images_per_sec: out.images_per_sec };
  } catch (e) {
    return { error: String(e.stderr || e.message).trim().split('\n').pop() };
  }
}

const fmt = (r) => (!r ? '—' : r.error ? `error: ${r.error}` : Math.round(r.images_per_sec).toLocaleString('en-US'));

const server = await serve();
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  ignoreDefaultArgs: ['--headless'],
  args: CHROMIUM_ARGS,
});
const results = {};
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await countGpuCallsInWorkers(page);
  await page.goto(base);
  await page.waitForSelector('[data-testid="train-start"]', { timeout: 120000 });
  const adapter = await page.evaluate(async () => {
    const a = await navigator.gpu?.requestAdapter();
    return a ? `${a.info.vendor} ${a.info.architecture} ${a.info.description}${a.info.isFallbackAdapter ? ' (fallback)' : ''}` : 'none';
  });
  const runs = [
    ['MLP 784-256-256-256-10, pruned 4/64', 'mlp', false],
    ['MLP 784-256-256-256-10, dense', 'mlp', true],
    ['CNN 3×conv64, pruned 4/64', 'cnn', false],
  ];
  for (const [name, model, dense] of runs) {
    results[name] = {};
    for (const backend of ['wgpu', 'cpu']) {
      results[name][`browser-${backend}`] = await ours(page, { backend, model, dense, seconds: SECONDS });
      console.error(name, backend, JSON.stringify(results[name][`browser-${backend}`]));
    }
    for (const backend of ['cpu', 'wgpu']) results[name][`native-${backend}`] = native(model, backend, dense);
  }
  // The masked-layer kernels against each other (the "auto" choice comes from this).
  const kernels = {};
  for (const backend of ['wgpu', 'cpu']) {
    for (const kernel of ['packed', 'masked']) {
      kernels[`${backend}-${kernel}`] = await ours(page, { backend, model: 'mlp', dense: false, seconds: SECONDS, kernel });
    }
  }
  const tf = await browser.newPage();
  await tf.addInitScript(GPU_COUNTER);
  await tf.goto(`${base}bench/train_tfjs.html`);
  for (const [name, masked] of [['MLP 784-256-256-256-10, pruned 4/64', true], ['MLP 784-256-256-256-10, dense', false]]) {
    for (const backend of ['webgpu', 'wasm']) {
      const r = await tf.evaluate((o) => runTfjs(o), { backend, masked, steps: backend === 'webgpu' ? 30 : 60 });
      results[name][`tfjs-${backend}`] = r;
      console.error(name, 'tfjs', backend, JSON.stringify(r));
    }
  }
  const wasm = readdirSync(dist).filter((f) => f.endsWith('.wasm')).map((f) => [f, statSync(join(dist, f)).size]).sort((a, b) => b[1] - a[1])[0];
  const gz = gzipSync(readFileSync(join(dist, wasm[0])), { level: 9 }).length;
  const cpuFirst = results[runs[0][0]]['browser-cpu'];
  const gpuFirst = results[runs[0][0]]['browser-wgpu'];
  console.log(`Chromium ${browser.version()}, WebGPU adapter: ${adapter}; ${SECONDS} s per browser run, batch 128, quick MNIST.\n`);
  console.log('| model | ours WebGPU | TF.js WebGPU | ours CPU (browser) | TF.js wasm | ours native CPU | ours native wgpu |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name] of runs) {
    const r = results[name];
    console.log(`| ${name} | ${fmt(r['browser-wgpu'])} | ${fmt(r['tfjs-webgpu'])} | ${fmt(r['browser-cpu'])} | ${fmt(r['tfjs-wasm'])} | ${fmt(r['native-cpu'])} | ${fmt(r['native-wgpu'])} |`);
  }
  const ratio = (a, b) => (a && b && !a.error && !b.error ? (a.images_per_sec / b.images_per_sec).toFixed(2) : '—');
  for (const [name] of runs.slice(0, 2)) {
    const r = results[name];
    console.log(`\n${name}: ours/TF.js on WebGPU ${ratio(r['browser-wgpu'], r['tfjs-webgpu'])}×, on CPU ${ratio(r['browser-cpu'], r['tfjs-wasm'])}×`);
  }
  console.log('\nWebGPU calls per training step (batch 128; ours: median over chunks, the test evaluations between chunks left out; TF.js: over its timed steps):');
  console.log('| model | dispatches ours / TF.js | buffer writes ours / TF.js | reads to CPU ours / TF.js | submits ours / TF.js |');
  console.log('|---|---:|---:|---:|---:|');
  const per = (x, k) => (x ? (Math.round(x[k] * 10) / 10).toLocaleString('en-US') : '—');
  for (const [name] of runs.slice(0, 2)) {
    const o = callsPerStep(results[name]['browser-wgpu'].chunks ?? []);
    const t = results[name]['tfjs-webgpu']?.calls_per_step;
    console.log(`| ${name} | ${['dispatches', 'writes', 'reads', 'submits'].map((k) => `${per(o, k)} / ${per(t, k)}`).join(' | ')} |`);
  }
  console.log('\nMasked-layer kernels, pruned MLP (images/s):');
  console.log('| backend | packed (gather + blocks) | masked (W ⊙ M) |');
  console.log('|---|---:|---:|');
  for (const b of ['wgpu', 'cpu']) console.log(`| ${b === 'wgpu' ? 'WebGPU' : 'CPU'} (browser) | ${fmt(kernels[`${b}-packed`])} | ${fmt(kernels[`${b}-masked`])} |`);
  console.log(`\nTraining module: ${wasm[0]} ${wasm[1].toLocaleString('en-US')} bytes, ${gz.toLocaleString('en-US')} gzipped.`);
  console.log(`Module load + backend choice (init): ${Math.round(cpuFirst.init_ms)} ms (CPU), ${Math.round(gpuFirst.init_ms)} ms (WebGPU, includes its calibration).`);
  console.log(`"Train" to first step: ${Math.round(cpuFirst.first_step_ms)} ms (CPU), ${Math.round(gpuFirst.first_step_ms)} ms (WebGPU).`);
} finally {
  await browser.close();
  server.close();
}
