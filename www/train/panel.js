// The training panel: settings (kept in the link), Train/Stop, live progress, and at the end the
// confusion matrix, per-class accuracy, parameter/FLOP accounting and a dense-vs-pruned
// comparison. Mounted by www/training-mount.js as `mount(section, app)`; the training module
// itself loads only when the panel first needs it (init or Train).

import { TrainClient } from './client.js';
import { el } from '../dom.js';
import { coerce, control, labelled, valueOfControl } from '../views/form.js';
import { drawLines, pretrainedRef, startNumbers } from './finetune-view.js';
import { mountFinetune } from './finetune-panel.js';

const FASHION = ['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Boot'];
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

// The panel's settings in form order; their defaults, ranges, labels and help are the schema's
// (src/config/schema.rs). Fine-tuning from the pretrained network is the default start.
const KEYS = ['model', 'dataset', 'data', 'epochs', 'batch', 'optimizer', 'lr', 'train_seed', 'backend', 'dense', 'depth', 'residual', 'norm', 'start'];
const testid = (key) => (key === 'start' ? 'train-start-from' : `train-${key}`);

const pct = (x) => (x === null || x === undefined || Number.isNaN(x) ? '—' : `${(100 * x).toFixed(1)}%`);
const num = (x) => (x === null || x === undefined ? '—' : Math.round(x).toLocaleString('en-US'));
const secs = (s) => (!Number.isFinite(s) ? '—' : s < 90 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);

export function mount(section, app) {
  const form = el('form', { class: 'tp-grid', 'data-testid': 'train-form', novalidate: '' });
  const inputs = {};
  const cfg = app.config();
  for (const key of KEYS) {
    inputs[key] = control(key, coerce(key, cfg[key]), { 'data-testid': testid(key) });
    form.append(labelled(key, inputs[key]));
  }
  const trainBtn = el('button', { type: 'button', 'data-testid': 'train-start', text: 'Train' });
  const stopBtn = el('button', { type: 'button', 'data-testid': 'train-stop', text: 'Stop', disabled: '' });
  const backendLine = el('p', { class: 'note', 'data-testid': 'train-backend-line', text: 'Backend: chosen when training starts.' });
  const comparison = el('p', { class: 'note', 'data-testid': 'train-comparison', hidden: '' });
  const notice = el('p', { class: 'tp-notice', 'data-testid': 'train-notice', role: 'status', 'aria-live': 'polite' });
  const bar = el('div', { class: 'tp-bar' }, el('span'));
  const stats = {};
  const statList = el('dl', { class: 'tp-stats', 'data-testid': 'train-stats' });
  for (const [k, label] of [
    ['state', 'State'], ['epoch', 'Epoch'], ['loss', 'Loss'], ['train', 'Train acc'], ['test', 'Test acc'],
    ['rate', 'Images/s'], ['left', 'Time left'], ['first', 'First step'],
  ]) {
    stats[k] = el('dd', { 'data-testid': `train-${k}`, text: k === 'state' ? 'idle' : '—' });
    statList.append(el('div', {}, el('dt', { text: label }), stats[k]));
  }
  const chart = el('canvas', { class: 'tp-chart', 'data-testid': 'train-chart', width: '600', height: '150' });
  const results = el('div', { class: 'tp-results', 'data-testid': 'train-results', hidden: '' });
  const numbers = startNumbers();
  const ftChart = el('canvas', { class: 'tp-chart', 'data-testid': 'finetune-chart', width: '600', height: '150' });
  section.append(form, el('div', { class: 'buttons' }, trainBtn, stopBtn), backendLine, comparison, notice, numbers.element, bar, statList, chart, ftChart, results);

  const client = new TrainClient();
  // The background CPU/WebGPU comparison ('auto'), as the page tells it.
  const ms = (cal) => [cal.wgpu_ms_per_step !== undefined ? `WebGPU ${cal.wgpu_ms_per_step.toFixed(1)} ms/step` : '',
    cal.cpu_ms_per_step !== undefined ? `CPU ${cal.cpu_ms_per_step.toFixed(1)} ms/step` : ''].filter(Boolean).join(', ');
  const showComparison = (state, cal) => {
    comparison.hidden = false;
    comparison.dataset.state = state;
    comparison.textContent = state === 'running' ? 'Background comparison: measuring the CPU and WebGPU backends…'
      : state === 'done' ? `Background comparison: done (${ms(cal)}).`
        : state === 'pending' ? 'Background comparison: starts once training runs.'
          : 'Background comparison: not needed.';
  };
  client.onComparison = showComparison;
  // The Rust TrainConfig of a run.
  const runConfig = (s) => ({
    model: s.model, optimizer: s.optimizer, lr: s.lr, batch: s.batch, epochs: s.epochs, seed: s.train_seed, dense: s.dense,
    depth: s.depth, residual: s.residual, norm: s.norm,
  });
  // The pretrained networks have the listed layers only.
  const standard = (s) => s.depth === 0 && !s.residual && !s.norm;
  const runs = new Map(); // 'dense' | 'pruned' → last result of the current settings
  let lossPoints = [];
  let running = false;

  function settings() {
    const o = {};
    for (const key of KEYS) o[key] = valueOfControl(inputs[key]);
    return o;
  }

  form.addEventListener('change', () => {
    app.setConfig(settings());
  });

  function setState(s) {
    stats.state.textContent = s;
    section.dataset.trainState = s;
  }

  function drawChart() {
    const ctx = chart.getContext('2d');
    const w = (chart.width = chart.clientWidth || 600);
    const h = (chart.height = 150);
    ctx.clearRect(0, 0, w, h);
    if (lossPoints.length < 2) return;
    const maxX = lossPoints[lossPoints.length - 1][0] || 1;
    const maxY = Math.max(...lossPoints.map((p) => p[1])) * 1.05 || 1;
    ctx.strokeStyle = '#e8590c';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    lossPoints.forEach(([x, y], i) => {
      const px = 30 + ((w - 40) * x) / maxX;
      const py = h - 18 - ((h - 28) * y) / maxY;
      if (i === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    });
    ctx.stroke();
    ctx.fillStyle = '#555';
    ctx.font = '11px sans-serif';
    ctx.fillText(`loss (max ${maxY.toFixed(2)})`, 32, 12);
    ctx.fillText(`step ${maxX}`, w - 70, h - 4);
  }

  function onProgress(p) {
    bar.firstChild.style.width = `${(100 * p.step) / p.total_steps}%`;
    stats.epoch.textContent = `${p.epoch.toFixed(2)} / ${settings().epochs}`;
    stats.loss.textContent = p.loss.toFixed(4);
    stats.train.textContent = pct(p.train_accuracy);
    stats.test.textContent = pct(p.test_accuracy);
    stats.rate.textContent = num(p.images_per_sec);
    stats.left.textContent = secs(p.seconds_left);
    lossPoints.push([p.step, p.loss]);
    drawChart();
  }

  function renderResults(r, names) {
    results.replaceChildren();
    // Confusion matrix.
    const conf = el('table', { class: 'tp-conf', 'data-testid': 'train-confusion' });
    const head = el('tr', {}, el('th', { text: 'true \\ pred' }));
    names.forEach((n) => head.append(el('th', { text: n })));
    conf.append(head);
    const maxCell = Math.max(...r.test.confusion.flat());
    r.test.confusion.forEach((row, i) => {
      const tr = el('tr', {}, el('th', { text: names[i] }));
      row.forEach((v, j) => {
        const td = el('td', { text: String(v) });
        const a = v / (maxCell || 1);
        td.style.background = i === j ? `rgba(46,125,50,${0.15 + 0.6 * a})` : v ? `rgba(232,89,12,${0.1 + 0.7 * a})` : '';
        tr.append(td);
      });
      conf.append(tr);
    });
    // Per-class accuracy.
    const per = el('table', { 'data-testid': 'train-per-class' }, el('tr', {}, el('th', { text: 'class' }), el('th', { text: 'accuracy' }), el('th')));
    r.test.per_class_accuracy.forEach((a, i) => {
      const bar = el('span', { class: 'tp-acc-bar' });
      bar.style.width = `${Math.round(60 * (a || 0))}px`;
      per.append(el('tr', {}, el('th', { text: names[i] }), el('td', { text: pct(a) }), el('td', {}, bar)));
    });
    // Accounting: per layer, dense against pruned.
    const acc = r.accounting;
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
    const bars = el('canvas', { class: 'tp-chart', 'data-testid': 'train-accounting-chart', width: '360', height: '150' });
    const summary = el('p', { class: 'note', 'data-testid': 'train-summary' });
    summary.textContent = `${r.dense ? 'Dense' : 'Pruned'} ${r.config.model.toUpperCase()} on ${r.dataset} (${r.variant}), ` +
      `${r.backend === 'wgpu' ? 'WebGPU' : 'CPU'}: test accuracy ${pct(r.test.accuracy)} after ${r.history.length} epoch(s), ` +
      `${num(r.images_per_sec)} images/s; ${r.pruned.count.toLocaleString('en-US')} pruned weights, largest |w| ${r.pruned.max_abs}; ` +
      `training module memory ${(r.memory_bytes / 2 ** 20).toFixed(1)} MB.`;
    const cmp = el('table', { 'data-testid': 'train-compare' }, el('tr', {},
      ...['run', 'test acc', 'params', 'FLOPs', 'images/s'].map((t) => el('th', { text: t }))));
    for (const [name, x] of runs) {
      const dense = name === 'dense';
      cmp.append(el('tr', {}, el('th', { text: name }), el('td', { text: pct(x.test.accuracy) }),
        el('td', { text: num(dense ? x.accounting.params_dense : x.accounting.params_pruned) }),
        el('td', { text: num(dense ? x.accounting.flops_dense : x.accounting.flops_pruned) }),
        el('td', { text: num(x.images_per_sec) })));
    }
    // Each result a named region that the keyboard can focus (it scrolls sideways when narrow).
    const box = (title, ...kids) => el('div', { role: 'region', 'aria-label': title, tabindex: '0' }, el('h3', { text: title }), ...kids);
    results.append(
      box('Confusion matrix (test)', conf),
      box('Per-class accuracy', per),
      box('Parameters and FLOPs', table, bars),
      box(runs.size > 1 ? 'Dense vs pruned' : 'Run', summary, cmp,
        runs.size < 2 ? el('p', { class: 'note', text: 'Train again with "Dense baseline" toggled to compare.' }) : ''),
    );
    results.hidden = false;
    // Bar chart: parameters per weight layer, dense (grey) against kept (accent), log scale.
    const ctx = bars.getContext('2d');
    const rows = acc.layers.filter((l) => l.kind !== 'batchnorm');
    const w = bars.width;
    const h = bars.height;
    const max = Math.log10(Math.max(...rows.map((l) => l.params_dense)) + 1);
    const bw = (w - 20) / rows.length;
    ctx.font = '10px sans-serif';
    rows.forEach((l, i) => {
      const x = 10 + i * bw;
      const hd = ((h - 24) * Math.log10(l.params_dense + 1)) / max;
      const hp = ((h - 24) * Math.log10(l.params_pruned + 1)) / max;
      ctx.fillStyle = '#c9d1d9';
      ctx.fillRect(x, h - 14 - hd, bw * 0.4, hd);
      ctx.fillStyle = '#e8590c';
      ctx.fillRect(x + bw * 0.42, h - 14 - hp, bw * 0.4, hp);
      ctx.fillStyle = '#555';
      ctx.fillText(l.name, x, h - 3);
    });
  }

  // One backend choice at a time: a Train click during the warm-up waits for it.
  let initPromise = null;
  let initPref = null;
  function ensureInit(pref) {
    if (initPromise && initPref === pref) return initPromise;
    initPref = pref;
    initPromise = init(pref);
    initPromise.catch(() => {
      initPromise = null;
    });
    return initPromise;
  }

  async function init(pref) {
    setState('loading');
    backendLine.textContent = 'Loading the training module and measuring the backends…';
    const info = await client.init(pref);
    const a = info.adapter;
    const adapter = a ? `${a.description || a.vendor || 'adapter'}${a.architecture ? ` (${a.architecture})` : ''}${a.fallback ? ', software fallback' : ''}` : 'none';
    const cal = ms(info.calibration || {});
    const why = info.reason ? ` (${info.reason})` : '';
    backendLine.textContent = `Backend: ${info.backend === 'wgpu' ? 'WebGPU' : 'CPU'}${why} · WebGPU adapter: ${adapter}${cal ? ` · calibration: ${cal}` : ''}`;
    showComparison(info.compare ? 'pending' : 'none');
    section.dataset.trainBackend = info.backend;
    notice.textContent = info.notice || '';
    return info;
  }

  trainBtn.addEventListener('click', async () => {
    if (running) return;
    const graph = app.graph();
    if (!graph) {
      app.showError('Build a graph first: training maps it onto the network.');
      return;
    }
    const s = settings();
    app.setConfig(s);
    running = true;
    trainBtn.disabled = true;
    stopBtn.disabled = false;
    lossPoints = [];
    drawChart();
    numbers.clear();
    const pretrained = s.start === 'pretrained' && !s.dense;
    const start = pretrained && standard(s) ? await pretrainedRef(s.model, s.dataset) : null;
    // Said after the backend's own notice (ensureInit replaces the notice).
    let startNote = '';
    if (pretrained && !standard(s)) {
      startNote = 'The pretrained networks have the standard layers: a deeper, residual or normalised model trains from random weights.';
    } else if (pretrained && !start) startNote = `This build has no pretrained ${s.model} for ${s.dataset}: training from random weights.`;
    const curve = new Map([['rgp', []]]);
    let level = null; // the dense level of the chart: the pretrained network's measured accuracy
    drawLines(ftChart, new Map());
    results.hidden = true;
    bar.firstChild.style.width = '0';
    for (const k of ['epoch', 'loss', 'train', 'test', 'rate', 'left', 'first']) stats[k].textContent = '—';
    const t0 = performance.now();
    try {
      await ensureInit(s.backend);
      if (startNote) notice.textContent = [notice.textContent, startNote].filter(Boolean).join(' ');
      setState('training');
      const config = runConfig(s);
      let first = true;
      const r = await client.train(config, {
        dataset: s.dataset,
        variant: s.data,
        graph: { n: graph.n, table: graph.table, selfLoops: false },
        start,
        onStart: (m) => {
          level = m.pretrained;
          numbers.set('pretrained', m.pretrained);
          numbers.set('pruned', m.pruned);
          curve.get('rgp').push([0, m.pruned]);
          drawLines(ftChart, curve, { level: m.pretrained, title: 'fine-tuning, test accuracy' });
        },
        onProgress: (p) => {
          if (first) {
            stats.first.textContent = `${((performance.now() - t0) / 1000).toFixed(2)} s`;
            first = false;
          }
          onProgress(p);
          if (start && p.test_accuracy !== null) {
            curve.get('rgp').push([p.step, p.test_accuracy]);
            drawLines(ftChart, curve, { level, title: 'fine-tuning, test accuracy' });
          }
        },
        onNotice: (text) => {
          notice.textContent = text;
        },
      });
      r.dense = s.dense;
      if (r.fallback) section.dataset.trainBackend = 'cpu';
      const key = s.dense ? 'dense' : 'pruned';
      // Keep the comparison only between runs of the same settings (apart from `dense`).
      const sig = JSON.stringify({ ...s, dense: null, fp: graph.fingerprint });
      for (const [k, v] of runs) if (v.sig !== sig) runs.delete(k);
      r.sig = sig;
      runs.set(key, r);
      renderResults(r, s.dataset === 'fashion' ? FASHION : DIGITS);
      stats.test.textContent = pct(r.test.accuracy);
      numbers.set('test', r.test.accuracy);
      setState(r.stopped ? 'stopped' : 'done');
    } catch (e) {
      setState('error');
      app.showError(`Training failed: ${e.message}`);
    } finally {
      running = false;
      trainBtn.disabled = false;
      stopBtn.disabled = true;
    }
  });

  stopBtn.addEventListener('click', () => {
    client.stop();
    setState('stopping');
  });

  // Load the training module and measure the backends as soon as the user turns to this panel,
  // so that "Train" starts training rather than loading.
  const warm = () => {
    section.removeEventListener('pointerenter', warm);
    section.removeEventListener('focusin', warm);
    if (!running && !client.info) ensureInit(settings().backend).then(() => setState('idle'), () => {});
  };
  section.addEventListener('pointerenter', warm);
  section.addEventListener('focusin', warm);

  const ft = mountFinetune({
    app, client, settings, runConfig, standard, setState, ensureInit,
    busy: () => running,
    setBusy: (b) => {
      running = b;
      trainBtn.disabled = b;
      stopBtn.disabled = !b;
    },
  });
  section.append(ft.element);
  // A link with race=true runs the race once its graph is on show.
  if (app.config().race === true) {
    if (app.graph()) ft.startRace();
    else {
      const off = app.onGraph(() => {
        off();
        ft.startRace();
      });
    }
  }

  setState('idle');
}
