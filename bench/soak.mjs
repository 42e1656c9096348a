// Soak: back-to-back searches in the graph worker and trainings in a row in the training worker,
// in headless Chromium against dist/. Measures, with no hook in the app:
//   - each worker's memory: CDP Runtime.getHeapUsage (JS heap + ArrayBuffer backing stores, the
//     wasm memory among them) after a forced GC, through a Target auto-attach session;
//   - stray workers: the worker targets alive after each Stop (CDP Target attach/detach events);
//   - Stop latency: click → status "stopped", timed in the page; for training, against the
//     worker's own chunk times (its progress messages, read by a listener this script adds).
//   node bench/soak.mjs [GRAPH_MINUTES=30] [TRAININGS=20]   (needs dist/: scripts/build-web.sh)
// Prints a JSON summary and writes it to bench/results/soak.json. The end-to-end suite runs a
// short version of the same functions (tests/e2e/soak.spec.mjs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Worker targets of a page through CDP (non-flat sessions: Target.sendMessageToTarget). */
export async function watchWorkers(page) {
  const cdp = await page.context().newCDPSession(page);
  const live = new Map(); // sessionId → { url, kind }
  const pending = new Map();
  let nextId = 1;
  // Worker chunks are named after the Worker's name option: graph.HASH.js, render.HASH.js.
  const kindOf = (url) => (/\/graph\.[0-9a-f]+\.js$/.test(url) ? 'graph' : /\/render\.[0-9a-f]+\.js$/.test(url) ? 'render' : 'training');
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') live.set(e.sessionId, { url: e.targetInfo.url, kind: kindOf(e.targetInfo.url) });
  });
  cdp.on('Target.detachedFromTarget', (e) => live.delete(e.sessionId));
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    const done = pending.get(m.id);
    if (done) {
      pending.delete(m.id);
      done(m);
    }
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const send = (sessionId, method, params = {}) =>
    new Promise((res, rej) => {
      const id = nextId++;
      pending.set(id, (m) => (m.error ? rej(new Error(m.error.message)) : res(m.result)));
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(rej);
    });
  return {
    /** Live workers by kind: { graph: n, render: n, training: n }. */
    counts() {
      const c = { graph: 0, render: 0, training: 0 };
      for (const w of live.values()) c[w.kind]++;
      return c;
    },
    /** Bytes held by the workers of one kind after a GC: JS heap used + ArrayBuffers (wasm memory). */
    async memory(kind) {
      let bytes = 0;
      for (const [sid, w] of live) {
        if (w.kind !== kind) continue;
        await send(sid, 'HeapProfiler.collectGarbage').catch(() => {});
        const h = await send(sid, 'Runtime.getHeapUsage');
        bytes += h.usedSize + (h.backingStorageSize ?? 0);
      }
      return bytes;
    },
    close: () => cdp.detach().catch(() => {}),
  };
}

/** Added to the page before the app loads: keeps the training worker's chunk times. */
export function recordChunks() {
  const Base = window.Worker;
  window.__soak = { chunkMs: [] };
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const m = e.data;
        if (m && m.type === 'progress' && typeof m.chunk_ms === 'number') window.__soak.chunkMs.push(m.chunk_ms);
      });
    }
  };
}

/** Clicks `button` and resolves with the ms until `attr` of `target` says `value`. */
/** Click `button` and time, in the page, until `target`'s `attr` reads `value` (no test-side round trips). */
export function clickAndTime(page, button, target, attr, value) {
  return page.evaluate(
    ({ button, target, attr, value }) =>
      new Promise((resolve) => {
        const el = document.querySelector(target);
        const t0 = performance.now();
        const check = () => {
          if (el.getAttribute(attr) === value) {
            obs.disconnect();
            resolve(performance.now() - t0);
          }
        };
        const obs = new MutationObserver(check);
        obs.observe(el, { attributes: true, attributeFilter: [attr] });
        document.querySelector(button).click();
        check();
      }),
    { button, target, attr, value },
  );
}

const status = (page) => page.getAttribute('[data-testid="status"]', 'data-state');
async function waitFor(page, fn, what, ms = 120000) {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > ms) {
      const now = await page.textContent('[data-testid="status"]').catch(() => '?');
      throw new Error(`soak: timed out waiting for ${what} (status: ${now})`);
    }
    await page.waitForTimeout(20);
  }
}

/**
 * Searches back to back for `ms`: new seed, Search, a random 50–400 ms of work, Stop. After each
 * Stop: the graph worker's memory and the live worker counts.
 */
export async function graphSoak(page, watch, { ms, log = () => {} }) {
  const out = { cycles: 0, stopMs: [], memory: [], wasm: [], workers: [] };
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    await page.click('[data-testid="new-seed"]');
    await page.click('[data-testid="run"]');
    await waitFor(page, async () => (await status(page)) === 'searching', 'a search to start');
    await page.waitForTimeout(50 + Math.floor(Math.random() * 350));
    out.stopMs.push(await clickAndTime(page, '[data-testid="stop"]', '[data-testid="status"]', 'data-state', 'stopped'));
    out.memory.push(await watch.memory('graph'));
    out.wasm.push(Number(await page.getAttribute('[data-testid="status"]', 'data-wasm-memory')));
    out.workers.push(watch.counts());
    out.cycles++;
    if (out.cycles % 50 === 0) log(`graph soak: ${out.cycles} searches, ${Math.round((Date.now() - t0) / 1000)} s, ${mb(out.memory.at(-1))} MB`);
  }
  return out;
}

const trainState = (page) => page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainState);

async function setTraining(page, key, value) {
  const sel = `[data-testid="train-${key}"]`;
  if ((await page.getAttribute(sel, 'type')) === 'number') await page.fill(sel, String(value));
  else await page.selectOption(sel, String(value));
  await page.dispatchEvent(sel, 'change');
}

/**
 * `runs` trainings in a row (CPU backend, 1 epoch of the quick MNIST subset), then one long run
 * stopped mid-epoch. After each: the training workers' memory and the live worker counts.
 */
export async function trainingSoak(page, watch, { runs, log = () => {} }) {
  const out = { runs: 0, seconds: [], memory: [], wasm: [], workers: [], stopMs: null, chunkMs: null };
  await page.waitForSelector('[data-testid="train-start"]', { timeout: 120000 });
  await setTraining(page, 'backend', 'cpu');
  await setTraining(page, 'epochs', 1);
  for (let i = 0; i < runs; i++) {
    const t0 = Date.now();
    await page.click('[data-testid="train-start"]');
    await waitFor(page, async () => ['done', 'error'].includes(await trainState(page)), 'a training to end', 600000);
    if ((await trainState(page)) !== 'done') throw new Error(`training ${i + 1} failed`);
    out.seconds.push((Date.now() - t0) / 1000);
    out.memory.push(await watch.memory('training'));
    out.wasm.push(await wasmMemory(page));
    out.workers.push(watch.counts());
    out.runs++;
    log(`training soak: run ${i + 1}/${runs} in ${out.seconds.at(-1).toFixed(1)} s, JS ${mb(out.memory.at(-1))} MB, wasm ${mb(out.wasm.at(-1))} MB`);
  }
  // Stop mid-run: latency against the chunks the worker was running.
  await setTraining(page, 'epochs', 30);
  await page.evaluate(() => {
    window.__soak.chunkMs.length = 0;
  });
  await page.click('[data-testid="train-start"]');
  await waitFor(page, () => page.evaluate(() => window.__soak.chunkMs.length >= 5), 'five training chunks');
  out.stopMs = await clickAndTime(page, '[data-testid="train-stop"]', '[data-testid="training"]', 'data-train-state', 'stopped');
  out.chunkMs = await page.evaluate(() => Math.max(...window.__soak.chunkMs));
  await page.waitForTimeout(500);
  out.workersAfterStop = watch.counts();
  return out;
}

export const mb = (b) => (b / 2 ** 20).toFixed(1);

/** The training module's linear memory after a run, in bytes, as the run's summary states it. */
export async function wasmMemory(page) {
  const t = await page.textContent('[data-testid="train-summary"]');
  const m = /training module memory ([\d.]+) MB/.exec(t);
  if (!m) throw new Error(`soak: no module memory in the summary: ${t}`);
  return Number(m[1]) * 2 ** 20;
}

/**
 * Growth of a memory series after warm-up: the median of the last third over the median of the
 * third after the first fifth (the warm-up). 1.0 is flat.
 */
export function growth(series) {
  const s = series.slice(Math.floor(series.length / 5));
  const third = Math.max(1, Math.floor(s.length / 3));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return median(s.slice(-third)) / median(s.slice(0, third));
}

export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** The figures the README reports. */
export function summarise(g, t) {
  const sameCounts = (list) => list.every((c) => JSON.stringify(c) === JSON.stringify(list[0]));
  return {
    graph: g && {
      searches: g.cycles,
      memory_mb: { first: mb(g.memory[0]), max: mb(Math.max(...g.memory)), last: mb(g.memory.at(-1)) },
      growth_after_warmup: Number(growth(g.memory).toFixed(3)),
      // The graph module's linear memory (it never shrinks): after the first search, flat.
      wasm_memory_mb: { first: mb(g.wasm[0]), last: mb(g.wasm.at(-1)) },
      wasm_growth_after_first: Number((Math.max(...g.wasm) / g.wasm[0]).toFixed(3)),
      stop_ms: { median: quantile(g.stopMs, 0.5), p95: quantile(g.stopMs, 0.95), max: Math.max(...g.stopMs) },
      workers_after_stop: g.workers.at(-1),
      worker_count_constant: sameCounts(g.workers),
    },
    training: t && {
      runs: t.runs,
      seconds_per_run: quantile(t.seconds, 0.5),
      memory_mb: { first: mb(t.memory[0]), max: mb(Math.max(...t.memory)), last: mb(t.memory.at(-1)) },
      growth_after_warmup: t.memory.length >= 3 ? Number(growth(t.memory).toFixed(3)) : null,
      // The module's linear memory never shrinks, so a leak shows as a rise run after run. The
      // second run settles it (the first run's freed blocks do not fit the second's layout);
      // growth is measured from there.
      wasm_memory_mb: { first: mb(t.wasm[0]), second: mb(t.wasm[1] ?? NaN), last: mb(t.wasm.at(-1)) },
      wasm_growth_after_second_run: t.wasm.length >= 2 ? Number((Math.max(...t.wasm.slice(1)) / t.wasm[1]).toFixed(3)) : null,
      // Runs after the first whose memory is larger than the run before: a leak grows the memory
      // run after run (page by page), the allocator's high-water mark once.
      wasm_growth_steps: t.wasm.slice(2).filter((v, i) => v > t.wasm[i + 1]).length,
      stop_ms: t.stopMs,
      longest_chunk_ms: t.chunkMs,
      workers_after_runs: t.workers.at(-1),
      worker_count_constant: sameCounts(t.workers),
      workers_after_stop: t.workersAfterStop,
    },
  };
}

async function main() {
  const graphMinutes = Number(process.argv[2] ?? 30);
  const trainings = Number(process.argv[3] ?? 20);
  const { launch, root } = await import('../tests/e2e/harness.mjs');
  const { serve } = await import('../tests/e2e/serve.mjs');
  const server = await serve(resolve(root, 'dist'));
  const browser = await launch();
  const log = (s) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
  try {
    const context = await browser.newContext();
    await context.addInitScript(recordChunks);
    const page = await context.newPage();
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    const watch = await watchWorkers(page);
    await page.goto(`${server.baseURL}#v=1&nodes=256&degree=8&search=anneal&iters=1000000000`);
    await waitFor(page, async () => ['searching', 'done'].includes(await status(page)), 'the app');
    const g = await graphSoak(page, watch, { ms: graphMinutes * 60000, log });
    const t = trainings > 0 ? await trainingSoak(page, watch, { runs: trainings, log }) : null;
    const summary = { date: new Date().toISOString(), graph_minutes: graphMinutes, ...summarise(g, t) };
    console.log(JSON.stringify(summary, null, 2));
    mkdirSync(resolve(root, 'bench/results'), { recursive: true });
    writeFileSync(resolve(root, 'bench/results/soak.json'), `${JSON.stringify({ summary, graph: g, training: t }, null, 1)}\n`);
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
