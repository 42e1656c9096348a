// The static server the app is served by (scripts/serve.mjs): MIME types the browser needs,
// datasets as plain gzip bytes (the app gunzips them itself), pre-compressed brotli/gzip,
// immutable caching of hashed names and ETag revalidation of the rest, security headers, and
// refusals (traversal, methods, oversized headers). Also what a first visit transfers.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { root, test, waitForState } from './harness.mjs';

const dist = resolve(root, 'dist');
const wasmFiles = () => readdirSync(dist).filter((f) => f.endsWith('.wasm')).sort((a, b) => statSync(resolve(dist, a)).size - statSync(resolve(dist, b)).size);

/** A raw request (fetch would refuse some of these): resolves with { status, headers, body }. */
function raw(baseURL, path, { method = 'GET', headers = {} } = {}) {
  return new Promise((ok, fail) => {
    const req = request(new URL(path, baseURL), { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('server: wasm, scripts and gzipped datasets with the right types; nothing outside dist/', async ({ baseURL }) => {
  const wasm = wasmFiles()[0];
  let r = await raw(baseURL, wasm);
  assert.equal(r.headers['content-type'], 'application/wasm');
  assert.deepEqual([...r.body.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
  r = await raw(baseURL, 'app.js');
  assert.match(r.headers['content-type'], /^text\/javascript/);
  r = await raw(baseURL, '');
  assert.match(r.headers['content-type'], /^text\/html/);

  const quick = resolve(dist, 'data/mnist-quick');
  if (existsSync(quick)) {
    const gz = readdirSync(quick).find((f) => f.endsWith('.gz'));
    r = await raw(baseURL, `data/mnist-quick/${gz}`, { headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(r.headers['content-type'], 'application/gzip');
    assert.equal(r.headers['content-encoding'], undefined);
    assert.deepEqual([...r.body.subarray(0, 2)], [0x1f, 0x8b]);
  }

  for (const path of ['%2e%2e/package.json', '..%2fpackage.json', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', 'nope.js']) {
    r = await raw(baseURL, path);
    assert.ok(r.status === 403 || r.status === 404, `${path}: ${r.status}`);
  }
  for (const path of ['/../package.json', '/data/../../Cargo.toml']) {
    // Sent as is (no client-side normalisation), like a hostile client would.
    r = await rawPath(baseURL, path);
    assert.ok(r.status === 403 || r.status === 404, `${path}: ${r.status}`);
  }
});

/** A request line with the path exactly as given. */
function rawPath(baseURL, path) {
  return new Promise((ok, fail) => {
    const u = new URL(baseURL);
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => ok({ status: res.statusCode }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('server: brotli and gzip siblings, immutable hashed files, ETag and 304, security headers', async ({ baseURL }) => {
  const wasm = wasmFiles().at(-1);
  const size = statSync(resolve(dist, wasm)).size;
  let r = await raw(baseURL, wasm, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
  assert.equal(r.headers['content-encoding'], 'br');
  assert.equal(r.headers.vary, 'Accept-Encoding');
  assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.ok(r.body.length < size / 2, `brotli ${r.body.length} of ${size}`);
  r = await raw(baseURL, wasm, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(r.headers['content-encoding'], 'gzip');
  r = await raw(baseURL, wasm, { headers: { 'accept-encoding': 'br;q=0, identity' } });
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.body.length, size);

  // index.html: revalidated every time, 304 while unchanged.
  r = await raw(baseURL, '', { headers: { 'accept-encoding': 'br' } });
  assert.equal(r.headers['cache-control'], 'no-cache');
  const etag = r.headers.etag;
  assert.ok(etag, 'an ETag');
  let again = await raw(baseURL, '', { headers: { 'accept-encoding': 'br', 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  again = await raw(baseURL, '', { headers: { 'accept-encoding': 'gzip', 'if-none-match': etag } });
  assert.equal(again.status, 200, 'another encoding is another representation');

  // Security headers; the CSP header carries index.html's meta policy.
  const html = readFileSync(resolve(dist, 'index.html'), 'utf8');
  const meta = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)[1];
  for (const res of [r, await raw(baseURL, 'nope.js')]) {
    const h = res.headers;
    assert.ok(h['content-security-policy'].startsWith(meta), h['content-security-policy']);
    assert.match(h['content-security-policy'], /frame-ancestors 'none'/);
    assert.equal(h['x-content-type-options'], 'nosniff');
    assert.equal(h['referrer-policy'], 'no-referrer');
    assert.equal(h['cross-origin-opener-policy'], 'same-origin');
    assert.equal(h['cross-origin-embedder-policy'], 'require-corp');
  }
});

// embed.html (scripts/embed-page.mjs) is index.html marked data-embed, and the one page any site
// may frame: its CSP says frame-ancestors * and its CORP cross-origin (a cross-origin isolated
// host may frame it); everything else, and the files it loads, keep the app's headers.
test('server: embed.html is index.html marked data-embed, with headers that let any site frame it', async ({ baseURL }) => {
  const index = readFileSync(resolve(dist, 'index.html'), 'utf8');
  const embed = readFileSync(resolve(dist, 'embed.html'), 'utf8');
  assert.match(embed, /<html lang="en" data-embed>/);
  assert.doesNotMatch(embed.match(/<title>([^<]*)<\/title>/)[1], new RegExp(`^${index.match(/<title>([^<]*)<\/title>/)[1]}$`));
  const scripts = (html) => [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(scripts(embed), scripts(index), 'the same bundle and stylesheets');
  // So its first graph costs no more bytes than the app's: the same files, a page no larger.
  for (const ext of ['', '.br', '.gz']) {
    const size = (f) => statSync(resolve(dist, f + ext)).size;
    assert.ok(size('embed.html') <= size('index.html'), `embed.html${ext}: ${size('embed.html')} > ${size('index.html')} bytes`);
  }
  const e = (await raw(baseURL, 'embed.html', { headers: { 'accept-encoding': 'br' } })).headers;
  assert.match(e['content-security-policy'], /; frame-ancestors \*$/);
  assert.doesNotMatch(e['content-security-policy'], /'none'$/);
  assert.equal(e['cross-origin-resource-policy'], 'cross-origin');
  assert.equal(e['cross-origin-embedder-policy'], 'require-corp');
  assert.equal(e['x-content-type-options'], 'nosniff');
  for (const path of ['', 'index.html', 'app.js', 'embed.html.br', 'embed.htm']) {
    const h = (await raw(baseURL, path)).headers;
    assert.match(h['content-security-policy'], /frame-ancestors 'none'$/, path);
    assert.equal(h['cross-origin-resource-policy'], 'same-origin', path);
  }
});

test('server: 405 for other methods, 431 for oversized headers', async ({ baseURL }) => {
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
    const r = await raw(baseURL, '', { method });
    assert.equal(r.status, 405, method);
    assert.equal(r.headers.allow, 'GET, HEAD');
  }
  const head = await raw(baseURL, 'app.js', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  const r = await raw(baseURL, '', { headers: { 'x-filler': 'a'.repeat(16 * 1024) } });
  assert.equal(r.status, 431);
});

test('server: a first visit in the browser loads compressed, cross-origin isolated; bytes transferred', async ({ page, baseURL }) => {
  const p = await page();
  const done = [];
  // Worker fetches (the graph module) are reported on the page too.
  // A request that finishes after the count (the training module's background fetch) is not
  // asked for its sizes: the page closes at the test's end, and that answer would never come.
  const record = (req) => done.push(req.sizes().then((s) => ({ url: req.url(), body: s.responseBodySize, headers: s.responseHeadersSize })));
  p.on('requestfinished', record);
  await p.goto(baseURL);
  await waitForState(p, ['searching', 'done', 'ready', 'stopped']);
  p.off('requestfinished', record);
  assert.equal(await p.evaluate(() => self.crossOriginIsolated), true, 'COOP + COEP make the page cross-origin isolated');
  const entries = await Promise.all(done);
  const wasm = entries.filter((e) => e.url.endsWith('.wasm'));
  assert.ok(wasm.length >= 1, JSON.stringify(entries));
  for (const e of wasm) {
    const file = resolve(dist, new URL(e.url).pathname.slice(1));
    assert.ok(e.body < statSync(file).size * 0.7, `${e.url}: ${e.body} bytes on the wire`);
  }
  const total = entries.reduce((a, e) => a + e.body + e.headers, 0);
  console.log(`     first visit (graph page): ${entries.length} requests, ${(total / 1024).toFixed(1)} KB transferred`);
});
