// What you see is what you train: the page's graph, form, link and model files agree.
//   - Train waits while a search runs (it never trains the search's start graph), and the model
//     file names the graph the run trained on.
//   - Load weights refuses a network pruned by another graph, naming both and the file's link.
//   - An imported graph moves the form and the link to its size; Copy link says no link
//     reproduces it; a model trained on it records no link and the imported fingerprint.
//   - Messages belong to their moment: Download before any run says there is nothing yet, a
//     failed load clears the last success, the race button is disabled during a race.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { safetensors, test, text, textWhen, trainState, waitForState } from './harness.mjs';

const T = 240000;

/** The metadata of a safetensors file (its `__metadata__`, all strings). */
const metadata = (bytes) => safetensors(bytes).header.__metadata__;

async function panelReady(page) {
  await page.waitForSelector('[data-testid="train-start"]', { timeout: 60000 });
}

async function trainToEnd(page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid="train-start"]').disabled, null, { timeout: 60000 });
  await page.click('[data-testid="train-start"]');
  await page.waitForFunction(
    () => ['done', 'error', 'stopped'].includes(document.querySelector('[data-testid="training"]').dataset.trainState),
    null,
    { timeout: T, polling: 100 },
  );
  assert.equal(await trainState(page), 'done', await text(page, 'error'));
}

async function downloadModel(page) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="model-download"]')]);
  return readFileSync(await dl.path());
}

test('Train waits while a search runs; the model file names the graph it trained on', async ({ open }) => {
  const page = await open('v=1&nodes=64&degree=4&init=ring&seed=1&search=anneal&iters=50000000&start=scratch&epochs=1&backend=cpu');
  await waitForState(page, 'searching');
  await panelReady(page);
  // Asked while the search runs: the button is off and the panel says why.
  await page.waitForFunction(() => document.querySelector('[data-testid="train-start"]').disabled);
  assert.equal(await page.isVisible('[data-testid="train-waiting"]'), true);
  assert.equal(await page.isDisabled('[data-testid="race-start"]'), true);
  await page.click('[data-testid="stop"]');
  await waitForState(page, 'stopped');
  await trainToEnd(page);
  const meta = metadata(await downloadModel(page));
  const fp = await text(page, 'fingerprint');
  assert.equal(meta.fingerprint, fp, 'the file names the graph on show');
  assert.notEqual(fp, 'd1c77a31957f0611', 'not the ring lattice the search started from');
  assert.match(meta.link, /stop_after=\d+/);
}, { timeout: T });

test('Load weights refuses a network pruned by another graph; messages belong to their moment', async ({ open }) => {
  const page = await open('v=1&nodes=64&degree=4&search=anneal&iters=2000&start=scratch&epochs=1&backend=cpu');
  await waitForState(page, 'done');
  await panelReady(page);
  // The pointer over the panel loads the training module: click once that has settled (a line that
  // appeared then once moved the button under the pointer, and the click landed where it had been).
  await page.hover('[data-testid="training"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="training"]').dataset.trainBackend, null, { timeout: 60000 });
  // Nothing trained yet: Download says so (not "busy").
  await page.click('[data-testid="model-download"]');
  await textWhen(page, 'weights-error', /no model to download yet/, 60000);
  await trainToEnd(page);
  const file = await downloadModel(page);
  const fp64 = await text(page, 'fingerprint');
  assert.equal(metadata(file).fingerprint, fp64);
  // The same file loads back on its own graph.
  await page.setInputFiles('[data-testid="weights-file"]', { name: 'own.safetensors', mimeType: 'application/octet-stream', buffer: file });
  await textWhen(page, 'weights-accuracy', /own\.safetensors: test accuracy \d/, 60000);
  assert.equal(await text(page, 'weights-error'), '', 'the earlier message went');

  const other = await open('v=1&nodes=128&degree=6&search=anneal&iters=2000&backend=cpu');
  await waitForState(other, 'done');
  await panelReady(other);
  await other.setInputFiles('[data-testid="weights-file"]', { name: 'm.safetensors', mimeType: 'application/octet-stream', buffer: file });
  await textWhen(other, 'weights-error', /pruned by another graph/, 60000);
  const e = await text(other, 'weights-error');
  assert.ok(e.includes(fp64) && e.includes(await text(other, 'fingerprint')), e);
  assert.match(e, /#v=1&nodes=64&degree=4/, 'the file\'s own link is offered');
  assert.equal(await text(other, 'weights-accuracy'), '', 'nothing was evaluated');
}, { timeout: T });

test('an imported graph moves the form and the link; no link claims to reproduce it', async ({ open }) => {
  const small = await open('v=1&nodes=64&degree=4&init=random&seed=5&search=none');
  await waitForState(small, ['ready', 'done']);
  const fp = await text(small, 'fingerprint');
  const [dl] = await Promise.all([small.waitForEvent('download'), small.click('[data-testid="export-json"]')]);
  const json = readFileSync(await dl.path());

  const page = await open('v=1&nodes=128&degree=6&search=anneal&iters=2000&start=scratch&epochs=1&backend=cpu');
  await waitForState(page, 'done');
  await panelReady(page);
  await page.setInputFiles('[data-testid="import"]', { name: 'g.json', mimeType: 'application/json', buffer: json });
  await page.waitForFunction((want) => document.querySelector('[data-testid="fingerprint"]').textContent === want, fp);
  await page.waitForFunction(() => /nodes=64&degree=4/.test(location.hash));
  assert.equal(await page.inputValue('#f-nodes'), '64');
  assert.equal(await page.inputValue('#f-degree'), '4');
  await page.click('[data-testid="copy-link"]');
  await textWhen(page, 'error', /imported .*no link reproduces it/);
  await trainToEnd(page);
  const meta = metadata(await downloadModel(page));
  assert.equal(meta.fingerprint, fp);
  assert.ok(!meta.link, 'no link in the file of a network trained on an imported graph');
}, { timeout: T });

test('the race button is off while a race runs', async ({ open }) => {
  const page = await open('v=1&nodes=64&degree=4&search=anneal&iters=2000&start=pretrained&epochs=1&backend=cpu');
  await waitForState(page, 'done');
  await panelReady(page);
  await page.click('[data-testid="race-start"]');
  // Off from the click on, before the race has fetched its start or loaded the training module
  // (read by interval, not by animation frame, and as long as the other waits: under load the
  // renderer's frames can stall; a race that ended at once shows its error).
  await page.waitForFunction(() => document.querySelector('[data-testid="race-start"]').disabled
    || document.querySelector('[data-testid="training"]').dataset.trainState === 'error', null, { timeout: T, polling: 100 });
  assert.notEqual(await trainState(page), 'error', await text(page, 'error'));
  await page.waitForFunction(() => document.querySelector('[data-testid="training"]').dataset.trainState === 'racing', null, { timeout: T });
  // The module's warm-up, begun by the same click, ends during the race: the state stays the race's.
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="race-rgp"]').textContent), null, { timeout: T });
  assert.equal(await trainState(page), 'racing');
  assert.equal(await page.isDisabled('[data-testid="race-start"]'), true);
  await page.click('[data-testid="train-stop"]');
  // The lane in hand finishes its chunk (or its start) first: on a busy machine that can take a while.
  await page.waitForFunction(() => ['stopped', 'done'].includes(document.querySelector('[data-testid="training"]').dataset.trainState), null, { timeout: T });
  await page.waitForFunction(() => !document.querySelector('[data-testid="race-start"]').disabled);
}, { timeout: T });

test('changing a sweep setting keeps the finished runs and says where they went', async ({ open }) => {
  const link = 'v=1&nodes=16&degree=4&init=ring&seed=3&search=anneal&iters=20000&sweep=true&sweep_model=mlp&sweep_dataset=mnist' +
    '&sweep_data=quick&sweep_graphs=2&sweep_seeds=1&sweep_epochs=1&sweep_lr=0.05&sweep_degrees=none&sweep_baselines=none&sweep_backend=cpu';
  const page = await open(link);
  await waitForState(page, 'done');
  await page.waitForSelector('[data-testid="sweep-start"]', { timeout: 60000 });
  await page.evaluate(() => localStorage.clear());
  await page.click('[data-testid="sweep-start"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="sweep-status"]').dataset.state === 'done', null, { timeout: T });
  await textWhen(page, 'sweep-runs', '2');
  assert.equal(await text(page, 'sweep-progress'), '', 'the progress line went with the work');
  await page.fill('#sw-sweep_epochs', '2');
  await page.dispatchEvent('#sw-sweep_epochs', 'change');
  await textWhen(page, 'sweep-message', /2 runs of the previous settings stay kept in this browser/);
  await page.fill('#sw-sweep_epochs', '1');
  await page.dispatchEvent('#sw-sweep_epochs', 'change');
  await textWhen(page, 'sweep-runs', '2');
}, { timeout: T });

test('an edit that replaces a searched graph offers Undo, which brings back the graph, the form and the link', async ({ open }) => {
  const page = await open('v=1&nodes=64&degree=4&init=ring&seed=1&search=anneal&iters=3000');
  await waitForState(page, 'done');
  const fp = await text(page, 'fingerprint');
  const link = await page.evaluate(() => location.hash);
  assert.equal(await page.isVisible('[data-testid="undo-note"]'), false, 'nothing to undo yet');
  await page.fill('#f-seed', '7');
  await page.dispatchEvent('#f-seed', 'change');
  await page.waitForFunction(() => /[#&]seed=7&/.test(location.hash));
  await waitForState(page, 'ready');
  assert.notEqual(await text(page, 'fingerprint'), fp, 'the start graph of the new seed is on show');
  // Its link stops at iteration 0, so it gives this start graph (not the search's result).
  assert.match(await page.evaluate(() => location.hash), /stop_after=0/);
  await textWhen(page, 'undo-note', new RegExp(`replaced the searched graph \\(3,000 iterations\\) \\(fingerprint ${fp}`));
  await page.click('[data-testid="undo"]');
  await page.waitForFunction((want) => document.querySelector('[data-testid="fingerprint"]').textContent === want, fp);
  await waitForState(page, 'done');
  assert.equal(await page.evaluate(() => location.hash), link, 'the link is the searched graph\'s again');
  assert.equal(await page.inputValue('#f-seed'), '1');
  assert.equal(await page.isVisible('[data-testid="undo-note"]'), false);
}, { timeout: T });
