// The static server the app is served by: MIME types the browser needs, datasets as plain gzip
// bytes (the app gunzips them itself), nothing outside dist/.
import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { root, test } from './harness.mjs';

test('server: wasm, scripts and gzipped datasets with the right types; nothing outside dist/', async ({ baseURL }) => {
  const dist = resolve(root, 'dist');
  const wasm = readdirSync(dist).find((f) => f.endsWith('.wasm'));
  let r = await fetch(`${baseURL}${wasm}`);
  assert.equal(r.headers.get('content-type'), 'application/wasm');
  assert.deepEqual([...new Uint8Array(await r.arrayBuffer()).subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
  r = await fetch(`${baseURL}app.js`);
  assert.match(r.headers.get('content-type'), /^text\/javascript/);
  r = await fetch(baseURL);
  assert.match(r.headers.get('content-type'), /^text\/html/);

  const quick = resolve(dist, 'data/mnist-quick');
  if (existsSync(quick)) {
    const gz = readdirSync(quick).find((f) => f.endsWith('.gz'));
    r = await fetch(`${baseURL}data/mnist-quick/${gz}`);
    assert.equal(r.headers.get('content-type'), 'application/gzip');
    assert.equal(r.headers.get('content-encoding'), null);
    assert.deepEqual([...new Uint8Array(await r.arrayBuffer()).subarray(0, 2)], [0x1f, 0x8b]);
  }

  for (const path of ['%2e%2e/package.json', '..%2fpackage.json', 'nope.js']) {
    r = await fetch(`${baseURL}${path}`);
    assert.ok(r.status === 403 || r.status === 404, `${path}: ${r.status}`);
    await r.arrayBuffer();
  }
});
