// Models saved by the app leave the tab and give the same logits everywhere (docs/MODEL_FILES.md):
// the app fine-tunes the pretrained MLP and CNN on quick MNIST, "Download model" saves each as a
// dense and a packed safetensors file, and on the first 200 test images `rgp predict`, numpy
// from the file (python/rgp_model.py) and ONNX Runtime on `rgp export`'s dense and packed ONNX
// agree within 1e-4 (python/check_roundtrip.py).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fullCli, python, root, test, text, waitForState } from './harness.mjs';

/** The first 200 quick-MNIST test images as float32 .npy, normalised as the model file says. */
function inputs(model, out) {
  execFileSync(python, ['-c', `
import gzip, sys
import numpy as np
from safetensors import safe_open
with safe_open(sys.argv[1], framework="numpy") as f:
    m = f.metadata()
raw = gzip.open("data/mnist-quick/t10k-images-idx3-ubyte.gz").read()
x = np.frombuffer(raw, dtype=np.uint8, offset=16)[: 200 * 784].reshape(200, 784).astype(np.float64)
x = (x / float(m["input_max"]) - float(m["input_mean"])) / float(m["input_std"])
np.save(sys.argv[2], x.astype(np.float32))
`, model, out], { cwd: root });
}

async function saveAs(page, kind, path) {
  await page.selectOption('[data-testid="model-format"]', kind);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="model-download"]')]);
  copyFileSync(await dl.path(), path);
}

for (const model of ['mlp', 'cnn']) {
  test(`a ${model.toUpperCase()} saved by the app gives the same logits in rgp, numpy and ONNX Runtime`, async ({ open }) => {
    const cli = fullCli();
    const dir = mkdtempSync(join(tmpdir(), 'rgp-roundtrip-'));
    try {
      const page = await open(`v=1&nodes=16&degree=4&search=anneal&iters=2000&model=${model}&start=pretrained&epochs=1&backend=cpu`);
      assert.equal(await waitForState(page, ['done', 'error'], 120000), 'done');
      await page.waitForSelector('[data-testid="train-start"]:not([disabled])', { timeout: 60000 });
      await page.click('[data-testid="train-start"]');
      await page.waitForFunction(() => ['done', 'error', 'stopped'].includes(document.querySelector('[data-testid="training"]').dataset.trainState), null, { timeout: 300000, polling: 200 });
      assert.equal(await page.evaluate(() => document.querySelector('[data-testid="training"]').dataset.trainState), 'done', await text(page, 'error'));
      const dense = join(dir, 'dense.safetensors');
      const packed = join(dir, 'packed.safetensors');
      await saveAs(page, 'dense', dense);
      await saveAs(page, 'packed', packed);
      const [x, y] = [join(dir, 'x.npy'), join(dir, 'y.npy')];
      inputs(dense, x);
      execFileSync(cli, ['predict', '--weights', dense, '--input', x, '--out', y], { cwd: root });
      const onnx = [];
      for (const layout of ['dense', 'packed']) {
        const o = join(dir, `${layout}.onnx`);
        execFileSync(cli, ['export', '--weights', packed, '--format', 'onnx', '--layout', layout, '--out', o], { cwd: root });
        onnx.push(o);
      }
      const out = execFileSync(python, ['python/check_roundtrip.py', '--x', x, '--y', y, dense, packed, ...onnx], { cwd: root }).toString();
      assert.equal(out.trim().split('\n').filter((l) => l.startsWith('ok ')).length, 4, out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, { timeout: 420000 });
}
