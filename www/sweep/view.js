// The sweep panel's view: its DOM (the settings form from the schema, buttons, progress, charts,
// tables) and the drawing of a summary. DOM only: the controller (panel.js) runs the sweep.

import { el } from '../dom.js';
import { valueOf } from '../url-state.js';
import { control, labelled } from '../views/form.js';
import { ChartFrame, pointSource } from '../views/chart-kit.js';
import { scatterSvg, scatterTable } from './charts.js';
import { CONFOUND_NOTE } from './engine.js';
import { KEYS } from './settings.js';

const COLORS = { main: '#e4572e', worst: '#3b6ea8', dense: '#2a9d5c', random: '#8a5cc2' };
// [name, title, caption]; a chart is shown once it has points.
const CHARTS = [
  ['aspl', 'Test accuracy against ASPL', 'Test accuracy against ASPL: each dot a run, bars mean ± sd over seeds.'],
  ['clustering', 'Test accuracy against clustering', `Test accuracy against clustering. ${CONFOUND_NOTE}`],
  ['degree', 'Degree sweep', 'Degree sweep: lowest-ASPL (annealed) and ring graph of each degree, against the kept fraction k/n.'],
];

const f3 = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3));
const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : '—');
const pts = (x) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(2)}` : '—');
const pval = (p) => (!Number.isFinite(p) ? '—' : p === 0 ? '0' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

/** Builds the panel into `section`; returns its parts. `config`: the link's configuration. */
export function buildView(section, config) {
  const v = {
    inputs: {},
    graphLine: el('p', { class: 'note', 'data-testid': 'sweep-graph-settings' }),
    message: el('p', { class: 'error', 'data-testid': 'sweep-message', hidden: '' }),
    startBtn: el('button', { type: 'button', class: 'primary', 'data-testid': 'sweep-start', text: 'Start' }),
    stopBtn: el('button', { type: 'button', 'data-testid': 'sweep-stop', text: 'Stop', disabled: '' }),
    resetBtn: el('button', { type: 'button', 'data-testid': 'sweep-reset', text: 'Forget results' }),
    status: el('span', { class: 'status', 'data-testid': 'sweep-status', 'data-state': 'idle', text: 'idle' }),
    runs: el('span', { 'data-testid': 'sweep-runs', text: '0' }),
    progress: el('p', { class: 'note', 'data-testid': 'sweep-progress', text: '' }),
    cmd: el('code', { class: 'sw-cmd', 'data-testid': 'sweep-command' }),
    figs: {},
    statsTable: el('table', { class: 'sw-table', 'data-testid': 'sweep-stats' }),
    baseTable: el('table', { class: 'sw-table', 'data-testid': 'sweep-baselines' }),
    confound: el('p', { class: 'sw-warn', 'data-testid': 'sweep-confound' }),
    csvBtn: el('button', { type: 'button', 'data-testid': 'sweep-csv', text: 'results.csv' }),
    jsonBtn: el('button', { type: 'button', 'data-testid': 'sweep-json', text: 'summary.json' }),
  };
  const grid = el('div', { class: 'sw-grid' });
  for (const key of KEYS) {
    const id = `sw-${key}`;
    v.inputs[key] = control(key, valueOf(config, key), { id });
    grid.append(labelled(key, v.inputs[key], { for: id }));
  }
  const charts = el('div', { class: 'sw-charts' });
  for (const [name, title, caption] of CHARTS) {
    const frame = new ChartFrame({ name: `sweep-${name}`, title });
    const figure = el('figure', { hidden: '' }, frame.element, el('figcaption', { text: caption }));
    v.figs[name] = { frame, figure };
    charts.append(figure);
  }
  const nativeNote = el('p', { class: 'note', text: 'The browser trains the graph family, the degree sweep and the dense and random-regular baselines. ' +
    'The random-unstructured and magnitude-pruning baselines, and sweeps too long for a tab, run natively with the command below; ' +
    'its results.csv has the same columns as this one.' });
  section.append(el('div', { class: 'sw-body' },
    v.graphLine, grid, v.message,
    el('div', { class: 'sw-buttons' }, v.startBtn, v.stopBtn, v.resetBtn, v.status, el('span', { text: 'runs done:' }), v.runs),
    v.progress, charts, v.confound, v.statsTable, v.baseTable,
    el('div', { class: 'sw-buttons' }, el('span', { text: 'Download' }), v.csvBtn, v.jsonBtn),
    nativeNote, v.cmd,
  ));
  return v;
}

/** The summary's charts and tables; `rows`: the runs behind it. */
export function showSummary(v, summary, rows) {
  v.runs.textContent = String(rows.length);
  setChart(v, 'aspl', familyChart(summary, rows, 'aspl', 'ASPL'));
  setChart(v, 'clustering', familyChart(summary, rows, 'clustering', 'clustering coefficient'));
  setChart(v, 'degree', degreeChart(summary));
  showCorrelations(v, summary);
  showBaselines(v, summary);
}

function setChart(v, name, spec) {
  const { frame, figure } = v.figs[name];
  pointSource(frame, scatterSvg(spec), scatterTable(spec));
  figure.hidden = !frame.shown;
}

function familyChart(summary, rows, key, label) {
  const fam = rows.filter((r) => r.kind === 'graph' && r[key] !== null);
  const dense = summary.baselines.find((b) => b.kind === 'dense');
  const rnd = rows.filter((r) => r.kind === 'random-regular' && r[key] !== null);
  const series = [{
    label: `k=${summary.degree} family`,
    color: COLORS.main,
    points: fam.map((r) => ({ x: r[key], y: 100 * r.test_accuracy })),
    groups: summary.graphs.filter((g) => g[key] !== null).map((g) => ({ x: g[key], mean: 100 * g.mean, sd: 100 * g.sd })),
  }];
  if (rnd.length) {
    series.push({ label: 'random regular', color: COLORS.random, points: rnd.map((r) => ({ x: r[key], y: 100 * r.test_accuracy })), groups: [] });
  }
  return {
    title: `Test accuracy vs ${label}`,
    xLabel: key === 'aspl' ? 'ASPL (hops)' : label,
    yLabel: 'test accuracy (%)',
    series,
    lines: dense ? [{ label: 'dense', y: 100 * dense.mean, color: COLORS.dense }] : [],
    xFormat: (x) => (key === 'aspl' ? x.toFixed(1) : x.toFixed(2)),
    yFormat: (y) => y.toFixed(1),
  };
}

function degreeChart(summary) {
  const best = summary.degrees.filter((d) => d.best);
  const worst = summary.degrees.filter((d) => d.worst);
  return {
    title: 'Degree sweep: accuracy vs kept weights',
    xLabel: 'kept weights, k/n (%)',
    yLabel: 'test accuracy (%)',
    series: [
      { label: 'lowest ASPL', color: COLORS.main, points: [], groups: best.map((d) => ({ x: 100 * d.kept_fraction, mean: 100 * d.best.mean, sd: 100 * d.best.sd })) },
      { label: 'ring', color: COLORS.worst, points: [], groups: worst.map((d) => ({ x: 100 * d.kept_fraction, mean: 100 * d.worst.mean, sd: 100 * d.worst.sd })) },
    ],
    xFormat: (x) => x.toFixed(1),
    yFormat: (y) => y.toFixed(1),
  };
}

const headRow = (cells) => el('tr', {}, ...cells.map((h) => el(h ? 'th' : 'td', { text: h })));

function corrCells(c) {
  return [
    el('td', { text: f3(c.r) }),
    el('td', { text: `[${f3(c.ci_low)}, ${f3(c.ci_high)}]` }),
    el('td', { text: pval(c.p) }),
    el('td', { text: String(c.n) }),
  ];
}

function showCorrelations(v, summary) {
  const body = [headRow(['', 'r', '95% CI', 'p', 'n'])];
  const add = (label, both, testid) => {
    if (!both) return;
    body.push(el('tr', { 'data-testid': `${testid}-pearson` }, el('td', { text: `${label}, Pearson` }), ...corrCells(both.pearson)));
    body.push(el('tr', { 'data-testid': `${testid}-spearman` }, el('td', { text: `${label}, Spearman` }), ...corrCells(both.spearman)));
  };
  const a = summary.accuracy_vs_aspl;
  const c = summary.accuracy_vs_clustering;
  add('accuracy vs ASPL (runs)', a?.runs, 'sweep-r-aspl-runs');
  add('accuracy vs ASPL (graph means)', a?.means, 'sweep-r-aspl-means');
  add('accuracy vs clustering (runs)', c?.runs, 'sweep-r-clustering-runs');
  add('accuracy vs clustering (graph means)', c?.means, 'sweep-r-clustering-means');
  add('ASPL vs clustering (graphs)', summary.aspl_vs_clustering, 'sweep-r-confound');
  v.statsTable.replaceChildren(el('caption', { text: 'Correlations (Fisher-z intervals; p for r = 0)' }), ...body);
  const conf = summary.aspl_vs_clustering?.pearson.r;
  v.confound.textContent = `${CONFOUND_NOTE}${Number.isFinite(conf) ? ` Here r(ASPL, clustering) = ${f3(conf)}.` : ''}`;
}

function showBaselines(v, summary) {
  const b = summary.best_vs_ring;
  const rows = [headRow(['', 'runs', 'mean', 'sd', 'minus lowest-ASPL graph (points, 95% CI)'])];
  if (b) {
    rows.push(el('tr', { 'data-testid': 'sweep-best' }, el('td', { text: `lowest ASPL (graph ${b.best_index}, ASPL ${f3(b.best.aspl)})` }),
      el('td', { text: String(b.best.runs) }), el('td', { text: pct(b.best.mean) }), el('td', { text: pct(b.best.sd) }), el('td', { text: '—' })));
  }
  for (const x of summary.baselines) {
    const g = x.minus_best;
    rows.push(el('tr', { 'data-testid': `sweep-baseline-${x.kind}` }, el('td', { text: x.kind }), el('td', { text: String(x.runs) }),
      el('td', { text: pct(x.mean) }), el('td', { text: pct(x.sd) }),
      el('td', { text: g ? `${pts(g.points)} [${pts(g.ci_low)}, ${pts(g.ci_high)}]` : '—' })));
  }
  const caption = b ? `Lowest-ASPL graph vs ring: ${pts(b.gain.points)} points [${pts(b.gain.ci_low)}, ${pts(b.gain.ci_high)}], p = ${pval(b.gain.p)}` : 'Baselines';
  v.baseTable.replaceChildren(el('caption', { text: caption }), ...rows);
}
