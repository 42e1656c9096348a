// The app's static server for dist/ on 127.0.0.1. No dependencies.
//   node scripts/serve.mjs [root=dist] [port=8080]
//   node scripts/serve.mjs --precompress [dir=dist]   writes .br/.gz siblings (scripts/build-web.sh;
//                                                     $PRECOMPRESS_CACHE keeps them by content)
//
// - Pre-compressed brotli/gzip siblings (x.js.br, x.js.gz) are sent with Content-Encoding and
//   Vary: Accept-Encoding; a dataset that *is* a .gz file is sent as plain application/gzip bytes
//   (the app gunzips datasets itself).
// - Content-hashed names (webpack's [contenthash] chunks and wasm) are immutable for a year;
//   everything else (index.html, app.js, sw.js, data) is `no-cache` with an ETag (304 when unchanged).
// - Security headers on every response (CSP as in index.html's meta tag, plus frame-ancestors,
//   which a meta tag cannot carry), nosniff, no referrer, cross-origin isolation (all same-origin);
//   embed.html alone may be framed by any site (EMBED_HEADERS).
// - Only GET and HEAD (405), request headers at most 8 KB (431), nothing outside the root (403).
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.gz': 'application/gzip',
  '.br': 'application/octet-stream',
  '.csv': 'text/csv',
  '.npy': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};
/** Types worth compressing (the datasets are gzip already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.svg', '.csv', '.txt', '.map', '.npy']);

/** The policy of index.html's meta tag; the header adds what only a header can carry. */
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";
export const SECURITY_HEADERS = {
  'Content-Security-Policy': `${CSP}; frame-ancestors 'none'`,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
/** The embed (embed.html, scripts/embed-page.mjs) is the one page other sites may frame:
 * frame-ancestors * instead of 'none'. Its Cross-Origin-Resource-Policy is cross-origin because a
 * host page that is itself cross-origin isolated (COEP require-corp) may only frame documents that
 * allow it so (the CORP check applies to the navigation of a frame of such a page); without COEP a
 * host frames it either way. The files the embed loads stay same-origin: they are its own. COEP
 * stays require-corp (it governs the embed's own subresources, all same-origin) and COOP is
 * ignored in a frame; in a host that is not isolated the embed is not either, which nothing of
 * the page needs. */
export const EMBED_PATH = '/embed.html';
export const EMBED_HEADERS = {
  ...SECURITY_HEADERS,
  'Content-Security-Policy': `${CSP}; frame-ancestors *`,
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

/** The security headers of the file at `path` (the URL's path). */
export function securityHeaders(path) {
  return path === EMBED_PATH ? EMBED_HEADERS : SECURITY_HEADERS;
}

export const MAX_HEADER_BYTES = 8192;
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** webpack's content-hashed outputs: `name.0123abcd.js`, `0123abcd….module.wasm`. */
export const HASHED_NAME = /(^|[./-])[0-9a-f]{8,}(\.module)?\.(js|wasm|css)$/;

export function isHashed(name) {
  return HASHED_NAME.test(name);
}

/** The encodings the client accepts (q > 0), of those we store. */
function accepted(header) {
  const ok = new Set();
  for (const part of String(header || '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q && !(Number(q.slice(2)) > 0)) continue;
    ok.add(name);
  }
  return ok;
}

function fileOf(path) {
  try {
    const st = statSync(path);
    return st.isFile() ? st : null;
  } catch {
    return null;
  }
}

function plain(res, status, text, extra = {}) {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
  res.end(text);
}

function handle(base, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
  let path;
  try {
    path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    return plain(res, 400, 'bad request');
  }
  if (path.includes('\0')) return plain(res, 400, 'bad request');
  let file = normalize(join(base, path));
  if (file !== base && !file.startsWith(base + sep)) return plain(res, 403, 'forbidden');
  let st = fileOf(file);
  if (!st) {
    file = join(file, 'index.html');
    st = fileOf(file);
  }
  if (!st) return plain(res, 404, 'not found');

  const ext = extname(file);
  const headers = {
    ...securityHeaders(path),
    'Content-Type': TYPES[ext] || 'application/octet-stream',
    'Cache-Control': isHashed(file) ? IMMUTABLE : 'no-cache',
  };
  let body = file;
  let tag = `${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}`;
  if (COMPRESSIBLE.has(ext)) {
    headers.Vary = 'Accept-Encoding';
    const ok = accepted(req.headers['accept-encoding']);
    for (const [enc, suffix] of [['br', '.br'], ['gzip', '.gz']]) {
      const cst = ok.has(enc) && fileOf(file + suffix);
      if (cst) {
        headers['Content-Encoding'] = enc;
        body = file + suffix;
        st = cst;
        tag += `-${enc}`;
        break;
      }
    }
  }
  headers.ETag = `"${tag}"`;
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === headers.ETag)) {
    delete headers['Content-Type'];
    res.writeHead(304, headers).end();
    return;
  }
  headers['Content-Length'] = st.size;
  res.writeHead(200, headers);
  if (req.method === 'HEAD') res.end();
  else createReadStream(body).on('error', () => res.destroy()).pipe(res);
}

export function startServer(dir = 'dist', listenPort = 8080) {
  const base = resolve(dir);
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => handle(base, req, res));
  // Oversized headers, malformed requests: answer and close instead of dropping the socket.
  server.on('clientError', (err, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  return new Promise((ok) => server.listen(listenPort, '127.0.0.1', () => ok(server)));
}

/** `.br` (quality 11) and `.gz` (level 9) of `raw`; with a `cache` folder, kept there by the hash
 * of `raw`, so a rebuild with unchanged files (the 24 MB WebGPU module took ~90 s) skips the work. */
function compressed(raw, cache, used) {
  const key = cache && join(cache, createHash('sha256').update(raw).digest('hex'));
  if (key) used.add(`${key}.br`).add(`${key}.gz`);
  if (key && existsSync(`${key}.br`) && existsSync(`${key}.gz`)) return [readFileSync(`${key}.br`), readFileSync(`${key}.gz`)];
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  const gz = gzipSync(raw, { level: 9 });
  if (key) {
    mkdirSync(cache, { recursive: true });
    for (const [ext, bytes] of [['.br', br], ['.gz', gz]]) {
      writeFileSync(`${key}${ext}.part`, bytes);
      renameSync(`${key}${ext}.part`, `${key}${ext}`);
    }
  }
  return [br, gz];
}

/** Writes `.br` and `.gz` beside every compressible file under `dir` that they make smaller;
 * returns [[file, raw, br, gz]]. `cache`: a folder for compressed outputs by content (optional;
 * it ends up holding this build's outputs only). */
export function precompress(dir, cache = null) {
  const out = [];
  const used = new Set();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (COMPRESSIBLE.has(extname(p))) {
        const raw = readFileSync(p);
        if (raw.length < 1024) continue;
        const [br, gz] = compressed(raw, cache, used);
        if (br.length < raw.length * 0.95) writeFileSync(`${p}.br`, br);
        if (gz.length < raw.length * 0.95) writeFileSync(`${p}.gz`, gz);
        out.push([p, raw.length, br.length, gz.length]);
      }
    }
  };
  walk(resolve(dir));
  // The cache holds this build's files only: it does not grow with every build.
  if (cache) for (const f of readdirSync(cache)) if (!used.has(join(cache, f))) rmSync(join(cache, f), { force: true });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === '--precompress') {
    const dir = process.argv[3] || 'dist';
    for (const [p, raw, br, gz] of precompress(dir, process.env.PRECOMPRESS_CACHE || null)) {
      if (raw > 32 * 1024) console.log(`  ${p.slice(resolve(dir).length + 1).padEnd(40)} ${String(raw).padStart(9)}  br ${String(br).padStart(8)}  gz ${String(gz).padStart(8)}`);
    }
  } else {
    const server = await startServer(process.argv[2] || 'dist', Number(process.argv[3] || process.env.PORT || 8080));
    console.log(`RGP Studio is served at http://127.0.0.1:${server.address().port}/`);
  }
}
