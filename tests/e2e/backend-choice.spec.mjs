// The backend choice ("auto"): training starts on the CPU at once; the CPU/WebGPU comparison runs
// in a background worker once training has begun, its outcome is remembered per adapter in
// localStorage, and a second visit uses it without measuring again. This machine's only WebGPU
// adapter is a software fallback, which "auto" never measures, so the test turns on the hook
// that treats it like a real adapter (backend-choice.js).
import assert from 'node:assert/strict';
import { test, text, waitForState } from './harness.mjs';

// What the panel says about the choice: the backend (section data), the line with its reason and
// calibration, and the background comparison's line.
const choice = (page) => page.evaluate(() => {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  return { backend: q('training').dataset.trainBackend, line: q('train-backend-line').textContent, comparison: q('train-comparison').dataset.state };
});

async function trainOnce(page) {
  assert.equal(await waitForState(page, ['done', 'error'], 120000), 'done');
  await page.waitForSelector('[data-testid="train-start"]:not([disabled])', { timeout: 60000 });
  await page.click('[data-testid="train-start"]');
  await page.waitForFunction(
    () => ['done', 'error'].includes(document.querySelector('[data-testid="training"]').dataset.trainState),
    null,
    { timeout: 120000 },
  );
}

test('backend choice: measured in the background once, remembered, not measured on the second visit', async ({ page, baseURL, skip }) => {
  const p = await page();
  await p.goto(`${baseURL}#v=1&nodes=64&degree=4&search=none&epochs=1`);
  const gpu = await p.evaluate(async () => Boolean(await navigator.gpu?.requestAdapter()));
  if (!gpu) skip('no WebGPU adapter in this browser: nothing to compare (train.spec covers that path)');
  await p.evaluate(() => localStorage.setItem('rgp.backend.measure-fallback', '1'));
  await p.reload();
  await trainOnce(p);
  let info = await choice(p);
  assert.equal(info.backend, 'cpu', 'the first run starts on the CPU');
  assert.match(info.line, /measured in the background/);
  // The comparison finishes in the background (SwiftShader compiles its kernels first).
  const key = await p.waitForFunction(() => Object.keys(localStorage).find((k) => k.startsWith('rgp.backend:')), null, { timeout: 120000 });
  const record = await p.evaluate((k) => JSON.parse(localStorage.getItem(k)), await key.jsonValue());
  assert.ok(record.cpu_ms_per_step > 0 && record.wgpu_ms_per_step > 0, JSON.stringify(record));
  assert.equal(record.backend, record.wgpu_ms_per_step < record.cpu_ms_per_step ? 'wgpu' : 'cpu');
  await p.waitForFunction(() => /Measured in the background/.test(document.querySelector('[data-testid="train-notice"]').textContent));
  assert.equal((await choice(p)).comparison, 'done', 'the comparison ran once');

  // Second visit, same browser profile: the remembered choice, no comparison.
  await p.reload();
  await trainOnce(p);
  info = await choice(p);
  assert.equal(info.backend, record.backend);
  assert.equal(info.comparison, 'none', 'no comparison on the second visit');
  assert.match(info.line, /remembered/);
  assert.ok(info.line.includes(`CPU ${record.cpu_ms_per_step.toFixed(1)} ms/step`), `the remembered figures, not a new measurement: ${info.line}`);
  assert.doesNotMatch(await text(p, 'train-notice'), /Measured in the background/);
}, { timeout: 300000 });
