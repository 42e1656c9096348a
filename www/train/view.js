// The training panel's DOM: the settings form (views/form.js, from the schema), Train/Stop, the
// backend and comparison lines, the notice, the start numbers, the progress bar and stats, the
// loss, accuracy and fine-tuning charts (views/chart-kit.js) and the results container; and the
// functions that show progress, the training curves and the backend. DOM only: the controller
// (panel.js) talks to the worker.

import { el } from '../dom.js';
import { coerce, control, labelled } from '../views/form.js';
import { LineChart, upTo } from '../views/chart-kit.js';
import { accuracyChart, startNumbers } from './finetune-view.js';
import { pct, percent, num, secs } from './format.js';
import { KEYS, testid } from './settings.js';

const STATS = [
  ['state', 'State'], ['epoch', 'Epoch'], ['loss', 'Loss'], ['lr_now', 'Learning rate'], ['train', 'Train acc'], ['test', 'Test acc'],
  ['rate', 'Images/s'], ['left', 'Time left'], ['first', 'First step'],
];

/** The settings form showing `cfg`: {form, inputs (key → control)}. */
function settingsForm(cfg) {
  const form = el('form', { class: 'tp-grid', 'data-testid': 'train-form', novalidate: '' });
  const inputs = {};
  for (const key of KEYS) {
    inputs[key] = control(key, coerce(key, cfg[key]), { 'data-testid': testid(key) });
    form.append(labelled(key, inputs[key]));
  }
  return { form, inputs };
}

/** The progress stats: {list, stats (key → <dd>)}. */
function statsList() {
  const stats = {};
  const list = el('dl', { class: 'tp-stats', 'data-testid': 'train-stats' });
  for (const [k, label] of STATS) {
    stats[k] = el('dd', { 'data-testid': `train-${k}`, text: k === 'state' ? 'idle' : '—' });
    list.append(el('div', {}, el('dt', { text: label }), stats[k]));
  }
  return { list, stats };
}

/** Builds the panel into `section` with the settings of `cfg`; returns the parts the controller uses. */
export function buildPanel(section, cfg) {
  const { form, inputs } = settingsForm(cfg);
  const trainBtn = el('button', { type: 'button', 'data-testid': 'train-start', text: 'Train' });
  const stopBtn = el('button', { type: 'button', 'data-testid': 'train-stop', text: 'Stop', disabled: '' });
  const backendLine = el('p', { class: 'note', 'data-testid': 'train-backend-line', text: 'Backend: chosen when training starts.' });
  // Shown from the start (its text changes, its line stays): a line appearing when the training
  // module loads, on the first pointer over the panel, moved the buttons below it under the pointer.
  const comparison = el('p', { class: 'note', 'data-testid': 'train-comparison', text: 'Background comparison: decided when the training module loads.' });
  const notice = el('p', { class: 'tp-notice', 'data-testid': 'train-notice', role: 'status', 'aria-live': 'polite' });
  const waiting = el('p', { class: 'note', 'data-testid': 'train-waiting', hidden: '', text: 'Training waits for the search: stop it or let it finish, then train on its graph.' });
  const bar = el('div', { class: 'tp-bar' }, el('span'));
  const { list, stats } = statsList();
  const results = el('div', { class: 'tp-results', 'data-testid': 'train-results', hidden: '' });
  const numbers = startNumbers();
  const { loss, accuracy } = curveCharts();
  const ftChart = accuracyChart('finetune', 'Fine-tuning: test accuracy against step', ['rgp']);
  section.append(form, el('div', { class: 'buttons' }, trainBtn, stopBtn), waiting, backendLine, comparison, notice, numbers.element, bar, list,
    el('div', { class: 'tp-curves' }, loss.element, accuracy.element), ftChart.element, results);
  return { section, form, inputs, trainBtn, stopBtn, waiting, backendLine, comparison, notice, bar, stats, loss, accuracy, results, numbers, ftChart };
}

/** The training curves: loss, and train and test accuracy, against step (shown once a run has points). */
function curveCharts() {
  const x = { label: 'step' };
  return {
    loss: new LineChart({ name: 'loss', title: 'Training loss against step', x, y: { label: 'loss', format: upTo(3) },
      series: [{ label: 'loss', color: '#e8590c' }] }),
    accuracy: new LineChart({ name: 'accuracy', title: 'Accuracy against step', x, y: { label: 'accuracy (%)', unit: '%', format: upTo(2) },
      series: [{ label: 'train accuracy', color: '#1c7ed6' }, { label: 'test accuracy', color: '#2f9e44' }] }),
  };
}

/** The panel's state, in the stats and as the section's data-train-state. */
export function showState(view, s) {
  view.stats.state.textContent = s;
  view.section.dataset.trainState = s;
}

/** Train and Stop for a panel at `work` ('training' | 'racing' | 'loading' | null) or `waiting`
 *  for the graph side. */
export function showBusy(view, work, waiting) {
  view.trainBtn.disabled = work !== null || waiting;
  view.stopBtn.disabled = work !== 'training' && work !== 'racing'; // a load of weights cannot be stopped
  view.waiting.hidden = !waiting || work !== null;
}

/** Clears the progress bar and the stats (all but the state) for a new run. */
export function clearProgress(view) {
  view.bar.firstChild.style.width = '0';
  for (const k of ['epoch', 'loss', 'lr_now', 'train', 'test', 'rate', 'left', 'first']) view.stats[k].textContent = '—';
}

/** One progress report `p` of a run of `epochs` epochs. */
export function showProgress(view, p, epochs) {
  const { stats } = view;
  view.bar.firstChild.style.width = `${(100 * p.step) / p.total_steps}%`;
  stats.epoch.textContent = `${p.epoch.toFixed(2)} / ${epochs}`;
  stats.loss.textContent = p.loss.toFixed(4);
  // The rate the schedule is at (the optimizer's default when the form leaves the rate unset).
  stats.lr_now.textContent = p.lr < 0.01 ? p.lr.toExponential(2) : p.lr.toPrecision(3);
  stats.train.textContent = pct(p.train_accuracy);
  stats.test.textContent = pct(p.test_accuracy);
  stats.rate.textContent = num(p.images_per_sec);
  stats.left.textContent = secs(p.seconds_left);
}

/** The training curves: `points` are [step, loss, train accuracy, test accuracy (null when not measured)]. */
export function drawCurves(view, points) {
  const xs = points.map((p) => p[0]);
  view.loss.setData([xs, points.map((p) => p[1])]);
  view.accuracy.setData([xs, points.map((p) => percent(p[2])), points.map((p) => percent(p[3]))]);
}

/** The measured speeds of a calibration, as the page tells them. */
const speeds = (cal) => [cal.wgpu_ms_per_step !== undefined ? `WebGPU ${cal.wgpu_ms_per_step.toFixed(1)} ms/step` : '',
  cal.cpu_ms_per_step !== undefined ? `CPU ${cal.cpu_ms_per_step.toFixed(1)} ms/step` : ''].filter(Boolean).join(', ');

/** The background CPU/WebGPU comparison ('auto'): 'running', 'done' (with `cal`), 'pending' or 'none'. */
export function showComparison(view, state, cal) {
  const { comparison } = view;
  comparison.dataset.state = state;
  comparison.textContent = state === 'running' ? 'Background comparison: measuring the CPU and WebGPU backends…'
    : state === 'done' ? `Background comparison: done (${speeds(cal)}).`
      : state === 'pending' ? 'Background comparison: starts once training runs.'
        : 'Background comparison: not needed.';
}

/** The run moved between backends mid-run (`m` from the worker's 'moved'). */
export function showMoved(view, m) {
  const to = m.to === 'wgpu' ? 'WebGPU' : 'CPU';
  view.backendLine.textContent = `Backend: ${to} (moved from ${m.from === 'wgpu' ? 'WebGPU' : 'the CPU'} at step ${m.step} of ${m.total_steps}: ${m.reason})`;
  view.notice.textContent = `This run moved to ${to} at step ${m.step} of ${m.total_steps} (${m.reason}) in ${Math.round(m.ms)} ms, with its weights, optimizer state and epochs; it goes on from there.`;
  view.section.dataset.trainBackend = m.to;
}

/** While the training module loads and the backends are measured. */
export function showBackendLoading(view) {
  view.backendLine.textContent = 'Loading the training module and measuring the backends…';
}

/** The backend the worker chose (`info` from TrainClient.init), its adapter and calibration, and its notice. */
export function showBackend(view, info) {
  const a = info.adapter;
  const adapter = a ? `${a.description || a.vendor || 'adapter'}${a.architecture ? ` (${a.architecture})` : ''}${a.fallback ? ', software fallback' : ''}` : 'none';
  const cal = speeds(info.calibration || {});
  const why = info.reason ? ` (${info.reason})` : '';
  view.backendLine.textContent = `Backend: ${info.backend === 'wgpu' ? 'WebGPU' : 'CPU'}${why} · WebGPU adapter: ${adapter}${cal ? ` · calibration: ${cal}` : ''}`;
  showComparison(view, info.compare ? 'pending' : 'none');
  view.section.dataset.trainBackend = info.backend;
  view.notice.textContent = info.notice || '';
}

/** Adds `text` to the notice, after what it says already. */
export function addNotice(view, text) {
  view.notice.textContent = [view.notice.textContent, text].filter(Boolean).join(' ');
}
