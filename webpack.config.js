// Bundles the front end (www/) into dist/. The wasm modules come from wasm-bindgen
// (`--target bundler`) in pkg/graph and pkg/train; webpack loads them as async WebAssembly.
// index.html, style.css and uPlot's stylesheet are copied by scripts/build-web.sh.

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const at = (p) => resolve(root, p);

// The training panel is optional: a build without www/train/ still gives a working app.
const trainPanel = existsSync(at('www/train/panel.js')) ? at('www/train/panel.js') : at('www/no-training.js');

export default (env, argv) => ({
  mode: argv.mode ?? 'production',
  entry: { app: at('www/app.js') },
  output: {
    path: at('dist'),
    filename: '[name].js',
    chunkFilename: '[name].[contenthash:8].js',
    webassemblyModuleFilename: '[hash].module.wasm',
    clean: false,
  },
  experiments: { asyncWebAssembly: true },
  resolve: {
    alias: {
      'rgp-graph$': at('pkg/graph/rgp.js'),
      // The training module's bindings (scripts/build-train-wasm.sh), for www/train/.
      'rgp-train$': at('pkg/train/rgp.js'),
      'rgp-train-panel$': trainPanel,
    },
  },
  devtool: false,
  performance: {
    // The training module is large by nature and loads lazily; keep the warning for page JS only.
    assetFilter: (name) => name.endsWith('.js'),
    maxAssetSize: 300 * 1024,
    maxEntrypointSize: 300 * 1024,
  },
  stats: 'errors-warnings',
});
