// The sweep panel's statistics (www/sweep/stats.js) against scipy, and its summary against the
// same rows the native summary test uses (src/sweep/summary.rs). Runs in node, no page.
import assert from 'node:assert/strict';
import { test } from './harness.mjs';
import { pearson, spearman, summarize, tQuantile, welch } from '../../www/sweep/stats.js';

const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol * Math.max(Math.abs(b), 1e-300), `${what}: ${a} vs ${b}`);

const ASPL = [3.046, 3.505, 4.062, 5.032, 5.538, 6.028, 6.561, 7.049, 7.569, 8.101, 8.381];
const ACC = [91.8, 91.5, 91.6, 91.2, 91.0, 90.9, 90.7, 90.8, 90.6, 90.5, 90.4];

test('sweep statistics match scipy (Pearson, Spearman, Welch, t quantiles)', async () => {
  const p = pearson(ASPL, ACC);
  close(p.r, -0.9818695706611898, 1e-12, 'pearson r');
  close(p.ci_low, -0.9954345863703356, 1e-9, 'pearson ci low');
  close(p.ci_high, -0.9294249346334539, 1e-9, 'pearson ci high');
  close(p.p, 8.297332076261252e-8, 1e-6, 'pearson p');
  const s = spearman([1, 2, 2, 3, 4], [2, 1, 3, 3, 5]);
  close(s.r, 0.7631578947368421, 1e-12, 'spearman r with ties');
  close(s.p, 0.13333911953180624, 1e-6, 'spearman p');
  close(tQuantile(0.975, 4), 2.7764451051977934, 1e-9, 't 0.975 df 4');
  close(tQuantile(0.975, 2.5), 3.5746548420036817, 1e-9, 't 0.975 df 2.5');
  const d = welch([91.2, 91.5, 91.0], [90.1, 90.6, 90.3, 90.0]);
  close(d.df, 4.588221325100912, 1e-9, 'welch df');
  close(d.p, 0.005178101778528616, 1e-6, 'welch p');
  close(d.ci_low, 0.46427716557963594, 1e-8, 'welch ci low');
  close(d.ci_high, 1.5023895010870327, 1e-8, 'welch ci high');
  assert.ok(Number.isNaN(welch([1], [1, 2]).ci_low));
});

test('sweep summary in the app agrees with the native one on the same rows', async () => {
  const row = (kind, degree, graph, seed, acc) => ({
    kind, degree, graph, aspl: graph === null ? null : 3 + graph, clustering: graph === null ? null : 0.1 * graph * graph,
    fingerprint: '', seed, test_accuracy: acc, train_loss: 0.1, seconds: 1,
  });
  const rows = [];
  for (let g = 0; g < 3; g++) for (let s = 1; s <= 2; s++) rows.push(row('graph', 4, g, s, 0.9 - 0.01 * g + 0.001 * s));
  rows.push(row('dense', 4, null, 1, 0.95), row('dense', 4, null, 2, 0.96), row('degree-best', 8, 0, 1, 0.93));
  const s = summarize(rows, 16, 4);
  assert.equal(s.runs, 9);
  assert.equal(s.graphs.length, 3);
  close(s.graphs[1].mean, 0.8915, 1e-12, 'graph 1 mean');
  assert.deepEqual([s.accuracy_vs_aspl.runs.pearson.n, s.accuracy_vs_aspl.means.pearson.n], [6, 3]);
  close(s.accuracy_vs_aspl.means.pearson.r, -1, 1e-12, 'r of means');
  close(s.aspl_vs_clustering.spearman.r, 1, 1e-12, 'aspl vs clustering');
  assert.deepEqual([s.best_vs_ring.best_index, s.best_vs_ring.ring_index], [0, 2]);
  close(s.best_vs_ring.gain.points, 2, 1e-9, 'best vs ring');
  assert.deepEqual(s.baselines.map((b) => b.kind), ['ring', 'dense']);
  close(s.baselines[1].minus_best.points, 5.35, 1e-9, 'dense minus best');
  assert.deepEqual(s.degrees.map((d) => d.degree), [4, 8]);
  assert.equal(s.degrees[1].worst, null);
  assert.equal(summarize([], 16, 4).best_vs_ring, null);
});
