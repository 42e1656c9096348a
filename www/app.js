// RGP Studio app shell: wires the URL state, the configuration form, the graph worker and the
// views together. The main thread only renders (at most once per animation frame); all graph
// work runs in the worker.

/* global RGP_WEBGPU_MODULE */ // 'built' | 'building' | 'absent', set by webpack.config.js

// First: the graph worker starts loading while the rest is evaluated.
import { takeGraphWorker } from './graph-boot.js';
import { Controls } from './controls.js';
import { grouped } from './format.js';
import { wireGraphFiles } from './graph-files.js';
import { mountTraining } from './training-mount.js';
import { embedLayout, embedPanels, isEmbed } from './embed/embed.js';
import { mountShareDialog } from './share-dialog.js';
import { scrollToPanel, showNote } from './presenter.js';
import { mountTour } from './tour.js';
import { mountSweep } from './sweep/mount.js';
import { activity, changesGraph, linkReproduces, replacesWork, settled, Store } from './store.js';
import { engineConfig, parseHash, refuseLink, serialize, writeToLocation } from './url-state.js';
import { AsplChart } from './views/aspl-chart.js';
import { FamilyList } from './views/family-list.js';
import { describe, showNotes, showUndo } from './views/graph-notes.js';
import { GraphViews, validSwap } from './views/graph-views.js';
import { clearProgress, showLive, showMetrics, showProgress, showSearching } from './views/metrics.js';
import { registerServiceWorker } from './sw-client.js';
import { GraphWorker } from './worker-client.js';

const $ = (id) => document.getElementById(id);

const ui = {
  status: document.querySelector('[data-testid="status"]'),
  error: $('error'),
  run: $('run'),
  stop: $('stop'),
  generate: $('generate'),
  importFile: $('import-file'),
  undo: $('undo'),
};

const views = new GraphViews($('graph-canvas'), $('heatmap'));
const chart = new AsplChart($('chart'));

// The page's state is the store's (www/store.js); this holds only the plumbing of the graph
// worker's runs and of drawing.
const store = new Store();
const run = {
  active: null, // id of the worker run whose messages are shown; others are stale
  searching: false, // the active run searches (or builds a family), as opposed to a start graph
  restoring: false, // the active run brings back the graph an edit replaced (Undo)
  familyStopped: false,
  importName: null,
  frame: { progress: null, table: null, swap: null, eps: null },
};

// ---- messages -------------------------------------------------------------------------------

function showError(text) {
  ui.error.textContent = text;
  ui.error.hidden = !text;
}

const setStatus = (state, text = '') => store.do('status', { state, text });

function isFamily() {
  return store.state.config?.search === 'family';
}

// ---- worker messages ------------------------------------------------------------------------

const worker = new GraphWorker(onWorkerMessage, takeGraphWorker());

function onWorkerMessage(m) {
  if (m.type === 'ready') return;
  if (m.type === 'opened') return onOpened(m); // before the events of the run it started
  if (m.id !== null && m.id !== undefined && m.id !== run.active) return; // a replaced run
  switch (m.type) {
    case 'progress':
      run.frame.progress = m.progress;
      run.frame.eps = m.evalsPerSec;
      if (m.table) {
        run.frame.table = m.table;
        run.frame.swap = m.lastSwap;
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
  const shown = { iterations: p.iterations, accepted: 0, aspl: NaN, best_aspl: p.min_aspl, best_diameter: '—' };
  if (!m.final) {
    setStatus('searching', `family: trajectory ${Math.min(p.trajectory + 1, p.trajectories)} of ${p.trajectories}, ${grouped(p.graphs)} graphs`);
    showProgress(shown, m.evalsPerSec, null);
    return;
  }
  familyList.show(m.members);
  run.familyStopped = m.stopped;
  const { pick } = store.state.config;
  if (pick !== null && pick !== undefined && pick >= m.members.length) {
    showError(`The link picks graph ${pick + 1}, but this family has ${m.members.length}; showing the first.`);
    store.do('pick', { index: null });
  }
  if (m.stopped) store.do('stopped', { iterations: p.iterations });
  showProgress(shown, m.evalsPerSec, m.elapsedMs);
}

/** Where a graph view of phase `phase` came from (the store's `source`). */
function sourceOf(m) {
  const iterations = m.progress?.iterations ?? 0;
  if (m.phase === 'stopped') return { kind: 'stopped', iterations };
  if (m.phase === 'picked') return { kind: 'picked', index: m.index };
  // A search of no iterations (iters=0, stop_after=0) gives its start graph, which cost nothing.
  if (m.phase === 'done' && run.searching && iterations > 0) return { kind: 'searched', iterations };
  return { kind: 'start' };
}

function onGraph(m) {
  if (!run.shownFirst) {
    run.shownFirst = true;
    performance.mark('rgp-first-graph');
    chart.release();
  }
  run.frame.progress = null;
  run.frame.table = null;
  ui.status.dataset.wasmMemory = m.memory; // a readout for the soak test: the graph module's memory
  const v = m.view;
  const p = m.progress;
  views.show(v, m.phase === 'start' ? null : validSwap(v, p?.last_swap));
  showMetrics(v);
  if (p && m.phase !== 'picked') {
    showProgress(p, m.evalsPerSec ?? null, m.elapsedMs ?? null);
    chart.push(p.iterations, p.aspl, p.best_aspl);
  }
  if (m.phase === 'imported') return onImported(v);
  store.do('graph', { view: v, source: sourceOf(m) });
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
      if (run.searching) {
        setStatus('searching', 'iteration 0');
        showSearching();
      }
      break;
    case 'done': {
      if (!run.searching) {
        store.do('startShown');
        setStatus('ready', 'start graph; press Search');
        break;
      }
      const secs = m.elapsedMs ? ` in ${(m.elapsedMs / 1000).toFixed(2)} s` : '';
      const stopAfter = store.state.config.stop_after;
      setStatus('done', stopAfter !== null && stopAfter !== undefined ? `stopped at iteration ${its} (as the link says)` : `${its} iterations${secs}`);
      break;
    }
    case 'stopped':
      store.do('stopped', { iterations: p.iterations });
      setStatus('stopped', `iteration ${its}`);
      break;
    case 'picked': {
      familyList.mark(m.index);
      const text = `family graph ${m.index + 1} of ${familyList.members.length}`;
      setStatus(run.familyStopped ? 'stopped' : 'done', text);
      break;
    }
    default:
  }
}

/** An imported graph (a file, or the graph an edit replaced, brought back by Undo). */
function onImported(v) {
  chart.reset();
  clearProgress();
  familyList.hide();
  if (run.restoring) {
    run.restoring = false;
    store.do('restored', { view: v });
    const src = store.state.source;
    setStatus(src.kind === 'stopped' ? 'stopped' : 'done', `${describe(src)}, brought back`);
    return;
  }
  store.do('imported', { view: v, name: run.importName });
  setStatus('done', 'imported graph');
}

// Progress is drawn once per frame, however often it arrives.
function frame() {
  const f = run.frame;
  const s = store.state;
  if (f.progress && s.status.state === 'searching') {
    const p = f.progress;
    showProgress(p, f.eps, null);
    showLive(p);
    chart.push(p.iterations, p.aspl, p.best_aspl);
    setStatus('searching', `iteration ${grouped(p.iterations)}`);
    f.progress = null;
  }
  if (f.table && s.graph) {
    const g = { n: s.graph.n, k: s.graph.k, table: f.table };
    views.show(g, validSwap(g, f.swap));
    f.table = null;
  }
  views.render();
  chart.render();
  requestAnimationFrame(frame);
}

// ---- the views of the store -----------------------------------------------------------------

const controls = new Controls($('controls'), onConfigEdited, () => store.state.config ?? store.state.held);

const familyList = new FamilyList($('family'), $('family-list'), (index) => {
  store.do('pick', { index });
  run.active = worker.pick(index);
});

/** The actions that change the graph form's fields from outside the form. */
const FORM_WRITERS = new Set(['open', 'imported', 'restored']);

store.subscribe((s, prev, action) => {
  if (s.status !== prev.status || s.config !== prev.config) showStatus(s);
  if (s.config && s.config !== prev.config) {
    writeToLocation(s.config); // the link
    // The form's fields are written only when the graph's configuration came from elsewhere (a
    // link, an import, Undo): written on other changes (a stop point, a panel's keys), they would
    // undo a field the user is editing while its check runs. (Its other keys it reads from the
    // store when an edit is made.)
    if (FORM_WRITERS.has(action)) controls.write(s.config);
  }
  // Not on every progress frame: the notes depend on the state, not on the status text.
  if (s.source !== prev.source || s.config !== prev.config || s.status.state !== prev.status.state) showNotes(s);
  if (s.undo !== prev.undo) showUndo(s.undo);
});

function showStatus(s) {
  const { state, text } = s.status;
  ui.status.dataset.state = state;
  ui.status.textContent = text ? `${state} — ${text}` : state;
  // Search and Start graph replace a start graph that is still loading (its run is dropped).
  ui.run.disabled = state === 'searching' || s.config === null;
  ui.generate.disabled = state === 'searching' || s.config === null;
  ui.stop.disabled = state !== 'searching';
}

// ---- actions --------------------------------------------------------------------------------

/** Runs the configuration: its start graph only, or the search (or family) too. `started`: the
 *  id of that run when the worker started it already (the link's run). */
function startRun(search, started = null) {
  clearTimeout(run.editTimer);
  const { config } = store.state;
  if (!config) return;
  run.searching = search;
  run.restoring = false;
  run.familyStopped = false;
  const family = search && isFamily();
  $('chart-figure').hidden = family;
  familyList.hide();
  if (family) {
    chart.reset();
    clearProgress();
    run.active = started ?? worker.family(engineConfig(config), config.pick);
    store.do('run', { search });
    setStatus('searching', 'building the family');
    showSearching();
    return;
  }
  run.active = started ?? worker.run(engineConfig(config), search);
  if (search) chart.reset();
  store.do('run', { search });
}

/** The engine's first problem with a configuration (null or { field, message }). */
function problemOf(config) {
  return worker.check(engineConfig(config), config.search === 'family').catch((e) => ({ field: null, message: e.message }));
}

async function onConfigEdited(config) {
  const edit = (run.edits = (run.edits ?? 0) + 1);
  const problem = config && (await problemOf(config));
  if (edit !== run.edits) return; // a later edit is being checked
  if (config === null || problem) {
    if (problem?.field) controls.message(problem.field, problem.message);
    else if (problem) showError(`Error: ${problem.message}`);
    store.do('invalid');
    return;
  }
  const s = store.state;
  showError('');
  const changed = changesGraph(s, config);
  // A worked graph (searched, stopped, picked, imported) is kept for Undo before it is replaced.
  const undo = changed && replacesWork(s, config) ? worker.exportGraph('json').catch(() => null) : null;
  store.do('edit', { config, undo });
  // A field losing focus repeats its last value: nothing changed, so the graph on show stays.
  if (!changed) return;
  clearTimeout(run.editTimer);
  // Show the new start graph shortly after the user stops typing.
  run.editTimer = setTimeout(() => startRun(false), 150);
}

/** Undo: the graph the last edit replaced comes back with its configuration (and so its link). */
async function undoEdit() {
  const { undo } = store.state;
  if (!undo) return;
  clearTimeout(run.editTimer);
  const bytes = await undo.bytes;
  if (!bytes) {
    showError('The replaced graph could not be kept: run its search again.');
    return;
  }
  showError('');
  const { id, done } = worker.importGraph('kept.json', bytes.slice().buffer);
  run.active = id;
  run.restoring = true;
  done.catch((e) => {
    run.restoring = false;
    showError(`Undo failed: ${e.message}`);
  });
}

ui.undo.addEventListener('click', undoEdit);
ui.run.addEventListener('click', () => {
  if (!store.state.config) return;
  store.do('settings', { patch: { stop_after: null, pick: null } });
  startRun(true);
});
ui.stop.addEventListener('click', () => {
  if (store.state.status.state === 'searching') worker.stop(run.active);
});
ui.generate.addEventListener('click', () => startRun(false));
$('new-seed').addEventListener('click', () => {
  controls.setSeed(crypto.getRandomValues(new Uint32Array(1))[0]);
});

// Copy link, the graph's exports and imports (www/graph-files.js).
wireGraphFiles({ store, run, worker, ui, showError });
mountShareDialog($('share'), () => store.state);

window.addEventListener('resize', () => {
  views.resize();
  chart.resize();
});

// ---- what the panels see of the store (see training-mount.js) --------------------------------

/** The graph the panels may use: the one on show once settled, else null. */
function publicGraph(s = store.state) {
  const g = s.graph;
  return g && settled(s) ? { n: g.n, k: g.k, table: g.table, fingerprint: g.fingerprint, metrics: g.metrics } : null;
}

/** Subscribes `fn` to a part of the state: fn(part) whenever `select(state)` changes. */
function watch(select, fn) {
  return store.subscribe((s, prev) => {
    const now = select(s);
    if (now !== select(prev)) fn(now);
  });
}

const appApi = {
  graph: () => publicGraph(),
  onGraph: (fn) => watch((s) => (settled(s) ? s.graph : null), (g) => g && fn(publicGraph())),
  activity: () => activity(store.state),
  onActivity: (fn) => watch(activity, fn),
  /** The link that reproduces the graph on show, or null for an imported graph. */
  graphLink: () => (linkReproduces(store.state) ? `#${serialize(store.state.config)}` : null),
  config: () => ({ ...store.state.config }),
  setConfig: (patch) => store.do('settings', { patch }),
  /** The network "Download model" saves ({ fingerprint, link, from }) or null. */
  network: () => store.state.network,
  setNetwork: (network) => store.do('network', { network }),
  /** What the panels are doing: { train, sweep }, each null when idle. */
  work: () => store.state.work,
  setWork: (patch) => store.do('work', patch),
  showError,
};

// ---- start ----------------------------------------------------------------------------------

/** The worker's verdict on the page's link: parsed by the schema's rules and checked by the
 *  engine (graph-boot.js posted it at start-up). Opening a page runs its configuration: the
 *  worker started the link's run itself (adopted here); a refused link runs the defaults. */
function onOpened(m) {
  show(m.problem ? refuseLink(m.problem) : m.parsed);
  startRun(m.search, m.started ? m.id : null); // an embed may open on its start graph
}

function show(parsed) {
  store.do('open', { config: parsed.config });
  if (parsed.messages.length) showError(parsed.messages.join(' '));
}

async function start() {
  const embed = isEmbed() && parseHash(window.location.hash).config; // its layout before the first graph
  if (embed) embedLayout(embed, store);
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
  showNote(store.state.config ?? store.state.held, $('presenter-note'), appApi.setConfig);
  scrollToPanel(store.state.config ?? store.state.held);
  mountTour(store.state.config ?? store.state.held, appApi.setConfig);
  performance.mark('rgp-interactive');
  // The rest waits for the first graph on the canvas (or 2 s, when none comes): the training
  // module's compile, the panels and the service worker's precaching would take the CPU from it.
  await Promise.race([views.firstDrawn, new Promise((resolve) => setTimeout(resolve, 2000))]);
  // The embed mounts what its view shows, and no service worker (it runs in other sites' pages).
  if (embed) return embedPanels(embed, appApi, { training: (el) => mountTraining(el, appApi), sweep: (el) => mountSweep(el, appApi) });
  mountTraining($('training'), appApi);
  mountSweep($('sweep'), appApi);
  startServiceWorker();
}

// The service worker (www/sw.js, www/sw-client.js) makes a second visit work offline; registered
// once the page runs, so its precaching never delays the first graph. A build served while its
// WebGPU module is still being built (scripts/serve.sh) registers none: the complete build
// replaces it on the server, and a reload must get that build, not a cache.
function startServiceWorker() {
  if (RGP_WEBGPU_MODULE !== 'building') registerServiceWorker();
}

start();
