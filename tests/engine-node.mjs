// The app's graph engine (pkg/graph, built by scripts/build-web.sh) under Node, for the tests of
// the link parser: the same wasm module the page runs, instantiated by hand (the bundler glue
// imports the .wasm file, which Node does not).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { engineConfig, parseHash } from '../www/url-state.js';

const pkg = resolve(fileURLToPath(import.meta.url), '../../pkg/graph');
const glue = await import(pathToFileURL(resolve(pkg, 'rgp_bg.js')).href);
const { instance } = await WebAssembly.instantiate(readFileSync(resolve(pkg, 'rgp_bg.wasm')), { './rgp_bg.js': glue });
glue.__wbg_set_wasm(instance.exports);
instance.exports.__wbindgen_start?.();

export const engine = glue;

/** The engine's first problem with an app configuration (null or { field, message }): what the
 *  page asks its graph worker (app.js `problemOf`), through the same `engineConfig`. */
export function checkApp(config) {
  return engine.check_config(JSON.stringify(engineConfig(config)), config.search === 'family');
}

/** Runs `fn(view)` on the graph a link's configuration gives (its search run to its end, or to
 *  the link's stop_after, as the page's worker runs it), freeing the engine's objects after. */
function withGraphOfLink(hash, fn) {
  const { config } = parseHash(hash);
  const search = new engine.Search(JSON.stringify(engineConfig(config)));
  try {
    while (!search.is_done()) search.step(1 << 16);
    const view = search.result();
    try {
      return fn(view);
    } finally {
      view.free();
    }
  } finally {
    search.free();
  }
}

/** The fingerprint of the graph a link gives, or null for a link the engine refuses or a family
 *  (whose graph depends on its pick). The model-based test's oracle for "the link reproduces the
 *  graph". */
export function fingerprintOfLink(hash) {
  const { config } = parseHash(hash);
  if (config.search === 'family' || checkApp(config)) return null;
  return withGraphOfLink(hash, (view) => view.fingerprint());
}

/** A graph file (`format`: json, csv or npy) of the graph a link gives, for imports. */
export function graphFileOfLink(hash, format = 'json') {
  return withGraphOfLink(hash, (view) => ({ bytes: Buffer.from(view.export(format)), fingerprint: view.fingerprint() }));
}
