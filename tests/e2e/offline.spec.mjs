// Offline second visit: after a first visit the service worker (www/sw.js) holds the page, both
// wasm modules the CPU path needs and the quick data sets, so with the network off the app loads,
// searches and trains. One cache, named after this build.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { root, test, text, waitForState } from './harness.mjs';

test('offline: a second visit with the network off loads, searches and trains', async ({ page, baseURL }) => {
  const p = await page();
  await p.goto(`${baseURL}#v=1&nodes=64&degree=4&search=anneal&iters=20000&seed=7`);
  assert.equal(await waitForState(p, ['done', 'error'], 120000), 'done');
  const fingerprint = await text(p, 'fingerprint');
  // The service worker is active once everything on its list is cached.
  await p.evaluate(() => navigator.serviceWorker.ready);
  const build = readFileSync(resolve(root, 'dist/sw.js'), 'utf8').match(/const BUILD = '([0-9a-f]+)'/)[1];
  assert.deepEqual(await p.evaluate(() => caches.keys()), [`rgp-${build}`]);

  await p.context().setOffline(true);
  await p.reload();
  assert.equal(await waitForState(p, ['done', 'error'], 120000), 'done');
  assert.equal(await text(p, 'fingerprint'), fingerprint, 'the same search result offline');
  assert.ok(await p.evaluate(() => Boolean(navigator.serviceWorker.controller)));
  // A browser detail: the page really is offline (the reload above was served by the service
  // worker) only if navigator.onLine follows setOffline, which Chromium 156 does and 148 did not;
  // scripts/setup.sh --test installs 156 or later (MIN_CHROMIUM).
  assert.equal(await p.evaluate(() => navigator.onLine), false);

  await p.waitForSelector('[data-testid="train-start"]:not([disabled])', { timeout: 60000 });
  await p.selectOption('[data-testid="train-backend"]', 'cpu');
  await p.dispatchEvent('[data-testid="train-backend"]', 'change');
  await p.fill('[data-testid="train-epochs"]', '1');
  await p.dispatchEvent('[data-testid="train-epochs"]', 'change');
  await p.click('[data-testid="train-start"]');
  await p.waitForFunction(
    () => ['done', 'error'].includes(document.querySelector('[data-testid="training"]').dataset.trainState),
    null,
    { timeout: 120000 },
  );
  assert.equal(await p.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainState), 'done', await text(p, 'error'));
  const acc = Number((await text(p, 'train-test')).replace('%', ''));
  assert.ok(acc > 50, `trained offline: test accuracy ${acc}%`);
}, { timeout: 240000 });
