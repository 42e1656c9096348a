// The sweep panel: does lower ASPL give higher accuracy? For the graph settings above (n, k,
// seed, search budget) it builds a family from the ring lattice to the annealed minimum, trains
// every graph with several seeds in the training worker, and shows accuracy against ASPL (and
// against clustering, which is confounded with it), the correlations with their intervals, the
// degree sweep and the baselines, live. Stoppable; finished runs are kept in this browser, so
// Start after Stop (or after a reload) resumes. Its settings live in the link (sweep_* keys).
// Mounted lazily by www/sweep/mount.js.

import { TrainClient } from '../train/client.js';
import { downloadBytes } from '../files.js';
import { el } from '../dom.js';
import { fieldOf, valueOf } from '../url-state.js';
import { control, labelled, rangeProblem } from '../views/form.js';
import { pngBlob, scatterSvg, svgText } from './charts.js';
import { CONFOUND_NOTE, summarize, toCsv } from './engine.js';
import {
  APP_BASELINES, buildGraphs, jobKey, jobLabel, parseBaselines, parseDegrees, rowKey, trainJob,
} from './runner.js';

// The panel's settings in form order; their defaults, ranges, labels and help are the schema's
// (src/config/schema.rs). Deep networks (rgp sweep --depth L): L masked layers sharing the graph;
// a depth sweep is one sweep per depth.
const KEYS = [
  'sweep_model', 'sweep_dataset', 'sweep_data', 'sweep_graphs', 'sweep_seeds', 'sweep_epochs', 'sweep_lr',
  'sweep_degrees', 'sweep_baselines', 'sweep_backend', 'sweep_start', 'sweep_depth', 'sweep_residual',
];

const COLORS = { main: '#e4572e', worst: '#3b6ea8', dense: '#2a9d5c', random: '#8a5cc2' };
const STORE = 'rgp-sweep/v1:';

const f3 = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3));
const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : '—');
const pts = (x) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(2)}` : '—');
const pval = (p) => (!Number.isFinite(p) ? '—' : p === 0 ? '0' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

export function mount(section, app) {
  const body = el('div', { class: 'sw-body' });
  section.append(body);

  // ---- settings -------------------------------------------------------------------------------
  const grid = el('div', { class: 'sw-grid' });
  const inputs = {};
  const cfg0 = app.config();
  for (const key of KEYS) {
    const id = `sw-${key}`;
    inputs[key] = control(key, valueOf(cfg0, key), { id });
    grid.append(labelled(key, inputs[key], { for: id }));
  }
  const graphLine = el('p', { class: 'note', 'data-testid': 'sweep-graph-settings' });
  const message = el('p', { class: 'error', 'data-testid': 'sweep-message', hidden: '' });
  const startBtn = el('button', { type: 'button', class: 'primary', 'data-testid': 'sweep-start', text: 'Start' });
  const stopBtn = el('button', { type: 'button', 'data-testid': 'sweep-stop', text: 'Stop', disabled: '' });
  const resetBtn = el('button', { type: 'button', 'data-testid': 'sweep-reset', text: 'Forget results' });
  const status = el('span', { class: 'status', 'data-testid': 'sweep-status', 'data-state': 'idle', text: 'idle' });
  const runs = el('span', { 'data-testid': 'sweep-runs', text: '0' });
  const progress = el('p', { class: 'note', 'data-testid': 'sweep-progress', text: '' });
  const cmd = el('code', { class: 'sw-cmd', 'data-testid': 'sweep-command' });

  // ---- results --------------------------------------------------------------------------------
  const charts = el('div', { class: 'sw-charts' });
  const figs = {};
  for (const [name, caption] of [
    ['aspl', 'Test accuracy against ASPL: each dot a run, bars mean ± sd over seeds.'],
    ['clustering', `Test accuracy against clustering. ${CONFOUND_NOTE}`],
    ['degree', 'Degree sweep: lowest-ASPL (annealed) and ring graph of each degree, against the kept fraction k/n.'],
  ]) {
    const holder = el('div', { 'data-testid': `sweep-chart-${name}` });
    const svgBtn = el('button', { type: 'button', 'data-testid': `sweep-svg-${name}`, text: 'SVG' });
    const pngBtn = el('button', { type: 'button', 'data-testid': `sweep-png-${name}`, text: 'PNG' });
    const fig = el('figure', {}, holder, el('figcaption', {}, caption, ' ', svgBtn, ' ', pngBtn));
    figs[name] = { holder, svg: null };
    svgBtn.addEventListener('click', () => {
      if (figs[name].svg) downloadBytes(new TextEncoder().encode(svgText(figs[name].svg)), `rgp-sweep-${name}.svg`, 'svg');
    });
    pngBtn.addEventListener('click', async () => {
      if (!figs[name].svg) return;
      try {
        downloadBytes(new Uint8Array(await (await pngBlob(figs[name].svg)).arrayBuffer()), `rgp-sweep-${name}.png`, 'png');
      } catch (e) {
        showMessage(`PNG export failed: ${e.message}`);
      }
    });
    charts.append(fig);
  }
  const statsTable = el('table', { class: 'sw-table', 'data-testid': 'sweep-stats' });
  const baseTable = el('table', { class: 'sw-table', 'data-testid': 'sweep-baselines' });
  const confound = el('p', { class: 'sw-warn', 'data-testid': 'sweep-confound' });
  const csvBtn = el('button', { type: 'button', 'data-testid': 'sweep-csv', text: 'results.csv' });
  const jsonBtn = el('button', { type: 'button', 'data-testid': 'sweep-json', text: 'summary.json' });
  const nativeNote = el('p', { class: 'note', text: 'The browser trains the graph family, the degree sweep and the dense and random-regular baselines. ' +
    'The random-unstructured and magnitude-pruning baselines, and sweeps too long for a tab, run natively with the command below; ' +
    'its results.csv has the same columns as this one.' });

  body.append(
    graphLine, grid, message,
    el('div', { class: 'sw-buttons' }, startBtn, stopBtn, resetBtn, status, el('span', { text: 'runs done:' }), runs),
    progress, charts, confound, statsTable, baseTable,
    el('div', { class: 'sw-buttons' }, el('span', { text: 'Download' }), csvBtn, jsonBtn),
    nativeNote, cmd,
  );

  // ---- state ----------------------------------------------------------------------------------
  const client = new TrainClient();
  let rows = [];
  let running = false;
  let stopRequested = false;
  let lastGraphs = null;

  function settings() {
    const c = app.config();
    const s = {};
    for (const key of KEYS) {
      const v = inputs[key].value;
      s[key] = fieldOf(key).type === 'enum' ? v : Number(v);
    }
    return {
      link: s,
      nodes: c.nodes,
      degree: c.degree,
      seed: c.seed,
      iters: c.iters,
      model: s.sweep_model,
      dataset: s.sweep_dataset,
      data: s.sweep_data,
      graphs: s.sweep_graphs,
      seeds: s.sweep_seeds,
      epochs: s.sweep_epochs,
      lr: s.sweep_lr,
      degrees: parseDegrees(s.sweep_degrees),
      baselines: parseBaselines(s.sweep_baselines),
      backend: s.sweep_backend,
      start: s.sweep_start,
      depth: s.sweep_depth,
      residual: s.sweep_residual === 'yes',
    };
  }

  /** The first problem with the settings, or ''. */
  function problem(s) {
    for (const key of KEYS) {
      const why = rangeProblem(inputs[key]);
      if (why) return why;
    }
    for (const k of [s.degree, ...s.degrees]) {
      if (k >= s.nodes || (s.nodes * k) % 2 !== 0) return `Degree ${k} does not fit ${s.nodes} nodes (k < n, n·k even); pick another degree sweep or more nodes.`;
    }
    if (s.start === 'pretrained' && (s.depth > 0 || s.residual)) {
      return 'Fine-tuning sweeps start from the pretrained networks, which have the standard layers: set depth 0 and no residual connections.';
    }
    const width = s.model === 'mlp' ? 256 : 64;
    if (s.nodes > width) return `The ${s.model.toUpperCase()}'s masked layers are ${width} wide: at most ${width} nodes.`;
    return '';
  }

  // Results saved before fine-tuning and deep sweeps existed keep their key (the defaults add nothing).
  const identity = (s) => JSON.stringify([s.nodes, s.degree, s.seed, s.iters, s.graphs, s.model, s.dataset, s.data, s.epochs, s.lr,
    ...(s.start === 'pretrained' ? ['pretrained'] : []), ...(s.depth > 0 || s.residual ? [s.depth, s.residual] : [])]);

  function load(s) {
    try {
      const saved = JSON.parse(localStorage.getItem(STORE + identity(s)) ?? '[]');
      return Array.isArray(saved) ? saved : [];
    } catch {
      return [];
    }
  }

  function save(s) {
    try {
      localStorage.setItem(STORE + identity(s), JSON.stringify(rows));
    } catch {
      // Storage full or blocked: the sweep goes on, it just cannot be resumed after a reload.
    }
  }

  function showMessage(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function setState(state, text) {
    status.dataset.state = state;
    status.textContent = text ? `${state} — ${text}` : state;
    startBtn.disabled = state === 'building' || state === 'training';
    stopBtn.disabled = !(state === 'building' || state === 'training');
    for (const i of Object.values(inputs)) i.disabled = running;
    resetBtn.disabled = running;
  }

  function nativeCommand(s) {
    const baselines = s.baselines.length ? s.baselines.join(',') : 'none';
    const degrees = s.degrees.length ? ` --degrees ${s.degrees.join(',')}` : '';
    return `rgp sweep --model ${s.model} --dataset ${s.dataset}${s.data === 'quick' ? '-quick' : ''} --nodes ${s.nodes} ` +
      `--degree ${s.degree}${degrees} --graphs ${s.graphs} --seeds ${s.seeds} --epochs ${s.epochs} --lr ${s.lr} ` +
      `--graph-seed ${s.seed} --iters ${s.iters} --baselines ${baselines}${s.start === 'pretrained' ? ' --start pretrained' : ''}` +
      `${s.depth > 0 ? ` --depth ${s.depth}` : ''}${s.residual ? ` --residual${s.model === 'mlp' ? ' --norm' : ''}` : ''} --out sweep-out`;
  }

  function refreshSettings() {
    const s = settings();
    graphLine.textContent = `Family: n = ${s.nodes}, k = ${s.degree} (kept ${(100 * s.degree / s.nodes).toFixed(2)}%), ` +
      `search seed ${s.seed}, ${s.iters.toLocaleString('en-US')} iterations per search — from the graph settings above.`;
    cmd.textContent = nativeCommand(s);
    const p = problem(s);
    showMessage(p);
    if (!running) {
      rows = load(s);
      render(s);
      if (rows.length) setState('stopped', `${rows.length} runs kept from before; Start resumes`);
      else setState('idle');
    }
    // After setState, which enables Start whenever nothing runs.
    startBtn.disabled = running || Boolean(p);
    return s;
  }

  for (const i of Object.values(inputs)) i.addEventListener('change', refreshSettings);
  app.onGraph(() => {
    if (!running) refreshSettings();
  });

  // ---- rendering ------------------------------------------------------------------------------

  function familyChart(summary, key, label) {
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
    return scatterSvg({
      title: `Test accuracy vs ${label}`,
      xLabel: label,
      yLabel: 'test accuracy (%)',
      series,
      lines: dense ? [{ label: 'dense', y: 100 * dense.mean, color: COLORS.dense }] : [],
      xFormat: (v) => (key === 'aspl' ? v.toFixed(1) : v.toFixed(2)),
      yFormat: (v) => v.toFixed(1),
    });
  }

  function degreeChart(summary) {
    const best = summary.degrees.filter((d) => d.best);
    const worst = summary.degrees.filter((d) => d.worst);
    return scatterSvg({
      title: 'Degree sweep: accuracy vs kept fraction k/n',
      xLabel: 'kept fraction k/n',
      yLabel: 'test accuracy (%)',
      series: [
        { label: 'lowest ASPL', color: COLORS.main, points: [], groups: best.map((d) => ({ x: d.kept_fraction, mean: 100 * d.best.mean, sd: 100 * d.best.sd })) },
        { label: 'ring', color: COLORS.worst, points: [], groups: worst.map((d) => ({ x: d.kept_fraction, mean: 100 * d.worst.mean, sd: 100 * d.worst.sd })) },
      ],
      xFormat: (v) => v.toFixed(3),
      yFormat: (v) => v.toFixed(1),
    });
  }

  function setChart(name, svg) {
    figs[name].svg = svg;
    figs[name].holder.replaceChildren(svg);
  }

  function corrCells(c) {
    return [
      el('td', { text: f3(c.r) }),
      el('td', { text: `[${f3(c.ci_low)}, ${f3(c.ci_high)}]` }),
      el('td', { text: pval(c.p) }),
      el('td', { text: String(c.n) }),
    ];
  }

  function renderStats(summary) {
    const head = el('tr', {}, ...['', 'r', '95% CI', 'p', 'n'].map((h) => el(h ? 'th' : 'td', { text: h })));
    const body = [head];
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
    statsTable.replaceChildren(el('caption', { text: 'Correlations (Fisher-z intervals; p for r = 0)' }), ...body);

    const b = summary.best_vs_ring;
    const rowsOut = [el('tr', {}, ...['', 'runs', 'mean', 'sd', 'minus lowest-ASPL graph (points, 95% CI)'].map((h) => el(h ? 'th' : 'td', { text: h })))];
    if (b) {
      rowsOut.push(el('tr', { 'data-testid': 'sweep-best' }, el('td', { text: `lowest ASPL (graph ${b.best_index}, ASPL ${f3(b.best.aspl)})` }),
        el('td', { text: String(b.best.runs) }), el('td', { text: pct(b.best.mean) }), el('td', { text: pct(b.best.sd) }), el('td', { text: '—' })));
    }
    for (const x of summary.baselines) {
      const g = x.minus_best;
      rowsOut.push(el('tr', { 'data-testid': `sweep-baseline-${x.kind}` }, el('td', { text: x.kind }), el('td', { text: String(x.runs) }),
        el('td', { text: pct(x.mean) }), el('td', { text: pct(x.sd) }),
        el('td', { text: g ? `${pts(g.points)} [${pts(g.ci_low)}, ${pts(g.ci_high)}]` : '—' })));
    }
    baseTable.replaceChildren(el('caption', { text: b ? `Lowest-ASPL graph vs ring: ${pts(b.gain.points)} points [${pts(b.gain.ci_low)}, ${pts(b.gain.ci_high)}], p = ${pval(b.gain.p)}` : 'Baselines' }), ...rowsOut);
    const conf = summary.aspl_vs_clustering?.pearson.r;
    confound.textContent = `${CONFOUND_NOTE}${Number.isFinite(conf) ? ` Here r(ASPL, clustering) = ${f3(conf)}.` : ''}`;
  }

  function render(s) {
    let summary;
    try {
      summary = summarize(rows, s.nodes, s.degree);
    } catch (e) {
      // Runs kept by another version or edited by hand: set aside, never half-read.
      showMessage(`The runs kept in this browser could not be read (${e.message}); they are not used.`);
      rows = [];
      summary = summarize(rows, s.nodes, s.degree);
    }
    runs.textContent = String(rows.length);
    setChart('aspl', familyChart(summary, 'aspl', 'ASPL'));
    setChart('clustering', familyChart(summary, 'clustering', 'clustering coefficient'));
    setChart('degree', degreeChart(summary));
    renderStats(summary);
    return summary;
  }

  // ---- actions --------------------------------------------------------------------------------

  async function start() {
    if (running) return;
    const s = refreshSettings();
    if (problem(s)) return;
    app.setConfig({ sweep: true, ...s.link });
    running = true;
    stopRequested = false;
    showMessage('');
    rows = load(s);
    try {
      setState('building', 'graphs');
      lastGraphs = await buildGraphs(s, (done, total) => {
        progress.textContent = `Building graphs: ${done} of ${total}`;
      }, () => stopRequested);
      const jobs = lastGraphs.jobs;
      const done = new Set(rows.map(rowKey));
      const todo = jobs.filter((j) => !done.has(jobKey(j)));
      setState('training', `${todo.length} of ${jobs.length} runs to go`);
      const info = await client.init(s.backend);
      if (info.notice) progress.textContent = info.notice;
      for (let i = 0; i < todo.length && !stopRequested; i++) {
        const job = todo[i];
        const label = `run ${rows.length + 1} of ${jobs.length}: ${jobLabel(job)}, seed ${job.seed}`;
        progress.textContent = label;
        const row = await trainJob(client, s, job, lastGraphs, (p) => {
          progress.textContent = `${label} — epoch ${p.epoch.toFixed(2)} of ${s.epochs}, loss ${p.loss.toFixed(4)}, ${Math.round(p.images_per_sec)} img/s`;
        });
        if (!row) break;
        rows.push(row);
        save(s);
        render(s);
        setState('training', `${jobs.length - rows.length} runs to go`);
      }
      running = false;
      if (stopRequested) setState('stopped', `${rows.length} runs done; Start resumes`);
      else setState('done', `${rows.length} runs`);
    } catch (e) {
      running = false;
      if (stopRequested) setState('stopped', `${rows.length} runs done; Start resumes`);
      else {
        showMessage(`Sweep failed: ${e.message}`);
        setState('error');
      }
    }
    for (const i of Object.values(inputs)) i.disabled = false;
    render(s);
  }

  startBtn.addEventListener('click', start);
  stopBtn.addEventListener('click', () => {
    stopRequested = true;
    client.stop();
    setState('stopping');
  });
  resetBtn.addEventListener('click', () => {
    const s = settings();
    try {
      localStorage.removeItem(STORE + identity(s));
    } catch {
      // nothing kept
    }
    rows = [];
    render(s);
    setState('idle');
  });
  csvBtn.addEventListener('click', () => {
    downloadBytes(new TextEncoder().encode(toCsv(rows)), 'results.csv', 'csv');
  });
  jsonBtn.addEventListener('click', () => {
    const s = settings();
    const doc = {
      config: { ...s, link: undefined, baselines: s.baselines.filter((b) => APP_BASELINES.includes(b)) },
      graphs: lastGraphs ? lastGraphs.family.map(({ table, ...g }) => ({ kind: 'graph', ...g })) : [],
      summary: summarize(rows, s.nodes, s.degree),
    };
    downloadBytes(new TextEncoder().encode(`${JSON.stringify(doc, null, 2)}\n`), 'summary.json', 'json');
  });

  refreshSettings();
  return { start };
}
