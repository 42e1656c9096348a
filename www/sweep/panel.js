// The sweep panel: does lower ASPL give higher accuracy? For the graph settings above (n, k,
// seed, search budget) it builds a family from the ring lattice to the annealed minimum, trains
// every graph with several seeds in the training worker, and shows accuracy against ASPL (and
// against clustering, which is confounded with it), the correlations with their intervals, the
// degree sweep and the baselines, live. Stoppable; finished runs are kept in this browser, so
// Start after Stop (or after a reload) resumes. Its settings live in the link (sweep_* keys).
// Mounted lazily by www/sweep/mount.js.

import { TrainClient } from '../train/client.js';
import { downloadBytes } from '../files.js';
import { grouped } from '../format.js';
import { summarize, toCsv } from './engine.js';
import { buildGraphs } from './graphs.js';
import { jobKey, jobLabel, rowKey, trainJob } from './jobs.js';
import { APP_BASELINES, forgetRows, loadRows, nativeCommand, problemOf, readSettings, sameRuns, saveRows } from './settings.js';
import { buildView, showSummary } from './view.js';

// The controller: settings from the view's form, the sweep's state, the training worker, files.
export function mount(section, app) {
  const panel = new SweepPanel(section, app);
  return { start: () => panel.start() };
}

class SweepPanel {
  constructor(section, app) {
    this.app = app;
    this.v = buildView(section, app.config());
    this.client = new TrainClient();
    this.st = { rows: [], running: false, stopRequested: false, graphs: null };
    const refresh = () => this.refreshSettings();
    wireButtons(this);
    for (const i of Object.values(this.v.inputs)) i.addEventListener('change', refresh);
    app.onGraph(() => {
      if (!this.st.running) refresh();
    });
    refresh();
  }

  settings() {
    return readSettings(this.v.inputs, this.app.config());
  }

  showMessage(text) {
    this.v.message.textContent = text;
    this.v.message.hidden = !text;
  }

  setState(state, text) {
    const v = this.v;
    v.status.dataset.state = state;
    v.status.textContent = text ? `${state} — ${text}` : state;
    v.startBtn.disabled = state === 'building' || state === 'training';
    v.stopBtn.disabled = !(state === 'building' || state === 'training');
    for (const i of Object.values(v.inputs)) i.disabled = this.st.running;
    v.resetBtn.disabled = this.st.running;
  }

  /** The summary of the kept runs, drawn; runs that do not read are set aside with a message. */
  render(s) {
    let summary;
    try {
      summary = summarize(this.st.rows, s.nodes, s.degree);
    } catch (e) {
      // Runs kept by another version or edited by hand: set aside, never half-read.
      this.showMessage(`The runs kept in this browser could not be read (${e.message}); they are not used.`);
      this.st.rows = [];
      summary = summarize(this.st.rows, s.nodes, s.degree);
    }
    showSummary(this.v, summary, this.st.rows);
    return summary;
  }

  refreshSettings() {
    const { v, st } = this;
    const s = this.settings();
    v.graphLine.textContent = `Family: n = ${s.nodes}, k = ${s.degree} (kept ${(100 * s.degree / s.nodes).toFixed(2)}%), ` +
      `search seed ${s.seed}, ${grouped(s.iters)} iterations per search — from the graph settings above.`;
    v.cmd.textContent = nativeCommand(s);
    const p = problemOf(s, v.inputs);
    // Runs are kept per configuration: other settings show their own runs, and the page says
    // where the ones on show went (they come back with their settings).
    const left = this.shown && !sameRuns(this.shown, s) && !st.running ? st.rows.length : 0;
    this.showMessage(p || (left ? `${left} runs of the previous settings stay kept in this browser: set them back to see them.` : ''));
    if (!st.running) {
      this.shown = s;
      st.rows = loadRows(s);
      this.render(s);
      if (st.rows.length) this.setState('stopped', `${st.rows.length} runs kept from before; Start resumes`);
      else this.setState('idle');
    }
    // After setState, which enables Start whenever nothing runs.
    v.startBtn.disabled = st.running || Boolean(p);
    return s;
  }

  /** Trains the runs not kept yet, one after the other, keeping each as it finishes. */
  async trainRuns(s) {
    const { v, st } = this;
    const jobs = st.graphs.jobs;
    const done = new Set(st.rows.map(rowKey));
    const todo = jobs.filter((j) => !done.has(jobKey(j)));
    this.setState('training', `${todo.length} of ${jobs.length} runs to go`);
    const info = await this.client.init(s.backend);
    if (info.notice) v.progress.textContent = info.notice;
    for (let i = 0; i < todo.length && !st.stopRequested; i++) {
      const job = todo[i];
      const label = `run ${st.rows.length + 1} of ${jobs.length}: ${jobLabel(job)}, seed ${job.seed}`;
      v.progress.textContent = label;
      const row = await trainJob(this.client, s, job, st.graphs, (p) => {
        v.progress.textContent = `${label} — epoch ${p.epoch.toFixed(2)} of ${s.epochs}, loss ${p.loss.toFixed(4)}, ${Math.round(p.images_per_sec)} img/s`;
      });
      if (!row) break;
      st.rows.push(row);
      saveRows(s, st.rows);
      this.render(s);
      this.setState('training', `${jobs.length - st.rows.length} runs to go`);
    }
  }

  async start() {
    const st = this.st;
    if (st.running) return;
    const s = this.refreshSettings();
    if (problemOf(s, this.v.inputs)) return;
    this.app.setConfig({ sweep: true, ...s.link });
    Object.assign(st, { running: true, stopRequested: false, rows: loadRows(s) });
    this.app.setWork({ sweep: 'running' });
    this.showMessage('');
    try {
      this.setState('building', 'graphs');
      st.graphs = await buildGraphs(s, (done, total) => {
        this.v.progress.textContent = `Building graphs: ${done} of ${total}`;
      }, () => st.stopRequested);
      await this.trainRuns(s);
      st.running = false;
      if (st.stopRequested) this.setState('stopped', `${st.rows.length} runs done; Start resumes`);
      else this.setState('done', `${st.rows.length} runs`);
    } catch (e) {
      st.running = false;
      if (st.stopRequested) this.setState('stopped', `${st.rows.length} runs done; Start resumes`);
      else {
        this.showMessage(`Sweep failed: ${e.message}`);
        this.setState('error');
      }
    }
    this.app.setWork({ sweep: null });
    for (const i of Object.values(this.v.inputs)) i.disabled = false;
    // The progress line belongs to the work under way: the state line says how it ended.
    this.v.progress.textContent = '';
    this.render(s);
  }
}

/** Start, Stop, Forget and the downloads (each chart exports itself: views/chart-kit.js). */
function wireButtons(panel) {
  const { v, st } = panel;
  v.startBtn.addEventListener('click', () => panel.start());
  v.stopBtn.addEventListener('click', () => {
    st.stopRequested = true;
    panel.client.stop();
    panel.setState('stopping');
  });
  v.resetBtn.addEventListener('click', () => {
    const s = panel.settings();
    forgetRows(s);
    st.rows = [];
    panel.render(s);
    panel.setState('idle');
  });
  v.csvBtn.addEventListener('click', () => {
    downloadBytes(new TextEncoder().encode(toCsv(st.rows)), 'results.csv', 'csv');
  });
  v.jsonBtn.addEventListener('click', () => {
    const s = panel.settings();
    const doc = {
      config: { ...s, link: undefined, baselines: s.baselines.filter((b) => APP_BASELINES.includes(b)) },
      graphs: st.graphs ? st.graphs.family.map(({ table, ...g }) => ({ kind: 'graph', ...g })) : [],
      summary: summarize(st.rows, s.nodes, s.degree),
    };
    downloadBytes(new TextEncoder().encode(`${JSON.stringify(doc, null, 2)}\n`), 'summary.json', 'json');
  });
}
