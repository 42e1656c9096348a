// Try the network: after a fine-tuning run on quick MNIST (start=pretrained, one epoch, CPU), a
// stroke drawn with the mouse gets a prediction from the pruned network and from the dense one it
// was pruned from, live; a real MNIST test digit dropped on the pad is read by the dense network
// as its label; a file that is no image gets one line and changes nothing; axe finds nothing.
// After a run from random weights only the pruned network answers, and a line says why.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { axeViolations, root, test, text, waitForState } from './harness.mjs';
import { png } from './png.mjs';

const LINK = 'v=1&nodes=64&degree=4&search=anneal&iters=20000&start=pretrained&epochs=1&backend=cpu';

/** Test digit `i` of the quick MNIST set: {pixels (28×28 bytes), label}. */
function testDigit(i) {
  const idx = (f, off) => gunzipSync(readFileSync(join(root, 'data/mnist-quick', f))).subarray(off);
  return { pixels: idx('t10k-images-idx3-ubyte.gz', 16).subarray(i * 784, (i + 1) * 784), label: idx('t10k-labels-idx1-ubyte.gz', 8)[i] };
}

const updates = (page, key) => page.evaluate((k) => Number(document.querySelector(`[data-testid="try-${k}"]`).dataset.updates ?? 0), key);

test('try the network: a drawn stroke and a dropped MNIST digit, pruned beside dense', async ({ open }) => {
  const page = await open(LINK);
  assert.equal(await waitForState(page, ['done', 'error'], 120000), 'done');
  await page.waitForSelector('[data-testid="train-start"]', { timeout: 60000 });
  assert.equal(await page.isVisible('[data-testid="try-network"]'), false, 'nothing to try before a run');
  await page.click('[data-testid="train-start"]');
  await page.waitForFunction(() => ['done', 'error', 'stopped'].includes(document.querySelector('[data-testid="training"]').dataset.trainState), null, { timeout: 300000, polling: 200 });
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainState), 'done', await text(page, 'error'));
  await page.waitForSelector('[data-testid="try-network"]:not([hidden])');
  assert.equal(await page.isVisible('[data-testid="try-dense"]'), true, 'a pretrained start keeps its dense network');

  // A stroke with the mouse: both readouts answer while it is drawn.
  const pad = await page.locator('[data-testid="try-canvas"]');
  await pad.scrollIntoViewIfNeeded();
  const b = await pad.boundingBox();
  await page.mouse.move(b.x + b.width * 0.5, b.y + b.height * 0.15);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(b.x + b.width * 0.5, b.y + b.height * (0.15 + 0.06 * i));
  await page.mouse.up();
  await page.waitForSelector('[data-testid="try-pruned"][data-class]', { timeout: 30000 });
  await page.waitForSelector('[data-testid="try-dense"][data-class]', { timeout: 30000 });
  for (const k of ['pruned', 'dense']) {
    const bars = await page.$$eval(`[data-testid="try-${k}"] .try-pct`, (ps) => ps.map((p) => Number(p.textContent.replace('%', ''))));
    assert.equal(bars.length, 10, `${k}: a bar per class`);
    const sum = bars.reduce((a, v) => a + v, 0);
    assert.ok(Math.abs(sum - 100) < 2, `${k}: the bars sum to ${sum}%`);
    assert.match(await text(page, `try-${k}-top`), /^\d \(\d+(\.\d)?%\)$/);
  }
  assert.deepEqual(await axeViolations(page, '[data-testid="try-network"]'), []);

  // A real test digit dropped on the pad: the dense network reads its label.
  const d = testDigit(0);
  const before = await updates(page, 'dense');
  const bytes = [...png(d.pixels, 28)];
  await page.evaluate((data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(data)], 'digit.png', { type: 'image/png' }));
    document.querySelector('[data-testid="try-canvas"]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="try-dense"]').dataset.updates) > n, before, { timeout: 30000 });
  assert.equal(await page.getAttribute('[data-testid="try-dense"]', 'data-class'), String(d.label), `the dense network reads the ${d.label}`);

  // A file that is no image: one line, the readouts stay.
  const shown = await text(page, 'try-dense-top');
  await page.setInputFiles('[data-testid="try-file"]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
  await page.waitForSelector('[data-testid="try-error"]:not([hidden])');
  assert.match(await text(page, 'try-error'), /^notes\.txt: not an image/);
  assert.equal(await text(page, 'try-dense-top'), shown);
  assert.deepEqual(await axeViolations(page, '[data-testid="try-network"]'), []);

  // From random weights: no dense network to compare, one line says why; the pruned one answers.
  await page.selectOption('[data-testid="train-start-from"]', 'scratch');
  await page.click('[data-testid="train-start"]');
  await page.waitForSelector('[data-testid="try-network"][hidden]', { state: 'attached' });
  await page.waitForSelector('[data-testid="try-network"]:not([hidden])', { timeout: 300000 });
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainState), 'done', await text(page, 'error'));
  assert.equal(await page.isVisible('[data-testid="try-dense"]'), false);
  assert.match(await text(page, 'try-note'), /trained from random weights/);
  // The drawing on the pad is asked about again for the new network.
  await page.waitForSelector('[data-testid="try-pruned"][data-class]', { timeout: 30000 });
}, { timeout: 420000 });
