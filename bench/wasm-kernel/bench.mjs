// Kernel throughput, wasm32 under Node against native, CPU time, best of
// alternating runs. Each argument is a folder with kernel.wasm and native (run.sh --save).
//   node bench/wasm-kernel/bench.mjs [--runs R] [--scale S] [--only REGEX] DIR...
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
let only = null;
if (argv.includes('--only')) {
  only = new RegExp(argv[argv.indexOf('--only') + 1]);
  argv.splice(argv.indexOf('--only'), 2);
}
const dirs = argv.map((d) => resolve(d));
if (dirs.length === 0) {
  console.error('usage: bench.mjs [--runs R] [--scale S] [--only REGEX] DIR...');
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

const builds = [];
for (const dir of dirs) {
  const { instance } = await WebAssembly.instantiate(readFileSync(`${dir}/kernel.wasm`), {});
  builds.push({ name: basename(dir), dir, x: instance.exports });
}

function wasmRun(x, mode, n, k, count) {
  const f = mode === 'anneal' ? x.bench_anneal : x.bench_stats;
  const t0 = cpuMs();
  const evaluations = f(n, k, SEED, count);
  const ms = cpuMs() - t0;
  const check = (BigInt(x.bench_check_hi() >>> 0) << 32n) | BigInt(x.bench_check_lo() >>> 0);
  return { evaluations, ms, check: check.toString(16).padStart(16, '0') };
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
  for (const b of builds) for (let w = 0; w < 3; w++) wasmRun(b.x, mode, n, k, Math.max(1, Math.round(count / 20)));
  for (let r = 0; r < runs; r++) {
    // Alternate builds and sides so that all of them see the same spells of load.
    builds.forEach((b, i) => {
      for (const side of ['native', 'wasm']) {
        const o = side === 'wasm' ? wasmRun(b.x, mode, n, k, count) : nativeRun(b.dir, mode, n, k, count);
        if (check === null) check = `${o.evaluations}/${o.check}`;
        if (`${o.evaluations}/${o.check}` !== check) {
          throw new Error(`${mode} (${n},${k}): ${b.name} ${side} gave ${o.evaluations}/${o.check}, expected ${check}`);
        }
        best[i][side] = Math.max(best[i][side], (o.evaluations * 1000) / o.ms);
      }
    });
  }
  const cells = best.flatMap((b) => [int(b.wasm), int(b.native), `${(b.native / b.wasm).toFixed(2)}×`]);
  console.log(`| ${mode} (${n},${k}) | ${cells.join(' | ')} |`);
}
