// Export (JSON, CSV, .npy) downloads that parse, and import of graph files with validation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test, text, waitForState } from './harness.mjs';

const HASH = 'v=1&nodes=40&degree=6&init=random&seed=9&search=anneal&iters=20000';

async function download(page, format) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="export-${format}"]`)]);
  return { name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) };
}

/** Parses a numpy .npy v1.0/2.0 file: { dtype, fortran, shape, values }. */
export function parseNpy(buf) {
  assert.deepEqual([...buf.subarray(0, 6)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 'bad magic');
  const major = buf[6];
  assert.ok(major === 1 || major === 2, `version ${major}.${buf[7]}`);
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  assert.equal((start + hlen) % 64, 0, 'header not padded to 64 bytes');
  const header = buf.subarray(start, start + hlen).toString('latin1');
  assert.ok(header.endsWith('\n'), 'header must end with a newline');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  assert.ok(descr && fortran && shape, `unparsable header ${header}`);
  const data = buf.subarray(start + hlen);
  const readers = {
    '|u1': [1, (o) => data.readUInt8(o)], '<u1': [1, (o) => data.readUInt8(o)], '|b1': [1, (o) => data.readUInt8(o)],
    '|i1': [1, (o) => data.readInt8(o)], '<i4': [4, (o) => data.readInt32LE(o)], '<i8': [8, (o) => Number(data.readBigInt64LE(o))],
    '<u4': [4, (o) => data.readUInt32LE(o)], '<f4': [4, (o) => data.readFloatLE(o)], '<f8': [8, (o) => data.readDoubleLE(o)],
  };
  assert.ok(readers[descr], `unexpected dtype ${descr}`);
  const [size, read] = readers[descr];
  const count = shape.reduce((a, b) => a * b, 1);
  assert.equal(data.length, count * size, 'data length does not match the shape');
  const values = Array.from({ length: count }, (_, i) => read(i * size));
  return { dtype: descr, fortran: fortran === 'True', shape, values };
}

function checkAdjacency(m, n, k) {
  for (let i = 0; i < n; i++) {
    let deg = 0;
    for (let j = 0; j < n; j++) {
      const x = m[i * n + j];
      assert.ok(x === 0 || x === 1, `entry (${i},${j}) = ${x}`);
      assert.equal(x, m[j * n + i], `not symmetric at (${i},${j})`);
      deg += x;
    }
    assert.equal(m[i * n + i], 0, `diagonal at ${i}`);
    assert.equal(deg, k, `row ${i} has ${deg} ones`);
  }
}

test('every export downloads and parses', async ({ open }) => {
  const page = await open(HASH);
  assert.equal(await waitForState(page, 'done'), 'done');
  const fp = await text(page, 'fingerprint');

  const json = await download(page, 'json');
  assert.match(json.name, new RegExp(`^rgp-n40-k6-${fp}\\.json$`));
  const doc = JSON.parse(json.bytes.toString('utf8'));
  assert.equal(doc.fingerprint, fp);
  assert.equal(doc.nodes, 40);
  assert.equal(doc.degree, 6);
  assert.equal(doc.edges.length, 120);
  for (const [u, v] of doc.edges) assert.ok(u < v && v < 40);

  const csv = await download(page, 'csv');
  const rows = csv.bytes.toString('utf8').trim().split(/\r?\n/).map((r) => r.split(',').map(Number));
  assert.equal(rows.length, 40);
  assert.ok(rows.every((r) => r.length === 40));
  checkAdjacency(rows.flat(), 40, 6);

  const npy = parseNpy((await download(page, 'npy')).bytes);
  assert.deepEqual(npy.shape, [40, 40]);
  assert.equal(npy.fortran, false);
  checkAdjacency(npy.values, 40, 6);
  assert.deepEqual(npy.values, rows.flat(), '.npy and CSV disagree');
});

test('imported files give back the same graph; a bad file is refused and the graph kept', async ({ open }) => {
  const page = await open(HASH);
  await waitForState(page, 'done');
  const fp = await text(page, 'fingerprint');
  const files = {};
  for (const f of ['json', 'csv', 'npy']) files[f] = (await download(page, f)).bytes;

  // Start from another graph, then import each export: the fingerprint comes back.
  for (const [i, f] of ['json', 'csv', 'npy'].entries()) {
    await page.fill('#f-seed', String(77 + i));
    await page.waitForFunction((old) => {
      const el = document.querySelector('[data-testid="fingerprint"]');
      return el.textContent !== old && /^[0-9a-f]{16}$/.test(el.textContent);
    }, fp);
    await page.setInputFiles('[data-testid="import"]', { name: `g.${f}`, mimeType: 'application/octet-stream', buffer: files[f] });
    await page.waitForFunction((want) => document.querySelector('[data-testid="fingerprint"]').textContent === want, fp);
    assert.match(await text(page, 'status'), /imported/);
  }

  // Bad files: an error line, and the graph on show stays.
  const bad = [
    ['garbage.json', Buffer.from('{"nodes": 4, "edges": [[0, 9]]')],
    ['irregular.csv', Buffer.from('0,1,1,0\n1,0,1,0\n1,1,0,1\n0,0,1,0\n')],
    ['truncated.npy', files.npy.subarray(0, files.npy.length - 7)],
    ['html.json', Buffer.from('<img src=x onerror="window.__pwned=1">')],
  ];
  for (const [name, buffer] of bad) {
    await page.setInputFiles('[data-testid="import"]', { name, mimeType: 'application/octet-stream', buffer });
    await page.waitForFunction(() => !document.querySelector('[data-testid="error"]').hidden);
    assert.match(await text(page, 'error'), /^Import failed: /);
    assert.equal(await text(page, 'fingerprint'), fp, `${name} replaced the graph`);
    await page.evaluate(() => {
      document.querySelector('[data-testid="error"]').hidden = true;
    });
  }
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
}, { timeout: 90000 });
