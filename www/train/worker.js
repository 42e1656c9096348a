// The training worker: loads a training wasm module, picks a backend, fetches the dataset from
// this server, and runs the training loop in chunks of about 100 ms so progress flows and Stop is
// honoured between chunks. Two modules (scripts/build-train-wasm.sh): 'rgp-train-cpu' (Burn flex
// only, small: what starts every run on the CPU) and 'rgp-train' (with wgpu, fetched only when
// WebGPU may be used).
//
// Messages: www/train/messages.js declares what comes in and goes out (www/protocol.js checks both).
/* global RGP_WEBGPU_MODULE */ // 'built' | 'building' | 'absent', set by webpack.config.js

import { adapterKey } from './backend-choice.js';
import { kept, race, startBytes } from './finetune-worker.js';
import { FROM_TRAIN_WORKER, TO_TRAIN_WORKER, runInputs } from './messages.js';
import { describeData, unzipFolder, userRun } from './user-data.js';
import { dispatcher, message as declared } from '../protocol.js';

const modules = {}; // 'cpu' | 'wgpu' → promise of that module's bindings
// The module the CPU backend runs from: the small CPU-only one, or (benchmarks, to compare the
// size work's speed) the full one, which carries the same flex backend.
let cpuModule = 'cpu';
const moduleOf = (b) => (b === 'cpu' ? cpuModule : 'wgpu');
let backend = null;
let stopRequested = false;
let moveRequest = null; // {backend, reason}: honoured between two chunks
let training = false;
let deviceLost = false;

// Notice when the GPUDevice Burn creates is lost (the run then restarts on the CPU: client.js).
if (self.GPUAdapter && GPUAdapter.prototype.requestDevice) {
  const request = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (...args) {
    const device = await request.apply(this, args);
    device.lost.then((info) => {
      deviceLost = true;
      post({ type: 'notice', text: `The GPU device was lost (${info.reason || 'unknown'}${info.message ? `: ${info.message}` : ''}).` });
    });
    return device;
  };
}

/** Posts a declared message (`{type, ...fields}`) to the page. */
function post({ type, ...fields }, transfer) {
  self.postMessage(declared(FROM_TRAIN_WORKER, type, fields), transfer || []);
}

function message(e) {
  return String(e && e.message ? e.message : e);
}

// Lets queued messages (Stop) in between chunks: a resolved promise alone would not.
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
function yieldToEvents() {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });
}

/** The bindings for `kind` ('cpu' or 'wgpu'), loaded once. */
function loadModule(kind) {
  if (!modules[kind]) {
    modules[kind] =
      kind === 'cpu'
        ? import(/* webpackChunkName: "rgp-train-cpu" */ 'rgp-train-cpu')
        : import(/* webpackChunkName: "rgp-train" */ 'rgp-train');
    modules[kind].catch(() => delete modules[kind]);
  }
  return modules[kind];
}

let adapterPromise = null;
const adapterOnce = () => (adapterPromise ??= adapterInfo());

async function adapterInfo() {
  if (!self.navigator?.gpu) return null;
  try {
    const a = await navigator.gpu.requestAdapter();
    if (!a) return null;
    const i = a.info || {};
    return {
      vendor: i.vendor || '',
      architecture: i.architecture || '',
      description: i.description || '',
      fallback: Boolean(i.isFallbackAdapter ?? a.isFallbackAdapter),
    };
  } catch {
    return null;
  }
}

const describe = (a) => (a.fallback ? 'a software (fallback) adapter' : `adapter ${a.description || a.vendor || a.architecture}`);

/** Picks the backend without measuring on the critical path: the CPU unless WebGPU was chosen in
 * the settings or remembered as faster on this adapter. `compare` asks the client to measure
 * both in the background once training has begun. */
async function init({ backend: pref = 'auto', memory = {}, measureFallback = false, fullModule = false }) {
  const t0 = performance.now();
  cpuModule = fullModule ? 'wgpu' : 'cpu';
  const adapter = pref === 'cpu' ? null : await adapterOnce();
  const calibration = {};
  const out = { type: 'ready', adapter, calibration, notice: '', reason: '', compare: false };
  let chosen = 'cpu';
  if (pref === 'cpu') {
    out.reason = 'chosen in the settings';
  } else if (RGP_WEBGPU_MODULE !== 'built') {
    Object.assign(out, webgpuMissing());
  } else if (!adapter) {
    out.notice = 'WebGPU is not available in this browser: training runs on the CPU backend.';
    out.reason = 'no WebGPU adapter';
  } else if (pref === 'webgpu') {
    chosen = 'wgpu';
    out.reason = 'chosen in the settings';
  } else if (adapter.fallback && !measureFallback) {
    out.reason = 'WebGPU adapter is a software fallback';
    out.notice = 'WebGPU here is a software (fallback) adapter, far slower than the CPU backend: training runs on the CPU (choose WebGPU to override).';
  } else if (memory[adapterKey(adapter)]) {
    const r = memory[adapterKey(adapter)];
    chosen = r.backend;
    Object.assign(calibration, { cpu_ms_per_step: r.cpu_ms_per_step, wgpu_ms_per_step: r.wgpu_ms_per_step });
    out.remembered = r.at;
    out.reason = `remembered: measured on this adapter on ${String(r.at).slice(0, 10)}`;
  } else {
    out.compare = true;
    out.reason = `WebGPU (${describe(adapter)}) is measured in the background once training runs`;
  }
  if (chosen === 'wgpu') {
    const m = await loadModule('wgpu');
    try {
      // Also starts the device and compiles the kernels of the first steps.
      calibration.wgpu_ms_per_step = await m.calibrate('wgpu', 2);
    } catch (e) {
      chosen = 'cpu';
      out.notice = `WebGPU could not be used (${message(e)}): training runs on the CPU backend.`;
      out.reason = 'WebGPU failed to start';
    }
  }
  const tm = performance.now();
  await loadModule(moduleOf(chosen));
  backend = chosen;
  return { ...out, backend, module_ms: performance.now() - tm, init_ms: performance.now() - t0 };
}

/** Why this build trains on the CPU whatever the adapter: its WebGPU module is still being built
 *  (scripts/serve.sh serves the page before it) or was left out of the build. */
function webgpuMissing() {
  return RGP_WEBGPU_MODULE === 'building'
    ? {
      reason: 'the WebGPU module is still being built',
      notice: 'The WebGPU module is still being built on the server: training runs on the CPU backend. Reload the page once it is ready (scripts/serve.sh says so) to use WebGPU.',
    }
    : { reason: 'this build has no WebGPU module', notice: 'This build has no WebGPU module: training runs on the CPU backend.' };
}

/** Milliseconds per step of both backends on the calibration model (a background worker). */
async function compare() {
  const adapter = await adapterInfo();
  const [gpu, cpu] = await Promise.all([loadModule('wgpu'), loadModule('cpu')]);
  const wgpu = await gpu.calibrate('wgpu', 2);
  const c = await cpu.calibrate('cpu', 4);
  return { type: 'compared', adapter, calibration: { wgpu_ms_per_step: wgpu, cpu_ms_per_step: c } };
}

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

const IDX = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
const cache = new Map();

async function datasetFiles(dataset, variant, base) {
  if (dataset === 'user') return []; // the run's `user` carries the data
  const dir = `${dataset}${variant === 'quick' ? '-quick' : ''}`;
  if (!cache.has(dir)) {
    cache.set(dir, Promise.all(IDX.map((f) => fetchBytes(new URL(`${dir}/${f}`, base).href))));
  }
  try {
    return await cache.get(dir);
  } catch (e) {
    cache.delete(dir);
    throw e;
  }
}

async function train(msg) {
  const tStart = performance.now();
  if (!backend) throw new Error('the worker was not initialised');
  const m = await loadModule(moduleOf(backend));
  // The previous run's network is let go before the next one is built, so two never share the
  // module's memory (which only grows).
  kept.replace(null);
  const files = await datasetFiles(msg.dataset, msg.variant, msg.dataBase);
  const user = msg.user ? await userRun(msg.user, dataProgress) : undefined;
  const start = await startBytes(msg.start, fetchBytes);
  const session = await m.TrainSession.create(runInputs(msg, files, { backend, start, mask: msg.mask, user }));
  // start: the pretrained start's accuracies (null: none, or not measured yet; startAsked says which).
  // startFile: the start's bytes, which a move rebuilds an ONNX network from.
  const run = { session, files, user, startFile: start, moved: null, start: null, startAsked: false };
  try {
    const r = await runSession(run, msg, tStart);
    r.start = run.start;
    r.memory_bytes = (await loadModule(moduleOf(backend))).wasm_memory_bytes();
    // The dataset and the model stay in wasm memory until the next run: "Download model" reads them.
    kept.replace(run.session);
    return r;
  } catch (e) {
    try {
      run.session.free();
    } catch {
      /* the module is unusable anyway; the client replaces this worker */
    }
    throw e;
  }
}

const dataProgress = (done, total) => post({ type: 'data-progress', done, total });

/** Evaluates a user's model file in the current network (it becomes the kept model). */
async function loadWeights(msg) {
  const m = await loadModule(moduleOf(backend));
  const g = msg.graph;
  // A network pruned by a graph is evaluated in that graph only: never silently in another.
  m.check_model_graph(msg.bytes, g.fingerprint);
  const files = await datasetFiles(msg.dataset, msg.variant, msg.dataBase);
  const user = msg.user ? await userRun(msg.user, dataProgress) : undefined;
  const session = await m.TrainSession.create(runInputs(msg, files, { backend, start: msg.bytes, user, graph: { ...g, selfLoops: false } }));
  const r = await session.start_report();
  kept.replace(session);
  return { accuracy: r.pretrained.accuracy };
}

/** Moves `run` to the backend asked for, between two chunks: its state (weights, optimizer state,
 * step, epochs) leaves as a checkpoint and goes on in the WebGPU module. Only CPU → WebGPU:
 * Burn reads a WebGPU run's optimizer state back synchronously, which WebGPU forbids. */
async function moveRun(run, msg, step) {
  const { backend: to, reason } = moveRequest;
  moveRequest = null;
  if (to === backend) return;
  if (to !== 'wgpu') {
    post({ type: 'notice', text: 'A run on WebGPU cannot move to the CPU: the CPU backend is used from the next run.' });
    return;
  }
  if (RGP_WEBGPU_MODULE !== 'built') {
    post({ type: 'notice', text: webgpuMissing().notice });
    return;
  }
  try {
    const t0 = performance.now();
    const m = await loadModule('wgpu');
    const bytes = await run.session.checkpoint();
    const next = await m.TrainSession.resume(runInputs(msg, run.files, { backend: 'wgpu', user: run.user, start: run.startFile }), bytes);
    run.session.free();
    run.session = next;
    run.moved = { from: backend, to, step, total_steps: next.total_steps(), reason, ms: performance.now() - t0 };
    backend = to;
    post({ type: 'moved', ...run.moved });
  } catch (e) {
    post({ type: 'notice', text: `The run could not move to WebGPU (${message(e)}): it goes on on the CPU.` });
  }
}

/** A run from a pretrained network: its accuracy as loaded and as pruned, measured after the
 * first chunk (two test passes that would otherwise delay the first step). */
async function reportStart(run) {
  run.startAsked = true;
  const r = await run.session.start_report();
  run.start = r ? { pretrained: r.pretrained.accuracy, pruned: r.pruned.accuracy } : null;
  if (run.start) post({ type: 'start', ...run.start });
}

/** Drives the run's session (src/train/session.rs) in ~100 ms chunks and posts what each returns. */
async function runSession(run, msg, tStart) {
  let session = run.session;
  const batch = session.batch();
  const total = session.total_steps();
  const clock = { steps: 1, trainMs: 0, seen: 0, firstStepMs: null, lastQuickEval: performance.now(), quickTest: null };
  const history = [];
  let last = null;
  for (;;) {
    const t0 = performance.now();
    const c = await session.run(clock.steps);
    const dt = performance.now() - t0;
    last = c;
    if (clock.firstStepMs === null) clock.firstStepMs = performance.now() - tStart;
    clock.trainMs += dt;
    clock.seen += c.steps * batch;
    clock.steps = Math.max(1, Math.min(1000, Math.round((c.steps * 100) / Math.max(dt, 1))));
    if (c.ended) {
      const row = await session.evaluate_epoch(); // not part of the training time
      history.push({ ...row, seconds: (performance.now() - tStart) / 1000 });
      clock.quickTest = row.test_accuracy;
      post({ type: 'epoch', ...history[history.length - 1] });
    } else if (performance.now() - clock.lastQuickEval > 1500) {
      // A live estimate on the first 500 test images between epoch ends.
      clock.quickTest = (await session.evaluate(500)).accuracy;
      clock.lastQuickEval = performance.now();
    }
    postProgress(session, c, clock, tStart, dt);
    if (!run.startAsked) await reportStart(run);
    if (c.done || stopRequested || deviceLost) break;
    await yieldToEvents();
    if (moveRequest) {
      await moveRun(run, msg, c.step);
      session = run.session;
    }
  }
  if (deviceLost && backend === 'wgpu') throw Object.assign(new Error('the GPU device was lost'), { deviceLost: true });
  return {
    stopped: !last.done,
    backend,
    dataset: msg.dataset,
    variant: msg.variant,
    fingerprint: session.fingerprint(),
    config: JSON.parse(session.config()),
    test: await session.evaluate(),
    accounting: session.accounting(),
    pruned: await session.pruned_check(),
    history,
    images_per_sec: clock.seen / (clock.trainMs / 1000),
    train_seconds: clock.trainMs / 1000,
    seconds: (performance.now() - tStart) / 1000,
    first_step_ms: clock.firstStepMs,
    steps: last.step,
    total_steps: total,
    moved: run.moved,
  };
}

function postProgress(session, c, clock, tStart, dt) {
  const rate = clock.seen / (clock.trainMs / 1000);
  post({
    type: 'progress',
    step: c.step,
    total_steps: session.total_steps(),
    steps_per_epoch: session.steps_per_epoch(),
    epoch: c.epoch,
    loss: c.loss,
    train_accuracy: c.train_accuracy,
    test_accuracy: clock.quickTest,
    lr: c.lr,
    images_per_sec: rate,
    seconds_left: ((session.total_steps() - c.step) * session.batch()) / rate,
    elapsed_s: (performance.now() - tStart) / 1000,
    chunk_steps: c.steps,
    chunk_ms: dt,
  });
}

/** Runs one request at a time: a second train or race while one runs is refused. */
async function exclusive(fn) {
  if (training) throw new Error('a training run is already in progress');
  training = true;
  stopRequested = false;
  moveRequest = null;
  try {
    post({ type: 'done', result: await fn() });
  } finally {
    training = false;
  }
}

async function runRace(msg) {
  const m = await loadModule(moduleOf(backend));
  const files = await datasetFiles(msg.dataset, msg.variant, msg.dataBase);
  const user = msg.user ? await userRun(msg.user, dataProgress) : undefined;
  const bytes = await startBytes(msg.start, fetchBytes);
  for (const lane of msg.lanes) if (lane.graph) lane.table = m.graph_table(JSON.stringify(lane.graph));
  return race(m, msg, files, bytes, backend, { post, stopped: () => stopRequested, yieldToEvents, user });
}

async function keptFile(make) {
  if (!kept.session) throw new Error('train or load a model first');
  const bytes = await make(kept.session);
  post({ type: 'done', result: { bytes } }, [bytes.buffer]);
}

/** The layer table of a user's ONNX file (www/train/onnx-panel.js), with the time it took and
 *  the module's memory after it (the wasm heap only grows: its peak). */
function inspectOnnx(m, msg) {
  const t0 = performance.now();
  const table = m.inspect_onnx(new Uint8Array(msg.bytes), msg.name, msg.graph.n, Uint32Array.from(msg.graph.table), msg.keepDense);
  return { table, ms: performance.now() - t0, memory: m.wasm_memory_bytes() };
}

/** Class probabilities of the kept network and of the dense network it was pruned from (null
 * when the run started from random weights). Never during a run: the run holds the session. */
async function predict(pixels) {
  if (!kept.session || training) throw new Error('train a network first');
  const s = kept.session;
  return { pruned: await s.predict(pixels), dense: await s.predict_dense(pixels) };
}

const handle = dispatcher(TO_TRAIN_WORKER, {
  load(msg) {
    // Early work a first run needs (errors surface at init and train).
    loadModule('cpu').catch(() => {});
    adapterOnce();
    if (msg.dataset) datasetFiles(msg.dataset, msg.variant, msg.dataBase).catch(() => {});
  },
  init: async (msg) => post(await init(msg)),
  compare: async () => post(await compare()),
  train: (msg) => exclusive(() => train(msg)),
  race: (msg) => exclusive(() => runRace(msg)),
  save: (msg) => keptFile((s) => s.save(msg.layout, msg.dtype, msg.link)),
  onnx: (msg) => keptFile((s) => s.onnx(msg.layout)),
  'load-weights': async (msg) => post({ type: 'done', result: await loadWeights(msg) }),
  predict: async (msg) => post({ type: 'done', result: await predict(msg.pixels) }),
  'inspect-onnx': async (msg) => post({ type: 'done', result: inspectOnnx(await loadModule(moduleOf(backend ?? 'cpu')), msg) }),
  unzip(msg) {
    const files = unzipFolder(msg.bytes);
    post({ type: 'done', result: { files } }, [...new Set(files.map((f) => f.bytes.buffer))]);
  },
  'describe-data': async (msg) => post({ type: 'done', result: await describeData(await loadModule(moduleOf(backend ?? 'cpu')), msg, dataProgress) }),
  stop() {
    stopRequested = true;
  },
  move(msg) {
    if (training) moveRequest = { backend: msg.backend, reason: msg.reason };
  },
});

self.onmessage = async (ev) => {
  try {
    await handle(ev.data);
  } catch (e) {
    post({ type: 'error', message: message(e), backend, deviceLost: deviceLost || Boolean(e && e.deviceLost) });
  }
};
