// Your network (ONNX) in the tab: a CNN written with onnx.helper (python/onnx_models.py, code
// independent of ours) opens in the training panel; its layer table shows the first layer and the
// classifier dense and the eligible convolutions masked, with the parameters `rgp inspect` counts
// for the same graph; unticking a layer keeps it dense; a truncated file is refused next to the
// control and the table on show stays. Then a network of MNIST's size fine-tunes in the tab and
// leaves it as a packed ONNX file that ONNX Runtime runs with the tab's accuracy.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations, fullCli, python, rgp, root, test, text, trainEnded, trainState, waitForState } from './harness.mjs';

const LINK = 'v=1&nodes=16&degree=4&seed=5&search=none&backend=cpu';

const rows = (page) => page.$$eval('[data-testid="onnx-layer"]', (trs) => trs.map((tr) => ({
  name: tr.querySelector('th').textContent,
  masked: tr.dataset.masked === 'true',
  params: tr.children[5].textContent,
})));

test('an ONNX network opens in the tab: its layer table under the graph, a layer kept dense, a bad file refused', async ({ open }) => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-onnx-'));
  execFileSync(python, [join(root, 'python/onnx_models.py'), dir, 'cnn']);
  const path = join(dir, 'cnn.onnx');
  const cli = rgp(['inspect', path, '--nodes', '16', '--degree', '4', '--graph-seed', '5', '--search', 'none']);
  const page = await open(LINK);
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  await page.waitForSelector('[data-testid="onnx-file"]', { timeout: 60000 });
  await page.setInputFiles('[data-testid="onnx-file"]', path);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="onnx-layer"]').length > 0, null, { timeout: 120000 });
  const shown = await rows(page);
  assert.deepEqual(shown.map((r) => [r.name, r.masked]), cli.layers.map((l) => [l.name, l.masked]));
  assert.deepEqual(shown.map((r) => r.masked), [false, true, true, false], 'first layer and classifier dense');
  const grouped = (x) => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  for (const [r, a] of shown.map((r) => [r, cli.accounting.layers.find((l) => l.name === r.name)])) {
    assert.equal(r.params, `${grouped(a.params_dense)} → ${grouped(a.params_pruned)}`, r.name);
  }
  assert.match(await text(page, 'onnx-status'), /cnn\.onnx .*opset 9.*4 weight layers, 2 masked/);
  assert.deepEqual(await axeViolations(page, '[data-testid="onnx-layers"]'), []);

  // Unticking the second conv keeps it dense: the table is read again with it left out.
  const second = shown[1].name;
  await page.uncheck(`[data-layer="${second}"]`);
  await page.waitForFunction((n) => document.querySelector(`[data-layer="${n}"]`)?.closest('tr').dataset.masked === 'false', second, { timeout: 60000 });
  const kept = rgp(['inspect', path, '--nodes', '16', '--degree', '4', '--graph-seed', '5', '--search', 'none', '--keep-dense', second]);
  assert.deepEqual((await rows(page)).map((r) => r.masked), kept.layers.map((l) => l.masked));

  // A truncated file: one line next to the control; the table on show stays.
  const bytes = readFileSync(path);
  await page.setInputFiles('[data-testid="onnx-file"]', { name: 'cut.onnx', mimeType: 'application/octet-stream', buffer: bytes.subarray(0, 500) });
  await page.waitForFunction(() => document.querySelector('[data-testid="onnx-error"]').textContent.length > 0, null, { timeout: 60000 });
  assert.match(await text(page, 'onnx-error'), /^cut\.onnx: not a readable ONNX model .*is the file complete\?$/);
  assert.equal((await rows(page)).length, 4);
  assert.match(await text(page, 'onnx-status'), /cnn\.onnx stays on show/);
}, { timeout: 300000 });

// The quick MNIST test images as float32 NCHW, normalised as the downloaded file's metadata says,
// with their labels; ONNX Runtime's accuracy on them and the two layouts' largest difference.
const ORT_CHECK = `
import gzip, subprocess, sys
import numpy as np
import onnx
import onnxruntime as ort
packed, dense = sys.argv[1], sys.argv[2]
m = {p.key: p.value for p in onnx.load(packed).metadata_props}
img = np.frombuffer(gzip.open("data/mnist-quick/t10k-images-idx3-ubyte.gz").read(), np.uint8, offset=16)
lab = np.frombuffer(gzip.open("data/mnist-quick/t10k-labels-idx1-ubyte.gz").read(), np.uint8, offset=8)
x = img.reshape(-1, 1, 28, 28).astype(np.float64)
x = ((x / float(m["input_max"]) - float(m["input_mean"])) / float(m["input_std"])).astype(np.float32)
y = {f: ort.InferenceSession(f).run(None, {"x": x})[0] for f in (packed, dense)}
# The safetensors download (the imported architecture in it), run by rgp predict on the same images.
rgp, saved, tmp = sys.argv[3], sys.argv[4], sys.argv[5]
np.save(tmp + "/x.npy", x)
subprocess.run([rgp, "predict", "--weights", saved, "--input", tmp + "/x.npy", "--out", tmp + "/y.npy"], check=True, capture_output=True)
st = np.abs(np.load(tmp + "/y.npy") - y[dense]).max()
print(f"{(y[packed].argmax(1) == lab).mean()} {np.abs(y[packed] - y[dense]).max()} {m['layout']} {m['nodes']} {len(lab)} {st}")
`;

async function download(page, kind, path) {
  await page.selectOption('[data-testid="model-format"]', kind);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="model-download"]')]);
  copyFileSync(await dl.path(), path);
}

test('an ONNX network fine-tunes in the tab on quick MNIST and downloads packed: ONNX Runtime reads it as the tab does; the race runs on it', async ({ open }) => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-onnx-ft-'));
  execFileSync(python, [join(root, 'python/onnx_models.py'), dir, 'mnist_cnn']);
  const page = await open(`${LINK}&dataset=mnist&data=quick&epochs=1`);
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  await page.waitForSelector('[data-testid="onnx-file"]', { timeout: 60000 });
  await page.setInputFiles('[data-testid="onnx-file"]', join(dir, 'mnist_cnn.onnx'));
  await page.waitForSelector('[data-testid="onnx-train"]:not([disabled])', { timeout: 120000 });
  assert.deepEqual((await rows(page)).map((r) => r.masked), [false, true, true, false], 'the two inner convolutions carry the mask');
  await page.click('[data-testid="onnx-train"]');
  assert.equal(await trainEnded(page), 'done', await text(page, 'error'));
  const pct = async (id) => Number((await text(page, id)).replace('%', '')) / 100;
  const [pruned, after] = [await pct('pruned-accuracy'), await pct('test-accuracy')];
  assert.ok(after > pruned + 0.2, `fine-tuning raises the accuracy: ${pruned} pruned, ${after} after`);

  // A packed safetensors download is refused in one line; the packed and dense ONNX downloads run
  // in ONNX Runtime with the tab's accuracy on the same test images and the same outputs, and the
  // dense safetensors download (the architecture kept in it) gives them in rgp predict.
  await page.selectOption('[data-testid="model-format"]', 'packed');
  await page.click('[data-testid="model-download"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="weights-error"]')?.textContent.length > 0, null, { timeout: 30000 });
  assert.match(await text(page, 'weights-error'), /^mnist_cnn\.onnx was fine-tuned from ONNX: it downloads as ONNX \(dense or packed\) or as a dense safetensors file/);
  const [packed, dense] = [join(dir, 'packed.onnx'), join(dir, 'dense.onnx')];
  await download(page, 'onnx-packed', packed);
  await download(page, 'onnx-dense', dense);
  const saved = join(dir, 'saved.safetensors');
  await download(page, 'dense', saved);
  assert.ok(statSync(packed).size < statSync(dense).size, 'the packed file holds only the kept weights');
  const check = [packed, dense, fullCli(), saved, dir];
  const [acc, diff, layout, nodes, count, st] = execFileSync(python, ['-c', ORT_CHECK, ...check], { cwd: root }).toString().trim().split(' ');
  assert.ok(Number(st) < 1e-4, `rgp predict on the safetensors download differs from the dense ONNX by ${st}`);
  assert.equal(layout, 'packed');
  assert.equal(nodes, '16');
  assert.ok(Number(diff) < 1e-4, `packed and dense differ by ${diff}`);
  // The tab shows one decimal of a percent: within one image of ONNX Runtime's count.
  assert.ok(Math.abs(Number(acc) - after) <= 0.0005 + 1 / Number(count), `ONNX Runtime ${acc}, the tab ${after}`);
  console.log(`     pruned ${pruned}, fine-tuned ${after} in the tab, ${acc} in ONNX Runtime (packed; |packed - dense| ${diff}; safetensors in rgp predict ${st})`);

  // The race on the same network: the graph on show, a ring lattice, a random regular graph and
  // magnitude pruning each fine-tune it; the scratch lane trains its architecture from fresh weights.
  await page.click('[data-testid="onnx-race"]');
  // The fine-tuning run left the state 'done': the race's end is read from its own line.
  await page.waitForFunction(() => /^Race (finished|stopped)/.test(document.querySelector('[data-testid="race-state"]').textContent)
    || document.querySelector('[data-testid="training"]').dataset.trainState === 'error', null, { timeout: 300000, polling: 200 });
  assert.equal(await trainState(page), 'done', await text(page, 'error'));
  assert.match(await text(page, 'race-state'), /Race finished/);
  const lanes = {};
  for (const lane of ['rgp', 'ring', 'random', 'magnitude', 'scratch']) {
    lanes[lane] = await text(page, `race-${lane}`);
    assert.match(lanes[lane], /^\d+(\.\d)?%$/, lane);
  }
  console.log(`     race on mnist_cnn.onnx: ${JSON.stringify(lanes)}`);
  assert.doesNotMatch(await page.evaluate(() => location.hash), /race=true/, 'a link cannot carry the file');
}, { timeout: 420000 });
