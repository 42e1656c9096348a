// Kernel throughput, wasm32 under Node (or in a Chromium Web Worker) against native, CPU time,
// best of alternating runs. Each argument is a folder with kernel.wasm and native (run.sh --save).
//   node bench/wasm-kernel/bench.mjs [--runs R] [--scale S] [--only REGEX] [--chromium] DIR...
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(name);
  if (i < 0) return def;
  const v = Number(argv[i + 1]);
  argv.splice(i, 2);
  return v;
};
const runs = opt('--runs', 3);
const scale = opt('--scale', 1);
const inChromium = argv.includes('--chromium');
if (inChromium) argv.splice(argv.indexOf('--chromium'), 1);
let only = null;
if (argv.includes('--only')) {
  only = new RegExp(argv[argv.indexOf('--only') + 1]);
  argv.splice(argv.indexOf('--only'), 2);
}
const dirs = argv.map((d) => resolve(d));
if (dirs.length === 0) {
  console.error('usage: bench.mjs [--runs R] [--scale S] [--only REGEX] [--chromium] DIR...');
  process.exit(2);
}

// (mode, n, k, count): anneal iterations as in tests/e2e/bench.mjs / 5, or full evaluations.
const CASES = [
  ['anneal', 64, 4, 600000],
  ['anneal', 128, 8, 200000],
  ['anneal', 256, 16, 40000],
  ['anneal', 512, 16, 12000],
  ['stats', 64, 4, 300000],
  ['stats', 128, 8, 100000],
  ['stats', 256, 16, 20000],
  ['stats', 512, 16, 5000],
  ['stats', 600, 10, 2000],
  ['stats', 1024, 16, 800],
];
const SEED = 1;

/** CPU time of this process in ms (getrusage: exact, where /proc moves in scheduler ticks). The
 * module runs on the main thread; compiling it is done before timing (warm-up call). */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU ns of every web worker thread of Chromium's renderers (/proc schedstat). */
function workerThreads() {
  const out = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        if (readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() !== 'DedicatedWorker') continue;
        out.set(`${pid}/${tid}`, Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]));
      }
    } catch {
      // the process or thread ended
    }
  }
  return out;
}

// In Chromium each build runs in a Web Worker of one page, as the app's search does.
const WORKER = `let x;
onmessage = async (e) => {
  if (e.data.bytes) {
    x = (await WebAssembly.instantiate(e.data.bytes, {})).instance.exports;
    postMessage(null);
    return;
  }
  const { mode, n, k, seed, count } = e.data;
  const evaluations = (mode === 'anneal' ? x.bench_anneal : x.bench_stats)(n, k, seed, count);
  postMessage({ evaluations, lo: x.bench_check_lo() >>> 0, hi: x.bench_check_hi() >>> 0 });
};`;

let page = null;
let browser = null;
if (inChromium) {
  const { launch } = await import('../../tests/e2e/harness.mjs');
  browser = await launch();
  page = await browser.newPage();
  await page.evaluate((code) => {
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    window.workers = [];
    window.call = (i, msg) =>
      new Promise((done) => {
        window.workers[i].onmessage = (e) => done(e.data);
        window.workers[i].postMessage(msg);
      });
    window.spawn = () => window.workers.push(new Worker(url)) - 1;
  }, WORKER);
}

const builds = [];
for (const dir of dirs) {
  const bytes = readFileSync(`${dir}/kernel.wasm`);
  const b = { name: basename(dir), dir };
  if (inChromium) {
    b.worker = await page.evaluate(async (data) => {
      const i = window.spawn();
      await window.call(i, { bytes: new Uint8Array(data) });
      return i;
    }, [...bytes]);
  } else {
    b.x = (await WebAssembly.instantiate(bytes, {})).instance.exports;
  }
  builds.push(b);
}

const hex = (hi, lo) => ((BigInt(hi) << 32n) | BigInt(lo)).toString(16).padStart(16, '0');

async function wasmRun(b, mode, n, k, count) {
  if (inChromium) {
    const before = workerThreads();
    const r = await page.evaluate(([i, msg]) => window.call(i, msg), [b.worker, { mode, n, k, seed: SEED, count }]);
    let ns = 0;
    for (const [id, t] of workerThreads()) ns = Math.max(ns, t - (before.get(id) ?? 0));
    return { evaluations: r.evaluations, ms: ns / 1e6, check: hex(r.hi, r.lo) };
  }
  const f = mode === 'anneal' ? b.x.bench_anneal : b.x.bench_stats;
  const t0 = cpuMs();
  const evaluations = f(n, k, SEED, count);
  const ms = cpuMs() - t0;
  return { evaluations, ms, check: hex(b.x.bench_check_hi() >>> 0, b.x.bench_check_lo() >>> 0) };
}

function nativeRun(dir, mode, n, k, count) {
  const out = JSON.parse(execFileSync(`${dir}/native`, [mode, `${n}`, `${k}`, `${SEED}`, `${count}`], { encoding: 'utf8' }));
  return { evaluations: out.evaluations, ms: out.cpu_ms, check: out.check };
}

const int = (x) => Math.round(x).toLocaleString('en-US');
const header = ['case', ...builds.flatMap((b) => [`${b.name} wasm evals/s`, `${b.name} native evals/s`, `${b.name} ratio`])];
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const [mode, n, k, count0] of CASES) {
  if (only && !only.test(`${mode} (${n},${k})`)) continue;
  const count = Math.max(1, Math.round(count0 * scale));
  const best = builds.map(() => ({ wasm: 0, native: 0 }));
  let check = null;
  // Warm-up: the engine first runs a module in its baseline tier and swaps in optimised code
  // between calls.
  for (const b of builds) for (let w = 0; w < 3; w++) await wasmRun(b, mode, n, k, Math.max(1, Math.round(count / 20)));
  for (let r = 0; r < runs; r++) {
    // Alternate builds and sides so that all of them see the same spells of load.
    for (const [i, b] of builds.entries()) {
      for (const side of ['native', 'wasm']) {
        const o = side === 'wasm' ? await wasmRun(b, mode, n, k, count) : nativeRun(b.dir, mode, n, k, count);
        if (check === null) check = `${o.evaluations}/${o.check}`;
        if (`${o.evaluations}/${o.check}` !== check) {
          throw new Error(`${mode} (${n},${k}): ${b.name} ${side} gave ${o.evaluations}/${o.check}, expected ${check}`);
        }
        best[i][side] = Math.max(best[i][side], (o.evaluations * 1000) / o.ms);
      }
    }
  }
  const cells = best.flatMap((b) => [int(b.wasm), int(b.native), `${(b.native / b.wasm).toFixed(2)}×`]);
  console.log(`| ${mode} (${n},${k}) | ${cells.join(' | ')} |`);
}
await browser?.close();
