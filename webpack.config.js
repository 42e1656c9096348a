// Bundles the front end (www/) into dist/. The wasm modules come from wasm-bindgen
// (`--target bundler`) in pkg/graph and pkg/train; webpack loads them as async WebAssembly.
// index.html, style.css and uPlot's stylesheet are copied by scripts/build-web.sh.
// Chunks and wasm get content-hashed names (served as immutable); app.js keeps its name (index.html
// loads it; served with no-cache + ETag).

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';

const root = dirname(fileURLToPath(import.meta.url));
const at = (p) => resolve(root, p);

// The training panel is optional: a build without www/train/ still gives a working app.
const trainPanel = existsSync(at('www/train/panel.js')) ? at('www/train/panel.js') : at('www/no-training.js');
const trainClient = existsSync(at('www/train/client.js')) ? at('www/train/client.js') : at('www/no-training.js');
// The training modules (scripts/build-train-wasm.sh): CPU-only and full (WebGPU); a build with one
// of them uses it for both.
// RGP_WEBGPU_MODULE=building (scripts/serve.sh's first build): the WebGPU module is still being
// built, so this build leaves out whatever pkg/train holds and the page says so.
const trainCpu = existsSync(at('pkg/train-cpu/rgp.js')) ? at('pkg/train-cpu/rgp.js') : at('pkg/train/rgp.js');
const building = process.env.RGP_WEBGPU_MODULE === 'building';
const hasFull = !building && existsSync(at('pkg/train/rgp.js'));
const trainFull = hasFull ? at('pkg/train/rgp.js') : trainCpu;
// What the page knows of the WebGPU module: 'built', 'building' or 'absent' (www/train/worker.js).
const webgpuModule = hasFull ? 'built' : building ? 'building' : 'absent';

export default (env, argv) => ({
  mode: argv.mode ?? 'production',
  // `debug`: a separate entry for benchmarks and tests (www/debug.js); the app never loads it.
  // `boot`: starts the graph worker before app.js runs (www/graph-boot.js; index.html loads it first).
  entry: { boot: at('www/graph-boot.js'), app: at('www/app.js'), debug: at('www/debug.js') },
  output: {
    path: at(process.env.RGP_DIST || 'dist'),
    filename: '[name].js',
    chunkFilename: '[name].[contenthash:8].js',
    webassemblyModuleFilename: '[hash].module.wasm',
    clean: false,
  },
  experiments: { asyncWebAssembly: true },
  resolve: {
    alias: {
      'rgp-graph$': at('pkg/graph/rgp.js'),
      // The sweep panel's statistics (src/web/sweep_api.rs), a small module of its own.
      'rgp-sweep$': at('pkg/sweep/rgp.js'),
      // A sweep's graphs (src/web/sweep_graphs_api.rs), for the sweep panel's worker only.
      'rgp-sweep-graphs$': at('pkg/sweep-graphs/rgp.js'),
      // The training module's bindings (scripts/build-train-wasm.sh), for www/train/.
      'rgp-train$': trainFull,
      'rgp-train-cpu$': trainCpu,
      'rgp-train-panel$': trainPanel,
      'rgp-train-client$': trainClient,
    },
  },
  plugins: [new webpack.DefinePlugin({ RGP_WEBGPU_MODULE: JSON.stringify(webgpuModule) })],
  devtool: false,
  performance: {
    // The training module is large by nature and loads lazily; keep the warning for page JS only.
    assetFilter: (name) => name.endsWith('.js'),
    maxAssetSize: 300 * 1024,
    maxEntrypointSize: 300 * 1024,
  },
  stats: 'errors-warnings',
});
