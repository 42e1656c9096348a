// The app's graph engine (pkg/graph, built by scripts/build-web.sh) under Node, for the tests of
// the link parser: the same wasm module the page runs, instantiated by hand (the bundler glue
// imports the .wasm file, which Node does not).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { engineConfig } from '../www/url-state.js';

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
