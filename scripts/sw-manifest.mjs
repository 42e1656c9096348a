// Writes dist/sw.js from www/sw.js with the build's id and precache list (scripts/build-web.sh):
//   node scripts/sw-manifest.mjs [dist]
// Precached: the page (as ./), scripts, styles, every wasm module except the WebGPU training
// module when a CPU-only one exists (it is cached when first fetched), and the quick data sets.
// BUILD is a hash of the precached files' contents, so any change gives a new cache; PRECACHE
// pairs each file with its SHA-256.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dist = resolve(process.argv[2] || join(root, 'dist'));

const files = [];
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else files.push(relative(dist, p).split('\\').join('/'));
  }
};
walk(dist);

// The WebGPU module: the dist wasm of the same size as pkg/train's, when pkg/train-cpu exists.
const gpu = join(root, 'pkg/train/rgp_bg.wasm');
const gpuSize = existsSync(join(root, 'pkg/train-cpu/rgp_bg.wasm')) && existsSync(gpu) ? statSync(gpu).size : -1;

const precache = files
  .filter((f) => !/\.(br|gz)$/.test(f) || /^data\/[a-z]+-quick\/[^/]+\.gz$/.test(f))
  .filter((f) => !f.startsWith('data/') || /-quick\//.test(f))
  .filter((f) => f !== 'sw.js' && f !== 'index.html' && f !== 'embed.html' && f !== 'debug.js')
  .filter((f) => !(f.endsWith('.wasm') && statSync(join(dist, f)).size === gpuSize))
  .sort();
// Each precached file's SHA-256: the service worker checks what it downloads against it, so a file
// cut short (a deploy under way, a dropped connection) never enters the cache. The build id is a
// hash of the list, so any change to a file gives a new one.
const sha = (f) => createHash('sha256').update(readFileSync(join(dist, f))).digest('hex');
const list = [['./', sha('index.html')], ...precache.map((f) => [f, sha(f)])];
const build = createHash('sha256').update(JSON.stringify(list)).digest('hex').slice(0, 16);
const body = readFileSync(join(root, 'www/sw.js'), 'utf8');
writeFileSync(join(dist, 'sw.js'), `const BUILD = '${build}';\nconst PRECACHE = ${JSON.stringify(list)};\n${body}`);
const bytes = precache.reduce((a, f) => a + statSync(join(dist, f)).size, 0);
console.log(`  sw.js: build ${build}, ${list.length} files precached (${(bytes / 1e6).toFixed(1)} MB before compression)`);
