// A sweep's graphs and the order of its runs, from a worker of its own: the native builder
// and plan (src/sweep/family.rs), so the fingerprints and the order match `rgp sweep` (seed by
// seed: the ASPL family, the degree sweep, the baselines).


import { TO_SWEEP_GRAPHS_WORKER } from './graphs-messages.js';
import { message } from '../protocol.js';

/**
 * Builds the sweep's graphs and plans its runs in a worker of its own (graphs-worker.js), with the
 * native code (src/sweep/family.rs: `sweep_graphs`, `run_order`): the family, the degree sweep's
 * pairs, one random regular graph per seed when that baseline runs, and every run in the CLI's
 * order. `onGraph(done, total)` after each graph; `shouldStop()` is polled and ends the build at
 * once (the worker is dropped). Neighbour tables arrive as typed arrays, copied once per run to
 * the training worker.
 */
export async function buildGraphs(s, onGraph, shouldStop) {
  const request = {
    family: { nodes: s.nodes, degree: s.degree, graphs: s.graphs, seed: s.seed, iters: s.iters },
    degrees: s.degrees,
    seeds: s.seeds,
    baselines: s.baselines,
  };
  const worker = new Worker(new URL('./graphs-worker.js', import.meta.url), { type: 'module', name: 'sweep-graphs' });
  const reply = new Promise((resolve, reject) => {
    worker.onmessage = ({ data: m }) => {
      if (m.type === 'ready') worker.postMessage(message(TO_SWEEP_GRAPHS_WORKER, 'graphs', { request }));
      else if (m.type === 'progress') onGraph(m.done, m.total);
      else if (m.ok) resolve(m.value);
      else reject(new Error(m.error));
    };
    worker.onerror = (e) => {
      e.preventDefault();
      reject(new Error(`The sweep's graph engine failed to load: ${e.message || 'worker error'}`));
    };
  });
  let poll;
  const stopped = new Promise((_, reject) => {
    poll = setInterval(() => shouldStop() && reject(new Error('stopped')), 100);
  });
  try {
    return planned(await Promise.race([reply, stopped]));
  } finally {
    clearInterval(poll);
    worker.terminate();
  }
}

/** The worker's reply as graphs with typed tables, and the runs with their graphs. */
function planned(reply) {
  const typed = (g) => ({ ...g, table: Uint32Array.from(g.table) });
  const family = reply.family.map(typed);
  const degrees = reply.degrees.map((pair) => pair.map(typed));
  const randoms = reply.randoms.map(typed);
  const graphAt = (at) => {
    if (at === null) return null;
    if (at.family !== undefined) return family[at.family];
    if (at.degree !== undefined) return degrees[at.degree[0]][at.degree[1]];
    return randoms[at.random - 1];
  };
  const jobs = reply.runs.map((r) => ({ kind: r.kind, degree: r.degree, graph: graphAt(r.graph), seed: r.seed }));
  return { family, degrees, jobs };
}
