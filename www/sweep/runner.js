// The in-app sweep: builds the graphs and the order of the runs in a graph worker of its own (the
// native builder and plan, so fingerprints and order match `rgp sweep`: seed by seed, the ASPL
// family, the degree sweep, the baselines) and trains them one after the other in the training
// worker. Rows use the columns of the native results.csv; www/sweep/engine.js writes the file
// and the statistics with the native code.

import { GraphWorker } from '../worker-client.js';
import { pretrainedRef } from '../train/finetune-view.js';

/** Baselines the browser can train (the others need weight surgery: native `rgp sweep` only). */
export const APP_BASELINES = ['dense', 'random-regular'];

/** `4-8-16` → [4, 8, 16]; 'none' → []. */
export function parseDegrees(text) {
  return text === 'none' ? [] : text.split('-').map(Number);
}

export function parseBaselines(text) {
  if (text === 'none') return [];
  if (text === 'all') return [...APP_BASELINES];
  return [text];
}

/**
 * Builds the sweep's graphs and plans its runs in a graph worker of its own, with the native
 * code (src/sweep/family.rs: `sweep_graphs`, `run_order`): the family, the degree sweep's pairs,
 * one random regular graph per seed when that baseline runs, and every run in the CLI's order.
 * `onGraph(done, total)` after each graph; `shouldStop()` is polled and ends the build at once
 * (the worker is dropped). Neighbour tables arrive as typed arrays, copied once per run to the
 * training worker.
 */
export async function buildGraphs(s, onGraph, shouldStop) {
  const gw = new GraphWorker((m) => {
    if (m.type === 'sweep-progress') onGraph(m.done, m.total);
  });
  let poll;
  const stopped = new Promise((_, reject) => {
    poll = setInterval(() => shouldStop() && reject(new Error('stopped')), 100);
  });
  try {
    await Promise.race([gw.ready, stopped]);
    const request = {
      family: { nodes: s.nodes, degree: s.degree, graphs: s.graphs, seed: s.seed, iters: s.iters },
      degrees: s.degrees,
      seeds: s.seeds,
      baselines: s.baselines,
    };
    return planned(await Promise.race([gw.request('sweep-graphs', { request }), stopped]));
  } finally {
    clearInterval(poll);
    gw.worker.terminate();
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

export function jobKey(j) {
  return `${j.kind}|${j.degree}|${j.graph ? j.graph.index : ''}|${j.seed}`;
}

export function rowKey(r) {
  return `${r.kind}|${r.degree}|${r.graph === null ? '' : r.graph}|${r.seed}`;
}

export function jobLabel(j) {
  if (j.kind === 'graph') return `graph ${j.graph.index} (ASPL ${j.graph.aspl.toFixed(3)})`;
  if (j.graph) return `${j.kind} k=${j.degree} (ASPL ${j.graph.aspl.toFixed(3)})`;
  return j.kind;
}

/** The TrainConfig of a run (the Rust defaults fill the rest: widths, momentum, weight decay). */
export function trainConfig(s, job) {
  return {
    model: s.model, optimizer: 'sgd', lr: s.lr, batch: 128, epochs: s.epochs, seed: job.seed, dense: job.kind === 'dense',
    depth: s.depth, residual: s.residual, norm: s.residual && s.model === 'mlp',
  };
}

/** Trains one job; resolves with its row, or null when it was stopped. */
export async function trainJob(client, s, job, graphs, onProgress) {
  const g = job.graph ?? graphs.family[0];
  // A fine-tuning sweep: every run starts from the pretrained network, pruned by its own mask.
  const start = s.start === 'pretrained' ? await pretrainedRef(s.model, s.dataset) : undefined;
  if (start === null) throw new Error(`this build has no pretrained ${s.model} for ${s.dataset}; start from scratch`);
  const r = await client.train(trainConfig(s, job), {
    dataset: s.dataset,
    variant: s.data,
    graph: { n: s.nodes, table: g.table, selfLoops: false },
    start,
    onProgress,
  });
  if (r.stopped) return null;
  const last = r.history[r.history.length - 1];
  const withGraph = job.graph !== null;
  return {
    kind: job.kind,
    degree: job.degree,
    graph: withGraph ? job.graph.index : null,
    aspl: withGraph ? job.graph.aspl : null,
    clustering: withGraph ? job.graph.clustering : null,
    fingerprint: withGraph ? job.graph.fingerprint : '',
    seed: job.seed,
    test_accuracy: r.test.accuracy,
    train_loss: last ? last.train_loss : NaN,
    seconds: r.seconds,
  };
}
