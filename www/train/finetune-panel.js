// The training panel's fine-tuning controls: the recovery race (RGP graph on show, ring lattice,
// random regular, one-shot magnitude, all from the same pretrained network at the same per-layer
// kept counts, beside the graph on show trained from scratch: what the pretrained start buys)
// and the model files (download the last run's model; load weights from a file).
// The DOM is finetune-view.js's; this wires it to the panel's client.

import { MAX_MODEL_FILE_BYTES } from '../generated/settings.js';
import { download, drawLines, finetuneControls, pretrainedRef } from './finetune-view.js';

const LANES = ['rgp', 'ring', 'random', 'magnitude', 'scratch'];
const NO_GRAPH = 'Build a graph first: the race prunes by it.';

/**
 * `ctx`: {app, client, settings(), runConfig(s), standard(s), model(), setModel(m), busy(), setBusy(work | null),
 *   setState(text), ensureInit(pref), userData() (a run's user data, dataset 'user'),
 *   userStart(model) (the network trained on the user's data that fine-tuning starts from, or null),
 *   keepStart(model, bytes, accuracy) (makes a network that start)}.
 * Returns {element, startRace(onnx?)} (startRace runs the race now, e.g. for a link with race=true;
 * with an ONNX network's {name, start}, the graphs' lanes on it).
 */
export function mountFinetune(ctx) {
  const ui = finetuneControls(LANES);
  // `onnx` ({name, start}): the race on the user's ONNX network.
  const startRace = (onnx = null) => race(ctx, ui, onnx);
  ui.raceBtn.addEventListener('click', () => startRace());
  ui.saveBtn.addEventListener('click', () => saveModel(ctx, ui));
  ui.load.addEventListener('change', () => loadWeights(ctx, ui));
  // While a run or race goes on, or the graph side works, the race cannot start: say so by
  // disabling it (a click would otherwise be ignored in silence).
  const sync = (blocked) => {
    ui.raceBtn.disabled = blocked;
  };
  return { element: ui.element, startRace, sync };
}

/** The race's lanes on `graph`: the graph on show, a ring lattice and a random regular graph of its size, magnitude
 * pruning, and the graph on show from random weights (`scratch`). */
function raceLanes(graph, seed) {
  const base = { nodes: graph.n, degree: graph.k, search: 'none', seed };
  return [
    { label: 'rgp', n: graph.n, table: graph.table, mask: 'graph' },
    { label: 'ring', n: graph.n, graph: { ...base, init: 'ring' }, mask: 'graph' },
    { label: 'random', n: graph.n, graph: { ...base, init: 'random' }, mask: 'graph' },
    { label: 'magnitude', n: graph.n, table: graph.table, mask: 'magnitude' },
    { label: 'scratch', n: graph.n, table: graph.table, mask: 'graph', scratch: true },
  ];
}

/** The pretrained start of the race for settings `s`, or null after saying why there is none. */
async function raceStart(ctx, graph, s) {
  if (!ctx.standard(s)) {
    ctx.app.showError('The race fine-tunes the pretrained network, which has the standard layers: set depth 0, no residual connections, no BatchNorm.');
    return null;
  }
  const start = s.dataset === 'user' ? ctx.userStart(s.model) : await pretrainedRef(s.model, s.dataset);
  if (!graph || !start) {
    const none = s.dataset === 'user'
      ? `The race fine-tunes a network trained on your data: train the dense ${s.model} on it once first (Dense baseline).`
      : `No pretrained ${s.model} for ${s.dataset}.`;
    ctx.app.showError(graph ? none : NO_GRAPH);
    return null;
  }
  return start;
}

async function race(ctx, ui, onnx) {
  if (ctx.busy()) return;
  // Busy from the click on: the button goes off at once and a second click cannot start a race
  // while this one still fetches its start.
  ctx.setBusy('racing');
  try {
    const run = onnx ? onnxRace(ctx, onnx) : await prepareRace(ctx);
    if (run) await runRace(ctx, ui, run);
  } finally {
    ctx.setBusy(null);
  }
}

/** What a race runs from — {graph, s, start, user} — or null after saying why there is none. */
async function prepareRace(ctx) {
  const graph = ctx.app.graph();
  const s = ctx.settings();
  try {
    const user = s.dataset === 'user' ? ctx.userData() : undefined;
    const start = await raceStart(ctx, graph, s);
    return start ? { graph, s, start, user } : null;
  } catch (e) {
    ctx.app.showError(e.message[0].toUpperCase() + e.message.slice(1));
    return null;
  }
}

/** The race on a user's ONNX network (every lane; the scratch lane redraws its weights), or null
 * after saying why there is none. */
function onnxRace(ctx, onnx) {
  const graph = ctx.app.graph();
  if (!graph) {
    ctx.app.showError(NO_GRAPH);
    return null;
  }
  return { graph, s: ctx.settings(), start: onnx.start, onnx };
}

async function runRace(ctx, ui, { graph, s, start, user, onnx }) {
  // A link cannot carry the user's file: only a race of the built-in networks goes into it.
  if (!onnx) ctx.app.setConfig({ ...s, race: true });
  const series = new Map(LANES.map((l) => [l, []]));
  ui.legend.reset();
  ui.raceNote.textContent = onnx ? `Racing on ${onnx.name}…` : 'Racing…';
  try {
    // The module's warm-up shows its own states; the race's begins once the module is there.
    await ctx.ensureInit(s.backend);
    ctx.setState('racing');
    const r = await ctx.client.race(ctx.runConfig(s), {
      dataset: s.dataset,
      variant: s.data,
      lanes: raceLanes(graph, s.train_seed),
      start,
      user,
      onRacePoint: (p) => {
        series.get(p.lane).push([p.step, p.accuracy]);
        ui.legend.set(p.lane, p.accuracy);
        drawLines(ui.chart, series, { level: p.pretrained ?? start.accuracy });
      },
    });
    ui.raceNote.textContent = r.stopped ? 'Race stopped.' : 'Race finished.';
    ctx.setState(r.stopped ? 'stopped' : 'done');
  } catch (e) {
    ctx.setState('error');
    ctx.app.showError(`Race failed: ${e.message}`);
  }
}

async function saveModel(ctx, ui) {
  ui.fileError.textContent = '';
  ui.loaded.textContent = '';
  const model = ctx.model();
  if (!model) {
    ui.fileError.textContent = 'There is no model to download yet: train or load a network first.';
    return;
  }
  try {
    const k = ui.kind.value;
    if (model.from === 'onnx' && k === 'packed') {
      throw new Error(`${model.name} was fine-tuned from ONNX: it downloads as ONNX (dense or packed) or as a dense safetensors file, not a packed one.`);
    }
    const bytes = await ctx.client.saveModel(k, model.link);
    const s = ctx.settings();
    const what = model.from === 'onnx' ? model.name.replace(/\.onnx$/i, '') : s.model;
    download(bytes, `rgp-${what}-${s.dataset}-${k}.${k.startsWith('onnx') ? 'onnx' : 'safetensors'}`);
  } catch (e) {
    ui.fileError.textContent = e.message;
  }
}

async function loadWeights(ctx, ui) {
  const { load } = ui;
  const f = load.files && load.files[0];
  if (!f || ctx.busy()) return;
  // Each load says its own outcome only: the last one's line goes.
  ui.fileError.textContent = '';
  ui.loaded.textContent = '';
  const graph = ctx.app.graph();
  const s = ctx.settings();
  ctx.setState('loading');
  ctx.setBusy('loading');
  try {
    if (!graph) throw new Error('build a graph first');
    if (f.size > MAX_MODEL_FILE_BYTES) throw new Error(`larger than ${MAX_MODEL_FILE_BYTES / 2 ** 20} MB`);
    await ctx.ensureInit(s.backend);
    const bytes = new Uint8Array(await f.arrayBuffer());
    const user = s.dataset === 'user' ? ctx.userData() : undefined;
    const r = await ctx.client.loadWeights({ ...ctx.runConfig(s), dense: true }, { dataset: s.dataset, variant: s.data, graph, bytes, user });
    // On the user's data, a loaded network is also the start fine-tuning on it prunes.
    if (user) await ctx.keepStart(s.model, bytes, r.accuracy);
    ui.loaded.textContent = `${f.name}: test accuracy ${(100 * r.accuracy).toFixed(1)}%${user ? '; fine-tuning on your data now starts from it' : ''}`;
    ctx.setModel({ fingerprint: graph.fingerprint, link: ctx.app.graphLink(), from: 'loaded' });
    ctx.setState('idle');
  } catch (e) {
    // The model on show stays: the worker keeps its last model when a file is refused.
    ui.fileError.textContent = `${f.name}: ${e.message}`;
    ctx.setState('error');
  } finally {
    ctx.setBusy(null);
    load.value = '';
  }
}
