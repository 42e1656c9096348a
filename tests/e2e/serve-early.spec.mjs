// The first page before the WebGPU module: scripts/serve.sh serves a build made with
// RGP_WEBGPU_MODULE=building while it builds the WebGPU module, then swaps the complete build in.
// Here: that first build (front end only, from the modules in pkg/) served from a folder that is
// then pointed at the complete build (dist/), as serve.sh's rename does.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { root, test, text } from './harness.mjs';
import { serve } from './serve.mjs';

const LINK = '#v=1&nodes=16&degree=4&search=none&model=mlp&dataset=mnist&data=quick&epochs=1&start=scratch&backend=webgpu';

/** The training panel's backend line once the module is loaded (hovering the panel loads it). */
async function backendLine(page) {
  await page.waitForSelector('[data-testid="train-start"]', { timeout: 60000 });
  await page.hover('[data-testid="training"]');
  await page.waitForFunction(() => /^Backend:/.test(document.querySelector('[data-testid="train-backend-line"]').textContent), null, { timeout: 120000 });
  return text(page, 'train-backend-line');
}

test('a page served before the WebGPU module exists trains on the CPU and says so; a reload after the swap offers WebGPU', async ({ page: newPage }) => {
  const tmp = mkdtempSync(join(tmpdir(), 'rgp-early-'));
  const first = join(tmp, 'first');
  execFileSync('scripts/build-web.sh', {
    cwd: root,
    env: { ...process.env, RGP_FRONT_END_ONLY: '1', RGP_WEBGPU_MODULE: 'building', RGP_DIST: first },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const site = join(tmp, 'site');
  symlinkSync(first, site);
  const server = await serve(site);
  try {
    const page = await newPage();
    await page.goto(`${server.baseURL}${LINK}`);
    // WebGPU is chosen in the link, but its module is not there yet: the CPU trains, and the page says why.
    assert.match(await backendLine(page), /Backend: CPU \(the WebGPU module is still being built\)/);
    assert.match(await text(page, 'train-notice'), /still being built on the server.*Reload the page once it is ready/);
    await page.click('[data-testid="train-start"]');
    await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('[data-testid="training"]').dataset.trainState), null, { timeout: 120000 });
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainState), 'done', await text(page, 'error'));
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainBackend), 'cpu');
    // No service worker: the reload must reach the complete build, not a cache of this one.
    assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length), 0);

    // The complete build takes the folder's place; a reload offers WebGPU (a software adapter here).
    unlinkSync(site);
    symlinkSync(resolve(root, 'dist'), site);
    await page.reload();
    assert.match(await backendLine(page), /Backend: WebGPU \(chosen in the settings\)/);
    assert.doesNotMatch(await text(page, 'train-notice'), /still being built/);
  } finally {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}, { timeout: 300000 });
