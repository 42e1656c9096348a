// The graph worker: owns the wasm graph engine and runs generation and searches in chunks, so the
// page never waits on it.
//
// Messages: www/graph-messages.js declares what comes in and goes out (www/protocol.js checks both).

// First: holds the messages that come while the engine loads.
import { takeMessages } from './graph-worker-inbox.js';
import * as rgp from 'rgp-graph';
import { engineConfig, parseHash } from './url-state.js';
import { opensSearching } from './embed/policy.js';
import { FROM_GRAPH_WORKER, TO_GRAPH_WORKER } from './graph-messages.js';
import { dispatcher, message } from './protocol.js';

/** Posts a declared message (`{type, ...fields}`) to the page. */
function post({ type, ...fields }, transfer = []) {
  self.postMessage(message(FROM_GRAPH_WORKER, type, fields), transfer);
}

/** Wall time one chunk of work aims at (ms): long enough to amortise, short enough to stop fast. */
const CHUNK_MS = 30;
/** Minimum spacing of progress messages (ms). */
const POST_MS = 50;
/** Minimum spacing of live graph snapshots during a search (ms); only for graphs small enough to draw. */
const SNAPSHOT_MS = 200;
const SNAPSHOT_MAX_ENTRIES = 1 << 16;

let run = null; // { id, engine, kind: 'search'|'family', stop, ... }
let current = null; // the GraphView shown on the page (for export)

// Yield to the event loop between chunks without setTimeout's 4 ms clamp: a MessageChannel
// message is a fresh task, so 'stop' messages queued meanwhile are handled first.
const channel = new MessageChannel();
const queued = [];
channel.port1.onmessage = () => queued.shift()?.();
function yieldThen(fn) {
  queued.push(fn);
  channel.port2.postMessage(0); // (a MessageChannel tick, not a message to the page)
}

function messageOf(e) {
  if (e && typeof e.message === 'string') return e.message;
  return String(e);
}

/** A configuration the engine refused: the message, and the setting at fault when one is. */
function refused(id, config, family, e) {
  const problem = rgp.check_config(JSON.stringify(config), family);
  post({ type: 'error', id, message: messageOf(e), field: problem?.field ?? null });
}

function view(g) {
  return { n: g.n(), k: g.k(), table: g.table(), fingerprint: g.fingerprint(), metrics: g.metrics() };
}

function postView(id, phase, g, extra = {}) {
  const v = view(g);
  // `memory`: the module's linear memory, for the soak test (app.js writes it on the status line).
  post({ type: 'graph', id, phase, view: v, memory: rgp.wasm_memory_bytes(), ...extra }, [v.table.buffer]);
}

/** Adapts the chunk budget (iterations) so that one chunk takes about CHUNK_MS. */
function nextBudget(budget, ms) {
  const scaled = ms > 0.5 ? (budget * CHUNK_MS) / ms : budget * 4;
  return Math.max(1, Math.min(budget * 4, Math.max(budget / 4, Math.round(scaled)), 1e7));
}

/** Drops the run in progress (its queued chunk sees it is no longer current and returns). */
function dropRun() {
  if (!run) return;
  run.engine.free();
  run = null;
}

function startRun({ id, config, search }) {
  dropRun();
  let engine;
  try {
    engine = new rgp.Search(JSON.stringify(config));
  } catch (e) {
    run = null;
    return refused(id, config, false, e);
  }
  current?.free();
  current = engine.result();
  // (A link made by stopping a search carries `stop_after`; the engine ends there by itself.)
  const r = { id, engine, kind: 'search', stop: false, budget: 16, lastPost: 0, lastSnap: 0, started: 0 };
  run = r;
  postView(id, 'start', current, { progress: engine.progress() });
  if (!search) return finish(r, 'done');
  r.started = performance.now();
  r.lastEvals = 0;
  r.lastTime = r.started;
  yieldThen(() => tick(r));
}

function tick(r) {
  if (run !== r) return;
  if (r.stop) return finish(r, 'stopped');
  let p;
  const t0 = performance.now();
  try {
    p = r.engine.step(r.budget);
  } catch (e) {
    run = null;
    post({ type: 'error', id: r.id, message: messageOf(e) });
    return;
  }
  const t1 = performance.now();
  r.budget = nextBudget(r.budget, t1 - t0);
  if (p.done) return finish(r, 'done');
  if (t1 - r.lastPost >= POST_MS) postProgress(r, p, t1);
  yieldThen(() => tick(r));
}

function postProgress(r, p, now) {
  const evalsPerSec = ((p.evaluations - r.lastEvals) * 1000) / Math.max(1, now - r.lastTime);
  r.lastEvals = p.evaluations;
  r.lastTime = now;
  r.lastPost = now;
  const msg = { type: 'progress', id: r.id, progress: p, evalsPerSec, chunk: r.budget, lastSwap: p.last_swap ?? null };
  const transfer = [];
  const size = r.engine.n() * r.engine.k();
  if (now - r.lastSnap >= SNAPSHOT_MS && size <= SNAPSHOT_MAX_ENTRIES) {
    msg.table = r.engine.current_table();
    transfer.push(msg.table.buffer);
    r.lastSnap = now;
  }
  post(msg, transfer);
}

function finish(r, phase) {
  if (run === r) run = null;
  const p = r.engine.progress();
  const elapsed = r.started ? performance.now() - r.started : 0;
  current?.free();
  current = r.engine.result();
  if (elapsed > 0) current.set_elapsed_ms(elapsed);
  postView(r.id, phase, current, {
    progress: p,
    elapsedMs: elapsed,
    evalsPerSec: elapsed > 0 ? (p.evaluations * 1000) / elapsed : null,
  });
  r.engine.free();
}

// ---- families -------------------------------------------------------------------------------

let family = null; // the last finished Family engine (its members can be picked)

function startFamily({ id, config, pick }) {
  dropRun();
  let engine;
  try {
    engine = new rgp.Family(JSON.stringify(config));
  } catch (e) {
    return refused(id, config, true, e);
  }
  family?.free();
  family = null;
  const r = { id, engine, kind: 'family', stop: false, pick, budget: 16, lastPost: 0, started: performance.now() };
  run = r;
  yieldThen(() => familyTick(r));
}

function familyTick(r) {
  if (run !== r) return;
  let p;
  const t0 = performance.now();
  try {
    p = r.stop ? r.engine.progress() : r.engine.step(r.budget);
  } catch (e) {
    dropRun();
    post({ type: 'error', id: r.id, message: messageOf(e) });
    return;
  }
  const t1 = performance.now();
  r.budget = nextBudget(r.budget, t1 - t0);
  const over = r.stop || p.done;
  if (!over) {
    if (t1 - r.lastPost >= POST_MS) {
      r.lastPost = t1;
      const evalsPerSec = (p.evaluations * 1000) / Math.max(1, t1 - r.started);
      post({ type: 'family', id: r.id, progress: p, evalsPerSec, final: false });
    }
    return yieldThen(() => familyTick(r));
  }
  run = null;
  family = r.engine;
  const elapsedMs = t1 - r.started;
  post({
    type: 'family', id: r.id, progress: p, members: family.members(), final: true, stopped: r.stop, elapsedMs,
    evalsPerSec: (p.evaluations * 1000) / Math.max(1, elapsedMs),
  });
  // A link may name a member to show; otherwise the lowest-ASPL graph.
  pick({ id: r.id, index: Number.isSafeInteger(r.pick) && r.pick < family.count() ? r.pick : 0 });
}

function pick({ id, index }) {
  if (!family) return post({ type: 'error', id, message: 'there is no family to pick from' });
  try {
    const g = family.member(index);
    current?.free();
    current = g;
    postView(id, 'picked', g, { index });
  } catch (e) {
    post({ type: 'error', id, message: messageOf(e) });
  }
}

// ---- requests -------------------------------------------------------------------------------

function reply(req, fn) {
  try {
    const value = fn();
    const transfer = value instanceof Uint8Array ? [value.buffer] : [];
    post({ type: 'reply', req, ok: true, value }, transfer);
  } catch (e) {
    post({ type: 'reply', req, ok: false, error: messageOf(e) });
  }
}

function exportCurrent(format) {
  if (!current) throw new Error('there is no graph to export yet');
  return current.export(format);
}

function importGraph({ req, id, name, bytes }) {
  let g;
  try {
    g = rgp.import_graph(new Uint8Array(bytes), name);
  } catch (e) {
    // The current graph stays as it was.
    post({ type: 'reply', req, ok: false, error: messageOf(e) });
    return;
  }
  dropRun();
  current?.free();
  current = g;
  post({ type: 'reply', req, ok: true, value: null });
  postView(id, 'imported', g);
}

/** The page's link: parsed by the schema's rules and checked by the engine here, so its run
 * starts without a round trip through the page. The verdict goes to the page first (`opened`),
 * then the run's events. */
function openLink({ id, hash, embed = false }) {
  const parsed = parseHash(hash);
  const config = engineConfig(parsed.config);
  const isFamily = parsed.config.search === 'family';
  let problem = null;
  if (!parsed.rejected) {
    try {
      problem = rgp.check_config(JSON.stringify(config), isFamily);
    } catch (e) {
      problem = { field: null, message: messageOf(e) };
    }
  }
  const started = !parsed.rejected && !problem;
  // The app runs its link's search on opening; an embed only when its view or autorun says so.
  const search = !embed || isFamily || opensSearching(parsed.config);
  post({ type: 'opened', id, parsed, problem, started, search });
  if (!started) return;
  if (isFamily) startFamily({ id, config, pick: parsed.config.pick });
  else startRun({ id, config, search });
}

const handle = dispatcher(TO_GRAPH_WORKER, {
  open: openLink,
  run: startRun,
  stop(m) {
    if (run && run.id === m.id) run.stop = true;
  },
  family: startFamily,
  pick,
  export: (m) => reply(m.req, () => exportCurrent(m.format)),
  import: importGraph,
  check: (m) => reply(m.req, () => rgp.check_config(JSON.stringify(m.config), Boolean(m.family))),
});

function onMessage(e) {
  try {
    handle(e.data);
  } catch (err) {
    post({ type: 'error', id: e.data?.id ?? null, message: messageOf(err) });
  }
}

post({ type: 'ready', version: rgp.version() });
takeMessages(onMessage);
