// App benchmarks (docs/BENCHMARKS.md, "App benchmarks"): load time, sizes, and search throughput in the
// browser's worker against the native CLI on the same graphs. Needs a built dist/.
//   node tests/e2e/bench.mjs [--screenshot docs/screenshot.png] [--runs 3] [--loads 11]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch, rgp, rgpBinary, root, waitForState } from './harness.mjs';
import { serve } from './serve.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const runs = Number(arg('--runs', 3));
// Page loads timed (cold context each); their times swing by ±150 ms on two busy cores, hence many.
const loads = Number(arg('--loads', 11));
const shot = arg('--screenshot', null);
const dist = resolve(root, 'dist');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

// CPU time of threads, read from /proc: this machine is shared, so wall-clock throughput swings
// with the load; CPU time does not (much). Ticks are 10 ms; runs last seconds.
function threadCpuMs(filter) {
  const out = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!filter(cmd)) continue;
    let tids = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        const st = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
        out.set(`${pid}/${tid}`, { comm, ms: (Number(f[11]) + Number(f[12])) * 10 });
      } catch {
        // the thread ended
      }
    }
  }
  return out;
}

/** CPU ms the busiest web worker thread used between two snapshots (the graph worker). */
function workerCpuMs(before, after) {
  let best = 0;
  for (const [id, t] of after) {
    if (t.comm !== 'DedicatedWorker') continue;
    best = Math.max(best, t.ms - (before.get(id)?.ms ?? 0));
  }
  return best;
}

/** `rgp graph`: its JSON and its user+system CPU time (GNU time; null where it is missing). */
function nativeRun(args) {
  if (!existsSync('/usr/bin/time')) return { out: rgp(args), cpuMs: null };
  const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', rgpBinary(), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`rgp failed: ${r.stderr}`);
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { out: JSON.parse(r.stdout), cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : null };
}

// ---- sizes ----------------------------------------------------------------------------------
const files = readdirSync(dist);
const pageJs = files.filter((f) => f === 'boot.js' || f === 'app.js' || /^(graph|render)\.[0-9a-f]+\.js$/.test(f));
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
const load = { interactive: [], firstGraph: [], drawn: [], loadEvent: [] };
for (let i = 0; i < loads; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.baseURL}#v=1&nodes=64&degree=4&search=none`);
  await waitForState(page, 'done');
  await page.waitForFunction(() => performance.getEntriesByName('rgp-first-graph-drawn').length > 0);
  const t = await page.evaluate(() => ({
    interactive: performance.getEntriesByName('rgp-interactive')[0].startTime,
    firstGraph: performance.getEntriesByName('rgp-first-graph')[0].startTime,
    drawn: performance.getEntriesByName('rgp-first-graph-drawn')[0].startTime,
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
const isRenderer = (cmd) => cmd.includes('--type=renderer');
for (const [n, k, iters] of CASES) {
  const link = `v=1&nodes=${n}&degree=${k}&init=random&seed=1&search=anneal&iters=${iters}`;
  const best = { web: 0, native: 0, webCpu: 0, nativeCpu: 0 };
  let fpWeb;
  let fpNative;
  let evaluations;
  for (let r = 0; r < runs; r++) {
    // Alternate the two, so both see the same spells of load.
    const { out, cpuMs } = nativeRun(['graph', '--quiet', '--nodes', `${n}`, '--degree', `${k}`, '--init', 'random',
      '--seed', '1', '--search', 'anneal', '--iters', `${iters}`]);
    best.native = Math.max(best.native, (out.evaluations * 1000) / out.elapsed_ms);
    if (cpuMs) best.nativeCpu = Math.max(best.nativeCpu, (out.evaluations * 1000) / cpuMs);
    fpNative = out.fingerprint;
    evaluations = out.evaluations;

    const context = await browser.newContext();
    const page = await context.newPage();
    const before = threadCpuMs(isRenderer);
    await page.goto(`${server.baseURL}#${link}`);
    await waitForState(page, 'done', 300000);
    const workerMs = workerCpuMs(before, threadCpuMs(isRenderer));
    best.web = Math.max(best.web, Number((await page.textContent('[data-testid="evals-per-sec"]')).replace(/,/g, '')));
    if (workerMs > 0) best.webCpu = Math.max(best.webCpu, (evaluations * 1000) / workerMs);
    fpWeb = await page.textContent('[data-testid="fingerprint"]');
    await context.close();
  }
  if (fpWeb !== fpNative) throw new Error(`(${n},${k}): browser ${fpWeb} but native ${fpNative}`);
  speed.push({ n, k, iters, evaluations, ...best });
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
const spread = (xs) => `${ms(Math.min(...xs))}–${ms(Math.max(...xs))}`;
console.log(`| navigation → interactive (controls live, worker ready), median of ${loads} | ${ms(median(load.interactive))} (${spread(load.interactive)}) |`);
console.log(`| navigation → first graph in the page (the engine's answer arrives), median of ${loads} | ${ms(median(load.firstGraph))} (${spread(load.firstGraph)}) |`);
console.log(`| navigation → first graph drawn (on the canvas), median of ${loads} | ${ms(median(load.drawn))} (${spread(load.drawn)}) |`);
console.log(`| graph module (wasm), gzip -9 | ${kb(sizes.wasmGz)} (raw ${kb(sizes.wasmRaw)}) |`);
console.log(`| page JS (${pageJs.join(', ')}), gzip -9 | ${kb(sizes.jsGz)} (raw ${kb(sizes.jsRaw)}) |`);
console.log(`| HTML + CSS, gzip -9 | ${kb(sizes.htmlGz + sizes.cssGz)} |`);
const int = (x) => (x ? Math.round(x).toLocaleString('en-US') : '—');
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
console.log(`\nSearch throughput, best of ${runs} alternating runs (anneal from a seeded random graph; same`);
console.log('evaluations and the same final fingerprint in both). Wall: evaluations / elapsed time as each reports it.');
console.log('CPU: evaluations / CPU time of the graph worker thread (/proc) or of the rgp process (GNU time).\n');
console.log('| graph (n, k) | iterations | evaluations | worker evals/s (wall) | native evals/s (wall) | ratio (wall) | worker evals/s (CPU) | native evals/s (CPU) | ratio (CPU) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const s of speed) {
  console.log(`| (${s.n}, ${s.k}) | ${int(s.iters)} | ${int(s.evaluations)} | ${int(s.web)} | ${int(s.native)} | ` +
    `${ratio(s.native, s.web)} | ${int(s.webCpu)} | ${int(s.nativeCpu)} | ${ratio(s.nativeCpu, s.webCpu)} |`);
}
