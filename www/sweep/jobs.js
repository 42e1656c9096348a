// One run of a sweep in the training worker, and the row it gives (the columns of the native
// results.csv; www/sweep/engine.js writes the file and the statistics with the native code).

import { loadData } from '../data/user-store.js';
import { startOf, userRunData } from '../data/run-data.js';
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

/** The start of a fine-tuning sweep's runs, or an error saying why there is none. */
async function startFor(s, user) {
  if (!user) {
    const start = await pretrainedRef(s.model, s.dataset);
    if (start === null) throw new Error(`this build has no pretrained ${s.model} for ${s.dataset}; start from scratch`);
    return start;
  }
  const start = startOf(await loadData(s.userConfig.data_id), s.model, user.data);
  if (!start) throw new Error(`no ${s.model} trained on your data yet: train its dense baseline in the training panel first, or start from scratch`);
  return start;
}

/** Trains one job; resolves with its row, or null when it was stopped. */
export async function trainJob(client, s, job, graphs, onProgress) {
  const g = job.graph ?? graphs.family[0];
  const user = s.userConfig ? await userRunData(s.userConfig) : undefined;
  // A fine-tuning sweep: every run starts from the pretrained network (on your data: the one
  // trained on it in the training panel), pruned by its own mask.
  const start = s.start === 'pretrained' ? await startFor(s, user) : undefined;
  const r = await client.train(trainConfig(s, job), {
    dataset: s.dataset,
    variant: s.data,
    graph: { n: s.nodes, table: g.table, selfLoops: false },
    start,
    user,
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
