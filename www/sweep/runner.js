// The in-app sweep: builds the graphs in a graph worker of its own (the native builder, so the
// fingerprints match `rgp sweep`), plans the runs in the native order (seed by seed: the ASPL
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
 * Builds the sweep's graphs in a graph worker of its own, with the native builder
 * (src/sweep/family.rs): the family, the degree sweep's pairs and one random regular graph per
 * seed when that baseline runs. `onGraph(done, total)` after each; `shouldStop()` is polled and
 * ends the build at once (the worker is dropped).
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
      random_seeds: s.baselines.includes('random-regular') ? s.seeds : 0,
    };
    const g = await Promise.race([gw.request('sweep-graphs', { request }), stopped]);
    return { family: g.family, degrees: g.degrees, randoms: new Map(g.randoms.map((r, i) => [i + 1, r])) };
  } finally {
    clearInterval(poll);
    gw.worker.terminate();
  }
}

/** Every run, seed by seed, in the order `rgp sweep` runs them. */
export function plan(s, graphs) {
  const jobs = [];
  for (let seed = 1; seed <= s.seeds; seed++) {
    for (const g of graphs.family) jobs.push({ kind: 'graph', degree: s.degree, graph: g, seed });
    for (const [best, ring] of graphs.degrees) {
      jobs.push({ kind: 'degree-best', degree: best.degree, graph: best, seed });
      jobs.push({ kind: 'degree-worst', degree: ring.degree, graph: ring, seed });
    }
    for (const b of APP_BASELINES) {
      if (!s.baselines.includes(b)) continue;
      jobs.push({ kind: b, degree: s.degree, graph: b === 'random-regular' ? graphs.randoms.get(seed) : null, seed });
    }
  }
  return jobs;
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
