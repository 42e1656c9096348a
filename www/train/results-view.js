// The training panel's results of a finished run: the confusion matrix, per-class accuracy, the
// parameter/FLOP accounting (table and bars) and the dense-vs-pruned comparison, each a named
// region the keyboard can focus. DOM only.

import { el } from '../dom.js';
import { ChartFrame, pointSource } from '../views/chart-kit.js';
import { barSvg } from '../views/chart-svg.js';
import { pct, num } from './format.js';

/** The test confusion matrix, each cell shaded by its count (diagonal green, off-diagonal orange). */
function confusionTable(confusion, names) {
  const conf = el('table', { class: 'tp-conf', 'data-testid': 'train-confusion' });
  const head = el('tr', {}, el('th', { text: 'true \\ pred' }));
  names.forEach((n) => head.append(el('th', { text: n })));
  conf.append(head);
  const maxCell = Math.max(...confusion.flat());
  confusion.forEach((row, i) => {
    const tr = el('tr', {}, el('th', { text: names[i] }));
    row.forEach((v, j) => {
      const td = el('td', { text: String(v) });
      const a = v / (maxCell || 1);
      td.style.background = i === j ? `rgba(46,125,50,${0.15 + 0.6 * a})` : v ? `rgba(232,89,12,${0.1 + 0.7 * a})` : '';
      tr.append(td);
    });
    conf.append(tr);
  });
  return conf;
}

/** Per-class test accuracy with a bar each. */
function perClassTable(accuracies, names) {
  const per = el('table', { 'data-testid': 'train-per-class' }, el('tr', {}, el('th', { text: 'class' }), el('th', { text: 'accuracy' }), el('td')));
  accuracies.forEach((a, i) => {
    const bar = el('span', { class: 'tp-acc-bar' });
    bar.style.width = `${Math.round(60 * (a || 0))}px`;
    per.append(el('tr', {}, el('th', { text: names[i] }), el('td', { text: pct(a) }), el('td', {}, bar)));
  });
  return per;
}

/** Parameters and FLOPs per layer, dense against pruned, with the totals. */
function accountingTable(acc) {
  const table = el('table', { 'data-testid': 'train-accounting' }, el('tr', {},
    ...['layer', 'shape', 'params dense', 'params kept', 'FLOPs dense', 'FLOPs kept'].map((t) => el('th', { text: t }))));
  for (const l of acc.layers) {
    const shape = l.kind === 'batchnorm' ? `${l.out_ch}` : `${l.in_ch}→${l.out_ch}${l.kernel > 1 ? ` ${l.kernel}×${l.kernel}` : ''}`;
    table.append(el('tr', {}, el('th', { text: `${l.name}${l.masked ? ' (masked)' : ''}` }), el('td', { text: shape }),
      el('td', { text: num(l.params_dense) }), el('td', { text: num(l.params_pruned) }),
      el('td', { text: num(l.flops_dense) }), el('td', { text: num(l.flops_pruned) })));
  }
  table.append(el('tr', {}, el('th', { text: 'total' }), el('td'),
    el('td', { text: num(acc.params_dense) }), el('td', { text: num(acc.params_pruned) }),
    el('td', { text: num(acc.flops_dense) }), el('td', { text: num(acc.flops_pruned) })));
  return table;
}

/** Bar chart: parameters per weight layer, dense (grey) against kept (accent), log scale, in a chart frame. */
function accountingChart(layers) {
  const rows = layers.filter((l) => l.kind !== 'batchnorm');
  const frame = new ChartFrame({ name: 'params', title: 'Parameters per layer, dense and kept' });
  const spec = {
    title: 'Parameters per layer, dense and kept', xLabel: 'layer', yLabel: 'parameters (log scale)',
    series: [{ label: 'dense', color: '#adb5bd' }, { label: 'kept', color: '#e8590c' }],
    groups: rows.map((l) => ({ label: l.name, values: [l.params_dense, l.params_pruned] })),
  };
  pointSource(frame, barSvg(spec), { head: ['layer', 'parameters, dense', 'parameters, kept', 'kept weights (%)'],
    rows: rows.map((l) => [l.name, num(l.params_dense), num(l.params_pruned), (100 * l.params_pruned / (l.params_dense || 1)).toFixed(1)]) });
  return frame;
}

/** One line about run `r`: what ran where, how well and how fast. */
function summaryLine(r) {
  const summary = el('p', { class: 'note', 'data-testid': 'train-summary' });
  summary.textContent = `${r.dense ? 'Dense' : 'Pruned'} ${r.config.model.toUpperCase()} on ${r.dataset} (${r.variant}), ` +
    `${r.backend === 'wgpu' ? 'WebGPU' : 'CPU'}${r.moved ? ` (moved from the CPU at step ${r.moved.step})` : ''}: test accuracy ${pct(r.test.accuracy)} after ${r.history.length} epoch(s), ` +
    `${num(r.images_per_sec)} images/s; ${num(r.pruned.count)} pruned weights, largest |w| ${r.pruned.max_abs}; ` +
    `training module memory ${(r.memory_bytes / 2 ** 20).toFixed(1)} MB.`;
  return summary;
}

/** The runs of the current settings side by side (`runs`: 'dense' | 'pruned' → result). */
function compareTable(runs) {
  const cmp = el('table', { 'data-testid': 'train-compare' }, el('tr', {},
    ...['run', 'test acc', 'params', 'FLOPs', 'images/s'].map((t) => el('th', { text: t }))));
  for (const [name, x] of runs) {
    const dense = name === 'dense';
    cmp.append(el('tr', {}, el('th', { text: name }), el('td', { text: pct(x.test.accuracy) }),
      el('td', { text: num(dense ? x.accounting.params_dense : x.accounting.params_pruned) }),
      el('td', { text: num(dense ? x.accounting.flops_dense : x.accounting.flops_pruned) }),
      el('td', { text: num(x.images_per_sec) })));
  }
  return cmp;
}

// Each result a named region that the keyboard can focus (it scrolls sideways when narrow).
const box = (title, ...kids) => el('div', { role: 'region', 'aria-label': title, tabindex: '0' }, el('h3', { text: title }), ...kids);

/** Shows run `r` in `results` (class `names`), with the runs of the same settings (`runs`) to compare. */
export function renderResults(results, r, names, runs) {
  results.replaceChildren();
  const bars = accountingChart(r.accounting.layers);
  results.append(
    box('Confusion matrix (test)', confusionTable(r.test.confusion, names)),
    box('Per-class accuracy', perClassTable(r.test.per_class_accuracy, names)),
    box('Parameters and FLOPs', accountingTable(r.accounting), bars.element),
    box(runs.size > 1 ? 'Dense vs pruned' : 'Run', summaryLine(r), compareTable(runs),
      runs.size < 2 ? el('p', { class: 'note', text: 'Train again with "Dense baseline" toggled to compare.' }) : ''),
  );
  results.hidden = false;
}
