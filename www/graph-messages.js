// The graph worker's messages (www/graph-worker.js), declared once (www/protocol.js). Runs carry
// an `id` (0: the link's run, which the worker starts itself); one-off requests a `req`, answered
// by one `reply`. `view` = { n, k, table: Uint32Array (n×k neighbour table), fingerprint, metrics }.

/** What the page (graph-boot.js, worker-client.js) sends the worker. */
export const TO_GRAPH_WORKER = {
  open: { fields: ['id', 'hash', 'embed?'], doc: "the page's link, posted before the engine loads (embed: the page is embed.html): answered by opened, then its run's events" },
  run: { fields: ['id', 'config', 'search'], doc: 'builds the start graph and searches it when search is true; replaces any run' },
  stop: { fields: ['id'], doc: 'stops run id after the chunk in progress (answered by its graph, phase stopped)' },
  family: { fields: ['id', 'config', 'pick'], doc: 'builds a family of graphs, then shows member pick (null: the lowest ASPL)' },
  pick: { fields: ['id', 'index'], doc: 'makes family member index (sorted by ASPL) the current graph' },
  export: { fields: ['req', 'format'], doc: "the current graph's bytes as json, csv or npy; answered by reply" },
  import: { fields: ['req', 'id', 'name', 'bytes'], doc: 'checks a graph file and makes it the current graph; answered by reply, then a graph (imported)' },
  check: { fields: ['req', 'config', 'family'], doc: "the engine's first problem with a configuration (null or {field, message}); answered by reply" },
};

/** What the worker posts back. */
export const FROM_GRAPH_WORKER = {
  ready: { fields: ['version'], doc: 'the engine loaded' },
  opened: { fields: ['id', 'parsed', 'problem', 'started', 'search'], doc: "the link's verdict: the parse, the engine's problem, whether run id started, and whether it searches" },
  graph: {
    fields: ['id', 'phase', 'view', 'memory', 'progress?', 'elapsedMs?', 'evalsPerSec?', 'index?'],
    doc: 'a graph to show: phase start, done, stopped, imported or picked (memory: the module, for the soak test)',
  },
  progress: { fields: ['id', 'progress', 'evalsPerSec', 'chunk', 'lastSwap', 'table?'], doc: "a search's progress, at most every ~50 ms (table: a snapshot)" },
  family: {
    fields: ['id', 'progress', 'evalsPerSec', 'final', 'members?', 'stopped?', 'elapsedMs?'],
    doc: "a family's progress; the final one lists its members, sorted by ASPL",
  },
  reply: { fields: ['req', 'ok', 'value?', 'error?'], doc: 'the answer to export, import or check' },
  error: { fields: ['id', 'message', 'field?'], doc: 'run id failed (field: the link key of the setting at fault)' },
};
