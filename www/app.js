// RGP Studio app shell: wires the URL state, the configuration form, the graph worker and the
// views together. The main thread only renders (at most once per animation frame); all graph
// work runs in the worker.

// First: the graph worker starts loading while the rest is evaluated.
import { takeGraphWorker } from './graph-boot.js';
import { Controls } from './controls.js';
import { grouped } from './format.js';
import { wireGraphFiles } from './graph-files.js';
import { mountTraining } from './training-mount.js';
import { mountSweep } from './sweep/mount.js';
import { engineConfig, parseHash, refuseLink, writeToLocation } from './url-state.js';
import { AsplChart } from './views/aspl-chart.js';
import { FamilyList } from './views/family-list.js';
import { GraphViews } from './views/graph-views.js';
import { clearProgress, showLive, showMetrics, showProgress, showSearching } from './views/metrics.js';
import { GraphWorker } from './worker-client.js';

const $ = (id) => document.getElementById(id);

const ui = {
  status: document.querySelector('[data-testid="status"]'),
  error: $('error'),
  run: $('run'),
  stop: $('stop'),
  generate: $('generate'),
  stopNote: $('stop-note'),
  importNote: $('import-note'),
  importFile: $('import-file'),
};

const views = new GraphViews($('graph-canvas'), $('heatmap'));
const chart = new AsplChart($('chart'));

const app = {
  config: null, // the configuration on show (null while the form holds an invalid value)
  active: null, // id of the worker run whose messages are shown; others are stale
  searching: false, // the active run searches (or builds a family), as opposed to a start graph
  state: 'loading',
  graph: null, // { n, k, table, fingerprint, metrics } on show
  graphListeners: new Set(),
  activityListeners: new Set(),
  frame: { progress: null, table: null, swap: null, eps: null },
};

// ---- status and messages --------------------------------------------------------------------

function showError(text) {
  ui.error.textContent = text;
  ui.error.hidden = !text;
}

function setStatus(state, text) {
  const was = settled();
  app.state = state;
  ui.status.dataset.state = state;
  ui.status.textContent = text ? `${state} — ${text}` : state;
  const busy = state === 'searching' || state === 'loading';
  ui.run.disabled = busy || app.config === null;
  ui.generate.disabled = busy || app.config === null;
  ui.stop.disabled = state !== 'searching';
  if (was !== settled()) for (const fn of app.activityListeners) fn(activity());
}

/** Whether the graph on show is the one the configuration gives: no search or load under way.
 *  Training, the race and the files use the graph only then (never a search's start graph). */
function settled() {
  return app.state !== 'searching' && app.state !== 'loading';
}

/** What the graph side is doing, for the panels: 'searching', 'loading' or null. */
function activity() {
  return settled() ? null : app.state;
}

function isFamily() {
  return app.config?.search === 'family';
}

// ---- worker messages ------------------------------------------------------------------------

const worker = new GraphWorker(onWorkerMessage, takeGraphWorker());

function onWorkerMessage(m) {
  if (m.type === 'ready') return;
  if (m.type === 'opened') return onOpened(m); // before the events of the run it started
  if (m.id !== null && m.id !== undefined && m.id !== app.active) return; // a replaced run
  switch (m.type) {
    case 'progress':
      app.frame.progress = m.progress;
      app.frame.eps = m.evalsPerSec;
      if (m.table) {
        app.frame.table = m.table;
        app.frame.swap = m.lastSwap;
      }
      return;
    case 'family':
      return onFamily(m);
    case 'graph':
      return onGraph(m);
    case 'error': {
      if (m.field) controls.message(m.field, m.message);
      showError(`Error: ${m.message}`);
      setStatus('error');
      return;
    }
    default:
  }
}

function onFamily(m) {
  const p = m.progress;
  if (!m.final) {
    ui.status.textContent = `searching — family: trajectory ${Math.min(p.trajectory + 1, p.trajectories)} of ${p.trajectories}, ${grouped(p.graphs)} graphs`;
    showProgress({ iterations: p.iterations, accepted: 0, aspl: NaN, best_aspl: p.min_aspl, best_diameter: '—' }, m.evalsPerSec, null);
    return;
  }
  familyList.show(m.members);
  app.familyStopped = m.stopped;
  const pick = app.config.pick;
  if (pick !== null && pick !== undefined && pick >= m.members.length) {
    showError(`The link picks graph ${pick + 1}, but this family has ${m.members.length}; showing the first.`);
    app.config = { ...app.config, pick: null };
    writeToLocation(app.config);
  }
  if (m.stopped) recordStop(p.iterations);
  showProgress({ iterations: p.iterations, accepted: 0, aspl: NaN, best_aspl: p.min_aspl, best_diameter: '—' }, m.evalsPerSec, m.elapsedMs);
}

function onGraph(m) {
  if (!app.shownFirst) {
    app.shownFirst = true;
    performance.mark('rgp-first-graph');
    chart.release();
  }
  app.frame.progress = null;
  app.frame.table = null;
  const v = m.view;
  app.graph = v;
  const p = m.progress;
  const swap = m.phase === 'start' ? null : validSwap(v, p?.last_swap);
  views.show(v, swap);
  showMetrics(v);
  if (p && m.phase !== 'picked') {
    showProgress(p, m.evalsPerSec ?? null, m.elapsedMs ?? null);
    chart.push(p.iterations, p.aspl, p.best_aspl);
  }
  const its = p ? grouped(p.iterations) : '0';
  switch (m.phase) {
    case 'start':
      // A run without search follows this with 'done' at once.
      chart.reset();
      clearProgress();
      if (p) {
        showProgress(p, null, null);
        chart.push(p.iterations, p.aspl, p.best_aspl);
      }
      if (app.searching) {
        setStatus('searching', 'iteration 0');
        showSearching();
      }
      break;
    case 'done': {
      if (!app.searching) {
        setStatus('ready', 'start graph; press Search');
        break;
      }
      const secs = m.elapsedMs ? ` in ${(m.elapsedMs / 1000).toFixed(2)} s` : '';
      const fromLink = app.config.stop_after !== null && app.config.stop_after !== undefined;
      setStatus('done', fromLink ? `stopped at iteration ${its} (as the link says)` : `${its} iterations${secs}`);
      break;
    }
    case 'stopped':
      recordStop(p.iterations);
      setStatus('stopped', `iteration ${its}`);
      break;
    case 'imported':
      chart.reset();
      clearProgress();
      graphFiles.adoptImported(app.importName);
      setStatus('done', 'imported graph');
      break;
    case 'picked': {
      familyList.mark(m.index);
      const total = familyList.members.length;
      const text = `family graph ${m.index + 1} of ${total}`;
      if (app.familyStopped) setStatus('stopped', text);
      else setStatus('done', text);
      break;
    }
    default:
  }
  // Listeners hear of settled graphs only (a search's start graph is not one).
  if (settled()) for (const fn of app.graphListeners) fn(publicGraph());
}

/** After Stop, the link records where the search stopped, so it reproduces this graph. */
function recordStop(iterations) {
  app.config = { ...app.config, stop_after: iterations };
  writeToLocation(app.config);
  ui.stopNote.textContent = `Stopped at iteration ${grouped(iterations)}. The link now holds stop_after=${iterations}, so it reproduces this graph.`;
  ui.stopNote.hidden = false;
}

/** A swap is highlighted only if its new edges are in the graph drawn (snapshots can lag). */
function validSwap(v, swap) {
  if (!swap || swap.length !== 4) return null;
  const [s1, t1, s2, t2] = swap;
  const has = (a, b) => a < v.n && v.table.subarray(a * v.k, (a + 1) * v.k).includes(b);
  return has(s1, t2) && has(s2, t1) ? swap : null;
}

// Progress is drawn once per frame, however often it arrives.
function frame() {
  const f = app.frame;
  if (f.progress && app.state === 'searching') {
    const p = f.progress;
    showProgress(p, f.eps, null);
    showLive(p);
    chart.push(p.iterations, p.aspl, p.best_aspl);
    ui.status.textContent = `searching — iteration ${grouped(p.iterations)}`;
    f.progress = null;
  }
  if (f.table && app.graph) {
    const g = { n: app.graph.n, k: app.graph.k, table: f.table };
    const swap = validSwap(g, f.swap);
    views.show(g, swap);
    f.table = null;
  }
  views.render();
  chart.render();
  requestAnimationFrame(frame);
}

// ---- actions --------------------------------------------------------------------------------

/** Runs the configuration: its start graph only, or the search (or family) too. `started`: the
 *  id of that run when the worker started it already (the link's run). */
function startRun(search, started = null) {
  clearTimeout(app.editTimer);
  if (!app.config) return;
  app.imported = null;
  app.searching = search;
  app.familyStopped = false;
  ui.stopNote.hidden = true;
  ui.importNote.hidden = true;
  $('chart-figure').hidden = search && isFamily();
  if (search && isFamily()) {
    chart.reset();
    clearProgress();
    familyList.hide();
    app.active = started ?? worker.family(engineConfig(app.config), app.config.pick);
    setStatus('searching', 'building the family');
    showSearching();
    return;
  }
  familyList.hide();
  app.active = started ?? worker.run(engineConfig(app.config), search);
  if (search) {
    chart.reset();
    setStatus('searching', 'iteration 0');
  } else setStatus('loading', 'start graph');
}

/** The engine's first problem with a configuration (null or { field, message }). */
function problemOf(config) {
  return worker.check(engineConfig(config), config.search === 'family').catch((e) => ({ field: null, message: e.message }));
}

async function onConfigEdited(config) {
  const edit = (app.edits = (app.edits ?? 0) + 1);
  const problem = config && (await problemOf(config));
  if (edit !== app.edits) return; // a later edit is being checked
  if (config === null || problem) {
    if (problem?.field) controls.message(problem.field, problem.message);
    else if (problem) showError(`Error: ${problem.message}`);
    app.config = null;
    ui.run.disabled = true;
    ui.generate.disabled = true;
    return;
  }
  const next = { ...config, stop_after: null, pick: null };
  // A field losing focus repeats its last value: nothing changed, so the graph on show (an
  // imported one too) stays.
  if (app.config && JSON.stringify(next) === JSON.stringify({ ...app.config, stop_after: null, pick: null })) return;
  showError('');
  app.config = next;
  writeToLocation(app.config);
  clearTimeout(app.editTimer);
  // Show the new start graph shortly after the user stops typing.
  app.editTimer = setTimeout(() => startRun(false), 150);
}

const controls = new Controls($('controls'), onConfigEdited);

const familyList = new FamilyList($('family'), $('family-list'), (index) => {
  app.imported = null;
  app.config = { ...app.config, pick: index };
  writeToLocation(app.config);
  app.active = worker.pick(index);
});

ui.run.addEventListener('click', () => {
  if (!app.config) return;
  app.config = { ...app.config, stop_after: null, pick: null };
  writeToLocation(app.config);
  startRun(true);
});
ui.stop.addEventListener('click', () => {
  if (app.state === 'searching') worker.stop(app.active);
});
ui.generate.addEventListener('click', () => startRun(false));
$('new-seed').addEventListener('click', () => {
  controls.setSeed(crypto.getRandomValues(new Uint32Array(1))[0]);
});

// Copy link, the graph's exports and imports (www/graph-files.js).
const graphFiles = wireGraphFiles({ app, worker, ui, controls, familyList, showError });

window.addEventListener('resize', () => {
  views.resize();
  chart.resize();
});

// ---- what the training panel sees of the app (see training-mount.js) -------------------------

function publicGraph() {
  const g = app.graph;
  return g && settled() ? { n: g.n, k: g.k, table: g.table, fingerprint: g.fingerprint, metrics: g.metrics } : null;
}

const appApi = {
  graph: publicGraph,
  onGraph(fn) {
    app.graphListeners.add(fn);
    return () => app.graphListeners.delete(fn);
  },
  activity,
  /** The link that reproduces the graph on show, or null for an imported graph. */
  graphLink: () => (app.imported ? null : window.location.hash),
  onActivity(fn) {
    app.activityListeners.add(fn);
    return () => app.activityListeners.delete(fn);
  },
  config: () => ({ ...app.config }),
  setConfig(patch) {
    app.config = { ...app.config, ...patch };
    // The graph form rebuilds the config from its base on every edit: keep the panel's keys there.
    controls.base = { ...controls.base, ...patch };
    writeToLocation(app.config);
  },
  showError,
};

// ---- start ----------------------------------------------------------------------------------

/** The worker's verdict on the page's link: parsed by the schema's rules and checked by the
 *  engine (graph-boot.js posted it at start-up). Opening a page runs its configuration: the
 *  worker started the link's run itself (adopted here); a refused link runs the defaults. */
function onOpened(m) {
  show(m.problem ? refuseLink(m.problem) : m.parsed);
  startRun(true, m.started ? m.id : null);
}

function show(parsed) {
  app.config = parsed.config;
  controls.write(app.config);
  writeToLocation(app.config);
  if (parsed.messages.length) showError(parsed.messages.join(' '));
}

async function start() {
  requestAnimationFrame(frame);
  worker.attach();
  try {
    await worker.ready;
  } catch (e) {
    show(parseHash(window.location.hash));
    setStatus('error');
    showError(e.message);
    return;
  }
  await worker.opened; // onOpened showed the link and runs it
  performance.mark('rgp-interactive');
  // The rest waits for the first graph on the canvas (or 2 s, when none comes): the training
  // module's compile, the panels and the service worker's precaching would take the CPU from it.
  await Promise.race([views.firstDrawn, new Promise((resolve) => setTimeout(resolve, 2000))]);
  mountTraining($('training'), appApi);
  mountSweep($('sweep'), appApi);
  registerServiceWorker();
}

// The service worker (www/sw.js) makes a second visit work offline; registered once the page
// runs, so its precaching never delays the first graph.
function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register('sw.js').catch((e) => console.warn('service worker:', e.message));
}

start();
