// Fine-tuning in the tab, end to end: a link with start=pretrained on the quick MNIST set shows
// the pretrained network's accuracy, the drop when the graph's mask is applied and the recovery
// after one epoch; the recovery race draws five lines (four masks fine-tuned, the graph on show
// from scratch) and stops, and run to the end it puts the pretrained start ahead of the same
// graph from scratch; the model leaves the tab as a
// safetensors file that loads back; a bad file is refused next to its control, the model kept.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, safetensors, test, text, trainState, waitForState } from './harness.mjs';

const T = 300000;
const LINK = 'v=1&nodes=64&degree=4&search=anneal&iters=20000&start=pretrained&epochs=1&backend=cpu';
const pct = async (page, id) => Number((await text(page, id)).replace('%', '')) / 100;

async function ready(page) {
  assert.equal(await waitForState(page, ['done', 'error'], 120000), 'done');
  await page.waitForSelector('[data-testid="train-start"]', { timeout: 60000 });
}

async function until(page, states, timeout = T) {
  await page.waitForFunction(
    (ss) => ss.includes(document.querySelector('[data-testid="training"]').dataset.trainState),
    states,
    { timeout, polling: 100 },
  );
  return trainState(page);
}

async function fineTune(page) {
  await page.click('[data-testid="train-start"]');
  assert.equal(await until(page, ['done', 'error', 'stopped']), 'done', await text(page, 'error'));
  const [pre, pruned, after] = [await pct(page, 'pretrained-accuracy'), await pct(page, 'pruned-accuracy'), await pct(page, 'test-accuracy')];
  assert.ok(pre > 0.9, `pretrained accuracy ${pre}`);
  assert.ok(pruned < pre, `pruning costs accuracy: ${pruned} vs ${pre}`);
  assert.ok(after > pruned, `fine-tuning recovers: ${after} after vs ${pruned} pruned`);
  return { pre, pruned, after };
}

test('a pretrained start shows the drop and the recovery; the race draws five lines and stops', async ({ open }) => {
  const page = await open(LINK);
  await ready(page);
  await fineTune(page);
  // The model leaves the tab and comes back.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="model-download"]')]);
  const file = await dl.path();
  const bytes = readFileSync(file);
  assert.ok(bytes.length > 1000);
  await page.setInputFiles('[data-testid="weights-file"]', file);
  await page.waitForFunction(() => document.querySelector('[data-testid="weights-accuracy"]').textContent.includes('%'), null, { timeout: 60000 });
  const [loadedDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="model-download"]')]);
  const loaded = readFileSync(await loadedDl.path());
  // A bad file is refused next to its control; the model on show stays.
  await page.setInputFiles('[data-testid="weights-file"]', { name: 'bad.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model') });
  await page.waitForFunction(() => document.querySelector('[data-testid="weights-error"]').textContent.length > 0, null, { timeout: 60000 });
  assert.match(await text(page, 'weights-error'), /bad\.safetensors: not a safetensors file/);
  // The earlier success line went with the new attempt (messages belong to their moment) ...
  assert.equal(await text(page, 'weights-accuracy'), '');
  // ... and the model on show stayed: it downloads as before.
  const [again] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="model-download"]')]);
  assert.deepEqual(safetensors(readFileSync(await again.path())), safetensors(loaded));
  await race(page);
}, { timeout: T + 120000 });

/** The race: four lanes from the same pretrained network and one from scratch, each with an accuracy; Stop ends it. */
async function race(page) {
  await page.click('[data-testid="race-start"]');
  await page.waitForFunction(
    () => ['rgp', 'ring', 'random', 'magnitude', 'scratch'].every((l) => document.querySelector(`[data-testid="race-${l}"]`).textContent.includes('%')),
    null,
    { timeout: 120000 },
  );
  await page.click('[data-testid="train-stop"]');
  assert.ok(['stopped', 'done'].includes(await until(page, ['stopped', 'done', 'error'], 60000)));
  assert.match(await page.evaluate(() => location.hash), /race=true/);
}

test('with WebGPU disabled a pretrained start fine-tunes and races on the CPU', async ({ baseURL }) => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage();
    await page.goto(`${baseURL}#${LINK.replace('&backend=cpu', '')}`);
    await ready(page);
    await fineTune(page);
    await race(page);
  } finally {
    await browser.close();
  }
}, { timeout: T });

test('run to the end of its epoch, the race puts the pretrained start ahead of the same graph from scratch', async ({ open }) => {
  const page = await open(LINK);
  await ready(page);
  await page.click('[data-testid="race-start"]');
  assert.equal(await until(page, ['done', 'error', 'stopped']), 'done', await text(page, 'error'));
  const [rgp, scratch] = [await pct(page, 'race-rgp'), await pct(page, 'race-scratch')];
  assert.ok(rgp > scratch, `after one epoch: pretrained ${rgp}, from scratch ${scratch}`);
  assert.match(await text(page, 'race-state'), /Race finished/);
}, { timeout: T });
