// Soak, short version (the long one: node bench/soak.mjs): searches back to back in the graph
// worker, then twenty trainings in a row in the training worker. Worker memory stays flat after warm-up,
// no worker survives its Stop, and Stop takes effect fast (graph) or within a chunk (training).
import assert from 'node:assert/strict';
import { graphSoak, recordChunks, summarise, trainingSoak, watchWorkers } from '../../bench/soak.mjs';
import { test, waitForState } from './harness.mjs';

test('soak (short): searches and trainings in a row, memory flat, no stray worker, Stop in time', async ({ page, baseURL }) => {
  const p = await page();
  await p.context().addInitScript(recordChunks);
  const watch = await watchWorkers(p);
  // 256 nodes: a long search, and a graph the MLP (256 wide) can carry for the trainings.
  await p.goto(`${baseURL}#v=1&nodes=256&degree=8&search=anneal&iters=1000000000`);
  await waitForState(p, ['searching', 'done']);

  const g = await graphSoak(p, watch, { ms: Number(process.env.SOAK_GRAPH_MS ?? 25000) });
  const t = await trainingSoak(p, watch, { runs: 20 });
  const s = summarise(g, t);
  console.log(`     soak: ${JSON.stringify(s)}`);
  await watch.close();

  assert.ok(g.cycles >= 10, `only ${g.cycles} searches`);
  assert.ok(s.graph.growth_after_warmup <= 1.1, `graph worker memory grew ${s.graph.growth_after_warmup}x`);
  assert.ok(s.graph.worker_count_constant, `workers came and went: ${JSON.stringify(g.workers)}`);
  assert.equal(s.graph.workers_after_stop.graph, 1, 'one graph worker');
  // The page's median Stop within 100 ms; the worst case is left some room for a busy machine.
  assert.ok(s.graph.stop_ms.median <= 100, `graph Stop median ${s.graph.stop_ms.median} ms`);
  assert.ok(s.graph.stop_ms.max <= 500, `graph Stop worst ${s.graph.stop_ms.max} ms`);

  // Twenty runs in one tab: the worker's JS heap stays within 10% of its level after the first
  // run, the module's wasm memory (which never shrinks) within 10% of its level after the second.
  assert.equal(t.runs, 20);
  assert.ok(s.training.worker_count_constant, `training workers came and went: ${JSON.stringify(t.workers)}`);
  assert.ok(Math.max(...t.memory.slice(1)) <= t.memory[0] * 1.1, `training worker JS memory ${t.memory}`);
  assert.ok(s.training.wasm_growth_after_second_run <= 1.1, `training module memory ${t.wasm}`);
  // Stop ends the run at the end of the chunk in flight; the partial network is then evaluated
  // on the test set before the panel says "stopped".
  assert.ok(t.stopMs <= 2 * t.chunkMs + 250, `training Stop took ${t.stopMs} ms; chunks take up to ${t.chunkMs} ms`);
  assert.ok(t.workersAfterStop.training <= t.workers.at(-1).training, `stray training worker: ${JSON.stringify(t.workersAfterStop)}`);
}, { timeout: 300000 });
