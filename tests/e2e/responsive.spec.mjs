// The main thread never blocks while a search runs: no task of the page's main thread computes
// for more than 50 ms, and input is prompt.
//
// A task is measured by its CPU time (the browser's trace: `tdur` of the main thread's tasks),
// not by the clock: on a busy 2-core machine the system preempts the main thread, and a task of
// 4 ms of work can take 140 ms on the clock (measured while two other processes held the cores).
// The clock's long tasks are printed beside it; what the page itself does is what the test holds.
import assert from 'node:assert/strict';
import { test, waitForState } from './harness.mjs';

const LONG_MS = 50;

/** Traces `page` while `during()` runs; its main thread's tasks as { wallMs, cpuMs }, longest first. */
async function mainThreadTasks(page, during) {
  const browser = page.context().browser();
  await browser.startTracing(page, { categories: ['toplevel'] });
  let trace;
  try {
    await during();
  } finally {
    trace = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  }
  const main = new Set(trace.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return trace
    .filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && main.has(`${e.pid}:${e.tid}`))
    .map((e) => ({ wallMs: e.dur / 1000, cpuMs: (e.tdur ?? e.dur) / 1000 }))
    .sort((a, b) => b.cpuMs - a.cpuMs);
}

/** Fails on a main-thread task that computed longer than LONG_MS; prints the clock's view. */
function assertNoLongTask(tasks, what) {
  assert.ok(tasks.length > 0, `no main-thread task traced ${what}`);
  const long = tasks.filter((t) => t.cpuMs > LONG_MS);
  const byClock = tasks.filter((t) => t.wallMs > LONG_MS).map((t) => `${t.wallMs.toFixed(0)} ms (CPU ${t.cpuMs.toFixed(1)})`);
  console.log(`     ${what}: ${tasks.length} main-thread tasks, longest CPU ${tasks[0].cpuMs.toFixed(1)} ms; over ${LONG_MS} ms on the clock: ${byClock.join(', ') || 'none'}`);
  assert.deepEqual(long, [], `main-thread tasks over ${LONG_MS} ms of CPU ${what}`);
}

for (const [name, hash] of [
  ['64 nodes', 'v=1&nodes=64&degree=4&seed=2&search=anneal&iters=100000000'],
  ['1024 nodes (largest drawing)', 'v=1&nodes=1024&degree=32&init=random&seed=2&search=anneal&iters=100000000'],
]) {
  test(`no long task on the main thread during a long search: ${name}`, async ({ page, baseURL }) => {
    const p = await page({ fresh: true });
    await p.goto(`${baseURL}#${hash}`);
    await waitForState(p, 'searching', 60000);
    // Let start-up settle (the service worker's precache and the training module's background
    // compile), then watch a few seconds of searching.
    await p.waitForLoadState('networkidle');
    let lag;
    let inputMs;
    const tasks = await mainThreadTasks(p, async () => {
      // Meanwhile the page answers: timers fire on time and controls react.
      lag = await p.evaluate(async () => {
        const lags = [];
        for (let i = 0; i < 60; i++) {
          const t = performance.now();
          await new Promise((r) => setTimeout(r, 25));
          lags.push(performance.now() - t - 25);
        }
        // The second worst: one stall is a busy machine's preemption; a page that blocks delays
        // several timers (and its long tasks fail the CPU check).
        return lags.sort((a, b) => b - a)[1];
      });
      // Best of three: a page that blocks is slow every time; a busy machine's preemption (the
      // test's own driver included) stalls one try at most now and then.
      inputMs = Infinity;
      for (const v of ['100000001', '100000002', '100000001']) {
        const t0 = Date.now();
        await p.fill('#f-iters', v);
        inputMs = Math.min(inputMs, Date.now() - t0);
      }
    });
    const state = await p.getAttribute('[data-testid="status"]', 'data-state');
    assert.ok(['searching', 'ready', 'loading'].includes(state), state);
    assertNoLongTask(tasks, 'during the search');
    // The clock, with room for a busy machine's preemption (docs/APP.md).
    assert.ok(lag < 150, `timer lag ${lag.toFixed(1)} ms (second worst of 60)`);
    assert.ok(inputMs < 500, `typing took ${inputMs} ms (best of three)`);
  }, { timeout: 90000 });
}

test('drawing the densest graph never blocks the page', async ({ page, baseURL }) => {
  const p = await page({ fresh: true });
  await p.goto(`${baseURL}#v=1&nodes=1024&degree=1000&search=none`);
  await waitForState(p, 'searching', 60000).catch(() => {});
  await waitForState(p, ['done', 'error'], 60000);
  // Redraw at a new size (the drawing of 512,000 edges runs in slices).
  const tasks = await mainThreadTasks(p, async () => {
    await p.setViewportSize({ width: 1100, height: 900 });
    await p.waitForTimeout(2500);
  });
  assertNoLongTask(tasks, 'while drawing');
}, { timeout: 120000 });
