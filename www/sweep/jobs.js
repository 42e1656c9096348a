// One run of a sweep in the training worker, and the row it gives (the columns of the native
// results.csv; www/sweep/engine.js writes the file and the statistics with the native code).

import { pretrainedRef } from '../train/finetune-view.js';

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

/** The TrainConfig of a run (Rust's defaults fill the rest: optimizer, batch, widths, momentum,
 * weight decay — as for `rgp sweep`). */
function trainConfig(s, job) {
  return {
    model: s.model, lr: s.lr, epochs: s.epochs, seed: job.seed, dense: job.kind === 'dense',
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
