// What the training panel shows of fine-tuning: the three accuracies of a pretrained start
// (as loaded, right after pruning, after fine-tuning), the accuracy curve with the dense level
// marked, the recovery race chart, and the model-file controls (download, load weights).

import { el } from '../dom.js';

const pct = (x) => (x === null || x === undefined || Number.isNaN(x) ? '—' : `${(100 * x).toFixed(1)}%`);

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

export const LANE_COLORS = { rgp: '#e8590c', ring: '#1c7ed6', random: '#2f9e44', magnitude: '#862e9c' };

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
export function raceLegend(labels) {
  const names = { rgp: 'RGP graph (on show)', ring: 'Ring lattice', random: 'Random regular', magnitude: 'Magnitude (one-shot)' };
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
