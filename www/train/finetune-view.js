// What the training panel shows of fine-tuning: the three accuracies of a pretrained start
// (as loaded, right after pruning, after fine-tuning), the accuracy curve with the dense level
// marked, the recovery race chart, and the model-file controls (download, load weights).

import { el } from '../dom.js';
import { LineChart, align, upTo } from '../views/chart-kit.js';
import { pct, percent } from './format.js';

// What the magnitude lane is, so that its higher accuracy is read as a reference, not a rival mask.
const MAGNITUDE_NOTE = 'Magnitude (one-shot) keeps the pretrained network\'s largest weights, as many per layer as the graph keeps, ' +
  'chosen one by one: unstructured pruning, shown as a reference, not a block mask like those of the RGP, ring and random graphs ' +
  '(whose blocks make the layers fast to compute).';

let manifest = null;

/** The pretrained networks this build ships (models/manifest.json: file, SHA-256, accuracy). */
function loadManifest() {
  if (!manifest) {
    manifest = fetch(new URL('models/manifest.json', document.baseURI))
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}));
  }
  return manifest;
}

/** The pretrained network of `model` on `dataset`, as the worker fetches and checks it, or null. */
export async function pretrainedRef(model, dataset) {
  const m = (await loadManifest())[`${model}-${dataset}`];
  return m ? { url: `models/${m.file}`, sha256: m.sha256, base: document.baseURI, accuracy: m.test_accuracy } : null;
}

/** Three numbers: `pretrained-accuracy`, `pruned-accuracy`, `test-accuracy`. */
export function startNumbers() {
  const dd = {};
  const list = el('dl', { class: 'tp-stats tp-start', 'data-testid': 'train-start-numbers' });
  for (const [k, label] of [['pretrained', 'Pretrained'], ['pruned', 'Right after pruning'], ['test', 'After fine-tuning']]) {
    dd[k] = el('dd', { 'data-testid': `${k}-accuracy`, text: '—' });
    list.append(el('div', {}, el('dt', { text: label }), dd[k]));
  }
  return {
    element: list,
    set(k, v) {
      dd[k].textContent = pct(v);
    },
    clear() {
      for (const k of Object.keys(dd)) dd[k].textContent = '—';
    },
  };
}

const LANE_COLORS = { rgp: '#e8590c', ring: '#1c7ed6', random: '#2f9e44', magnitude: '#862e9c', scratch: '#868e96' };
const LANE_NAMES = { rgp: 'RGP graph (on show)', ring: 'Ring lattice', random: 'Random regular', magnitude: 'Magnitude (one-shot)', scratch: 'RGP graph from scratch' };

/** A chart of test accuracy against step for `lanes`, with the dense network's level dashed. */
export function accuracyChart(name, title, lanes) {
  const chart = new LineChart({
    name, title,
    x: { label: 'step' },
    y: { label: 'test accuracy (%)', unit: '%', format: upTo(2) },
    series: [...lanes.map((l) => ({ label: LANE_NAMES[l], color: LANE_COLORS[l] })),
      { label: 'dense (pretrained)', color: '#495057', dashed: true, width: 1 }],
  });
  chart.lanes = lanes;
  return chart;
}

/** Lines of accuracy (0..1) on `chart` (an accuracyChart): `series` maps a lane to [[step, acc], ...];
 *  `level` is the dense network's accuracy. */
export function drawLines(chart, series, { level = null } = {}) {
  const [xs, ...ys] = align(series, chart.lanes);
  chart.setData([xs, ...ys.map((c) => c.map(percent)), xs.map(() => percent(level))]);
}

/** The race's legend: one entry per lane with its latest accuracy (`race-<label>`). */
function raceLegend(labels) {
  const items = {};
  const list = el('ul', { class: 'tp-legend', 'data-testid': 'race-legend', hidden: '' });
  for (const l of labels) {
    const swatch = el('span', { class: 'tp-swatch' });
    swatch.style.background = LANE_COLORS[l];
    items[l] = el('span', { 'data-testid': `race-${l}`, text: '—' });
    list.append(el('li', {}, swatch, `${LANE_NAMES[l]}: `, items[l]));
  }
  return {
    element: list,
    set(l, acc) {
      list.hidden = false;
      items[l].textContent = pct(acc);
    },
    /** A new race: no lane has a number yet (a race of fewer lanes leaves the others so). */
    reset() {
      for (const l of labels) items[l].textContent = '—';
    },
  };
}

/** Offers `bytes` as a download named `name`. */
export function download(bytes, name, type = 'application/octet-stream') {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The model file formats the panel offers for download. */
function formatSelect() {
  return el('select', { 'data-testid': 'model-format', 'aria-label': 'Model file format' },
    el('option', { value: 'dense', text: 'safetensors, dense' }),
    el('option', { value: 'packed', text: 'safetensors, packed' }),
    el('option', { value: 'onnx-dense', text: 'ONNX, dense' }),
    el('option', { value: 'onnx-packed', text: 'ONNX, packed' }));
}

/**
 * The fine-tuning controls: the recovery race of `lanes` (button, state line, chart, legend) and
 * the model files (format, download, load weights, the loaded file's accuracy, an error line).
 * Returns the parts the controller uses, with `element` holding them all.
 */
export function finetuneControls(lanes) {
  const ui = {
    raceBtn: el('button', { type: 'button', 'data-testid': 'race-start', text: 'Race the masks' }),
    chart: accuracyChart('race', 'Recovery race: test accuracy against step', lanes),
    legend: raceLegend(lanes),
    raceNote: el('p', { class: 'note', 'data-testid': 'race-state', text: 'Fine-tunes four masks of the same sparsity from the pretrained network, in turn, beside the graph on show trained from random weights: what the pretrained start buys.' }),
    kind: formatSelect(),
    saveBtn: el('button', { type: 'button', 'data-testid': 'model-download', text: 'Download model' }),
    load: el('input', { type: 'file', accept: '.safetensors', 'data-testid': 'weights-file', 'aria-label': 'Load weights (safetensors)' }),
    loaded: el('span', { 'data-testid': 'weights-accuracy', text: '' }),
    fileError: el('p', { class: 'error', 'data-testid': 'weights-error', role: 'alert' }),
  };
  ui.element = el('div', { class: 'tp-finetune' },
    el('h3', { text: 'Recovery race' }), el('div', { class: 'buttons' }, ui.raceBtn), ui.raceNote, ui.chart.element, ui.legend.element,
    el('p', { class: 'note', 'data-testid': 'race-fairness', text: MAGNITUDE_NOTE }),
    el('h3', { text: 'Model files' }),
    el('div', { class: 'buttons' }, ui.kind, ui.saveBtn),
    el('label', { class: 'tp-load' }, 'Load weights ', ui.load), ui.loaded, ui.fileError);
  return ui;
}
