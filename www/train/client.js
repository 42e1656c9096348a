// A small promise/event API over the training worker.
//
//   prewarm();                                  // early: fetch and compile the CPU module
//   const t = new TrainClient();
//   const info = await t.init('auto');          // {backend, adapter, calibration, notice, reason}
//   const result = await t.train(config, {dataset, variant, graph, onProgress, onEpoch, onNotice});
//   t.stop();                                   // ends the run after the current chunk
//
// `config` is the Rust `TrainConfig` (model, hidden, channels, optimizer, lr, momentum,
// weight_decay, batch, epochs, seed, dense, mask). `graph` is {n, table: Uint32Array, selfLoops}.
// When WebGPU fails during a run (an error, or the device is lost), the run restarts on the CPU
// backend in a fresh worker and `onNotice` says so; the result then carries `fallback`.
//
// Backend choice ('auto'): training starts on the CPU at once; when the adapter may be faster
// (not a software fallback, nothing remembered), a second worker measures both backends in the
// background once training runs, the outcome is remembered per adapter (backend-choice.js), and
// the run in progress moves to WebGPU if it won, between two chunks, keeping its progress (onMoved
// and onNotice say so); later runs start there. `client.moveTo('wgpu', reason)` moves a run on
// request. `client.onComparison(state, calibration?)` hears 'running' and 'done'.

import { allRemembered, measureFallback, remember } from './backend-choice.js';
import { TO_TRAIN_WORKER } from './messages.js';
import { message } from '../protocol.js';

/** A declared message to the training worker (www/train/messages.js). */
const toWorker = ({ type, ...fields }) => message(TO_TRAIN_WORKER, type, fields);

const newWorker = () => new Worker(new URL('./worker.js', import.meta.url));
let spare = null;

/** Starts a training worker that fetches and compiles the CPU module now, and fetches the data set
 * the first run will likely use ({dataset, variant}); the next client adopts it. */
export function prewarm(data) {
  if (!spare) {
    spare = newWorker();
    spare.postMessage(toWorker({ type: 'load', ...data, dataBase: new URL('data/', globalThis.document?.baseURI || self.location.href).href }));
  }
}

const dataUrl = () => new URL('data/', globalThis.document?.baseURI || self.location.href).href;

export class TrainClient {
  constructor({ makeWorker } = {}) {
    this.makeWorker =
      makeWorker ||
      (() => {
        const w = spare || newWorker();
        spare = null;
        return w;
      });
    this.worker = null;
    this.info = null;
    this.pending = null;
    this.handlers = {};
  }

  _start() {
    this.worker = this.makeWorker();
    this.worker.onmessage = (ev) => this._message(ev.data);
    this.worker.onerror = (ev) => {
      ev.preventDefault?.();
      this._fail(new Error(ev.message || 'the training worker failed'));
    };
  }

  _message(msg) {
    const h = this.handlers;
    switch (msg.type) {
      case 'ready':
        this.info = msg;
        this._settle(msg);
        break;
      case 'progress':
        h.onProgress?.(msg);
        break;
      case 'epoch':
        h.onEpoch?.(msg);
        break;
      case 'start':
        h.onStart?.(msg);
        break;
      case 'race-point':
        h.onRacePoint?.(msg);
        break;
      case 'notice':
        h.onNotice?.(msg.text);
        break;
      case 'data-progress':
        h.onDataProgress?.(msg.done, msg.total);
        break;
      case 'moved':
        if (this.info) this.info.backend = msg.to;
        h.onMoved?.(msg);
        break;
      case 'done':
        this._settle(msg.result);
        break;
      case 'error':
        this._fail(Object.assign(new Error(msg.message), { backend: msg.backend, deviceLost: msg.deviceLost }));
        break;
      default:
        break;
    }
  }

  _request(msg) {
    // A prediction takes milliseconds: a request behind it waits for it rather than failing.
    if (this.pending?.quick) return this.pending.done.then(() => this._request(msg), () => this._request(msg));
    if (this.pending) return Promise.reject(new Error('the training worker is busy'));
    const pending = { quick: msg.type === 'predict' };
    pending.done = new Promise((resolve, reject) => Object.assign(pending, { resolve, reject }));
    this.pending = pending;
    this.worker.postMessage(toWorker(msg));
    return pending.done;
  }

  _settle(value) {
    const p = this.pending;
    this.pending = null;
    p?.resolve(value);
  }

  _fail(err) {
    const p = this.pending;
    this.pending = null;
    if (p) p.reject(err);
    else this.handlers.onNotice?.(err.message);
  }

  /** Loads the training module and picks the backend: 'auto' (CPU first, measured in the
   * background, remembered), 'webgpu' or 'cpu'. */
  async init(backendPref = 'auto', { fullModule = false } = {}) {
    if (this.info && this.info.pref === backendPref && !this.rechoose && this.info.fullModule === fullModule) return this.info;
    if (!this.worker || this.info?.pref !== backendPref) {
      this.terminate();
      this._start();
    }
    this.rechoose = false;
    const info = await this._request({ type: 'init', backend: backendPref, memory: allRemembered(), measureFallback: measureFallback(), fullModule });
    info.pref = backendPref;
    info.fullModule = fullModule;
    this.info = info;
    return info;
  }

  /** Measures both backends in a second worker while training runs on the CPU; remembers the
   * outcome for this adapter and, if WebGPU won, has the next run use it. */
  _compareInBackground(onNotice) {
    if (this.comparer || !this.info?.compare) return;
    const w = newWorker();
    this.comparer = w;
    this.onComparison?.('running');
    const done = () => {
      w.terminate();
      if (this.comparer === w) this.comparer = null;
    };
    w.onerror = (ev) => {
      ev.preventDefault?.();
      done();
    };
    w.onmessage = ({ data: m }) => {
      if (m.type !== 'compared' && m.type !== 'error') return;
      done();
      if (m.type === 'error' || !this.info) return;
      const r = remember(m.adapter, m.calibration);
      this.info.compare = false;
      this.info.calibration = m.calibration;
      this.onComparison?.('done', m.calibration);
      if (r?.backend === 'wgpu') {
        this.rechoose = true;
        const x = (m.calibration.cpu_ms_per_step / m.calibration.wgpu_ms_per_step).toFixed(1);
        const moving = this.moveTo('wgpu', `measured ${x}× faster than the CPU`);
        onNotice?.(`Measured in the background: WebGPU is ${x}× faster than the CPU on this adapter; ${moving ? 'this run moves to it at the next chunk' : 'the next run uses it'} (remembered).`);
      } else if (r) {
        const x = (m.calibration.wgpu_ms_per_step / m.calibration.cpu_ms_per_step).toFixed(1);
        onNotice?.(`Measured in the background: WebGPU is ${x}× slower than the CPU backend on this adapter; training stays on the CPU (remembered).`);
      }
    };
    w.postMessage(toWorker({ type: 'compare' }));
  }

  /** Asks the run in progress to move to `backend` ('wgpu') between two chunks, keeping its
   * progress; false when no run is on. The worker answers with 'moved' or a notice. */
  moveTo(backend, reason) {
    if (!this.training || this.info?.backend === backend) return false;
    this.worker.postMessage(toWorker({ type: 'move', backend, reason }));
    return true;
  }

  /** Trains; resolves with the result (test evaluation, confusion matrix, accounting, history). */
  async train(config, { dataset, variant, graph, onProgress, onEpoch, onNotice, onStart, onMoved, onDataProgress, dataBase, start, mask, user } = {}) {
    if (!this.info || this.rechoose) await this.init(this.info?.pref || 'auto');
    this.handlers = { onProgress, onEpoch, onNotice, onStart, onMoved, onDataProgress };
    const base = dataBase || dataUrl();
    const msg = { type: 'train', config, dataset, variant, graph: { ...graph, table: Uint32Array.from(graph.table) }, dataBase: base, start, mask, user };
    const t0 = performance.now();
    let firstProgress = null;
    this.handlers.onProgress = (p) => {
      if (firstProgress === null) {
        firstProgress = performance.now() - t0;
        this._compareInBackground(onNotice);
      }
      onProgress?.(p);
    };
    this.training = true;
    try {
      const result = await this._request(msg);
      result.first_progress_ms = firstProgress;
      return result;
    } catch (e) {
      if (this.info?.backend !== 'wgpu') throw e;
      // WebGPU failed mid-run: start over on the CPU in a fresh worker (the old one may hold a
      // broken device or a trapped module).
      const reason = e.deviceLost ? 'the GPU device was lost' : e.message;
      onNotice?.(`WebGPU failed during training (${reason}): restarting on the CPU backend.`);
      this.terminate();
      await this.init('cpu');
      const result = await this.train(config, { dataset, variant, graph, onProgress, onEpoch, onNotice, onStart, onMoved, onDataProgress, dataBase: base, start, mask, user });
      result.fallback = { from: 'wgpu', reason };
      return result;
    } finally {
      this.training = false;
    }
  }

  /** Ends the current run after its current chunk; `train` then resolves with `stopped: true`. */
  stop() {
    this.worker?.postMessage(toWorker({ type: 'stop' }));
  }

  /** The recovery race (finetune-worker.js): lanes {label, mask, n/table or graph config}. */
  async race(config, { dataset, variant, lanes, start, onRacePoint, evalLimit, user }) {
    if (!this.info) await this.init('auto');
    this.handlers = { onRacePoint };
    const ls = lanes.map((l) => ({ ...l, table: l.table ? Uint32Array.from(l.table) : undefined }));
    return this._request({ type: 'race', config, dataset, variant, lanes: ls, start, evalLimit, dataBase: dataUrl(), user });
  }

  /** The last run's model as a file: kind 'dense' | 'packed' (safetensors) or 'onnx-dense' | 'onnx-packed'. */
  async saveModel(kind, link) {
    const msg = kind.startsWith('onnx-')
      ? { type: 'onnx', layout: kind.slice(5) }
      : { type: 'save', layout: kind, dtype: 'f32', link };
    return (await this._request(msg)).bytes;
  }

  /** Evaluates a model file's bytes in the network `config` describes; it becomes the kept model. */
  async loadWeights(config, { dataset, variant, graph, bytes, user }) {
    if (!this.info) await this.init('auto');
    this.handlers = {};
    const msg = { type: 'load-weights', config, dataset, variant, graph: { ...graph, table: Uint32Array.from(graph.table) }, bytes, dataBase: dataUrl(), user };
    return this._request(msg);
  }

  /** The user's data ({ key, data, files }) as a run with `seed` reads it (decoded in the worker):
   * classes, counts, skipped files or rows, data_id. */
  async describeData(user, seed, onDataProgress) {
    if (!this.info) await this.init('auto');
    this.handlers = { onDataProgress };
    return this._request({ type: 'describe-data', user, seed });
  }

  /** Class probabilities for one image (`pixels`: Float32Array in [0, 1], full ink 1) from the
   * last run's network and its dense start: {pruned, dense} (dense null without one). */
  /** The layer table of an ONNX file (bytes: ArrayBuffer) under `graph` ({n, table}), the layers
   *  named in `keepDense` left dense: {table, ms, memory}. */
  inspectOnnx(bytes, name, graph, keepDense) {
    return this._request({ type: 'inspect-onnx', bytes, name, graph: { n: graph.n, table: graph.table }, keepDense });
  }

  async predict(pixels) {
    if (!this.worker) throw new Error('train a network first');
    return this._request({ type: 'predict', pixels });
  }

  /** The files of a .zip's bytes ([{ path, bytes }]), unpacked in the worker within the tab's limits. */
  async unzip(bytes) {
    if (!this.info) await this.init('auto');
    this.handlers = {};
    return (await this._request({ type: 'unzip', bytes })).files;
  }

  terminate() {
    if (this.worker) this.worker.terminate();
    this.comparer?.terminate();
    this.comparer = null;
    this.worker = null;
    this.info = null;
    if (this.pending) this._fail(new Error('the training worker was stopped'));
  }
}
