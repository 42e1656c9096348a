// The training panel's controller: settings (kept in the link), Train/Stop, live progress, and at
// the end the results (www/train/results-view.js). Mounted by www/training-mount.js as
// `mount(section, app)`; the training module itself loads only when the panel first needs it
// (init or Train). The DOM is view.js's, the worker protocol client.js's.

import { mountData } from '../data/panel.js';
import { TrainClient } from './client.js';
import { drawLines, pretrainedRef } from './finetune-view.js';
import { mountFinetune } from './finetune-panel.js';
import { pct } from './format.js';
import { renderResults } from './results-view.js';
import { mountTry } from './try-network.js';
import { mountOnnx } from './onnx-panel.js';
import { classNames, readSettings, runConfig, runSignature, standard } from './settings.js';
import {
  addNotice, buildPanel, clearProgress, drawCurves, showBackend, showBackendLoading, showBusy, showComparison, showMoved, showProgress, showState,
} from './view.js';

export function mount(section, app) {
  const view = buildPanel(section, app.config());
  const client = new TrainClient();
  client.onComparison = (state, cal) => showComparison(view, state, cal);
  // runs: 'dense' | 'pruned' → last result of the current settings.
  const panel = { app, view, client, runs: new Map(), lossPoints: [], init: null, initPref: null };
  const settings = () => readSettings(view.inputs);
  panel.data = mountData({
    app, client,
    ensureInit: () => ensureInit(panel, settings().backend),
    seed: () => settings().train_seed,
    setDataset: (v) => {
      view.inputs.dataset.value = v;
    },
    setBusy: (b) => setBusy(panel, b),
    busy: () => busy(panel),
  });
  view.inputs.dataset.closest('label').after(panel.data.button);
  view.form.after(panel.data.box);
  view.form.addEventListener('change', (ev) => {
    app.setConfig(settings());
    if (ev.target === view.inputs.dataset) panel.data.datasetChosen(ev.target.value);
    // A backend picked during a run: the run moves there with its progress, or the worker says
    // why it cannot (client.js; only CPU → WebGPU moves).
    const to = { webgpu: 'wgpu', cpu: 'cpu' }[ev.target === view.inputs.backend ? ev.target.value : ''];
    if (to) client.moveTo(to, 'chosen in the settings');
  });
  view.trainBtn.addEventListener('click', () => train(panel));
  view.stopBtn.addEventListener('click', () => {
    client.stop();
    showState(view, 'stopping');
  });
  warmOnVisit(panel);
  const ft = mountFinetune({
    app, client, settings, runConfig, standard,
    // The network "Download model" saves is the page's (the store's `network`).
    model: () => app.network(),
    setModel: (m) => app.setNetwork(m),
    setState: (s) => showState(view, s),
    ensureInit: (pref) => ensureInit(panel, pref),
    busy: () => busy(panel),
    setBusy: (b) => setBusy(panel, b),
    userData: () => panel.data.runData(),
    userStart: (model) => panel.data.startFor(model),
    keepStart: (model, bytes, accuracy) => panel.data.keepNetwork(model, bytes, accuracy),
  });
  panel.tryNet = mountTry(client);
  view.results.after(panel.tryNet.element);
  section.append(ft.element);
  panel.ft = ft;
  panel.onnx = mountOnnx({
    app, client, settings, ensureInit: (pref) => ensureInit(panel, pref), busy: () => busy(panel),
    fineTune: (file) => train(panel, file),
    race: (file) => ft.startRace(file),
  });
  section.append(panel.onnx.element);
  // Training and the race use the graph on show only once it is settled (app.graph() is null
  // during a search): while the graph side works they wait, and say so.
  app.onActivity(() => showButtons(panel));
  setBusy(panel, null);
  raceFromLink(app, ft);
  showState(view, 'idle');
}

/** Whether the panel is training, racing or loading weights (the store's `work.train`). */
const busy = (panel) => panel.app.work().train !== null;

/** `work`: what the panel now does ('training' | 'racing' | 'loading'), or null. */
function setBusy(panel, work) {
  panel.app.setWork({ train: work });
  // A warm-up that ended while other work (a data load) held the panel left its 'loading' on show.
  if (work === null && panel.idleAfterWork) {
    panel.idleAfterWork = false;
    if (panel.view.section.dataset.trainState === 'loading') showState(panel.view, 'idle');
  }
  showButtons(panel);
}

/** Train, Stop and the race as the store has them: the panel's work and the graph side's. */
function showButtons(panel) {
  const { train } = panel.app.work();
  const waiting = panel.app.activity() !== null;
  showBusy(panel.view, train, waiting);
  panel.ft?.sync(train !== null || waiting);
  panel.onnx?.sync(train !== null);
}

// One backend choice at a time: a Train click during the warm-up waits for it.
function ensureInit(panel, pref) {
  if (panel.init && panel.initPref === pref) return panel.init;
  panel.initPref = pref;
  panel.init = initBackend(panel, pref);
  panel.init.catch(() => {
    panel.init = null;
  });
  return panel.init;
}

async function initBackend(panel, pref) {
  showState(panel.view, 'loading');
  showBackendLoading(panel.view);
  const info = await panel.client.init(pref);
  showBackend(panel.view, info);
  return info;
}

// Load the training module and measure the backends as soon as the user turns to this panel,
// so that "Train" starts training rather than loading.
function warmOnVisit(panel) {
  const { section } = panel.view;
  const warm = () => {
    section.removeEventListener('pointerenter', warm);
    section.removeEventListener('focusin', warm);
    if (!busy(panel) && !panel.client.info) {
      // 'idle' only if nothing started meanwhile: a run or race that waited for this warm-up
      // shows its own state.
      ensureInit(panel, readSettings(panel.view.inputs).backend).then(() => {
        if (!busy(panel)) showState(panel.view, 'idle');
        else panel.idleAfterWork = true;
      }, () => {});
    }
  };
  section.addEventListener('pointerenter', warm);
  section.addEventListener('focusin', warm);
}

// A link with race=true runs the race once its graph is on show (settled: the search's result).
function raceFromLink(app, ft) {
  if (app.config().race !== true) return;
  if (app.graph()) ft.startRace();
  else {
    const off = app.onGraph((g) => {
      if (!g) return;
      off();
      ft.startRace();
    });
  }
}

/** The network a fine-tuning run of `s` starts from: the shipped pretrained one, or on the
 * user's data the dense network last trained on it here. */
async function startOf(panel, s) {
  if (s.dataset !== 'user') return pretrainedRef(s.model, s.dataset);
  const kept = panel.data.startFor(s.model);
  return kept ? { bytes: kept.bytes, accuracy: kept.accuracy } : null;
}

/** Why a pretrained start (`pretrained`, found as `start`) does not happen, or ''. */
function startNote(s, pretrained, start) {
  if (pretrained && !standard(s)) {
    return 'The pretrained networks have the standard layers: a deeper, residual or normalised model trains from random weights.';
  }
  if (pretrained && !start && s.dataset === 'user') {
    return `No ${s.model} trained on your data yet: training from random weights. Train the dense baseline once and it becomes the network fine-tuning starts from.`;
  }
  if (pretrained && !start) return `This build has no pretrained ${s.model} for ${s.dataset}: training from random weights.`;
  return '';
}

/** A run of the settings on show; `onnx` ({name, start}): from the user's ONNX network
 * instead of the settings' start, pruned by the graph where its layer table masks. */
async function train(panel, onnx = null) {
  if (busy(panel)) return;
  const { app, view } = panel;
  const graph = app.graph();
  if (!graph) {
    app.showError(app.activity() === 'searching'
      ? 'The search is still running: stop it or let it finish, then train on its graph.'
      : 'Build a graph first: training maps it onto the network.');
    return;
  }
  const s = readSettings(view.inputs);
  let user;
  try {
    user = s.dataset === 'user' ? panel.data.runData() : undefined;
  } catch (e) {
    app.showError(e.message[0].toUpperCase() + e.message.slice(1));
    return;
  }
  app.setConfig(s);
  // The link of the graph this run trains on (null for an imported graph), for its model file.
  const link = app.graphLink();
  setBusy(panel, 'training');
  panel.lossPoints = [];
  drawCurves(view, panel.lossPoints);
  view.numbers.clear();
  const pretrained = !onnx && s.start === 'pretrained' && !s.dense;
  const start = onnx ? onnx.start : pretrained && standard(s) ? await startOf(panel, s) : null;
  // Said after the backend's own notice (ensureInit replaces the notice).
  const note = onnx ? `Fine-tuning ${onnx.name}: the model and its depth come from the file.` : startNote(s, pretrained, start);
  drawLines(view.ftChart, new Map());
  view.results.hidden = true;
  panel.tryNet.hide();
  clearProgress(view);
  try {
    const r = await runOnce(panel, s, graph, start, note, user);
    app.setNetwork({ fingerprint: graph.fingerprint, link, from: onnx ? 'onnx' : 'trained', name: onnx?.name });
    if (user && s.dense && standard(s) && !r.stopped) await panel.data.keepNetwork(s.model, await panel.client.saveModel('dense', link), r.test.accuracy);
  } catch (e) {
    showState(view, 'error');
    app.showError(`Training failed: ${e.message}`);
  } finally {
    setBusy(panel, null);
  }
}

async function runOnce(panel, s, graph, start, note, user) {
  const { view } = panel;
  const t0 = performance.now();
  await ensureInit(panel, s.backend);
  if (note) addNotice(view, note);
  showState(view, 'training');
  const r = await panel.client.train(runConfig(s), {
    dataset: s.dataset,
    variant: s.data,
    graph: { n: graph.n, table: graph.table, selfLoops: false },
    start,
    user,
    ...runCallbacks(panel, start, t0),
    onNotice: (text) => {
      view.notice.textContent = text;
    },
    onMoved: (m) => showMoved(view, m),
    onDataProgress: (done, total) => {
      view.notice.textContent = `Reading your data: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} files.`;
    },
  });
  finish(panel, r, s, graph);
  return r;
}

/** onStart and onProgress of a run: the stats, the loss curve and (from a pretrained `start`) the fine-tuning curve. */
function runCallbacks(panel, start, t0) {
  const { view } = panel;
  const curve = new Map([['rgp', []]]);
  let level = null; // the dense level of the chart: the pretrained network's measured accuracy
  let first = true;
  return {
    onStart: (m) => {
      level = m.pretrained;
      view.numbers.set('pretrained', m.pretrained);
      view.numbers.set('pruned', m.pruned);
      curve.get('rgp').unshift([0, m.pruned]); // measured after the first chunk
      drawLines(view.ftChart, curve, { level: m.pretrained });
    },
    onProgress: (p) => {
      if (first) {
        view.stats.first.textContent = `${((performance.now() - t0) / 1000).toFixed(2)} s`;
        first = false;
      }
      showProgress(view, p, readSettings(view.inputs).epochs);
      panel.lossPoints.push([p.step, p.loss, p.train_accuracy, p.test_accuracy]);
      drawCurves(view, panel.lossPoints);
      if (start && p.test_accuracy !== null) {
        curve.get('rgp').push([p.step, p.test_accuracy]);
        drawLines(view.ftChart, curve, { level });
      }
    },
  };
}

/** A finished (or stopped) run `r` of settings `s`: kept for the comparison and shown. */
function finish(panel, r, s, graph) {
  const { view, runs } = panel;
  r.dense = s.dense;
  if (r.fallback) view.section.dataset.trainBackend = 'cpu';
  // Keep the comparison only between runs of the same settings (apart from `dense`).
  const sig = runSignature(s, graph);
  for (const [k, v] of runs) if (v.sig !== sig) runs.delete(k);
  r.sig = sig;
  runs.set(s.dense ? 'dense' : 'pruned', r);
  renderResults(view.results, r, (s.dataset === 'user' && panel.data.classNames()) || classNames(s.dataset), runs);
  view.stats.test.textContent = pct(r.test.accuracy);
  view.numbers.set('test', r.test.accuracy);
  panel.tryNet.show(tryShape(panel, s, r));
  showState(view, r.stopped ? 'stopped' : 'done');
}

/** What "Try the network" needs of run `r` of settings `s`: only 28×28 grey images are drawn. */
function tryShape(panel, s, r) {
  const user = s.dataset === 'user';
  const [side, channels] = user ? panel.data.imageShape() ?? [0, 0] : [28, 1];
  const classes = (user && panel.data.classNames()) || classNames(s.dataset);
  return { image: side === 28 && channels === 1, classes, dense: s.dense, started: Boolean(r.start) };
}
