// The deployable site (docs/DEPLOY.md): dist/ behind Debian's nginx with the server block that
// scripts/deploy-config.mjs writes (deploy/nginx.conf) keeps the app's headers, its compressed
// files and its cache rules, and the app loads cross-origin isolated and trains. Skipped, saying
// so, where nginx is not installed (scripts/setup.sh --test installs it).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nginx } from '../../scripts/deploy-config.mjs';
import { EMBED_HEADERS, IMMUTABLE, isHashed, SECURITY_HEADERS } from '../../scripts/serve.mjs';
import { root, test, waitForState } from './harness.mjs';

const NGINX = '/usr/sbin/nginx';
const BROTLI = '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so';

const freePort = () =>
  new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

/** Starts nginx in the foreground on dist/ with the deploy server block; resolves with its base URL and a stop. */
async function startNginx(dir) {
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, `load_module ${BROTLI};
user root;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path ${dir}/body;
    ${nginx(resolve(root, 'dist'), port).replace('listen ', 'listen 127.0.0.1:')}
}
`);
  const proc = spawn(NGINX, ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const base = `http://127.0.0.1:${port}/`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`nginx exited: ${err}`);
    try {
      await fetch(base, { method: 'HEAD' });
      break;
    } catch {
      if (i > 100) throw new Error(`nginx did not answer: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { base, stop: () => proc.kill('SIGQUIT') };
}

test('deploy: dist/ behind nginx keeps the headers, the compressed files and the cache rules; the app trains there', async ({ page, skip }) => {
  if (!existsSync(NGINX) || !existsSync(BROTLI)) skip('nginx with the brotli_static module is not installed (scripts/setup.sh --test installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'rgp-nginx-'));
  const server = await startNginx(dir);
  try {
    const head = async (path, enc = 'br, gzip') => {
      const r = await fetch(server.base + path, { headers: { 'Accept-Encoding': enc } });
      await r.arrayBuffer();
      return r;
    };
    const index = await head('');
    assert.equal(index.status, 200);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) assert.equal(index.headers.get(k), v, k);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    // The embed alone may be framed by other sites (its own CSP and CORP); compressed as the rest.
    const embed = await head('embed.html');
    for (const [k, v] of Object.entries(EMBED_HEADERS)) assert.equal(embed.headers.get(k), v, `embed.html: ${k}`);
    assert.equal(embed.headers.get('content-encoding'), 'br');
    const app = await head('app.js');
    assert.equal(app.headers.get('content-encoding'), 'br', 'the brotli sibling is sent');
    assert.equal((await head('app.js', 'gzip')).headers.get('content-encoding'), 'gzip');
    const chunk = readdirSync(resolve(root, 'dist')).find((f) => f.endsWith('.js') && isHashed(f));
    const hashed = await head(chunk);
    assert.equal(hashed.headers.get('cache-control'), IMMUTABLE, chunk);
    assert.equal(hashed.headers.get('cross-origin-embedder-policy'), 'require-corp', 'headers on hashed files too');
    const wasm = readdirSync(resolve(root, 'dist')).find((f) => f.endsWith('.module.wasm'));
    assert.equal((await head(wasm, 'identity')).headers.get('content-type'), 'application/wasm');
    assert.equal((await fetch(server.base, { method: 'POST' })).status, 405);

    const p = await page();
    await p.goto(`${server.base}#v=1&nodes=16&degree=4&search=anneal&iters=2000&data=quick&epochs=1&start=scratch&backend=cpu`);
    assert.equal(await waitForState(p, ['done', 'error'], 120000), 'done');
    assert.equal(await p.evaluate(() => window.crossOriginIsolated), true);
    await p.waitForSelector('[data-testid="train-start"]:not([disabled])', { timeout: 120000 });
    await p.click('[data-testid="train-start"]');
    // One chunk trained is enough: the data and the training module came through nginx.
    await p.waitForFunction(() => Number.isFinite(Number(document.querySelector('[data-testid="train-loss"]').textContent)), null, { timeout: 120000 });
    await p.click('[data-testid="train-stop"]');
    await p.waitForFunction(() => ['stopped', 'done'].includes(document.querySelector('[data-testid="training"]').dataset.trainState), null, { timeout: 120000 });
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeout: 240000 });
