// Determinism at scale: 200 random graph configurations, drawn from a printed seed, give the same
// fingerprint and ASPL in the app's graph worker (the wasm module in Chromium) as in `rgp graph`.
//   DETERMINISM_SEED=S draws another set (the default is fixed, so the test command always checks
//   the same 200); DETERMINISM_COUNT=N changes the count.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { rgpBinary, root, test } from './harness.mjs';
import { defaults, engineConfig } from '../../www/url-state.js';
import { checkApp } from '../engine-node.mjs';

const COUNT = Number(process.env.DETERMINISM_COUNT ?? 200);
const SEED = Number(process.env.DETERMINISM_SEED ?? 20261202);

/** mulberry32: a tiny seeded generator, so a printed seed replays the same configurations. */
function generator(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (xs) => xs[int(0, xs.length - 1)];
  return { next, int, pick };
}

/** One valid configuration, small enough that 200 of them run in seconds on either side. */
function draw(r) {
  for (;;) {
    const c = { ...defaults() };
    c.nodes = r.pick([r.int(4, 24), r.int(4, 64), r.int(25, 160)]);
    c.degree = r.int(2, Math.min(c.nodes - 1, 12));
    c.init = r.pick(['ring', 'random']);
    c.seed = r.int(0, 2 ** 32 - 1);
    c.search = r.pick(['none', 'paper', 'anneal', 'anneal', 'target']);
    c.direction = r.pick(['min', 'max', 'random']);
    c.steps = r.int(0, 3);
    c.interval_down = r.pick([0, 0.05, 0.1]);
    c.interval_up = r.pick([0.2, 0.5, 1]);
    c.extreme = r.next() < 0.3;
    c.iters = r.int(0, 20000);
    c.target_aspl = 1.5 + r.next() * 10; // some below what n and k allow: refused alike
    c.tolerance = r.pick([0.001, 0.01, 0.1]);
    c.stop_after = r.next() < 0.2 ? r.int(0, 5000) : null;
    // The reference rule's cost grows as n²·steps; keep the big graphs on the cheap searches.
    if (c.search === 'paper' && c.nodes > 64) c.nodes = r.int(8, 64);
    if (c.degree >= c.nodes) c.degree = c.nodes - 1;
    if (!checkApp(c)) return c; // the engine's own rules (its wasm module, under Node)
  }
}

function cliArgs(c) {
  const args = ['graph', '--quiet'];
  for (const k of ['nodes', 'degree', 'init', 'seed', 'search', 'direction', 'steps', 'interval_down',
    'interval_up', 'iters', 'target_aspl', 'tolerance', 'stop_after']) {
    if (c[k] !== null) args.push(`--${k.replace(/_/g, '-')}`, String(c[k]));
  }
  if (c.extreme) args.push('--extreme');
  return args;
}

/** Every configuration through `rgp graph`, two processes at a time (the machine has 2 cores). */
async function native(configs) {
  const run = promisify(execFile);
  const bin = rgpBinary();
  const out = new Array(configs.length);
  let next = 0;
  const lane = async () => {
    while (next < configs.length) {
      const i = next++;
      try {
        const { stdout } = await run(bin, cliArgs(configs[i]), { cwd: root, maxBuffer: 64 << 20 });
        const doc = JSON.parse(stdout);
        out[i] = { fingerprint: doc.fingerprint, aspl: doc.aspl };
      } catch (e) {
        // A configuration the engine refuses (a target below the Moore bound) must be refused
        // alike: exit 2 and the same one line as the worker's error.
        if (e.code !== 2) throw e;
        out[i] = { error: e.stderr.trim().replace(/^error: /, '') };
      }
    }
  };
  await Promise.all([lane(), lane()]);
  return out;
}

test(`${COUNT} random configurations: the same graph in the browser as in rgp graph`, async ({ open }) => {
  console.log(`     determinism: seed ${SEED}, ${COUNT} configurations (DETERMINISM_SEED=${SEED} replays)`);
  const r = generator(SEED);
  const configs = Array.from({ length: COUNT }, () => draw(r));
  const nativeDone = native(configs);

  // The app's own graph worker script, driven through its message protocol in a fresh Worker.
  const page = await open('v=1&nodes=16&degree=4&search=none');
  const url = page.workers().map((w) => w.url()).find((u) => /\/graph\.[0-9a-f]+\.js$/.test(u));
  assert.ok(url, `no graph worker among ${page.workers().map((w) => w.url()).join(', ')}`);
  const browser = await page.evaluate(async ({ url, engines }) => {
    const w = new Worker(url, { type: 'module', name: 'determinism' });
    const replies = new Map();
    let ready;
    const isReady = new Promise((res) => { ready = res; });
    w.onmessage = ({ data: m }) => {
      if (m.type === 'ready') ready();
      else if ((m.type === 'graph' && m.phase === 'done') || m.type === 'error') replies.get(m.id)?.(m);
    };
    await isReady;
    const out = [];
    for (let id = 0; id < engines.length; id++) {
      const m = await new Promise((res) => {
        replies.set(id, res);
        w.postMessage({ type: 'run', id, config: engines[id], search: true });
      });
      out.push(m.type === 'error' ? { error: m.message } : { fingerprint: m.view.fingerprint, aspl: m.view.metrics.aspl });
    }
    w.terminate();
    return out;
  }, { url, engines: configs.map(engineConfig) });

  const cli = await nativeDone;
  for (let i = 0; i < COUNT; i++) {
    const what = `configuration ${i} (seed ${SEED}): ${JSON.stringify(engineConfig(configs[i]))}`;
    assert.deepEqual(browser[i], cli[i], what);
  }
  const refused = cli.filter((x) => x.error).length;
  console.log(`     determinism: ${COUNT}/${COUNT} identical: ${COUNT - refused} graphs (fingerprint and ASPL), ${refused} refused with the same message`);
  assert.ok(refused < COUNT / 4, `${refused} of ${COUNT} configurations refused`);
}, { timeout: 240000 });
