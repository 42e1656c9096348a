// The page's one state (docs/ARCHITECTURE.md, "The page's state"). The configuration (what the
// link says), the graph on show and where it came from, the network that "Download model" saves
// and what is under way live here and nowhere else. Every change is a named action of ACTIONS,
// and each says what it invalidates; the form, the link, the status line, the metrics and the
// panels are views that subscribe (they keep no copy).

import { GRAPH_KEYS } from './url-state.js';

/** Graphs that cost work to reach (a search, a stop, a pick, an import): an edit that replaces
 *  one offers Undo. A start graph is the configuration's own and costs nothing. */
const WORKED = new Set(['searched', 'stopped', 'picked', 'imported']);

const initial = Object.freeze({
  config: null, // the configuration on show; null while the form holds an invalid value
  held: null, // the last valid configuration while `config` is null
  graph: null, // { n, k, table, fingerprint, metrics } on show
  // Where `graph` came from: { kind: 'start'|'searched'|'stopped'|'picked'|'imported', iterations?,
  // index?, name? }.
  source: null,
  status: { state: 'loading', text: '' }, // the graph side: loading|searching|ready|done|stopped|error
  network: null, // the network "Download model" saves: { fingerprint, link, from: 'trained'|'loaded'|'onnx', name? (an ONNX file's) }
  work: { train: null, sweep: null }, // the panels' activity: train 'training'|'racing'|'loading'; sweep 'running'
  undo: null, // the worked graph the last edit replaced: { config, source, graph, bytes: Promise<Uint8Array> }
});

const graphKeyChanged = (a, b) => !a || !b || GRAPH_KEYS.some((k) => a[k] !== b[k]);

/**
 * name → { invalidates, reduce(state, payload) → the keys it changes }. `invalidates` is said
 * for the reader and for the model-based test's model (tests/e2e/state-model.spec.mjs).
 */
export const ACTIONS = {
  open: {
    invalidates: 'everything: a page opened on a link shows that link\'s configuration and runs it',
    reduce: (s, { config }) => ({ config, undo: null }),
  },
  edit: {
    invalidates: 'the graph on show when a graph key changed (its start graph follows; until then nothing uses the old one); the stop point and the pick; a worked graph is kept for Undo',
    reduce: (s, { config, undo = null }) => {
      const base = s.config ?? s.held;
      const next = { ...config, stop_after: null, pick: null };
      if (base && !graphKeyChanged(base, next)) return { config: base, held: null }; // back to what is on show
      const kept = undo ? { config: base, source: s.source, graph: s.graph, bytes: undo } : s.undo;
      return { config: next, held: null, status: { state: 'loading', text: 'start graph' }, undo: kept };
    },
  },
  invalid: {
    invalidates: 'the configuration: nothing runs or trains until the form is valid again (the last valid one is held)',
    reduce: (s) => ({ config: null, held: s.config ?? s.held }),
  },
  settings: {
    invalidates: 'nothing of the graph: a panel\'s keys (training, sweep) join the configuration and the link',
    reduce: (s, { patch }) => (s.config ? { config: { ...s.config, ...patch } } : { held: { ...s.held, ...patch } }),
  },
  run: {
    invalidates: 'the graph on show as a result: a search (or its start graph) is under way',
    reduce: (s, { search }) => ({ status: search ? { state: 'searching', text: 'iteration 0' } : { state: 'loading', text: 'start graph' } }),
  },
  graph: {
    invalidates: 'the graph on show (the metrics, the views, what Train and the race use)',
    reduce: (s, { view, source }) => ({ graph: view, source, undo: WORKED.has(source.kind) ? null : s.undo }),
  },
  status: {
    invalidates: 'the status line; whether the graph is settled (Train, the race and the files wait while it is not)',
    reduce: (s, { state, text = '' }) => ({ status: { state, text } }),
  },
  startShown: {
    invalidates: 'the link: with no search run, it stops at iteration 0 (stop_after=0), so it gives the start graph on show and not the search\'s result',
    reduce: (s) => ({ config: { ...s.config, stop_after: ['none', 'family'].includes(s.config.search) ? null : 0 } }),
  },
  stopped: {
    invalidates: 'the link: it records where the search stopped, so it reproduces this graph',
    reduce: (s, { iterations }) => ({ config: { ...s.config, stop_after: iterations } }),
  },
  pick: {
    invalidates: 'the graph on show (a family member) and the link\'s pick',
    reduce: (s, { index }) => ({ config: { ...s.config, pick: index } }),
  },
  imported: {
    invalidates: 'the graph on show, and the form and the link, which take its size (no seed reproduces it)',
    reduce: (s, { view, name }) => ({
      graph: view,
      source: { kind: 'imported', name },
      config: { ...s.config, nodes: view.n, degree: view.k, stop_after: null, pick: null },
      undo: null,
    }),
  },
  restored: {
    invalidates: 'the graph on show, the form and the link: back to the worked graph the last edit replaced',
    reduce: (s, { view }) => ({
      graph: view,
      source: s.undo.source, // its configuration (so the link) comes back with it
      config: s.undo.config,
      undo: null,
    }),
  },
  network: {
    invalidates: 'the network "Download model" saves (and the graph it was built on)',
    reduce: (s, { network }) => ({ network }),
  },
  work: {
    invalidates: 'what the panels are doing (each disables what would disturb it)',
    reduce: (s, patch) => ({ work: { ...s.work, ...patch } }),
  },
};

/** Whether an edit to `config` gives another graph than the one on show. */
export const changesGraph = (s, config) => graphKeyChanged(s.config ?? s.held, config);

/** Whether an edit to `config` would replace a worked graph (so the page keeps it for Undo). */
export const replacesWork = (s, config) => WORKED.has(s.source?.kind) && settled(s) && changesGraph(s, config);

/** Whether the graph on show is the one the configuration gives: no search, load or pending
 *  edit under way, and no error since. Training, the race and the files use the graph only then. */
export const settled = (s) => ['ready', 'done', 'stopped'].includes(s.status.state);

/** The graph side's activity for the panels: 'searching', 'loading' or null. */
export const activity = (s) => (['searching', 'loading'].includes(s.status.state) ? s.status.state : null);

/** Whether the page's link reproduces the graph on show: not for an imported graph (no seed gives
 *  it) nor for a family's start graph (a family link always builds the family). */
export const linkReproduces = (s) => s.source?.kind !== 'imported' && !(s.source?.kind === 'start' && s.config?.search === 'family');

export class Store {
  constructor() {
    this.state = initial;
    this.listeners = new Set();
  }

  /** Runs the named action; every subscriber hears (state, previous state, action name). */
  do(name, payload = {}) {
    const action = ACTIONS[name];
    if (!action) throw new Error(`no action ${name}`);
    const prev = this.state;
    this.state = Object.freeze({ ...prev, ...action.reduce(prev, payload) });
    for (const fn of this.listeners) fn(this.state, prev, name);
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
