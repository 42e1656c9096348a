// App benchmarks for the README ("The app"): load time, sizes, and search throughput in the
// browser's worker against the native CLI on the same graphs. Needs a built dist/.
//   node tests/e2e/bench.mjs [--screenshot docs/screenshot.png] [--runs 3]
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch, rgp, root, waitForState } from './harness.mjs';
import { serve } from './serve.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const runs = Number(arg('--runs', 3));
const shot = arg('--screenshot', null);
const dist = resolve(root, 'dist');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

// ---- sizes ----------------------------------------------------------------------------------
const files = readdirSync(dist);
const pageJs = files.filter((f) => f === 'app.js' || /^(graph|render)\.[0-9a-f]+\.js$/.test(f));
const graphWasm = resolve(root, 'pkg/graph/rgp_bg.wasm');
const sizes = {
  wasmRaw: readFileSync(graphWasm).length,
  wasmGz: gz(graphWasm),
  jsRaw: pageJs.reduce((a, f) => a + readFileSync(resolve(dist, f)).length, 0),
  jsGz: pageJs.reduce((a, f) => a + gz(resolve(dist, f)), 0),
  cssGz: gz(resolve(dist, 'style.css')) + gz(resolve(dist, 'uPlot.min.css')),
  htmlGz: gz(resolve(dist, 'index.html')),
};

const server = await serve(dist);
const browser = await launch();
const version = browser.version();

// ---- navigation → interactive ---------------------------------------------------------------
const load = { interactive: [], firstGraph: [], loadEvent: [] };
for (let i = 0; i < 5; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.baseURL}#v=1&nodes=64&degree=4&search=none`);
  await waitForState(page, 'done');
  const t = await page.evaluate(() => ({
    interactive: performance.getEntriesByName('rgp-interactive')[0].startTime,
    firstGraph: performance.getEntriesByName('rgp-first-graph')[0].startTime,
    loadEvent: performance.getEntriesByType('navigation')[0].loadEventEnd,
  }));
  for (const k of Object.keys(load)) load[k].push(t[k]);
  await context.close();
}

// ---- evaluations/s: browser worker against native, same graphs ------------------------------
const CASES = [
  [64, 4, 3000000],
  [128, 8, 1000000],
  [256, 16, 200000],
  [512, 16, 60000],
];
const speed = [];
for (const [n, k, iters] of CASES) {
  const link = `v=1&nodes=${n}&degree=${k}&init=random&seed=1&search=anneal&iters=${iters}`;
  let web = 0;
  let native = 0;
  let fpWeb;
  let fpNative;
  let evaluations;
  for (let r = 0; r < runs; r++) {
    const out = rgp(['graph', '--quiet', '--nodes', `${n}`, '--degree', `${k}`, '--init', 'random', '--seed', '1',
      '--search', 'anneal', '--iters', `${iters}`]);
    native = Math.max(native, (out.evaluations * 1000) / out.elapsed_ms);
    fpNative = out.fingerprint;
    evaluations = out.evaluations;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.baseURL}#${link}`);
    await waitForState(page, 'done', 300000);
    const eps = Number((await page.textContent('[data-testid="evals-per-sec"]')).replace(/,/g, ''));
    fpWeb = await page.textContent('[data-testid="fingerprint"]');
    web = Math.max(web, eps);
    await context.close();
  }
  if (fpWeb !== fpNative) throw new Error(`(${n},${k}): browser ${fpWeb} but native ${fpNative}`);
  speed.push({ n, k, iters, evaluations, web, native, ratio: native / web });
}

// ---- screenshot -----------------------------------------------------------------------------
if (shot) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(`${server.baseURL}#v=1&nodes=64&degree=4&init=ring&seed=1&search=anneal&iters=3000000`);
  await page.waitForTimeout(1500);
  await page.click('[data-testid="stop"]');
  await waitForState(page, 'stopped');
  await page.waitForTimeout(500);
  await page.screenshot({ path: resolve(root, shot) });
  await context.close();
}

await browser.close();
await server.close();

const ms = (x) => `${Math.round(x)} ms`;
console.log(`Chromium ${version} (headless), served from 127.0.0.1, ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| measure | value |\n|---|---|');
console.log(`| navigation → interactive (controls live, worker ready), median of 5 | ${ms(median(load.interactive))} |`);
console.log(`| navigation → first graph drawn, median of 5 | ${ms(median(load.firstGraph))} |`);
console.log(`| graph module (wasm), gzip -9 | ${kb(sizes.wasmGz)} (raw ${kb(sizes.wasmRaw)}) |`);
console.log(`| page JS (${pageJs.join(', ')}), gzip -9 | ${kb(sizes.jsGz)} (raw ${kb(sizes.jsRaw)}) |`);
console.log(`| HTML + CSS, gzip -9 | ${kb(sizes.htmlGz + sizes.cssGz)} |`);
console.log('\n| graph (n, k) | anneal iterations | evaluations | worker evals/s | native evals/s | native / worker |');
console.log('|---|---|---|---|---|---|');
for (const s of speed) {
  console.log(`| (${s.n}, ${s.k}) | ${s.iters.toLocaleString('en-US')} | ${s.evaluations.toLocaleString('en-US')} | ` +
    `${Math.round(s.web).toLocaleString('en-US')} | ${Math.round(s.native).toLocaleString('en-US')} | ${s.ratio.toFixed(2)}× |`);
}
