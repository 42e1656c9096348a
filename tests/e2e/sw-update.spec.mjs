// A new build reaches an open tab: the service worker (www/sw.js) installs it beside the one in
// use after checking every file against the build's SHA-256 list, and the page offers "a new
// version is ready — reload" (www/sw-client.js). A build whose files do not match its list (a
// deploy under way) never installs: the tab keeps the build it runs.
// Here the app is served from a copy of dist/ whose sw.js is rewritten, as a deploy would.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { root, test, waitForState } from './harness.mjs';
import { serve } from './serve.mjs';

/** Writes a new sw.js into the served copy (a new file: the copy's files are hard links). */
function deploy(dir, text) {
  for (const f of ['sw.js', 'sw.js.br', 'sw.js.gz']) rmSync(join(dir, f), { force: true });
  writeFileSync(join(dir, 'sw.js'), text);
}

/** Asks the browser to look for a new service worker; resolves with the new one's end state. */
const update = (page) =>
  page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    await reg.update().catch(() => {});
    const w = reg.installing;
    if (!w) return reg.waiting ? 'installed' : 'none';
    return new Promise((ok) => {
      const done = () => ['installed', 'redundant', 'activated'].includes(w.state) && ok(w.state);
      w.addEventListener('statechange', done);
      done();
    });
  });

test('a new build is offered to an open tab ("a new version is ready"); a build whose files do not match its list never installs', async ({ page: newPage }) => {
  const tmp = mkdtempSync(join(tmpdir(), 'rgp-sw-'));
  const site = join(tmp, 'site');
  execFileSync('cp', ['-al', resolve(root, 'dist'), site]);
  const server = await serve(site);
  try {
    const original = readFileSync(join(site, 'sw.js'), 'utf8');
    const build = original.match(/const BUILD = '([0-9a-f]+)'/)[1];
    const page = await newPage();
    await page.goto(`${server.baseURL}#v=1&nodes=16&degree=4&search=none`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload(); // now controlled by the first build
    await waitForState(page, ['ready', 'done']);
    assert.ok(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)));
    assert.equal(await page.isVisible('[data-testid="update-note"]'), false);

    // A deploy caught half-way: the list names a file whose bytes differ (as a truncated one would).
    const bad = original.replace(`const BUILD = '${build}'`, "const BUILD = 'badbadbadbadbad0'").replace(/("app\.js",")[0-9a-f]{64}/, `$1${'0'.repeat(64)}`);
    assert.notEqual(bad, original);
    deploy(site, bad);
    assert.equal(await update(page), 'redundant', 'the mismatched build is refused');
    assert.deepEqual(await page.evaluate(() => caches.keys()), [`rgp-${build}`], 'no half-made cache stays');
    assert.equal(await page.isVisible('[data-testid="update-note"]'), false);

    // The complete build: installed beside the one in use, and offered.
    deploy(site, original.replace(`const BUILD = '${build}'`, "const BUILD = 'feedfacefeedface'"));
    assert.equal(await update(page), 'installed');
    await page.waitForSelector('[data-testid="update-note"]', { state: 'visible' });
    await page.evaluate(() => {
      window.beforeReload = true;
    });
    await Promise.all([page.waitForEvent('load'), page.click('[data-testid="update-reload"]')]);
    assert.equal(await page.evaluate(() => window.beforeReload), undefined, 'the page reloaded');
    await waitForState(page, ['ready', 'done']);
    // The old build's cache goes when the new one activates (polled: caches.keys() is async).
    const want = '["rgp-feedfacefeedface"]';
    let keys = '';
    for (let i = 0; i < 600 && keys !== want; i++) {
      if (i) await new Promise((r) => setTimeout(r, 50));
      keys = JSON.stringify(await page.evaluate(() => caches.keys()));
    }
    assert.equal(keys, want, 'only the new build\'s cache is left');
    assert.equal(await page.isVisible('[data-testid="update-note"]'), false);
  } finally {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}, { timeout: 180000 });
