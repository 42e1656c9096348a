// Training in the browser, end to end: the training panel trains the masked MLP on the quick
// MNIST subset in the training worker, on WebGPU (SwiftShader in headless Chromium) and on the
// CPU fallback with WebGPU disabled; the loss falls, a test accuracy and a confusion matrix
// appear, the page stays responsive, Stop stops, and a lost GPU device falls back to the CPU.
import assert from 'node:assert/strict';
import { holdGpuDevices, launch, test, text, waitForState } from './harness.mjs';

const T = 300000;

async function ready(page) {
  assert.equal(await waitForState(page, ['done', 'error'], 120000), 'done');
  await page.waitForSelector('[data-testid="train-start"]', { timeout: 60000 });
}

async function set(page, key, value) {
  const sel = `[data-testid="train-${key}"]`;
  if (typeof value === 'boolean') await page.setChecked(sel, value);
  else if ((await page.getAttribute(sel, 'type')) === 'number') await page.fill(sel, String(value));
  else await page.selectOption(sel, String(value));
  await page.dispatchEvent(sel, 'change');
}

const trainState = (page) => page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainState);

/** Clicks Train and samples the live loss until the run ends; returns the losses seen. */
async function trainAndWatch(page, { timeout = T, onFirst, stopAfter = Infinity } = {}) {
  await page.click('[data-testid="train-start"]');
  const losses = [];
  const t0 = Date.now();
  let first = true;
  for (;;) {
    const state = await trainState(page);
    const l = Number(await text(page, 'train-loss'));
    if (Number.isFinite(l) && l !== losses[losses.length - 1]) {
      losses.push(l);
      if (first && onFirst) {
        first = false;
        await onFirst();
      }
      if (losses.length === stopAfter) await page.click('[data-testid="train-stop"]');
    }
    if (['done', 'stopped', 'error'].includes(state)) return { state, losses };
    if (Date.now() - t0 > timeout) throw new Error(`training did not finish (state ${state}, losses ${losses})`);
    await page.waitForTimeout(150);
  }
}

/** Largest gap between main-thread timer ticks over `ms` (the worker must keep the page free). */
function measureJank(page, ms) {
  return page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        let last = performance.now();
        let worst = 0;
        const end = last + ms;
        const tick = () => {
          const now = performance.now();
          worst = Math.max(worst, now - last);
          last = now;
          if (now < end) setTimeout(tick, 10);
          else resolve(worst);
        };
        setTimeout(tick, 10);
      }),
    ms,
  );
}

async function checkResults(page, minAccuracy) {
  const acc = Number((await text(page, 'train-test')).replace('%', '')) / 100;
  assert.ok(acc >= minAccuracy, `test accuracy ${acc}`);
  const cells = await page.$$eval('[data-testid="train-confusion"] td', (tds) => tds.map((td) => Number(td.textContent)));
  assert.equal(cells.length, 100);
  assert.equal(cells.reduce((a, b) => a + b, 0), 1000, 'the confusion matrix covers the 1000 test images');
  assert.equal(await page.$$eval('[data-testid="train-per-class"] tr', (r) => r.length), 11);
  assert.match(await text(page, 'train-summary'), /largest \|w\| 0;/);
  return acc;
}

test('trains on WebGPU (software adapter): the loss falls, a test accuracy shows, the page stays responsive', async ({ open }) => {
  const page = await open('');
  await ready(page);
  await set(page, 'start-from', 'scratch'); // these tests train from random weights
  await set(page, 'backend', 'webgpu');
  await set(page, 'epochs', 1);
  let jank = null;
  // The software adapter takes seconds per step on 2 cores: 16 loss readings, then Stop (the
  // partial network is evaluated like a finished one).
  const { state, losses } = await trainAndWatch(page, {
    onFirst: async () => {
      jank = await measureJank(page, 1500);
    },
    stopAfter: 16,
  });
  assert.equal(state, 'stopped', await text(page, 'error'));
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainBackend), 'wgpu');
  assert.match(await text(page, 'train-backend-line'), /Backend: WebGPU/);
  assert.ok(losses.length >= 3 && losses[losses.length - 1] < losses[0] * 0.6, `loss did not fall: ${losses}`);
  await checkResults(page, 0.6);
  assert.ok(jank !== null && jank < 250, `main thread blocked for ${jank} ms while training`);
}, { timeout: T + 60000 });

test('"auto" never calibrates a software (fallback) adapter: the CPU trains at once, and says why', async ({ open }) => {
  const page = await open('');
  await ready(page);
  await set(page, 'start-from', 'scratch'); // these tests train from random weights
  await set(page, 'epochs', 1);
  const { state } = await trainAndWatch(page);
  assert.equal(state, 'done');
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainBackend), 'cpu');
  if (/software fallback/.test(await text(page, 'train-backend-line'))) {
    assert.match(await text(page, 'train-notice'), /software \(fallback\) adapter/);
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid="train-comparison"]').dataset.state), 'none');
  }
  assert.doesNotMatch(await text(page, 'train-backend-line'), /calibration/);
  await checkResults(page, 0.8);
}, { timeout: T });

test('Stop ends a run within a chunk and keeps the partial result', async ({ open }) => {
  const page = await open('');
  await ready(page);
  await set(page, 'start-from', 'scratch'); // these tests train from random weights
  await set(page, 'backend', 'cpu');
  await set(page, 'epochs', 30);
  let stoppedAt = 0;
  const { state } = await trainAndWatch(page, {
    onFirst: async () => {
      await page.waitForTimeout(500);
      stoppedAt = Date.now();
      await page.click('[data-testid="train-stop"]');
    },
  });
  assert.equal(state, 'stopped');
  assert.ok(Date.now() - stoppedAt < 15000, 'Stop took too long');
  assert.ok(Number((await text(page, 'train-epoch')).split(' / ')[0]) < 30);
}, { timeout: T });

test('a lost GPU device falls back to the CPU with a visible notice', async ({ open }) => {
  const page = await open('');
  const gpu = await holdGpuDevices(page);
  await ready(page);
  await set(page, 'start-from', 'scratch'); // these tests train from random weights
  await set(page, 'backend', 'webgpu');
  await set(page, 'epochs', 1);
  const { state } = await trainAndWatch(page, {
    onFirst: () => gpu.loseDevices(),
  });
  assert.equal(state, 'done', await text(page, 'error'));
  assert.match(await text(page, 'train-notice'), /restarting on the CPU backend/);
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainBackend), 'cpu');
  await checkResults(page, 0.8);
}, { timeout: T });

test('with WebGPU disabled the CPU fallback trains, with a visible notice', async ({ baseURL }) => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(baseURL);
    await ready(page);
    await set(page, 'start-from', 'scratch'); // these tests train from random weights
    await set(page, 'epochs', 1);
    const { state, losses } = await trainAndWatch(page);
    assert.equal(state, 'done', await text(page, 'error'));
    assert.match(await text(page, 'train-notice'), /WebGPU is not available/);
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainBackend), 'cpu');
    // Against an untrained network's loss (ln 10 for ten classes), not the first reading: the
    // panel is read every 150 ms, and on a busy machine the first reading comes late in the epoch.
    assert.ok(losses.length >= 2 && losses.at(-1) < 0.6 * Math.log(10), `loss did not fall: ${losses}`);
    await checkResults(page, 0.8);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
}, { timeout: T });

test('training settings travel in the link; hostile values fall back to the defaults', async ({ open }) => {
  const page = await open('v=1&nodes=64&degree=4&search=none&model=cnn&dataset=fashion&epochs=7&optimizer=adam&lr=0.002&train_seed=42&dense=true');
  await ready(page);
  const value = (key) => page.$eval(`[data-testid="train-${key}"]`, (e) => (e.type === 'checkbox' ? e.checked : e.value));
  assert.equal(await value('model'), 'cnn');
  assert.equal(await value('dataset'), 'fashion');
  assert.equal(await value('epochs'), '7');
  assert.equal(await value('optimizer'), 'adam');
  assert.equal(Number(await value('lr')), 0.002);
  assert.equal(await value('train_seed'), '42');
  assert.equal(await value('dense'), true);
  // An edit in the panel is written to the link, and a graph edit keeps it there.
  await set(page, 'batch', 64);
  await page.waitForFunction(() => location.hash.includes('batch=64'));
  await page.fill('#f-nodes', '32');
  await page.waitForFunction(() => location.hash.includes('nodes=32'));
  const hash = new URL(page.url()).hash;
  for (const kv of ['model=cnn', 'dataset=fashion', 'epochs=7', 'batch=64', 'train_seed=42']) assert.ok(hash.includes(kv), `${kv} missing in ${hash}`);

  const bad = await open('v=1&nodes=64&degree=4&search=none&model=%3Cscript%3E&epochs=-5&lr=1e999&batch=abc&train_seed=99999999999');
  await ready(bad);
  const v2 = (key) => bad.$eval(`[data-testid="train-${key}"]`, (e) => e.value);
  assert.equal(await v2('model'), 'mlp');
  assert.equal(await v2('epochs'), '3');
  // An unusable rate leaves the rate unset: the optimizer's default (the placeholder says which).
  const lr = await v2('lr');
  assert.ok(lr === '' || (Number(lr) > 0 && Number(lr) <= 10), lr);
  assert.match(await bad.$eval('[data-testid="train-lr"]', (e) => e.placeholder), /sgd 0\.05 · adam 0\.001/);
  assert.equal(await v2('batch'), '128');
  assert.equal(await v2('train_seed'), '1');
  // Nothing of the hostile values is written back to the link.
  const h = new URL(bad.url()).hash;
  assert.ok(!/script|abc|1e999|-5/.test(decodeURIComponent(h)), h);
}, { timeout: 180000 });

test('a link with optimizer=adam and no lr trains at Adam\'s default rate, as rgp train does', async ({ open }) => {
  // The default is declared once (the schema's def_by; OptimizerKind::default_lr, which the CLI's
  // --lr takes too) and applied by the engine; the panel shows the rate the schedule is at.
  for (const [optimizer, initial] of [['adam', 0.001], ['sgd', 0.05]]) {
    const page = await open(`v=1&nodes=64&degree=4&search=none&optimizer=${optimizer}&epochs=20&start=scratch&backend=cpu`);
    await ready(page);
    assert.equal(await page.$eval('[data-testid="train-lr"]', (e) => e.value), '');
    const { state } = await trainAndWatch(page, { stopAfter: 2 });
    assert.ok(['stopped', 'done'].includes(state), await text(page, 'error'));
    const lr = Number(await text(page, 'train-lr_now'));
    // Cosine from the initial rate over 20 epochs: within the first epoch it is still near it.
    assert.ok(lr <= initial && lr > initial * 0.9, `${optimizer}: rate ${lr}, default ${initial}`);
    assert.ok(!new URL(page.url()).hash.includes('lr='), 'an unset rate stays out of the link');
  }
}, { timeout: 180000 });

test('a deep residual MLP from its link: L masked layers train; the pretrained start and the race say why they do not apply', async ({ open }) => {
  const page = await open('v=1&nodes=64&degree=4&search=anneal&iters=20000&backend=cpu&epochs=1&depth=4&residual=true&norm=true&start=pretrained');
  await ready(page);
  const value = (key) => page.$eval(`[data-testid="train-${key}"]`, (e) => (e.type === 'checkbox' ? e.checked : e.value));
  assert.deepEqual([await value('depth'), await value('residual'), await value('norm')], ['4', true, true]);
  const { state } = await trainAndWatch(page);
  assert.equal(state, 'done', await text(page, 'error'));
  assert.match(await text(page, 'train-notice'), /trains from random weights/);
  // Four masked hidden-to-hidden layers in the accounting, and a network that learned.
  const masked = await page.$$eval('[data-testid="train-accounting"] th', (ths) => ths.filter((t) => t.textContent.includes('(masked)')).length);
  assert.equal(masked, 4);
  await checkResults(page, 0.8);
  // The race fine-tunes the pretrained network, which has other layers: refused with a reason.
  await page.click('[data-testid="race-start"]');
  assert.match(await text(page, 'error'), /standard layers/);
  const hash = decodeURIComponent(new URL(page.url()).hash);
  for (const kv of ['depth=4', 'residual=true', 'norm=true']) assert.ok(hash.includes(kv), `${kv} missing in ${hash}`);
}, { timeout: T });
