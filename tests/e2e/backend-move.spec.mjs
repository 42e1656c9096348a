// Moving a run between backends mid-run: a run starts on the CPU ("auto" on this machine's
// software adapter), WebGPU is picked in the settings after its first epoch, and the run goes on
// on WebGPU from the step it reached, with its weights, optimizer state and finished epochs
// (the checkpoint of src/train/checkpoint.rs crosses from the CPU module to the WebGPU one).
// The background comparison moves a run the same way when it finds WebGPU faster (client.js).
// A run of a user's ONNX network moves too: the WebGPU module rebuilds it from the file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { python, root, test, text, waitForState } from './harness.mjs';

/** Added before the app loads: keeps the training worker's progress, epoch and move messages. */
function recordTraining() {
  const Base = window.Worker;
  window.__run = { progress: [], epochs: [], moved: [] };
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', ({ data: m }) => {
        if (m?.type === 'progress') window.__run.progress.push({ step: m.step, loss: m.loss });
        if (m?.type === 'epoch') window.__run.epochs.push(m);
        if (m?.type === 'moved') window.__run.moved.push(m);
      });
    }
  };
}

const trainState = (page) => page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainState);

/** A page at `hash` that records the training worker's messages; skips when the browser has no
 * WebGPU adapter (nothing to move to). Resolves once the page's first graph is done. */
async function recordingPage({ page, baseURL, skip }, hash) {
  const p = await page();
  await p.context().addInitScript(recordTraining);
  await p.goto(`${baseURL}#${hash}`);
  const gpu = await p.evaluate(async () => Boolean(await navigator.gpu?.requestAdapter()));
  if (!gpu) skip('no WebGPU adapter in this browser: nothing to move to (train.spec covers the CPU path)');
  assert.equal(await waitForState(p, ['done', 'error'], 120000), 'done');
  return p;
}

/** After the started run's first epoch (on the CPU), picks WebGPU in the settings, waits for the
 * run to end and checks it moved once and went on: steps never back, every epoch once. Resolves
 * with what the worker posted. The test's reaction, slow on a busy machine, must come before the
 * run ends: after the first epoch, with two to go (after the second a run once ended first). */
async function movedAfterFirstEpoch(p) {
  await p.waitForFunction(() => window.__run.epochs.length >= 1, null, { timeout: 120000 });
  assert.equal(await p.getAttribute('[data-testid="training"]', 'data-train-backend'), 'cpu', 'the run starts on the CPU');
  await p.selectOption('[data-testid="train-backend"]', 'webgpu');
  await p.dispatchEvent('[data-testid="train-backend"]', 'change');
  await p.waitForFunction(() => ['done', 'error', 'stopped'].includes(document.querySelector('[data-testid="training"]').dataset.trainState), null, { timeout: 380000 });
  assert.equal(await trainState(p), 'done', await text(p, 'train-notice'));
  const run = await p.evaluate(() => window.__run);
  assert.equal(run.moved.length, 1, `${JSON.stringify(run.moved)} ${await text(p, 'train-notice')}`);
  // The steps go on from where the CPU left them (never back to 0), to the end of the run.
  const steps = run.progress.map((x) => x.step);
  assert.ok(steps.every((s, i) => i === 0 || s > steps[i - 1]), `steps ${steps}`);
  assert.equal(steps.at(-1), run.moved[0].total_steps);
  assert.deepEqual(run.epochs.map((e) => e.epoch), [1, 2, 3], 'every epoch once');
  return run;
}

test('a run moved from the CPU to WebGPU mid-run keeps its progress', async (fixtures) => {
  // 12 steps an epoch (6000 images, batch 500): three epochs, the last two on SwiftShader. Adam, so
  // that a lost optimizer state (fresh moments, full-size first steps) would show in the loss.
  const p = await recordingPage(fixtures, 'v=1&nodes=64&degree=4&search=none&epochs=3&batch=500&optimizer=adam&lr=0.01&backend=auto');
  await p.waitForSelector('[data-testid="train-start"]:not([disabled])', { timeout: 60000 });
  await p.click('[data-testid="train-start"]');
  const run = await movedAfterFirstEpoch(p);
  const [m] = run.moved;
  assert.deepEqual([m.from, m.to, m.reason], ['cpu', 'wgpu', 'chosen in the settings']);
  assert.ok(m.step >= 12 && m.step < m.total_steps, `moved at step ${m.step} of ${m.total_steps}`);
  // The network is the trained one: the first chunk on WebGPU has about the loss the CPU's last
  // one had, far below a fresh network's.
  const at = run.progress.findIndex((x) => x.step > m.step);
  const [before, after, fresh] = [run.progress[at - 1].loss, run.progress[at].loss, run.progress[0].loss];
  assert.ok(after <= 1.5 * before + 0.1 && after < 0.7 * fresh, `loss ${fresh} at the start, ${before} before the move, ${after} after`);
  assert.ok(run.epochs[2].train_accuracy > run.epochs[0].train_accuracy, JSON.stringify(run.epochs));

  assert.equal(await p.getAttribute('[data-testid="training"]', 'data-train-backend'), 'wgpu');
  assert.match(await text(p, 'train-notice'), /moved to WebGPU at step \d+ of \d+ \(chosen in the settings\)/);
  const summary = await text(p, 'train-summary');
  assert.match(summary, /WebGPU \(moved from the CPU at step \d+\): test accuracy/);
  assert.match(summary, /after 3 epoch\(s\)/);
  assert.match(summary, /largest \|w\| 0;/, 'pruned weights stay zero across the move');
}, { timeout: 540000 });

test('a run of an imported ONNX network moves to WebGPU too: rebuilt from its file, it goes on and downloads as ONNX', async (fixtures) => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-onnx-move-'));
  execFileSync(python, [join(root, 'python/onnx_models.py'), dir, 'mnist_cnn']);
  // Quick MNIST, 12 steps an epoch: the move comes after the first of three.
  const p = await recordingPage(fixtures, 'v=1&nodes=16&degree=4&seed=5&search=none&dataset=mnist&data=quick&epochs=3&batch=500&backend=auto');
  await p.waitForSelector('[data-testid="onnx-file"]', { timeout: 60000 });
  await p.setInputFiles('[data-testid="onnx-file"]', join(dir, 'mnist_cnn.onnx'));
  await p.waitForSelector('[data-testid="onnx-train"]:not([disabled])', { timeout: 120000 });
  await p.click('[data-testid="onnx-train"]');
  const [m] = (await movedAfterFirstEpoch(p)).moved;
  const pct = async (id) => Number((await text(p, id)).replace('%', '')) / 100;
  const [pruned, after] = [await pct('pruned-accuracy'), await pct('test-accuracy')];
  assert.ok(after > pruned + 0.2, `fine-tuning raises the accuracy across the move: ${pruned} pruned, ${after} after`);
  assert.match(await text(p, 'train-summary'), /WebGPU \(moved from the CPU at step \d+\)/);
  // The moved run still knows its file: it downloads as packed ONNX, which ONNX Runtime runs.
  await p.selectOption('[data-testid="model-format"]', 'onnx-packed');
  const [dl] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid="model-download"]')]);
  const file = join(dir, 'moved.packed.onnx');
  copyFileSync(await dl.path(), file);
  const shape = execFileSync(python, ['-c', 'import sys, numpy as np, onnxruntime as ort; s = ort.InferenceSession(sys.argv[1]); print(list(s.run(None, {"x": np.zeros((2, 1, 28, 28), np.float32)})[0].shape))', file]).toString().trim();
  assert.equal(shape, '[2, 10]');
  console.log(`     mnist_cnn.onnx moved to WebGPU at step ${m.step} of ${m.total_steps}: pruned ${pruned}, fine-tuned ${after}`);
}, { timeout: 540000 });
