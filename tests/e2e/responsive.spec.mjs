// The main thread never blocks while a search runs: no long task (> 50 ms) and prompt input.
import assert from 'node:assert/strict';
import { test, waitForState } from './harness.mjs';

const observeLongTasks = () => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
};

for (const [name, hash] of [
  ['64 nodes', 'v=1&nodes=64&degree=4&seed=2&search=anneal&iters=100000000'],
  ['1024 nodes (largest drawing)', 'v=1&nodes=1024&degree=32&init=random&seed=2&search=anneal&iters=100000000'],
]) {
  test(`no long task on the main thread during a long search: ${name}`, async ({ page, baseURL }) => {
    const p = await page({ fresh: true });
    await p.addInitScript(observeLongTasks);
    await p.goto(`${baseURL}#${hash}`);
    await waitForState(p, 'searching', 60000);
    // Let start-up settle (the service worker's precache and the training module's background
    // compile, which on a 2-core machine compete with the search worker for the cores), then
    // watch a few seconds of searching.
    await p.waitForLoadState('networkidle');
    await p.waitForTimeout(2500);
    const from = await p.evaluate(() => performance.now());
    // Meanwhile the page answers: timers fire on time and controls react.
    const lag = await p.evaluate(async () => {
      let worst = 0;
      for (let i = 0; i < 60; i++) {
        const t = performance.now();
        await new Promise((r) => setTimeout(r, 25));
        worst = Math.max(worst, performance.now() - t - 25);
      }
      return worst;
    });
    const t0 = Date.now();
    await p.fill('#f-iters', '100000001');
    const inputMs = Date.now() - t0;
    const state = await p.getAttribute('[data-testid="status"]', 'data-state');
    const to = await p.evaluate(() => performance.now());
    const long = await p.evaluate(([a, b]) => window.__longTasks.filter((t) => t.start >= a && t.start <= b), [from, to]);
    assert.ok(['searching', 'ready', 'loading'].includes(state), state);
    // On 2 cores the search worker and the browser's own threads preempt the main thread now and
    // then: one task may run past 50 ms, none past 100 ms (docs/APP.md).
    assert.ok(long.length <= 1 && long.every((t) => t.duration < 100), `long tasks during the search: ${JSON.stringify(long)}`);
    assert.ok(lag < 100, `timer lag ${lag.toFixed(1)} ms`);
    assert.ok(inputMs < 500, `typing took ${inputMs} ms`);
  }, { timeout: 90000 });
}

test('drawing the densest graph never blocks the page', async ({ page, baseURL }) => {
  const p = await page({ fresh: true });
  await p.addInitScript(observeLongTasks);
  await p.goto(`${baseURL}#v=1&nodes=1024&degree=1000&search=none`);
  await waitForState(p, 'searching', 60000).catch(() => {});
  await waitForState(p, ['done', 'error'], 60000);
  const from = await p.evaluate(() => performance.now());
  // Redraw at a new size (the drawing of 512,000 edges runs in slices).
  await p.setViewportSize({ width: 1100, height: 900 });
  await p.waitForTimeout(2500);
  const long = await p.evaluate((a) => window.__longTasks.filter((t) => t.start >= a), from);
  assert.ok(long.length <= 1 && long.every((t) => t.duration < 100), `long tasks while drawing: ${JSON.stringify(long)}`);
}, { timeout: 120000 });
