// What the training panel shows of fine-tuning: the three accuracies of a pretrained start
// (as loaded, right after pruning, after fine-tuning), the accuracy curve with the dense level
// marked, the recovery race chart, and the model-file controls (download, load weights).

import { el } from '../dom.js';
import { pct } from './format.js';

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

/**
 * Lines of accuracy (0..1) against step on a canvas: `series` maps a label to [[step, acc], ...];
 * `level` draws a dashed horizontal line (the dense network's accuracy).
 */
export function drawLines(canvas, series, { level = null, title = '' } = {}) {
  const ctx = canvas.getContext('2d');
  const w = (canvas.width = canvas.clientWidth || 600);
  const h = (canvas.height = 150);
  ctx.clearRect(0, 0, w, h);
  const pts = [...series.values()].flat();
  if (!pts.length) return;
  const maxX = Math.max(1, ...pts.map((p) => p[0]));
  const ys = pts.map((p) => p[1]).concat(level === null ? [] : [level]);
  const lo = Math.max(0, Math.min(...ys) - 0.02);
  const hi = Math.min(1, Math.max(...ys) + 0.01);
  const px = (x) => 36 + ((w - 46) * x) / maxX;
  const py = (y) => h - 16 - ((h - 30) * (y - lo)) / Math.max(hi - lo, 1e-6);
  if (level !== null) {
    ctx.setLineDash([4, 3]);
    ctx.strokeStyle = '#495057';
    ctx.beginPath();
    ctx.moveTo(px(0), py(level));
    ctx.lineTo(px(maxX), py(level));
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#495057';
    ctx.font = '11px sans-serif';
    ctx.fillText(`dense ${pct(level)}`, px(maxX) - 80, py(level) - 3);
  }
  for (const [label, p] of series) {
    ctx.strokeStyle = LANE_COLORS[label] || '#e8590c';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    p.forEach(([x, y], i) => (i ? ctx.lineTo(px(x), py(y)) : ctx.moveTo(px(x), py(y))));
    ctx.stroke();
  }
  ctx.fillStyle = '#495057';
  ctx.font = '11px sans-serif';
  ctx.fillText(`${title} ${pct(lo)}–${pct(hi)}`, 38, 12);
  ctx.fillText(`step ${maxX}`, w - 70, h - 3);
}

/** The race's legend: one entry per lane with its latest accuracy (`race-<label>`). */
function raceLegend(labels) {
  const names = { rgp: 'RGP graph (on show)', ring: 'Ring lattice', random: 'Random regular', magnitude: 'Magnitude (one-shot)', scratch: 'RGP graph from scratch' };
  const items = {};
  const list = el('ul', { class: 'tp-legend', 'data-testid': 'race-legend' });
  for (const l of labels) {
    const swatch = el('span', { class: 'tp-swatch' });
    swatch.style.background = LANE_COLORS[l];
    items[l] = el('span', { 'data-testid': `race-${l}`, text: '—' });
    list.append(el('li', {}, swatch, `${names[l]}: `, items[l]));
  }
  return {
    element: list,
    set(l, acc) {
      items[l].textContent = pct(acc);
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
    chart: el('canvas', { class: 'tp-chart', 'data-testid': 'race-chart', width: '600', height: '150' }),
    legend: raceLegend(lanes),
    raceNote: el('p', { class: 'note', 'data-testid': 'race-state', text: 'Fine-tunes four masks of the same sparsity from the pretrained network, in turn, beside the graph on show trained from random weights: what the pretrained start buys.' }),
    kind: formatSelect(),
    saveBtn: el('button', { type: 'button', 'data-testid': 'model-download', text: 'Download model' }),
    load: el('input', { type: 'file', accept: '.safetensors', 'data-testid': 'weights-file', 'aria-label': 'Load weights (safetensors)' }),
    loaded: el('span', { 'data-testid': 'weights-accuracy', text: '' }),
    fileError: el('p', { class: 'error', 'data-testid': 'weights-error', role: 'alert' }),
  };
  ui.element = el('div', { class: 'tp-finetune' },
    el('h3', { text: 'Recovery race' }), el('div', { class: 'buttons' }, ui.raceBtn), ui.raceNote, ui.chart, ui.legend.element,
    el('h3', { text: 'Model files' }),
    el('div', { class: 'buttons' }, ui.kind, ui.saveBtn),
    el('label', { class: 'tp-load' }, 'Load weights ', ui.load), ui.loaded, ui.fileError);
  return ui;
}
