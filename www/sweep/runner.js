// The in-app sweep: builds the graphs in a graph worker of its own (the same engine and the same
// seeded searches as `rgp sweep`, so the fingerprints match), plans the runs in the native order
// (seed by seed: the ASPL family, the degree sweep, the baselines) and trains them one after the
// other in the training worker. Rows use the columns of the native results.csv.

import { GraphWorker } from '../worker-client.js';
import { pretrainedRef } from '../train/finetune-view.js';

export const CSV_HEADER = 'kind,degree,graph,aspl,clustering,fingerprint,seed,test_accuracy,train_loss,seconds';

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

/** One graph search in `gw`; resolves with its view ({n, k, table, fingerprint, metrics}). */
function search(gw, config, searchIt) {
  return new Promise((resolve, reject) => {
    const id = gw.run(config, searchIt);
    gw.waiting = { id, resolve, reject };
  });
}

function graphEntry(view, index, origin, requested) {
  const m = view.metrics;
  return {
    index,
    nodes: view.n,
    degree: view.k,
    aspl: m.aspl,
    diameter: m.diameter,
    clustering: m.clustering,
    fingerprint: view.fingerprint,
    origin,
    requested_aspl: requested,
    table: Array.from(view.table),
  };
}

/**
 * Builds the sweep's graphs (src/sweep/family.rs): the annealed minimum, `graphs − 2` target
 * searches at evenly spaced ASPLs, the ring; then `[annealed, ring]` for every other degree.
 * `onGraph(done, total)` after each; `shouldStop()` is polled between graphs.
 */
export async function buildGraphs(s, onGraph, shouldStop) {
  const gw = new GraphWorker((m) => {
    const w = gw.waiting;
    if (!w || m.id !== w.id) return;
    if (m.type === 'error') {
      gw.waiting = null;
      w.reject(new Error(m.message));
    } else if (m.type === 'graph' && m.phase === 'done') {
      gw.waiting = null;
      w.resolve(m.view);
    }
  });
  const base = { nodes: s.nodes, degree: s.degree, init: 'ring', seed: s.seed, iters: s.iters, tolerance: 0.01 };
  const extra = [...new Set(s.degrees.filter((k) => k !== s.degree))].sort((a, b) => a - b);
  const total = s.graphs + 2 * extra.length;
  let done = 0;
  const step = () => {
    done++;
    onGraph(done, total);
    if (shouldStop()) throw new Error('stopped');
  };
  try {
    await gw.ready;
    const anneal = (k) => search(gw, { ...base, degree: k, search: 'anneal' }, true);
    const ring = (k) => search(gw, { ...base, degree: k, search: 'none' }, false);
    const best = await anneal(s.degree);
    step();
    const worst = await ring(s.degree);
    const lo = best.metrics.aspl;
    const hi = worst.metrics.aspl;
    const g = s.graphs - 1;
    const family = [graphEntry(best, 0, 'anneal', lo)];
    for (let i = 1; i < s.graphs - 1; i++) {
      const t = lo + ((hi - lo) * i) / g;
      const v = await search(gw, { ...base, search: 'target', target_aspl: t }, true);
      family.push(graphEntry(v, i, `target ${t.toFixed(4)}`, t));
      step();
    }
    family.push(graphEntry(worst, s.graphs - 1, 'ring', hi));
    step();
    family.sort((a, b) => a.aspl - b.aspl || a.index - b.index);
    family.forEach((f, i) => {
      f.index = i;
    });
    const degrees = [];
    for (const k of extra) {
      const b = await anneal(k);
      const w = await ring(k);
      degrees.push([graphEntry(b, 0, 'anneal', b.metrics.aspl), graphEntry(w, 1, 'ring', w.metrics.aspl)]);
      step();
      step();
    }
    const randoms = new Map();
    if (s.baselines.includes('random-regular')) {
      for (let seed = 1; seed <= s.seeds; seed++) {
        const v = await search(gw, { ...base, init: 'random', seed, search: 'none' }, false);
        randoms.set(seed, graphEntry(v, 0, 'random', v.metrics.aspl));
      }
    }
    return { family, degrees, randoms };
  } finally {
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

export function toCsv(rows) {
  const f = (x) => (x === null || x === undefined ? '' : String(x));
  const lines = rows.map((r) => [r.kind, r.degree, f(r.graph), f(r.aspl), f(r.clustering), r.fingerprint, r.seed,
    r.test_accuracy, r.train_loss, r.seconds.toFixed(3)].join(','));
  return `${CSV_HEADER}\n${lines.map((l) => `${l}\n`).join('')}`;
}
