// Runs the end-to-end suite: serves dist/ (built by scripts/build-web.sh), launches headless
// Chromium and runs every tests/e2e/*.spec.mjs in name order.
//   node tests/e2e/run.mjs [name filter]      (a|b: tests whose name contains a or b)
import { readdirSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, makeFixtures, root, Skip, tests } from './harness.mjs';
import { serve } from './serve.mjs';

const filters = (process.argv[2] ?? '').split('|').filter(Boolean);
const dist = resolve(root, 'dist');
if (!existsSync(resolve(dist, 'index.html'))) {
  console.error('error: dist/ is missing; run scripts/build-web.sh first');
  process.exit(2);
}

const here = resolve(root, 'tests/e2e');
for (const f of readdirSync(here).filter((f) => f.endsWith('.spec.mjs')).sort()) {
  await import(pathToFileURL(resolve(here, f)).href);
}

const server = await serve(dist);
let browser = await launch();
let failed = 0;
let skipped = 0;
let ran = 0;
// A promise a test left behind (a CDP call to a page that crashed under load) fails the test in
// flight, or the run at its end: never the runner itself, which would lose the tests after it.
let failCurrent = null;
let strays = 0;
process.on('unhandledRejection', (e) => {
  console.log(`     (a promise left behind, by this test or one before, rejected: ${String(e?.message ?? e).split('\n')[0]})`);
  if (failCurrent) failCurrent(e);
  else strays++;
});
for (const t of tests) {
  if (filters.length && !filters.some((f) => t.name.includes(f))) continue;
  ran++;
  // A browser that died (crash, out of memory) fails the test it ran; the next test gets a new one.
  if (!browser.isConnected()) {
    console.log('     (the browser had closed; launching a new one)');
    browser = await launch();
  }
  const fx = makeFixtures(browser, server.baseURL);
  const t0 = Date.now();
  let timer;
  try {
    await Promise.race([
      t.fn(fx),
      new Promise((_, reject) => {
        failCurrent = reject;
        timer = setTimeout(() => reject(new Error(`timed out after ${t.timeout} ms`)), t.timeout);
      }),
    ]);
    await fx.close();
    console.log(`ok   ${t.name} (${Date.now() - t0} ms)`);
  } catch (e) {
    if (e instanceof Skip) {
      skipped++;
      await fx.close().catch(() => {});
      console.log(`skip ${t.name}: ${e.message}`);
      continue;
    }
    failed++;
    const report = await fx.report().catch((r) => [`no report: ${r.message}`]);
    await fx.close().catch(() => {});
    console.log(`FAIL ${t.name} (${Date.now() - t0} ms)\n     ${String(e.stack || e).split('\n').join('\n     ')}`);
    for (const line of report) console.log(`     | ${line}`);
  } finally {
    failCurrent = null;
    clearTimeout(timer);
  }
}
await browser.close().catch(() => {});
await server.close();
failed += strays;
console.log(`\n${ran - failed - skipped}/${ran} end-to-end tests passed${skipped ? `, ${skipped} skipped (said above)` : ''}`);
process.exit(failed || ran === 0 ? 1 : 0);
