// Your network (ONNX) in the tab: a CNN written with onnx.helper (python/onnx_models.py, code
// independent of ours) opens in the training panel; its layer table shows the first layer and the
// classifier dense and the eligible convolutions masked, with the parameters `rgp inspect` counts
// for the same graph; unticking a layer keeps it dense; a truncated file is refused next to the
// control and the table on show stays.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations, python, rgp, root, test, text, waitForState } from './harness.mjs';

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
