// Loading, searching with live progress, stopping, and links that reproduce the graph.
import assert from 'node:assert/strict';
import { clickAndTime } from '../../bench/soak.mjs';
import { test, text, waitForState } from './harness.mjs';

const LONG = 'v=1&nodes=128&degree=8&init=ring&seed=3&search=anneal&iters=50000000';

test('loads with no console errors and shows a graph with its fingerprint', async ({ open }) => {
  const page = await open('');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  assert.match(await text(page, 'fingerprint'), /^[0-9a-f]{16}$/);
  assert.match(await text(page, 'aspl'), /^\d+\.\d{4}$/);
  assert.match(await text(page, 'diameter'), /^\d+$/);
  assert.equal(await page.isHidden('[data-testid="error"]'), true);
  // The default configuration is written into the address bar.
  assert.match(new URL(page.url()).hash, /^#v=1&nodes=64&degree=4&/);
});

// Stop latency as the page sees it: click → status "stopped", timed in the page, so the test's own
// round trips to the browser (which grow when the machine is loaded) are not counted.
const clickStop = (page) => clickAndTime(page, '[data-testid="stop"]', '[data-testid="status"]', 'data-state', 'stopped');

test('a search shows live progress, and Stop stops it at once', async ({ open }) => {
  const page = await open(LONG);
  assert.equal(await waitForState(page, 'searching'), 'searching');
  const iters = async () => Number((await text(page, 'iterations')).replace(/,/g, ''));
  await page.waitForFunction(() => document.querySelector('[data-testid="iterations"]').textContent !== '—');
  const a = await iters();
  await page.waitForTimeout(400);
  const b = await iters();
  assert.ok(b > a, `iterations did not advance (${a} → ${b})`);
  assert.match(await text(page, 'evals-per-sec'), /^[\d,]+$/);
  // The chart received points (uPlot loads after the first graph is shown).
  await page.waitForFunction(() => document.querySelectorAll('#chart canvas').length > 0, null, { timeout: 5000 });

  const stopMs = await clickStop(page);
  assert.ok(stopMs < 500, `Stop took ${stopMs} ms`);
  const stoppedAt = await iters();
  await page.waitForTimeout(300);
  assert.equal(await iters(), stoppedAt, 'iterations changed after Stop');
  const hash = new URL(page.url()).hash;
  assert.ok(hash.includes(`&stop_after=${stoppedAt}`), `link lacks stop_after=${stoppedAt}: ${hash}`);
  const fp = await text(page, 'fingerprint');

  // The link of a stopped search reproduces the stopped graph.
  const again = await open(hash.slice(1));
  assert.equal(await waitForState(again, ['done', 'error'], 60000), 'done');
  assert.equal(await text(again, 'fingerprint'), fp);
  assert.equal(Number((await text(again, 'iterations')).replace(/,/g, '')), stoppedAt);
}, { timeout: 120000 });

test('a copied link opened in a new page shows the same fingerprint', async ({ page, open }) => {
  const a = await open('v=1&nodes=96&degree=6&init=random&seed=12345&search=anneal&iters=30000', {
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  assert.equal(await waitForState(a, 'done'), 'done');
  // Change a control: the link follows the form.
  await a.fill('#f-seed', '4242');
  await a.waitForFunction(() => location.hash.includes('seed=4242'));
  // The edit shows its start graph 150 ms after the typing stops, and Run is disabled while that
  // loads: wait for it, or a click at that moment lands on a disabled button.
  await waitForState(a, 'ready');
  await a.click('[data-testid="run"]');
  assert.equal(await waitForState(a, 'done'), 'done');
  await a.click('[data-testid="copy-link"]');
  const link = await a.evaluate(() => navigator.clipboard.readText());
  assert.ok(link.includes('seed=4242'), link);
  const fp = await text(a, 'fingerprint');

  const b = await page();
  await b.goto(link);
  assert.equal(await waitForState(b, ['done', 'error']), 'done');
  assert.equal(await text(b, 'fingerprint'), fp);
});

test('Stop works between chunks even for the largest graphs', async ({ open }) => {
  const page = await open('v=1&nodes=1024&degree=16&init=random&seed=5&search=anneal&iters=1000000');
  await waitForState(page, 'searching');
  await page.waitForTimeout(600);
  const stopMs = await clickStop(page);
  assert.ok(stopMs < 600, `Stop took ${stopMs} ms`);
}, { timeout: 90000 });
